"""Rhythm from audio: onset strength (spectral flux), onset detection by peak picking, tempo.

Notebook: ``12_pitch_onsets_tempo.ipynb`` builds each step in a few lines,
then calls this module and scores it against the MIDI that rendered the audio.

* :func:`onset_strength`: *spectral flux* on a log-mel spectrogram. A note
  starting makes some mel bands louder from one frame to the next; sum (or
  average) only the increases, ``max(0, S[f, t] − S[f, t − lag])``, over the
  bands. Equal to ``librosa.onset.onset_strength`` with the same parameters.
* :func:`peak_pick` and :func:`onset_detect`: an onset is a frame whose
  strength is the largest in a short neighbourhood, clearly above the local
  average, and not too close after the previous onset. The same rule and
  defaults as ``librosa.onset.onset_detect``, written here with NumPy.
* :func:`tempogram` and :func:`tempo`: notes recur every beat, so the
  autocorrelation of the onset strength peaks at lags of one beat (and its
  multiples and fractions). :func:`tempo` averages local autocorrelations over
  the clip, weights each lag's tempo by a log-normal prior around
  ``start_bpm`` and takes the best. Equal to ``librosa.feature.tempo``.

Frames and times: frame ``t`` of an onset envelope is centred on sample
``t * hop_length``, i.e. at ``t * hop_length / sr`` seconds (512 samples =
23.2 ms at 22050 Hz). :func:`onset_detect` converts with ``units``.

What these functions do with silence: a silent clip has an onset strength of
zeros and no onsets (an empty array), which is the right answer; it has no
tempo, so :func:`tempo` raises :class:`musiclearn.errors.AudioError`.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable

import numpy as np
from numpy.typing import ArrayLike

from . import _validate
from .errors import AudioError
from .pitch import autocorrelate

__all__ = [
    "onset_strength",
    "peak_pick",
    "onset_detect",
    "onset_backtrack",
    "tempo_frequencies",
    "tempogram",
    "tempo",
    "UNITS",
]

#: What :func:`onset_detect` can return: frame indices, sample indices or seconds.
UNITS = ("frames", "samples", "time")


def _envelope(onset_envelope: ArrayLike, name: str = "onset_envelope", ndim: Any = None) -> np.ndarray:
    env = _validate.signal(onset_envelope, name, ndim=ndim, what="onset envelope")
    return env.astype(np.float64) if env.dtype.kind != "f" else env


# ----------------------------------------------------------------------------- onset strength


def onset_strength(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    lag: int = 1,
    max_size: int = 1,
    ref: np.ndarray | None = None,
    detrend: bool = False,
    center: bool = True,
    aggregate: Callable[..., np.ndarray] = np.mean,
    **mel_kwargs: Any,
) -> np.ndarray:
    """Spectral flux on a log-mel spectrogram: how much louder each frame got; equal to librosa's.

    1. ``S = power_to_db(melspectrogram(y, ...))`` (128 mel bands by default),
       unless ``S`` is given;
    2. ``flux[f, t] = max(0, S[f, t] − ref[f, t − lag])``, where ``ref`` is ``S``
       itself, or ``S`` after a maximum filter of ``max_size`` bands across
       frequency (so vibrato, a note sliding into a neighbouring band, does not
       count as a new note);
    3. ``aggregate`` (the mean) over the bands;
    4. shifted right by ``lag + n_fft // (2 * hop_length)`` frames (with
       ``center=True``) so each value sits at the frame where the increase
       happened, and cut to the number of frames of ``S``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], keyword-only, optional
        Audio (float), at least ``n_fft`` samples.
    sr : float, keyword-only
        Sampling rate in Hz.
    S : np.ndarray [shape=(..., bands, frames)], keyword-only, optional
        A ready (log-power) spectrogram to use instead of ``y``.
    n_fft, hop_length : int, keyword-only
        STFT sizes in samples. ``n_fft`` is also used for the centring shift
        when ``S`` is given.
    lag : int > 0, keyword-only
        Frames between the two spectra compared.
    max_size : int > 0, keyword-only
        Width, in bands, of the maximum filter that makes ``ref`` (1: none).
    ref : np.ndarray, keyword-only, optional
        A reference spectrogram shaped like ``S``; overrides ``max_size``.
    detrend : bool, keyword-only
        Remove the slowly varying offset with a first-order high-pass filter
        ``(1 − z⁻¹) / (1 − 0.99 z⁻¹)``.
    center : bool, keyword-only
        Shift for centred STFT frames (see step 4).
    aggregate : callable, keyword-only
        How to combine the bands, called as ``aggregate(flux, axis=-2)``:
        ``np.mean`` (default) or ``np.median``, for instance.
    **mel_kwargs
        ``n_mels``, ``fmin``, ``fmax``, ``htk``, ``norm`` for the mel
        spectrogram (:func:`musiclearn.mel.melspectrogram`).

    Returns
    -------
    np.ndarray [shape=(..., frames)]
        Onset strength per frame, >= 0; frame ``t`` is at ``t * hop_length / sr``
        seconds. All zeros for a silent clip.

    Raises
    ------
    ValueError
        Neither ``y`` nor ``S``, bad ``lag``/``max_size``, ``ref`` of the
        wrong shape, NaN or integer samples.
    musiclearn.errors.AudioError
        A clip shorter than one frame (``n_fft`` samples).

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``. Differences from librosa: a
    clip shorter than ``n_fft`` raises; there are no ``feature`` or
    ``channels`` arguments (the feature is always the mel spectrogram).

    Examples
    --------
    >>> sr = 22050
    >>> y = np.zeros(sr, dtype=np.float32)
    >>> y[sr // 2:] = np.sin(2 * np.pi * 440 * np.arange(sr - sr // 2) / sr)   # a note starts at 0.5 s
    >>> env = onset_strength(y=y, sr=sr)
    >>> env.shape, round(int(env.argmax()) * 512 / sr, 2)
    ((44,), 0.5)
    """
    lag = _validate.positive_int(lag, "lag", unit="frames")
    max_size = _validate.positive_int(max_size, "max_size", unit="bands")
    _validate.flag(detrend, "detrend")
    _validate.flag(center, "center")
    n_fft = _validate.positive_int(n_fft, "n_fft", unit="samples")
    hop_length = _validate.positive_int(hop_length, "hop_length", unit="samples")
    if not callable(aggregate):
        raise ValueError(f"aggregate must be a function such as np.mean or np.median, got {aggregate!r}.")
    if S is None:
        if y is None:
            raise ValueError("onset_strength needs audio y=... or a spectrogram S=....")
        audio = _validate.signal(y, "y", dtype="float", channels_first=True)
        if audio.shape[-1] < n_fft:
            raise AudioError(f"the clip has {audio.shape[-1]} samples, fewer than one frame (n_fft={n_fft}); "
                             "onset_strength needs a longer clip or a smaller n_fft")
        from .mel import melspectrogram
        from .stft import power_to_db

        S = power_to_db(melspectrogram(audio, sr=sr, n_fft=n_fft, hop_length=hop_length, **mel_kwargs))
    else:
        S = _validate.signal(S, "S", what="spectrogram")
        if S.ndim < 2:
            S = S[np.newaxis, :]
    if ref is None:
        if max_size == 1:
            ref = S
        else:
            from scipy.ndimage import maximum_filter1d

            ref = maximum_filter1d(S, max_size, axis=-2)
    else:
        ref = _validate.signal(ref, "ref", what="spectrogram")
        if ref.shape != S.shape:
            raise ValueError(f"ref has shape {ref.shape} but the spectrogram has {S.shape}; they must match.")
    if S.shape[-1] <= lag:
        raise ValueError(f"The spectrogram has {S.shape[-1]} frames, too few for lag={lag}; "
                         "use a longer clip or a smaller lag.")

    flux = np.maximum(0.0, S[..., lag:] - ref[..., :-lag])
    env = np.asarray(aggregate(flux, axis=-2))
    if env.shape != flux.shape[:-2] + flux.shape[-1:]:
        raise ValueError(f"aggregate must reduce the band axis (axis=-2) like np.mean, but it returned "
                         f"shape {env.shape} for a flux of shape {flux.shape}.")
    shift = lag + (n_fft // (2 * hop_length) if center else 0)
    env = np.pad(env, [(0, 0)] * (env.ndim - 1) + [(int(shift), 0)])
    if detrend:
        from scipy.signal import lfilter

        env = lfilter([1.0, -1.0], [1.0, -0.99], env, axis=-1)
    if center:
        env = env[..., : S.shape[-1]]
    return env


# ----------------------------------------------------------------------------- peak picking


def _frames_param(value: object, name: str, *, minimum: int) -> int:
    """A window size in frames: a non-negative number, rounded up (librosa passes e.g. 0.03 * sr // hop)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a number of frames, got {value!r}.")
    frames = int(math.ceil(float(value)))
    if frames < minimum:
        raise ValueError(f"{name} must be at least {minimum} frame{'s' if minimum != 1 else ''}, got {value!r}.")
    return frames


def peak_pick(
    x: ArrayLike,
    *,
    pre_max: float,
    post_max: float,
    pre_avg: float,
    post_avg: float,
    delta: float,
    wait: float,
) -> np.ndarray:
    """Indices of the peaks of ``x`` by the rule of Böck, Krebs & Schedl (2012); equal to ``librosa.util.peak_pick``.

    Frame ``n`` is a peak when

    1. ``x[n] == max(x[n − pre_max : n + post_max])`` (the largest nearby),
    2. ``x[n] >= mean(x[n − pre_avg : n + post_avg]) + delta`` (clearly above
       the local average), and
    3. it comes more than ``wait`` frames after the previous peak (checked
       left to right, greedily).

    Windows are cut at both ends of ``x``. Sizes are in frames and are rounded up.

    Parameters
    ----------
    x : np.ndarray [shape=(n,)]
        The curve, e.g. a normalised onset strength.
    pre_max : float >= 0, keyword-only
    post_max : float >= 1, keyword-only
    pre_avg : float >= 0, keyword-only
    post_avg : float >= 1, keyword-only
    delta : float >= 0, keyword-only
    wait : float >= 0, keyword-only

    Returns
    -------
    np.ndarray [shape=(n_peaks,)], int
        Increasing indices.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``. Böck, Krebs & Schedl (2012),
    "Evaluating the online capabilities of onset detection methods", ISMIR.

    Notes
    -----
    Equal to ``librosa.util.peak_pick`` except for exact ties on flat
    stretches: where a sample equals the mean of its window, rounding decides
    condition 2, and librosa's compiled mean rounds differently from the
    left-to-right float64 sum used here (``tests/test_rhythm.py`` checks
    equality on signals without such ties).

    Examples
    --------
    >>> x = np.array([0, 1, 0, 0, 3, 0, 0, 0.5, 0, 2, 2.5, 0])
    >>> peak_pick(x, pre_max=1, post_max=2, pre_avg=2, post_avg=3, delta=0.5, wait=0)
    array([ 1,  4, 10])
    """
    values = _envelope(x, "x", ndim=1)
    pre_max_ = _frames_param(pre_max, "pre_max", minimum=0)
    post_max_ = _frames_param(post_max, "post_max", minimum=1)
    pre_avg_ = _frames_param(pre_avg, "pre_avg", minimum=0)
    post_avg_ = _frames_param(post_avg, "post_avg", minimum=1)
    wait_ = _frames_param(wait, "wait", minimum=0)
    threshold = _validate.finite_number(delta, "delta", "the margin above the local mean")
    if threshold < 0:
        raise ValueError(f"delta must be >= 0, got {delta!r}.")
    n = values.size
    index = np.arange(n)

    # Condition 1: a sliding maximum over [n - pre_max, n + post_max), padded with -inf.
    padded = np.concatenate([np.full(pre_max_, -np.inf), values, np.full(post_max_, -np.inf)])
    window_max = np.lib.stride_tricks.sliding_window_view(padded, pre_max_ + post_max_)[:n].max(axis=-1)
    # Condition 2: a sliding mean over [n - pre_avg, n + post_avg), cut at both ends. Each window is
    # summed left to right in float64, as librosa's compiled loop does (a running cumulative sum
    # rounds differently): on a flat stretch the mean rounds as librosa's and ties break the same way.
    lo = np.maximum(0, index - pre_avg_)
    hi = np.minimum(n, index + post_avg_)
    window_sum = np.zeros(n)
    for k in range(pre_avg_ + post_avg_):
        inside = lo + k < hi
        window_sum[inside] += values[(lo + k)[inside]]
    window_mean = window_sum / (hi - lo)
    # librosa compares in float32 when x is float32 (its compiled peak picker takes delta as float32).
    margin = np.float32(threshold) if values.dtype == np.float32 else threshold
    candidates = np.flatnonzero((values == window_max) & (values >= (window_mean + margin)))

    peaks = []
    last = -np.inf
    for c in candidates:                    # condition 3, left to right
        if c > last + wait_:
            peaks.append(c)
            last = c
    return np.asarray(peaks, dtype=int)


def onset_backtrack(events: ArrayLike, energy: ArrayLike) -> np.ndarray:
    """Move each onset back to the closest preceding local minimum of ``energy``; as librosa's.

    Useful to cut audio at onsets: the peak of the flux comes a little after
    the note starts; the minimum of the energy before it is where it starts.

    Parameters
    ----------
    events : np.ndarray [shape=(n_events,)], int
        Onset frames (from :func:`onset_detect`).
    energy : np.ndarray [shape=(n_frames,)]
        A curve to find minima in (the onset strength, or an RMS curve).

    Returns
    -------
    np.ndarray [shape=(n_events,)], int
        For each event, the last frame ``<=`` it that is a local minimum of
        ``energy`` (frame 0 counts as one).

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``.

    Examples
    --------
    >>> onset_backtrack(np.array([3, 7]), np.array([5, 4, 1, 2, 6, 3, 0.5, 4, 2]))
    array([2, 6])
    """
    curve = _envelope(energy, "energy", ndim=1)
    ev = np.asarray(events)
    if ev.size and (ev.dtype.kind not in "iu" or ev.min() < 0):
        raise ValueError("events must be non-negative frame indices (integers), e.g. from onset_detect.")
    inner = curve[1:-1]
    minima = 1 + np.flatnonzero((inner <= curve[:-2]) & (inner < curve[2:]))
    minima = np.concatenate([[0], minima])
    return minima[np.searchsorted(minima, ev.astype(int), side="right") - 1]


def onset_detect(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    onset_envelope: np.ndarray | None = None,
    hop_length: int = 512,
    units: str = "frames",
    backtrack: bool = False,
    energy: np.ndarray | None = None,
    normalize: bool = True,
    pre_max: float | None = None,
    post_max: float | None = None,
    pre_avg: float | None = None,
    post_avg: float | None = None,
    delta: float = 0.07,
    wait: float | None = None,
) -> np.ndarray:
    """Onsets: the peaks of the onset strength; equal to ``librosa.onset.onset_detect``.

    The onset strength (:func:`onset_strength`, or ``onset_envelope``) is
    scaled to 0..1 (``normalize``), then :func:`peak_pick` keeps the frames
    that are the maximum of the last 30 ms, at least ``delta`` above the mean
    of the surrounding 100 ms before and after, and more than 30 ms after the
    previous onset. These defaults (librosa's, found by a parameter search)
    are converted to frames as ``floor(seconds * sr / hop_length)``; pass
    ``pre_max`` etc. in frames to change them.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], keyword-only, optional
        Mono audio; used when ``onset_envelope`` is not given.
    sr : float, keyword-only
        Sampling rate in Hz.
    onset_envelope : np.ndarray [shape=(n_frames,)], keyword-only, optional
        A ready onset strength.
    hop_length : int, keyword-only
        Samples between frames.
    units : {"frames", "samples", "time"}, keyword-only
        Return frame indices, sample indices (``frame * hop_length``) or
        seconds (``frame * hop_length / sr``).
    backtrack : bool, keyword-only
        Move each onset back to the preceding minimum of ``energy``
        (:func:`onset_backtrack`; by default of the onset strength).
    energy : np.ndarray, keyword-only, optional
        The curve to backtrack on.
    normalize : bool, keyword-only
        Scale the onset strength to [0, 1] first, so ``delta`` is a fraction
        of its range.
    pre_max, post_max, pre_avg, post_avg, wait : float, keyword-only, optional
        Peak-picking windows in frames (see :func:`peak_pick`); defaults
        ``0.03 s``, ``1 frame``, ``0.10 s``, ``0.10 s + 1 frame``, ``0.03 s``.
    delta : float, keyword-only
        How far above the local mean a peak must be (0.07 of the range).

    Returns
    -------
    np.ndarray [shape=(n_onsets,)]
        Onsets in ``units``: int frames or samples, float seconds. Empty when
        the onset strength is flat (a silent clip has no onsets).

    Raises
    ------
    ValueError
        Neither ``y`` nor ``onset_envelope``, unknown ``units``, bad windows.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``.

    Examples
    --------
    >>> sr = 22050
    >>> y = np.zeros(2 * sr, dtype=np.float32)
    >>> for start in (0.5, 1.0, 1.5):                  # three clicks of noise
    ...     i = int(start * sr)
    ...     y[i:i + 200] = np.random.default_rng(0).standard_normal(200)
    >>> onset_detect(y=y, sr=sr, units="time").round(2)   # within a frame or two (23 ms) after each click
    array([0.51, 1.02, 1.51])
    """
    if units not in UNITS:
        raise ValueError(f"units={units!r} is not one of {', '.join(map(repr, UNITS))}.")
    rate = _validate.sample_rate(sr)
    hop = _validate.positive_int(hop_length, "hop_length", unit="samples")
    _validate.flag(backtrack, "backtrack")
    _validate.flag(normalize, "normalize")
    if onset_envelope is None:
        if y is None:
            raise ValueError("onset_detect needs audio y=... or an onset_envelope=....")
        audio = _validate.signal(y, "y", dtype="float", ndim=1)
        env = onset_strength(y=audio, sr=rate, hop_length=hop)
    else:
        env = _envelope(onset_envelope, ndim=1)
    if normalize:
        env = env - env.min()
        env = env / (env.max() + np.finfo(env.dtype).tiny)
    if not env.any():
        onsets = np.zeros(0, dtype=int)
    else:
        frames_in = lambda seconds: seconds * rate // hop  # noqa: E731  (librosa's rounding)
        onsets = peak_pick(
            env,
            pre_max=frames_in(0.03) if pre_max is None else pre_max,
            post_max=frames_in(0.0) + 1 if post_max is None else post_max,
            pre_avg=frames_in(0.10) if pre_avg is None else pre_avg,
            post_avg=frames_in(0.10) + 1 if post_avg is None else post_avg,
            delta=delta,
            wait=frames_in(0.03) if wait is None else wait,
        )
        if backtrack:
            onsets = onset_backtrack(onsets, env if energy is None else energy)
    if units == "samples":
        return onsets * hop
    if units == "time":
        return onsets * hop / rate
    return onsets


# ----------------------------------------------------------------------------- tempo


def tempo_frequencies(n_bins: int, *, hop_length: int = 512, sr: float = 22050) -> np.ndarray:
    """The tempo, in BPM, of each lag of an onset autocorrelation: ``60 · sr / (hop_length · lag)``.

    Parameters
    ----------
    n_bins : int
        Number of lags (0 … n_bins − 1).
    hop_length : int, keyword-only
        Samples between onset-envelope frames.
    sr : float, keyword-only
        Sampling rate in Hz.

    Returns
    -------
    np.ndarray [shape=(n_bins,)]
        BPM per lag; lag 0 is ``inf``. Equal to ``librosa.tempo_frequencies``.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb`` (exercise ``12.lag_to_bpm``).

    Examples
    --------
    >>> tempo_frequencies(4, hop_length=512, sr=22050).round(1)
    array([   inf, 2584. , 1292. ,  861.3])
    """
    n = _validate.positive_int(n_bins, "n_bins", unit="lags")
    hop = _validate.positive_int(hop_length, "hop_length", unit="samples")
    rate = _validate.sample_rate(sr)
    out = np.empty(n)
    out[0] = np.inf
    out[1:] = 60.0 * rate / (hop * np.arange(1.0, n))
    return out


def tempogram(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    onset_envelope: np.ndarray | None = None,
    hop_length: int = 512,
    win_length: int = 384,
    center: bool = True,
) -> np.ndarray:
    """Local autocorrelation of the onset strength around every frame; equal to ``librosa.feature.tempogram``.

    The onset envelope (padded with ramps down to zero at both ends when
    ``center``) is cut into windows of ``win_length`` frames, one per frame,
    each tapered with a Hann window and autocorrelated (:func:`autocorrelate`);
    each column is divided by its largest value.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], keyword-only, optional
        Mono audio; used when ``onset_envelope`` is not given.
    sr : float, keyword-only
        Sampling rate in Hz.
    onset_envelope : np.ndarray [shape=(n_frames,)], keyword-only, optional
        A ready onset strength.
    hop_length : int, keyword-only
        Samples between onset frames.
    win_length : int, keyword-only
        Frames per autocorrelation window (384 frames = 8.9 s at 22050 Hz, hop 512);
        also the number of lags.
    center : bool, keyword-only
        Centre the windows on the frames.

    Returns
    -------
    np.ndarray [shape=(win_length, n_frames)]
        Row ``k`` is lag ``k`` frames (tempo ``tempo_frequencies(win_length)[k]``);
        columns of silence stay 0.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``.

    Examples
    --------
    >>> env = np.tile([1.0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 40)      # a pulse every 10 frames
    >>> T = tempogram(onset_envelope=env, win_length=64)
    >>> T.shape, int(T[5:, 200].argmax()) + 5
    ((64, 400), 10)
    """
    win = _validate.positive_int(win_length, "win_length", unit="frames")
    _validate.flag(center, "center")
    hop = _validate.positive_int(hop_length, "hop_length", unit="samples")
    if onset_envelope is None:
        if y is None:
            raise ValueError("tempogram needs audio y=... or an onset_envelope=....")
        env = onset_strength(y=_validate.signal(y, "y", dtype="float", ndim=1), sr=sr, hop_length=hop)
    else:
        env = _envelope(onset_envelope, ndim=1)
    n = env.shape[-1]
    if center:
        env = np.pad(env, (win // 2, win // 2), mode="linear_ramp", end_values=(0, 0))
    if env.shape[-1] < win:
        raise ValueError(f"The onset envelope has {env.shape[-1]} frames, fewer than win_length={win}; "
                         "use center=True, a longer clip or a smaller win_length.")
    frames = np.lib.stride_tricks.sliding_window_view(env, win)
    if center:
        frames = frames[:n]
    hann = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(win) / win)   # periodic, as scipy's fftbins=True
    acf = autocorrelate(frames * hann, axis=-1)
    peak = np.abs(acf).max(axis=-1, keepdims=True)
    tiny = np.finfo(acf.dtype).tiny
    return (acf / np.where(peak < tiny, 1.0, peak)).T


def tempo(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    onset_envelope: np.ndarray | None = None,
    hop_length: int = 512,
    start_bpm: float = 120.0,
    std_bpm: float = 1.0,
    ac_size: float = 8.0,
    max_tempo: float | None = 320.0,
) -> float:
    """The tempo of a clip in beats per minute, from the autocorrelation of its onset strength.

    1. :func:`tempogram` with windows of ``ac_size`` seconds, averaged over
       the clip: how much the onset strength resembles itself ``k`` frames
       later, for every lag ``k`` (tempo ``60 · sr / (hop_length · k)`` BPM);
    2. a log-normal *prior*: lag ``k``'s score is
       ``log(1 + 10⁶ · acf[k]) − ½ ((log2 bpm_k − log2 start_bpm) / std_bpm)²``,
       so among the beat's multiples and fractions (which all correlate)
       tempi near ``start_bpm`` win; tempi above ``max_tempo`` are excluded;
    3. the best lag's tempo. Equal to ``librosa.feature.tempo`` (its
       first element) with the same parameters.

    The answer lies on the lag grid: near 120 BPM neighbouring lags are
    2.3 % apart (43 and 44 frames at 22050 Hz with hop 512).

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], keyword-only, optional
        Mono audio; used when ``onset_envelope`` is not given.
    sr : float, keyword-only
        Sampling rate in Hz.
    onset_envelope : np.ndarray [shape=(n_frames,)], keyword-only, optional
        A ready onset strength.
    hop_length : int, keyword-only
        Samples between onset frames.
    start_bpm : float > 0, keyword-only
        Centre of the prior, in BPM.
    std_bpm : float > 0, keyword-only
        Width of the prior, in octaves (1: halving or doubling the tempo
        costs ``½`` in log score).
    ac_size : float > 0, keyword-only
        Autocorrelation window in seconds (longest beat period considered).
    max_tempo : float or None, keyword-only
        Fastest tempo allowed, in BPM.

    Returns
    -------
    float
        The tempo in BPM.

    Raises
    ------
    ValueError
        Neither ``y`` nor ``onset_envelope``, or bad parameters.
    musiclearn.errors.AudioError
        The onset strength is zero everywhere (a silent or perfectly steady
        clip): there is no beat to measure.

    Notes
    -----
    Notebook: ``12_pitch_onsets_tempo.ipynb``. The scored tempo in the
    notebook counts an answer within 4 % of the truth as correct, and
    separately one within 4 % of half, double, a third or three times it.

    Examples
    --------
    >>> sr, bpm = 22050, 100
    >>> y = np.zeros(12 * sr, dtype=np.float32)
    >>> for beat in np.arange(0, 11.5, 60 / bpm):          # a click every 0.6 s
    ...     i = int(beat * sr)
    ...     y[i:i + 100] = 1.0
    >>> round(tempo(y=y, sr=sr), 1)
    99.4
    """
    rate = _validate.sample_rate(sr)
    hop = _validate.positive_int(hop_length, "hop_length", unit="samples")
    for value, name, hint in ((start_bpm, "start_bpm", "in BPM, e.g. 120"), (std_bpm, "std_bpm", "in octaves"),
                              (ac_size, "ac_size", "in seconds")):
        if _validate.finite_number(value, name, hint) <= 0:
            raise ValueError(f"{name} must be a positive number ({hint}), got {value!r}.")
    if max_tempo is not None and _validate.finite_number(max_tempo, "max_tempo", "in BPM") <= 0:
        raise ValueError(f"max_tempo must be None or a positive number of BPM, got {max_tempo!r}.")
    if onset_envelope is None:
        if y is None:
            raise ValueError("tempo needs audio y=... or an onset_envelope=....")
        env = onset_strength(y=_validate.signal(y, "y", dtype="float", ndim=1), sr=rate, hop_length=hop)
    else:
        env = _envelope(onset_envelope, ndim=1)
    if not np.any(env):
        raise AudioError("the onset strength is zero everywhere (a silent or unchanging clip), "
                         "so there is no beat to measure a tempo from")
    win = max(1, int(np.floor(float(ac_size) * rate / hop)))
    mean_acf = tempogram(onset_envelope=env, sr=rate, hop_length=hop, win_length=win).mean(axis=-1)
    bpms = tempo_frequencies(win, hop_length=hop, sr=rate)
    with np.errstate(divide="ignore"):
        log_prior = -0.5 * ((np.log2(bpms) - np.log2(float(start_bpm))) / float(std_bpm)) ** 2
    if max_tempo is not None:
        log_prior[bpms >= float(max_tempo)] = -np.inf
    score = np.log1p(1e6 * mean_acf) + log_prior
    if not np.any(np.isfinite(score)):
        raise ValueError(f"No lag is allowed: ac_size={ac_size} s holds lags only above max_tempo={max_tempo} "
                         "BPM; raise ac_size or max_tempo.")
    return float(bpms[int(np.argmax(score))])
