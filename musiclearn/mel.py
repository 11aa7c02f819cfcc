"""The mel scale, triangular mel filterbanks and mel spectrograms.

Notebook: ``05_mel_scale.ipynb`` builds these ideas step by step.

Equal steps in hertz do not sound equal: going from 100 Hz to 200 Hz is an
octave, going from 5000 Hz to 5100 Hz is a small step. The *mel* scale bends
frequency so that equal steps in mels sound roughly equal. Two formulas are in
common use, and both are here:

* **HTK**: ``m = 2595 · log10(1 + f / 700)`` (the same as ``1127 · ln(1 + f/700)``).
* **Slaney** (librosa's default, from Malcolm Slaney's Auditory Toolbox):
  linear below 1 kHz (3 mels per 200 Hz), logarithmic above.

A mel filterbank is a set of overlapping triangles, equally spaced in mels,
that sums the bins of a power spectrogram into ``n_mels`` bands.
:func:`triangle` builds one of them in one line; :func:`mel_filterbank` stacks
them. Results agree with ``librosa.filters.mel`` and
``librosa.feature.melspectrogram``.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from typing import Any

import numpy as np

from . import _validate

# The bin frequencies of an FFT are the Fourier module's; re-exported here, as librosa
# offers them next to its mel functions.
from .fourier import fft_frequencies

__all__ = [
    "hz_to_mel",
    "mel_to_hz",
    "mel_frequencies",
    "fft_frequencies",
    "triangle",
    "mel_filterbank",
    "melspectrogram",
]

# Slaney's scale: linear (200/3 Hz per mel) up to 1 kHz, then logarithmic with
# 27 mels per factor 6.4 in frequency, so both parts meet at 1 kHz = 15 mels.
_SLANEY_HZ_PER_MEL = 200.0 / 3.0
_SLANEY_BREAK_HZ = 1000.0
_SLANEY_BREAK_MEL = _SLANEY_BREAK_HZ / _SLANEY_HZ_PER_MEL
_SLANEY_LOG_STEP = math.log(6.4) / 27.0

Norm = str | float | None


def _as_float_array(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind == "c":
        raise ValueError(f"{name} must be real numbers, got complex values; pass np.abs({name}) instead.")
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"{name} must be numbers (a float, int or numeric array), got {arr.dtype} values.")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    return arr


def _scalar_or_array(arr: np.ndarray) -> float | np.ndarray:
    return float(arr[()]) if arr.ndim == 0 else arr


def hz_to_mel(f: float | np.ndarray, *, htk: bool = False) -> float | np.ndarray:
    """Convert frequencies in hertz to mels.

    Notebook: ``05_mel_scale.ipynb``.

    Parameters
    ----------
    f : float or array_like
        Frequency or frequencies in Hz.
    htk : bool, default False
        ``True`` uses the HTK formula ``2595 · log10(1 + f/700)``; ``False``
        uses Slaney's scale (linear below 1 kHz, logarithmic above), as librosa.

    Returns
    -------
    float or np.ndarray
        The same shape as ``f``, in mels. A scalar in gives a float out;
        float32 arrays stay float32, other numbers become float64.

    Examples
    --------
    >>> from musiclearn.mel import hz_to_mel
    >>> round(hz_to_mel(1000.0), 6)          # Slaney: 1 kHz is 15 mels
    15.0
    >>> round(hz_to_mel(1000.0, htk=True), 2)   # HTK: about 1000 mels
    999.99
    """
    freqs = _as_float_array(f, "f")
    if htk:
        return _scalar_or_array(2595.0 * np.log10(1.0 + freqs / 700.0))
    flat = np.atleast_1d(freqs)
    mels = flat / _SLANEY_HZ_PER_MEL
    above = flat >= _SLANEY_BREAK_HZ
    # Only the log part gets log(): np.where would also warn on f <= 0.
    mels[above] = _SLANEY_BREAK_MEL + np.log(flat[above] / _SLANEY_BREAK_HZ) / _SLANEY_LOG_STEP
    return _scalar_or_array(mels.reshape(freqs.shape))


def mel_to_hz(m: float | np.ndarray, *, htk: bool = False) -> float | np.ndarray:
    """Convert mels back to frequencies in hertz (the inverse of :func:`hz_to_mel`).

    Notebook: ``05_mel_scale.ipynb``.

    Parameters
    ----------
    m : float or array_like
        Mel value or values.
    htk : bool, default False
        Use the HTK formula (``True``) or Slaney's scale (``False``), as in
        :func:`hz_to_mel`.

    Returns
    -------
    float or np.ndarray
        Frequencies in Hz, the same shape as ``m``.

    Examples
    --------
    >>> from musiclearn.mel import mel_to_hz, hz_to_mel
    >>> round(mel_to_hz(15.0), 6)
    1000.0
    >>> round(mel_to_hz(hz_to_mel(440.0, htk=True), htk=True), 6)
    440.0
    """
    mels = _as_float_array(m, "m")
    if htk:
        return _scalar_or_array(700.0 * (10.0 ** (mels / 2595.0) - 1.0))
    flat = np.atleast_1d(mels)
    freqs = _SLANEY_HZ_PER_MEL * flat
    above = flat >= _SLANEY_BREAK_MEL
    freqs[above] = _SLANEY_BREAK_HZ * np.exp(_SLANEY_LOG_STEP * (flat[above] - _SLANEY_BREAK_MEL))
    return _scalar_or_array(freqs.reshape(mels.shape))


def mel_frequencies(
    n_mels: int = 128, *, fmin: float = 0.0, fmax: float = 11025.0, htk: bool = False
) -> np.ndarray:
    """``n_mels`` frequencies equally spaced on the mel scale, from ``fmin`` to ``fmax``.

    Notebook: ``05_mel_scale.ipynb``.

    Parameters
    ----------
    n_mels : int, default 128
        How many frequencies (at least 1).
    fmin, fmax : float
        The lowest and highest frequency, in Hz.
    htk : bool, default False
        Which mel formula to space them with (see :func:`hz_to_mel`).

    Returns
    -------
    np.ndarray, shape (n_mels,), float64
        Frequencies in Hz, increasing; the first is ``fmin`` and the last ``fmax``.

    Examples
    --------
    >>> from musiclearn.mel import mel_frequencies
    >>> mel_frequencies(5, fmin=0.0, fmax=1000.0)   # linear below 1 kHz (Slaney)
    array([   0.,  250.,  500.,  750., 1000.])
    """
    n_mels = _validate.positive_int(n_mels, "n_mels")
    lo = hz_to_mel(float(fmin), htk=htk)
    hi = hz_to_mel(float(fmax), htk=htk)
    return np.asarray(mel_to_hz(np.linspace(lo, hi, n_mels), htk=htk), dtype=np.float64)


def triangle(freqs: np.ndarray, *, lower: float, center: float, upper: float) -> np.ndarray:
    """One triangular filter: 0 at ``lower``, rising to 1 at ``center``, back to 0 at ``upper``.

    Notebook: ``05_mel_scale.ipynb``.

    This is the whole idea of a mel filter. :func:`mel_filterbank` places
    ``n_mels`` of these so that each one starts at its left neighbour's centre
    and ends at its right neighbour's centre.

    Parameters
    ----------
    freqs : array_like
        Frequencies in Hz at which to evaluate the filter (e.g. FFT bin centres).
    lower, center, upper : float
        The corners of the triangle in Hz, with ``lower < center < upper``.

    Returns
    -------
    np.ndarray
        Weights in [0, 1], the same shape as ``freqs``.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.mel import triangle
    >>> triangle(np.array([0., 50., 100., 150., 200., 250.]), lower=0, center=100, upper=200)
    array([0. , 0.5, 1. , 0.5, 0. , 0. ])
    """
    if not (lower < center < upper):
        raise ValueError(
            f"a triangle needs lower < center < upper, got {lower}, {center}, {upper}; "
            "pass its three corner frequencies in increasing order."
        )
    f = np.asarray(freqs, dtype=np.float64)
    rising = (f - lower) / (center - lower)
    falling = (upper - f) / (upper - center)
    return np.maximum(0.0, np.minimum(rising, falling))


def _hz(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a frequency in Hz (a finite number), got {value!r}.")
    return float(value)


def _check_norm(norm: Norm) -> Norm:
    if norm is None or norm == "slaney":
        return norm
    if isinstance(norm, str):
        raise ValueError(f"norm must be 'slaney', None or a positive number (a p-norm), got {norm!r}.")
    if isinstance(norm, bool) or not isinstance(norm, numbers.Real) or not norm > 0:
        raise ValueError(f"norm must be 'slaney', None or a positive number (a p-norm), got {norm!r}.")
    return float(norm)


@functools.lru_cache(maxsize=32)
def _cached_filterbank(
    sr: float, n_fft: int, n_mels: int, fmin: float, fmax: float, htk: bool, norm: Norm, dtype: np.dtype
) -> tuple[np.ndarray, bool]:
    bin_freqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    # n_mels + 2 corner frequencies: filter i spans corners i, i+1, i+2.
    corners = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    if not np.all(np.diff(corners) > 0):
        raise ValueError(
            f"{n_mels} mel bands do not fit between fmin={fmin} Hz and fmax={fmax} Hz; "
            "widen the range or lower n_mels."
        )
    weights = np.empty((n_mels, bin_freqs.size), dtype=np.float64)
    for i in range(n_mels):
        weights[i] = triangle(bin_freqs, lower=corners[i], center=corners[i + 1], upper=corners[i + 2])
    weights = weights.astype(dtype)
    if norm == "slaney":
        # Divide each triangle by its width in Hz: equal area, so a band's
        # energy does not grow just because high bands are wider.
        weights *= (2.0 / (corners[2:] - corners[:-2]))[:, np.newaxis]
    elif norm is not None:
        mag = np.abs(weights)
        if math.isinf(norm):
            length = mag.max(axis=-1, keepdims=True)
        else:
            length = np.sum(mag**norm, axis=-1, keepdims=True) ** (1.0 / norm)
        length[length < np.finfo(weights.dtype).tiny] = 1.0
        weights = weights / length
    # A filter narrower than the bin spacing can fall between two bins and
    # catch nothing (only a problem for filters above 0 Hz).
    empty = bool(np.any((corners[:-2] != 0) & ~(weights.max(axis=1) > 0)))
    weights.setflags(write=False)
    return weights, empty


@functools.lru_cache(maxsize=32)
def _cached_sparse_filterbank(*key: Any) -> Any:
    import scipy.sparse

    return scipy.sparse.csr_array(_cached_filterbank(*key)[0])


def _filterbank(
    *,
    sr: float,
    n_fft: int,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: Norm = "slaney",
    dtype: Any = np.float32,
    stacklevel: int = 3,
    sparse: bool = False,
) -> Any:
    """The validated, cached, read-only filterbank shared by the public functions.

    ``sparse=True`` gives it as a ``scipy.sparse.csr_array``: each triangle
    covers only a few bins, so about 2 of every ``n_mels`` weights are non-zero.
    """
    sr = _validate.sample_rate(sr)
    n_fft = _validate.positive_int(n_fft, "n_fft", unit="samples")
    n_mels = _validate.positive_int(n_mels, "n_mels")
    nyquist = sr / 2.0
    fmax = nyquist if fmax is None else _hz(fmax, "fmax")
    fmin = _hz(fmin, "fmin")
    if fmin < 0:
        raise ValueError(f"fmin={fmin} Hz is negative; use fmin >= 0.")
    if fmax > nyquist:
        raise ValueError(
            f"fmax={fmax} Hz is above the Nyquist frequency sr/2={nyquist} Hz, where the spectrum "
            "has no bins; lower fmax to at most sr/2 (or leave it None)."
        )
    if fmin >= fmax:
        raise ValueError(f"fmin={fmin} Hz must be below fmax={fmax} Hz; lower fmin or raise fmax.")
    norm = _check_norm(norm)
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"dtype must be a floating type such as np.float32, got {dtype}.")
    key = (sr, n_fft, n_mels, fmin, fmax, bool(htk), norm, dtype)
    weights, empty = _cached_filterbank(*key)
    if empty:
        warnings.warn(
            f"Empty filters in the mel filterbank: with n_fft={n_fft} at sr={sr:g} Hz the FFT bins "
            f"are {sr / n_fft:.1f} Hz apart, too far for {n_mels} mel bands between {fmin:g} and "
            f"{fmax:g} Hz, so some bands catch no bin and stay zero. Lower n_mels or raise n_fft.",
            UserWarning,
            stacklevel=stacklevel,
        )
    return _cached_sparse_filterbank(*key) if sparse else weights


def mel_filterbank(
    *,
    sr: float,
    n_fft: int,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: Norm = "slaney",
    dtype: Any = np.float32,
) -> np.ndarray:
    """A matrix of triangular mel filters that maps FFT bins to mel bands.

    Notebook: ``05_mel_scale.ipynb``.

    Equivalent to ``librosa.filters.mel``. Filter ``i`` is
    :func:`triangle` with corners at mel frequencies ``i``, ``i+1`` and
    ``i+2`` of ``mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax)``.

    Parameters
    ----------
    sr : float
        Sampling rate of the audio, in Hz.
    n_fft : int
        FFT length in samples; the matrix has ``1 + n_fft // 2`` columns.
    n_mels : int, default 128
        Number of mel bands (rows).
    fmin : float, default 0.0
        Lowest frequency in Hz (>= 0).
    fmax : float, optional
        Highest frequency in Hz, at most ``sr / 2`` (the default).
    htk : bool, default False
        Space the bands with the HTK formula instead of Slaney's.
    norm : {"slaney", None} or float, default "slaney"
        ``"slaney"`` divides each triangle by its width in Hz (equal area);
        ``None`` leaves peaks at 1; a number ``p`` scales each row to unit
        p-norm (``np.inf``: unit maximum).
    dtype : numpy dtype, default np.float32
        Floating type of the result.

    Returns
    -------
    np.ndarray, shape (n_mels, 1 + n_fft // 2)
        Filter weights. Multiply a power spectrogram by it: ``M @ S``.

    Raises
    ------
    ValueError
        For ``fmax > sr/2``, ``fmin >= fmax``, ``n_mels <= 0`` and other bad values.

    Warns
    -----
    UserWarning
        When some filters are so narrow that they fall between FFT bins and
        stay empty (lower ``n_mels`` or raise ``n_fft``).

    Examples
    --------
    >>> from musiclearn.mel import mel_filterbank
    >>> M = mel_filterbank(sr=22050, n_fft=2048, n_mels=40)
    >>> M.shape
    (40, 1025)
    """
    return _filterbank(
        sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm, dtype=dtype
    ).copy()


def _power_spectrogram(
    y: np.ndarray | None,
    S: np.ndarray | None,
    *,
    n_fft: int,
    hop_length: int | None,
    win_length: int | None,
    window: Any,
    center: bool,
    pad_mode: str,
    power: float,
) -> tuple[np.ndarray, int]:
    """``|stft(y)| ** power``, or ``S`` itself (with ``n_fft`` read from its shape)."""
    if S is not None:
        S = np.asarray(S)
        if S.dtype.kind == "c":
            raise ValueError(
                "S must be a real (power or magnitude) spectrogram, got complex values; "
                "pass np.abs(S) ** 2 instead."
            )
        if S.dtype.kind not in "fiu" or S.ndim < 2:
            raise ValueError(
                f"S must be a real spectrogram of shape (..., 1 + n_fft // 2, frames), got "
                f"an array of shape {S.shape} and dtype {S.dtype}."
            )
        if S.shape[-2] < 2:
            raise ValueError(f"S has {S.shape[-2]} frequency bin(s); a spectrogram needs at least 2.")
        # As librosa: trust the spectrogram's shape over a mismatching n_fft.
        if n_fft is None or n_fft // 2 + 1 != S.shape[-2]:
            n_fft = 2 * (S.shape[-2] - 1)
        return S, n_fft
    if y is None:
        raise ValueError("Give either audio y or a spectrogram S.")
    if isinstance(power, bool) or not isinstance(power, numbers.Real) or not power > 0:
        raise ValueError(f"power must be a positive number (1 for magnitude, 2 for power), got {power!r}.")
    from .stft import stft

    D = stft(
        y,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
    )
    S = np.abs(D)
    if power == 2.0:
        np.square(S, out=S)  # in place: a 60 s spectrogram is tens of MB
    elif power != 1.0:
        S **= power
    return S, n_fft


def melspectrogram(
    y: np.ndarray | None = None,
    *,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 2048,
    hop_length: int | None = 512,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
    **mel_kwargs: Any,
) -> np.ndarray:
    """A mel spectrogram: the power spectrogram summed through a mel filterbank.

    Notebook: ``05_mel_scale.ipynb``.

    Equivalent to ``librosa.feature.melspectrogram``: ``M @ |stft(y)|**power``
    with ``M = mel_filterbank(sr=sr, n_fft=n_fft, **mel_kwargs)``.

    Parameters
    ----------
    y : np.ndarray, shape (..., samples), optional
        Audio (float). Multichannel input ``(channels, samples)`` gives one
        mel spectrogram per channel.
    sr : float, default 22050
        Sampling rate in Hz.
    S : np.ndarray, shape (..., 1 + n_fft // 2, frames), optional
        A ready power (or magnitude) spectrogram to use instead of ``y``; if
        given, ``y`` is ignored and ``n_fft`` is taken from its shape.
    n_fft : int, default 2048
        FFT length in samples.
    hop_length : int, default 512
        Samples between successive frames.
    win_length : int, optional
        Window length in samples (default ``n_fft``), zero-padded to ``n_fft``.
    window : str, tuple or array, default "hann"
        Window, as in :func:`musiclearn.stft.stft`.
    center : bool, default True
        Pad the signal so that frame ``t`` is centred at sample ``t * hop_length``.
    pad_mode : str, default "constant"
        How to pad when ``center`` is True (``"constant"`` pads zeros).
    power : float, default 2.0
        Exponent of the magnitude: 2 for power, 1 for magnitude.
    **mel_kwargs
        ``n_mels``, ``fmin``, ``fmax``, ``htk``, ``norm``, ``dtype`` for
        :func:`mel_filterbank`.

    Returns
    -------
    np.ndarray, shape (..., n_mels, frames)
        Mel band energies (in the units of ``S``; power by default).

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.mel import melspectrogram
    >>> y = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050).astype(np.float32)
    >>> melspectrogram(y, sr=22050, n_mels=64).shape
    (64, 44)
    """
    unknown = set(mel_kwargs) - {"n_mels", "fmin", "fmax", "htk", "norm", "dtype"}
    if unknown:
        raise ValueError(
            f"melspectrogram got unknown keyword(s) {sorted(unknown)}; the mel filterbank takes "
            "n_mels, fmin, fmax, htk, norm and dtype."
        )
    S, n_fft = _power_spectrogram(
        y, S, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
        center=center, pad_mode=pad_mode, power=power,
    )
    basis = _filterbank(sr=sr, n_fft=n_fft, stacklevel=3, sparse=True, **mel_kwargs)
    # This is basis @ S. The sparse product skips the zeros of the triangles:
    # several times faster than a dense matrix product, with the same sums.
    if S.ndim == 2:
        return basis @ S
    out = np.empty(S.shape[:-2] + (basis.shape[0], S.shape[-1]), dtype=np.result_type(basis.dtype, S.dtype))
    for index in np.ndindex(*S.shape[:-2]):
        out[index] = basis @ S[index]
    return out
