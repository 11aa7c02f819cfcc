"""The short-time Fourier transform, its inverse, and decibels.

Notebook: ``04_stft_and_spectrograms.ipynb`` teaches from this module.

The STFT is three steps you have already met: cut the signal into overlapping
frames (:func:`musiclearn.windows.frame`), taper each frame with a window, and
take the FFT of every frame (``numpy.fft.rfft``, which keeps the
``1 + n_fft // 2`` non-negative frequencies of a real signal). Column ``t`` of
the result is the spectrum around time ``t * hop_length / sr`` seconds.
:func:`istft` undoes it by inverse FFT, windowing again and overlap-adding,
divided by the overlap-added squared window; with a window that satisfies the
COLA condition for its square (Hann at 75 % overlap) the signal comes back to
rounding error.

The functions match librosa's names, defaults and results (tested against
librosa 0.11): ``stft`` ≡ ``librosa.stft``, ``istft`` ≡ ``librosa.istft``,
``amplitude_to_db``, ``power_to_db``, ``db_to_amplitude``, ``db_to_power`` and
``magphase`` ≡ their librosa namesakes. Differences, all on purpose:

* Every bad argument raises :class:`ValueError` with a sentence saying what to
  do: integer or boolean samples (convert to float first), NaN or infinite
  samples, empty signals, ``hop_length > n_fft`` (librosa accepts it, but the
  frames would skip samples and :func:`istft` could not invert them),
  ``win_length > n_fft``, and ``center=False`` on a signal shorter than
  ``n_fft``.
* :func:`istft` checks that ``n_fft`` fits the number of frequency rows and
  rejects ``length=0`` (librosa silently ignores it).
* There is no ``dtype`` or ``out`` argument: the result is ``complex64`` for
  ``float32`` input and ``complex128`` for ``float64`` input, as librosa's
  default.

Version notes: librosa 0.9 made everything after ``y`` keyword-only and
changed the default ``pad_mode`` from ``"reflect"`` to ``"constant"`` (zeros);
this module follows 0.10/0.11 (read from the installed 0.11 source), whose
defaults are those above. Any change in librosa 1.x could not be checked
offline; the agreement tests compare against whatever librosa is installed,
so a changed default shows up as a failing test rather than as silently
different numbers. For the pre-0.9 behaviour pass ``pad_mode="reflect"``.

Speed: the FFT runs in the precision of the input (NumPy ≥ 2 computes float32
FFTs natively) over blocks of frames, so memory stays bounded for long
signals; ``tools/measure_stft.py`` times it against librosa.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Callable, Tuple

import numpy as np
from numpy.typing import ArrayLike

from . import _validate
from .windows import frame, window_samples

__all__ = [
    "stft",
    "istft",
    "frame",
    "amplitude_to_db",
    "power_to_db",
    "db_to_amplitude",
    "db_to_power",
    "magphase",
    "PAD_MODES",
]

#: Padding modes accepted with ``center=True``: those that depend only on the
#: samples at the edges, as in librosa.
PAD_MODES = ("constant", "edge", "linear_ramp", "reflect", "symmetric")

# Work on about this many bytes of frames at a time: large enough to keep
# NumPy's per-call overhead negligible, small enough to stay in cache and to
# bound the temporary memory for hour-long signals.
_BLOCK_BYTES = 2**20

_NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"

WindowSpec = str | tuple | float | Callable[[int], np.ndarray] | ArrayLike


# -- argument checks --------------------------------------------------------------------


def _check_audio(y: ArrayLike) -> np.ndarray:
    y = _validate.signal(y, "y", dtype="float")
    # NumPy has no float16 FFT; float32 keeps the memory small.
    return y.astype(np.float32) if y.dtype == np.float16 else y


def _window(window: WindowSpec, win_length: int, n_fft: int) -> np.ndarray:
    """The analysis window, zero-padded on both sides to ``n_fft`` samples (as librosa)."""
    return window_samples(window, win_length, pad_to=n_fft)


def _block_size(n_fft: int, lead: int, itemsize: int) -> int:
    return max(1, _BLOCK_BYTES // (n_fft * max(lead, 1) * itemsize))


# -- STFT ---------------------------------------------------------------------------------


def stft(
    y: np.ndarray,
    *,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: WindowSpec = "hann",
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Short-time Fourier transform, the same as ``librosa.stft``.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float
        Signal; the last axis is time. Leading axes (e.g. stereo channels
        ``(2, n)``) are transformed independently.
    n_fft : int > 0, keyword-only
        FFT length in samples; gives ``1 + n_fft // 2`` frequency bins spaced
        ``sr / n_fft`` Hz apart. 2048 samples is 93 ms at 22050 Hz.
    hop_length : int, keyword-only, optional
        Samples between the starts of consecutive frames, at most ``n_fft``.
        Default ``win_length // 4`` (75 % overlap).
    win_length : int, keyword-only, optional
        Window length in samples, at most ``n_fft``; the window is zero-padded
        on both sides to ``n_fft``. Default ``n_fft``.
    window : str, tuple, function or np.ndarray, keyword-only
        ``"hann"`` (default), ``"hamming"``, ``"blackman"``, ``"rectangular"``
        (periodic, from :mod:`musiclearn.windows`), any other
        ``scipy.signal.get_window`` spec, a function of the length, or an
        array of ``win_length`` samples.
    center : bool, keyword-only
        ``True``: pad ``n_fft // 2`` samples on both ends so frame ``t`` is
        centred on sample ``t * hop_length``. ``False``: frame ``t`` starts
        there (the signal must then have at least ``n_fft`` samples).
    pad_mode : str, keyword-only
        How ``center=True`` pads: ``"constant"`` (zeros, default),
        ``"edge"``, ``"linear_ramp"``, ``"reflect"`` or ``"symmetric"``
        (see ``numpy.pad``).

    Returns
    -------
    np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)]
        Complex spectrum: ``abs`` is the magnitude, ``np.angle`` the phase of
        bin ``f`` in frame ``t``. ``complex64`` for float32 input,
        ``complex128`` for float64. ``n_frames = 1 + (n + 2*(n_fft//2) - n_fft) // hop_length``
        with ``center=True``, ``1 + (n - n_fft) // hop_length`` without.

    Examples
    --------
    >>> y = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050).astype(np.float32)
    >>> D = stft(y, n_fft=2048, hop_length=512)
    >>> D.shape, D.dtype
    ((1025, 44), dtype('complex64'))
    >>> int(np.abs(D[:, 20]).argmax())  # 440 Hz is bin 440 * 2048 / 22050 ~ 41
    41
    """
    y = _check_audio(y)
    n_fft, hop_length, win_length = _validate.stft_sizes(n_fft, hop_length, win_length)
    _validate.flag(center, "center")
    fft_window = _window(window, win_length, n_fft).astype(y.dtype)

    n = y.shape[-1]
    if center:
        if pad_mode not in PAD_MODES:
            raise ValueError(f"pad_mode={pad_mode!r} is not supported; use one of {', '.join(PAD_MODES)}.")
        if n_fft > n:
            warnings.warn(
                f"n_fft={n_fft} is longer than the signal ({n} samples); most of every frame is padding. "
                "Use a smaller n_fft for such short signals.",
                stacklevel=2,
            )
        pad = n_fft // 2
        y = np.pad(y, [(0, 0)] * (y.ndim - 1) + [(pad, pad)], mode=pad_mode)
    elif n < n_fft:
        raise ValueError(
            f"The signal has {n} samples, fewer than n_fft={n_fft}, so with center=False there is no "
            "complete frame; use center=True, a smaller n_fft, or pad the signal."
        )

    # (..., n_frames, n_fft): a strided view, no copy.
    frames = np.lib.stride_tricks.sliding_window_view(y, n_fft, axis=-1)[..., ::hop_length, :]
    lead = frames.shape[:-2]
    n_frames = frames.shape[-2]
    n_bins = 1 + n_fft // 2
    complex_dtype = np.result_type(y.dtype, np.complex64)
    out = np.empty(lead + (n_frames, n_bins), dtype=complex_dtype)

    block = min(n_frames, _block_size(n_fft, int(np.prod(lead)), y.itemsize))
    windowed = np.empty(lead + (block, n_fft), dtype=y.dtype)
    for start in range(0, n_frames, block):
        stop = min(start + block, n_frames)
        buffer = windowed[..., : stop - start, :]
        np.multiply(frames[..., start:stop, :], fft_window, out=buffer)
        if _NUMPY_2:
            np.fft.rfft(buffer, axis=-1, out=out[..., start:stop, :])
        else:
            out[..., start:stop, :] = np.fft.rfft(buffer, axis=-1)
    # Frequency before time, as librosa; the transpose is a view (Fortran order).
    return np.swapaxes(out, -1, -2)


