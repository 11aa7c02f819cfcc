"""Exercises for notebook ``14_spectrograms_as_images.ipynb``: MFCC statistics, a time mask, a confusion matrix.

Importing this module registers ``14.mfcc_stats``, ``14.time_mask`` and
``14.confusion_matrix`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from ._compare import as_array as _array
from ._compare import same
from ._engine import Case, Mistake, exercise

_same = partial(same, rtol=1e-6, atol=1e-9)


def _mfcc_example(n_mfcc: int, frames: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    # Coefficients with different levels and spreads, as real MFCCs have (c0 large and negative).
    return (rng.standard_normal((n_mfcc, frames)) * np.linspace(20, 2, n_mfcc)[:, None]
            + np.linspace(-300, 5, n_mfcc)[:, None])


def _spectrogram_example(n_mels: int, frames: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-80.0, 0.0, size=(n_mels, frames))


# ----------------------------------------------------------------------------- 14.mfcc_stats


def _over_coefficients(got: Any, expected: Any, case: Case | None) -> str | None:
    (M,) = case.args
    wrong = np.concatenate([M.mean(axis=0), M.std(axis=0)])
    if _same(got, wrong):
        return ("You averaged over the coefficients (axis 0) for every frame; the statistics describe each "
                "coefficient over time, so reduce along the frames: axis=1")
    return None


def _variance(got: Any, expected: Any, case: Case | None) -> str | None:
    (M,) = case.args
    if _same(got, np.concatenate([M.mean(axis=1), M.var(axis=1)])):
        return ("The second half holds variances; the task asks for standard deviations (np.std, the square root "
                "of the variance), in the same units as the coefficients")
    return None


def _sample_std(got: Any, expected: Any, case: Case | None) -> str | None:
    (M,) = case.args
    if _same(got, np.concatenate([M.mean(axis=1), M.std(axis=1, ddof=1)])):
        return ("You used the sample standard deviation (ddof=1); use np.std's default (ddof=0, divide by the "
                "number of frames), as musiclearn.audio_models.mfcc_statistics does")
    return None


def _means_only(got: Any, expected: Any, case: Case | None) -> str | None:
    (M,) = case.args
    arr = _array(got)
    if arr is not None and arr.shape == (M.shape[0],):
        return (f"You returned {M.shape[0]} numbers; the vector holds the means of the {M.shape[0]} coefficients "
                "followed by their standard deviations: 2 · n_mfcc numbers")
    return None


@exercise(
    "14.mfcc_stats",
    prompt="""
        The baseline classifier sees each clip as a fixed-length vector: for every MFCC, its mean and its
        standard deviation over the clip's frames.

        Write `mfcc_stats(M)` that takes an MFCC matrix M of shape (n_mfcc, frames) and returns a 1-D
        NumPy array of length 2 · n_mfcc: the n_mfcc means over time, then the n_mfcc standard deviations
        over time (np.std's default, dividing by the number of frames).
    """,
    inputs=[(_mfcc_example(20, 32, 0),), (_mfcc_example(13, 50, 1),), (_mfcc_example(4, 7, 2),)],
    arg_names=("M",),
    diagnostics=[_means_only, _over_coefficients, _variance, _sample_std],
    mistakes=[
        Mistake(lambda M: np.concatenate([M.mean(axis=0), M.std(axis=0)]), says="axis=1"),
        Mistake(lambda M: np.concatenate([M.mean(axis=1), M.var(axis=1)]), says="variance"),
        Mistake(lambda M: np.concatenate([M.mean(axis=1), M.std(axis=1, ddof=1)]), says="ddof"),
        Mistake(lambda M: M.mean(axis=1), says="2 · n_mfcc"),
    ],
    hints=[
        "Rows are coefficients, columns are frames: 'over time' means along axis 1.",
        "np.concatenate([M.mean(axis=1), M.std(axis=1)]).",
    ],
)
def mfcc_stats(M):
    means = M.mean(axis=1)          # one mean per coefficient, over the frames
    spreads = M.std(axis=1)         # and how much it moves during the clip
    return np.concatenate([means, spreads])


# ----------------------------------------------------------------------------- 14.time_mask


def _rows_masked(got: Any, expected: Any, case: Case | None) -> str | None:
    S, t0, width = case.args
    wrong = S.copy()
    wrong[t0:t0 + width, :] = S.mean()
    if _same(got, wrong):
        return ("You masked mel bands (rows), which is SpecAugment's frequency mask; a time mask blanks frames, "
                "the columns: S[:, t0:t0 + width]")
    return None


def _zero_fill(got: Any, expected: Any, case: Case | None) -> str | None:
    S, t0, width = case.args
    wrong = S.copy()
    wrong[:, t0:t0 + width] = 0.0
    if _same(got, wrong):
        return ("You filled the mask with 0; in dB below the peak 0 is the loudest possible level, so the mask "
                "would be a bright bar. Fill it with the spectrogram's mean, S.mean()")
    return None


def _one_too_many(got: Any, expected: Any, case: Case | None) -> str | None:
    S, t0, width = case.args
    wrong = S.copy()
    wrong[:, t0:t0 + width + 1] = S.mean()
    if _same(got, wrong):
        return (f"You masked {width + 1} frames, one frame too many: a mask of width {width} starting at frame {t0} "
                f"covers frames {t0} to {t0 + width - 1} (Python slices leave out their end)")
    return None


def _untouched(got: Any, expected: Any, case: Case | None) -> str | None:
    S, t0, width = case.args
    if width > 0 and _same(got, S):
        return "Your result equals the input: nothing was masked. Set the frames t0 .. t0 + width - 1 to S.mean()"
    return None


@exercise(
    "14.time_mask",
    prompt="""
        SpecAugment's time mask hides a band of consecutive frames, so a model cannot rely on any single
        moment of a clip.

        Write `time_mask(S, t0, width)` that takes a spectrogram S of shape (n_mels, frames), in dB, and
        returns a copy in which the `width` frames starting at frame `t0` are replaced by the mean of the
        whole spectrogram, S.mean() (computed before masking). Leave S itself unchanged.
    """,
    inputs=[(_spectrogram_example(40, 32, 0), 5, 8), (_spectrogram_example(16, 20, 1), 0, 3),
            (_spectrogram_example(8, 10, 2), 7, 3), (_spectrogram_example(8, 10, 3), 4, 0)],
    arg_names=("S", "t0", "width"),
    diagnostics=[_untouched, _rows_masked, _zero_fill, _one_too_many],
    mistakes=[
        Mistake(lambda S, t0, w: _set(S, (slice(t0, t0 + w), slice(None)), S.mean()), says="rows"),
        Mistake(lambda S, t0, w: _set(S, (slice(None), slice(t0, t0 + w)), 0.0), says="mean"),
        Mistake(lambda S, t0, w: _set(S, (slice(None), slice(t0, t0 + w + 1)), S.mean()), says="one frame too many"),
        Mistake(lambda S, t0, w: S.copy(), says="nothing was masked"),
    ],
    hints=[
        "Frames are the columns of S: the band is S[:, t0:t0 + width].",
        "Copy first (out = S.copy()), then out[:, t0:t0 + width] = S.mean().",
    ],
)
def time_mask(S, t0, width):
    out = S.copy()                          # the caller's spectrogram stays as it was
    out[:, t0:t0 + width] = S.mean()        # frames t0 .. t0 + width - 1, every mel band
    return out


def _set(S: np.ndarray, where: tuple, value: float) -> np.ndarray:
    out = S.copy()
    out[where] = value
    return out


# ----------------------------------------------------------------------------- 14.confusion_matrix


def _transposed(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, np.asarray(expected).T):
        return ("Your matrix is transposed: rows must be the true classes and columns the predictions, "
                "C[true, predicted] += 1")
    return None


def _normalised(got: Any, expected: Any, case: Case | None) -> str | None:
    E = np.asarray(expected, dtype=float)
    rows = E.sum(axis=1, keepdims=True)
    if _same(got, E / np.where(rows > 0, rows, 1)) or _same(got, E / E.sum()):
        return "You returned fractions; the task asks for counts (whole numbers of examples)"
    return None


def _too_small(got: Any, expected: Any, case: Case | None) -> str | None:
    arr = _array(got)
    E = np.asarray(expected)
    if arr is not None and arr.ndim == 2 and arr.shape[0] == arr.shape[1] and arr.shape[0] < E.shape[0]:
        return (f"Your matrix is {arr.shape[0]} x {arr.shape[0]}; it must be n_classes x n_classes "
                f"({E.shape[0]} x {E.shape[0]}), also when a class never occurs in this batch")
    return None


@exercise(
    "14.confusion_matrix",
    prompt="""
        Write `confusion_matrix(labels, predictions, n_classes)` that returns an int NumPy array C of shape
        (n_classes, n_classes) in which C[i, j] counts the examples of true class i that the model predicted
        as class j. `labels` and `predictions` are 1-D integer arrays of the same length.

        The diagonal then holds the right answers: C.trace() / C.sum() is the accuracy.
    """,
    inputs=[(np.array([0, 0, 1, 1, 2, 2, 2]), np.array([0, 1, 1, 1, 2, 0, 2]), 3),
            (np.array([1, 0, 3, 3, 2]), np.array([1, 1, 3, 0, 2]), 5),
            (np.array([0, 1, 0, 1]), np.array([1, 0, 0, 0]), 2)],
    arg_names=("labels", "predictions", "n_classes"),
    diagnostics=[_too_small, _transposed, _normalised],
    mistakes=[
        Mistake(lambda y, p, k: _count(p, y, k), says="transposed"),
        Mistake(lambda y, p, k: _count(y, p, k) / np.maximum(_count(y, p, k).sum(axis=1, keepdims=True), 1),
                says="counts"),
        Mistake(lambda y, p, k: _count(y, p, int(max(y.max(), p.max())) + 1), says="n_classes x n_classes"),
    ],
    hints=[
        "Start from np.zeros((n_classes, n_classes), dtype=int) and add 1 for every (label, prediction) pair.",
        "for t, p in zip(labels, predictions): C[t, p] += 1",
    ],
)
def confusion_matrix(labels, predictions, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    for true, predicted in zip(labels, predictions):
        C[true, predicted] += 1             # row: what it was; column: what the model said
    return C


def _count(y: np.ndarray, p: np.ndarray, k: int) -> np.ndarray:
    C = np.zeros((k, k), dtype=int)
    np.add.at(C, (y, p), 1)
    return C
