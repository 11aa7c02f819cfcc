"""Exercises for notebook ``09_baselines_and_training_loop.ipynb``: bits, perplexity, an add-k bigram.

Importing this module registers ``09.bits_per_note``, ``09.perplexity`` and
``09.add_k_bigram`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._engine import Case, Mistake, exercise
from ._compare import same as _same


# ----------------------------------------------------------------------------- 09.bits_per_note


def _natural_log(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, np.asarray(expected) * math.log(2)):
        return ("You used the natural logarithm (np.log): that gives nats, not bits. Bits use the "
                "base-2 logarithm, np.log2 (1 nat = 1 / ln 2 ≈ 1.443 bits)")
    return None


def _log10(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, np.asarray(expected) * math.log10(2)):
        return ("You used log10: that measures in decimal digits (bans), not bits. Bits use the base-2 "
                "logarithm, np.log2")
    return None


def _no_minus(got: Any, expected: Any, case: Case | None) -> str | None:
    if float(expected) != 0 and _same(got, -np.asarray(expected)):
        return ("Your answer is negative: log2 of a probability (at most 1) is <= 0, so information is "
                "-log2(p), with a minus sign; a surprise costs a positive number of bits")
    return None


def _summed(got: Any, expected: Any, case: Case | None) -> str | None:
    (probs,) = case.args
    if len(probs) > 1 and _same(got, -np.sum(np.log2(probs))):
        return (f"That is the total over all {len(probs)} notes; bits *per note* is the mean, "
                "the total divided by the number of notes")
    return None


@exercise(
    "09.bits_per_note",
    prompt="""
        A model predicted a melody note by note. `probs` is a NumPy array holding, for every note,
        the probability the model gave to the note that actually came next.

        Write `bits_per_note(probs)` that returns the cross-entropy in bits per note: the mean of the
        information content -log2(p) over all notes.

        Example: probs = [0.5, 0.25, 0.125] cost 1, 2 and 3 bits, so 2.0 bits per note.
    """,
    inputs=[(np.array([0.5, 0.25, 0.125]),), (np.array([0.9, 0.6, 0.05, 0.3]),),
            (np.random.default_rng(9).uniform(0.01, 1.0, 50),)],
    arg_names=("probs",),
    diagnostics=[_no_minus, _natural_log, _log10, _summed],
    mistakes=[
        Mistake(lambda probs: np.mean(-np.log(probs)), says="natural logarithm"),
        Mistake(lambda probs: np.mean(-np.log10(probs)), says="log10"),
        Mistake(lambda probs: np.mean(np.log2(probs)), says="minus sign"),
        Mistake(lambda probs: np.sum(-np.log2(probs)), says="mean"),
    ],
    hints=[
        "The information content of one note is -log2(p) bits: 1 bit for p = 1/2, 3 bits for p = 1/8.",
        "np.log2 works on a whole array at once; then average with np.mean.",
        "One line: return np.mean(-np.log2(probs))",
    ],
)
def bits_per_note(probs):
    return np.mean(-np.log2(probs))


# ----------------------------------------------------------------------------- 09.perplexity


def _used_e(got: Any, expected: Any, case: Case | None) -> str | None:
    (bits,) = case.args
    if _same(got, np.exp(bits)):
        return ("You computed e ** bits (np.exp): that would be right for a loss in nats. The loss is "
                "in bits, so the perplexity is 2 ** bits (base 2)")
    return None


def _used_ten(got: Any, expected: Any, case: Case | None) -> str | None:
    (bits,) = case.args
    if _same(got, np.power(10.0, bits)):
        return "You computed 10 ** bits; bits are base-2 logarithms, so undo them with 2 ** bits (base 2)"
    return None


def _squared(got: Any, expected: Any, case: Case | None) -> str | None:
    (bits,) = case.args
    if _same(got, np.asarray(bits, dtype=float) ** 2):
        return ("You squared the bits (bits ** 2); perplexity is 2 raised to the power of the bits, "
                "2 ** bits: an exponent, not a square")
    return None


@exercise(
    "09.perplexity",
    prompt="""
        Write `perplexity(bits)` that turns a cross-entropy in bits per note into a perplexity:
        the number of equally likely choices that would be just as surprising, 2 ** bits.
        It should work on one number and on a NumPy array.

        Example: 3 bits per note is as surprising as a fair choice among 8 notes.
    """,
    inputs=[(3.0,), (2.62,), (np.array([0.0, 1.0, 3.39]),)],
    arg_names=("bits",),
    diagnostics=[_used_e, _used_ten, _squared],
    mistakes=[
        Mistake(lambda bits: np.exp(bits), says="base 2"),
        Mistake(lambda bits: np.power(10.0, bits), says="10 ** bits"),
        Mistake(lambda bits: np.asarray(bits, dtype=float) ** 2, says="not a square"),
    ],
    hints=[
        "A fair choice among k notes costs log2(k) bits. Undo the logarithm.",
        "The inverse of log2 is raising 2 to the power: 2 ** bits (np.power(2.0, bits) for arrays too).",
    ],
)
def perplexity(bits):
    return 2.0 ** np.asarray(bits, dtype=float)


# ----------------------------------------------------------------------------- 09.add_k_bigram


def _pair_counts(tunes, prev, nxt, *, across: bool = False) -> tuple[int, int]:
    """(pairs prev -> nxt, pairs prev -> anything), within tunes or across their boundaries."""
    seqs = [[p for tune in tunes for p in tune]] if across else tunes
    pair = after = 0
    for seq in seqs:
        for a, b in zip(seq, seq[1:]):
            if a == prev:
                after += 1
                pair += b == nxt
    return pair, after


def _across_boundaries(got: Any, expected: Any, case: Case | None) -> str | None:
    tunes, prev, nxt, k, n_symbols = case.args
    c, n = _pair_counts(tunes, prev, nxt, across=True)
    if _same(got, (c + k) / (n + k * n_symbols)):
        return ("You counted pairs across the boundary between two tunes (the last note of one and the "
                "first of the next): they never follow each other in music. Count pairs inside each tune")
    return None


def _denominator_without_n_symbols(got: Any, expected: Any, case: Case | None) -> str | None:
    tunes, prev, nxt, k, n_symbols = case.args
    c, n = _pair_counts(tunes, prev, nxt)
    if n + k > 0 and _same(got, (c + k) / (n + k)):
        return (f"Your denominator adds k once; it must add k for every one of the n_symbols = {n_symbols} "
                "possible next notes (count + k · n_symbols), or the probabilities over all next notes "
                "sum to more than 1")
    return None


def _unsmoothed(got: Any, expected: Any, case: Case | None) -> str | None:
    tunes, prev, nxt, k, n_symbols = case.args
    c, n = _pair_counts(tunes, prev, nxt)
    if n > 0 and _same(got, c / n):
        return ("That is the raw relative frequency, without smoothing: add k to the count of the pair "
                "(and k · n_symbols to the denominator), so a pair never seen gets a small probability "
                "instead of zero")
    return None


def _unseen_context(got: Any, expected: Any, case: Case | None) -> str | None:
    if isinstance(got, float) and math.isnan(got):
        return ("You returned nan: when prev never occurs, 0 / 0 appears without smoothing. With add-k "
                "the answer is k / (k · n_symbols) = 1 / n_symbols")
    return None


@exercise(
    "09.add_k_bigram",
    prompt="""
        Write `add_k_bigram(tunes, prev, nxt, k, n_symbols)`: the add-k estimate of the probability
        that pitch `nxt` follows pitch `prev`,

            P(nxt | prev) = (count(prev → nxt) + k) / (count(prev → any note) + k · n_symbols)

        where count(prev → nxt) is how often `nxt` directly follows `prev`. `tunes` is a list of
        tunes, each a list of MIDI pitches; count pairs of neighbours *inside* each tune only.
        `n_symbols` is how many different notes could come next (the alphabet size).

        Example: tunes = [[60, 62, 60, 64]], prev = 60, nxt = 62, k = 1, n_symbols = 3 gives
        (1 + 1) / (2 + 3) = 0.4.
    """,
    inputs=[
        ([[60, 62, 60, 64]], 60, 62, 1.0, 3),
        ([[60, 62, 64], [64, 60, 62], [67, 64, 62, 60]], 64, 60, 0.5, 5),
        ([[60, 62, 64], [64, 60, 62], [67, 64, 62, 60]], 64, 67, 1.0, 5),
        ([[67, 67, 69, 67], [72, 71, 67, 64]], 67, 69, 0.1, 12),
        ([[60, 62], [64, 65]], 61, 60, 1.0, 4),
    ],
    arg_names=("tunes", "prev", "nxt", "k", "n_symbols"),
    diagnostics=[_unseen_context, _across_boundaries, _unsmoothed, _denominator_without_n_symbols],
    mistakes=[
        Mistake(lambda tunes, prev, nxt, k, n: (lambda c: (c[0] + k) / (c[1] + k * n))(
            _pair_counts(tunes, prev, nxt, across=True)), says="across the boundary"),
        Mistake(lambda tunes, prev, nxt, k, n: (lambda c: (c[0] + k) / (c[1] + k))(
            _pair_counts(tunes, prev, nxt)), says="k · n_symbols"),
        Mistake(lambda tunes, prev, nxt, k, n: (lambda c: c[0] / c[1] if c[1] else float("nan"))(
            _pair_counts(tunes, prev, nxt)), says="without smoothing"),
    ],
    hints=[
        "Loop over the tunes, and inside each over neighbouring pairs: zip(tune, tune[1:]).",
        "Count two things: pairs whose first note is prev, and among them those whose second note is nxt.",
        "Then return (pair_count + k) / (prev_count + k * n_symbols).",
    ],
)
def add_k_bigram(tunes, prev, nxt, k, n_symbols):
    pair_count = prev_count = 0
    for tune in tunes:
        for a, b in zip(tune, tune[1:]):     # neighbours inside one tune
            if a == prev:
                prev_count += 1
                pair_count += b == nxt
    return (pair_count + k) / (prev_count + k * n_symbols)
