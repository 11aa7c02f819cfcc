"""The discrete Fourier transform, built from scratch.

Notebook: ``03_fourier_transform.ipynb`` teaches from this module.

:func:`dft` is the definition written as a matrix product, ``X = W @ x`` with
``W[k, m] = exp(-2j*pi*k*m/N)``: N² multiply-adds. :func:`fft` is the radix-2
Cooley–Tukey algorithm: split the signal into even and odd samples, transform
each half recursively, and combine with "twiddle factors", N·log2(N) work.
Both are here to be read and timed; for real work use ``numpy.fft``, which
gives the same numbers (the tests check agreement to about 1e-9).

Frequencies: bin ``k`` of an ``n_fft``-point transform of a signal sampled at
``sr`` Hz sits at ``k * sr / n_fft`` Hz, so the bin spacing (the frequency
resolution) is ``sr / n_fft`` Hz. Zero padding samples the same spectrum more
finely but does not separate two tones any better.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _validate

__all__ = [
    "dft_matrix", "dft", "idft", "fft", "fft_frequencies", "bin_of", "amplitude_spectrum", "zero_pad",
    "next_power_of_two",
]


def _signal(x: ArrayLike, name: str = "x") -> np.ndarray:
    return _validate.signal(x, name, dtype="number").astype(np.complex128)


def next_power_of_two(n: int) -> int:
    """The smallest power of two that is at least ``n``.

    Notebook: ``03_fourier_transform.ipynb``.

    Parameters
    ----------
    n : int
        A positive length.

    Returns
    -------
    int
        ``2**ceil(log2(n))``.

    Examples
    --------
    >>> next_power_of_two(1000), next_power_of_two(1024)
    (1024, 1024)
    """
    n = _validate.positive_int(n, "n")
    return 1 << (n - 1).bit_length()


def dft_matrix(n: int) -> np.ndarray:
    """The ``n`` × ``n`` DFT matrix ``W[k, m] = exp(-2j*pi*k*m/n)``.

    Notebook: ``03_fourier_transform.ipynb``.

    Row ``k`` is a complex sinusoid making ``k`` turns over ``n`` samples;
    multiplying a signal by it measures how much of that sinusoid the signal
    holds.

    Parameters
    ----------
    n : int
        Transform length in samples.

    Returns
    -------
    np.ndarray [shape=(n, n), dtype=complex128]

    Examples
    --------
    >>> W = dft_matrix(4)
    >>> np.round(W).real.astype(int)
    array([[ 1,  1,  1,  1],
           [ 1,  0, -1,  0],
           [ 1, -1,  1, -1],
           [ 1,  0, -1,  0]])
    >>> np.allclose(W @ W.conj().T, 4 * np.eye(4))  # rows are orthogonal
    True
    """
    n = _validate.positive_int(n, "n", unit="samples")
    k = np.arange(n)
    # Reducing k*m modulo n first keeps the angle small, hence accurate, for large n.
    turns = np.outer(k, k) % n
    return np.exp(-2j * np.pi * turns / n)


def dft(x: ArrayLike) -> np.ndarray:
    """Discrete Fourier transform by matrix product (O(N²), for teaching).

    Notebook: ``03_fourier_transform.ipynb``.

    Parameters
    ----------
    x : np.ndarray [shape=(..., n)]
        Real or complex signal; the transform runs along the last axis.

    Returns
    -------
    np.ndarray [shape=(..., n), dtype=complex128]
        ``X[..., k] = sum_m x[..., m] * exp(-2j*pi*k*m/n)``, equal to
        ``numpy.fft.fft(x)``.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 0.0, -1.0])
    >>> np.allclose(dft(x), np.fft.fft(x))
    True
    """
    x = _signal(x)
    return x @ dft_matrix(x.shape[-1]).T


def idft(X: ArrayLike) -> np.ndarray:
    """Inverse DFT by matrix product: ``x = conj(W) @ X / n``.

    Notebook: ``03_fourier_transform.ipynb``.

    Parameters
    ----------
    X : np.ndarray [shape=(..., n)]
        Spectrum; the inverse runs along the last axis.

    Returns
    -------
    np.ndarray [shape=(..., n), dtype=complex128]
        The signal, equal to ``numpy.fft.ifft(X)``. For a real signal the
        imaginary part is rounding noise: take ``.real``.

    Examples
    --------
    >>> x = np.array([0.5, -1.0, 2.0])
    >>> np.allclose(idft(dft(x)).real, x)
    True
    """
    X = _signal(X, "X")
    n = X.shape[-1]
    return X @ dft_matrix(n).conj().T / n


def _fft_recursive(x: np.ndarray) -> np.ndarray:
    n = x.shape[-1]
    if n == 1:
        return x.copy()
    even = _fft_recursive(x[..., 0::2])
    odd = _fft_recursive(x[..., 1::2])
    twiddle = np.exp(-2j * np.pi * np.arange(n // 2) / n) * odd
    return np.concatenate([even + twiddle, even - twiddle], axis=-1)


def fft(x: ArrayLike) -> np.ndarray:
    """Radix-2 fast Fourier transform, written recursively (for teaching).

    Notebook: ``03_fourier_transform.ipynb``.

    The DFT of ``n`` samples is assembled from the DFTs of the ``n/2`` even
    and ``n/2`` odd samples::

        X[k]       = E[k] + exp(-2j*pi*k/n) * O[k]
        X[k + n/2] = E[k] - exp(-2j*pi*k/n) * O[k]      for k < n/2

    Parameters
    ----------
    x : np.ndarray [shape=(..., n)]
        Real or complex signal; ``n`` must be a power of two. The transform
        runs along the last axis.

    Returns
    -------
    np.ndarray [shape=(..., n), dtype=complex128]
        Equal to ``numpy.fft.fft(x)`` (and to :func:`dft`).

    Raises
    ------
    ValueError
        If ``n`` is not a power of two: zero-pad first with
        ``zero_pad(x, next_power_of_two(n))``.

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=8)
    >>> np.allclose(fft(x), np.fft.fft(x))
    True
    """
    x = _signal(x)
    n = x.shape[-1]
    if n & (n - 1):
        raise ValueError(
            f"The radix-2 FFT needs a power-of-two length, got {n}; zero-pad the signal first, "
            f"e.g. fft(zero_pad(x, {next_power_of_two(n)}))."
        )
    return _fft_recursive(x)


def fft_frequencies(*, sr: float = 22050, n_fft: int = 2048) -> np.ndarray:
    """Centre frequency of each bin of a real FFT.

    Notebook: ``03_fourier_transform.ipynb``.

    Parameters
    ----------
    sr : float, keyword-only
        Sampling rate in Hz.
    n_fft : int, keyword-only
        FFT length in samples.

    Returns
    -------
    np.ndarray [shape=(1 + n_fft // 2,), dtype=float64]
        ``k * sr / n_fft`` Hz for ``k = 0 ... n_fft // 2``; same as
        ``librosa.fft_frequencies``.

    Examples
    --------
    >>> fft_frequencies(sr=8000, n_fft=8)
    array([   0., 1000., 2000., 3000., 4000.])
    """
    sr = _validate.sample_rate(sr)
    n_fft = _validate.positive_int(n_fft, "n_fft", unit="samples")
    # The same expression as librosa, so the two agree to the last bit.
    return np.fft.rfftfreq(n=n_fft, d=1.0 / sr)


def bin_of(freq: float | ArrayLike, *, sr: float = 22050, n_fft: int = 2048) -> int | np.ndarray:
    """Index of the FFT bin nearest to a frequency.

    Notebook: ``03_fourier_transform.ipynb``.

    Parameters
    ----------
    freq : float or np.ndarray
        Frequency in Hz, between 0 and the Nyquist frequency ``sr / 2``.
    sr : float, keyword-only
        Sampling rate in Hz.
    n_fft : int, keyword-only
        FFT length in samples.

    Returns
    -------
    int or np.ndarray of int
        ``round(freq * n_fft / sr)``. The unrounded value says how far the
        frequency is from a bin centre: a fractional part means leakage.

    Examples
    --------
    >>> bin_of(440.0, sr=22050, n_fft=2048)
    41
    >>> bin_of([0.0, 11025.0], sr=22050, n_fft=2048)
    array([   0, 1024])
    """
    sr = _validate.sample_rate(sr)
    n_fft = _validate.positive_int(n_fft, "n_fft", unit="samples")
    f = np.asarray(freq, dtype=float)
    if not np.all(np.isfinite(f)):
        raise ValueError("freq contains NaN or infinite values; give frequencies in Hz.")
    if np.any(f < 0) or np.any(f > sr / 2):
        raise ValueError(
            f"freq must lie between 0 and the Nyquist frequency sr/2 = {sr / 2:g} Hz; "
            "fold higher frequencies first with musiclearn.signals.aliased_frequency."
        )
    bins = np.rint(f * n_fft / sr).astype(int)
    return int(bins) if bins.ndim == 0 else bins


def amplitude_spectrum(
    y: ArrayLike, *, sr: float = 22050, n_fft: int | None = None, window: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """The one-sided amplitude spectrum of one frame, scaled so a sinusoid reads its amplitude.

    Notebook: ``03_fourier_transform.ipynb``.

    A sinusoid of amplitude ``A`` that falls exactly on a bin reads ``A`` with
    any window: the window lowers every bin by its coherent gain
    ``sum(w) / n``, so the spectrum is ``2 |X[k]| / sum(w)`` (the 2 puts back
    the energy of the negative frequencies; 0 Hz and the Nyquist bin have no
    mirror image and are not doubled).

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        One frame of real samples.
    sr : float, keyword-only
        Sampling rate in Hz.
    n_fft : int, keyword-only, optional
        FFT length in samples, at least ``len(y)`` (default ``len(y)``); a
        longer FFT zero-pads: a smoother curve, not more resolution.
    window : None, str, tuple, callable or np.ndarray, keyword-only
        The taper, as :func:`musiclearn.windows.window_samples` reads it;
        ``None`` (default) is no taper.

    Returns
    -------
    freqs : np.ndarray [shape=(1 + n_fft // 2,)]
        Bin frequencies in Hz.
    amplitude : np.ndarray [shape=(1 + n_fft // 2,)]
        Linear amplitude per bin; ``20 * log10`` of it is in dB re amplitude 1.

    Examples
    --------
    >>> sr, n = 8000, 256
    >>> y = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(n) / sr)   # 1000 Hz is bin 32
    >>> freqs, amp = amplitude_spectrum(y, sr=sr, window="hann")
    >>> float(freqs[32]), round(float(amp[32]), 6)
    (1000.0, 0.5)
    """
    from .windows import window_samples

    y = _validate.signal(y, "y", ndim=1)
    sr = _validate.sample_rate(sr)
    n = y.size
    n_fft = n if n_fft is None else _validate.positive_int(n_fft, "n_fft", unit="samples")
    if n_fft < n:
        raise ValueError(
            f"n_fft={n_fft} is shorter than the signal ({n} samples); use n_fft >= len(y) "
            "(larger values zero-pad) or slice the signal."
        )
    w = window_samples(window, n)
    gain = float(np.sum(w))
    if gain == 0:
        raise ValueError("the window sums to zero, so the spectrum cannot be scaled; use a different window.")
    amp = 2.0 * np.abs(np.fft.rfft(y * w, n=n_fft)) / gain
    amp[0] /= 2.0
    if n_fft % 2 == 0:
        amp[-1] /= 2.0
    return np.fft.rfftfreq(n_fft, d=1.0 / sr), amp


def zero_pad(x: ArrayLike, n: int) -> np.ndarray:
    """Append zeros to a signal so that it has ``n`` samples.

    Notebook: ``03_fourier_transform.ipynb``.

    Parameters
    ----------
    x : np.ndarray [shape=(..., m)]
        Signal; padding goes at the end of the last axis.
    n : int
        Target length in samples, at least ``m``.

    Returns
    -------
    np.ndarray [shape=(..., n)]
        ``x`` followed by ``n - m`` zeros, same dtype as ``x``.

    Examples
    --------
    >>> zero_pad(np.array([1.0, 2.0, 3.0]), 4)
    array([1., 2., 3., 0.])
    """
    x = np.asarray(x)
    n = _validate.positive_int(n, "n", unit="samples")
    if x.ndim == 0:
        raise ValueError("x must be an array of samples, not a single number.")
    m = x.shape[-1]
    if n < m:
        raise ValueError(f"n={n} is shorter than the signal ({m} samples); zero padding only lengthens, so use n >= {m}.")
    widths = [(0, 0)] * (x.ndim - 1) + [(0, n - m)]
    return np.pad(x, widths)
