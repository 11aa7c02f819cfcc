"""Argument checks the library shares: one function per rule, one wording per problem.

Every public function checks its arguments before doing any work and raises a
:class:`ValueError` whose message names the argument, says what it should be
and, where it helps, how to fix it. The rules that several modules need live
here, so that ``n_fft=0`` gets the same answer from ``windows``, ``stft``,
``mel`` and ``plot``:

* :func:`positive_int` — counts and lengths (``n_fft``, ``hop_length``, ``n_mels``...);
* :func:`stft_sizes` — ``n_fft``, ``hop_length`` and ``win_length`` of a short-time transform;
* :func:`whole_number` — an integer within bounds (MIDI pitches, programs, velocities);
* :func:`sample_rate` — a sampling rate in Hz (``whole=True`` where a file format needs an integer);
* :func:`finite_number` — any finite real number (an amplitude, a phase);
* :func:`flag` — ``True`` or ``False``;
* :func:`pitch_range` — a ``(lowest, highest)`` pair of MIDI note numbers;
* :func:`signal` — an array of samples (dtype, number of axes, emptiness, NaN);
* :func:`existing_file` — a path to a readable, non-empty file.

Module-specific checks (a window name, a DCT type) stay in their modules.
This module imports only NumPy, so every DSP module can use it.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from typing import Any

import numpy as np

from ._types import PathLike

__all__ = [
    "positive_int",
    "stft_sizes",
    "whole_number",
    "sample_rate",
    "finite_number",
    "flag",
    "pitch_range",
    "signal",
    "existing_file",
]


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def positive_int(value: object, name: str, *, unit: str | None = None) -> int:
    """``value`` as an int >= 1, or a ValueError naming ``name`` (and its ``unit``, e.g. "samples").

    Examples
    --------
    >>> positive_int(512, "n_fft", unit="samples")
    512
    >>> positive_int(0, "n_fft", unit="samples")
    Traceback (most recent call last):
    ...
    ValueError: n_fft must be a positive integer (a whole number of samples, at least 1), got 0.
    """
    if not _is_int(value) or value < 1:  # type: ignore[operator]
        of = f" of {unit}" if unit else ""
        raise ValueError(f"{name} must be a positive integer (a whole number{of}, at least 1), got {value!r}.")
    return int(value)  # type: ignore[arg-type]


def stft_sizes(n_fft: object, hop_length: object, win_length: object) -> tuple[int, int, int]:
    """``(n_fft, hop_length, win_length)`` of an STFT, defaults filled in, as ``musiclearn.stft`` uses them.

    ``win_length`` defaults to ``n_fft`` and may not exceed it; ``hop_length``
    defaults to ``win_length // 4`` and may not exceed ``n_fft`` (frames
    would skip samples that no inverse could bring back).

    Examples
    --------
    >>> stft_sizes(2048, None, None)
    (2048, 512, 2048)
    """
    n = positive_int(n_fft, "n_fft", unit="samples")
    win = n if win_length is None else positive_int(win_length, "win_length", unit="samples")
    if win > n:
        raise ValueError(
            f"win_length={win} is longer than n_fft={n}; the window must fit in the FFT, "
            "so use win_length <= n_fft (or raise n_fft)."
        )
    if hop_length is None:
        hop = win // 4
        if hop == 0:
            raise ValueError(f"win_length={win} is too short for the default hop (win_length // 4); pass hop_length.")
    else:
        hop = positive_int(hop_length, "hop_length", unit="samples")
    if hop > n:
        raise ValueError(
            f"hop_length={hop} is longer than n_fft={n}: the frames would skip samples, "
            "which then appear in no spectrum and cannot be reconstructed; use hop_length <= n_fft."
        )
    return n, hop, win


def whole_number(value: object, name: str, *, low: int, high: int) -> int:
    """``value`` as an int in ``low..high``; whole-valued floats such as ``60.0`` are accepted.

    Examples
    --------
    >>> whole_number(60.0, "pitch", low=0, high=127)
    60
    >>> whole_number(128, "pitch", low=0, high=127)
    Traceback (most recent call last):
    ...
    ValueError: pitch must be a whole number from 0 to 127, got 128
    """
    ok = (not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Real)
          and math.isfinite(float(value)) and float(value) == int(value))  # type: ignore[arg-type]
    if not ok or not low <= int(value) <= high:  # type: ignore[arg-type]
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)  # type: ignore[arg-type]


def sample_rate(sr: object, *, name: str = "sr", whole: bool = False) -> Any:
    """A sampling rate in Hz: a positive finite number (an int when ``whole``).

    Returns a float, or an int with ``whole=True`` (audio files store whole Hz).

    Examples
    --------
    >>> sample_rate(22050), sample_rate(22050.0, whole=True)
    (22050.0, 22050)
    >>> sample_rate(44.1, whole=True)
    Traceback (most recent call last):
    ...
    ValueError: sr must be a positive sampling rate in Hz (a whole number such as 22050), got 44.1.
    """
    ok = (isinstance(sr, numbers.Real) and not isinstance(sr, (bool, np.bool_))
          and math.isfinite(float(sr)) and float(sr) > 0)  # type: ignore[arg-type]
    if ok and whole:
        ok = float(sr) == int(sr)  # type: ignore[arg-type]
    if not ok:
        kind = "a whole number" if whole else "a finite number"
        raise ValueError(f"{name} must be a positive sampling rate in Hz ({kind} such as 22050), got {sr!r}.")
    return int(sr) if whole else float(sr)  # type: ignore[arg-type]


def finite_number(value: object, name: str, hint: str) -> float:
    """``value`` as a finite float; ``hint`` says what it measures (e.g. "in seconds").

    Examples
    --------
    >>> finite_number(0.5, "phase", "in radians")
    0.5
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number ({hint}), got {value!r}.")
    return float(value)


