"""Numerical agreement, the way the course checks it: ``assert close(mine, librosa_s)``.

Notebooks build an idea in a few lines, call the library, then check that both
give the same numbers as librosa. Audio is float32, so "the same" means equal
up to float32 rounding, measured against the size of the result:

    max |actual − expected|  ≤  rtol · max |expected|        (rtol = 1e-5 by default)

One tolerance for the whole array, relative to its largest value, suits
spectrograms and MFCCs: values near zero (quiet bins, rounding noise) are judged
on the scale of the loud ones, where ``numpy.allclose``'s element-wise relative
test would fail on noise a thousand times below anything audible.

Notebooks: ``04_stft_and_spectrograms.ipynb`` shows the idea (the printed
largest difference), then ``04``, ``05_mel_scale.ipynb`` and ``06_mfcc.ipynb``
use :func:`close`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["close", "relative_error"]

#: The course's float32 tolerance: about 100 float32 rounding steps (eps ≈ 1.2e-7).
RTOL = 1e-5


def _as_arrays(actual: Any, expected: Any) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(actual)
    b = np.asarray(expected)
    for name, x in (("actual", a), ("expected", b)):
        if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
            raise ValueError(f"close() compares arrays of numbers; {name} holds {x.dtype} values. "
                             "Pass NumPy arrays (or numbers).")
    if a.shape != b.shape:
        raise ValueError(f"close(): actual has shape {a.shape} but expected has shape {b.shape}; arrays of "
                         "different shapes are never close. Compare the same frames and bins (check "
                         "n_fft, hop_length, center and n_mels on both sides).")
    return a, b


def relative_error(actual: Any, expected: Any) -> float:
    """The largest difference, relative to the largest value: ``max|a − b| / max|b|``.

    Complex arrays (an STFT) are compared by the modulus of the difference.

    Parameters
    ----------
    actual, expected : array_like
        Arrays of numbers with the same shape (real or complex).

    Returns
    -------
    float
        0.0 for identical arrays; ``inf`` if ``expected`` is all zeros and
        ``actual`` is not; ``nan`` if either holds a NaN.

    Raises
    ------
    ValueError
        If the shapes differ or an input is not numeric.

    Notes
    -----
    Notebook: ``04_stft_and_spectrograms.ipynb`` prints it next to each check.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.testing import relative_error
    >>> error = relative_error(np.array([1.0, 2.0, 4.00004]), np.array([1.0, 2.0, 4.0]))
    >>> print(f"{error:.1e}")           # 0.00004 off, relative to the largest value 4
    1.0e-05
    """
    a, b = _as_arrays(actual, expected)
    if a.size == 0:
        return 0.0
    with np.errstate(invalid="ignore"):
        diff = np.abs(a.astype(np.complex128) - b.astype(np.complex128)) if (
            np.iscomplexobj(a) or np.iscomplexobj(b)) else np.abs(a.astype(np.float64) - b.astype(np.float64))
    scale = float(np.max(np.abs(b)))
    largest = float(np.max(diff))
    if np.isnan(largest) or np.isnan(scale):
        return float("nan")
    if scale == 0.0:
        return 0.0 if largest == 0.0 else float("inf")
    return largest / scale


def close(actual: Any, expected: Any, *, rtol: float = RTOL) -> bool:
    """True when ``actual`` equals ``expected`` up to float32 rounding, relative to its largest value.

    The test is ``max|actual − expected| ≤ rtol · max|expected|``: one tolerance
    for the whole array, scaled by its largest magnitude (see the module
    docstring for why). Complex arrays (an STFT) are compared by the modulus
    of the difference, so phase errors count too. Any NaN makes the arrays not
    close.

    Parameters
    ----------
    actual : array_like
        What you computed (e.g. your few-line STFT).
    expected : array_like
        The reference (e.g. ``librosa.stft``), same shape.
    rtol : float, keyword-only
        Allowed largest difference as a fraction of ``max|expected|``; the
        default 1e-5 is about 100 float32 rounding steps.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If the shapes differ (the message shows both: arrays of different
        shapes are never close, and saying so beats a bare ``False``), an input
        is not numeric, or ``rtol`` is not a non-negative number.

    Notes
    -----
    Notebooks: ``04_stft_and_spectrograms.ipynb``, ``05_mel_scale.ipynb``
    and ``06_mfcc.ipynb`` use it for every "equal to librosa" check.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.testing import close
    >>> x = np.array([0.5, -2.0, 1e-9])
    >>> close(x + 1e-6, x)              # 1e-6 is below 1e-5 × 2.0
    True
    >>> close(x + 1e-4, x)
    False
    >>> close(np.array([1 + 1j]), np.array([1 - 1j]))   # complex: the phase counts
    False
    >>> close(np.zeros(3), np.zeros(4))
    Traceback (most recent call last):
    ...
    ValueError: close(): actual has shape (3,) but expected has shape (4,); arrays of different shapes are never close. Compare the same frames and bins (check n_fft, hop_length, center and n_mels on both sides).
    """
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float, np.integer, np.floating)) \
            or not np.isfinite(rtol) or rtol < 0:
        raise ValueError(f"rtol must be a non-negative number (a fraction such as 1e-5), got {rtol!r}.")
    error = relative_error(actual, expected)
    if np.isnan(error):
        return False
    return bool(error <= float(rtol))
