"""Pitch from audio: F0 by autocorrelation, by YIN and by the cepstrum; semitone spectrograms and chroma.

Notebook: ``12_pitch_onsets_tempo.ipynb`` builds each method in a few lines,
then calls this module and scores it against the MIDI that rendered the audio.

A periodic signal repeats itself every *period* ``T`` samples; its
fundamental frequency is ``f0 = sr / T`` Hz. Three ways to find ``T`` in each
frame of a signal:

* :func:`autocorrelation_f0`: the autocorrelation ``r(τ) = Σ x[j] x[j+τ]`` is
  large when the frame looks like itself shifted by ``τ``; take the highest
  peak of ``r(τ) / r(0)`` between the shortest and longest allowed period.
* :func:`yin` (de Cheveigné & Kawahara 2002), equal to ``librosa.yin``: the
  *difference function* ``d(τ)`` is small when the frame looks like itself
  shifted by ``τ``; dividing it by its running mean (the *cumulative mean
  normalised difference*) makes it start at 1 and dip towards 0 at the period;
  the first dip below ``trough_threshold`` wins (not the deepest one, which is
  often a multiple of the period), refined between samples by fitting a parabola.
* :func:`cepstral_f0`: the real cepstrum, the inverse FFT of the log magnitude
  spectrum. A harmonic tone's log spectrum ripples with period ``f0``, so the
  cepstrum has a peak at quefrency ``T = sr / f0`` samples. It needs harmonics:
  a pure sine has no ripple and no cepstral peak.

For harmony, :func:`semitone_spectrogram` sums an STFT's power into one band
per equal-tempered semitone (a constant-Q view, computed from the STFT, so its
lowest octaves are coarse), and :func:`chroma` folds those bands into the 12
pitch classes C, C♯, …, B. On a semitone axis a transposition by ``n``
semitones is a translation by ``n`` rows, and on chroma a rotation by ``n``.

What these functions do with silence
------------------------------------
A clip whose samples are all zero has no pitch: :func:`yin`,
:func:`autocorrelation_f0` and :func:`cepstral_f0` raise
:class:`musiclearn.errors.AudioError` for it. Inside a clip, silent or
aperiodic frames give ``NaN`` from :func:`autocorrelation_f0` and
:func:`cepstral_f0` (they make a voicing decision), while :func:`yin`, like
``librosa.yin``, makes none and returns a number for every frame (for an
all-zero frame ``sr / floor(sr / fmax)``, i.e. about ``fmax``). :func:`chroma`
and :func:`semitone_spectrogram` give zeros for silent frames.

librosa is not needed: NumPy and SciPy do the work.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _validate
from .errors import AudioError

__all__ = [
    "yin",
    "autocorrelation_f0",
    "cepstral_f0",
    "autocorrelate",
    "parabolic_offset",
    "hz_to_midi",
    "midi_to_hz",
    "semitone_filterbank",
    "semitone_spectrogram",
    "chroma",
    "PITCH_CLASSES",
]

#: Names of the 12 chroma rows, in order (row 0 is C, as in librosa).
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

_PAD_MODES = ("constant", "edge", "linear_ramp", "reflect", "symmetric")

# Frames are transformed this many bytes of FFT buffer at a time, so an hour of
# audio needs no more temporary memory than a few seconds of it.
_BLOCK_BYTES = 2**23


# ----------------------------------------------------------------------------- small tools


def hz_to_midi(frequencies: ArrayLike) -> Any:
    """Frequencies in Hz to (fractional) MIDI note numbers: ``69 + 12 · log2(f / 440)``.

    Parameters
    ----------
    frequencies : float or array_like
        Frequencies in Hz, > 0. A scalar gives a float.

    Returns
    -------
    float or np.ndarray
        MIDI note numbers (60 is middle C, 69 is A4 = 440 Hz); equal to
        ``librosa.hz_to_midi``.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb`` (F0 tracks drawn over MIDI notes).

    Examples
    --------
    >>> hz_to_midi(440.0), round(hz_to_midi(261.6256), 3)
    (69.0, 60.0)
    """
    f = np.asarray(frequencies, dtype=np.float64)
    if f.size and not np.all(f > 0):
        raise ValueError("frequencies must be positive numbers of Hz (a MIDI note number needs log2(f / 440)).")
    out = 12.0 * (np.log2(f) - math.log2(440.0)) + 69.0
    return float(out) if out.ndim == 0 else out


def midi_to_hz(notes: ArrayLike) -> Any:
    """MIDI note numbers (possibly fractional) to frequencies in Hz: ``440 · 2 ** ((m - 69) / 12)``.

    Parameters
    ----------
    notes : float or array_like
        MIDI note numbers. A scalar gives a float.

    Returns
    -------
    float or np.ndarray
        Frequencies in Hz; equal to ``librosa.midi_to_hz``.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb`` (the truth F0 of a MIDI note).

    Examples
    --------
    >>> midi_to_hz(69), round(midi_to_hz(60), 2)
    (440.0, 261.63)
    """
    m = np.asarray(notes, dtype=np.float64)
    if m.size and not np.all(np.isfinite(m)):
        raise ValueError("notes must be finite MIDI note numbers (69 is A4 = 440 Hz).")
    out = 440.0 * 2.0 ** ((m - 69.0) / 12.0)
    return float(out) if out.ndim == 0 else out


def autocorrelate(y: ArrayLike, *, max_size: int | None = None, axis: int = -1) -> np.ndarray:
    """The autocorrelation ``r[τ] = Σ_j y[j] · y[j + τ]`` for lags ``τ = 0 … max_size - 1``.

    Computed with the FFT: zero-pad to at least ``2n - 1`` samples (so the
    circular correlation equals the linear one), take the power spectrum,
    transform back. Equal to ``librosa.autocorrelate`` for real input.

    Parameters
    ----------
    y : np.ndarray
        Real values (a signal, frames, an onset envelope).
    max_size : int > 0, keyword-only, optional
        How many lags to keep; default all ``n``.
    axis : int, keyword-only
        The axis to correlate along (default the last).

    Returns
    -------
    np.ndarray
        ``r`` with ``min(max_size, n)`` lags along ``axis``; float32 for
        float32 input, float64 otherwise. ``r[0]`` is the energy ``Σ y²``.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb`` (autocorrelation pitch and tempo).

    Examples
    --------
    >>> autocorrelate(np.array([1.0, 2.0, 3.0]))
    array([14.,  8.,  3.])
    """
    import scipy.fft

    arr = _validate.signal(y, "y")
    if arr.dtype.kind != "f" or arr.dtype == np.float16:
        arr = arr.astype(np.float64 if arr.dtype.kind != "f" else np.float32)
    if not isinstance(axis, numbers.Integral) or not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis={axis!r} is not an axis of y (shape {arr.shape}).")
    n = arr.shape[axis]
    size = n if max_size is None else min(_validate.positive_int(max_size, "max_size", unit="lags"), n)
    n_pad = scipy.fft.next_fast_len(2 * n - 1, real=True)
    spectrum = np.fft.rfft(arr, n=n_pad, axis=axis)
    power = spectrum.real**2 + spectrum.imag**2
    r = np.fft.irfft(power, n=n_pad, axis=axis)
    return np.take(r, np.arange(size), axis=axis)


def parabolic_offset(left: ArrayLike, center: ArrayLike, right: ArrayLike) -> Any:
    """Where a parabola through three equally spaced points has its vertex, in samples from the middle one.

    Fit ``p(x) = a x² + b x + c`` through ``(-1, left)``, ``(0, center)``,
    ``(1, right)``; the vertex is at ``x = (left - right) / (2 (left - 2 center + right))``.
    Where that would land more than one sample away (the three points are not
    a peak or a trough), the offset is 0, as in librosa's YIN.

    Parameters
    ----------
    left, center, right : float or array_like
        Values at the sample before, at and after the extremum.

    Returns
    -------
    float or np.ndarray
        Offsets in samples, in ``(-1, 1)``; a scalar gives a float.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb`` (exercise ``12.parabolic_offset``).

    Examples
    --------
    >>> parabolic_offset(1.0, 0.0, 1.0)        # symmetric: the vertex is at the middle
    0.0
    >>> parabolic_offset(2.25, 0.25, 0.25)     # (x - 0.5)**2 at x = -1, 0, 1
    0.5
    """
    a_, b_, c_ = (np.asarray(v, dtype=np.float64) for v in (left, center, right))
    curvature = c_ + a_ - 2.0 * b_
    slope = (c_ - a_) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = np.where(np.abs(slope) >= np.abs(curvature), 0.0, -slope / curvature)
    return float(offset) if offset.ndim == 0 else offset


# ----------------------------------------------------------------------------- checks


def _hz(value: object, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a frequency in Hz (a finite number), got {value!r}.")
    return float(value)


def _f0_range(fmin: object, fmax: object, sr: float, frame_length: int) -> tuple[float, float]:
    """Check ``fmin``/``fmax`` as librosa's YIN does, with messages that say what to change."""
    if fmin is None or fmax is None:
        raise ValueError("Give both fmin and fmax in Hz: the lowest and highest F0 to search, "
                         "e.g. fmin=65 (C2) and fmax=2093 (C7).")
    lo, hi = _hz(fmin, "fmin"), _hz(fmax, "fmax")
    if lo <= 0:
        raise ValueError(f"fmin={lo:g} Hz must be above 0 Hz: the longest period searched is sr / fmin samples.")
    if hi > sr / 2:
        raise ValueError(f"fmax={hi:g} Hz is above the Nyquist frequency sr/2 = {sr / 2:g} Hz, where a sampled "
                         "signal has no frequencies; lower fmax to at most sr/2.")
    if lo >= hi:
        raise ValueError(f"fmin={lo:g} Hz must be below fmax={hi:g} Hz; swap them or widen the range.")
    if sr / lo >= frame_length - 1:
        raise ValueError(f"fmin={lo:g} Hz is too low for frame_length={frame_length} at sr={sr:g} Hz: one period "
                         f"({sr / lo:.0f} samples) must fit in a frame. Raise fmin to at least "
                         f"{sr / (frame_length - 1):.1f} Hz or frame_length to at least {math.ceil(sr / lo) + 2}.")
    if sr / lo >= frame_length // 2:
        warnings.warn(f"With fmin={lo:g} Hz, sr={sr:g} Hz and frame_length={frame_length}, fewer than two "
                      "periods of fmin fit in a frame, which makes low pitches unreliable; raise fmin to "
                      f"{sr / (frame_length / 2):.1f} Hz or frame_length to {math.ceil(sr / lo) * 2 + 1}.",
                      UserWarning, stacklevel=4)
    return lo, hi


