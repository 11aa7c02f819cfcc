"""Audio data hygiene: find the faults that real clip collections have, and split without leaks.

Notebook: ``13_audio_data_hygiene.ipynb`` plants each fault in a clean clip set
(:mod:`musiclearn.clips`), so the truth is known, and measures every detector's
precision and recall against it; then runs the same checks on real drum samples.

Detectors
---------
Each takes a batch of clips, ``audio`` of shape ``(n_clips, n_samples)`` (one
clip of shape ``(n_samples,)`` works too), has its thresholds as keywords, and
returns a :class:`Detection`: a boolean flag per clip, the measured score
behind it, the threshold and its unit.

=========================  ================================================  ===================
detector                   what it measures                                  flags when
=========================  ================================================  ===================
:func:`leading_silence`    seconds before the first frame within 40 dB of    > 0.1 s
                           the clip's loudest frame
:func:`trailing_silence`   seconds after the last such frame                 > 0.7 s
:func:`total_silence`      the loudest frame, in dBFS                        < -60 dBFS
:func:`clipping`           samples in runs of 3 or more at the clip's peak   >= 8 samples
:func:`dc_offset`          ``|mean(y)|`` (full scale is 1)                   >= 0.02
:func:`pitch_mismatch`     YIN's median F0 against the tagged MIDI pitch,    > 1 semitone
                           in semitones, octave errors folded away
:func:`tempo_mismatch`     the tempo estimated with a prior centred on the   > 6 % off
                           tag, over the tag
:func:`tag_outliers`       how many of a clip's k nearest neighbours         none of 7 agree
                           (leave-one-out) share its tag
:func:`missing_fields`     required metadata fields absent, None, NaN or ""  any
=========================  ================================================  ===================

:func:`duplicates` finds exact copies (identical samples) and near copies
(waveforms that still correlate above 0.95 after gain changes, low-pass
filtering or an 8-bit round trip) and returns pairs.

Splits
------
:func:`group_split` assigns whole groups (a program, a SoundFont, a phrase, a
drum kit; optionally merged along duplicate pairs with :func:`merge_groups`) to
splits, and :func:`assert_no_group_leak` proves that no group crosses a split,
raising :class:`musiclearn.errors.DataError` naming the group and the splits.

Faults with known truth
-----------------------
:func:`plant_faults` copies a clean :class:`~musiclearn.clips.ClipSet`, plants
every fault in :data:`FAULTS` in chosen clips and returns the faulty set with
the truth; :func:`evaluate` scores a detection against it.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _validate
from .clips import DEFAULT_FAMILIES, FAMILIES, ClipSet, program_name
from .errors import AudioError, DataError

__all__ = [
    "FAULTS",
    "Detection",
    "DuplicatePairs",
    "Planted",
    "frame_db",
    "check_clips",
    "check_metadata",
    "leading_silence",
    "trailing_silence",
    "total_silence",
    "clipping",
    "dc_offset",
    "pitch_mismatch",
    "tempo_mismatch",
    "clip_features",
    "tag_outliers",
    "missing_fields",
    "duplicates",
    "merge_groups",
    "group_split",
    "assert_no_group_leak",
    "plant_faults",
    "evaluate",
    "precision_recall",
]

#: The faults :func:`plant_faults` knows, in the order it plants them.
FAULTS = ("leading_silence", "trailing_silence", "total_silence", "clipping", "dc_offset", "wrong_rate",
          "wrong_tag", "missing_field", "exact_duplicate", "near_duplicate", "wrong_tempo")

_SILENT_PEAK = 1e-4  # about -80 dBFS: below this a clip counts as silent for duplicate search


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Detection:
    """What a detector found: one flag and one score per clip.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Attributes
    ----------
    name : str
        The fault looked for, e.g. ``"leading silence"``.
    flags : np.ndarray of bool, shape (n_clips,)
        True where the detector reports the fault.
    score : np.ndarray of float, shape (n_clips,)
        The measurement the flag was decided on (NaN where it could not be made).
    threshold : float
        The threshold the score was compared with.
    unit : str
        The unit of ``score`` and ``threshold``.
    details : tuple of str
        Optional per-clip explanations ("" where nothing to say).
    """

    name: str
    flags: np.ndarray
    score: np.ndarray
    threshold: float
    unit: str = ""
    details: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.flags)

    @property
    def count(self) -> int:
        """How many clips are flagged."""
        return int(np.count_nonzero(self.flags))

    @property
    def indices(self) -> np.ndarray:
        """The rows of the flagged clips."""
        return np.flatnonzero(self.flags)

    def __repr__(self) -> str:
        return (f"Detection({self.name!r}: {self.count} of {len(self)} clips flagged, "
                f"threshold {self.threshold:g} {self.unit})")


@dataclass(frozen=True)
class DuplicatePairs:
    """Pairs of clips that are copies of each other.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Attributes
    ----------
    pairs : np.ndarray of int, shape (n_pairs, 2)
        Row indices ``(i, j)`` with ``i < j``, sorted.
    similarity : np.ndarray of float, shape (n_pairs,)
        Correlation of the two band-limited waveforms (1.0 for exact copies).
    exact : np.ndarray of bool, shape (n_pairs,)
        True where the samples are identical.
    n_clips : int
        Clips searched.
    threshold : float
    """

    pairs: np.ndarray
    similarity: np.ndarray
    exact: np.ndarray
    n_clips: int
    threshold: float

    def __len__(self) -> int:
        return len(self.pairs)

    def groups(self) -> list[list[int]]:
        """Clips linked by pairs (directly or through others), each group sorted, largest first."""
        labels = merge_groups(np.arange(self.n_clips), self.pairs)
        found: dict[int, list[int]] = {}
        for i, label in enumerate(labels):
            found.setdefault(int(label), []).append(i)
        return sorted((g for g in found.values() if len(g) > 1), key=lambda g: (-len(g), g[0]))

    def redundant(self) -> np.ndarray:
        """A mask of the clips to drop so that one clip of each duplicate group stays (the first)."""
        mask = np.zeros(self.n_clips, bool)
        for group in self.groups():
            mask[group[1:]] = True
        return mask

    def __repr__(self) -> str:
        return (f"DuplicatePairs({len(self)} pairs among {self.n_clips} clips: {int(self.exact.sum())} exact, "
                f"{int((~self.exact).sum())} near, threshold {self.threshold:g})")


# ----------------------------------------------------------------------------- input checks


def _batch(audio: Any, name: str = "audio") -> np.ndarray:
    arr = _validate.signal(audio, name, dtype="float", ndim=(1, 2), allow_empty=True)
    return arr[np.newaxis] if arr.ndim == 1 else arr


def _clip_name(i: int, ids: Sequence[Any] | None) -> str:
    return f"clip {ids[i]!r} (row {i})" if ids is not None and i < len(ids) else f"clip {i}"


def check_clips(
    audio: Any,
    *,
    sr: float,
    frame_length: int = 400,
    ids: Sequence[Any] | None = None,
    allow_silent: bool = False,
) -> None:
    """Refuse clips that no detector can measure: too short, NaN or infinite, or (unless allowed) silent.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Parameters
    ----------
    audio : np.ndarray or list of np.ndarray
        A batch ``(n_clips, n_samples)``, one clip, or a list of clips of any lengths.
    sr : float, keyword-only
        Sampling rate in Hz (for the message).
    frame_length : int, keyword-only
        The shortest clip accepted, in samples (one analysis frame).
    ids : sequence, optional
        Clip ids, to name the culprit.
    allow_silent : bool, keyword-only
        Accept clips whose peak is below 1e-4 (about -80 dBFS).

    Raises
    ------
    musiclearn.errors.AudioError
        Naming the first bad clip and what to do about it.

    Examples
    --------
    >>> check_clips(np.zeros((2, 1000), np.float32), sr=16000, allow_silent=True)
    >>> check_clips([np.ones(100, np.float32)], sr=16000, ids=["kick"])
    Traceback (most recent call last):
    ...
    musiclearn.errors.AudioError: clip 'kick' (row 0): 100 samples (6.2 ms) is shorter than one analysis frame (400 samples = 25.0 ms at 16000 Hz); pad it with zeros or drop it
    """
    rate = _validate.sample_rate(sr)
    n_frame = _validate.positive_int(frame_length, "frame_length", unit="samples")
    _validate.flag(allow_silent, "allow_silent")
    clips_ = [np.asarray(c) for c in audio] if isinstance(audio, (list, tuple)) else list(_batch(audio, "audio"))
    for i, y in enumerate(clips_):
        where = _clip_name(i, ids)
        if y.ndim != 1:
            raise AudioError(f"has shape {y.shape}; give each clip as a 1-D array of mono samples", where)
        if y.dtype.kind not in "fiu":
            raise AudioError(f"holds {y.dtype} values, not samples", where)
        if len(y) < n_frame:
            raise AudioError(f"{len(y)} samples ({1000 * len(y) / rate:.1f} ms) is shorter than one analysis frame "
                             f"({n_frame} samples = {1000 * n_frame / rate:.1f} ms at {rate:g} Hz); "
                             "pad it with zeros or drop it", where)
        finite = np.isfinite(y)
        if not finite.all():
            first = int(np.flatnonzero(~finite)[0])
            raise AudioError(f"contains NaN or infinite samples (first at sample {first}, {first / rate:.3f} s); "
                             "a decoder or an effect failed: drop the clip or decode it again", where)
        if not allow_silent and float(np.max(np.abs(y))) < _SILENT_PEAK:
            raise AudioError("is silent (peak below 1e-4, about -80 dBFS): there is nothing to measure; "
                             "find such clips with hygiene.total_silence and drop them first", where)


def check_metadata(meta: Sequence[Mapping[str, Any]], required: Sequence[str]) -> None:
    """Refuse a metadata table that lacks a required column, naming the field (and a clip that lacks it).

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Parameters
    ----------
    meta : list of dict
        One dict per clip (``ClipSet.meta``).
    required : sequence of str
        The fields every clip must have.

    Raises
    ------
    musiclearn.errors.DataError
        If no clip has a required field (a lost or misspelled column), or
        some clips lack it (use :func:`missing_fields` to list them all).

    Examples
    --------
    >>> check_metadata([{"id": "a", "pitch": 60}], ["id", "pitch"])
    >>> check_metadata([{"id": "a", "pich": 60}], ["id", "pitch"])
    Traceback (most recent call last):
    ...
    musiclearn.errors.DataError: clip metadata: the required field 'pitch' is missing from every clip (the table has id, pich); rename or add that column
    """
    if isinstance(required, str):
        required = [required]
    rows = list(meta)
    if not all(isinstance(r, Mapping) for r in rows):
        raise DataError("metadata must be a list of dicts, one per clip", "clip metadata")
    present = sorted({k for r in rows for k in r})
    for name in required:                    # a lost column first: it is the bigger problem
        if rows and not any(name in r for r in rows):
            raise DataError(f"the required field {name!r} is missing from every clip (the table has "
                            f"{', '.join(present)}); rename or add that column", "clip metadata")
    for name in required:
        have = [name in r for r in rows]
        if not all(have):
            i = have.index(False)
            raise DataError(f"{sum(not h for h in have)} clip(s) lack the field {name!r}, first "
                            f"{_clip_name(i, [r.get('id', i) for r in rows])}; hygiene.missing_fields lists them",
                            "clip metadata")


# ----------------------------------------------------------------------------- loudness frames


def frame_db(audio: Any, *, sr: float, frame_length: int = 400, hop_length: int = 160) -> np.ndarray:
    """Loudness of every frame in dBFS: ``20·log10(RMS)``, full scale 1.0 (a full-scale sine is -3 dBFS).

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Frame ``t`` covers samples ``t·hop_length … t·hop_length + frame_length − 1``
    (no padding); digital silence is floored at -200 dBFS.

    Parameters
    ----------
    audio : np.ndarray, shape (n_clips, n_samples) or (n_samples,)
    sr : float, keyword-only
        Sampling rate in Hz (checked; frames are counted in samples).
    frame_length, hop_length : int, keyword-only
        In samples (400 and 160 are 25 ms and 10 ms at 16 kHz).

    Returns
    -------
    np.ndarray, shape (n_clips, n_frames)

    Examples
    --------
    >>> t = np.arange(16000) / 16000
    >>> np.round(frame_db(np.sin(2 * np.pi * 440 * t), sr=16000)[0, :3], 2)
    array([-3.01, -3.01, -3.01])
    """
    _validate.sample_rate(sr)
    n_frame = _validate.positive_int(frame_length, "frame_length", unit="samples")
    hop = _validate.positive_int(hop_length, "hop_length", unit="samples")
    x = _batch(audio)
    if x.shape[1] < n_frame:
        raise AudioError(f"clips of {x.shape[1]} samples are shorter than one frame ({n_frame} samples)", "audio")
    n_frames = 1 + (x.shape[1] - n_frame) // hop
    out = np.empty((x.shape[0], n_frames))
    starts = np.arange(n_frames) * hop
    for lo in range(0, x.shape[0], 256):  # cumulative sums of 256 clips at a time bound the memory
        block = np.asarray(x[lo:lo + 256], np.float64)
        energy = np.concatenate([np.zeros((len(block), 1)), np.cumsum(block**2, axis=1)], axis=1)
        mean_square = (energy[:, starts + n_frame] - energy[:, starts]) / n_frame
        out[lo:lo + 256] = 10 * np.log10(np.maximum(mean_square, 1e-20))
    return out


def _sounding(db: np.ndarray, relative_db: float) -> np.ndarray:
    return db >= db.max(axis=1, keepdims=True) + relative_db


def leading_silence(
    audio: Any,
    *,
    sr: float,
    max_s: float = 0.1,
    relative_db: float = -40.0,
    floor_dbfs: float = -60.0,
    frame_length: int = 400,
    hop_length: int = 160,
) -> Detection:
    """Flag clips whose sound starts late: more than ``max_s`` seconds before the first loud frame.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    The first frame within ``relative_db`` of the clip's loudest frame
    starts the sound; the score is its start in seconds. The threshold is
    relative to each clip's own peak, so a quiet clip is measured like a
    loud one. A clip that never reaches ``floor_dbfs`` has no sound to start
    and scores NaN (not flagged): that is :func:`total_silence`'s fault. The
    resolution is one frame: a frame that only begins to overlap the sound
    already counts as sound, so the score can be short by up to
    ``frame_length`` samples (25 ms at the defaults).

    Parameters
    ----------
    audio : np.ndarray, shape (n_clips, n_samples)
    sr : float, keyword-only
        Sampling rate in Hz.
    max_s : float, keyword-only
        Longest acceptable leading silence, in seconds.
    relative_db : float < 0, keyword-only
        How far below the loudest frame still counts as sound, in dB.
    floor_dbfs : float, keyword-only
        Clips whose loudest frame is below this level (dBFS) are left alone.
    frame_length, hop_length : int, keyword-only
        Frames in samples (see :func:`frame_db`).

    Returns
    -------
    Detection
        Score in seconds.

    Examples
    --------
    >>> y = np.zeros((1, 16000), np.float32); y[0, 8000:9000] = 0.5
    >>> leading_silence(y, sr=16000).score.round(2)
    array([0.48])
    """
    rate = _validate.sample_rate(sr)
    limit = _nonnegative(max_s, "max_s", "in seconds")
    rel = _negative(relative_db, "relative_db")
    floor = _validate.finite_number(floor_dbfs, "floor_dbfs", "in dBFS, e.g. -60")
    db = frame_db(audio, sr=rate, frame_length=frame_length, hop_length=hop_length)
    loud = _sounding(db, rel)
    score = np.argmax(loud, axis=1) * hop_length / rate
    score[db.max(axis=1) < floor] = np.nan      # no sound at all: total_silence's case
    return Detection("leading silence", np.nan_to_num(score, nan=0.0) > limit, score, limit, "s")


def trailing_silence(
    audio: Any,
    *,
    sr: float,
    max_s: float = 0.7,
    relative_db: float = -40.0,
    floor_dbfs: float = -60.0,
    frame_length: int = 400,
    hop_length: int = 160,
) -> Detection:
    """Flag clips whose sound stops early: more than ``max_s`` seconds after the last loud frame.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    The mirror image of :func:`leading_silence`: the score is the time from
    the end of the last frame within ``relative_db`` of the loudest one to the
    end of the clip. A plucked or struck note decays by itself, so some
    trailing silence is natural; the default 0.7 s (of a 1 s clip) is just
    above the longest measured in the clean notes of notebook 13.

    Parameters
    ----------
    audio, sr, relative_db, floor_dbfs, frame_length, hop_length :
        As in :func:`leading_silence`.
    max_s : float, keyword-only
        Longest acceptable trailing silence, in seconds.

    Returns
    -------
    Detection
        Score in seconds.

    Examples
    --------
    >>> y = np.zeros((1, 16000), np.float32); y[0, :2000] = 0.5
    >>> trailing_silence(y, sr=16000).score.round(2)
    array([0.86])
    """
    rate = _validate.sample_rate(sr)
    limit = _nonnegative(max_s, "max_s", "in seconds")
    rel = _negative(relative_db, "relative_db")
    x = _batch(audio)
    db = frame_db(x, sr=rate, frame_length=frame_length, hop_length=hop_length)
    loud = _sounding(db, rel)
    floor = _validate.finite_number(floor_dbfs, "floor_dbfs", "in dBFS, e.g. -60")
    last = db.shape[1] - 1 - np.argmax(loud[:, ::-1], axis=1)
    score = np.maximum(0, x.shape[1] - (last * hop_length + frame_length)) / rate
    score[db.max(axis=1) < floor] = np.nan
    return Detection("trailing silence", np.nan_to_num(score, nan=0.0) > limit, score, limit, "s")


def total_silence(
    audio: Any,
    *,
    sr: float,
    floor_dbfs: float = -60.0,
    frame_length: int = 400,
    hop_length: int = 160,
) -> Detection:
    """Flag clips that never get louder than ``floor_dbfs``: empty recordings, muted channels.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Parameters
    ----------
    audio : np.ndarray, shape (n_clips, n_samples)
    sr : float, keyword-only
        Sampling rate in Hz.
    floor_dbfs : float, keyword-only
        The loudest frame must reach this level (dBFS) for the clip to count as sound.
    frame_length, hop_length : int, keyword-only
        Frames in samples.

    Returns
    -------
    Detection
        Score: the loudest frame in dBFS (-200 for digital silence).

    Examples
    --------
    >>> y = np.zeros((2, 4000), np.float32); y[1, 100:200] = 0.1
    >>> total_silence(y, sr=16000).flags
    array([ True, False])
    """
    floor = _validate.finite_number(floor_dbfs, "floor_dbfs", "in dBFS, e.g. -60")
    db = frame_db(audio, sr=sr, frame_length=frame_length, hop_length=hop_length)
    score = db.max(axis=1)
    return Detection("total silence", score < floor, score, floor, "dBFS")


def clipping(
    audio: Any,
    *,
    min_run: int = 3,
    tolerance: float = 1e-3,
    min_samples: int = 8,
    min_share: float = 0.5,
) -> Detection:
    """Flag clipped clips: flat tops, runs of samples stuck at the clip's largest magnitude.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    A waveform that was amplified past what the converter or the file format
    holds is cut flat at the limit. A clean waveform touches its peak at one
    sample (or two); a clipped one stays there. The score counts the samples
    whose magnitude is within ``tolerance`` (relative) of the clip's peak and
    that lie in runs of at least ``min_run`` such samples. Measuring against
    the clip's own peak finds clipping at any level (1.0 in a float file,
    32767 in 16-bit PCM, or lower when a clipped clip was later turned down).

    Coarse quantisation (8-bit audio, or a quiet 16-bit clip) also makes flat
    runs, at *every* level near the top, not only at the peak. So a clip is
    flagged only when at least ``min_share`` of the samples that sit in flat
    runs above half the peak sit at the peak itself.

    Parameters
    ----------
    audio : np.ndarray, shape (n_clips, n_samples)
    min_run : int, keyword-only
        Shortest run of equal-magnitude samples that counts, in samples.
    tolerance : float, keyword-only
        How close to the peak counts as "at the peak", relative (1e-3 is 0.1 %).
    min_samples : int, keyword-only
        Flag when at least this many samples lie in runs at the peak...
    min_share : float, keyword-only
        ...and they are at least this share of all samples in flat runs above half the peak.

    Returns
    -------
    Detection
        Score: samples in runs at the peak (0 for silent clips).

    Examples
    --------
    >>> t = np.arange(16000) / 16000
    >>> sine = np.sin(2 * np.pi * 220 * t)
    >>> y = np.stack([0.5 * sine, np.clip(2 * sine, -1, 1), np.round(0.1 * sine * 127) / 127])
    >>> clipping(y).flags                      # clean, clipped, quiet and 8-bit (flat runs everywhere)
    array([False,  True, False])
    """
    run = _validate.positive_int(min_run, "min_run", unit="samples")
    tol = _validate.finite_number(tolerance, "tolerance", "relative, e.g. 1e-3")
    if not 0 <= tol < 1:
        raise ValueError(f"tolerance must be from 0 to 1 (relative to the peak), got {tolerance!r}")
    least = _validate.positive_int(min_samples, "min_samples", unit="samples")
    share = _validate.finite_number(min_share, "min_share", "a fraction from 0 to 1")
    if not 0 <= share <= 1:
        raise ValueError(f"min_share must be a fraction from 0 to 1, got {min_share!r}")
    x = _batch(audio)
    score = np.zeros(len(x))
    flags = np.zeros(len(x), bool)
    for i, y in enumerate(x):
        mag = np.abs(np.asarray(y, np.float64))
        peak = float(mag.max()) if len(mag) else 0.0
        if peak < _SILENT_PEAK:
            continue
        at_peak = _in_runs(mag >= peak * (1 - tol), run)
        # Flat runs anywhere in the top half: consecutive samples with equal magnitude.
        same = np.concatenate([[False], np.isclose(mag[1:], mag[:-1], rtol=tol, atol=0.0)])
        flat = _in_runs(same | np.concatenate([same[1:], [False]]), run) & (mag > peak / 2)
        score[i] = at_peak.sum()
        flags[i] = score[i] >= least and at_peak.sum() >= share * max(1, flat.sum())
    return Detection("clipping", flags, score, float(least), "samples at the peak")


def _in_runs(mask: np.ndarray, run: int) -> np.ndarray:
    """True where ``mask`` is True inside a run of at least ``run`` consecutive Trues."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    out = np.zeros(len(mask), bool)
    for a, b in zip(starts, ends):
        if b - a >= run:
            out[a:b] = True
    return out


