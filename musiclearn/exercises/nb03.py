"""Exercises for notebook ``03_fourier_transform.ipynb``: the DFT matrix, bins, FFT sizes.

Importing this module registers ``03.dft_matrix``, ``03.bin_of`` and
``03.next_power_of_two`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._engine import Case, Mistake, exercise


def _close_array(got: Any, value: Any) -> bool:
    try:
        have = np.asarray(got, dtype=complex)
    except (TypeError, ValueError):
        return False
    want = np.asarray(value)
    return have.shape == want.shape and bool(np.allclose(have, want, rtol=1e-6, atol=1e-9))


# ----------------------------------------------------------------------------- 03.dft_matrix


def _wrong_sign(got: Any, expected: Any, case: Case | None) -> str | None:
    if _close_array(got, np.conj(expected)):
        return ("The sign of the exponent is flipped: e^{+2πi·nk/N} belongs to the inverse DFT; the "
                "forward DFT (numpy.fft.fft) uses e^{−2πi·nk/N}")
    return None


def _divided_by_n(got: Any, expected: Any, case: Case | None) -> str | None:
    (N,) = case.args
    if _close_array(got, np.asarray(expected) / N):
        return ("You divided by N: numpy.fft.fft does not scale the forward transform (the 1/N belongs "
                "to the inverse)")
    if _close_array(got, np.asarray(expected) / math.sqrt(N)):
        return "You divided by √N (the 'ortho' scaling); numpy.fft.fft's default does not scale the forward transform"
    return None


def _only_cosines(got: Any, expected: Any, case: Case | None) -> str | None:
    if _close_array(got, np.real(expected)):
        return ("Your matrix holds only the cosine (real) part; each entry is a complex number "
                "e^{−2πi·nk/N} = cos(2π·nk/N) − i·sin(2π·nk/N): use np.exp(-2j * np.pi * ...)")
    return None


@exercise(
    "03.dft_matrix",
    prompt="""
        Write `dft_matrix(N)` that returns the N×N complex DFT matrix F with entries

            F[k, n] = exp(−2πi · k · n / N),   k, n = 0 … N−1

        so that F @ x equals np.fft.fft(x) for any signal x of N samples.
        Hint: np.outer(k, n) gives all the products k·n at once; 1j is the imaginary unit.
    """,
    inputs=[(2,), (4,), (5,), (8,)],
    arg_names=("N",),
    diagnostics=[_wrong_sign, _divided_by_n, _only_cosines],
    mistakes=[
        Mistake(lambda N: np.exp(2j * np.pi * np.outer(np.arange(N), np.arange(N)) / N), says="sign"),
        Mistake(lambda N: np.exp(-2j * np.pi * np.outer(np.arange(N), np.arange(N)) / N) / N, says="divided by N"),
        Mistake(lambda N: np.cos(2 * np.pi * np.outer(np.arange(N), np.arange(N)) / N), says="cosine"),
        Mistake(lambda N: None, says="return"),
    ],
    hints=[
        "k = np.arange(N) is both the row index (frequency) and, as n, the column index (time).",
        "np.outer(k, k) is the N×N table of products k·n.",
        "return np.exp(-2j * np.pi * np.outer(k, k) / N)",
    ],
)
def dft_matrix(N):
    k = np.arange(N)
    return np.exp(-2j * np.pi * np.outer(k, k) / N)  # row k: a complex sinusoid of k cycles per N samples


# ----------------------------------------------------------------------------- 03.bin_of


def _float_bin(got: Any, expected: Any, case: Case | None) -> str | None:
    if isinstance(got, (float, np.floating)):
        return (f"You returned the float {float(got)!r}: a bin is an index into the spectrum, a whole number; "
                "return int(round(...))")
    return None


def _upside_down(got: Any, expected: Any, case: Case | None) -> str | None:
    freq, sr, n_fft = case.args
    if isinstance(got, (int, np.integer)) and int(got) in {math.floor(freq * sr / n_fft), round(freq * sr / n_fft)}:
        return (f"Upside down: you computed freq · sr / n_fft. Bins are sr / n_fft = {sr / n_fft:.4g} Hz "
                "apart, so the bin is freq divided by that spacing: freq · n_fft / sr")
    return None


def _used_nyquist(got: Any, expected: Any, case: Case | None) -> str | None:
    freq, sr, n_fft = case.args
    if isinstance(got, (int, np.integer)) and int(got) != expected and int(got) in {
            round(freq * n_fft / (sr / 2)), math.floor(freq * n_fft / (sr / 2))}:
        return (f"Twice too large: the n_fft bins span the whole sampling rate sr = {sr} Hz (the upper "
                "half mirrors the lower), so they are sr / n_fft apart, not (sr / 2) / n_fft")
    return None


def _truncated_bin(got: Any, expected: Any, case: Case | None) -> str | None:
    freq, sr, n_fft = case.args
    exact = freq * n_fft / sr
    if isinstance(got, (int, np.integer)) and int(got) == math.floor(exact) and int(got) != expected:
        return (f"{freq} · {n_fft} / {sr} = {exact:.4g}, and int() cut it down to {int(got)}; "
                f"round to the nearest bin instead: int(round(...)) = {expected}")
    return None


@exercise(
    "03.bin_of",
    prompt="""
        Write `bin_of(freq, sr, n_fft)` that returns the index (an int) of the FFT bin
        closest to the frequency `freq` in Hz, for an FFT of `n_fft` samples at a sampling
        rate of `sr` Hz. Bin k sits at k · sr / n_fft Hz.
        Example: 1000 Hz at sr = 8000 Hz with n_fft = 256 is bin 32.
    """,
    inputs=[(440.0, 22050, 2048), (1000.0, 8000, 256), (4000.0, 8000, 256), (100.0, 16000, 512),
            (3000.0, 44100, 4096), (0.0, 22050, 1024)],
    arg_names=("freq", "sr", "n_fft"),
    integer=True,
    diagnostics=[_float_bin, _upside_down, _used_nyquist, _truncated_bin],
    mistakes=[
        Mistake(lambda freq, sr, n_fft: freq * n_fft / sr, says="int(round"),
        Mistake(lambda freq, sr, n_fft: int(round(freq * sr / n_fft)), says="upside down"),
        Mistake(lambda freq, sr, n_fft: int(round(freq * n_fft / (sr / 2))), says="twice too large"),
        Mistake(lambda freq, sr, n_fft: int(freq * n_fft / sr), says="round to the nearest bin"),
    ],
    hints=[
        "Neighbouring bins are sr / n_fft Hz apart (bin k sits at k · sr / n_fft Hz).",
        "So freq lies at freq / (sr / n_fft) = freq · n_fft / sr bins: usually not a whole number.",
        "int(round(freq * n_fft / sr))",
    ],
)
def bin_of(freq, sr, n_fft):
    return int(round(freq * n_fft / sr))  # bins are sr / n_fft Hz apart


# ----------------------------------------------------------------------------- 03.next_power_of_two


def _rounded_down(got: Any, expected: Any, case: Case | None) -> str | None:
    (n,) = case.args
    if isinstance(got, (int, np.integer)) and got < n:
        return (f"{int(got)} is smaller than n = {n}: zero padding can only make a signal longer, so "
                "round the exponent up (the smallest power of two that is >= n)")
    return None


def _doubled_power(got: Any, expected: Any, case: Case | None) -> str | None:
    (n,) = case.args
    if isinstance(got, (int, np.integer)) and n == expected and got == 2 * n:
        return (f"n = {n} is already a power of two, so it needs no padding: the answer is {n} itself, "
                f"not {int(got)}")
    return None


def _float_power(got: Any, expected: Any, case: Case | None) -> str | None:
    if isinstance(got, (float, np.floating)):
        return (f"You returned the float {float(got)!r} (2.0 ** x or np.ceil give floats); an FFT length is an "
                "int: use int(...) or 2 ** int(...)")
    return None


@exercise(
    "03.next_power_of_two",
    prompt="""
        The radix-2 FFT needs a length that is a power of two, so a signal is zero-padded up
        to the next one. Write `next_power_of_two(n)` that returns the smallest power of two
        (an int: 1, 2, 4, 8, ...) that is >= n, for n >= 1.
        Examples: 1000 → 1024, 1024 → 1024, 1025 → 2048.
    """,
    inputs=[(1,), (2,), (3,), (5,), (1000,), (1024,), (1025,), (4097,)],
    arg_names=("n",),
    integer=True,
    diagnostics=[_float_power, _rounded_down, _doubled_power],
    mistakes=[
        Mistake(lambda n: 2 ** int(np.log2(n)), says="smaller than n"),
        Mistake(lambda n: 2 ** (int(np.log2(n)) + 1), says="already a power of two"),
        Mistake(lambda n: 2.0 ** np.ceil(np.log2(n)), says="float"),
    ],
    hints=[
        "Start from p = 1 and double it while it is still smaller than n.",
        "Or with logarithms: the exponent is ceil(log2(n)).",
        "p = 1; while p < n: p *= 2; return p",
    ],
)
def next_power_of_two(n):
    p = 1
    while p < n:  # double until the signal fits
        p *= 2
    return p
