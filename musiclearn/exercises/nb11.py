"""Exercises for notebook ``11_generation_and_memorization.ipynb``: top-k, distances, copied runs.

Importing this module registers the exercises ``11.top_k``,
``11.total_variation`` and ``11.longest_match`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._engine import Case, Mistake, exercise
from ._compare import as_array as _array


def _kept(value: Any) -> np.ndarray | None:
    a = _array(value)
    return None if a is None else np.isfinite(a) & (a > -1e300)


# ----------------------------------------------------------------------------- 11.top_k


def _zero_not_minus_inf(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    want = np.asarray(expected)
    if have is None or have.shape != want.shape:
        return None
    removed = ~np.isfinite(want)
    if removed.any() and np.all(have[removed] == 0):
        return ("You set the removed logits to 0, but a logit of 0 is still a perfectly possible token "
                "(softmax gives it e^0 / sum > 0). Removed tokens need the logit -inf (np.inf with a minus), "
                "whose probability is exactly 0")
    return None


def _returned_probabilities(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    if have is None or have.shape != np.shape(expected):
        return None
    if np.all(have >= 0) and np.isclose(have.sum(), 1.0):
        return ("Your result sums to 1, like probabilities: return the *logits* (the input values you "
                "keep, and -inf for the others), not the softmax")
    return None


def _wrong_count(got: Any, expected: Any, case: Case | None) -> str | None:
    logits, k = case.args
    kept = _kept(got)
    if kept is None or kept.shape != np.shape(expected):
        return None
    want = int(np.isfinite(np.asarray(expected)).sum())
    if kept.sum() == want + 1:
        return (f"You kept {int(kept.sum())} tokens, one too many for k={k}: the k-th largest value is "
                "np.sort(logits)[-k] (index -k, not -k-1)")
    if kept.sum() == want - 1:
        return (f"You kept {int(kept.sum())} tokens, one too few for k={k}: keep every logit >= the k-th "
                "largest (>=, not >)")
    return None


def _kept_smallest(got: Any, expected: Any, case: Case | None) -> str | None:
    logits, k = case.args
    kept = _kept(got)
    if kept is None or kept.shape != np.shape(logits):
        return None
    smallest = np.argsort(np.asarray(logits, dtype=float))[:k]
    if set(np.flatnonzero(kept)) == set(smallest.tolist()):
        return "You kept the k smallest logits; top-k keeps the k largest (the most likely tokens)"
    return None


@exercise(
    "11.top_k",
    prompt="""
        Write `top_k(logits, k)`: keep the k largest logits and replace every other one with
        -np.inf, so that softmax gives those tokens probability 0. `logits` is a 1-D NumPy
        array, 1 <= k <= len(logits). Return a new array of logits (not probabilities).
        Logits equal to the k-th largest are kept too.

        Example: top_k(np.array([1.0, 3.0, 2.0, 0.5]), 2) gives [-inf, 3.0, 2.0, -inf].
    """,
    inputs=[
        (np.array([1.0, 3.0, 2.0, 0.5]), 2),
        (np.array([0.2, -1.0, 4.0, 2.5, 3.1, -0.3]), 3),
        (np.array([-2.0, -1.0, -3.0]), 1),
        (np.array([0.5, 1.5, -0.5, 2.5, 1.0, 0.0, 3.0]), 5),
    ],
    arg_names=("logits", "k"),
    diagnostics=[_zero_not_minus_inf, _returned_probabilities, _kept_smallest, _wrong_count],
    mistakes=[
        Mistake(lambda z, k: np.where(z >= np.sort(z)[-k], z, 0.0), says="-inf"),
        Mistake(lambda z, k: np.where(z >= np.sort(z)[-k - 1] if k < len(z) else z > -np.inf, z, -np.inf),
                says="one too many"),
        Mistake(lambda z, k: np.where(z <= np.sort(z)[k - 1], z, -np.inf), says="k smallest"),
        Mistake(lambda z, k: (lambda e: e / e.sum())(np.where(z >= np.sort(z)[-k], np.exp(z - z.max()), 0.0)),
                says="logits"),
    ],
    hints=[
        "np.sort(logits) sorts from smallest to largest, so the k-th largest value is np.sort(logits)[-k].",
        "np.where(condition, logits, -np.inf) keeps a logit where the condition holds and puts -inf elsewhere.",
        "Keep every logit that is >= the k-th largest value.",
    ],
)
def top_k(logits, k):
    kth_largest = np.sort(logits)[-k]
    return np.where(logits >= kth_largest, logits, -np.inf)


# ----------------------------------------------------------------------------- 11.total_variation


def _forgot_half(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    if have is not None and have.ndim == 0 and np.isclose(float(have), 2 * float(expected)):
        return ("Twice the answer: total variation is HALF the sum of absolute differences, "
                "0.5 * sum(|p - q|), so that it lies between 0 and 1")
    return None


def _not_normalised(got: Any, expected: Any, case: Case | None) -> str | None:
    p, q = (np.asarray(a, dtype=float) for a in case.args)
    have = _array(got)
    if have is None or have.ndim != 0:
        return None
    if np.isclose(float(have), 0.5 * np.abs(p - q).sum()) and not np.isclose(p.sum(), q.sum()):
        return ("p and q are counts (they do not sum to 1): normalise each first, p / p.sum(), so that "
                "sets of different sizes can be compared")
    return None


def _squared(got: Any, expected: Any, case: Case | None) -> str | None:
    p, q = (np.asarray(a, dtype=float) for a in case.args)
    p, q = p / p.sum(), q / q.sum()
    have = _array(got)
    if have is None or have.ndim != 0:
        return None
    if np.isclose(float(have), 0.5 * np.sum((p - q) ** 2)) or np.isclose(float(have), np.sqrt(np.sum((p - q) ** 2))):
        return "Use absolute differences np.abs(p - q), not squared ones"
    return None


@exercise(
    "11.total_variation",
    prompt="""
        Write `total_variation(p, q)`: the total variation distance between two histograms
        over the same bins, e.g. pitch-class counts of generated and of real tunes.

            normalise each to sum to 1:  p = p / p.sum(),  q = q / q.sum()
            total variation = 0.5 * sum(|p - q|)

        It is 0 for identical distributions and 1 when they share no bin. Return a float.
    """,
    inputs=[
        (np.array([3.0, 1.0, 0.0, 4.0]), np.array([1.0, 1.0, 1.0, 1.0])),
        (np.array([10.0, 0.0]), np.array([0.0, 5.0])),
        (np.array([2.0, 2.0, 4.0]), np.array([1.0, 1.0, 2.0])),
        (np.array([5.0, 1.0, 3.0, 0.0, 1.0, 2.0]), np.array([1.0, 3.0, 3.0, 2.0, 0.0, 1.0])),
    ],
    arg_names=("p", "q"),
    diagnostics=[_forgot_half, _not_normalised, _squared],
    mistakes=[
        Mistake(lambda p, q: float(np.abs(p / p.sum() - q / q.sum()).sum()), says="half"),
        Mistake(lambda p, q: float(0.5 * np.abs(p - q).sum()), says="normalise"),
        Mistake(lambda p, q: float(0.5 * np.sum((p / p.sum() - q / q.sum()) ** 2)), says="absolute"),
    ],
    hints=[
        "First p = p / p.sum() and q = q / q.sum(), so both are probability distributions.",
        "Then 0.5 * np.sum(np.abs(p - q)).",
    ],
)
def total_variation(p, q):
    p = p / p.sum()
    q = q / q.sum()
    return float(0.5 * np.sum(np.abs(p - q)))


# ----------------------------------------------------------------------------- 11.longest_match


def _reference_longest(generated, training, *, by_pitch: bool = False) -> int:
    a = list(generated) if by_pitch else [y - x for x, y in zip(generated, generated[1:])]
    b = list(training) if by_pitch else [y - x for x, y in zip(training, training[1:])]
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    if by_pitch:
        return best
    return best + 1 if generated and training else 0


def _compared_pitches(got: Any, expected: Any, case: Case | None) -> str | None:
    generated, training = case.args
    if isinstance(got, (int, np.integer)) and int(got) == _reference_longest(generated, training, by_pitch=True):
        return ("You compared pitches, so a passage copied in another key was missed. Compare intervals "
                "(differences between consecutive pitches), which do not change under transposition")
    return None


def _counted_intervals(got: Any, expected: Any, case: Case | None) -> str | None:
    if isinstance(got, (int, np.integer)) and int(got) == int(expected) - 1:
        return ("One short: you counted intervals, but the answer is in notes. A run of k matching "
                "intervals covers k + 1 notes")
    return None


def _not_consecutive(got: Any, expected: Any, case: Case | None) -> str | None:
    generated, training = case.args
    gi = [y - x for x, y in zip(generated, generated[1:])]
    ti = set(y - x for x, y in zip(training, training[1:]))
    shared = sum(1 for v in gi if v in ti)
    if isinstance(got, (int, np.integer)) and int(got) in (shared, shared + 1) and int(got) != int(expected):
        return ("You counted intervals that occur anywhere in the training tune; the run must be "
                "consecutive: the same intervals, in the same order, one after another in both tunes")
    return None


@exercise(
    "11.longest_match",
    prompt="""
        Write `longest_match(generated, training)`: both are lists of MIDI pitches (one generated
        tune, one training tune). Return the number of notes in the longest run of consecutive
        notes of `generated` that also occurs, consecutively, in `training` in any key
        (transposed by any number of semitones).

        Compare intervals (differences between consecutive pitches): a run of k notes matches
        when its k - 1 intervals occur in a row in the training tune's intervals, so the answer
        is 1 + the longest common run of intervals. A single note always matches: return 1
        when both tunes have a note but no interval is shared, and 0 if either is empty.

        Example: longest_match([67, 69, 71, 60], [60, 62, 64, 65]) is 3 (G A B = C D E, a fifth up).
    """,
    inputs=[
        ([67, 69, 71, 60], [60, 62, 64, 65]),
        ([60, 62, 64, 65, 67, 50, 52], [55, 57, 59, 60, 62, 64, 66, 67]),
        ([60, 64, 67, 72, 71, 69, 67, 65], [62, 66, 69, 74, 50, 73, 71, 69, 67]),
        ([72, 72, 72, 70], [60, 62, 64]),
        ([64], [60, 62]),
        ([], [60, 62]),
        ([60, 62, 60, 62, 60, 65], [62, 64, 62, 64, 62, 60, 70, 72, 70, 72, 70, 75]),
    ],
    arg_names=("generated", "training"),
    integer=True,
    diagnostics=[_compared_pitches, _counted_intervals, _not_consecutive],
    mistakes=[
        Mistake(lambda g, t: _reference_longest(g, t, by_pitch=True), says="intervals"),
        Mistake(lambda g, t: max(_reference_longest(g, t) - 1, 0), says="one short"),
        Mistake(lambda g, t: sum(1 for v in np.diff(g) if v in set(np.diff(t))) + 1, says="consecutive"),
    ],
    hints=[
        "Turn both tunes into intervals first: [b - a for a, b in zip(tune, tune[1:])].",
        "Try every start i in the generated intervals and every start j in the training intervals, "
        "and count how many intervals agree one after another from there; keep the largest count.",
        "The answer in notes is that count + 1 (and 0 if either tune is empty).",
    ],
)
def longest_match(generated, training):
    if len(generated) == 0 or len(training) == 0:
        return 0
    a = [y - x for x, y in zip(generated, generated[1:])]
    b = [y - x for x, y in zip(training, training[1:])]
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best + 1
