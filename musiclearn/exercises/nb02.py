"""Exercises for notebook ``02_frames_and_windows.ipynb``: framing and overlap.

Importing this module registers ``02.hann``, ``02.frame`` and ``02.hop_for_overlap``
with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._engine import Case, Mistake, _as_number_array, exercise


def _matrix(value: Any) -> np.ndarray | None:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array if array.ndim == 2 else None


def _frames_with_hop(y: np.ndarray, frame_length: int, hop_length: int) -> np.ndarray:
    n_frames = 1 + (len(y) - frame_length) // hop_length
    return np.stack([y[i * hop_length:i * hop_length + frame_length] for i in range(n_frames)], axis=1)


def _padded_frames(y: np.ndarray, frame_length: int, hop_length: int) -> np.ndarray:
    n_frames = 1 + math.ceil((len(y) - frame_length) / hop_length)
    padded = np.pad(y, (0, (n_frames - 1) * hop_length + frame_length - len(y)))
    return _frames_with_hop(padded, frame_length, hop_length)


# ----------------------------------------------------------------------------- 02.frame


def _transposed(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _matrix(got)
    want = np.asarray(expected)
    if have is not None and have.shape == want.shape[::-1] and np.allclose(have.T, want):
        return (f"Your frames are rows (shape {have.shape}); the convention (librosa.util.frame, "
                f"musiclearn.windows.frame) is one frame per column, shape (frame_length, n_frames) = "
                f"{want.shape}: stack with axis=1 or transpose")
    return None


def _frame_count(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _matrix(got)
    want = np.asarray(expected)
    if have is None or have.shape[0] != want.shape[0]:
        return None
    y, frame_length, hop_length = case.args
    if have.shape[1] == want.shape[1] - 1:
        return (f"One frame short: {want.shape[1]} whole frames fit, 1 + (len(y) − frame_length) // hop_length; "
                "the first frame starts at sample 0 and counts too")
    if have.shape[1] == want.shape[1] + 1:
        return ("One frame too many: the last frame must fit entirely inside the signal (no padding "
                "here), so count frames with integer division: 1 + (len(y) − frame_length) // hop_length")
    return None


def _ignored_hop(got: Any, expected: Any, case: Case | None) -> str | None:
    y, frame_length, hop_length = case.args
    have = _matrix(got)
    if have is None or hop_length == frame_length:
        return None
    side_by_side = _frames_with_hop(np.asarray(y), frame_length, frame_length)
    if have.shape == side_by_side.shape and np.allclose(have, side_by_side):
        return (f"Your frames sit side by side (each starts frame_length = {frame_length} samples after the "
                f"previous one); they should start hop_length = {hop_length} samples apart and overlap")
    return None


@exercise(
    "02.frame",
    prompt="""
        Write `frame(y, frame_length, hop_length)` that cuts the 1-D NumPy array y into
        overlapping frames and returns them as the *columns* of a 2-D array of shape
        (frame_length, n_frames):

            column i = y[i·hop_length : i·hop_length + frame_length]

        Only whole frames: the last frame must fit inside y (no padding), so
        n_frames = 1 + (len(y) − frame_length) // hop_length.
        Example: frame(np.arange(10.0), 4, 2) has shape (4, 4) and its second column is [2, 3, 4, 5].
        (This is what librosa.util.frame and musiclearn.windows.frame do.)
    """,
    inputs=[(np.arange(12.0), 4, 2), (np.arange(11.0), 4, 3), (np.arange(16.0), 8, 8),
            (np.sin(np.arange(300) / 7.0), 64, 16)],
    arg_names=("y", "frame_length", "hop_length"),
    diagnostics=[_transposed, _frame_count, _ignored_hop],
    mistakes=[
        Mistake(lambda y, L, H: _frames_with_hop(y, L, H).T, says="one frame per column"),
        Mistake(lambda y, L, H: _frames_with_hop(y, L, H)[:, :-1], says="one frame short"),
        Mistake(lambda y, L, H: _padded_frames(y, L, H), says="one frame too many"),
        Mistake(lambda y, L, H: _frames_with_hop(y, L, L), says="hop_length"),
    ],
    hints=[
        "First count the frames: n_frames = 1 + (len(y) - frame_length) // hop_length.",
        "Frame i starts at sample i * hop_length: y[i * hop_length : i * hop_length + frame_length].",
        "Collect the frames in a list and np.stack(frames, axis=1) makes them the columns.",
    ],
)
def frame(y, frame_length, hop_length):
    n_frames = 1 + (len(y) - frame_length) // hop_length
    frames = [y[i * hop_length:i * hop_length + frame_length] for i in range(n_frames)]
    return np.stack(frames, axis=1)  # one frame per column


# ----------------------------------------------------------------------------- 02.hop_for_overlap


def _hop_is_overlap(got: Any, expected: Any, case: Case | None) -> str | None:
    frame_length, overlap = case.args
    if isinstance(got, (int, float, np.integer, np.floating)) and math.isclose(float(got), frame_length * overlap,
                                                                                abs_tol=0.5001):
        return (f"{got} samples is the *overlap* (the part two neighbouring frames share); the hop is the "
                "part they do not share: frame_length · (1 − overlap)")
    return None


def _float_hop(got: Any, expected: Any, case: Case | None) -> str | None:
    if isinstance(got, (float, np.floating)):
        return (f"You returned the float {float(got)!r}: a hop is a whole number of samples (it is used to index "
                "arrays), so return int(round(...))")
    return None


def _truncated(got: Any, expected: Any, case: Case | None) -> str | None:
    frame_length, overlap = case.args
    exact = frame_length * (1 - overlap)
    if isinstance(got, (int, np.integer)) and int(got) == math.floor(exact) and int(got) != expected:
        return (f"{frame_length}·(1 − {overlap}) = {exact:.6g}, and int() cut it down to {int(got)}; "
                f"round to the nearest sample instead: int(round(...)) = {expected}")
    return None


@exercise(
    "02.hop_for_overlap",
    prompt="""
        Write `hop_for_overlap(frame_length, overlap)` that returns the hop length (in samples,
        an int, rounded to the nearest sample) for frames of `frame_length` samples that
        overlap by the fraction `overlap` (0 = no overlap, 0.5 = half, 0.75 = three quarters).
        Example: frames of 2048 samples with 75 % overlap start 512 samples apart.
    """,
    inputs=[(2048, 0.75), (1024, 0.5), (400, 0.6), (100, 0.0), (2048, 0.9), (512, 0.25)],
    arg_names=("frame_length", "overlap"),
    integer=True,
    diagnostics=[_float_hop, _hop_is_overlap, _truncated],
    mistakes=[
        Mistake(lambda L, overlap: int(round(L * overlap)), says="the part they do not share"),
        Mistake(lambda L, overlap: L * (1 - overlap), says="whole number of samples"),
        Mistake(lambda L, overlap: int(L * (1 - overlap)), says="round to the nearest sample"),
    ],
    hints=[
        "Overlap is the shared part of two neighbouring frames; the hop is the rest of the frame.",
        "hop = frame_length · (1 − overlap), as a whole number of samples.",
        "int(round(frame_length * (1 - overlap)))",
    ],
)
def hop_for_overlap(frame_length, overlap):
    return int(round(frame_length * (1 - overlap)))  # the part of a frame not shared with the next


# ----------------------------------------------------------------------------- 02.hann


def _periodic_mirror_problem(w: np.ndarray) -> tuple[int, float, float] | None:
    """(n, w[n], w[N-n]) where a periodic window breaks w[n] == w[N-n]; None if it does not."""
    n_points = len(w)
    for n in range(1, n_points):
        if not math.isclose(w[n], w[n_points - n], rel_tol=1e-6, abs_tol=1e-9):
            return n, float(w[n]), float(w[n_points - n])
    return None

def _window(got) -> np.ndarray | None:
    have = _as_number_array(got)
    return have.astype(float) if have is not None and have.ndim == 1 and len(have) >= 2 else None

def wrong_length(got, expected, case):
    w = _window(got)
    if w is None or len(w) == len(expected):
        return None
    n_points = len(expected)
    extra = ""
    if len(w) == n_points + 1:
        extra = (": a symmetric window of N+1 points has the N periodic points plus a repeated last 0, "
                 "so drop that last point (w[:-1])")
    return f"Wrong length: for N={n_points} the window has N={n_points} values, yours has {len(w)}{extra}"

def symmetric_instead_of_periodic(got, expected, case):
    w = _window(got)
    n_points = len(expected)
    if w is None or len(w) != n_points:
        return None
    n = np.arange(n_points)
    symmetric = 0.5 - 0.5 * np.cos(2 * np.pi * n / (n_points - 1))
    if np.allclose(w, symmetric, atol=1e-9):
        return (f"You built the symmetric Hann window (as np.hanning does: cos(2πn/(N−1)), so "
                f"w[-1] = {w[-1]:.3g} equals w[0]). The periodic window divides by N instead, "
                f"so w[-1] = {expected[-1]:.3g}: it repeats seamlessly frame after frame, which is what "
                "spectral analysis (scipy.signal.get_window, librosa) uses")
    return None

def hamming_instead_of_hann(got, expected, case):
    w = _window(got)
    n_points = len(expected)
    if w is None or len(w) != n_points:
        return None
    n = np.arange(n_points)
    for denominator in (n_points, n_points - 1):
        hamming = 0.54 - 0.46 * np.cos(2 * np.pi * n / denominator)
        if np.allclose(w, hamming, atol=1e-9):
            return (f"That is a Hamming window (0.54 − 0.46·cos): w[0] = {w[0]:.3g}, not 0. "
                    "Hann uses 0.5 − 0.5·cos, so it starts at exactly 0")
    return None

def not_symmetric(got, expected, case):
    w = _window(got)
    if w is None or len(w) != len(expected):
        return None
    broken = _periodic_mirror_problem(w)
    if broken is None:
        return None
    n, left, right = broken
    return (f"Your window is not symmetric: w[{n}] = {left:.3g} but w[N−{n}] = w[{len(w) - n}] = {right:.3g}. "
            "A periodic Hann window rises and falls like a cosine bump: w[n] = w[N−n] for n = 1..N−1 "
            "(check you used cos, and 2πn/N: one full period over the frame)")

@exercise(
    "02.hann",
    prompt="""
        Write `hann(N)` that returns the *periodic* Hann window of length N (N >= 2) as a
        NumPy array of N floats:

            w[n] = 0.5 − 0.5 · cos(2π n / N),   n = 0, 1, ..., N−1

        This is the window spectral analysis uses: scipy.signal.get_window('hann', N) and
        librosa's STFT. (np.hanning(N) is the *symmetric* variant, which divides by N−1;
        it is not what is asked here.)
    """,
    inputs=[(8,), (9,), (16,), (1024,)],
    arg_names=("N",),
    rtol=1e-6, atol=1e-7,  # float32 arithmetic is fine too
    diagnostics=[wrong_length, symmetric_instead_of_periodic, hamming_instead_of_hann, not_symmetric],
    mistakes=[
        Mistake(lambda N: np.hanning(N), says="symmetric Hann window"),
        Mistake(lambda N: 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(N) / N), says="Hamming"),
        Mistake(lambda N: 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N + 1) / N), says="wrong length"),
        Mistake(lambda N: 0.5 - 0.5 * np.cos(np.pi * np.arange(N) / N), says="not symmetric"),
        Mistake(lambda N: 0.5 - 0.5 * np.sin(2 * np.pi * np.arange(N) / N), says="not symmetric"),
        Mistake(lambda N: 1 - np.cos(2 * np.pi * np.arange(N) / N), says="factor of 2"),
    ],
    hints=[
        "Make the sample indices first: n = np.arange(N).",
        "The periodic window divides by N (not N − 1): np.cos(2 * np.pi * n / N).",
        "Hann's coefficients are 0.5 and 0.5 (Hamming's are 0.54 and 0.46): return 0.5 - 0.5 * np.cos(...).",
    ],
)
def hann(N):
    n = np.arange(N)
    return 0.5 - 0.5 * np.cos(2 * np.pi * n / N)
