"""Exercises for notebook ``13_audio_data_hygiene.ipynb``: leading silence, flat tops, precision and recall.

Importing this module registers the exercises ``13.leading_silence``,
``13.flat_top_samples`` and ``13.precision_recall`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._compare import as_array as _array
from ._compare import same as _same
from ._engine import Case, Mistake, exercise

# ----------------------------------------------------------------------------- 13.leading_silence


def _lead_frames(db: Any, threshold: Any) -> int:
    loud = np.asarray(db, dtype=float) >= threshold
    return int(np.argmax(loud))


def _absolute_threshold(got: Any, expected: Any, case: Case | None) -> str | None:
    db, hop, sr = case.args
    if _same(got, _lead_frames(db, -40.0) * hop / sr):
        return ("You compared every frame with -40 dBFS. The threshold is relative to this clip's loudest frame, "
                "db.max() - 40: a quiet clip never reaches -40 dBFS, and in a loud clip faint noise can")
    return None


def _frames_not_seconds(got: Any, expected: Any, case: Case | None) -> str | None:
    db, hop, sr = case.args
    frames = _lead_frames(db, np.max(db) - 40)
    if _same(got, frames) and frames:
        return (f"That is a number of frames ({frames}); frames start hop = {hop} samples apart, and a "
                "second has sr samples: multiply by hop / sr")
    if _same(got, frames / sr) and frames:
        return "You divided the frame index by sr; frames are hop samples apart, so the start is frame · hop / sr"
    return None


def _last_silent(got: Any, expected: Any, case: Case | None) -> str | None:
    db, hop, sr = case.args
    frames = _lead_frames(db, np.max(db) - 40)
    if frames and _same(got, (frames - 1) * hop / sr):
        return ("One frame short: you returned the start of the last *silent* frame; the silence lasts until the "
                "first loud frame starts")
    return None


_LEAD_INPUTS = [
    (np.array([-120.0, -95.0, -80.0, -30.0, -12.0, -6.0, -9.0, -20.0]), 160, 16000),
    (np.array([-100.0, -98.0, -90.0, -70.0, -66.0, -50.0, -48.0, -70.0]), 256, 22050),   # a quiet clip
    (np.array([-20.0, -22.0, -30.0, -45.0, -70.0]), 160, 16000),                          # starts at once
    (np.array([-42.0, -38.0, -36.0, -35.0, -3.0, -4.0, -5.0, -20.0, -40.0]), 512, 44100),  # a loud noise floor
]


@exercise(
    "13.leading_silence",
    prompt="""
        A clip's loudness frame by frame: db[t] is the RMS level of frame t in dBFS, and frame t
        starts at sample t · hop. The sound starts at the first frame whose level is within 40 dB of
        the clip's loudest frame. Return how many seconds of silence come before it.

        Write `leading_silence(db, hop, sr)` (db a NumPy array, hop in samples, sr in Hz).
    """,
    inputs=_LEAD_INPUTS,
    arg_names=("db", "hop", "sr"),
    diagnostics=[_absolute_threshold, _frames_not_seconds, _last_silent],
    mistakes=[
        Mistake(lambda db, hop, sr: int(np.argmax(np.asarray(db) >= -40)) * hop / sr, says="relative"),
        Mistake(lambda db, hop, sr: int(np.argmax(np.asarray(db) >= np.max(db) - 40)), says="number of frames"),
        Mistake(lambda db, hop, sr: max(0, int(np.argmax(np.asarray(db) >= np.max(db) - 40)) - 1) * hop / sr,
                says="one frame short"),
    ],
    hints=[
        "The threshold is db.max() - 40; the boolean array db >= threshold is True from the first loud frame on.",
        "np.argmax of a boolean array gives the index of its first True.",
        "Frame t starts t · hop samples, that is t · hop / sr seconds, after the start.",
    ],
)
def leading_silence(db, hop, sr):
    loud = db >= np.max(db) - 40.0          # within 40 dB of the loudest frame
    first = int(np.argmax(loud))            # index of the first True
    return first * hop / sr                 # frame start in seconds


# ----------------------------------------------------------------------------- 13.flat_top_samples


def _runs(mask: np.ndarray) -> list[int]:
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return (np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).tolist()


def _reference_flat(y: Any, min_run: int) -> int:
    mag = np.abs(np.asarray(y, dtype=float))
    return int(sum(r for r in _runs(mag == mag.max()) if r >= min_run))


def _ignored_runs(got: Any, expected: Any, case: Case | None) -> str | None:
    y, min_run = case.args
    mag = np.abs(np.asarray(y, dtype=float))
    if _same(got, int((mag == mag.max()).sum())):
        return ("You counted every sample at the peak, runs or not. A clean wave touches its peak in single "
                f"samples; only runs of at least min_run = {min_run} consecutive samples are flat tops")
    return None


def _one_polarity(got: Any, expected: Any, case: Case | None) -> str | None:
    y, min_run = case.args
    arr = np.asarray(y, dtype=float)
    for side, values in (("positive", arr), ("negative", -arr)):
        if _same(got, int(sum(r for r in _runs(values == values.max()) if r >= min_run))):
            return (f"You found only the {side} flat tops; a clipped wave is cut at +peak and at -peak. "
                    "Compare np.abs(y) with its maximum")
    return None


def _counted_runs(got: Any, expected: Any, case: Case | None) -> str | None:
    y, min_run = case.args
    mag = np.abs(np.asarray(y, dtype=float))
    if _same(got, sum(1 for r in _runs(mag == mag.max()) if r >= min_run)) and not _same(got, expected):
        return "That is the number of flat runs; the question asks for the number of *samples* in them"
    return None


_t = np.arange(400) / 8000
_CLIPPED = np.clip(3.0 * np.sin(2 * np.pi * 50 * _t), -1.0, 1.0)
_ASYM = np.clip(2.5 * np.sin(2 * np.pi * 50 * _t) + 0.8, -0.9, 1.0)
_FLAT_INPUTS = [
    (np.round(_CLIPPED, 6), 3),
    (np.round(_ASYM, 6), 3),
    (np.array([0.1, 0.5, 1.0, 0.5, -1.0, -1.0, -1.0, 0.0, 1.0, 1.0, 0.2, -1.0, -1.0, -1.0, -1.0]), 3),
    (np.array([0.0, 0.3, 0.8, 0.8, 0.3, -0.2, -0.8, -0.8, -0.8, 0.1]), 2),
]


@exercise(
    "13.flat_top_samples",
    prompt="""
        Clipping cuts a waveform flat at its largest magnitude. Count the samples whose magnitude
        |y| equals the clip's largest magnitude AND that lie in a run of at least `min_run`
        consecutive such samples (positive and negative peaks both count).

        Write `flat_top_samples(y, min_run)`; return an int.
    """,
    inputs=_FLAT_INPUTS,
    arg_names=("y", "min_run"),
    diagnostics=[_ignored_runs, _one_polarity, _counted_runs],
    integer=True,
    mistakes=[
        Mistake(lambda y, min_run: int((np.abs(y) == np.abs(y).max()).sum()), says="runs or not"),
        Mistake(lambda y, min_run: int(sum(r for r in _runs(np.asarray(y) == np.max(y)) if r >= min_run)),
                says="only the positive"),
        Mistake(lambda y, min_run: sum(1 for r in _runs(np.abs(y) == np.abs(y).max()) if r >= min_run),
                says="number of flat runs"),
    ],
    hints=[
        "mag = np.abs(y); at_peak = mag == mag.max() is True at every sample on the peak.",
        "Walk through at_peak, counting the length of each run of Trues; add the lengths that reach min_run.",
        "Or with NumPy: np.diff of the mask padded with a False at each end is +1 where a run starts and -1 "
        "where it ends.",
    ],
)
def flat_top_samples(y, min_run):
    mag = np.abs(y)
    at_peak = mag == mag.max()
    total, run = 0, 0
    for on in list(at_peak) + [False]:      # the extra False closes a run at the end
        if on:
            run += 1
        else:
            if run >= min_run:
                total += run
            run = 0
    return total


# ----------------------------------------------------------------------------- 13.precision_recall


def _pr(flags: Any, truth: Any) -> tuple[float, float]:
    f, t = np.asarray(flags, bool), np.asarray(truth, bool)
    tp = (f & t).sum()
    return float(tp / f.sum()), float(tp / t.sum())


def _swapped(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    if have is not None and have.shape == (2,) and _same(have[::-1], expected) and not _same(have, expected):
        return ("Swapped: precision is the share of *flagged* clips that are really faulty (divide by the "
                "number flagged), recall the share of *faulty* clips that got flagged (divide by the number faulty)")
    return None


def _accuracy(got: Any, expected: Any, case: Case | None) -> str | None:
    flags, truth = (np.asarray(a, bool) for a in case.args)
    accuracy = float((flags == truth).mean())
    have = _array(got)
    if have is not None and have.size and np.allclose(have, accuracy):
        return (f"{accuracy:g} is the accuracy, the share of clips judged right. With few faulty clips it is "
                "high even for a detector that flags nothing; precision and recall look at the faulty clips")
    return None


def _over_all(got: Any, expected: Any, case: Case | None) -> str | None:
    flags, truth = (np.asarray(a, bool) for a in case.args)
    tp = (flags & truth).sum()
    have = _array(got)
    if have is not None and have.shape == (2,) and np.isclose(have[0], tp / len(flags)):
        return "You divided the true positives by the number of clips; precision divides by the number flagged"
    return None


def _pr_cases() -> list[tuple]:
    rng = np.random.default_rng(13)
    truth = rng.random(60) < 0.15
    flags = truth.copy()
    flags[np.flatnonzero(truth)[:3]] = False          # three misses
    flags[rng.choice(np.flatnonzero(~truth), 5, replace=False)] = True   # five false alarms
    return [
        (np.array([True, True, False, False, True]), np.array([True, False, False, True, True])),
        (flags, truth),
        (np.array([True] * 10), np.array([True, True] + [False] * 8)),
    ]


@exercise(
    "13.precision_recall",
    prompt="""
        A detector flagged some clips (`flags`, a boolean array); `truth` marks the clips that really
        have the fault. Return the pair (precision, recall): precision is the share of flagged
        clips that are faulty, recall the share of faulty clips that were flagged.

        Write `precision_recall(flags, truth)`.
    """,
    inputs=_pr_cases(),
    arg_names=("flags", "truth"),
    diagnostics=[_swapped, _accuracy, _over_all],
    mistakes=[
        Mistake(lambda flags, truth: _pr(flags, truth)[::-1], says="swapped"),
        Mistake(lambda flags, truth: (float((np.asarray(flags) == np.asarray(truth)).mean()),) * 2,
                says="accuracy"),
        Mistake(lambda flags, truth: (float((np.asarray(flags) & np.asarray(truth)).sum() / len(flags)),
                                      _pr(flags, truth)[1]), says="number of clips"),
    ],
    hints=[
        "The true positives are the clips that are flagged AND faulty: (flags & truth).sum().",
        "precision = true positives / flags.sum();  recall = true positives / truth.sum().",
    ],
)
def precision_recall(flags, truth):
    true_positives = np.sum(flags & truth)          # flagged and really faulty
    precision = true_positives / np.sum(flags)      # of what we flagged, how much was right
    recall = true_positives / np.sum(truth)         # of what was wrong, how much we found
    return float(precision), float(recall)
