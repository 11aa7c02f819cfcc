"""``python -m musiclearn.bench COMMAND [options]`` (see :mod:`musiclearn.bench`)."""

from __future__ import annotations

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