def _audio(y: ArrayLike, *, name: str = "y") -> np.ndarray:
    arr = _validate.signal(y, name, dtype="float", channels_first=True)
    return arr.astype(np.float32) if arr.dtype == np.float16 else arr


def _frames(y: np.ndarray, frame_length: int, hop_length: int, center: bool, pad_mode: str,
            function: str) -> np.ndarray:
    """Time-major frames ``(..., n_frames, frame_length)`` of ``y``, padded as librosa pads."""
    n = y.shape[-1]
    if n < frame_length:
        raise AudioError(
            f"the clip has {n} samples, fewer than one frame (frame_length={frame_length}); {function} needs "
            "at least one whole frame: pass a longer clip or a smaller frame_length")
    if not np.any(y):
        raise AudioError(f"the clip is silent (every sample is 0), so it has no pitch for {function} to find")
    if center:
        if pad_mode not in _PAD_MODES:
            raise ValueError(f"pad_mode={pad_mode!r} is not supported; use one of {', '.join(_PAD_MODES)}.")
        half = frame_length // 2
        y = np.pad(y, [(0, 0)] * (y.ndim - 1) + [(half, half)], mode=pad_mode)
    return np.lib.stride_tricks.sliding_window_view(y, frame_length, axis=-1)[..., ::hop_length, :]