def _overlap_add(target: np.ndarray, frames: np.ndarray, hop: int) -> None:
    """Add frames ``(..., m, n)`` into ``target`` (..., L), frame ``j`` starting at ``j * hop``.

    Instead of one addition per frame, split each frame into ``ceil(n / hop)``
    hop-sized pieces: piece ``k`` of all frames lands on consecutive rows of
    ``target`` viewed as ``(rows, hop)``, so it is one vectorised addition.
    ``target`` must hold at least ``(m + ceil(n / hop) - 1) * hop`` samples.
    """
    m, n = frames.shape[-2:]
    pieces = -(-n // hop)
    if pieces * hop != n:
        frames = np.concatenate(
            [frames, np.zeros(frames.shape[:-1] + (pieces * hop - n,), dtype=frames.dtype)], axis=-1
        )
    frames = frames.reshape(frames.shape[:-1] + (pieces, hop))
    rows = m + pieces - 1
    step = target.strides[-1]
    grid = np.lib.stride_tricks.as_strided(
        target, shape=target.shape[:-1] + (rows, hop), strides=target.strides[:-1] + (hop * step, step), writeable=True
    )
    for k in range(pieces):
        grid[..., k : k + m, :] += frames[..., :, k, :]


def istft(
    stft_matrix: np.ndarray,
    *,
    hop_length: int | None = None,
    win_length: int | None = None,
    n_fft: int | None = None,
    window: WindowSpec = "hann",
    center: bool = True,
    length: int | None = None,
) -> np.ndarray:
    """Inverse short-time Fourier transform, the same as ``librosa.istft``.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Each column is inverted with ``numpy.fft.irfft``, multiplied by the window
    again, and overlap-added; the sum is divided by the overlap-added squared
    window wherever that is not zero (least-squares reconstruction, Griffin &
    Lim 1984).

    Parameters
    ----------
    stft_matrix : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)]
        Complex STFT, e.g. from :func:`stft`.
    hop_length : int, keyword-only, optional
        As used by :func:`stft`; default ``win_length // 4``.
    win_length : int, keyword-only, optional
        As used by :func:`stft`; default ``n_fft``.
    n_fft : int, keyword-only, optional
        FFT length; default ``2 * (stft_matrix.shape[-2] - 1)``. Pass it for an
        odd ``n_fft``; it must satisfy ``1 + n_fft // 2 == stft_matrix.shape[-2]``.
    window : str, tuple, function or np.ndarray, keyword-only
        The analysis window used by :func:`stft`.
    center : bool, keyword-only
        Whether :func:`stft` padded the signal (``True``, default); the padding
        is removed again.
    length : int, keyword-only, optional
        Length of the output in samples: cut or zero-padded to exactly this.
        Pass ``len(y)`` to get back a signal the size of the original.

    Returns
    -------
    np.ndarray [shape=(..., n)]
        ``float32`` for ``complex64`` input, ``float64`` for ``complex128``.
        Without ``length``, ``n = n_fft + hop_length * (n_frames - 1)``, minus
        ``2 * (n_fft // 2)`` when ``center=True``.

    Examples
    --------
    >>> y = np.random.default_rng(0).normal(size=5000)
    >>> y_back = istft(stft(y, n_fft=512), n_fft=512, length=len(y))
    >>> float(np.abs(y_back - y).max()) < 1e-10
    True
    """
    S = np.asarray(stft_matrix)
    if S.dtype == bool or not np.issubdtype(S.dtype, np.number):
        raise ValueError(f"stft_matrix must be a complex STFT, got dtype {S.dtype}.")
    if S.ndim < 2:
        raise ValueError(f"stft_matrix must have shape (..., frequencies, frames), got shape {S.shape}.")
    n_bins, total_frames = S.shape[-2:]
    if total_frames == 0 or S.size == 0:
        raise ValueError(f"stft_matrix has no frames (shape {S.shape}); there is nothing to invert.")
    if n_fft is None:
        if n_bins < 2:
            raise ValueError(f"stft_matrix has {n_bins} frequency row; pass n_fft (1 row means n_fft = 1).")
        n_fft = 2 * (n_bins - 1)
    n_fft, hop_length, win_length = _validate.stft_sizes(n_fft, hop_length, win_length)
    if 1 + n_fft // 2 != n_bins:
        raise ValueError(
            f"n_fft={n_fft} gives {1 + n_fft // 2} frequency rows but stft_matrix has {n_bins}; "
            "pass the n_fft that made the STFT."
        )
    _validate.flag(center, "center")
    if length is not None:
        length = _validate.positive_int(length, "length", unit="samples")
    if not np.isfinite(S).all():
        raise ValueError("stft_matrix contains NaN or infinite values; the inverse would be NaN everywhere.")

    if S.dtype in (np.complex64, np.float32, np.float16):
        real_dtype = np.dtype(np.float32)
        S = S.astype(np.complex64, copy=False)
    elif S.dtype == np.clongdouble or S.dtype == np.longdouble:
        real_dtype = np.dtype(np.longdouble)
    else:
        real_dtype = np.dtype(np.float64)
    ifft_window = _window(window, win_length, n_fft)

    n_frames = total_frames
    if length is not None:
        # Frames that start after the requested end cannot contribute.
        padded_length = length + 2 * (n_fft // 2) if center else length
        n_frames = min(total_frames, -(-padded_length // hop_length))

    pieces = -(-n_fft // hop_length)
    full_length = n_fft + hop_length * (n_frames - 1)
    lead = S.shape[:-2]
    y = np.zeros(lead + ((n_frames + pieces - 1) * hop_length,), dtype=real_dtype)
    window_cast = ifft_window.astype(real_dtype)
    block = min(n_frames, _block_size(n_fft, int(np.prod(lead)), real_dtype.itemsize))
    for start in range(0, n_frames, block):
        stop = min(start + block, n_frames)
        # Time-major frames (..., m, n_fft): contiguous rows for the overlap-add.
        frames = np.fft.irfft(np.swapaxes(S[..., start:stop], -1, -2), n=n_fft, axis=-1)
        frames = frames.astype(real_dtype, copy=False)
        frames *= window_cast
        _overlap_add(y[..., start * hop_length :], frames, hop_length)

    # Sum of the squared window over all frames (in the output precision, as librosa).
    envelope = np.zeros(y.shape[-1], dtype=real_dtype)
    squared = np.zeros(pieces * hop_length, dtype=real_dtype)
    squared[:n_fft] = window_cast**2
    grid = envelope.reshape(-1, hop_length)
    for k, piece in enumerate(squared.reshape(pieces, hop_length)):
        grid[k : k + n_frames] += piece

    start = n_fft // 2 if center else 0
    if length is None:
        out_length = full_length - 2 * (n_fft // 2) if center else full_length
    else:
        out_length = length
    stop = min(start + out_length, full_length)
    y = y[..., start:stop]
    envelope = envelope[start:stop]
    nonzero = envelope > np.finfo(real_dtype).tiny
    y[..., nonzero] /= envelope[nonzero]
    if y.shape[-1] < out_length:
        y = np.concatenate([y, np.zeros(lead + (out_length - y.shape[-1],), dtype=real_dtype)], axis=-1)
    return np.ascontiguousarray(y)


# -- decibels -----------------------------------------------------------------------------


def _check_db_options(amin: float, top_db: float | None) -> None:
    if isinstance(amin, bool) or not isinstance(amin, numbers.Real) or not amin > 0:
        raise ValueError(f"amin must be a small positive number (the floor before taking the log), got {amin!r}.")
    if top_db is not None and (isinstance(top_db, bool) or not isinstance(top_db, numbers.Real) or top_db < 0):
        raise ValueError(f"top_db must be None or a non-negative number of dB (e.g. 80), got {top_db!r}.")


def _magnitude_input(S: ArrayLike, function: str, fix: str) -> np.ndarray:
    S = np.asarray(S)
    if S.dtype == bool or not np.issubdtype(S.dtype, np.number):
        raise ValueError(f"S must hold numbers, got dtype {S.dtype}.")
    if np.iscomplexobj(S):
        warnings.warn(
            f"{function} was given a complex spectrum, so the phase is discarded; pass {fix} to silence this.",
            stacklevel=3,
        )
    return S


def power_to_db(
    S: ArrayLike,
    *,
    ref: float | Callable[[np.ndarray], float] = 1.0,
    amin: float = 1e-10,
    top_db: float | None = 80.0,
) -> np.ndarray:
    """Convert a power spectrogram to decibels: ``10 * log10(S / ref)``.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Parameters
    ----------
    S : np.ndarray
        Power (e.g. ``np.abs(D) ** 2``). A complex input is replaced by its
        magnitude, with a warning.
    ref : float or callable, keyword-only
        The power that maps to 0 dB, or a function computing it from ``S``
        (``np.max`` puts the loudest bin at 0 dB).
    amin : float > 0, keyword-only
        Floor applied to ``S`` and ``ref`` before the log (avoids log of 0);
        ``1e-10`` is -100 dB.
    top_db : float >= 0 or None, keyword-only
        If given, clip the result to at most ``top_db`` dB below its maximum.

    Returns
    -------
    np.ndarray
        dB values, same shape as ``S``; equal to ``librosa.power_to_db``.

    Examples
    --------
    >>> power_to_db(np.array([1.0, 0.1, 1e-12]))
    array([  0., -10., -80.])
    >>> power_to_db(np.array([4.0, 1.0]), ref=np.max)
    array([ 0.        , -6.02059991])
    """
    S = _magnitude_input(S, "power_to_db", "np.abs(D) ** 2")
    _check_db_options(amin, top_db)
    magnitude = np.abs(S) if np.iscomplexobj(S) else S
    ref_value = ref(magnitude) if callable(ref) else np.abs(ref)
    log_spec = 10.0 * np.log10(np.maximum(amin, magnitude))
    log_spec -= 10.0 * np.log10(np.maximum(amin, ref_value))
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def amplitude_to_db(
    S: ArrayLike,
    *,
    ref: float | Callable[[np.ndarray], float] = 1.0,
    amin: float = 1e-5,
    top_db: float | None = 80.0,
) -> np.ndarray:
    """Convert an amplitude (magnitude) spectrogram to decibels: ``20 * log10(S / ref)``.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Parameters
    ----------
    S : np.ndarray
        Magnitude (e.g. ``np.abs(D)``); a complex input is replaced by its
        magnitude, with a warning.
    ref : float or callable, keyword-only
        The amplitude that maps to 0 dB, or a function computing it from
        ``abs(S)`` such as ``np.max``.
    amin : float > 0, keyword-only
        Floor applied before the log; ``1e-5`` is -100 dB.
    top_db : float >= 0 or None, keyword-only
        If given, clip the result to at most ``top_db`` dB below its maximum.

    Returns
    -------
    np.ndarray
        dB values, same shape as ``S``; equal to ``librosa.amplitude_to_db``
        (``power_to_db(abs(S)**2, ref=ref**2, amin=amin**2, top_db=top_db)``).

    Examples
    --------
    >>> amplitude_to_db(np.array([1.0, 0.1, 0.0]))
    array([  0., -20., -80.])
    """
    S = _magnitude_input(S, "amplitude_to_db", "np.abs(D)")
    _check_db_options(amin, top_db)
    magnitude = np.abs(S)
    ref_value = ref(magnitude) if callable(ref) else np.abs(ref)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return power_to_db(np.square(magnitude), ref=ref_value**2, amin=amin**2, top_db=top_db)


def db_to_power(S_db: ArrayLike, *, ref: float = 1.0) -> np.ndarray:
    """Convert decibels back to power: ``ref * 10 ** (S_db / 10)``.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Parameters
    ----------
    S_db : np.ndarray
        Values in dB.
    ref : float, keyword-only
        The power that 0 dB stands for.

    Returns
    -------
    np.ndarray
        Power; inverts :func:`power_to_db` (where it did not clip). Equal to
        ``librosa.db_to_power``.

    Examples
    --------
    >>> db_to_power(np.array([0.0, -10.0, 20.0]))
    array([  1. ,   0.1, 100. ])
    """
    return ref * np.power(10.0, np.asarray(S_db) * 0.1)


def db_to_amplitude(S_db: ArrayLike, *, ref: float = 1.0) -> np.ndarray:
    """Convert decibels back to amplitude: ``ref * 10 ** (S_db / 20)``.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Parameters
    ----------
    S_db : np.ndarray
        Values in dB.
    ref : float, keyword-only
        The amplitude that 0 dB stands for.

    Returns
    -------
    np.ndarray
        Amplitude; inverts :func:`amplitude_to_db` (where it did not clip).
        Equal to ``librosa.db_to_amplitude``.

    Examples
    --------
    >>> db_to_amplitude(np.array([0.0, -20.0]))
    array([1. , 0.1])
    """
    return db_to_power(S_db, ref=ref**2) ** 0.5


def magphase(D: ArrayLike, *, power: float = 1) -> Tuple[np.ndarray, np.ndarray]:
    """Split a complex spectrogram into magnitude and phase, ``D = S * P``.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Parameters
    ----------
    D : np.ndarray
        Complex spectrogram (e.g. from :func:`stft`).
    power : float > 0, keyword-only
        Exponent of the magnitude: 1 for magnitude, 2 for power.

    Returns
    -------
    S : np.ndarray
        ``abs(D) ** power`` (real).
    P : np.ndarray
        The unit-magnitude phase factor ``exp(1j * angle(D))``; ``1`` where
        ``D == 0``. Equal to ``librosa.magphase``.

    Examples
    --------
    >>> S, P = magphase(np.array([3 + 4j, 0j]))
    >>> S, P
    (array([5., 0.]), array([0.6+0.8j, 1. +0.j ]))
    """
    D = np.asarray(D)
    if D.dtype == bool or not np.issubdtype(D.dtype, np.number):
        raise ValueError(f"D must be a complex spectrogram, got dtype {D.dtype}.")
    if np.issubdtype(D.dtype, np.integer):
        D = D.astype(np.float64)
    if isinstance(power, bool) or not isinstance(power, numbers.Real) or not power > 0:
        raise ValueError(f"power must be a positive number (1 for magnitude, 2 for power), got {power!r}.")
    magnitude = np.abs(D)
    zeros = magnitude == 0
    safe = magnitude + zeros
    # Real and imaginary parts separately: complex division can give NaN for tiny (denormal) values.
    phase = np.empty(D.shape, dtype=np.result_type(D.dtype, np.complex64))
    phase.real = D.real / safe + zeros
    phase.imag = D.imag / safe
    magnitude **= power
    return magnitude, phase
