"""Comparisons shared by the exercise modules: a learner's answer may be anything."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def as_number(value: Any) -> float | None:
    """``value`` as a float when it is one real number, else None."""
    array = as_array(value)
    return float(array) if array is not None and array.ndim == 0 else None


def as_array(value: Any) -> np.ndarray | None:
    """``value`` as a float array, or None when it is not numeric."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def same(got: Any, value: Any, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True when ``got`` has ``value``'s shape and is close to it everywhere."""
    have, want = as_array(got), as_array(value)
    if have is None or want is None or have.shape != want.shape:
        return False
    return bool(np.allclose(have, want, rtol=rtol, atol=atol))


def close_number(got: Any, value: float, *, rtol: float = 1e-6) -> bool:
    """True when ``got`` is one number within ``rtol`` of ``value``."""
    have = as_number(got)
    return have is not None and math.isclose(have, value, rel_tol=rtol, abs_tol=1e-12)


def ratio_everywhere(got: Any, expected: Any, factor: float, *, rtol: float = 1e-6) -> bool:
    """True when ``got == factor * expected`` (arrays or numbers)."""
    have = as_array(got)
    if have is None:
        return False
    want = np.asarray(expected, dtype=float)
    return have.shape == want.shape and bool(np.allclose(have, factor * want, rtol=rtol, atol=1e-9))