def dc_offset(audio: Any, *, max_offset: float = 0.02) -> Detection:
    """Flag clips whose mean is far from zero: a DC offset from a faulty recording chain.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Sound is pressure *changes*; a constant added to every sample is no sound
    at all, but it wastes headroom, clicks at cuts and shifts every
    threshold that assumes silence is 0. The score is ``|mean(y)|`` with full
    scale 1.0 (0.02 is -34 dBFS). Waveforms that are not symmetric (some
    synthesizer waves, a decaying low note) have a small mean of their own,
    which is why the threshold is not 0.

    Parameters
    ----------
    audio : np.ndarray, shape (n_clips, n_samples)
    max_offset : float, keyword-only
        Largest acceptable ``|mean|``.

    Returns
    -------
    Detection

    Examples
    --------
    >>> t = np.arange(16000) / 16000
    >>> y = np.stack([np.sin(2 * np.pi * 220 * t), np.sin(2 * np.pi * 220 * t) + 0.05])
    >>> dc_offset(y).flags, dc_offset(y).score.round(3)
    (array([False,  True]), array([0.  , 0.05]))
    """
    limit = _nonnegative(max_offset, "max_offset", "full scale is 1")
    x = _batch(audio)
    score = np.abs(np.asarray(x, np.float64).mean(axis=1))
    return Detection("DC offset", score >= limit, score, limit, "full scale")


