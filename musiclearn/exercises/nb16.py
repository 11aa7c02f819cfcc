"""Exercises for notebook ``16_spectrogram_translation.ipynb``: a time stretch, spectral convergence, guided attention.

Importing this module registers the exercises ``16.stretch``,
``16.spectral_convergence`` and ``16.guided_weights`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._compare import as_array as _array
from ._compare import same as _same
from ._engine import Case, Mistake, exercise

# ----------------------------------------------------------------------------- 16.stretch


def _stretch(S: Any, n_frames: int) -> np.ndarray:
    S = np.asarray(S, dtype=float)
    where = np.linspace(0, S.shape[1] - 1, n_frames)
    return np.stack([np.interp(where, np.arange(S.shape[1]), band) for band in S])


def _nearest(S: Any, n_frames: int) -> np.ndarray:
    S = np.asarray(S, dtype=float)
    return S[:, np.round(np.linspace(0, S.shape[1] - 1, n_frames)).astype(int)]


def _padded(S: Any, n_frames: int) -> np.ndarray:
    S = np.asarray(S, dtype=float)
    if S.shape[1] >= n_frames:
        return S[:, :n_frames]
    return np.pad(S, ((0, 0), (0, n_frames - S.shape[1])), constant_values=-80.0)


def _is_nearest(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, _nearest(*case.args)) and not _same(got, expected):
        return ("You picked the nearest input frame for every output frame: the result steps instead of "
                "gliding. Interpolate linearly between the two neighbouring frames (np.interp per band)")
    return None


def _is_padded(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, _padded(*case.args)) and not _same(got, expected):
        return ("You cut or padded A's frames to the new length (the copy baseline): nothing is stretched, "
                "so every note after the first starts too early. Spread the n_frames output positions over "
                "the whole input, from frame 0 to frame frames - 1")
    return None


_S1 = np.array([[0.0, 10.0, 20.0], [-80.0, -40.0, -60.0]])
_S2 = np.random.default_rng(16).uniform(-80, 0, (4, 7))


@exercise(
    "16.stretch",
    prompt="""
        Write `stretch(S, n_frames)`: time-stretch a log-mel spectrogram `S` (bands × frames) to exactly
        `n_frames` frames by linear interpolation along time, band by band. The first output frame
        equals the first input frame and the last equals the last.
    """,
    inputs=[(_S1, 5), (_S2, 12), (_S2, 4)],
    arg_names=("S", "n_frames"),
    diagnostics=[_is_nearest, _is_padded],
    mistakes=[Mistake(_nearest, says="nearest input frame"), Mistake(_padded, says="copy baseline")],
    hints=[
        "Output frame i sits at input position i · (frames − 1) / (n_frames − 1): np.linspace(0, frames - 1, n_frames).",
        "np.interp(positions, np.arange(frames), band) interpolates one band; stack the bands.",
    ],
)
def stretch(S, n_frames):
    S = np.asarray(S, dtype=float)
    positions = np.linspace(0, S.shape[1] - 1, n_frames)  # where each output frame reads the input
    return np.stack([np.interp(positions, np.arange(S.shape[1]), band) for band in S])


# ----------------------------------------------------------------------------- 16.spectral_convergence


def _by_estimate(got: Any, expected: Any, case: Case | None) -> str | None:
    S, E = (np.asarray(a, dtype=float) for a in case.args)
    value = np.linalg.norm(S - E) / np.linalg.norm(E)
    if _same(got, value) and not _same(got, expected):
        return ("You divided by the norm of the estimate; divide by the norm of the target magnitude S, "
                "which stays the same from iteration to iteration")
    return None


def _not_relative(got: Any, expected: Any, case: Case | None) -> str | None:
    S, E = (np.asarray(a, dtype=float) for a in case.args)
    if _same(got, np.linalg.norm(S - E)) and not _same(got, expected):
        return ("That is the absolute error ‖S − Ŝ‖; spectral convergence is relative: divide it by ‖S‖, "
                "so that a loud and a quiet clip are scored alike")
    if _same(got, np.sum((S - E) ** 2) / np.sum(S ** 2)) and not _same(got, expected):
        return "You used squared norms; take the square roots (np.linalg.norm) of both"
    return None


_M1 = np.abs(np.random.default_rng(1).normal(size=(5, 6)))
_M2 = np.abs(np.random.default_rng(2).normal(size=(5, 6))) * 3


@exercise(
    "16.spectral_convergence",
    prompt="""
        Griffin–Lim is judged by its *spectral convergence*: how far the magnitude Ŝ of the audio it
        made is from the target magnitude S, relative to S. Write `spectral_convergence(S, S_hat)`
        returning ‖S − Ŝ‖ / ‖S‖ with Frobenius norms (the square root of the sum of squares).
    """,
    inputs=[(_M1, _M2), (_M2, _M1), (_M1, _M1 * 0.5)],
    arg_names=("S", "S_hat"),
    diagnostics=[_by_estimate, _not_relative],
    mistakes=[
        Mistake(lambda S, E: np.linalg.norm(S - E) / np.linalg.norm(E), says="norm of the estimate"),
        Mistake(lambda S, E: np.linalg.norm(S - E), says="absolute error"),
        Mistake(lambda S, E: np.sum((S - E) ** 2) / np.sum(S ** 2), says="squared norms"),
    ],
    hints=["np.linalg.norm of a matrix is its Frobenius norm.",
           "return np.linalg.norm(S - S_hat) / np.linalg.norm(S)"],
)
def spectral_convergence(S, S_hat):
    return np.linalg.norm(S - S_hat) / np.linalg.norm(S)


# ----------------------------------------------------------------------------- 16.guided_weights


def _reference_weights(T: int, N: int, g: float) -> np.ndarray:
    t = np.arange(T)[:, None] / T
    n = np.arange(N)[None, :] / N
    return 1 - np.exp(-((n - t) ** 2) / (2 * g * g))


def _without_one_minus(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, 1 - _reference_weights(*case.args)) and not _same(got, expected):
        return ("Your weights are largest on the diagonal: that would *punish* the attention for being where "
                "it should. The penalty is 1 − exp(...): 0 on the diagonal, near 1 far from it")
    return None


def _same_scale(got: Any, expected: Any, case: Case | None) -> str | None:
    T, N, g = case.args
    t = np.arange(T)[:, None]
    n = np.arange(N)[None, :]
    for wrong in (1 - np.exp(-((n / T - t / T) ** 2) / (2 * g * g)), 1 - np.exp(-((n - t) ** 2) / (2 * g * g))):
        if _array(got) is not None and _same(got, wrong) and not _same(got, expected):
            return ("Divide the encoder position n by N and the decoder step t by T, each by its own length: "
                    "the diagonal runs from (0, 0) to (T, N) even when the output is longer than the input")
    return None


@exercise(
    "16.guided_weights",
    prompt="""
        The guided attention loss adds mean(W * alignment) to the training loss, with
        W[t, n] = 1 − exp(−(n/N − t/T)² / (2 g²)) for decoder step t of T and encoder frame n of N.
        Write `guided_weights(T, N, g)` returning W, shape (T, N).
    """,
    inputs=[(4, 6, 0.2), (10, 7, 0.2), (5, 5, 0.4)],
    arg_names=("T", "N", "g"),
    diagnostics=[_without_one_minus, _same_scale],
    mistakes=[
        Mistake(lambda T, N, g: 1 - _reference_weights(T, N, g), says="punish"),
        Mistake(lambda T, N, g: 1 - np.exp(-((np.arange(N)[None, :] / T - np.arange(T)[:, None] / T) ** 2)
                                           / (2 * g * g)), says="its own length"),
    ],
    hints=["t = np.arange(T)[:, None] / T and n = np.arange(N)[None, :] / N broadcast to a (T, N) grid.",
           "return 1 - np.exp(-((n - t) ** 2) / (2 * g * g))"],
)
def guided_weights(T, N, g):
    t = np.arange(T)[:, None] / T  # decoder steps, as a share of the output
    n = np.arange(N)[None, :] / N  # encoder frames, as a share of the input
    return 1 - np.exp(-((n - t) ** 2) / (2 * g * g))
