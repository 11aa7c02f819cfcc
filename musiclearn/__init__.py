"""musiclearn: the helper library behind the musiclearn course.

Importing the package is cheap: submodules (and the heavy libraries they use,
such as librosa and torch) load the first time you touch them, e.g.
``musiclearn.stft`` or ``from musiclearn import corpus``.

Notebook: ``00_welcome.ipynb`` introduces the course and this library.
"""

from __future__ import annotations

import importlib
import importlib.util  # not implied by `import importlib`: a plain install has no .pth importing it
import os
import random
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = frozenset(
    {
        "audio", "audio_models", "bench", "clips", "corpus", "data", "doctor", "errors", "evaluate",
        "exercises", "fourier", "generate", "hygiene", "loaders", "mel", "melody", "mfcc", "midi", "models",
        "melody_bench", "next_sample", "ngram", "pitch", "plot", "rhythm", "signals", "stft", "testing", "tokens",
        "torch_features", "train", "translation", "widgets", "windows",
    }
)

__all__ = ["__version__", "seed_everything", "fast_mode", *sorted(_SUBMODULES)]


def _ensure_writable_numba_cache() -> None:
    """Point numba's cache at the user cache when librosa's folder is read-only.

    librosa compiles some functions with ``numba.jit(cache=True)``, which writes
    next to librosa's source. On Binder, in system-wide installs or in
    containers that folder is read-only and numba would fail or recompile on
    every start. This must run before numba is imported, so it checks the
    folder without importing librosa.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    try:
        spec = importlib.util.find_spec("librosa")
    except (ImportError, ValueError):
        return
    if spec is None or not spec.submodule_search_locations:
        return
    package_dir = next(iter(spec.submodule_search_locations))
    if os.access(package_dir, os.W_OK):
        return
    from ._config import cache_dir

    numba_dir = cache_dir() / "numba"
    numba_dir.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(numba_dir)


_ensure_writable_numba_cache()


def fast_mode() -> bool:
    """True when ``MUSICLEARN_FAST=1``: notebooks shrink data and training.

    Notebook: ``00_welcome.ipynb`` shows it; every notebook shrinks its data and training
    with it.
    """
    from ._config import fast_mode as _fast_mode

    return _fast_mode()


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and (if installed) PyTorch's random generators.

    Notebooks: ``01_sound_as_numbers.ipynb`` to ``11_generation_and_memorization.ipynb``
    call it, so that their numbers repeat from run to run.

    The same seed gives the same data order, initial weights and loss curve on
    the CPU. On a GPU, some kernels stay non-deterministic.

    Parameters
    ----------
    seed : int
        Any non-negative integer.

    Examples
    --------
    >>> import musiclearn, numpy as np
    >>> musiclearn.seed_everything(0); a = np.random.rand()
    >>> musiclearn.seed_everything(0); b = np.random.rand()
    >>> a == b
    True
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    import numpy as np

    np.random.seed(seed % 2**32)
    if importlib.util.find_spec("torch") is not None:
        import torch

        torch.manual_seed(seed)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
