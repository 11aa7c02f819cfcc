"""Exercise definitions for the notebooks, one module per notebook (``nbNN.py``)."""
