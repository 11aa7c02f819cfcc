"""Frames, window functions and how much they leak.

Notebook: ``02_frames_and_windows.ipynb`` teaches from this module.

A spectrum is computed from a short *frame* of the signal. Cutting a frame out
is the same as multiplying by a rectangular window, and when the frame does not
hold a whole number of periods the energy of one sinusoid spreads into bins on
**both** sides of its true frequency: spectral leakage. A tapered window
(Hann, Hamming, Blackman) lowers the far leakage (the side lobes) at the price
of a wider main lobe; no window removes leakage. The functions here measure
both effects numerically, from a zero-padded FFT of the window, and check the
constant-overlap-add (COLA) condition that lets overlapping frames put the
tapered-off signal back together.

All windows are written from their cosine-sum formula

.. math:: w[m] = \\sum_k (-1)^k a_k \\cos(2\\pi k m / N)

with ``N = n`` for the *periodic* window used in spectral analysis
(``fftbins=True``) and ``N = n - 1`` for the *symmetric* window used in filter
design; they equal :func:`scipy.signal.get_window` to rounding error.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from numpy.typing import ArrayLike

from . import _validate

__all__ = [
    "WINDOW_NAMES",
    "WINDOW_ALIASES",
    "cosine_sum_coefficients",
    "get_window",
    "frame",
    "window_samples",
    "window_response",
    "main_lobe_width",
    "highest_sidelobe_db",
    "leakage_table",
    "cola_error",
    "is_cola",
]

# Cosine-sum coefficients a_k (Harris 1978, Table 1 / Blackman & Tukey 1958).
_COEFFICIENTS: Dict[str, Tuple[float, ...]] = {
    "rectangular": (1.0,),
    "hann": (0.5, 0.5),
    "hamming": (0.54, 0.46),
    "blackman": (0.42, 0.5, 0.08),
}
#: Other names :func:`get_window` accepts, and the window each one means.
WINDOW_ALIASES = {"rect": "rectangular", "boxcar": "rectangular", "ones": "rectangular"}

#: The window names :func:`get_window` understands (aliases: :data:`WINDOW_ALIASES`).
WINDOW_NAMES: Tuple[str, ...] = tuple(_COEFFICIENTS)

# The response floor in dB: exact nulls (a rectangular window has them at every
# integer bin) would otherwise give -inf.
_DB_FLOOR = -300.0


def _window_key(name: str) -> str:
    if not isinstance(name, str):
        raise ValueError(
            f"window must be a name such as 'hann', got {type(name).__name__}; "
            f"choose one of {', '.join(WINDOW_NAMES)}."
        )
    key = name.strip().lower()
    key = WINDOW_ALIASES.get(key, key)
    if key not in _COEFFICIENTS:
        raise ValueError(
            f"Unknown window {name!r}; choose one of {', '.join(WINDOW_NAMES)} "
            "(or use scipy.signal.get_window for other shapes)."
        )
    return key


def cosine_sum_coefficients(name: str) -> Tuple[float, ...]:
    """The coefficients ``a_k`` of a cosine-sum window.

    Notebook: ``02_frames_and_windows.ipynb``.

    Parameters
    ----------
    name : str
        ``"rectangular"`` (alias ``"boxcar"``), ``"hann"``, ``"hamming"`` or
        ``"blackman"``.

    Returns
    -------
    tuple of float
        ``(a_0, a_1, ...)`` in ``w[m] = sum_k (-1)**k * a_k * cos(2*pi*k*m/N)``.

    Examples
    --------
    >>> cosine_sum_coefficients("hamming")
    (0.54, 0.46)
    """
    return _COEFFICIENTS[_window_key(name)]


def get_window(name: str, n: int, *, fftbins: bool = True) -> np.ndarray:
    """A window of ``n`` samples, built from its cosine-sum formula.

    Notebook: ``02_frames_and_windows.ipynb``.

    Parameters
    ----------
    name : str
        ``"rectangular"`` (aliases ``"rect"``, ``"boxcar"``, ``"ones"``),
        ``"hann"``, ``"hamming"`` or ``"blackman"`` (case-insensitive).
    n : int
        Window length in samples, at least 1.
    fftbins : bool, keyword-only
        ``True`` (default) gives the *periodic* window for spectral analysis:
        one period of the cosines spans ``n`` samples, so shifted copies add up
        exactly (COLA) and its DFT has nulls on integer bins. ``False`` gives
        the *symmetric* window (first and last sample equal), used in filter
        design.

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float64]
        The window; equal to ``scipy.signal.get_window(name, n, fftbins=fftbins)``
        to rounding error.

    Examples
    --------
    >>> w = get_window("hann", 8)
    >>> np.round(w, 3)
    array([0.   , 0.146, 0.5  , 0.854, 1.   , 0.854, 0.5  , 0.146])
    >>> np.round(get_window("hann", 5, fftbins=False), 3)
    array([0. , 0.5, 1. , 0.5, 0. ])
    """
    coefficients = _COEFFICIENTS[_window_key(name)]
    n = _validate.positive_int(n, "n", unit="samples")
    if n == 1:
        # Both conventions define a one-sample window as [1.0].
        return np.ones(1)
    period = n if fftbins else n - 1
    phase = 2.0 * np.pi * np.arange(n) / period
    window = np.zeros(n)
    for k, a_k in enumerate(coefficients):
        window += (-1) ** k * a_k * np.cos(k * phase)
    return window


def window_samples(window: Any, n: int, *, pad_to: int | None = None) -> np.ndarray:
    """Any way of naming a window, as ``n`` samples of the periodic window.

    Notebook: ``02_frames_and_windows.ipynb``.

    The one place where the library turns a ``window=`` argument into numbers
    (``stft``, ``torch_features``, ``fourier.amplitude_spectrum`` and the
    plots all call it).

    Parameters
    ----------
    window : None, str, tuple, callable or np.ndarray
        ``None`` (no taper: the rectangular window); one of
        :data:`WINDOW_NAMES` or :data:`WINDOW_ALIASES` (built here by
        :func:`get_window`); any other ``scipy.signal.get_window`` spec such
        as ``"kaiser"`` or ``("kaiser", 8.0)``; a function of the length; or
        an array of exactly ``n`` samples.
    n : int
        Window length in samples.
    pad_to : int, keyword-only, optional
        Zero-pad the window on both sides to this many samples (at least
        ``n``), as the STFT does when ``win_length < n_fft``.

    Returns
    -------
    np.ndarray [shape=(n,) or (pad_to,), dtype=float64]

    Examples
    --------
    >>> np.round(window_samples("hann", 4), 3)
    array([0. , 0.5, 1. , 0.5])
    >>> window_samples(None, 3, pad_to=5)
    array([0., 1., 1., 1., 0.])
    """
    n = _validate.positive_int(n, "n", unit="samples")
    if window is None:
        w = np.ones(n)
    elif isinstance(window, str) and WINDOW_ALIASES.get(window.strip().lower(), window.strip().lower()) in _COEFFICIENTS:
        w = get_window(window, n, fftbins=True)
    elif callable(window):
        w = np.asarray(window(n), dtype=float)
    elif isinstance(window, (str, tuple)) or (np.isscalar(window) and not isinstance(window, bool)):
        # Other named windows ("kaiser", ("kaiser", 8.0), ...) as scipy spells them.
        from scipy.signal import get_window as scipy_get_window

        try:
            w = np.asarray(scipy_get_window(window, n, fftbins=True), dtype=float)
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"Unknown window {window!r} ({error}); use one of {', '.join(WINDOW_NAMES)}, "
                "a scipy.signal.get_window name, a function of the length, or an array."
            ) from None
    else:
        w = np.asarray(window, dtype=float)
        if w.ndim != 1 or w.size != n:
            raise ValueError(
                f"The window array has shape {w.shape} but must match the {n} samples it is applied to; "
                f"pass a 1-D window of exactly {n} samples."
            )
    if w.shape != (n,) or not np.isfinite(w).all():
        raise ValueError(f"The window must give {n} finite samples, got shape {w.shape}.")
    if pad_to is None:
        return w
    pad_to = _validate.positive_int(pad_to, "pad_to", unit="samples")
    if pad_to < n:
        raise ValueError(f"pad_to={pad_to} is shorter than the window ({n} samples); use pad_to >= {n}.")
    left = (pad_to - n) // 2
    padded = np.zeros(pad_to)
    padded[left : left + n] = w
    return padded


def frame(y: ArrayLike, *, frame_length: int, hop_length: int) -> np.ndarray:
    """Slice a signal into overlapping frames, without copying and without padding.

    Notebook: ``02_frames_and_windows.ipynb``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)]
        Signal; the last axis is time (samples). Leading axes (channels) are kept.
    frame_length : int, keyword-only
        Samples per frame.
    hop_length : int, keyword-only
        Samples between the starts of consecutive frames.

    Returns
    -------
    np.ndarray [shape=(..., frame_length, n_frames)]
        A read-only view: column ``t`` is ``y[..., t*hop_length : t*hop_length + frame_length]``
        and ``n_frames = 1 + (n - frame_length) // hop_length``. Samples after
        the last full frame are dropped. Same layout as ``librosa.util.frame``.
        Copy it (``.copy()``) before writing into it.

    Examples
    --------
    >>> frames = frame(np.arange(10.0), frame_length=4, hop_length=3)
    >>> frames.shape
    (4, 3)
    >>> frames[:, 1]
    array([3., 4., 5., 6.])
    """
    y = np.asarray(y)
    frame_length = _validate.positive_int(frame_length, "frame_length", unit="samples")
    hop_length = _validate.positive_int(hop_length, "hop_length", unit="samples")
    if y.ndim == 0:
        raise ValueError("y must be an array of samples, not a single number.")
    n = y.shape[-1]
    if n < frame_length:
        raise ValueError(
            f"The signal has {n} samples, fewer than frame_length={frame_length}; "
            "pad it (e.g. with np.pad) or use a shorter frame."
        )
    windows = np.lib.stride_tricks.sliding_window_view(y, frame_length, axis=-1)
    return np.swapaxes(windows[..., ::hop_length, :], -1, -2)


def _as_window_array(w: ArrayLike) -> np.ndarray:
    return _validate.signal(w, "w", ndim=1, what="window").astype(float)


def _default_n_fft(n: int) -> int:
    # 64 FFT points per DFT bin resolve lobe edges to 1/64 bin and put the
    # nulls of periodic cosine-sum windows (integer bins) exactly on the grid.
    return 64 * n


def window_response(w: ArrayLike, *, n_fft: int | None = None) -> Tuple[np.ndarray, np.ndarray]:
    """The frequency response of a window, from a zero-padded FFT.

    Notebook: ``02_frames_and_windows.ipynb``.

    Parameters
    ----------
    w : np.ndarray [shape=(n,)]
        The window (e.g. from :func:`get_window`).
    n_fft : int, keyword-only, optional
        FFT length, at least ``len(w)``. Zero padding samples the continuous
        response more finely; the default, ``64 * len(w)``, gives 64 points
        per bin.

    Returns
    -------
    freqs : np.ndarray [shape=(n_fft,)]
        Frequency in **bins** of an ``n``-point DFT (``1 bin = sr / n`` Hz),
        from ``-n/2`` to just below ``+n/2``, in increasing order.
    db : np.ndarray [shape=(n_fft,)]
        Magnitude in dB relative to the response at 0 Hz (so ``db`` is 0 at
        ``freqs == 0``), floored at -300 dB where the response is exactly zero.

    Examples
    --------
    >>> freqs, db = window_response(get_window("rectangular", 32))
    >>> float(db[freqs == 0][0])
    0.0
    >>> round(float(db[freqs == 0.5][0]), 2)  # half a bin off: the rectangular window's scalloping loss
    -3.92
    """
    w = _as_window_array(w)
    n = w.size
    n_fft = _default_n_fft(n) if n_fft is None else _validate.positive_int(n_fft, "n_fft", unit="samples")
    if n_fft < n:
        raise ValueError(f"n_fft={n_fft} is shorter than the window ({n} samples); use n_fft >= {n}.")
    spectrum = np.abs(np.fft.fft(w, n_fft))
    dc = spectrum[0]
    if dc <= np.finfo(float).tiny * n:
        raise ValueError("The window sums to zero, so its response cannot be normalised to 0 dB at 0 Hz.")
    with np.errstate(divide="ignore"):
        db = 20.0 * np.log10(spectrum / dc)
    db = np.maximum(db, _DB_FLOOR)
    freqs = np.fft.fftfreq(n_fft) * n
    return np.fft.fftshift(freqs), np.fft.fftshift(db)


def _positive_half(w: ArrayLike, n_fft: int | None) -> Tuple[np.ndarray, np.ndarray]:
    freqs, db = window_response(w, n_fft=n_fft)
    keep = freqs >= 0
    return freqs[keep], db[keep]


def _first_null_index(db: np.ndarray) -> int:
    # The first local minimum after 0 Hz: where the response stops falling.
    rising = np.nonzero(np.diff(db) > 0)[0]
    if rising.size == 0:
        raise ValueError(
            "The window's response never rises again after its main lobe, so it has no side lobes "
            "to measure; use a longer n_fft."
        )
    return int(rising[0])


def main_lobe_width(w: ArrayLike, *, n_fft: int | None = None) -> float:
    """Null-to-null width of a window's main lobe, in DFT bins.

    Notebook: ``02_frames_and_windows.ipynb``.

    Parameters
    ----------
    w : np.ndarray [shape=(n,)]
        The window.
    n_fft : int, keyword-only, optional
        FFT length used to sample the response (see :func:`window_response`);
        the result is accurate to ``n / n_fft`` bins.

    Returns
    -------
    float
        Twice the distance from 0 Hz to the first null, in bins
        (``1 bin = sr / n`` Hz): 2 for rectangular, 4 for Hann and Hamming,
        6 for Blackman.

    Examples
    --------
    >>> main_lobe_width(get_window("rectangular", 64))
    2.0
    >>> main_lobe_width(get_window("hann", 64))
    4.0
    """
    freqs, db = _positive_half(w, n_fft)
    return float(2.0 * freqs[_first_null_index(db)])


def highest_sidelobe_db(w: ArrayLike, *, n_fft: int | None = None) -> float:
    """Level of a window's highest side lobe, in dB relative to the main lobe.

    Notebook: ``02_frames_and_windows.ipynb``.

    Parameters
    ----------
    w : np.ndarray [shape=(n,)]
        The window.
    n_fft : int, keyword-only, optional
        FFT length used to sample the response (see :func:`window_response`).

    Returns
    -------
    float
        The largest response beyond the first null, in dB (negative). About
        -13.3 dB for rectangular, -31.5 dB for Hann, -42.7 dB for Hamming and
        -58.1 dB for Blackman.

    Examples
    --------
    >>> round(highest_sidelobe_db(get_window("rectangular", 256)), 1)
    -13.3
    >>> round(highest_sidelobe_db(get_window("hann", 256)), 1)
    -31.5
    """
    _, db = _positive_half(w, n_fft)
    return float(db[_first_null_index(db) + 1 :].max())


def leakage_table(
    *, n: int = 256, windows: Sequence[str] = WINDOW_NAMES, n_fft: int | None = None
) -> List[Dict[str, str | float]]:
    """Measure the leakage trade-off of several windows, one row per window.

    Notebook: ``02_frames_and_windows.ipynb``.

    Parameters
    ----------
    n : int, keyword-only
        Window length in samples.
    windows : sequence of str, keyword-only
        Window names for :func:`get_window`.
    n_fft : int, keyword-only, optional
        FFT length for the response (see :func:`window_response`).

    Returns
    -------
    list of dict
        One dict per window with keys ``"window"``, ``"main_lobe_width_bins"``
        (null to null), ``"highest_sidelobe_db"``, ``"coherent_gain"``
        (``mean(w)``: the amplitude a bin-centred sinusoid keeps) and
        ``"enbw_bins"`` (equivalent noise bandwidth ``n * sum(w**2) / sum(w)**2``,
        in bins: how much broadband noise each bin collects).

    Examples
    --------
    >>> rows = leakage_table(n=128)
    >>> [row["window"] for row in rows]
    ['rectangular', 'hann', 'hamming', 'blackman']
    >>> rows[1]["main_lobe_width_bins"]
    4.0
    """
    n = _validate.positive_int(n, "n", unit="samples")
    rows: List[Dict[str, str | float]] = []
    for name in windows:
        w = get_window(name, n)
        rows.append(
            {
                "window": _window_key(name),
                "main_lobe_width_bins": main_lobe_width(w, n_fft=n_fft),
                "highest_sidelobe_db": highest_sidelobe_db(w, n_fft=n_fft),
                "coherent_gain": float(w.mean()),
                "enbw_bins": float(n * np.sum(w**2) / np.sum(w) ** 2),
            }
        )
    return rows


def _resolve_window(window: str | ArrayLike, n: int | None) -> np.ndarray:
    if isinstance(window, str):
        if n is None:
            raise ValueError(f"Give the window length as n=... to check the {window!r} window.")
        return get_window(window, n)
    if n is not None:
        raise ValueError("Pass n only together with a window name; an array window has its own length.")
    return _as_window_array(window)


def cola_error(
    window: str | ArrayLike, *, hop: int, n: int | None = None, power: float = 1.0
) -> float:
    """How far shifted copies of a window are from adding up to a constant.

    Notebook: ``02_frames_and_windows.ipynb``.

    Overlap-adding the window ``w**power`` every ``hop`` samples gives, away
    from the ends, a periodic sum ``s[j] = sum_k w[j + k*hop]**power``. The
    window satisfies the constant-overlap-add (COLA) condition when ``s`` is
    flat; then overlapping frames give every sample the same total weight.
    Use ``power=2`` for the weighted overlap-add of an inverse STFT, where the
    window is applied twice.

    Parameters
    ----------
    window : str or np.ndarray
        A window name for :func:`get_window` (periodic; needs ``n``) or an array.
    hop : int, keyword-only
        Samples between frames, ``1 <= hop <= len(window)``.
    n : int, keyword-only, optional
        Window length in samples when ``window`` is a name.
    power : float, keyword-only
        Exponent applied to the window before adding (1 or 2 in practice).

    Returns
    -------
    float
        Relative ripple ``(max(s) - min(s)) / mean(s)``: 0 for an exact COLA
        window (to rounding error), larger the less constant the sum.

    Examples
    --------
    >>> cola_error("hann", n=1024, hop=512) < 1e-12
    True
    >>> round(cola_error("hann", n=1000, hop=400), 3)  # 60 % overlap
    0.094
    """
    w = _resolve_window(window, n)
    hop = _validate.positive_int(hop, "hop", unit="samples")
    if hop > w.size:
        raise ValueError(
            f"hop={hop} is longer than the window ({w.size} samples), so the frames leave gaps; "
            f"use hop <= {w.size}."
        )
    if not np.isfinite(power):
        raise ValueError(f"power must be a finite number, got {power!r}.")
    weighted = w**power
    rows = -(-w.size // hop)
    padded = np.zeros(rows * hop)
    padded[: w.size] = weighted
    overlap_sum = padded.reshape(rows, hop).sum(axis=0)
    mean = overlap_sum.mean()
    if not mean > 0:
        raise ValueError("The overlap-added window has no positive average, so its ripple is undefined.")
    return float((overlap_sum.max() - overlap_sum.min()) / mean)


def is_cola(
    window: str | ArrayLike,
    *,
    hop: int,
    n: int | None = None,
    power: float = 1.0,
    tol: float = 1e-10,
) -> bool:
    """True when a window satisfies the constant-overlap-add condition at ``hop``.

    Notebook: ``02_frames_and_windows.ipynb``.

    Parameters
    ----------
    window : str or np.ndarray
        A window name (needs ``n``) or an array; see :func:`cola_error`.
    hop : int, keyword-only
        Samples between frames.
    n : int, keyword-only, optional
        Window length in samples when ``window`` is a name.
    power : float, keyword-only
        Exponent applied to the window before adding.
    tol : float, keyword-only
        Largest relative ripple still counted as constant.

    Returns
    -------
    bool
        ``cola_error(window, hop=hop, n=n, power=power) <= tol``.

    Examples
    --------
    >>> is_cola("hann", n=1024, hop=256), is_cola("hann", n=1000, hop=400)
    (True, False)
    >>> is_cola("rectangular", n=1024, hop=512)
    True
    """
    return cola_error(window, hop=hop, n=n, power=power) <= tol
