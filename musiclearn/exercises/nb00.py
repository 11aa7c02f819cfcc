"""Exercises for notebook ``00_welcome.ipynb``: decibels, samples and seconds, how exercises work.

Importing this module registers ``00.amplitude_to_db``, ``00.seconds_to_samples`` and
``00.samples_per_millisecond`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._compare import close_number as _close_number
from ._compare import ratio_everywhere as _ratio_everywhere
from ._engine import Case, Mistake, _num, _short, exercise


def used_power_formula(got, expected, case):
    if _ratio_everywhere(got, expected, 0.5):
        return ("Half the expected value: you used 10·log10, which is for power ratios; "
                "amplitude ratios use 20·log10")
    return None

def used_natural_log(got, expected, case):
    if _ratio_everywhere(got, expected, math.log(10)):
        return ("Too large by a factor of ln(10) ≈ 2.303: you used the natural logarithm np.log; "
                "decibels use the base-10 logarithm np.log10")
    return None

def forgot_twenty(got, expected, case):
    if _ratio_everywhere(got, expected, 1 / 20):
        return "20 times too small: you computed log10(ratio) but forgot to multiply by 20"
    return None

@exercise(
    "00.amplitude_to_db",
    prompt="""
        Write `amplitude_to_db(ratio)` that converts an amplitude ratio (for example
        2.0 = twice as loud in amplitude) to decibels: dB = 20 · log10(ratio).
        It should work on a single number and on a NumPy array of ratios.
        Examples: a ratio of 10 is 20 dB, a ratio of 2 is about 6.02 dB, a ratio of 1 is 0 dB.
    """,
    inputs=[(2.0,), (10.0,), (0.5,), (1.0,), (np.array([1.0, 2.0, 0.001]),)],
    arg_names=("ratio",),
    diagnostics=[used_power_formula, used_natural_log, forgot_twenty],
    mistakes=[
        Mistake(lambda ratio: 10 * np.log10(ratio), says="10·log10"),
        Mistake(lambda ratio: 20 * np.log(ratio), says="natural logarithm"),
        Mistake(lambda ratio: np.log10(ratio), says="forgot to multiply by 20"),
        Mistake(lambda ratio: 20 * math.log10(ratio), says="np.log10"),
        Mistake(lambda ratio: None, says="return"),
    ],
    hints=[
        "A decibel value is 20 times the base-10 logarithm of an amplitude ratio.",
        "NumPy's base-10 logarithm is np.log10; unlike math.log10 it also works on arrays.",
        "The whole body is one line: return 20 * np.log10(ratio)",
    ],
)
def amplitude_to_db(ratio):
    return 20 * np.log10(ratio)

def divided_by_rate(got, expected, case):
    seconds, sr = case.args
    if _close_number(got, seconds / sr):
        return (f"You divided: seconds / sr = {_num(seconds / sr)}. The sampling rate counts samples "
                "per second, so multiply: samples = seconds · sr")
    return None

def used_milliseconds(got, expected, case):
    seconds, sr = case.args
    if _close_number(got, seconds * sr * 1000):
        return "1000 times too many: the duration is already in seconds, not milliseconds"
    return None

def truncated(got, expected, case):
    seconds, sr = case.args
    exact = seconds * sr
    if isinstance(got, (int, np.integer)) and int(got) == math.floor(exact) and int(got) != expected:
        return (f"Off by one: in floating point {seconds!r} * {sr!r} = {exact!r}, and int() "
                f"cuts that down to {math.floor(exact)}. Use int(round(seconds * sr)) to get {expected}")
    return None

def returned_float(got, expected, case):
    if isinstance(got, (float, np.floating)) and _close_number(got, expected):
        return (f"Right number, wrong type: you returned the float {_short(got)}. A number of samples "
                "is used as an index or length (y[:n]), which must be an int: return int(round(...))")
    return None

@exercise(
    "00.seconds_to_samples",
    prompt="""
        Write `seconds_to_samples(seconds, sr)` that returns how many samples a duration
        of `seconds` seconds lasts at a sampling rate of `sr` samples per second (Hz),
        as an int, rounded to the nearest sample.
        Example: 0.5 s at 16000 Hz is 8000 samples.
    """,
    inputs=[(1.0, 22050), (0.5, 16000), (0.29, 100), (0.001, 16000), (2.5, 44100)],
    arg_names=("seconds", "sr"),
    integer=True,
    diagnostics=[returned_float, divided_by_rate, used_milliseconds, truncated],
    mistakes=[
        Mistake(lambda seconds, sr: seconds * sr, says="wrong type"),
        Mistake(lambda seconds, sr: seconds / sr, says="multiply"),
        Mistake(lambda seconds, sr: int(seconds * sr), says="round"),
        Mistake(lambda seconds, sr: int(round(seconds * sr * 1000)), says="milliseconds"),
    ],
    hints=[
        "The sampling rate sr says how many samples there are in one second.",
        "So a duration of `seconds` seconds holds seconds * sr samples; that product is a float.",
        "Floating point can give 28.999999999999996 instead of 29: round before converting, "
        "int(round(seconds * sr)).",
    ],
)
def seconds_to_samples(seconds, sr):
    return int(round(seconds * sr))

def gave_rate(got, expected, case):
    if _close_number(got, 16000):
        return "16000 is the number of samples in a whole second; one millisecond is 1/1000 of a second"
    return None

def gave_sample_period(got, expected, case):
    if _close_number(got, 1 / 16000):
        return ("1/16000 s = 62.5 µs is the duration of one sample (the sampling period); "
                "the question asks how many samples fit in 1 ms")
    return None

def used_microseconds(got, expected, case):
    if _close_number(got, 16000 * 1e-6):
        return "You multiplied by 1e-6, which is a microsecond; a millisecond is 1e-3 s"
    return None

def in_milliseconds(got, expected, case):
    if _close_number(got, 1000 / 16000):
        return ("1000/16000 = 0.0625 is the duration of one sample in milliseconds; "
                "the question asks how many samples fit in 1 ms")
    return None

@exercise(
    "00.samples_per_millisecond",
    prompt="""
        Speech models such as WaveNet work at 16 kHz: 16000 samples per second.
        How many samples are there in one millisecond of such audio?
        Compute it (don't type the number) and check your value.
    """,
    diagnostics=[gave_rate, gave_sample_period, used_microseconds, in_milliseconds],
    mistakes=[
        Mistake(16000, says="whole second"),
        Mistake(1 / 16000, says="duration of one sample"),
        Mistake(16000 * 1e-6, says="microsecond"),
        Mistake(1000 / 16000, says="in milliseconds"),
    ],
    hints=[
        "Samples per millisecond = samples per second × seconds per millisecond.",
        "One millisecond is 1e-3 seconds: 16000 * 1e-3.",
    ],
)
def samples_per_millisecond():
    sr = 16000  # samples per second
    return sr * 1e-3  # 1 ms = 0.001 s