def _sizes(sr: object, frame_length: object, hop_length: object) -> tuple[float, int, int]:
    rate = _validate.sample_rate(sr)
    length = _validate.positive_int(frame_length, "frame_length", unit="samples")
    if length < 4:
        raise ValueError(f"frame_length={length} is too short for pitch estimation; use a few periods of the "
                         "lowest pitch, e.g. 2048 samples at 22050 Hz.")
    hop = length // 4 if hop_length is None else _validate.positive_int(hop_length, "hop_length", unit="samples")
    return rate, length, hop


def _blocks(n_frames: int, n_pad: int, lead: int) -> range:
    step = max(1, _BLOCK_BYTES // (16 * n_pad * max(lead, 1)))
    return range(0, n_frames, step)


# ----------------------------------------------------------------------------- YIN


def _cmnd_block(frames: np.ndarray, min_period: int, max_period: int, n_pad: int) -> np.ndarray:
    """Cumulative mean normalised difference ``d'(τ)`` for ``τ = min_period … max_period``.

    The difference function is taken through the autocorrelation ``r``, as in
    librosa: ``d(τ) = 2 (r(0) − r(τ)) − E(τ − 1)`` with ``E(m)`` the energy of
    the frame's first ``m + 1`` samples and ``E(0)`` taken as 0.
    """
    spectrum = np.fft.rfft(frames, n=n_pad, axis=-1)
    acf = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, n=n_pad, axis=-1)[..., : max_period + 1]
    energy = np.cumsum(np.square(frames[..., :max_period]), axis=-1)
    energy[..., 0] = 0
    diff = 2 * (acf[..., :1] - acf[..., 1:]) - energy              # d(1) ... d(max_period)
    running_mean = np.cumsum(diff, axis=-1) / np.arange(1, max_period + 1)
    denominator = running_mean[..., min_period - 1:]
    return diff[..., min_period - 1:] / (denominator + np.finfo(denominator.dtype).tiny)


def _pick_yin(cmnd: np.ndarray, trough_threshold: float) -> np.ndarray:
    """Index of the first trough below the threshold (else the global minimum), plus its parabolic offset."""
    before, after = cmnd[..., :-2], cmnd[..., 2:]
    middle = cmnd[..., 1:-1]
    trough = np.empty(cmnd.shape, dtype=bool)
    trough[..., 1:-1] = (middle < before) & (middle <= after)
    trough[..., 0] = cmnd[..., 0] < cmnd[..., 1]
    trough[..., -1] = cmnd[..., -1] < cmnd[..., -2]
    candidate = trough & (cmnd < trough_threshold)
    first = np.argmax(candidate, axis=-1)
    index = np.where(candidate.any(axis=-1), first, np.argmin(cmnd, axis=-1))
    inner = (index > 0) & (index < cmnd.shape[-1] - 1)
    return index + np.where(inner, _parabolic_at(cmnd, index), 0.0)


