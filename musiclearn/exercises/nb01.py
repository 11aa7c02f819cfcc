"""Exercises for notebook ``01_sound_as_numbers.ipynb``: aliasing and quantisation.

Importing this module registers ``01.aliased_frequency``, ``01.quantize`` and
``01.bits_for_snr`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from ._engine import Case, Mistake, exercise
from ._compare import as_number as _number
from ._compare import same

_close = partial(same, rtol=1e-9, atol=1e-9)
_same = partial(same, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- 01.aliased_frequency


def _wrapped_not_folded(got: Any, expected: Any, case: Case | None) -> str | None:
    f, sr = case.args
    if _close(got, f % sr) and not _close(got, expected):
        return (f"You wrapped {f} Hz into [0, sr) with % sr and got {f % sr:g} Hz, but that is above the "
                f"Nyquist frequency sr/2 = {sr / 2:g} Hz: frequencies between sr/2 and sr fold back "
                "(mirror) to sr − f")
    return None


def _only_subtracted(got: Any, expected: Any, case: Case | None) -> str | None:
    f, sr = case.args
    if _close(got, sr - f) and not _close(got, expected):
        return (f"sr − f = {sr - f:g} Hz is only right when f lies between sr/2 and sr; a tone below "
                "Nyquist is heard unchanged, and one above sr first wraps around (f % sr)")
    return None


def _no_wrap(got: Any, expected: Any, case: Case | None) -> str | None:
    f, sr = case.args
    number = _number(got)
    if number is not None and f > sr and (number < 0 or number > sr / 2):
        return (f"For f = {f:g} Hz, more than the sampling rate, you got {number:g} Hz, outside "
                f"0 … {sr / 2:g} Hz: first remove whole multiples of sr (f % sr), then fold what "
                "lies above sr/2")
    return None


@exercise(
    "01.aliased_frequency",
    prompt="""
        Write `aliased_frequency(f, sr)`: the frequency in Hz you hear when a sinusoid of
        f Hz (f >= 0) is sampled at sr Hz.

        Sampling cannot tell f from f + k·sr (any whole number k) nor from −f, so every
        frequency lands somewhere between 0 and the Nyquist frequency sr/2:
        - below sr/2 nothing changes;
        - between sr/2 and sr it folds back to sr − f;
        - above sr, first remove the whole multiples of sr.
        Example: at sr = 8000 Hz, 5000 Hz is heard at 3000 Hz and 9000 Hz at 1000 Hz.
    """,
    inputs=[(440.0, 8000), (5000.0, 8000), (9000.0, 8000), (7900.0, 8000), (16000.0, 8000),
            (30000.0, 44100), (12345.0, 22050), (3000.0, 4000)],
    arg_names=("f", "sr"),
    diagnostics=[_wrapped_not_folded, _only_subtracted, _no_wrap],
    mistakes=[
        Mistake(lambda f, sr: f % sr, says="fold back"),
        Mistake(lambda f, sr: sr - f, says="only right when f lies between"),
        Mistake(lambda f, sr: f if f <= sr / 2 else sr - f, says="f % sr"),
        Mistake(lambda f, sr: None, says="return"),
    ],
    hints=[
        "Start with r = f % sr: sampling cannot tell f from f − sr, f − 2·sr, ...",
        "If r is above sr/2, you hear its mirror image sr − r instead.",
        "In one line: r = f % sr; return min(r, sr - r).",
    ],
)
def aliased_frequency(f, sr):
    r = f % sr  # f and f - k*sr give the same samples
    return min(r, sr - r)  # above sr/2 it mirrors back


# ----------------------------------------------------------------------------- 01.quantize


def _levels(y: np.ndarray, bits: int, *, step: float, rounding=np.round, clip: bool = True) -> np.ndarray:
    codes = rounding(np.asarray(y, dtype=float) / step)
    if clip:
        codes = np.clip(codes, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    return codes * step


def _half_step(got: Any, expected: Any, case: Case | None) -> str | None:
    y, bits = case.args
    if _same(got, _levels(y, bits, step=1 / 2**bits)):
        return (f"Your step is 1/2**bits = {1 / 2**bits:g}, half the right size: the {2**bits} levels must "
                f"cover the whole range from −1 to +1, which is 2 wide, so the step is 2/2**bits = {2 / 2**bits:g}")
    return None


def _floored(got: Any, expected: Any, case: Case | None) -> str | None:
    y, bits = case.args
    if _same(got, _levels(y, bits, step=2 / 2**bits, rounding=np.floor)):
        return ("You rounded down (np.floor or int()): every value moves to the level below it, which "
                "adds a constant offset of half a step. Round to the nearest level with np.round")
    return None


def _not_clipped(got: Any, expected: Any, case: Case | None) -> str | None:
    y, bits = case.args
    if _same(got, _levels(y, bits, step=2 / 2**bits, clip=False)):
        top = (2 ** (bits - 1) - 1) * 2 / 2**bits
        return (f"Values near +1 rounded to a level that does not exist: with {bits} bits the highest "
                f"level is (2**(bits−1) − 1)·step = {top:g}. Clip the level numbers to "
                "−2**(bits−1) … 2**(bits−1) − 1 (np.clip) before multiplying by the step")
    return None


def _codes(got: Any, expected: Any, case: Case | None) -> str | None:
    y, bits = case.args
    if _same(got, np.asarray(expected) / (2 / 2**bits)):
        return ("You returned the integer level numbers (what a WAV file stores). Multiply them by "
                "the step to get back to sample values between −1 and +1")
    return None


_RAMP = np.linspace(-1.0, 1.0, 41)
_SINE = 0.9 * np.sin(2 * np.pi * np.arange(50) / 50)


@exercise(
    "01.quantize",
    prompt="""
        Write `quantize(y, bits)` that rounds every sample of the NumPy array y (values between
        −1 and +1) to the nearest level of a `bits`-bit converter, the way WAV files store audio:

            step = 2 / 2**bits                      # 2**bits levels cover −1 … +1
            level number = round(y / step), clipped to −2**(bits−1) … 2**(bits−1) − 1
            result = level number · step

        Zero is a level ("mid-tread"), and the top level is one step short of +1.
        Example: quantize(np.array([0.1, 0.3, -0.6, 0.99]), 2) gives [0, 0.5, -0.5, 0.5].
    """,
    inputs=[(np.array([0.1, 0.3, -0.6, 0.99]), 2), (_RAMP, 3), (_SINE, 4), (_SINE, 8), (np.array([1.0, -1.0, 0.0]), 4)],
    arg_names=("y", "bits"),
    diagnostics=[_half_step, _floored, _not_clipped, _codes],
    mistakes=[
        Mistake(lambda y, bits: _levels(y, bits, step=1 / 2**bits), says="half the right size"),
        Mistake(lambda y, bits: _levels(y, bits, step=2 / 2**bits, rounding=np.floor), says="rounded down"),
        Mistake(lambda y, bits: _levels(y, bits, step=2 / 2**bits, clip=False), says="clip"),
        Mistake(lambda y, bits: _levels(y, bits, step=2 / 2**bits) / (2 / 2**bits), says="level numbers"),
    ],
    hints=[
        "With 2**bits levels spread over a range 2 wide (−1 … +1), one step is 2 / 2**bits.",
        "np.round(y / step) gives each sample's level number; np.clip keeps it between "
        "−2**(bits−1) and 2**(bits−1) − 1.",
        "Multiply the clipped level numbers by the step to get sample values back.",
    ],
)
def quantize(y, bits):
    step = 2 / 2**bits
    levels = np.clip(np.round(y / step), -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    return levels * step


# ----------------------------------------------------------------------------- 01.bits_for_snr


def _too_few(got: Any, expected: Any, case: Case | None) -> str | None:
    number = _number(got)
    if number is not None and number == int(number) and number < expected:
        return (f"{int(number)} bits give only 6.02·{int(number)} + 1.76 = {6.02 * number + 1.76:.2f} dB, "
                "less than 80 dB: round the number of bits up (math.ceil), never down")
    return None


def _ignored_offset(got: Any, expected: Any, case: Case | None) -> str | None:
    if _close(got, math.ceil(80 / 6.02)):
        return ("You left out the + 1.76 dB: a full-scale sine gets 6.02·bits + 1.76 dB, so the bits "
                "needed are (80 − 1.76) / 6.02, rounded up")
    return None


def _not_whole(got: Any, expected: Any, case: Case | None) -> str | None:
    number = _number(got)
    if number is not None and number != int(number):
        return (f"{number:.6g} is not a whole number: a converter has a whole number of bits, so round up "
                "to the next integer (math.ceil) and return an int")
    return None


@exercise(
    "01.bits_for_snr",
    prompt="""
        Quantising a full-scale sine to `bits` bits gives a signal-to-noise ratio of about
        6.02·bits + 1.76 dB. What is the smallest number of bits (an int) that reaches at
        least 80 dB? Compute it (don't type the number) and check your value.
    """,
    integer=True,
    diagnostics=[_not_whole, _ignored_offset, _too_few],
    mistakes=[
        Mistake(12, says="round the number of bits up"),
        Mistake(14, says="1.76"),
        Mistake((80 - 1.76) / 6.02, says="whole number"),
    ],
    hints=[
        "Solve 6.02·bits + 1.76 ≥ 80 for bits.",
        "bits ≥ (80 − 1.76) / 6.02 ≈ 13.0; a converter cannot have a fraction of a bit.",
        "int(math.ceil((80 - 1.76) / 6.02))",
    ],
)
def bits_for_snr():
    import math

    return int(math.ceil((80 - 1.76) / 6.02))  # smallest whole number of bits with 6.02*bits + 1.76 >= 80
