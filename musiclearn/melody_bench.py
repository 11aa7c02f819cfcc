"""The melody benchmark's old module name; the benchmark now lives in :mod:`musiclearn.bench.melody`.

Notebook: ``10_rnn_and_transformer.ipynb`` (it still imports this name).

Every name of ``musiclearn.bench.melody``, public or not, is importable from
here and is the same object; ``python -m musiclearn.melody_bench ...`` runs
its command line, the same as ``python -m musiclearn.bench melody ...``.
"""

from __future__ import annotations

import sys
from typing import Any

from .bench import melody as _melody
from .bench.melody import *  # noqa: F401,F403 - the public names, for `from musiclearn.melody_bench import run`
from .bench.melody import __all__  # noqa: F401


def __getattr__(name: str) -> Any:
    # Private helpers too (old code and tests reach for a few), without copying them here.
    try:
        return getattr(_melody, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


if __name__ == "__main__":
    sys.exit(_melody.main())
