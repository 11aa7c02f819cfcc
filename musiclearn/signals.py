"""Synthesised test signals, sampling and quantisation.

Notebook: ``01_sound_as_numbers.ipynb`` teaches from this module.

Sound is a pressure wave; a digital recording keeps its value ``sr`` times a
second (the sampling rate, in Hz) and rounds each value to one of ``2**bits``
levels. A sinusoid is described by its frequency (Hz), amplitude and phase
(radians) — the speed of sound belongs to the air, not to the signal. Music is
a sum of many sinusoids.

Everything here returns ``float32`` arrays by default (the dtype audio
libraries use), with samples nominally in ``[-1, 1]``. Random signals take a
``seed`` and draw from a :class:`numpy.random.Generator`, so the same seed
always gives the same noise.

Two things to hear with these functions:

* **Aliasing.** A frequency above the Nyquist frequency ``sr / 2`` cannot be
  represented; after sampling it sounds at :func:`aliased_frequency`. A naive
  square or sawtooth wave has harmonics far above Nyquist that fold back as
  inharmonic tones; the ``band_limited=True`` variants add only the harmonics
  below Nyquist and sound clean.
* **Quantisation noise.** Rounding to ``bits`` bits adds noise; for a
  full-scale sine the signal-to-noise ratio is about ``6.02 * bits + 1.76`` dB
  (:func:`quantization_snr_db`), which :func:`quantize` and :func:`snr_db`
  let you measure.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import _validate

__all__ = [
    "sample_times",
    "tone",
    "chirp",
    "square",
    "sawtooth",
    "noise",
    "adsr",
    "clicks",
    "mix",
    "aliased_frequency",
    "quantize",
    "snr_db",
    "quantization_snr_db",
    "NOISE_COLORS",
]

#: Noise colours and the exponent ``beta`` of their power spectrum ``1 / f**beta``.
NOISE_COLORS = {"white": 0.0, "pink": 1.0, "brown": 2.0, "blue": -1.0, "violet": -2.0}
_COLOR_ALIASES = {"brownian": "brown", "red": "brown", "purple": "violet"}

Seed = int | np.random.Generator | None


# -- argument checks -----------------------------------------------------------------


# The checks every DSP module shares (musiclearn._validate), under short local names.
_real = _validate.finite_number
_rate = _validate.sample_rate
_audio = _validate.signal


def _seconds(value: object, name: str) -> float:
    seconds = _real(value, name, "in seconds")
    if seconds < 0:
        raise ValueError(f"{name} must be zero or more seconds, got {seconds:g}.")
    return seconds


def _frequency(value: object, name: str) -> float:
    freq = _real(value, name, "in Hz")
    if freq < 0:
        raise ValueError(
            f"{name} must be zero or more Hz, got {freq:g}; a negative frequency is the same "
            "tone with its phase flipped, so use the positive value and phase=np.pi."
        )
    return freq


def _n_samples(duration: float, sr: float) -> int:
    return int(round(duration * sr))


def _float_dtype(dtype: DTypeLike) -> np.dtype:
    dt = np.dtype(dtype)
    if not np.issubdtype(dt, np.floating):
        raise ValueError(f"dtype must be a floating-point type such as np.float32, got {dt}.")
    return dt


# -- time axis and periodic signals -------------------------------------------------------


def sample_times(*, sr: float = 22050, duration: float = 1.0) -> np.ndarray:
    """The time of each sample, in seconds.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    sr : float, keyword-only
        Sampling rate in Hz.
    duration : float, keyword-only
        Length in seconds; the signal has ``round(duration * sr)`` samples.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=float64]
        ``t[i] = i / sr``. Kept in float64 so phases stay accurate for long signals.

    Examples
    --------
    >>> sample_times(sr=4, duration=1.0)
    array([0.  , 0.25, 0.5 , 0.75])
    """
    sr = _rate(sr)
    duration = _seconds(duration, "duration")
    return np.arange(_n_samples(duration, sr)) / sr


def tone(
    freq: float,
    *,
    sr: float = 22050,
    duration: float = 1.0,
    amplitude: float = 1.0,
    phase: float = 0.0,
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """A pure tone: ``amplitude * sin(2*pi*freq*t + phase)``.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    freq : float
        Frequency in Hz. Frequencies above the Nyquist frequency ``sr / 2``
        are allowed on purpose: they alias (see :func:`aliased_frequency`).
    sr : float, keyword-only
        Sampling rate in Hz.
    duration : float, keyword-only
        Length in seconds.
    amplitude : float, keyword-only
        Peak value (1.0 is full scale).
    phase : float, keyword-only
        Phase at ``t = 0``, in radians.
    dtype : numpy dtype, keyword-only
        Floating-point type of the result.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=dtype]

    Examples
    --------
    >>> y = tone(440.0, sr=22050, duration=0.5)
    >>> y.shape, y.dtype
    ((11025,), dtype('float32'))
    >>> tone(1.0, sr=4, duration=1.0, phase=np.pi / 2).round(6)
    array([ 1.,  0., -1., -0.], dtype=float32)
    """
    freq = _frequency(freq, "freq")
    amplitude = _real(amplitude, "amplitude", "the peak value")
    phase = _real(phase, "phase", "in radians")
    t = sample_times(sr=sr, duration=duration)
    return (amplitude * np.sin(2 * np.pi * freq * t + phase)).astype(_float_dtype(dtype))


def chirp(
    f0: float,
    f1: float,
    *,
    sr: float = 22050,
    duration: float = 1.0,
    method: str = "linear",
    amplitude: float = 1.0,
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """A sine sweep from ``f0`` Hz at the start to ``f1`` Hz at the end.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    f0, f1 : float
        Start and end frequencies in Hz.
    sr : float, keyword-only
        Sampling rate in Hz.
    duration : float, keyword-only
        Length in seconds (must be positive).
    method : {"linear", "exponential"}, keyword-only
        ``"linear"``: the frequency rises by the same number of Hz every
        second. ``"exponential"``: by the same *ratio* every second, i.e. the
        same number of octaves — a sweep that sounds even to the ear. Both
        frequencies must then be positive.
    amplitude : float, keyword-only
        Peak value.
    dtype : numpy dtype, keyword-only
        Floating-point type of the result.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=dtype]
        ``amplitude * sin(phi(t))`` whose instantaneous frequency
        ``phi'(t) / (2*pi)`` goes from ``f0`` to ``f1``. Equals
        ``scipy.signal.chirp(t, f0, duration, f1, method, phi=-90)``
        (``"exponential"`` is scipy's ``"logarithmic"``).

    Examples
    --------
    >>> y = chirp(100.0, 1000.0, sr=8000, duration=2.0, method="exponential")
    >>> y.shape
    (16000,)
    """
    f0 = _frequency(f0, "f0")
    f1 = _frequency(f1, "f1")
    sr = _rate(sr)
    duration = _seconds(duration, "duration")
    amplitude = _real(amplitude, "amplitude", "the peak value")
    if duration == 0:
        raise ValueError("A chirp needs a positive duration in seconds to sweep over.")
    t = sample_times(sr=sr, duration=duration)
    if method == "linear":
        phi = 2 * np.pi * (f0 * t + 0.5 * (f1 - f0) / duration * t**2)
    elif method == "exponential":
        if f0 <= 0 or f1 <= 0:
            raise ValueError("An exponential chirp needs f0 > 0 and f1 > 0 (it sweeps by ratios); use method='linear' to start at 0 Hz.")
        if f0 == f1:
            phi = 2 * np.pi * f0 * t
        else:
            log_ratio = np.log(f1 / f0)
            phi = 2 * np.pi * f0 * duration / log_ratio * np.expm1(log_ratio * t / duration)
    else:
        raise ValueError(f"method must be 'linear' or 'exponential', got {method!r}.")
    return (amplitude * np.sin(phi)).astype(_float_dtype(dtype))


def _harmonic_sum(
    freq: float, sr: float, duration: float, phase: float, odd_only: bool, n_harmonics: int | None
) -> np.ndarray:
    t = sample_times(sr=sr, duration=duration)
    nyquist = sr / 2
    step = 2 if odd_only else 1
    y = np.zeros_like(t)
    if freq <= 0:
        return y
    k = 1
    count = 0
    while k * freq < nyquist and (n_harmonics is None or count < n_harmonics):
        y += np.sin(k * (2 * np.pi * freq * t + phase)) / k
        k += step
        count += 1
    return y


def _cycles(freq: float, sr: float, duration: float) -> np.ndarray:
    # freq * n / sr rather than freq * (n / sr): exact for whole-number rates,
    # so half-period boundaries are not nudged to the wrong side by rounding.
    return freq * np.arange(_n_samples(duration, sr)) / sr


def _check_n_harmonics(n_harmonics: int | None) -> int | None:
    if n_harmonics is None:
        return None
    if isinstance(n_harmonics, bool) or not isinstance(n_harmonics, numbers.Integral) or n_harmonics < 1:
        raise ValueError(f"n_harmonics must be a positive whole number or None (all below Nyquist), got {n_harmonics!r}.")
    return int(n_harmonics)


def square(
    freq: float,
    *,
    sr: float = 22050,
    duration: float = 1.0,
    amplitude: float = 1.0,
    phase: float = 0.0,
    band_limited: bool = False,
    n_harmonics: int | None = None,
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """A square wave, naive (aliased) or band-limited.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    freq : float
        Fundamental frequency in Hz.
    sr : float, keyword-only
        Sampling rate in Hz.
    duration : float, keyword-only
        Length in seconds.
    amplitude : float, keyword-only
        Level of the two plateaus (``+amplitude`` and ``-amplitude``).
    phase : float, keyword-only
        Phase of the fundamental at ``t = 0``, in radians.
    band_limited : bool, keyword-only
        ``False`` (default): switch between ``±amplitude`` sample by sample.
        The ideal wave has odd harmonics at every multiple of ``freq`` up to
        infinity; those above ``sr / 2`` fold back as audible, inharmonic
        aliases. ``True``: add only the odd harmonics below ``sr / 2``,
        ``(4/pi) * sum_k sin(k*x) / k``; no aliasing, but the Gibbs ripple
        overshoots each jump by about 9 % of its height (peaks near
        ``1.18 * amplitude``).
    n_harmonics : int, keyword-only, optional
        With ``band_limited=True``, keep at most this many (odd) harmonics.
    dtype : numpy dtype, keyword-only
        Floating-point type of the result.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=dtype]

    Examples
    --------
    >>> square(1.0, sr=8, duration=1.0)
    array([ 1.,  1.,  1.,  1., -1., -1., -1., -1.], dtype=float32)
    >>> y = square(3000.0, sr=22050, band_limited=True)  # harmonics 3, 9 kHz only
    """
    freq = _frequency(freq, "freq")
    sr = _rate(sr)
    duration = _seconds(duration, "duration")
    amplitude = _real(amplitude, "amplitude", "the plateau level")
    phase = _real(phase, "phase", "in radians")
    n_harmonics = _check_n_harmonics(n_harmonics)
    if band_limited:
        y = 4 / np.pi * _harmonic_sum(freq, sr, duration, phase, True, n_harmonics)
    else:
        cycles = np.mod(_cycles(freq, sr, duration) + phase / (2 * np.pi), 1.0)
        y = np.where(cycles < 0.5, 1.0, -1.0)
    return (amplitude * y).astype(_float_dtype(dtype))


def sawtooth(
    freq: float,
    *,
    sr: float = 22050,
    duration: float = 1.0,
    amplitude: float = 1.0,
    phase: float = 0.0,
    band_limited: bool = False,
    n_harmonics: int | None = None,
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """A rising sawtooth wave, naive (aliased) or band-limited.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    freq : float
        Fundamental frequency in Hz.
    sr : float, keyword-only
        Sampling rate in Hz.
    duration : float, keyword-only
        Length in seconds.
    amplitude : float, keyword-only
        Peak value; the ramp goes from ``-amplitude`` up to ``+amplitude``.
    phase : float, keyword-only
        Phase of the fundamental at ``t = 0``, in radians (0 starts the ramp
        at its middle, like a sine).
    band_limited : bool, keyword-only
        ``False`` (default): the ideal ramp sampled directly — all harmonics,
        so those above ``sr / 2`` alias. ``True``: the harmonics below
        ``sr / 2`` only, ``-(2/pi) * sum_k sin(k*x + k*pi) / k``.
    n_harmonics : int, keyword-only, optional
        With ``band_limited=True``, keep at most this many harmonics.
    dtype : numpy dtype, keyword-only
        Floating-point type of the result.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=dtype]

    Examples
    --------
    >>> sawtooth(1.0, sr=4, duration=1.0)
    array([ 0. ,  0.5, -1. , -0.5], dtype=float32)
    """
    freq = _frequency(freq, "freq")
    sr = _rate(sr)
    duration = _seconds(duration, "duration")
    amplitude = _real(amplitude, "amplitude", "the peak value")
    phase = _real(phase, "phase", "in radians")
    n_harmonics = _check_n_harmonics(n_harmonics)
    # Shifting by half a cycle puts the zero crossing of the ramp at t = 0,
    # so phase=0 means the same as for tone() and square().
    if band_limited:
        y = -2 / np.pi * _harmonic_sum(freq, sr, duration, phase + np.pi, False, n_harmonics)
    else:
        cycles = np.mod(_cycles(freq, sr, duration) + phase / (2 * np.pi) + 0.5, 1.0)
        y = 2 * cycles - 1
    return (amplitude * y).astype(_float_dtype(dtype))


# -- noise, envelopes, events -------------------------------------------------------------


def noise(
    *,
    sr: float = 22050,
    duration: float = 1.0,
    color: str = "white",
    seed: Seed = None,
    amplitude: float = 1.0,
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """Gaussian noise with a coloured power spectrum.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    sr : float, keyword-only
        Sampling rate in Hz.
    duration : float, keyword-only
        Length in seconds.
    color : str, keyword-only
        Shape of the power spectrum ``P(f) ~ 1 / f**beta``: ``"white"``
        (beta 0, flat), ``"pink"`` (1, -3 dB per octave, equal power per
        octave), ``"brown"`` (2, -6 dB per octave; aliases ``"brownian"``,
        ``"red"``), ``"blue"`` (-1) or ``"violet"`` (-2).
    seed : int or numpy.random.Generator, keyword-only, optional
        Same seed, same noise. ``None`` draws fresh randomness.
    amplitude : float, keyword-only
        Peak absolute value of the result (the noise is scaled to it, so it
        plays without clipping).
    dtype : numpy dtype, keyword-only
        Floating-point type of the result.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=dtype]
        Zero-mean noise. Coloured noise is made by scaling the spectrum of
        white Gaussian noise by ``f**(-beta/2)`` (the 0 Hz bin is set to 0).

    Examples
    --------
    >>> a = noise(sr=8000, duration=0.5, color="pink", seed=1)
    >>> b = noise(sr=8000, duration=0.5, color="pink", seed=1)
    >>> bool(np.array_equal(a, b)), float(np.abs(a).max())
    (True, 1.0)
    """
    sr = _rate(sr)
    duration = _seconds(duration, "duration")
    amplitude = _real(amplitude, "amplitude", "the peak value")
    if not isinstance(color, str):
        raise ValueError(f"color must be one of {', '.join(NOISE_COLORS)}, got {color!r}.")
    key = _COLOR_ALIASES.get(color.lower(), color.lower())
    if key not in NOISE_COLORS:
        raise ValueError(f"Unknown noise color {color!r}; choose one of {', '.join(NOISE_COLORS)}.")
    if not (seed is None or isinstance(seed, np.random.Generator) or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0)):
        raise ValueError(f"seed must be a non-negative int, a numpy Generator or None, got {seed!r}.")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    n = _n_samples(duration, sr)
    dt = _float_dtype(dtype)
    if n == 0:
        return np.zeros(0, dtype=dt)
    y = rng.standard_normal(n)
    beta = NOISE_COLORS[key]
    if beta != 0.0:
        spectrum = np.fft.rfft(y)
        freqs = np.fft.rfftfreq(n, d=1.0 / sr)
        gain = np.zeros_like(freqs)
        gain[1:] = freqs[1:] ** (-beta / 2)
        y = np.fft.irfft(spectrum * gain, n=n)
    y -= y.mean()
    peak = np.abs(y).max()
    if peak > 0:
        y *= amplitude / peak
    return y.astype(dt)


def adsr(
    *,
    attack: float = 0.01,
    decay: float = 0.1,
    sustain: float = 0.7,
    release: float = 0.2,
    sr: float = 22050,
    duration: float = 1.0,
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """An attack–decay–sustain–release amplitude envelope (piecewise linear).

    Notebook: ``01_sound_as_numbers.ipynb``.

    Multiply a signal by it to shape a note: ``tone(440) * adsr()``.

    Parameters
    ----------
    attack : float, keyword-only
        Seconds to rise from 0 to 1.
    decay : float, keyword-only
        Seconds to fall from 1 to the sustain level.
    sustain : float, keyword-only
        Level held while the note is on, between 0 and 1 (not a time).
    release : float, keyword-only
        Seconds to fall from the sustain level to 0 at the end.
    sr : float, keyword-only
        Sampling rate in Hz.
    duration : float, keyword-only
        Total length in seconds; the sustain lasts
        ``duration - attack - decay - release`` seconds.
    dtype : numpy dtype, keyword-only
        Floating-point type of the result.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=dtype]
        The envelope, values in ``[0, 1]``, evaluated at the sample times.

    Examples
    --------
    >>> adsr(attack=0.25, decay=0.25, sustain=0.5, release=0.25, sr=8, duration=1.0)
    array([0.  , 0.5 , 1.  , 0.75, 0.5 , 0.5 , 0.5 , 0.25], dtype=float32)
    """
    attack = _seconds(attack, "attack")
    decay = _seconds(decay, "decay")
    release = _seconds(release, "release")
    sustain = _real(sustain, "sustain", "a level between 0 and 1")
    if not 0.0 <= sustain <= 1.0:
        raise ValueError(f"sustain is a level between 0 and 1 (not a time), got {sustain:g}.")
    sr = _rate(sr)
    duration = _seconds(duration, "duration")
    if attack + decay + release > duration + 1e-12:
        raise ValueError(
            f"attack + decay + release = {attack + decay + release:g} s is longer than duration = {duration:g} s; "
            "make the note longer or the segments shorter."
        )
    t = sample_times(sr=sr, duration=duration)
    env = np.full_like(t, sustain)
    release_start = duration - release
    in_attack = t < attack
    in_decay = (t >= attack) & (t < attack + decay)
    in_release = t >= release_start
    if attack > 0:
        env[in_attack] = t[in_attack] / attack
    if decay > 0:
        env[in_decay] = 1.0 - (1.0 - sustain) * (t[in_decay] - attack) / decay
    if release > 0:
        env[in_release] = sustain * (duration - t[in_release]) / release
    return np.clip(env, 0.0, 1.0).astype(_float_dtype(dtype))


def clicks(
    times: ArrayLike,
    *,
    sr: float = 22050,
    duration: float | None = None,
    click_freq: float = 1000.0,
    click_duration: float = 0.1,
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """Short audible clicks at the given times (to hear beats or onsets).

    Notebook: ``01_sound_as_numbers.ipynb``.

    Each click is a sine at ``click_freq`` Hz whose amplitude decays
    exponentially over ``click_duration`` seconds.

    Parameters
    ----------
    times : array_like of float
        Click start times in seconds (zero or more).
    sr : float, keyword-only
        Sampling rate in Hz.
    duration : float, keyword-only, optional
        Length of the result in seconds; clicks starting after it are
        dropped and a click running past it is cut. Default: until the last
        click has finished.
    click_freq : float, keyword-only
        Pitch of a click in Hz.
    click_duration : float, keyword-only
        Length of one click in seconds.
    dtype : numpy dtype, keyword-only
        Floating-point type of the result.

    Returns
    -------
    np.ndarray [shape=(n,), dtype=dtype]
        Clicks that overlap add up.

    Examples
    --------
    >>> y = clicks([0.0, 0.5], sr=8000, duration=1.0)
    >>> y.shape
    (8000,)
    """
    sr = _rate(sr)
    click_freq = _frequency(click_freq, "click_freq")
    click_duration = _seconds(click_duration, "click_duration")
    times = np.atleast_1d(np.asarray(times, dtype=float))
    if times.ndim != 1:
        raise ValueError("times must be a flat list of click times in seconds.")
    if not np.all(np.isfinite(times)) or np.any(times < 0):
        raise ValueError("times must be finite, non-negative times in seconds.")
    click_len = max(1, _n_samples(click_duration, sr))
    tc = np.arange(click_len) / sr
    # exp(-5) at the end of the click: about -43 dB, effectively silent.
    click = np.sin(2 * np.pi * click_freq * tc) * np.exp(-5.0 * tc / max(click_duration, 1.0 / sr))
    starts = np.rint(times * sr).astype(np.int64)
    if duration is None:
        n = int(starts.max()) + click_len if starts.size else 0
    else:
        n = _n_samples(_seconds(duration, "duration"), sr)
    y = np.zeros(n)
    for start in starts:
        if start >= n:
            continue
        stop = min(n, start + click_len)
        y[start:stop] += click[: stop - start]
    return y.astype(_float_dtype(dtype))


def mix(*signals: ArrayLike, gains: ArrayLike | None = None, normalize: bool = False) -> np.ndarray:
    """Add signals sample by sample; shorter ones are padded with silence at the end.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    *signals : np.ndarray [shape=(n_i,)]
        One or more mono signals (they may differ in length).
    gains : array_like of float, keyword-only, optional
        One multiplier per signal (default: all 1).
    normalize : bool, keyword-only
        If ``True``, scale the sum so its peak absolute value is 1 (a mix of
        full-scale signals otherwise exceeds 1 and clips when played or saved).

    Returns
    -------
    np.ndarray [shape=(max n_i,)]
        float32 unless any input is float64, then float64.

    Examples
    --------
    >>> mix(np.array([0.5, 0.5], dtype=np.float32), np.array([0.25], dtype=np.float32))
    array([0.75, 0.5 ], dtype=float32)
    """
    if not signals:
        raise ValueError("mix needs at least one signal, e.g. mix(tone(440), tone(660)).")
    arrays = [_audio(s, f"signal {i}") for i, s in enumerate(signals)]
    for i, a in enumerate(arrays):
        if a.ndim != 1:
            raise ValueError(f"signal {i} has shape {a.shape}; mix takes 1-D (mono) signals.")
    if gains is None:
        gain_values = np.ones(len(arrays))
    else:
        gain_values = np.asarray(gains, dtype=float).reshape(-1)
        if gain_values.size != len(arrays) or not np.all(np.isfinite(gain_values)):
            raise ValueError(f"gains must hold one finite number per signal ({len(arrays)}), got {gains!r}.")
    out_dtype = np.float64 if any(a.dtype == np.float64 for a in arrays) else np.float32
    out = np.zeros(max(a.size for a in arrays))
    for a, g in zip(arrays, gain_values):
        out[: a.size] += g * a
    if normalize:
        peak = np.abs(out).max() if out.size else 0.0
        if peak > 0:
            out /= peak
    return out.astype(out_dtype)


# -- sampling and quantisation ------------------------------------------------------------


def aliased_frequency(f: float | ArrayLike, *, sr: float) -> float | np.ndarray:
    """The frequency you hear after sampling a sinusoid of ``f`` Hz at ``sr`` Hz.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Sampling cannot tell ``f`` from ``f + k*sr`` or from ``-f``, so every
    frequency folds into ``[0, sr/2]``: the distance from ``f`` to the nearest
    multiple of ``sr``.

    Parameters
    ----------
    f : float or np.ndarray
        Frequency in Hz.
    sr : float, keyword-only
        Sampling rate in Hz.

    Returns
    -------
    float or np.ndarray
        Apparent frequency in Hz, between 0 and the Nyquist frequency ``sr / 2``.

    Examples
    --------
    >>> aliased_frequency(1000.0, sr=8000)   # below Nyquist: unchanged
    1000.0
    >>> aliased_frequency(7000.0, sr=8000)   # folds back
    1000.0
    >>> aliased_frequency([9000.0, 12000.0], sr=8000)
    array([1000., 4000.])
    """
    sr = _rate(sr)
    freqs = np.asarray(f, dtype=float)
    if not np.all(np.isfinite(freqs)):
        raise ValueError("f contains NaN or infinite values; give frequencies in Hz.")
    folded = np.mod(np.abs(freqs), sr)
    folded = np.minimum(folded, sr - folded)
    return float(folded) if folded.ndim == 0 else folded


def _bits(bits: object) -> int:
    if isinstance(bits, bool) or not isinstance(bits, numbers.Integral):
        raise ValueError(f"bits must be a whole number such as 8 or 16, got {bits!r}.")
    if bits < 1:
        raise ValueError(f"bits must be at least 1 (2 levels), got {bits}.")
    if bits > 52:
        raise ValueError(f"bits={bits} is finer than float64 can represent; use at most 52.")
    return int(bits)


def _generator(seed: Seed) -> np.random.Generator:
    if not (seed is None or isinstance(seed, np.random.Generator)
            or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0)):
        raise ValueError(f"seed must be a non-negative int, a numpy Generator or None, got {seed!r}.")
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def quantize(
    y: ArrayLike, *, bits: int, mode: str = "mid-tread", dither: str | None = None, seed: Seed = None
) -> np.ndarray:
    """Round samples to the levels of a ``bits``-bit converter (full scale ±1), optionally dithered.

    The step is ``delta = 2 / 2**bits``; there are ``2**bits`` levels and
    values outside the range are clipped to the end levels.

    * ``"mid-tread"`` (default; what PCM audio does): levels are
      ``k * delta`` for integers ``k`` from ``-2**(bits-1)`` to
      ``2**(bits-1) - 1``. Zero is a level, so silence stays silent, and the
      range is one step short of +1 (16-bit audio tops out at 32767/32768).
    * ``"mid-rise"``: levels are ``(k + 1/2) * delta``, symmetric around 0
      from ``-1 + delta/2`` to ``1 - delta/2``; zero is a decision boundary,
      so tiny signals toggle between ``±delta/2``.

    Without dither the error ``quantize(y) - y`` is a fixed function of the
    signal: on a quiet tone it is distortion (odd harmonics), and a tone
    quieter than half a step rounds to silence. ``dither="tpdf"`` adds
    triangular noise ``d = (u1 + u2) * delta`` before rounding, where ``u1``
    and ``u2`` are independent and uniform on ``[-1/2, 1/2)`` (two successive
    ``rng.uniform(-0.5, 0.5, y.shape)`` draws from
    ``np.random.default_rng(seed)``). The mean and the power of the total
    error then no longer depend on the signal: it is a steady, white hiss of
    power ``delta**2 / 4``, three times (4.8 dB more than) the ``delta**2 / 12``
    of rounding alone, and the error stays within ``±1.5 * delta`` (Lipshitz,
    Wannamaker & Vanderkooy, "Quantization and Dither: A Theoretical Survey",
    J. Audio Eng. Soc. 40(5), 1992).

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    y : np.ndarray
        Signal, nominally in ``[-1, 1]``.
    bits : int, keyword-only
        Bit depth, at least 1.
    mode : {"mid-tread", "mid-rise"}, keyword-only
        Where the levels sit (see above).
    dither : {None, "tpdf"}, keyword-only
        ``None`` rounds the samples as they are; ``"tpdf"`` adds triangular
        (TPDF) dither of ±1 step peak first (see above).
    seed : int or numpy.random.Generator, keyword-only, optional
        Randomness of the dither: the same seed gives the same result.
        ``None`` draws fresh randomness. Ignored without dither.

    Returns
    -------
    np.ndarray
        The quantised values (as floats), same shape as ``y``; float32 and
        float64 inputs keep their dtype, other inputs become float64.

    Examples
    --------
    >>> quantize(np.array([0.1, 0.3, -0.6, 0.99]), bits=2)
    array([ 0. ,  0.5, -0.5,  0.5])
    >>> quantize(np.array([0.1, 0.3, -0.6, 0.99]), bits=2, mode="mid-rise")
    array([ 0.25,  0.25, -0.75,  0.75])
    >>> quiet = 0.003 * np.sin(2 * np.pi * np.arange(16000) / 80)  # less than half an 8-bit step
    >>> bool(quantize(quiet, bits=8).any())                          # rounds to silence
    False
    >>> dithered = quantize(quiet, bits=8, dither="tpdf", seed=0)
    >>> bool(np.abs(dithered - quiet).max() <= 1.5 * 2 / 2**8)       # within 1.5 steps
    True
    >>> round(float(dithered @ quiet / (quiet @ quiet)), 1)          # the tone survives, on average
    1.0
    """
    y = _audio(y, "y")
    bits = _bits(bits)
    if dither not in (None, "tpdf"):
        raise ValueError(f"dither must be None (plain rounding) or 'tpdf' (triangular dither), got {dither!r}.")
    out_dtype = y.dtype if y.dtype in (np.float32, np.float64) else np.float64
    x = y.astype(np.float64)
    levels = 2.0**bits
    delta = 2.0 / levels
    lowest, highest = -levels / 2, levels / 2 - 1
    if dither == "tpdf":
        rng = _generator(seed)
        # Two independent uniform draws sum to a triangle: one would leave the noise power signal-dependent.
        x = x + (rng.uniform(-0.5, 0.5, x.shape) + rng.uniform(-0.5, 0.5, x.shape)) * delta
    if mode == "mid-tread":
        codes = np.clip(np.rint(x / delta), lowest, highest)
        q = codes * delta
    elif mode == "mid-rise":
        codes = np.clip(np.floor(x / delta), lowest, highest)
        q = (codes + 0.5) * delta
    else:
        raise ValueError(f"mode must be 'mid-tread' or 'mid-rise', got {mode!r}.")
    return q.astype(out_dtype)


def snr_db(clean: ArrayLike, noisy: ArrayLike) -> float:
    """Signal-to-noise ratio of ``noisy`` against the ``clean`` reference, in dB.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    clean : np.ndarray
        The reference signal.
    noisy : np.ndarray
        The same signal with noise added (same shape); the noise is
        ``noisy - clean``.

    Returns
    -------
    float
        ``10 * log10(sum(clean**2) / sum((noisy - clean)**2))``; ``inf`` when
        the two are identical.

    Examples
    --------
    >>> clean = np.array([1.0, -1.0, 1.0, -1.0])
    >>> round(snr_db(clean, clean + 0.1), 6)
    20.0
    """
    clean = _audio(clean, "clean").astype(np.float64)
    noisy = _audio(noisy, "noisy").astype(np.float64)
    if clean.shape != noisy.shape:
        raise ValueError(f"clean has shape {clean.shape} but noisy has {noisy.shape}; compare signals of the same length.")
    signal_power = np.sum(clean**2)
    noise_power = np.sum((noisy - clean) ** 2)
    if signal_power == 0:
        raise ValueError("The clean signal is silent (all zeros), so a signal-to-noise ratio is undefined.")
    if noise_power == 0:
        return float("inf")
    return float(10.0 * np.log10(signal_power / noise_power))


def quantization_snr_db(bits: int) -> float:
    """Theoretical SNR of a full-scale sine quantised to ``bits`` bits, in dB.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Quantisation error is roughly uniform over one step ``delta``, power
    ``delta**2 / 12``; a full-scale sine has power ``1/2``. Their ratio gives
    ``20*log10(2) * bits + 10*log10(3/2)``, the familiar
    ``6.02 * bits + 1.76`` dB used here (each extra bit buys about 6 dB).

    Parameters
    ----------
    bits : int
        Bit depth, at least 1.

    Returns
    -------
    float
        ``6.02 * bits + 1.76`` in dB (16 bits: 98.08 dB).

    Examples
    --------
    >>> round(quantization_snr_db(16), 2)
    98.08
    """
    return 6.02 * _bits(bits) + 1.76
