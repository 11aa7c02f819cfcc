"""Exercises for notebook ``05_mel_scale.ipynb``: the HTK formula, a listening test, mel corners, one triangle.

Importing this module registers the exercises ``05.hz_to_mel_htk``,
``05.higher_tone``, ``05.mel_points`` and ``05.triangle`` with
:mod:`musiclearn.exercises`. :func:`tone_pair` builds the sound of the
listening exercise, so that the notebook plays what the check expects.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._engine import Case, Mistake, exercise
from ._compare import as_array as _array
from ._compare import same as _same


def _htk(f: Any) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=float) / 700.0)


def _htk_inverse(m: Any) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(m, dtype=float) / 2595.0) - 1.0)


# ----------------------------------------------------------------------------- 05.hz_to_mel_htk


def _natural_log(got: Any, expected: Any, case: Case | None) -> str | None:
    (f,) = case.args
    if _same(got, 2595.0 * np.log(1.0 + np.asarray(f, dtype=float) / 700.0)):
        return ("Too large by a factor of ln(10) ≈ 2.303: 2595 goes with the base-10 logarithm "
                "(np.log10); with the natural logarithm np.log the constant is 1127")
    return None


def _log10_with_1127(got: Any, expected: Any, case: Case | None) -> str | None:
    (f,) = case.args
    if _same(got, 1127.0 * np.log10(1.0 + np.asarray(f, dtype=float) / 700.0)):
        return ("Too small by a factor of ln(10) ≈ 2.303: 1127 goes with the natural logarithm "
                "(np.log); with np.log10 the constant is 2595")
    return None


def _seed_formula(got: Any, expected: Any, case: Case | None) -> str | None:
    (f,) = case.args
    f = np.asarray(f, dtype=float)
    for candidate in (1127.0 * np.log(1.0 + f / 100.0), 2595.0 * np.log10(1.0 + f / 100.0)):
        if _same(got, candidate):
            return ("You divided f by 100, as the seed article's garbled formula '1127·log(1 + f100)' "
                    "suggests; the HTK mel scale divides by 700 Hz")
    return None


def _slaney(got: Any, expected: Any, case: Case | None) -> str | None:
    (f,) = case.args
    f = np.atleast_1d(np.asarray(f, dtype=float))
    slaney = np.where(f < 1000.0, f * 3.0 / 200.0,
                      15.0 + np.log(np.maximum(f, 1e-9) / 1000.0) / (math.log(6.4) / 27.0))
    if _same(np.atleast_1d(np.asarray(got, dtype=float)), slaney):
        return ("That is Slaney's mel scale (librosa's default, 15 mels at 1 kHz); this exercise "
                "asks for the HTK formula, which gives about 1000 mels at 1000 Hz")
    return None


@exercise(
    "05.hz_to_mel_htk",
    prompt="""
        Write `hz_to_mel_htk(f)` that converts a frequency in Hz (a number or a NumPy array)
        to mels with the HTK formula

            m = 2595 · log10(1 + f / 700)

        Check: 0 Hz is 0 mel, 1000 Hz is about 1000 mels.
    """,
    inputs=[(0.0,), (700.0,), (1000.0,), (4000.0,), (np.array([100.0, 440.0, 8000.0]),)],
    arg_names=("f",),
    diagnostics=[_natural_log, _log10_with_1127, _seed_formula, _slaney],
    mistakes=[
        Mistake(lambda f: 2595 * np.log(1 + f / 700), says="natural logarithm"),
        Mistake(lambda f: 1127 * np.log10(1 + f / 700), says="1127 goes with the natural logarithm"),
        Mistake(lambda f: 1127 * np.log(1 + f / 100), says="divides by 700"),
        Mistake(lambda f: np.where(np.asarray(f) < 1000, np.asarray(f) * 3 / 200,
                                   15 + np.log(np.maximum(f, 1e-9) / 1000) / (np.log(6.4) / 27)),
                says="Slaney"),
    ],
    hints=[
        "It is one line; NumPy's base-10 logarithm is np.log10 (it works on arrays too).",
        "return 2595 * np.log10(1 + f / 700)",
    ],
)
def hz_to_mel_htk(f):
    return 2595 * np.log10(1 + f / 700)


# ----------------------------------------------------------------------------- 05.mel_points


def _only_n_mels(got: Any, expected: Any, case: Case | None) -> str | None:
    n_mels = case.args[0]
    have = _array(got)
    if have is not None and have.ndim == 1 and len(have) == n_mels:
        return (f"You returned {n_mels} points; {n_mels} triangles need n_mels + 2 = {n_mels + 2} "
                "corner frequencies (triangle i uses corners i, i+1 and i+2: neighbours share corners)")
    return None


def _linear_in_hz(got: Any, expected: Any, case: Case | None) -> str | None:
    n_mels, fmin, fmax = case.args
    if _same(got, np.linspace(fmin, fmax, n_mels + 2)):
        return ("Your points are equally spaced in Hz; space them equally in mels (np.linspace "
                "between hz_to_mel(fmin) and hz_to_mel(fmax)), then convert back to Hz")
    return None


def _still_in_mels(got: Any, expected: Any, case: Case | None) -> str | None:
    n_mels, fmin, fmax = case.args
    if _same(got, np.linspace(_htk(fmin), _htk(fmax), n_mels + 2)):
        return ("These are mels, not Hz: convert the equally spaced mel values back to Hz with "
                "f = 700 · (10^(m / 2595) − 1)")
    return None


@exercise(
    "05.mel_points",
    prompt="""
        A bank of n_mels triangular filters needs n_mels + 2 corner frequencies, equally
        spaced on the mel scale from fmin to fmax. Write `mel_points(n_mels, fmin, fmax)`
        returning those n_mels + 2 frequencies in Hz (a NumPy array, increasing, first = fmin,
        last = fmax), using the HTK mel formula m = 2595 · log10(1 + f / 700) and its
        inverse f = 700 · (10^(m / 2595) − 1).
    """,
    inputs=[(10, 0.0, 8000.0), (3, 300.0, 3400.0), (40, 20.0, 11025.0)],
    arg_names=("n_mels", "fmin", "fmax"),
    diagnostics=[_only_n_mels, _linear_in_hz, _still_in_mels],
    mistakes=[
        Mistake(lambda n, fmin, fmax: _htk_inverse(np.linspace(_htk(fmin), _htk(fmax), n)), says="n_mels + 2"),
        Mistake(lambda n, fmin, fmax: np.linspace(fmin, fmax, n + 2), says="equally spaced in Hz"),
        Mistake(lambda n, fmin, fmax: np.linspace(_htk(fmin), _htk(fmax), n + 2), says="mels, not Hz"),
    ],
    hints=[
        "Convert fmin and fmax to mels first.",
        "np.linspace(m_min, m_max, n_mels + 2) gives equally spaced mels.",
        "Convert them back: 700 * (10 ** (m / 2595) - 1).",
    ],
)
def mel_points(n_mels, fmin, fmax):
    m_min = 2595 * np.log10(1 + fmin / 700)
    m_max = 2595 * np.log10(1 + fmax / 700)
    m = np.linspace(m_min, m_max, n_mels + 2)  # equally spaced in mels
    return 700 * (10 ** (m / 2595) - 1)  # back to Hz


# ----------------------------------------------------------------------------- 05.triangle


def _negative(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    if have is not None and have.shape == np.shape(expected) and np.any(have < -1e-9):
        return (f"Your filter has negative weights (down to {have.min():.3g}) outside the triangle: "
                "the two slopes keep going below zero; clip them with np.maximum(0, ...)")
    return None


def _peak_in_the_middle(got: Any, expected: Any, case: Case | None) -> str | None:
    freqs, lower, center, upper = case.args
    mid = (lower + upper) / 2
    symmetric = np.maximum(0.0, 1.0 - np.abs(np.asarray(freqs, dtype=float) - mid) / ((upper - lower) / 2))
    if _same(got, symmetric):
        return (f"Your triangle peaks halfway between lower and upper ({mid:g} Hz); it must peak at "
                f"`center` ({center:g} Hz). On a mel scale the centre is not the midpoint in Hz, so "
                "the rising and falling slopes differ")
    return None


def _rectangle(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    if have is None or have.shape != np.shape(expected):
        return None
    values = np.unique(np.round(have, 9))
    if values.size <= 2 and set(values.tolist()) <= {0.0, 1.0}:
        return ("Your filter is a rectangle (only 0s and 1s); a triangle rises linearly from 0 at "
                "`lower` to 1 at `center`, then falls linearly to 0 at `upper`")
    return None


@exercise(
    "05.triangle",
    prompt="""
        Write `triangle(freqs, lower, center, upper)` that evaluates one triangular filter at
        the frequencies `freqs` (a NumPy array, in Hz): the weight is 0 at and below `lower`,
        rises linearly to 1 at `center`, falls linearly to 0 at `upper`, and is 0 above it.
        Return an array of weights shaped like `freqs`.
    """,
    inputs=[
        (np.linspace(0.0, 4000.0, 81), 500.0, 1000.0, 2000.0),
        (np.arange(0.0, 400.0, 10.0), 100.0, 150.0, 250.0),
        (np.fft.rfftfreq(512, 1 / 16000), 1234.5, 1500.0, 1822.0),
    ],
    arg_names=("freqs", "lower", "center", "upper"),
    diagnostics=[_negative, _rectangle, _peak_in_the_middle],
    mistakes=[
        Mistake(lambda f, lo, c, hi: np.minimum((f - lo) / (c - lo), (hi - f) / (hi - c)), says="negative"),
        Mistake(lambda f, lo, c, hi: ((f > lo) & (f < hi)).astype(float), says="rectangle"),
        Mistake(lambda f, lo, c, hi: np.maximum(0, 1 - np.abs(f - (lo + hi) / 2) / ((hi - lo) / 2)),
                says="peak at `center`"),
    ],
    hints=[
        "The rising slope is (freqs - lower) / (center - lower): 0 at lower, 1 at center.",
        "The falling slope is (upper - freqs) / (upper - center): 1 at center, 0 at upper.",
        "The triangle is the smaller of the two slopes, and never below 0: "
        "np.maximum(0, np.minimum(rising, falling)).",
    ],
)
def triangle(freqs, lower, center, upper):
    rising = (freqs - lower) / (center - lower)
    falling = (upper - freqs) / (upper - center)
    return np.maximum(0, np.minimum(rising, falling))


# ----------------------------------------------------------------------------- 05.higher_tone

#: The two frequencies of the listening exercise, in Hz: 50 Hz (about 77 cents) apart near 1 kHz.
PAIR_HZ = (1100.0, 1150.0)
#: Seed that fixes the order in which :func:`tone_pair` plays them (the notebook and the check agree).
PAIR_SEED = 2


def _pair_order(seed: int) -> tuple[float, float]:
    low, high = PAIR_HZ
    return (high, low) if np.random.default_rng(seed).random() < 0.5 else (low, high)


def tone_pair(*, sr: float = 22050, seconds: float = 0.5, gap: float = 0.4,
              seed: int = PAIR_SEED) -> tuple[np.ndarray, tuple[float, float]]:
    """The listening exercise ``05.higher_tone``: 1100 Hz and 1150 Hz, one after the other.

    The order is fixed by ``seed``, so every run of the notebook plays the
    same pair and :func:`~musiclearn.exercises.check` knows the answer.

    Parameters
    ----------
    sr : float, keyword-only
        Sampling rate in Hz.
    seconds : float, keyword-only
        Length of each tone in seconds.
    gap : float, keyword-only
        Silence between the tones in seconds.
    seed : int, keyword-only
        Decides the order of the two tones.

    Returns
    -------
    audio : np.ndarray, float32
        Tone, silence, tone; peak 0.3, with 20 ms raised-cosine fades (no clicks).
    freqs : tuple of float
        The two frequencies in Hz, in the order they are played.

    Notes
    -----
    Notebook: ``05_mel_scale.ipynb`` (the myth check about 1100 Hz vs 1150 Hz).

    Examples
    --------
    >>> from musiclearn.exercises.nb05 import tone_pair
    >>> audio, freqs = tone_pair(sr=8000)
    >>> audio.shape, sorted(freqs)
    ((11200,), [1100.0, 1150.0])
    """
    if isinstance(sr, bool) or not isinstance(sr, (int, float, np.integer, np.floating)) or not sr > 2 * max(PAIR_HZ):
        raise ValueError(f"sr must be a sampling rate in Hz above {2 * max(PAIR_HZ):g} (twice the higher tone), "
                         f"got {sr!r}.")
    if not seconds >= 0.05 or not gap >= 0:
        raise ValueError(f"seconds must be at least 0.05 and gap at least 0 (both in seconds), got {seconds!r} "
                         f"and {gap!r}.")
    n = int(round(seconds * sr))
    t = np.arange(n) / sr
    n_fade = int(round(0.02 * sr))
    fade = 0.5 - 0.5 * np.cos(np.pi * np.arange(n_fade) / n_fade)   # raised cosine, 0 -> 1
    envelope = np.ones(n)
    envelope[:n_fade], envelope[n - n_fade:] = fade, fade[::-1]
    freqs = _pair_order(seed)
    first, second = (0.3 * envelope * np.sin(2 * np.pi * f * t) for f in freqs)
    audio = np.concatenate([first, np.zeros(int(round(gap * sr))), second]).astype(np.float32)
    return audio, freqs


_ANSWERS = ("first", "second")
_RIGHT = "first" if _pair_order(PAIR_SEED)[0] > _pair_order(PAIR_SEED)[1] else "second"
_WRONG = "second" if _RIGHT == "first" else "first"


def _not_first_or_second(got: Any, expected: Any, case: Case | None) -> str | None:
    if isinstance(got, str) and got.strip().lower() in _ANSWERS:
        return None
    if isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, bool):
        return (f"You answered with a number ({got!r}); the question is *which* of the two tones is "
                'higher: answer with the word "first" or "second", as a string in quotes')
    return (f'Answer with one word, "first" or "second" (a string in quotes), not {got!r}: say which '
            "tone of the pair sounds higher")


def _the_other_one(got: Any, expected: Any, case: Case | None) -> str | None:
    if isinstance(got, str) and got.strip().lower() in _ANSWERS and got.strip().lower() != expected:
        return ("Not this time: the other tone is the higher one. The step is 50 Hz, about 77 cents (3/4 of "
                "a semitone), many times the smallest change listeners can detect near 1 kHz (a few Hz). "
                "Play the pair again at a comfortable level, with headphones if you can")
    return None


@exercise(
    "05.higher_tone",
    prompt="""
        Play the pair of tones under this task (made by tone_pair(): one tone is 1100 Hz,
        the other 1150 Hz, in an order you do not know). Which one is higher, the first or
        the second? Answer with the word "first" or "second", e.g.  answer = "first"
    """,
    diagnostics=[_not_first_or_second, _the_other_one],
    mistakes=[
        Mistake(_WRONG, says="the other tone is the higher one"),
        Mistake("higher", says='"first" or "second"'),
        Mistake(1150, says="answered with a number"),
    ],
    hints=[
        "Play the pair two or three times at a comfortable level; headphones help. Hum the first tone, "
        "then the second: does your voice go up or down?",
        "The question is about the order: answer the string \"first\" if the first tone is higher, "
        "\"second\" if the second one is.",
        "tone_pair() also returns the two frequencies in the order they are played, but decide with "
        "your ears first.",
    ],
)
def higher_tone():
    from musiclearn.exercises.nb05 import tone_pair

    audio, (first_hz, second_hz) = tone_pair()  # the frequencies in the order they are played
    return "first" if first_hz > second_hz else "second"
