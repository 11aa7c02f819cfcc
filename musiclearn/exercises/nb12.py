"""Exercises for notebook ``12_pitch_onsets_tempo.ipynb``: a parabola's vertex, YIN's normalisation, lag to BPM.

Importing this module registers the exercises ``12.parabolic_offset``,
``12.cmnd`` and ``12.lag_to_bpm`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._compare import as_array as _array
from ._compare import same as _same
from ._engine import Case, Mistake, exercise

# ----------------------------------------------------------------------------- 12.parabolic_offset


def _vertex(a: Any, b: Any, c: Any) -> np.ndarray:
    a, b, c = (np.asarray(v, dtype=float) for v in (a, b, c))
    return 0.5 * (a - c) / (a - 2 * b + c)


def _flipped_sign(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, -_vertex(*case.args)) and not _same(got, expected):
        return ("Right size, wrong direction: the vertex lies on the side of the *smaller* neighbour "
                "of a peak (for a trough, the smaller neighbour too). Swap a and c in the numerator")
    return None


def _factor_two(got: Any, expected: Any, case: Case | None) -> str | None:
    for factor, fix in ((2.0, "half of it"), (0.5, "twice it")):
        if _same(got, factor * _vertex(*case.args)) and not _same(got, expected):
            return (f"Off by a factor of {factor:g}: the answer is {fix}. The parabola "
                    "p(x) = A x² + B x + C through the three points has A = (a − 2b + c)/2 and "
                    "B = (c − a)/2, and its vertex is at x = −B / (2A)")
    return None


def _always_zero(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    if have is not None and have.shape == np.shape(expected) and np.allclose(have, 0.0):
        return ("You returned 0, the position of the middle sample itself; the point of the parabola is "
                "to find the extremum *between* samples, from how much higher a is than c (or c than a)")
    return None


@exercise(
    "12.parabolic_offset",
    prompt="""
        An extremum (a peak of the autocorrelation, a dip of YIN's d') lies near the sample with
        value b; its neighbours have values a (one sample before) and c (one sample after). Fit
        the parabola through the points (−1, a), (0, b), (1, c) and return the x of its vertex:
        a number between −1 and 1, in samples from the middle one.

        Write `parabolic_offset(a, b, c)`; it should also work when a, b and c are NumPy arrays.
    """,
    inputs=[(4.0, 1.0, 0.5), (1.0, 0.0, 1.0), (0.30, 0.05, 0.10), (0.2, 0.9, 0.7),
            (np.array([0.5, 0.8, 0.1]), np.array([1.0, 1.0, 0.0]), np.array([0.7, 0.2, 0.15]))],
    arg_names=("a", "b", "c"),
    diagnostics=[_always_zero, _flipped_sign, _factor_two],
    mistakes=[
        Mistake(lambda a, b, c: 0.5 * (np.asarray(c) - a) / (a - 2 * np.asarray(b) + c), says="wrong direction"),
        Mistake(lambda a, b, c: (np.asarray(a) - c) / (a - 2 * np.asarray(b) + c), says="factor of 2"),
        Mistake(lambda a, b, c: np.zeros(np.shape(a)), says="position of the middle sample"),
    ],
    hints=[
        "Write p(x) = A x² + B x + C and use p(−1) = a, p(0) = b, p(1) = c: C = b, "
        "A = (a − 2b + c) / 2, B = (c − a) / 2.",
        "The vertex of A x² + B x + C is at x = −B / (2A).",
        "return 0.5 * (a - c) / (a - 2 * b + c)",
    ],
)
def parabolic_offset(a, b, c):
    # p(x) = A x² + B x + b through (-1, a), (0, b), (1, c): A = (a - 2b + c) / 2, B = (c - a) / 2
    return 0.5 * (a - c) / (a - 2 * b + c)  # the vertex, x = -B / (2A)


# ----------------------------------------------------------------------------- 12.cmnd


def _cmnd(d: Any) -> np.ndarray:
    d = np.asarray(d, dtype=float)
    out = np.ones_like(d)
    out[1:] = d[1:] * np.arange(1, len(d)) / np.cumsum(d[1:])
    return out


def _difference(frame: np.ndarray, max_lag: int) -> np.ndarray:
    return np.array([np.sum((frame[: len(frame) - k] - frame[k:]) ** 2) for k in range(max_lag)])


def _no_tau(got: Any, expected: Any, case: Case | None) -> str | None:
    d = np.asarray(case.args[0], dtype=float)
    have = _array(got)
    if have is None or have.shape != d.shape:
        return None
    if np.allclose(have[1:], d[1:] / np.cumsum(d[1:]), rtol=1e-6, atol=1e-12):
        return ("You divided d(τ) by the running *sum* Σ d(j); YIN divides by the running *mean*, "
                "(1/τ) Σ_{j=1..τ} d(j), so multiply by τ. Your curve shrinks towards 0 at large τ for "
                "every signal, and its first dip is no longer about 1 for unrelated shifts")
    return None


def _counted_d0(got: Any, expected: Any, case: Case | None) -> str | None:
    d = np.asarray(case.args[0], dtype=float)
    have = _array(got)
    if have is None or have.shape != d.shape:
        return None
    wrong = d[1:] * np.arange(2, len(d) + 1) / np.cumsum(d)[1:]
    if np.allclose(have[1:], wrong, rtol=1e-6, atol=1e-12):
        return ("Your mean runs over τ + 1 values, counting d(0) = 0; the mean is over j = 1 … τ only, "
                "τ values (d(0) is always 0 and would pull the mean down)")
    return None


def _first_value(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    if have is None or have.shape != np.shape(expected) or have.size < 2:
        return None
    if np.allclose(have[1:], np.asarray(expected)[1:], rtol=1e-6, atol=1e-12) and not np.isclose(have[0], 1.0):
        return (f"Everything is right except d'(0), which is {float(have[0]):g}: YIN defines d'(0) = 1 (0 / 0 "
                "otherwise), so that the curve starts at 1")
    return None


def _max_normalised(got: Any, expected: Any, case: Case | None) -> str | None:
    d = np.asarray(case.args[0], dtype=float)
    if _same(got, d / d.max()):
        return ("You scaled d by its maximum; YIN divides each d(τ) by the mean of d(1) … d(τ), a "
                "different number for every τ, which makes d' start at 1 and removes the bias towards "
                "short lags")
    return None


_SR = 8000
_T = np.arange(400) / _SR
_CMND_INPUTS = [
    (_difference(np.sin(2 * np.pi * 200.0 * _T), 100),),
    (_difference(np.sin(2 * np.pi * 130.0 * _T) + 0.4 * np.sin(2 * np.pi * 260.0 * _T + 1.0), 120),),
    (np.concatenate([[0.0], np.random.default_rng(12).uniform(0.1, 2.0, 30)]),),
]


@exercise(
    "12.cmnd",
    prompt="""
        YIN's second step. Given the difference function d as a NumPy array (d[0] = 0, and
        d[τ] = Σ_j (x[j] − x[j+τ])² for τ = 1, 2, …), return the cumulative mean normalised
        difference d' (an array of the same length):

            d'(0) = 1,      d'(τ) = d(τ) / ( (1/τ) · Σ_{j=1..τ} d(j) )   for τ ≥ 1.

        Write `cmnd(d)` without a Python loop (np.cumsum helps).
    """,
    inputs=_CMND_INPUTS,
    arg_names=("d",),
    rtol=1e-6,
    diagnostics=[_first_value, _no_tau, _counted_d0, _max_normalised],
    mistakes=[
        Mistake(lambda d: np.concatenate([[1.0], d[1:] / np.cumsum(d[1:])]), says="running *mean*"),
        Mistake(lambda d: np.concatenate([[1.0], d[1:] * np.arange(2, len(d) + 1) / np.cumsum(d)[1:]]),
                says="counting d(0)"),
        Mistake(lambda d: np.concatenate([[0.0], d[1:] * np.arange(1, len(d)) / np.cumsum(d[1:])]),
                says="d'(0) = 1"),
        Mistake(lambda d: d / d.max(), says="mean of d(1)"),
    ],
    hints=[
        "np.cumsum(d[1:]) holds Σ_{j=1..τ} d(j) for τ = 1, 2, …; np.arange(1, len(d)) holds τ.",
        "d'(τ) = d(τ) · τ / Σ_{j=1..τ} d(j) for τ ≥ 1; start from out = np.ones(len(d)) and fill out[1:].",
    ],
)
def cmnd(d):
    d = np.asarray(d, dtype=float)
    out = np.ones(len(d))                    # d'(0) = 1 by definition
    tau = np.arange(1, len(d))
    out[1:] = d[1:] * tau / np.cumsum(d[1:])  # d(τ) divided by the mean of d(1) ... d(τ)
    return out


# ----------------------------------------------------------------------------- 12.lag_to_bpm


def _per_second(got: Any, expected: Any, case: Case | None) -> str | None:
    lag, sr, hop = case.args
    if _same(got, sr / (hop * np.asarray(lag, dtype=float))):
        return "That is beats per second; a minute has 60 of them: multiply by 60"
    return None


def _forgot_hop(got: Any, expected: Any, case: Case | None) -> str | None:
    lag, sr, hop = case.args
    if _same(got, 60.0 * sr / np.asarray(lag, dtype=float)):
        return ("You treated the lag as samples; it counts onset-envelope *frames*, each hop_length "
                "samples long: the period is lag · hop_length / sr seconds")
    return None


def _period(got: Any, expected: Any, case: Case | None) -> str | None:
    lag, sr, hop = case.args
    seconds = np.asarray(lag, dtype=float) * hop / sr
    for candidate, what in ((seconds, "seconds"), (seconds / 60.0, "minutes")):
        if _same(got, candidate):
            return (f"That is the beat period in {what}; the tempo is its inverse, beats per minute = "
                    "60 / (period in seconds)")
    return None


@exercise(
    "12.lag_to_bpm",
    prompt="""
        The autocorrelation of an onset envelope peaks at a lag of one beat. The envelope has one
        value every hop_length samples, at sampling rate sr (Hz). Write `lag_to_bpm(lag, sr,
        hop_length)` that converts a lag in frames (a number or a NumPy array, > 0) into a tempo
        in beats per minute.
    """,
    inputs=[(43, 22050, 512), (50, 44100, 441), (np.array([21.5, 43.0, 86.0]), 22050, 512), (30, 16000, 160)],
    arg_names=("lag", "sr", "hop_length"),
    diagnostics=[_per_second, _forgot_hop, _period],
    mistakes=[
        Mistake(lambda lag, sr, hop: sr / (hop * np.asarray(lag, dtype=float)), says="multiply by 60"),
        Mistake(lambda lag, sr, hop: 60.0 * sr / np.asarray(lag, dtype=float), says="frames"),
        Mistake(lambda lag, sr, hop: np.asarray(lag, dtype=float) * hop / sr, says="inverse"),
    ],
    hints=[
        "One frame lasts hop_length / sr seconds, so a lag of `lag` frames lasts lag · hop_length / sr seconds.",
        "A beat every P seconds is 1 / P beats per second, 60 / P beats per minute.",
    ],
)
def lag_to_bpm(lag, sr, hop_length):
    period_s = lag * hop_length / sr  # one beat, in seconds
    return 60.0 / period_s
