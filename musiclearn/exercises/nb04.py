"""Exercises for notebook ``04_stft_and_spectrograms.ipynb``: frames, frame times, decibels.

Importing this module registers the exercises ``04.n_frames``,
``04.frame_time`` and ``04.to_db`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._engine import Case, Mistake, exercise
from ._compare import as_array as _array
from ._compare import as_number as _number
from ._compare import same as _same


# ----------------------------------------------------------------------------- 04.n_frames


def _one_frame_short(got: Any, expected: Any, case: Case | None) -> str | None:
    if isinstance(got, (int, np.integer)) and int(got) == int(expected) - 1:
        return ("One frame short: after the first frame (which starts at sample 0), every hop_length "
                "samples that still leave room for a whole frame add one more, so the count is "
                "1 + (samples - n_fft) // hop_length: don't forget the 1 +")
    return None


def _float_division(got: Any, expected: Any, case: Case | None) -> str | None:
    if isinstance(got, (float, np.floating)):
        return (f"You returned the float {float(got):.6g}: a frame that would stick out past the end "
                "of the signal is not computed, so count whole hops with integer division // "
                "(it rounds down), not /")
    return None


def _ignored_center(got: Any, expected: Any, case: Case | None) -> str | None:
    n_samples, n_fft, hop_length, center = case.args
    unpadded = 1 + (n_samples - n_fft) // hop_length
    if center and _number(got) is not None and _number(got) == unpadded:
        return (f"With center=True the signal is first padded with n_fft // 2 = {n_fft // 2} zeros on "
                f"each side, so there are {n_samples} + 2·{n_fft // 2} samples to frame, not {n_samples}")
    return None


def _padded_without_center(got: Any, expected: Any, case: Case | None) -> str | None:
    n_samples, n_fft, hop_length, center = case.args
    padded = 1 + (n_samples + 2 * (n_fft // 2) - n_fft) // hop_length
    if not center and _number(got) is not None and _number(got) == padded:
        return ("With center=False nothing is padded: the first frame starts at sample 0 and the "
                "last one must fit inside the signal")
    return None


@exercise(
    "04.n_frames",
    prompt="""
        Write `n_frames(n_samples, n_fft, hop_length, center)` that returns how many columns
        (frames) the STFT of a signal of `n_samples` samples has, as an int.

        - center=False: frames of n_fft samples start at 0, hop_length, 2·hop_length, ...;
          the last frame must fit entirely inside the signal.
        - center=True: the signal is first padded with n_fft // 2 zeros on each side
          (so frame t is centred on sample t·hop_length), then framed as above.

        Example: 22050 samples, n_fft=2048, hop_length=512, center=True gives 44 frames.
    """,
    inputs=[
        (22050, 2048, 512, True),
        (22050, 2048, 512, False),
        (1000, 256, 64, True),
        (1000, 256, 64, False),
        (4096, 1024, 1024, False),
        (4095, 1024, 256, True),
        (300, 256, 100, False),
    ],
    arg_names=("n_samples", "n_fft", "hop_length", "center"),
    integer=True,
    diagnostics=[_float_division, _ignored_center, _padded_without_center, _one_frame_short],
    mistakes=[
        Mistake(lambda n, n_fft, hop, center: ((n + 2 * (n_fft // 2) if center else n) - n_fft) // hop,
                says="1 +"),
        Mistake(lambda n, n_fft, hop, center: 1 + (n - n_fft) // hop, says="padded with n_fft // 2"),
        Mistake(lambda n, n_fft, hop, center: 1 + (n + 2 * (n_fft // 2) - n_fft) // hop, says="nothing is padded"),
        Mistake(lambda n, n_fft, hop, center: 1 + ((n + 2 * (n_fft // 2) if center else n) - n_fft) / hop,
                says="integer division"),
    ],
    hints=[
        "Start with center=False: the first frame covers samples 0 … n_fft−1; each further frame "
        "starts hop_length samples later. How many hops fit in n_samples − n_fft?",
        "center=False: 1 + (n_samples - n_fft) // hop_length. Use // (integer division): a frame "
        "that would stick out past the end is not computed.",
        "center=True: the padded signal has n_samples + 2 * (n_fft // 2) samples; apply the same formula to it.",
    ],
)
def n_frames(n_samples, n_fft, hop_length, center):
    if center:
        n_samples = n_samples + 2 * (n_fft // 2)  # n_fft // 2 zeros on each side
    return 1 + (n_samples - n_fft) // hop_length


# ----------------------------------------------------------------------------- 04.frame_time


def _in_samples(got: Any, expected: Any, case: Case | None) -> str | None:
    t, sr, hop_length, n_fft = case.args
    if _same(got, np.asarray(t) * hop_length):
        return (f"That is a position in samples; divide by the sampling rate sr = {sr} Hz "
                "to get seconds")
    return None


def _used_n_fft(got: Any, expected: Any, case: Case | None) -> str | None:
    t, sr, hop_length, n_fft = case.args
    if _same(got, np.asarray(t) * n_fft / sr):
        return ("Frames are hop_length samples apart, not n_fft: they overlap, so frame t starts "
                "t · hop_length samples after frame 0")
    return None


def _uncentred(got: Any, expected: Any, case: Case | None) -> str | None:
    t, sr, hop_length, n_fft = case.args
    if _same(got, (np.asarray(t) * hop_length + n_fft / 2) / sr):
        return ("You added half a frame (n_fft / 2): that is where frame t's centre lies with "
                "center=False. With center=True the padding already moved every frame so that "
                "frame t is centred on sample t · hop_length")
    return None


def _milliseconds(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, np.asarray(expected) * 1000):
        return "1000 times too large: the answer is in seconds, not milliseconds"
    return None


@exercise(
    "04.frame_time",
    prompt="""
        Write `frame_time(t, sr, hop_length, n_fft)` that returns the time in seconds at
        which frame `t` of an STFT computed with center=True is centred. `t` may be one
        frame index or a NumPy array of indices; sr is in Hz, hop_length and n_fft in samples.

        Example: frame 10 at sr=22050 Hz with hop_length=512 is centred at 0.232 s.
    """,
    inputs=[
        (10, 22050, 512, 2048),
        (np.arange(5), 16000, 160, 400),
        (np.array([0, 3, 100]), 44100, 1024, 4096),
    ],
    arg_names=("t", "sr", "hop_length", "n_fft"),
    diagnostics=[_in_samples, _used_n_fft, _uncentred, _milliseconds],
    mistakes=[
        Mistake(lambda t, sr, hop, n_fft: np.asarray(t) * hop, says="divide by the sampling rate"),
        Mistake(lambda t, sr, hop, n_fft: np.asarray(t) * n_fft / sr, says="hop_length samples apart"),
        Mistake(lambda t, sr, hop, n_fft: (np.asarray(t) * hop + n_fft / 2) / sr, says="center=false"),
        Mistake(lambda t, sr, hop, n_fft: np.asarray(t) * hop / sr * 1000, says="milliseconds"),
    ],
    hints=[
        "With center=True, frame t is centred on sample t · hop_length.",
        "A sample index becomes a time in seconds when you divide it by sr (samples per second).",
        "n_fft does not appear in the answer (it is there to tempt you).",
    ],
)
def frame_time(t, sr, hop_length, n_fft):
    return np.asarray(t) * hop_length / sr  # frame t is centred on sample t * hop_length


# ----------------------------------------------------------------------------- 04.to_db


def _relative_db(S: np.ndarray, *, factor: float) -> np.ndarray:
    """``factor · log10(S / S.max())`` floored at -80 dB (factor 20 is right, 10 a typical mistake)."""
    S = np.asarray(S, dtype=float)
    return np.maximum(factor * np.log10(np.maximum(S, 1e-10) / S.max()), -80.0)


def _power_formula(got: Any, expected: Any, case: Case | None) -> str | None:
    (S,) = case.args
    if _same(got, _relative_db(S, factor=10.0)):
        return ("You used 10·log10, the formula for power; S holds amplitudes (|X|), and an "
                "amplitude ratio in dB is 20·log10(ratio)")
    return None


def _no_floor(got: Any, expected: Any, case: Case | None) -> str | None:
    have = _array(got)
    if have is None or have.shape != np.shape(expected):
        return None
    if np.any(have < -80.0 - 1e-6):
        return (f"Your result goes down to {np.min(have):.4g} dB: clip it at the floor of -80 dB "
                "(np.maximum(S_db, -80)), otherwise silence (log of 0) gives -inf and the image "
                "is dominated by meaningless, very quiet values")
    return None


def _not_relative(got: Any, expected: Any, case: Case | None) -> str | None:
    (S,) = case.args
    have = _array(got)
    if have is None or have.shape != np.shape(expected):
        return None
    loudest = np.unravel_index(np.argmax(S), np.shape(S))
    if abs(have[loudest]) > 1e-6:
        return (f"The largest value of S should read 0 dB, yours reads {have[loudest]:.4g} dB: "
                "divide S by S.max() (the reference) before taking the logarithm")
    return None


@exercise(
    "04.to_db",
    prompt="""
        Write `to_db(S)` that converts a magnitude spectrogram S (amplitudes |X|, a NumPy
        array of non-negative floats) to decibels relative to its largest value, with a
        floor at -80 dB:

            S_db = 20 · log10(S / S.max()),  and every value below -80 dB raised to -80 dB.

        The loudest pixel is then 0 dB and everything else is negative. Zeros in S must give
        -80 dB, not -inf (clip S to at least 1e-10 before the logarithm).
        This is what musiclearn.stft.amplitude_to_db(S, ref=np.max) does.
    """,
    inputs=[
        (np.array([[3.0, 0.3, 0.003], [3e-5, 0.0, 1.5]]),),
        (np.array([[1.0, 0.5], [0.25, 0.125]]),),
        (np.abs(np.random.default_rng(4).standard_normal((6, 5))) * 0.02,),
    ],
    arg_names=("S",),
    rtol=1e-6, atol=1e-6,
    diagnostics=[_power_formula, _no_floor, _not_relative],
    mistakes=[
        Mistake(lambda S: np.maximum(10 * np.log10(np.maximum(S, 1e-10) / S.max()), -80), says="10·log10"),
        Mistake(lambda S: 20 * np.log10(np.maximum(S, 1e-10) / S.max()), says="floor"),
        Mistake(lambda S: np.maximum(20 * np.log10(np.maximum(S, 1e-10)), -80), says="S.max()"),
    ],
    hints=[
        "Divide by the largest value first: S / S.max() is 1 at the loudest pixel, so its dB value is 0.",
        "Amplitudes use 20 · np.log10(...). np.maximum(S, 1e-10) keeps log10 away from zero.",
        "Finish with np.maximum(S_db, -80.0) to apply the floor.",
    ],
)
def to_db(S):
    S_db = 20 * np.log10(np.maximum(S, 1e-10) / S.max())
    return np.maximum(S_db, -80.0)
