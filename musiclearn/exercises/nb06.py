"""Exercises for notebook ``06_mfcc.ipynb``: the DCT-II matrix, lifter weights, MFCCs from log-mel.

Importing this module registers the exercises ``06.dct_matrix``,
``06.lifter_weights`` and ``06.mfcc_from_logmel`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._engine import Case, Mistake, exercise
from ._compare import as_array as _array
from ._compare import same as _same


def _cosines(N: int, *, half: float = 0.5) -> np.ndarray:
    """``cos(π k (n + half) / N)`` with rows k and columns n."""
    k = np.arange(N)[:, None]
    n = np.arange(N)[None, :]
    return np.cos(np.pi * k * (n + half) / N)


def _scaled(C: np.ndarray, first: float, rest: float) -> np.ndarray:
    C = C.copy()
    C[0] *= first
    C[1:] *= rest
    return C


def _dct_ortho(S: np.ndarray, axis: int) -> np.ndarray:
    S = np.moveaxis(np.asarray(S, dtype=float), axis, 0)
    N = S.shape[0]
    D = _scaled(_cosines(N), np.sqrt(1 / N), np.sqrt(2 / N))
    return np.moveaxis(np.tensordot(D, S, axes=1), 0, axis)


# ----------------------------------------------------------------------------- 06.dct_matrix


def _transposed(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    if have is not None and have.ndim == 2 and _same(have.T, expected):
        return ("Your matrix is transposed: row k must hold the k-th cosine (coefficient k), "
                "column n the sample n, so that D @ x gives the coefficients")
    return None


def _same_scale_for_row_0(got: Any, expected: Any, case: Case | None) -> str | None:
    (N,) = case.args
    if _same(got, _scaled(_cosines(N), np.sqrt(2 / N), np.sqrt(2 / N))):
        return (f"Row 0 is scaled like the others (√(2/N)), so it has length √2, not 1: the constant "
                f"cosine (k = 0) needs √(1/N) = {np.sqrt(1 / N):.4g} to make the matrix orthonormal")
    return None


def _not_normalised(got: Any, expected: Any, case: Case | None) -> str | None:
    (N,) = case.args
    for raw in (_cosines(N), 2 * _cosines(N)):
        if _same(got, raw):
            return ("Your cosines are right but not normalised: with norm='ortho' every row has length 1 "
                    "(D @ D.T is the identity); scale row 0 by √(1/N) and the other rows by √(2/N)")
    return None


def _integer_sample_positions(got: Any, expected: Any, case: Case | None) -> str | None:
    (N,) = case.args
    for C in (_cosines(N, half=0.0), _scaled(_cosines(N, half=0.0), np.sqrt(1 / N), np.sqrt(2 / N))):
        if _same(got, C):
            return ("The DCT-II evaluates its cosines half-way between samples: use (n + 0.5), "
                    "i.e. cos(π k (2n + 1) / (2N)), not cos(π k n / N)")
    return None


@exercise(
    "06.dct_matrix",
    prompt="""
        Write `dct_matrix(N)` that returns the N × N orthonormal DCT-II matrix D, so that
        D @ x is scipy.fft.dct(x, type=2, norm='ortho') for a vector x of length N:

            D[k, n] = s_k · cos(π · k · (n + 0.5) / N),   k, n = 0 … N−1
            s_0 = √(1/N),   s_k = √(2/N) for k ≥ 1

        Row k is the k-th cosine "shape"; the rows are orthonormal (D @ D.T = identity).
    """,
    inputs=[(4,), (8,), (13,)],
    arg_names=("N",),
    diagnostics=[_transposed, _same_scale_for_row_0, _not_normalised, _integer_sample_positions],
    mistakes=[
        Mistake(lambda N: _scaled(_cosines(N), np.sqrt(1 / N), np.sqrt(2 / N)).T, says="transposed"),
        Mistake(lambda N: _scaled(_cosines(N), np.sqrt(2 / N), np.sqrt(2 / N)), says="row 0"),
        Mistake(lambda N: _cosines(N), says="not normalised"),
        Mistake(lambda N: _scaled(_cosines(N, half=0.0), np.sqrt(1 / N), np.sqrt(2 / N)), says="n + 0.5"),
    ],
    hints=[
        "Make a column of k and a row of n: k = np.arange(N)[:, None], n = np.arange(N)[None, :]; "
        "broadcasting then gives an N × N array.",
        "D = np.sqrt(2 / N) * np.cos(np.pi * k * (n + 0.5) / N), then fix row 0.",
        "Row 0 is constant; scale it by √(1/N) instead: D[0] = np.sqrt(1 / N) (all its cosines are 1).",
    ],
)
def dct_matrix(N):
    k = np.arange(N)[:, None]  # coefficient index (rows)
    n = np.arange(N)[None, :]  # sample index (columns)
    D = np.sqrt(2 / N) * np.cos(np.pi * k * (n + 0.5) / N)
    D[0] = np.sqrt(1 / N)  # cos(0) = 1 for every n, scaled to length 1
    return D


# ----------------------------------------------------------------------------- 06.lifter_weights


def _off_by_one(got: Any, expected: Any, case: Case | None) -> str | None:
    n_mfcc, L = case.args
    if _same(got, 1 + (L / 2) * np.sin(np.pi * np.arange(n_mfcc) / L)):
        return ("Off by one: the sine uses k + 1 for coefficient k (k = 0 … n_mfcc−1), so the "
                "first weight is 1 + (L/2)·sin(π/L), not 1")
    return None


def _forgot_one(got: Any, expected: Any, case: Case | None) -> str | None:
    n_mfcc, L = case.args
    if _same(got, (L / 2) * np.sin(np.pi * np.arange(1, n_mfcc + 1) / L)):
        return ("Every weight is exactly 1 too small: the lifter is 1 + (L/2)·sin(…); the 1 + keeps "
                "coefficients where the sine is 0")
    return None


def _full_l(got: Any, expected: Any, case: Case | None) -> str | None:
    n_mfcc, L = case.args
    if _same(got, 1 + L * np.sin(np.pi * np.arange(1, n_mfcc + 1) / L)):
        return "The sine's amplitude is L/2, not L: 1 + (L / 2) · sin(π (k+1) / L)"
    return None


@exercise(
    "06.lifter_weights",
    prompt="""
        Write `lifter_weights(n_mfcc, L)` returning the sinusoidal lifter: a NumPy array of
        n_mfcc weights, weight k (k = 0 … n_mfcc−1) being

            w[k] = 1 + (L / 2) · sin(π · (k + 1) / L)

        (librosa.feature.mfcc(..., lifter=L) multiplies coefficient k by w[k]).
    """,
    inputs=[(13, 22), (20, 22.0), (5, 3)],
    arg_names=("n_mfcc", "L"),
    diagnostics=[_off_by_one, _forgot_one, _full_l],
    mistakes=[
        Mistake(lambda n, L: 1 + (L / 2) * np.sin(np.pi * np.arange(n) / L), says="off by one"),
        Mistake(lambda n, L: (L / 2) * np.sin(np.pi * np.arange(1, n + 1) / L), says="1 +"),
        Mistake(lambda n, L: 1 + L * np.sin(np.pi * np.arange(1, n + 1) / L), says="L/2"),
    ],
    hints=[
        "k + 1 runs from 1 to n_mfcc: np.arange(1, n_mfcc + 1).",
        "return 1 + (L / 2) * np.sin(np.pi * np.arange(1, n_mfcc + 1) / L)",
    ],
)
def lifter_weights(n_mfcc, L):
    k = np.arange(n_mfcc)
    return 1 + (L / 2) * np.sin(np.pi * (k + 1) / L)


# ----------------------------------------------------------------------------- 06.mfcc_from_logmel


def _along_time(got: Any, expected: Any, case: Case | None) -> str | None:
    S_db, n_mfcc = case.args
    if _same(got, _dct_ortho(S_db, axis=1)[:n_mfcc]):
        return ("You took the DCT along time (axis 1, each mel band's history); MFCCs take it along "
                "frequency: axis 0, the mel bands of each frame")
    return None


def _kept_all(got: Any, expected: Any, case: Case | None) -> str | None:
    S_db, n_mfcc = case.args
    have = _array(got)
    if have is not None and have.ndim == 2 and have.shape[0] == S_db.shape[0] != n_mfcc:
        return (f"You kept all {have.shape[0]} coefficients; keep only the first n_mfcc = {n_mfcc} "
                "rows (the smooth envelope)")
    return None


def _plain_cosine_sums(S: np.ndarray, factor: float) -> np.ndarray:
    """``factor · Σ_n S[n] cos(π k (n + 0.5) / N)``: a DCT-II without the orthonormal scaling."""
    S = np.asarray(S, dtype=float)
    return factor * (_cosines(S.shape[0]) @ S)


def _unnormalised(got: Any, expected: Any, case: Case | None) -> str | None:
    S_db, n_mfcc = case.args
    # factor 2 is scipy.fft.dct's default (norm=None); factor 1 the bare cosine sums
    for factor in (2.0, 1.0):
        if _same(got, _plain_cosine_sums(S_db, factor)[:n_mfcc]):
            return ("Your DCT is not orthonormal: use norm='ortho' (scipy.fft.dct(S_db, type=2, "
                    "norm='ortho', axis=0)), as librosa does")
    return None


@exercise(
    "06.mfcc_from_logmel",
    prompt="""
        Write `mfcc_from_logmel(S_db, n_mfcc)`: given a log-power mel spectrogram S_db
        (NumPy array, shape (n_mels, frames), in dB), return its first n_mfcc MFCCs,
        shape (n_mfcc, frames): the orthonormal DCT-II of every frame (column) along the mel
        axis, keeping the first n_mfcc coefficients. You may use scipy.fft.dct or your
        dct_matrix. This is what librosa.feature.mfcc(S=S_db, n_mfcc=n_mfcc) does.
    """,
    inputs=[
        (np.random.default_rng(6).normal(-40.0, 12.0, (40, 7)), 13),
        (np.linspace(-80.0, 0.0, 128)[:, None] + np.zeros((1, 3)), 20),
        (np.random.default_rng(7).normal(-30.0, 5.0, (26, 26)), 12),
    ],
    arg_names=("S_db", "n_mfcc"),
    rtol=1e-6, atol=1e-6,
    diagnostics=[_kept_all, _along_time, _unnormalised],
    mistakes=[
        Mistake(lambda S, n: _dct_ortho(S, axis=0), says="keep only the first"),
        Mistake(lambda S, n: _dct_ortho(S, axis=1)[:n], says="along time"),
        Mistake(lambda S, n: _plain_cosine_sums(S, 2.0)[:n],
                says="norm='ortho'"),
    ],
    hints=[
        "scipy.fft.dct(x, type=2, norm='ortho', axis=0) transforms every column of x.",
        "Then keep the first n_mfcc rows: [:n_mfcc].",
    ],
)
def mfcc_from_logmel(S_db, n_mfcc):
    import scipy.fft

    C = scipy.fft.dct(S_db, type=2, norm="ortho", axis=0)  # one DCT per frame (column)
    return C[:n_mfcc]