def yin(
    y: np.ndarray,
    *,
    fmin: float,
    fmax: float,
    sr: float = 22050,
    frame_length: int = 2048,
    hop_length: int | None = None,
    trough_threshold: float = 0.1,
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """The fundamental frequency of each frame by YIN; equal to ``librosa.yin``.

    For each frame ``x`` of ``frame_length`` samples:

    1. the difference function ``d(τ)``, small when ``x`` looks like itself
       shifted by ``τ`` samples, computed through the autocorrelation
       ``r(τ)`` (see Notes);
    2. the cumulative mean normalised difference
       ``d'(τ) = d(τ) / ((1/τ) Σ_{j=1..τ} d(j))``, which is about 1 for
       unrelated shifts and dips towards 0 at the period;
    3. the *first* local minimum of ``d'`` below ``trough_threshold`` between
       ``floor(sr / fmax)`` and ``ceil(sr / fmin)`` samples (the global
       minimum when no trough is that deep);
    4. a parabola through that minimum and its neighbours places the period
       between samples; ``f0 = sr / period``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float
        Audio; leading axes (channels) are estimated independently. At least
        ``frame_length`` samples, not all zero, no NaN.
    fmin, fmax : float, keyword-only
        Lowest and highest F0 to search, in Hz: ``0 < fmin < fmax <= sr / 2``,
        and one period of ``fmin`` must fit in a frame (two are better: a
        warning says when fewer do).
    sr : float, keyword-only
        Sampling rate in Hz.
    frame_length : int, keyword-only
        Samples per analysis frame (2048 = 93 ms at 22050 Hz).
    hop_length : int, keyword-only, optional
        Samples between frame starts; default ``frame_length // 4``.
    trough_threshold : float >= 0, keyword-only
        How deep a dip of ``d'`` must be to count as the period. Lower: fewer
        octave-too-high errors, more octave-too-low ones.
    center : bool, keyword-only
        Pad ``frame_length // 2`` samples on both ends so frame ``t`` is
        centred on sample ``t * hop_length`` (time ``t * hop_length / sr``).
    pad_mode : str, keyword-only
        How ``center=True`` pads (``"constant"`` zeros by default; see
        ``numpy.pad``).

    Returns
    -------
    np.ndarray [shape=(..., n_frames)], float64
        F0 in Hz per frame. YIN makes no voicing decision: every frame gets a
        number, silent or noisy frames too (an all-zero frame gives
        ``sr / floor(sr / fmax)``).

    Raises
    ------
    ValueError
        For bad arguments: ``fmin >= fmax``, ``fmax > sr / 2``, ``fmin <= 0``
        or too low for the frame, NaN samples, integer samples.
    musiclearn.errors.AudioError
        For a clip shorter than one frame, or a silent clip (all zeros).

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``.

    De Cheveigné & Kawahara (2002), "YIN, a fundamental frequency estimator
    for speech and music", *J. Acoust. Soc. Am.* 111(4), 1917–1930.

    As in librosa (0.10, 0.11), the difference function is
    ``d(τ) = 2 (r(0) − r(τ)) − E(τ − 1)``, where ``r`` is the frame's
    autocorrelation and ``E(m)`` the energy of its first ``m + 1`` samples
    (``E(0)`` taken as 0). The textbook sum
    ``Σ_{j=0}^{N−1−τ} (x[j] − x[j+τ])²`` is smaller by the energy of the last
    ``τ`` samples of the frame, so for a steady tone of period ``T`` this
    ``d'(T)`` does not reach 0 but about ``T / (2 frame_length)``; the
    notebook compares both. Differences from ``librosa.yin``: a clip
    shorter than ``frame_length`` or all zeros raises instead of returning
    padding-dominated numbers, and there is no deprecated ``win_length``.

    Examples
    --------
    >>> sr = 22050
    >>> t = np.arange(sr) / sr
    >>> y = (np.sin(2 * np.pi * 220 * t) + 0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    >>> f0 = yin(y, fmin=80, fmax=1000, sr=sr)
    >>> f0.shape, round(float(np.median(f0)), 1)        # 1.6 cents sharp
    ((44,), 220.2)
    """
    rate, length, hop = _sizes(sr, frame_length, hop_length)
    lo, hi = _f0_range(fmin, fmax, rate, length)
    threshold = _validate.finite_number(trough_threshold, "trough_threshold", "a dip of d' between 0 and 1")
    if threshold < 0:
        raise ValueError(f"trough_threshold={threshold:g} must be >= 0 (d' is never negative).")
    _validate.flag(center, "center")
    audio = _audio(y)
    frames = _frames(audio, length, hop, center, pad_mode, "yin")

    import scipy.fft

    min_period = int(np.floor(rate / hi))
    max_period = min(int(np.ceil(rate / lo)), length - 1)
    n_pad = scipy.fft.next_fast_len(2 * length - 1, real=True)
    period = np.empty(frames.shape[:-1], dtype=np.float64)
    step = _blocks(frames.shape[-2], n_pad, int(np.prod(frames.shape[:-2]))).step
    for start in range(0, frames.shape[-2], step):
        block = frames[..., start:start + step, :]
        cmnd = _cmnd_block(block, min_period, max_period, n_pad)
        period[..., start:start + block.shape[-2]] = min_period + _pick_yin(cmnd, threshold)
    return rate / period


# ----------------------------------------------------------------------------- autocorrelation and cepstrum


def _local_peak(values: np.ndarray, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the index in ``low..high`` of the highest local maximum of ``values`` and its height.

    Rows without a local maximum in range give index -1 and height -inf.
    """
    inner = values[..., low:high + 1]
    left = values[..., low - 1:high]
    right = values[..., low + 1:high + 2]
    if right.shape[-1] < inner.shape[-1]:       # the range reaches the last lag: no right neighbour
        right = np.concatenate([right, np.full(right.shape[:-1] + (1,), np.inf)], axis=-1)
    is_peak = (inner > left) & (inner >= right)
    masked = np.where(is_peak, inner, -np.inf)
    best = np.argmax(masked, axis=-1)
    height = np.take_along_axis(masked, best[..., None], axis=-1)[..., 0]
    return np.where(np.isfinite(height), best + low, -1), height


def _parabolic_at(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The parabolic vertex offset of ``values`` (last axis) around each ``index``, moved inside the edges."""
    safe = np.clip(index, 1, values.shape[-1] - 2)[..., None]
    return parabolic_offset(*(np.take_along_axis(values, safe + k, axis=-1)[..., 0] for k in (-1, 0, 1)))


def _refine(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``index`` plus the parabolic offset of ``values`` around it (index -1 stays NaN)."""
    return np.where(index > 0, index + _parabolic_at(values, index), np.nan)


def autocorrelation_f0(
    y: np.ndarray,
    *,
    fmin: float,
    fmax: float,
    sr: float = 22050,
    frame_length: int = 2048,
    hop_length: int | None = None,
    voicing_threshold: float = 0.5,
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """The fundamental frequency of each frame from the highest peak of its autocorrelation.

    For each frame: ``r(τ) = Σ_j x[j] x[j+τ]`` (:func:`autocorrelate`),
    normalised by ``r(0)`` so that a perfectly periodic frame scores close to
    1 at its period. Among the local maxima of ``r(τ) / r(0)`` with
    ``sr / fmax <= τ <= sr / fmin`` the highest is the period, refined by
    :func:`parabolic_offset`; ``f0 = sr / τ``. The sum over ``N − τ``
    products shrinks as ``τ`` grows, which favours the shortest of the
    period's multiples (the true period) over the longer ones; it also
    tilts each peak a little towards shorter lags, so estimates come out a
    few cents sharp.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float
        Audio, at least ``frame_length`` samples, not all zero, no NaN.
    fmin, fmax : float, keyword-only
        Lowest and highest F0 to search in Hz (``0 < fmin < fmax <= sr / 2``).
    sr : float, keyword-only
        Sampling rate in Hz.
    frame_length : int, keyword-only
        Samples per frame.
    hop_length : int, keyword-only, optional
        Samples between frames; default ``frame_length // 4``.
    voicing_threshold : float in [0, 1], keyword-only
        A frame whose peak ``r(τ) / r(0)`` is below this is unvoiced (NaN).
    center, pad_mode : keyword-only
        Frame ``t`` centred on sample ``t * hop_length``, as in :func:`yin`.

    Returns
    -------
    np.ndarray [shape=(..., n_frames)], float64
        F0 in Hz, ``NaN`` for unvoiced frames: silent ones, those without a
        peak in range, and those whose peak is below ``voicing_threshold``.
        The same frames (and times) as :func:`yin` with the same arguments.

    Raises
    ------
    ValueError, musiclearn.errors.AudioError
        As :func:`yin`.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``.

    Examples
    --------
    >>> sr = 22050
    >>> y = np.sin(2 * np.pi * 196.0 * np.arange(sr) / sr)
    >>> f0 = autocorrelation_f0(y, fmin=80, fmax=1000, sr=sr)
    >>> round(float(np.nanmedian(f0)), 1)               # 2.6 cents sharp (see above)
    196.3
    """
    rate, length, hop = _sizes(sr, frame_length, hop_length)
    lo, hi = _f0_range(fmin, fmax, rate, length)
    threshold = _validate.finite_number(voicing_threshold, "voicing_threshold", "a correlation between 0 and 1")
    if not 0 <= threshold <= 1:
        raise ValueError(f"voicing_threshold={threshold:g} must be between 0 and 1 (r(τ)/r(0) is at most 1).")
    _validate.flag(center, "center")
    frames = _frames(_audio(y), length, hop, center, pad_mode, "autocorrelation_f0")

    low = max(1, int(np.floor(rate / hi)))
    high = min(int(np.ceil(rate / lo)), length - 2)
    f0 = np.full(frames.shape[:-1], np.nan)
    import scipy.fft

    n_pad = scipy.fft.next_fast_len(2 * length - 1, real=True)
    lead = int(np.prod(frames.shape[:-2]))
    step = _blocks(frames.shape[-2], n_pad, lead).step
    for start in range(0, frames.shape[-2], step):
        block = frames[..., start:start + step, :].astype(np.float64)
        r = autocorrelate(block, max_size=high + 2)
        energy = r[..., :1]
        with np.errstate(divide="ignore", invalid="ignore"):
            normalised = np.where(energy > 0, r / energy, 0.0)
        index, height = _local_peak(normalised, low, high)
        period = _refine(normalised, np.where(height >= threshold, index, -1))
        f0[..., start:start + block.shape[-2]] = rate / period
    return f0


def cepstral_f0(
    y: np.ndarray,
    *,
    fmin: float,
    fmax: float,
    sr: float = 22050,
    frame_length: int = 2048,
    hop_length: int | None = None,
    voicing_threshold: float = 0.1,
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """The fundamental frequency of each frame from the peak of its real cepstrum.

    For each frame: Hann window, magnitude spectrum ``|X|``, its natural log
    (floored 100 dB below the frame's peak, so silence between harmonics
    does not dominate), then the inverse FFT: the *cepstrum* ``c(q)``, whose
    variable ``q`` (the *quefrency*) is in samples. The harmonics of ``f0``
    make ``log|X|`` ripple with a period of ``f0`` Hz, that is
    ``frame_length · f0 / sr`` bins, so ``c(q)`` peaks at ``q = sr / f0``: the
    highest local maximum for ``sr / fmax <= q <= sr / fmin``, refined by
    :func:`parabolic_offset`.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float
        Audio, at least ``frame_length`` samples, not all zero, no NaN.
    fmin, fmax : float, keyword-only
        Lowest and highest F0 to search in Hz (``0 < fmin < fmax <= sr / 2``).
    sr : float, keyword-only
        Sampling rate in Hz.
    frame_length : int, keyword-only
        Samples per frame (and FFT length).
    hop_length : int, keyword-only, optional
        Samples between frames; default ``frame_length // 4``.
    voicing_threshold : float >= 0, keyword-only
        A frame whose cepstral peak (in nepers of log magnitude) is below this
        is unvoiced (NaN).
    center, pad_mode : keyword-only
        Frame ``t`` centred on sample ``t * hop_length``, as in :func:`yin`.

    Returns
    -------
    np.ndarray [shape=(..., n_frames)], float64
        F0 in Hz, ``NaN`` for unvoiced frames (silent, no peak in range, or a
        peak below ``voicing_threshold``). A pure sine has almost no cepstral
        peak: the method needs harmonics.

    Raises
    ------
    ValueError, musiclearn.errors.AudioError
        As :func:`yin`.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``. The cepstrum is Bogert, Healy &
    Tukey's (1963); Noll (1967) used its peak for pitch.

    Examples
    --------
    >>> sr = 22050
    >>> t = np.arange(sr) / sr
    >>> y = sum(np.sin(2 * np.pi * 150.0 * k * t) / k for k in range(1, 11))
    >>> f0 = cepstral_f0(y, fmin=80, fmax=1000, sr=sr)
    >>> round(float(np.nanmedian(f0)))
    150
    """
    rate, length, hop = _sizes(sr, frame_length, hop_length)
    if isinstance(fmin, numbers.Real) and not isinstance(fmin, bool) and math.isfinite(fmin) and fmin > 0 \
            and math.ceil(rate / fmin) > length // 2 - 2:
        raise ValueError(f"frame_length={length} is too short for the cepstrum down to fmin={fmin:g} Hz: a frame's "
                         f"cepstrum reaches quefrencies up to frame_length / 2 = {length // 2} samples, and a period "
                         f"of fmin is {rate / fmin:.0f}. Raise fmin to at least {rate / (length // 2 - 2):.1f} Hz "
                         f"or frame_length to {2 * math.ceil(rate / fmin) + 4}.")
    lo, hi = _f0_range(fmin, fmax, rate, length)
    threshold = _validate.finite_number(voicing_threshold, "voicing_threshold", "a cepstral peak height")
    if threshold < 0:
        raise ValueError(f"voicing_threshold={threshold:g} must be >= 0.")
    _validate.flag(center, "center")
    frames = _frames(_audio(y), length, hop, center, pad_mode, "cepstral_f0")

    low = max(1, int(np.floor(rate / hi)))
    high = int(np.ceil(rate / lo))
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / length)
    f0 = np.full(frames.shape[:-1], np.nan)
    lead = int(np.prod(frames.shape[:-2]))
    step = _blocks(frames.shape[-2], length, lead).step
    for start in range(0, frames.shape[-2], step):
        block = frames[..., start:start + step, :].astype(np.float64)
        magnitude = np.abs(np.fft.rfft(block * window, axis=-1))
        peak = magnitude.max(axis=-1, keepdims=True)
        silent = peak[..., 0] == 0
        floor = np.where(peak > 0, peak * 1e-5, 1.0)          # 100 dB below the frame's peak
        cepstrum = np.fft.irfft(np.log(np.maximum(magnitude, floor)), n=length, axis=-1)
        index, height = _local_peak(cepstrum, low, high)
        period = _refine(cepstrum, np.where((height >= threshold) & ~silent, index, -1))
        f0[..., start:start + block.shape[-2]] = rate / period
    return f0


# ----------------------------------------------------------------------------- semitones and chroma


def _power_spectrogram(y: np.ndarray | None, S: np.ndarray | None, *, n_fft: int, hop_length: int,
                       function: str) -> tuple[np.ndarray, int]:
    if S is not None:
        spec = np.asarray(S)
        if spec.dtype.kind not in "fiu" or spec.ndim < 2:
            raise ValueError(f"S must be a real power spectrogram of shape (..., 1 + n_fft // 2, frames), got "
                             f"shape {spec.shape} and dtype {spec.dtype}; for a complex STFT D pass np.abs(D) ** 2.")
        if spec.shape[-2] < 2 or not np.all(np.isfinite(spec)) or np.any(spec < 0):
            raise ValueError("S must hold at least 2 frequency rows of finite, non-negative power "
                             "(np.abs(D) ** 2 of an STFT).")
        return spec, 2 * (spec.shape[-2] - 1)
    if y is None:
        raise ValueError(f"{function} needs audio y or a power spectrogram S.")
    audio = _audio(y)
    n_fft = _validate.positive_int(n_fft, "n_fft", unit="samples")
    hop_length = _validate.positive_int(hop_length, "hop_length", unit="samples")
    if audio.shape[-1] < n_fft:
        raise AudioError(f"the clip has {audio.shape[-1]} samples, fewer than one frame (n_fft={n_fft}); "
                         f"{function} needs a longer clip or a smaller n_fft")
    from .stft import stft

    return np.abs(stft(audio, n_fft=n_fft, hop_length=hop_length)) ** 2, n_fft


def semitone_filterbank(*, sr: float, n_fft: int, fmin: float = 65.406, n_bins: int = 72,
                        tuning: float = 0.0) -> np.ndarray:
    """Weights that sum FFT bins into equal-tempered semitone bands (rows: MIDI notes).

    Band ``i`` is centred on MIDI note ``m0 + i`` (``m0`` is ``fmin``'s nearest
    note, shifted by ``tuning`` semitones). Each FFT bin at frequency ``f``
    (fractional note ``hz_to_midi(f)``) gives its power to the two nearest
    semitones, linearly: weight ``max(0, 1 − |note − band|)``. So the weights
    of every bin inside the range add up to 1: the bands split the power.

    Parameters
    ----------
    sr : float, keyword-only
        Sampling rate in Hz.
    n_fft : int, keyword-only
        FFT length; the matrix has ``1 + n_fft // 2`` columns.
    fmin : float, keyword-only
        Frequency of the lowest band, in Hz (rounded to the nearest note);
        default C2 (65.4 Hz).
    n_bins : int, keyword-only
        Number of semitone bands (72 = 6 octaves, C2 to B7).
    tuning : float, keyword-only
        Offset of the whole grid in semitones, in [-0.5, 0.5) (0 = A4 at 440 Hz).

    Returns
    -------
    np.ndarray [shape=(n_bins, 1 + n_fft // 2)], float64

    Warns
    -----
    UserWarning
        When some bands catch no FFT bin: at low notes two semitones are
        narrower than the bin spacing ``sr / n_fft``. Raise ``n_fft`` or ``fmin``.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``.

    Examples
    --------
    >>> W = semitone_filterbank(sr=22050, n_fft=4096, fmin=130.8, n_bins=48)
    >>> W.shape, round(float(W[:, 100].sum()), 6)      # bin 100 = 538 Hz, inside the bands
    ((48, 2049), 1.0)
    """
    rate = _validate.sample_rate(sr)
    n_fft = _validate.positive_int(n_fft, "n_fft", unit="samples")
    n_bins = _validate.positive_int(n_bins, "n_bins", unit="semitones")
    low = _hz(fmin, "fmin")
    shift = _validate.finite_number(tuning, "tuning", "in semitones, between -0.5 and 0.5")
    if not -0.5 <= shift < 0.5:
        raise ValueError(f"tuning={shift:g} must be in [-0.5, 0.5) semitones; a larger offset is a different note.")
    if low <= 0:
        raise ValueError(f"fmin={low:g} Hz must be above 0 Hz.")
    first = round(hz_to_midi(low)) + shift
    top = midi_to_hz(first + n_bins - 1)
    if top > rate / 2:
        raise ValueError(f"{n_bins} semitones from fmin={low:g} Hz reach {top:.0f} Hz, above the Nyquist frequency "
                         f"sr/2 = {rate / 2:g} Hz; lower n_bins or fmin.")
    freqs = np.arange(1 + n_fft // 2) * rate / n_fft
    notes = np.full(freqs.shape, -np.inf)
    notes[1:] = hz_to_midi(freqs[1:])                  # 0 Hz (DC) belongs to no note
    bands = first + np.arange(n_bins)[:, None]
    weights = np.maximum(0.0, 1.0 - np.abs(notes[None, :] - bands))
    if np.any(weights.max(axis=1) == 0):
        empty = int(np.sum(weights.max(axis=1) == 0))
        warnings.warn(f"{empty} of {n_bins} semitone bands catch no FFT bin: with n_fft={n_fft} at sr={rate:g} Hz "
                      f"the bins are {rate / n_fft:.1f} Hz apart, wider than two semitones below about "
                      f"{rate / n_fft / (2 ** (2 / 12) - 1):.0f} Hz. Raise n_fft or fmin.", UserWarning, stacklevel=3)
    return weights


def semitone_spectrogram(
    y: np.ndarray | None = None,
    *,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 4096,
    hop_length: int = 512,
    fmin: float = 65.406,
    n_bins: int = 72,
    tuning: float = 0.0,
) -> np.ndarray:
    """A constant-Q view from the STFT: power per equal-tempered semitone, per frame.

    ``semitone_filterbank(...) @ |stft(y)|²``. Rows are MIDI notes
    ``round(hz_to_midi(fmin))`` upwards, so transposing the music by ``n``
    semitones moves the picture up by ``n`` rows; on the linear frequency
    axis of an STFT the same transposition stretches it instead.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], optional
        Audio (float), at least ``n_fft`` samples.
    sr : float, keyword-only
        Sampling rate in Hz.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, frames)], keyword-only, optional
        A power spectrogram to use instead of ``y`` (``n_fft`` is read from its shape).
    n_fft : int, keyword-only
        FFT length; 4096 at 22050 Hz puts bins 5.4 Hz apart, narrower than a
        semitone above about 90 Hz.
    hop_length : int, keyword-only
        Samples between frames.
    fmin, n_bins, tuning : keyword-only
        The bands, as in :func:`semitone_filterbank` (default C2 and 6 octaves).

    Returns
    -------
    np.ndarray [shape=(..., n_bins, frames)]
        Power per semitone band; zeros for silent frames.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``. A true constant-Q transform
    (``librosa.cqt``) uses longer filters for lower notes and so resolves the
    bass better; this one inherits the STFT's fixed resolution.

    Examples
    --------
    >>> sr = 22050
    >>> y = np.sin(2 * np.pi * 440.0 * np.arange(sr) / sr)
    >>> C = semitone_spectrogram(y, sr=sr)
    >>> int(C[:, 10].argmax()) + 36          # row 0 is C2 = MIDI 36; A4 is 69
    69
    """
    power, n_fft = _power_spectrogram(y, S, n_fft=n_fft, hop_length=hop_length, function="semitone_spectrogram")
    weights = semitone_filterbank(sr=sr, n_fft=n_fft, fmin=fmin, n_bins=n_bins, tuning=tuning)
    return np.einsum("bf,...ft->...bt", weights.astype(power.dtype if power.dtype.kind == "f" else np.float64),
                     power)


def chroma(
    y: np.ndarray | None = None,
    *,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 4096,
    hop_length: int = 512,
    fmin: float = 65.406,
    n_octaves: int = 6,
    tuning: float = 0.0,
    norm: float | None = np.inf,
) -> np.ndarray:
    """Chroma from the STFT: the power of each of the 12 pitch classes, per frame.

    :func:`semitone_spectrogram` from C (``fmin`` is rounded to a C), then
    every row with the same pitch class is summed: all C's into row 0, all
    C♯'s into row 1, …, all B's into row 11 (:data:`PITCH_CLASSES`). Each
    frame is then scaled by its ``norm`` (the largest value by default).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], optional
        Audio (float), at least ``n_fft`` samples.
    sr : float, keyword-only
        Sampling rate in Hz.
    S : np.ndarray, keyword-only, optional
        A power spectrogram to use instead of ``y``.
    n_fft, hop_length : int, keyword-only
        STFT sizes, as in :func:`semitone_spectrogram`.
    fmin : float, keyword-only
        Lowest note in Hz, rounded down to a C (default C2, 65.4 Hz).
    n_octaves : int, keyword-only
        Octaves folded together (default 6: C2 to B7).
    tuning : float, keyword-only
        Offset of the semitone grid, in semitones (0 = A440). librosa's
        ``chroma_stft`` estimates it from the signal by default; here it is
        given (rendered MIDI is in tune).
    norm : float or None, keyword-only
        ``np.inf`` (default): divide each frame by its largest value, so the
        strongest pitch class is 1; a number p: by its p-norm; None: keep the
        power. Silent frames stay 0.

    Returns
    -------
    np.ndarray [shape=(..., 12, frames)]
        Row ``k`` is pitch class ``PITCH_CLASSES[k]``.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb`` compares it with
    ``librosa.feature.chroma_stft`` and ``chroma_cqt``: the same idea,
    different filters (librosa's STFT chroma uses Gaussian bumps around each
    semitone and weights octaves; its CQT chroma uses a real constant-Q
    transform), so the values differ but the strongest pitch class agrees on
    nearly every frame of a melody.

    Examples
    --------
    >>> sr = 22050
    >>> y = np.sin(2 * np.pi * 392.0 * np.arange(sr) / sr)      # G4
    >>> PITCH_CLASSES[int(chroma(y, sr=sr)[:, 10].argmax())]
    'G'
    """
    octaves = _validate.positive_int(n_octaves, "n_octaves", unit="octaves")
    low = _hz(fmin, "fmin")
    if low <= 0:
        raise ValueError(f"fmin={low:g} Hz must be above 0 Hz.")
    c_below = 12 * math.floor((hz_to_midi(low) + 0.5) / 12)       # the C at or just below fmin's note
    if norm is not None and (isinstance(norm, bool) or not isinstance(norm, numbers.Real) or not norm > 0):
        raise ValueError(f"norm must be None, np.inf or a positive number (a p-norm), got {norm!r}.")
    bands = semitone_spectrogram(y, sr=sr, S=S, n_fft=n_fft, hop_length=hop_length,
                                 fmin=midi_to_hz(c_below), n_bins=12 * octaves, tuning=tuning)
    folded = bands.reshape(bands.shape[:-2] + (octaves, 12, bands.shape[-1])).sum(axis=-3)
    if norm is None:
        return folded
    if math.isinf(norm):
        length = folded.max(axis=-2, keepdims=True)
    else:
        length = np.sum(folded**norm, axis=-2, keepdims=True) ** (1.0 / norm)
    tiny = np.finfo(folded.dtype).tiny
    return np.where(length > tiny, folded / np.where(length > tiny, length, 1.0), 0.0).astype(folded.dtype)
