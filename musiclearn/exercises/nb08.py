"""Exercises for notebook ``08_from_scores_to_tokens.ipynb``: intervals, token counts, transpositions.

Importing this module registers ``08.intervals``, ``08.count_tokens`` and
``08.valid_shifts`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._engine import Case, Mistake, exercise
from ._compare import as_number as _number


def _ints(value: Any) -> list[int] | None:
    """``value`` as a list of ints when it is a 1-D sequence of whole numbers, else None."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if array.ndim != 1 or not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
        return None
    return [int(v) for v in array]


# ----------------------------------------------------------------------------- 08.intervals


def _reversed_sign(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _ints(got)
    if have is not None and any(expected) and have == [-e for e in expected]:
        return ("Every interval has the wrong sign: an interval is the *later* pitch minus the earlier "
                "one, pitches[i + 1] - pitches[i], so a rising step (60 → 62) is +2")
    return None


def _absolute(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _ints(got)
    if have is not None and have == [abs(e) for e in expected] and any(e < 0 for e in expected):
        return ("Your intervals are all positive: you took absolute values, so a falling step looks like a "
                "rising one. Keep the sign: the direction of the melody is part of the tune")
    return None


def _one_too_many(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _ints(got)
    (pitches,) = case.args
    if have is not None and len(have) == len(pitches):
        return (f"{len(pitches)} pitches have {len(pitches) - 1} intervals between them, one fewer than the "
                f"notes; you returned {len(have)} values (did you add a 0 for the first note, or subtract "
                "a shifted copy that wrapped around?)")
    return None


@exercise(
    "08.intervals",
    prompt="""
        Write `intervals(pitches)` that returns the interval signature of a melody: the list of
        steps between consecutive MIDI pitches, in semitones, each the later pitch minus the
        earlier one.

        Example: [60, 62, 64, 60] gives [2, 2, -4]. The same tune in another key,
        [67, 69, 71, 67], gives the same list: that is why it identifies a tune up to
        transposition (musiclearn.data.interval_signature).
    """,
    inputs=[([60, 62, 64, 60],), ([67, 69, 71, 67],), ([72, 71, 69, 67, 65, 64, 62, 60],),
            ([55, 55, 62, 62, 64, 64, 62],), ([60],)],
    arg_names=("pitches",),
    diagnostics=[_one_too_many, _reversed_sign, _absolute],
    mistakes=[
        Mistake(lambda pitches: [a - b for a, b in zip(pitches, pitches[1:])], says="wrong sign"),
        Mistake(lambda pitches: [abs(b - a) for a, b in zip(pitches, pitches[1:])], says="absolute values"),
        Mistake(lambda pitches: [0] + [b - a for a, b in zip(pitches, pitches[1:])], says="one fewer"),
        Mistake(lambda pitches: list(np.roll(pitches, -1) - np.array(pitches)), says="one fewer"),
    ],
    hints=[
        "Pair every pitch with the next one: zip(pitches, pitches[1:]).",
        "For each pair (a, b) the interval is b - a (positive when the melody rises).",
        "A one-liner: [b - a for a, b in zip(pitches, pitches[1:])], or list(np.diff(pitches)).",
    ],
)
def intervals(pitches):
    return [b - a for a, b in zip(pitches, pitches[1:])]


# ----------------------------------------------------------------------------- 08.count_tokens


def _count_reference(offsets, durations):
    gaps = sum(1 for k in range(1, len(offsets)) if offsets[k] > offsets[k - 1] + durations[k - 1])
    return 2 + 2 * len(offsets) + gaps + (offsets[0] > 0)


def _forgot_start_end(got: Any, expected: Any, case: Case | None) -> str | None:
    number = _number(got)
    if number is not None and number == expected - 2:
        return "Two tokens short: every tune starts with BOS and ends with EOS; count them too"
    return None


def _forgot_rests(got: Any, expected: Any, case: Case | None) -> str | None:
    offsets, durations = case.args
    number = _number(got)
    if number is not None and number == 2 + 2 * len(offsets) and expected != number:
        return ("You counted BOS, EOS and two tokens per note, but no rests: where a note starts after "
                "the previous one has ended (offsets[k] > offsets[k - 1] + durations[k - 1]) the "
                "tokenizer writes a REST token (and one before the first note if it does not start at 0)")
    return None


def _one_per_note(got: Any, expected: Any, case: Case | None) -> str | None:
    offsets, durations = case.args
    number = _number(got)
    rests = expected - 2 - 2 * len(offsets)
    if number is not None and number in (len(offsets), len(offsets) + 2, len(offsets) + 2 + rests):
        return ("Each note takes two tokens, PITCH_p and then DUR_d, not one: the duration is an "
                "event of its own")
    return None


def _leading_rest(got: Any, expected: Any, case: Case | None) -> str | None:
    offsets, durations = case.args
    number = _number(got)
    if number is not None and offsets[0] > 0 and number == expected - 1:
        return (f"One short: the first note starts at offset {offsets[0]}, not 0, so the tune begins "
                "with a REST before it")
    return None


@exercise(
    "08.count_tokens",
    prompt="""
        Write `count_tokens(offsets, durations)`: how many tokens the tokenizer of section 2
        (no bar lines) writes for a melody whose notes start at `offsets` and last `durations`
        (both in quarter notes, one entry per note, at least one note; every gap is one table value,
        so a gap is one REST token).

        The tokens: BOS, then for each note a REST if the note starts later than the previous
        note ended (or, for the first note, later than 0), PITCH_p and DUR_d; finally EOS.

        Example: offsets [0, 1, 3], durations [1, 1, 1] gives 9 tokens:
        BOS PITCH DUR PITCH DUR REST PITCH DUR EOS.
    """,
    inputs=[([0.0, 1.0, 3.0], [1.0, 1.0, 1.0]), ([0.0, 0.5, 1.0, 1.5], [0.5, 0.5, 0.5, 0.5]),
            ([1.0, 2.0, 2.5], [1.0, 0.25, 1.0]), ([0.0, 2.0, 4.0, 6.0, 6.5], [1.5, 1.0, 2.0, 0.5, 1.0]),
            ([0.0], [4.0])],
    arg_names=("offsets", "durations"),
    integer=True,
    diagnostics=[_forgot_start_end, _leading_rest, _forgot_rests, _one_per_note],
    mistakes=[
        Mistake(lambda offsets, durations: _count_reference(offsets, durations) - 2, says="BOS"),
        Mistake(lambda offsets, durations: 2 + 2 * len(offsets), says="REST"),
        Mistake(lambda offsets, durations: 2 + len(offsets), says="two tokens"),
        Mistake(lambda offsets, durations: 2 + 2 * len(offsets) + sum(
            1 for k in range(1, len(offsets)) if offsets[k] > offsets[k - 1] + durations[k - 1]),
            says="begins with a REST"),
    ],
    hints=[
        "Start from 2 (BOS and EOS) plus 2 tokens per note (PITCH and DUR).",
        "Then add one for every rest: note k > 0 has one before it when offsets[k] > offsets[k - 1] + durations[k - 1].",
        "Do not forget the first note: if offsets[0] > 0 the tune starts with a rest.",
    ],
)
def count_tokens(offsets, durations):
    count = 2 + 2 * len(offsets)                       # BOS, EOS, PITCH + DUR per note
    end = 0.0                                          # where the previous note ended
    for onset, duration in zip(offsets, durations):
        if onset > end:
            count += 1                                 # a REST fills the gap
        end = onset + duration
    return count


# ----------------------------------------------------------------------------- 08.valid_shifts


def _all_shifts(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _ints(got)
    if have is not None and have == list(range(-5, 7)) and have != list(expected):
        return ("You kept all 12 shifts; drop every shift that moves a note below `low` or above `high` "
                "(the tokenizer has no token for such a pitch)")
    return None


def _exclusive_bounds(got: Any, expected: Any, case: Case | None) -> str | None:
    pitches, low, high = case.args
    have = _ints(got)
    strict = [s for s in range(-5, 7) if low < min(pitches) + s and max(pitches) + s < high]
    if have is not None and have == strict and strict != list(expected):
        return ("The range is inclusive: a note exactly at `low` or `high` is allowed, so test "
                "low <= pitch + s <= high (you used < )")
    return None


def _missed_plus_six(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _ints(got)
    if have is not None and 6 in expected and have == [s for s in expected if s != 6]:
        return ("+6 is missing: the shifts run from -5 to +6 inclusive (range(-5, 7)), one per key; "
                "range(-5, 6) stops at +5")
    return None


@exercise(
    "08.valid_shifts",
    prompt="""
        Transposition augmentation adds each training tune in up to 12 keys: shifted by
        s = -5, -4, ..., +6 semitones. A shifted copy is only usable if all its notes stay
        within the tokenizer's pitch range low..high (inclusive).

        Write `valid_shifts(pitches, low, high)` that returns the list of usable shifts s, in
        increasing order. Example: pitches [60, 64, 67] with low=57, high=70 gives
        [-3, -2, -1, 0, 1, 2, 3].
    """,
    inputs=[([60, 64, 67], 57, 70), ([60, 72], 0, 127), ([55, 60, 79], 50, 85), ([48, 84], 48, 84),
            ([62, 65, 69], 60, 74)],
    arg_names=("pitches", "low", "high"),
    diagnostics=[_all_shifts, _exclusive_bounds, _missed_plus_six],
    mistakes=[
        Mistake(lambda pitches, low, high: list(range(-5, 7)), says="all 12 shifts"),
        Mistake(lambda pitches, low, high: [s for s in range(-5, 7)
                                            if low < min(pitches) + s and max(pitches) + s < high],
                says="inclusive"),
        Mistake(lambda pitches, low, high: [s for s in range(-5, 6)
                                            if low <= min(pitches) + s and max(pitches) + s <= high],
                says="+6 is missing"),
    ],
    hints=[
        "Only the lowest and the highest note matter: min(pitches) and max(pitches).",
        "Shift s is usable when low <= min(pitches) + s and max(pitches) + s <= high.",
        "Loop over range(-5, 7) (it stops before 7) and keep the usable shifts.",
    ],
)
def valid_shifts(pitches, low, high):
    lowest, highest = min(pitches), max(pitches)
    return [s for s in range(-5, 7) if low <= lowest + s and highest + s <= high]