def flag(value: object, name: str) -> bool:
    """``value`` as a bool; anything but ``True``/``False`` (or NumPy's) is refused.

    Examples
    --------
    >>> flag(True, "center")
    True
    >>> flag("yes", "center")
    Traceback (most recent call last):
    ...
    ValueError: center must be True or False, got 'yes'.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def pitch_range(value: object, *, name: str = "pitch_range") -> tuple[int, int]:
    """A ``(lowest, highest)`` pair of MIDI note numbers 0..127, both included.

    Examples
    --------
    >>> pitch_range((21, 108))
    (21, 108)
    >>> pitch_range((72, 60))
    Traceback (most recent call last):
    ...
    ValueError: pitch_range must be (lowest, highest) with lowest <= highest, got (72, 60)
    """
    try:
        low, high = value  # type: ignore[misc]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (lowest, highest) of MIDI note numbers 0-127 such as "
                         f"(21, 108), got {value!r}") from None
    for bound in (low, high):
        if not _is_int(bound) or not 0 <= bound <= 127:
            raise ValueError(f"{name} must hold MIDI note numbers 0-127 such as (21, 108) or (0, 127), "
                             f"got {value!r}")
    if low > high:
        raise ValueError(f"{name} must be (lowest, highest) with lowest <= highest, got {value!r}")
    return int(low), int(high)


_DTYPES = ("real", "float", "number")


def signal(
    y: object,
    name: str = "y",
    *,
    dtype: str = "real",
    ndim: int | tuple[int, ...] | None = None,
    what: str = "signal",
    allow_empty: bool = False,
    channels_first: bool = False,
) -> np.ndarray:
    """Check an array of samples and return it as a NumPy array (not copied, not cast).

    Parameters
    ----------
    y : array_like
        The samples; the last axis is time.
    name : str
        The argument's name, for messages.
    dtype : {"real", "float", "number"}
        What the values may be: real numbers (integers or floats), floats
        only (integer PCM must be scaled first), or any numbers including
        complex ones. Booleans and strings are never samples.
    ndim : int or tuple of int, optional
        Allowed numbers of axes; default any number from 1 up.
    what : str
        What the array is ("signal", "window"), for messages.
    allow_empty : bool
        Accept an array without samples.
    channels_first : bool
        With 2 axes, refuse more rows than columns: musiclearn (like
        librosa) stores multichannel audio as ``(channels, n)``.

    Returns
    -------
    np.ndarray

    Examples
    --------
    >>> signal([0.0, 0.5, -0.5]).shape
    (3,)
    >>> signal([0.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: y contains NaN or infinite values (first at flat index 1); remove or replace them first, e.g. with np.nan_to_num.
    """
    if dtype not in _DTYPES:  # pragma: no cover - a programming error inside musiclearn
        raise ValueError(f"dtype must be one of {_DTYPES}, got {dtype!r}")
    arr = np.asarray(y)
    kind = arr.dtype.kind
    if dtype == "float" and kind in "biu":
        raise ValueError(f"{name} holds {arr.dtype} samples; convert them to floating point first, e.g. "
                         f"{name}.astype(np.float32) / 32768 for 16-bit PCM.")
    if dtype == "float" and kind != "f":
        raise ValueError(f"{name} must be a real floating-point {what}, got dtype {arr.dtype}; "
                         f"pass real samples, e.g. {name}.real.")
    if dtype == "real" and kind == "c":
        raise ValueError(f"{name} is complex; pass real values, e.g. np.abs({name}) or {name}.real.")
    if dtype == "real" and kind not in "iuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}; "
                         f"convert it with np.asarray({name}, dtype=np.float32).")
    if dtype == "number" and kind not in "iufc":
        raise ValueError(f"{name} must hold numbers, got dtype {arr.dtype}; "
                         f"convert it with np.asarray({name}, dtype=float).")
    if arr.ndim == 0:
        raise ValueError(f"{name} must be an array of samples, not a single number: it needs at least one "
                         "sample along its last axis.")
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and arr.ndim not in allowed:
        if allowed == (1,):
            hint = f"; for stereo pick one channel, e.g. {name}[0]" if what == "signal" else ""
            raise ValueError(f"{name} must be a 1-D {what}, got shape {arr.shape}{hint}.")
        raise ValueError(f"{name} must have shape (n,) for mono or (channels, n) for multichannel audio, "
                         f"got shape {arr.shape}.")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}): it needs at least one sample.")
    if channels_first and arr.ndim == 2 and arr.shape[0] > arr.shape[1]:
        raise ValueError(f"{name} has shape {arr.shape}: more channels than samples. musiclearn (like librosa) "
                         f"expects (channels, n); if your array is (n, channels), pass {name}.T")
    if arr.size and not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr.ravel()))[0])
        raise ValueError(f"{name} contains NaN or infinite values (first at flat index {bad}); "
                         "remove or replace them first, e.g. with np.nan_to_num.")
    return arr


def split_plan(names: Any, fractions: Any, seed: object, *, example: str = "(0.8, 0.2)") -> tuple[list, list[float], int]:
    """Split names, their fractions (non-negative, summing to 1) and a seed, checked: ``(names, weights, seed)``."""
    names = list(names)
    weights = [float(f) for f in fractions]
    if len(weights) != len(names) or not names:
        raise ValueError(f"give one fraction per split name: {len(weights)} fractions for names {names}")
    if len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"split names must be distinct strings, got {names}")
    if any(not math.isfinite(w) or w < 0 for w in weights) or not math.isclose(sum(weights), 1.0, abs_tol=1e-6):
        raise ValueError(f"fractions must be non-negative and sum to 1, e.g. {example}; got {tuple(fractions)}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    return names, weights, int(seed)


def existing_file(path: PathLike, error: type) -> Path:
    """``path`` as a Path if it is a readable, non-empty regular file.

    A missing file raises :class:`FileNotFoundError`; a directory or an empty
    file raises ``error`` (AudioError, MidiError...) naming the path.
    """
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(
            f"{p}: no such file; check the name and the folder "
            f"(relative paths start at {Path.cwd()})"
        )
    if p.is_dir():
        raise error("this is a directory, not a file; pass the path of a file inside it", p)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise error(f"cannot be read ({exc.strerror or exc})", p) from None
    if size == 0:
        raise error("the file is empty (0 bytes); it was probably not written completely", p)
    if not os.access(p, os.R_OK):
        raise error("cannot be read: permission denied", p)
    return p