# ----------------------------------------------------------------------------- tags checked against audio


def _tags(values: Any, n: int, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.shape != (n,):
        raise ValueError(f"{name} must give one value per clip ({n}), got shape {arr.shape}")
    return arr


def pitch_mismatch(
    audio: Any,
    pitches: Any,
    *,
    sr: float,
    max_semitones: float = 1.0,
    fold_octaves: bool = True,
    fmin: float = 40.0,
    fmax: float = 2000.0,
    frame_length: int = 1024,
    hop_length: int = 256,
    loud_db: float = -20.0,
) -> Detection:
    """Flag clips whose sound is not at their tagged pitch, e.g. because of a wrong sampling rate.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    A clip recorded at one rate and read as another plays faster or slower:
    its pitch moves by ``12·log2(true_rate / declared_rate)`` semitones
    (+5.6 for 22050 Hz read as 16000 Hz, +1.5 for 48000 read as 44100).
    The score is the median of ``musiclearn.pitch.yin`` over the frames
    within ``loud_db`` of the loudest, in MIDI numbers, minus the tagged pitch.

    With ``fold_octaves`` (default) the difference is folded into
    -6…+6 semitones, so that YIN's octave errors do not count; the price is
    that a rate off by exactly a factor of 2 (22050 read as 44100) is not
    seen. Clips YIN cannot measure (silent; NaN pitch tags, e.g. drums)
    score NaN and are not flagged.

    Parameters
    ----------
    audio : np.ndarray, shape (n_clips, n_samples)
    pitches : array_like, shape (n_clips,)
        Tagged MIDI pitches (NaN where there is none).
    sr : float, keyword-only
        Sampling rate in Hz.
    max_semitones : float, keyword-only
        Largest acceptable difference.
    fold_octaves : bool, keyword-only
        Fold differences into one octave.
    fmin, fmax : float, keyword-only
        YIN's search range in Hz.
    frame_length, hop_length : int, keyword-only
        YIN's frames, in samples.
    loud_db : float, keyword-only
        Frames quieter than the loudest by more than this are ignored.

    Returns
    -------
    Detection
        Score in semitones (estimate minus tag).

    Examples
    --------
    >>> t = np.arange(16000) / 16000
    >>> y = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 440 * 1.378 * t)]).astype(np.float32)
    >>> d = pitch_mismatch(y, [69, 69], sr=16000)
    >>> d.flags, d.score.round(1)
    (array([False,  True]), array([0. , 5.6]))
    """
    from . import pitch

    rate = _validate.sample_rate(sr)
    x = _batch(audio)
    tags = _tags(pitches, len(x), "pitches")
    limit = _nonnegative(max_semitones, "max_semitones", "in semitones")
    _validate.flag(fold_octaves, "fold_octaves")
    rel = _negative(loud_db, "loud_db")
    score = np.full(len(x), np.nan)
    peaks = np.max(np.abs(x), axis=1) if x.size else np.zeros(len(x))
    usable = np.flatnonzero((peaks >= _SILENT_PEAK) & np.isfinite(tags))
    for lo in range(0, len(usable), 64):
        rows = usable[lo:lo + 64]
        f0 = pitch.yin(x[rows], fmin=fmin, fmax=fmax, sr=rate, frame_length=frame_length, hop_length=hop_length)
        # Loudness on yin's centred frames, so that frame t of both is centred on sample t * hop.
        padded = np.pad(np.asarray(x[rows], np.float64), ((0, 0), (frame_length // 2, frame_length // 2)))
        db = frame_db(padded, sr=rate, frame_length=frame_length, hop_length=hop_length)[:, : f0.shape[1]]
        loud = _sounding(db, rel)[:, : f0.shape[1]]
        for k, row in enumerate(rows):
            chosen = f0[k, : loud.shape[1]][loud[k]]
            chosen = chosen[np.isfinite(chosen) & (chosen > 0)]
            if len(chosen):
                score[row] = 12 * np.log2(np.median(chosen) / 440.0) + 69 - tags[row]
    if fold_octaves:
        score = (score + 6) % 12 - 6
    flags = np.abs(np.nan_to_num(score, nan=0.0)) > limit
    return Detection("pitch off its tag", flags, score, limit, "semitones")


def tempo_mismatch(
    audio: Any,
    tempi: Any,
    *,
    sr: float,
    tolerance: float = 0.06,
    std_bpm: float = 0.5,
    multiples: Sequence[float] = (1.0,),
    hop_length: int = 256,
) -> Detection:
    """Flag phrases whose tempo tag the audio does not support.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    ``musiclearn.rhythm.tempo`` picks the autocorrelation peak of the onset
    strength that best combines height with a prior around ``start_bpm``.
    Here the prior is centred *on the tag* (``std_bpm`` octaves wide): a true
    tag is then confirmed, while a wrong one finds no peak near it and the
    estimate lands elsewhere. The score is estimate / tag; a clip is flagged
    when that ratio is more than ``tolerance`` away from every one of
    ``multiples`` (add 0.5 and 2 to forgive half and double time). Silent
    clips score NaN and are not flagged.

    Parameters
    ----------
    audio : np.ndarray, shape (n_clips, n_samples)
    tempi : array_like, shape (n_clips,)
        Tagged tempi in BPM (NaN where none).
    sr : float, keyword-only
        Sampling rate in Hz.
    tolerance : float, keyword-only
        Relative tolerance (0.06 is 6 %; the lag grid of ``hop_length=256`` at
        16 kHz is about 3 % apart near 120 BPM).
    std_bpm : float, keyword-only
        Width of the prior in octaves (``rhythm.tempo``'s default is 1).
    multiples : sequence of float, keyword-only
        Ratios to the tag that count as consistent.
    hop_length : int, keyword-only
        Onset-strength hop, in samples.

    Returns
    -------
    Detection
        Score: estimated tempo / tagged tempo.

    Examples
    --------
    >>> sr, y = 16000, np.zeros((2, 8 * 16000), np.float32)
    >>> for beat in np.arange(0, 7.8, 0.5):               # a click every 0.5 s: 120 BPM
    ...     y[:, int(beat * sr):int(beat * sr) + 80] = 0.8
    >>> tempo_mismatch(y, [120, 150], sr=sr).flags
    array([False,  True])
    """
    from . import rhythm

    rate = _validate.sample_rate(sr)
    x = _batch(audio)
    tags = _tags(tempi, len(x), "tempi")
    tol = _nonnegative(tolerance, "tolerance", "relative, e.g. 0.06")
    ratios = [float(_validate.finite_number(m, "multiples", "ratios such as 0.5, 1, 2")) for m in multiples]
    if not ratios or min(ratios) <= 0:
        raise ValueError(f"multiples must be positive ratios such as (0.5, 1.0, 2.0), got {multiples!r}")
    score = np.full(len(x), np.nan)
    for i, y in enumerate(x):
        if not np.isfinite(tags[i]) or tags[i] <= 0 or float(np.max(np.abs(y))) < _SILENT_PEAK:
            continue
        try:
            score[i] = rhythm.tempo(y=y, sr=rate, hop_length=hop_length, start_bpm=float(tags[i]),
                                    std_bpm=std_bpm) / tags[i]
        except AudioError:  # no onsets at all: no tempo to compare
            continue
    off = np.min([np.abs(score / m - 1) for m in ratios], axis=0)
    flags = np.nan_to_num(off, nan=0.0) > tol
    return Detection("tempo off its tag", flags, score, tol, "ratio estimate / tag")


def clip_features(
    audio: Any,
    *,
    sr: float,
    kind: str = "envelope",
    n_fft: int = 1024,
    hop_length: int = 256,
    n_mels: int = 40,
    floor_db: float = -80.0,
    ids: Sequence[Any] | None = None,
) -> np.ndarray:
    """One feature vector per clip, for comparing clips with :func:`tag_outliers`.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    ``kind="envelope"``: the loudness envelope, the total mel power of every
    frame in dB relative to the clip's loudest frame, floored at
    ``floor_db``: how the sound starts, sustains and dies away.
    ``kind="mfcc"``: the mean and standard deviation over time of 20 MFCCs
    (notebook 06), a summary of the timbre.

    Parameters
    ----------
    audio : np.ndarray, shape (n_clips, n_samples)
        No silent clips (they have no envelope): drop them first.
    sr : float, keyword-only
        Sampling rate in Hz.
    kind : {"envelope", "mfcc"}, keyword-only
    n_fft, hop_length, n_mels : int, keyword-only
        Of the mel spectrogram.
    floor_db : float, keyword-only
        Lowest envelope value, in dB below the peak.
    ids : sequence, optional
        Clip ids for error messages.

    Returns
    -------
    np.ndarray, shape (n_clips, n_features)

    Raises
    ------
    musiclearn.errors.AudioError
        For a silent clip, a NaN sample or a clip shorter than ``n_fft``.

    Examples
    --------
    >>> t = np.arange(16000) / 16000
    >>> y = np.stack([np.sin(2 * np.pi * 440 * t) * np.exp(-k * t) for k in (1, 8)]).astype(np.float32)
    >>> clip_features(y, sr=16000).shape
    (2, 63)
    >>> clip_features(np.zeros((1, 16000), np.float32), sr=16000)
    Traceback (most recent call last):
    ...
    musiclearn.errors.AudioError: clip 0: is silent (peak below 1e-4, about -80 dBFS): there is nothing to measure; find such clips with hygiene.total_silence and drop them first
    """
    from . import mel, mfcc

    rate = _validate.sample_rate(sr)
    if kind not in ("envelope", "mfcc"):
        raise ValueError(f"kind must be 'envelope' or 'mfcc', got {kind!r}")
    floor = _negative(floor_db, "floor_db")
    from .stft import power_to_db

    x = _batch(audio)
    check_clips(x, sr=rate, frame_length=n_fft, ids=ids)
    parts = []
    for lo in range(0, len(x), 64):          # 64 clips at a time: the STFTs of a whole set need GBs
        S = mel.melspectrogram(x[lo:lo + 64], sr=rate, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
        if kind == "envelope":
            env = 10 * np.log10(np.maximum(S.sum(axis=1), 1e-20))
            parts.append(np.maximum(env - env.max(axis=1, keepdims=True), floor))
        else:
            M = mfcc.mfcc(S=power_to_db(S), n_mfcc=20)
            parts.append(np.concatenate([M.mean(axis=-1), M.std(axis=-1)], axis=1))
    return np.concatenate(parts) if parts else np.zeros((0, 0))


def tag_outliers(
    features: Any,
    tags: Sequence[Hashable],
    *,
    k: int = 7,
    min_agree: int = 1,
    standardize: bool = True,
) -> Detection:
    """Flag clips whose nearest neighbours (by sound) carry other tags: a label is a claim, checked by its neighbours.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    For every clip, the ``k`` clips with the closest features (Euclidean
    distance, the clip itself left out) vote; the score is how many of them
    share its tag, and the clip is flagged when fewer than ``min_agree`` do.
    This works when a tag's clips resemble each other more than they resemble
    other tags' clips, which :func:`clip_features` and the data decide:
    notebook 13 measures it.

    Parameters
    ----------
    features : np.ndarray, shape (n_clips, n_features)
    tags : sequence, length n_clips
        The tag of every clip (family, instrument...).
    k : int, keyword-only
        Neighbours consulted.
    min_agree : int, keyword-only
        Fewest neighbours that must share the tag.
    standardize : bool, keyword-only
        Scale every feature to mean 0 and standard deviation 1 first.

    Returns
    -------
    Detection
        Score: neighbours that agree (0 … k).

    Examples
    --------
    >>> f = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [5.2], [0.15]])
    >>> tag_outliers(f, ["a", "a", "a", "b", "b", "b", "b"], k=2).flags
    array([False, False, False, False, False, False,  True])
    """
    X = np.asarray(features, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"features must have shape (n_clips, n_features), got {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("features contain NaN or infinite values; compute them on clips without NaN samples")
    labels = np.asarray([str(t) for t in tags], dtype=object)
    if len(labels) != len(X):
        raise ValueError(f"give one tag per clip: {len(labels)} tags for {len(X)} clips")
    n_neighbours = _validate.positive_int(k, "k")
    need = _validate.positive_int(min_agree, "min_agree")
    if n_neighbours >= len(X):
        raise ValueError(f"k={n_neighbours} needs more than {n_neighbours} clips, got {len(X)}")
    if need > n_neighbours:
        raise ValueError(f"min_agree={need} cannot exceed k={n_neighbours}")
    if _validate.flag(standardize, "standardize"):
        spread = X.std(axis=0)
        X = (X - X.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    squared = (X**2).sum(axis=1)
    score = np.zeros(len(X))
    for lo in range(0, len(X), 512):
        d = squared[lo:lo + 512, None] + squared[None, :] - 2 * X[lo:lo + 512] @ X.T
        d[np.arange(len(d)), np.arange(lo, lo + len(d))] = np.inf   # leave the clip itself out
        nearest = np.argpartition(d, n_neighbours, axis=1)[:, :n_neighbours]
        score[lo:lo + 512] = (labels[nearest] == labels[lo:lo + 512, None]).sum(axis=1)
    return Detection("tag unlike its neighbours", score < need, score, float(need),
                     f"of {n_neighbours} neighbours agree")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return not math.isfinite(float(value))
    return False


def missing_fields(meta: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> Detection:
    """Flag clips whose metadata lacks a required field, or holds None, NaN or an empty string there.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Parameters
    ----------
    meta : list of dict
        One dict per clip.
    fields : sequence of str
        The fields every clip needs.

    Returns
    -------
    Detection
        Score: how many fields are missing; ``details`` names them.

    Examples
    --------
    >>> d = missing_fields([{"pitch": 60, "family": "organ"}, {"pitch": None}], ["pitch", "family"])
    >>> d.flags, d.details
    (array([False,  True]), ('', 'pitch, family'))
    """
    if isinstance(fields, str):
        fields = [fields]
    rows = list(meta)
    details = []
    for row in rows:
        if not isinstance(row, Mapping):
            raise DataError("metadata must be a list of dicts, one per clip", "clip metadata")
        details.append(", ".join(f for f in fields if _is_missing(row.get(f))))
    score = np.array([len(d.split(", ")) if d else 0 for d in details], dtype=float)
    return Detection("missing metadata", score > 0, score, 0.0, "fields missing", tuple(details))


# ----------------------------------------------------------------------------- duplicates


def _band_limited(x: np.ndarray, sr: float, rate: float) -> np.ndarray:
    """Keep the band below ``rate / 2`` Hz and sample it at about ``rate`` (FFT resampling)."""
    spectrum = np.fft.rfft(np.asarray(x, np.float64), axis=1)
    keep = max(2, int(round(x.shape[1] * rate / sr / 2)))
    return np.fft.irfft(spectrum[:, :keep], n=2 * (keep - 1), axis=1)


def duplicates(audio: Any, *, sr: float, threshold: float = 0.95, band_hz: float = 4000.0) -> DuplicatePairs:
    """Find exact and near-duplicate clips: the same recording, copied or processed.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    *Exact* copies have identical samples (found by hashing them). *Near*
    copies went through gain changes, filters or codecs: their waveforms,
    kept below ``band_hz / 2`` Hz (where low-pass filters and quantisation
    noise change little) and scaled to unit energy, still correlate above
    ``threshold``. Two different notes, even of the same instrument and
    pitch, rarely do, because their phases differ. The comparison is at lag
    zero: a copy that was also shifted in time is not found (that needs a
    cross-correlation over lags, or an audio fingerprint). Silent clips
    (peak below 1e-4) are left out.

    Parameters
    ----------
    audio : np.ndarray, shape (n_clips, n_samples)
    sr : float, keyword-only
        Sampling rate in Hz.
    threshold : float, keyword-only
        Smallest correlation (0 to 1) for a near copy.
    band_hz : float, keyword-only
        Sampling rate of the band-limited comparison, in Hz.

    Returns
    -------
    DuplicatePairs

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.standard_normal((2, 8000)).astype(np.float32) * 0.1
    >>> d = duplicates(np.stack([a, b, a, 0.5 * b]), sr=16000)
    >>> d.pairs.tolist(), d.exact.tolist()
    ([[0, 2], [1, 3]], [True, False])
    """
    rate = _validate.sample_rate(sr)
    limit = _validate.finite_number(threshold, "threshold", "a correlation from 0 to 1")
    if not 0 < limit <= 1:
        raise ValueError(f"threshold must be a correlation in (0, 1], got {threshold!r}")
    band = _validate.sample_rate(band_hz, name="band_hz")
    x = _batch(audio)
    n = len(x)
    found: dict[tuple[int, int], tuple[float, bool]] = {}
    sounding = np.flatnonzero(np.max(np.abs(x), axis=1) >= _SILENT_PEAK) if x.size else np.zeros(0, int)
    by_hash: dict[bytes, list[int]] = {}
    for i in sounding:
        digest = hashlib.blake2b(np.ascontiguousarray(x[i]).tobytes(), digest_size=16).digest()
        by_hash.setdefault(digest, []).append(int(i))
    for members in by_hash.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                found[(members[a], members[b])] = (1.0, True)
    if len(sounding) > 1:
        low = np.concatenate([_band_limited(x[sounding[lo:lo + 256]], rate, min(band, rate))
                              for lo in range(0, len(sounding), 256)]).astype(np.float32)
        low /= np.maximum(np.linalg.norm(low, axis=1, keepdims=True), 1e-30)
        for lo in range(0, len(low), 512):
            sim = low[lo:lo + 512] @ low.T
            rows, cols = np.nonzero(sim >= limit)
            for r, c in zip(rows, cols):
                i, j = int(sounding[lo + r]), int(sounding[c])
                if i < j and (i, j) not in found:
                    found[(i, j)] = (float(min(1.0, sim[r, c])), False)
    keys = sorted(found)
    pairs = np.array(keys, dtype=int).reshape(-1, 2)
    return DuplicatePairs(pairs, np.array([found[k][0] for k in keys]), np.array([found[k][1] for k in keys], bool),
                          n, limit)


# ----------------------------------------------------------------------------- splits


def merge_groups(groups: Sequence[Hashable], links: Any) -> np.ndarray:
    """Group labels where every pair in ``links`` (row indices) ends up in one group.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Use it to keep duplicates together: ``merge_groups(programs, dups.pairs)``
    joins the groups of any two clips that are copies of each other (and,
    through them, whole groups).

    Parameters
    ----------
    groups : sequence, length n_clips
        A group label per clip (any hashable values).
    links : array_like of int, shape (n_links, 2)
        Pairs of row indices that must share a group.

    Returns
    -------
    np.ndarray of int, shape (n_clips,)
        New labels 0, 1, 2, ... in order of first appearance.

    Examples
    --------
    >>> merge_groups(["a", "a", "b", "c", "d"], [(1, 2), (3, 3)]).tolist()
    [0, 0, 0, 1, 2]
    """
    labels = list(groups)
    n = len(labels)
    index: dict[Any, int] = {}
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for i, label in enumerate(labels):
        try:
            first = index.setdefault(label, i)
        except TypeError:
            raise ValueError(f"group labels must be hashable (str, int...), got {type(label).__name__}") from None
        join(first, i)
    pairs = np.asarray(links, dtype=int).reshape(-1, 2) if len(np.asarray(links).reshape(-1)) else np.zeros((0, 2), int)
    if pairs.size and (pairs.min() < 0 or pairs.max() >= n):
        raise ValueError(f"links must hold row indices from 0 to {n - 1}, got values up to {pairs.max()}")
    for a, b in pairs:
        join(int(a), int(b))
    renumber: dict[int, int] = {}
    return np.array([renumber.setdefault(root(i), len(renumber)) for i in range(n)], dtype=int)


def group_split(
    groups: Sequence[Hashable],
    *,
    fractions: Sequence[float] = (0.8, 0.2),
    names: Sequence[str] = ("train", "test"),
    seed: int = 0,
    links: Any = None,
) -> dict[str, np.ndarray]:
    """Split clips at random by whole groups: every clip of a group lands in the same split.

    Notebook: ``13_audio_data_hygiene.ipynb`` (``14`` splits by program and by SoundFont).

    The groups are shuffled with ``seed`` and each goes to the split that is
    furthest below its share of *clips*, so the shares are met as closely as
    whole groups allow (a split may stay empty when there are fewer groups
    than splits).

    Parameters
    ----------
    groups : sequence, length n_clips
        A group label per clip: ``clips.column("program")``,
        ``clips.column("soundfont")``, a phrase's tune, a drum kit...
    fractions : sequence of float, keyword-only
        Share of clips per split, summing to 1.
    names : sequence of str, keyword-only
        One name per split.
    seed : int, keyword-only
        Same seed, same split.
    links : array_like of int, shape (n_links, 2), optional
        Pairs of rows that must also stay together (e.g. ``duplicates(...).pairs``);
        their groups are merged first (:func:`merge_groups`).

    Returns
    -------
    dict of str to np.ndarray of int
        Row indices per split, ascending. Check it with :func:`assert_no_group_leak`.

    Examples
    --------
    >>> groups = ["piano"] * 4 + ["organ"] * 4 + ["flute"] * 2
    >>> splits = group_split(groups, fractions=(0.6, 0.4), seed=1)
    >>> sorted({groups[i] for i in splits["test"]}) in (["piano"], ["organ"], ["flute"], ["flute", "organ"],
    ...                                               ["flute", "piano"])
    True
    >>> assert_no_group_leak(groups, splits)
    {'train': ..., 'test': ...}
    """
    labels = list(groups)
    names, weights, seed = _validate.split_plan(names, fractions, seed)
    merged = merge_groups(labels, np.zeros((0, 2), int) if links is None else links)
    members: dict[int, list[int]] = {}
    for i, g in enumerate(merged):
        members.setdefault(int(g), []).append(i)
    ordered = [members[g] for g in sorted(members)]
    order = np.random.default_rng(int(seed)).permutation(len(ordered))
    targets = [w * len(labels) for w in weights]
    chosen: list[list[int]] = [[] for _ in names]
    for g in order:
        deficits = [targets[s] - len(chosen[s]) for s in range(len(names))]
        s = max(range(len(names)), key=lambda j: (deficits[j], -j))
        chosen[s].extend(ordered[int(g)])
    return {name: np.array(sorted(rows), dtype=int) for name, rows in zip(names, chosen)}


def assert_no_group_leak(
    groups: Sequence[Hashable],
    splits: Mapping[str, Any],
    *,
    what: str = "group",
) -> dict[str, int]:
    """Prove that no group has clips in two splits; raise :class:`~musiclearn.errors.DataError` if one has.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Parameters
    ----------
    groups : sequence, length n_clips
        A group label per clip (as given to :func:`group_split`).
    splits : dict of str to sequence of int
        Row indices per split.
    what : str, keyword-only
        What a group is, for the message ("program", "SoundFont", "kit"...).

    Returns
    -------
    dict of str to int
        The number of groups in each split, when nothing leaks.

    Raises
    ------
    musiclearn.errors.DataError
        Naming the first leaking group, the splits it is in, and how many groups leak.
    ValueError
        If a split holds an index that is not a row, or a row is in two splits.

    Examples
    --------
    >>> assert_no_group_leak(["a", "a", "b"], {"train": [0, 1], "test": [2]})
    {'train': 1, 'test': 1}
    >>> assert_no_group_leak(["a", "a", "b"], {"train": [0], "test": [1, 2]}, what="program")
    Traceback (most recent call last):
    ...
    musiclearn.errors.DataError: splits: program 'a' has clips in 'train' (1) and 'test' (1); 1 of 2 programs leak. Split whole groups, e.g. with hygiene.group_split
    """
    labels = list(groups)
    if not isinstance(splits, Mapping) or len(splits) < 2:
        raise ValueError("splits must be a dict of at least two names -> row indices, e.g. from group_split")
    where: dict[Any, dict[str, int]] = {}
    seen_rows: dict[int, str] = {}
    counts: dict[str, int] = {}
    for name, rows in splits.items():
        in_split: set[Any] = set()
        for r in np.asarray(rows).reshape(-1):
            if isinstance(r, (bool, np.bool_)) or not isinstance(r, numbers.Integral) or not 0 <= r < len(labels):
                raise ValueError(f"split {name!r} holds {r!r}, which is not a row index (0 to {len(labels) - 1})")
            if int(r) in seen_rows and seen_rows[int(r)] != name:
                raise ValueError(f"row {int(r)} is in both {seen_rows[int(r)]!r} and {name!r}")
            seen_rows[int(r)] = name
            g = labels[int(r)]
            in_split.add(g)
            where.setdefault(g, {}).setdefault(name, 0)
            where[g][name] += 1
        counts[str(name)] = len(in_split)
    leaks = [(g, places) for g, places in where.items() if len(places) > 1]
    if leaks:
        g, places = leaks[0]
        g = g.item() if isinstance(g, np.generic) else g      # 64, not np.int64(64)
        spread = " and ".join(f"{s!r} ({c})" for s, c in places.items())
        raise DataError(f"{what} {g!r} has clips in {spread}; {len(leaks)} of {len(where)} {what}s leak. "
                        "Split whole groups, e.g. with hygiene.group_split", "splits")
    return counts


# ----------------------------------------------------------------------------- planting faults


@dataclass
class Planted:
    """A clip set with faults planted on purpose, and the truth about every one.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Attributes
    ----------
    clips : ClipSet
        The faulty set: the clean clips (some changed) followed by the planted copies.
    truth : dict of str to np.ndarray of bool
        For every per-clip fault in :data:`FAULTS`, which rows carry it.
    duplicate_pairs : dict of str to np.ndarray of int
        ``"exact_duplicate"`` and ``"near_duplicate"``: ``(original row, copy row)`` pairs.
    notes : list of str
        One line per planted fault: the row, the clip id and what was done.
    """

    clips: ClipSet
    truth: dict[str, np.ndarray]
    duplicate_pairs: dict[str, np.ndarray]
    notes: list[str] = field(default_factory=list)

    def faulty(self) -> np.ndarray:
        """Rows carrying any per-clip fault."""
        out = np.zeros(len(self.clips), bool)
        for mask in self.truth.values():
            out |= mask
        return out


def _fade_cut(y: np.ndarray, keep: int, fade: int) -> np.ndarray:
    out = np.zeros_like(y)
    out[:keep] = y[:keep]
    ramp = min(fade, keep)
    out[keep - ramp:keep] *= np.linspace(1.0, 0.0, ramp, dtype=y.dtype)
    return out


def _mu_law_round_trip(y: np.ndarray, mu: int = 255) -> np.ndarray:
    c = np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu)
    q = np.round((c + 1) / 2 * mu) / mu * 2 - 1
    return (np.sign(q) * ((1 + mu) ** np.abs(q) - 1) / mu).astype(y.dtype)


def _low_pass(y: np.ndarray, sr: float, cutoff_hz: float) -> np.ndarray:
    spectrum = np.fft.rfft(y.astype(np.float64))
    freqs = np.fft.rfftfreq(len(y), 1 / sr)
    spectrum *= 1.0 / np.sqrt(1.0 + (freqs / cutoff_hz) ** 12)     # a zero-phase 6th-order Butterworth magnitude
    return np.fft.irfft(spectrum, n=len(y)).astype(y.dtype)


_RATE_SWAPS = ((16000, 22050), (22050, 16000), (44100, 48000), (48000, 44100))
_TEMPO_FACTORS = (0.75, 0.8, 1.2, 1.5)
_REQUIRED_NOTE_FIELDS = ("family", "program", "pitch", "velocity", "soundfont")


def plant_faults(
    clips: ClipSet,
    *,
    per_fault: int = 8,
    faults: Sequence[str] | None = None,
    seed: int = 0,
) -> Planted:
    """Copy a clean clip set and plant known faults in it, each in ``per_fault`` different clips.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Every changed clip gets exactly one fault; duplicates are appended as new
    rows (with new ids ending in ``"~copy"``). The faults (:data:`FAULTS`):

    ``leading_silence``
        The sound starts 0.2-0.4 s late (shifted right, the end cut).
    ``trailing_silence``
        Only the first 0.1-0.2 s sound (cut, with a 10 ms fade), then zeros.
    ``total_silence``
        All zeros.
    ``clipping``
        Amplified until 2-8 % of the samples exceed full scale, then clipped at ±1.
    ``dc_offset``
        ±0.03-0.08 added to every sample.
    ``wrong_rate``
        Recorded at one rate, read as another (16000 ↔ 22050 or 44100 ↔ 48000 Hz):
        slower or faster, the pitch moved by ±5.6 or ±1.5 semitones; cut or
        zero-padded to the original length.
    ``wrong_tag``
        Program, family and instrument name changed to a program of another
        family (the tags stay consistent with each other, only wrong).
    ``missing_field``
        One of family, program, pitch, velocity, soundfont removed or set to None.
    ``exact_duplicate``
        A copy of a clip appended.
    ``near_duplicate``
        A processed copy appended: a gain change of ±3-9 dB, a low-pass at
        4 kHz, a μ-law 8-bit round trip or an 8-bit round trip.
    ``wrong_tempo``
        (Phrases only.) The tempo tag multiplied by 0.75, 0.8, 1.2 or 1.5.

    Parameters
    ----------
    clips : ClipSet
        The clean set (e.g. from :func:`musiclearn.clips.notes`).
    per_fault : int, keyword-only
        Clips per fault.
    faults : sequence of str, optional
        Which faults; default all that apply (``wrong_tempo`` only to clips
        with a tempo, ``wrong_rate`` only to clips with a pitch).
    seed : int, keyword-only
        Which clips and how much.

    Returns
    -------
    Planted

    Examples
    --------
    >>> from musiclearn import clips
    >>> clean = clips.notes(programs=[0, 40], pitches=[60, 67], soundfonts=["TimGM6mb"], cache=False)
    >>> p = plant_faults(clean, per_fault=1, faults=["dc_offset", "exact_duplicate"])
    >>> len(p.clips), int(p.truth["dc_offset"].sum()), p.duplicate_pairs["exact_duplicate"].shape
    (5, 1, (1, 2))
    """
    if not isinstance(clips, ClipSet):
        raise ValueError(f"plant_faults needs a clips.ClipSet, got {type(clips).__name__}")
    count = _validate.positive_int(per_fault, "per_fault")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    has_tempo = any(row.get("tempo") is not None for row in clips.meta)
    has_pitch = any(row.get("pitch") is not None for row in clips.meta)
    if faults is None:
        chosen = [f for f in FAULTS if (f != "wrong_tempo" or has_tempo) and (f != "wrong_rate" or has_pitch)]
    else:
        chosen = [faults] if isinstance(faults, str) else list(faults)
        unknown = [f for f in chosen if f not in FAULTS]
        if unknown:
            raise ValueError(f"unknown fault(s) {unknown}; choose from {list(FAULTS)}")
        if "wrong_tempo" in chosen and not has_tempo:
            raise ValueError("wrong_tempo needs clips with a 'tempo' tag (clips.phrases)")
    per_clip = [f for f in chosen if not f.endswith("_duplicate")]
    copies = [f for f in chosen if f.endswith("_duplicate")]
    n = len(clips)
    needed = count * len(per_clip) + count * len(copies)
    if needed > n:
        raise ValueError(f"planting {count} clips for each of {len(chosen)} faults needs {needed} clean clips, "
                         f"the set has {n}; lower per_fault")
    rng = np.random.default_rng(int(seed))
    sr = clips.sr
    audio = clips.audio.astype(np.float32, copy=True)
    meta = [dict(row) for row in clips.meta]
    order = rng.permutation(n)
    truth = {f: np.zeros(n, bool) for f in per_clip}
    notes_: list[str] = []
    position = 0
    other_families = [f for f in DEFAULT_FAMILIES]
    for fault in per_clip:
        rows = order[position:position + count]
        position += count
        for i in rows:
            i = int(i)
            y = audio[i]
            what = ""
            if fault == "leading_silence":
                delay = int(rng.uniform(0.2, 0.4) * sr)
                audio[i] = np.concatenate([np.zeros(delay, np.float32), y[:-delay]])
                what = f"{delay / sr:.2f} s of silence before the sound"
            elif fault == "trailing_silence":
                keep = int(rng.uniform(0.1, 0.2) * sr)
                audio[i] = _fade_cut(y, keep, int(0.01 * sr))
                what = f"sound cut after {keep / sr:.2f} s"
            elif fault == "total_silence":
                audio[i] = 0.0
                what = "all samples zero"
            elif fault == "clipping":
                share = rng.uniform(0.02, 0.08)
                level = float(np.quantile(np.abs(y), 1 - share))
                gain = 1.0 / max(level, 1e-6)
                audio[i] = np.clip(y * gain, -1.0, 1.0)
                what = f"amplified {20 * np.log10(gain):.0f} dB, {share:.0%} of samples clipped"
            elif fault == "dc_offset":
                offset = float(rng.choice([-1, 1]) * rng.uniform(0.03, 0.08))
                audio[i] = y + offset
                what = f"DC offset {offset:+.3f}"
            elif fault == "wrong_rate":
                from scipy.signal import resample_poly

                true_sr, read_as = _RATE_SWAPS[int(rng.integers(len(_RATE_SWAPS)))]
                # Audio recorded at true_sr but read as read_as plays read_as / true_sr times too fast; at a
                # fixed rate that is a change in the number of samples by true_sr / read_as.
                step = math.gcd(true_sr, read_as)
                moved = resample_poly(y, true_sr // step, read_as // step).astype(np.float32)
                out = np.zeros_like(y)
                out[: min(len(y), len(moved))] = moved[: len(y)]
                audio[i] = out
                what = (f"recorded at {true_sr} Hz, read as {read_as} Hz: "
                        f"{12 * np.log2(read_as / true_sr):+.1f} semitones")
            elif fault == "wrong_tag":
                family = str(meta[i].get("family"))
                new_family = str(rng.choice([f for f in other_families if f != family]))
                program = int(rng.choice(FAMILIES[new_family]))
                meta[i].update(family=new_family, program=program, instrument=program_name(program))
                what = f"tagged {program_name(program)} ({new_family}) instead of {family}"
            elif fault == "missing_field":
                name = str(rng.choice([f for f in _REQUIRED_NOTE_FIELDS if f in meta[i]] or ["family"]))
                if rng.random() < 0.5:
                    meta[i].pop(name, None)
                    what = f"field {name!r} removed"
                else:
                    meta[i][name] = None
                    what = f"field {name!r} set to None"
            elif fault == "wrong_tempo":
                factor = float(rng.choice(_TEMPO_FACTORS))
                meta[i]["tempo"] = round(float(meta[i]["tempo"]) * factor, 1)
                what = f"tempo tag × {factor}"
            truth[fault][i] = True
            notes_.append(f"row {i} ({meta[i].get('id')}): {fault}: {what}")
    extra_audio: list[np.ndarray] = []
    extra_meta: list[dict] = []
    pairs: dict[str, list[tuple[int, int]]] = {f: [] for f in copies}
    clean_rows = order[position:]
    for fault in copies:
        for i in clean_rows[:count]:
            i = int(i)
            y = clips.audio[i].astype(np.float32)
            if fault == "exact_duplicate":
                copy, what = y.copy(), "identical copy"
            else:
                kind = int(rng.integers(4))
                if kind == 0:
                    db = float(rng.choice([-1, 1]) * rng.uniform(3, 9))
                    copy, what = (y * 10 ** (db / 20)).astype(np.float32), f"gain {db:+.1f} dB"
                elif kind == 1:
                    copy, what = _low_pass(y, sr, 4000.0), "low-passed at 4 kHz"
                elif kind == 2:
                    copy, what = _mu_law_round_trip(y), "mu-law 8-bit round trip"
                else:
                    copy, what = (np.round(y * 127) / 127).astype(np.float32), "8-bit round trip"
            row = len(clips) + len(extra_meta)
            extra_audio.append(copy)
            extra_meta.append({**clips.meta[i], "id": f"{clips.meta[i].get('id')}~copy"})
            pairs[fault].append((i, row))
            notes_.append(f"row {row} ({extra_meta[-1]['id']}): {fault} of row {i}: {what}")
        clean_rows = clean_rows[count:]
    if extra_audio:
        audio = np.concatenate([audio, np.stack(extra_audio)])
        meta += extra_meta
    total = len(meta)
    padded = {f: np.concatenate([m, np.zeros(total - n, bool)]) for f, m in truth.items()}
    result = ClipSet(audio, meta, sr, list(clips.skipped), {"planted_from": clips.info.get("cache_path")})
    return Planted(result, padded, {f: np.array(p, dtype=int).reshape(-1, 2) for f, p in pairs.items()}, notes_)


# ----------------------------------------------------------------------------- scoring


def precision_recall(flags: Any, truth: Any) -> tuple[float, float]:
    """Precision (flagged clips that are faulty) and recall (faulty clips that are flagged).

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Precision is NaN when nothing is flagged, recall NaN when nothing is faulty.

    Examples
    --------
    >>> precision_recall([True, True, False, False], [True, False, True, False])
    (0.5, 0.5)
    """
    f = np.asarray(flags, dtype=bool)
    t = np.asarray(truth, dtype=bool)
    if f.shape != t.shape:
        raise ValueError(f"flags and truth must have the same shape, got {f.shape} and {t.shape}")
    tp = int(np.count_nonzero(f & t))
    precision = tp / int(f.sum()) if f.any() else float("nan")
    recall = tp / int(t.sum()) if t.any() else float("nan")
    return precision, recall


def evaluate(found: Detection | DuplicatePairs, truth: Any) -> dict[str, Any]:
    """Score a detection against the truth: counts, precision and recall.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Parameters
    ----------
    found : Detection or DuplicatePairs
    truth : np.ndarray of bool (per clip), or (n, 2) pairs of rows for duplicates

    Returns
    -------
    dict
        ``flagged``, ``planted``, ``tp``, ``fp``, ``fn``, ``precision``, ``recall``
        (pairs for duplicates, clips otherwise).

    Examples
    --------
    >>> d = Detection("x", np.array([True, True, False]), np.zeros(3), 0.0)
    >>> evaluate(d, [True, False, False])["precision"]
    0.5
    """
    if isinstance(found, DuplicatePairs):
        got = {tuple(p) for p in found.pairs.tolist()}
        want = {tuple(sorted(p)) for p in np.asarray(truth, dtype=int).reshape(-1, 2).tolist()}
        tp = len(got & want)
        flagged, planted = len(got), len(want)
    else:
        t = np.asarray(truth, dtype=bool)
        if t.shape != found.flags.shape:
            raise ValueError(f"truth has shape {t.shape}, the detection {found.flags.shape}")
        tp = int(np.count_nonzero(found.flags & t))
        flagged, planted = found.count, int(t.sum())
    return {"flagged": flagged, "planted": planted, "tp": tp, "fp": flagged - tp, "fn": planted - tp,
            "precision": tp / flagged if flagged else float("nan"),
            "recall": tp / planted if planted else float("nan")}


# ----------------------------------------------------------------------------- small checks


def _nonnegative(value: Any, name: str, hint: str) -> float:
    x = _validate.finite_number(value, name, hint)
    if x < 0:
        raise ValueError(f"{name} must be >= 0 ({hint}), got {value!r}")
    return x


def _negative(value: Any, name: str) -> float:
    x = _validate.finite_number(value, name, "in dB, below 0")
    if x >= 0:
        raise ValueError(f"{name} must be a negative number of dB (e.g. -40), got {value!r}")
    return x
