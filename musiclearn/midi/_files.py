"""MIDI files in and out: ``load`` (with repairs), ``from_notes`` and ``write``.

Notebook: ``07_midi_as_data.ipynb``.

:func:`load` walks the bytes with the parser of :mod:`musiclearn.midi._bytes`
first, so damaged files get a precise message or a repair, then hands them to
mido and pretty_midi. :func:`from_notes` builds a one-instrument MIDI from a
melody's (pitch or rest, duration) events and :func:`write` saves one
atomically.
"""

from __future__ import annotations

import io
import math
import numbers
import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .. import _validate
from .._cache import atomic_write_bytes
from .._types import PathLike
from ..errors import MidiError
from ._bytes import _MAX_TICK, _read_source, _Reader, _warn_repairs

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pretty_midi

__all__ = ["load", "from_notes", "write"]

def load(path: PathLike) -> "pretty_midi.PrettyMIDI":
    """Read a Standard MIDI File (type 0, 1 or 2) into a ``PrettyMIDI`` object.

    Notebook: ``07_midi_as_data.ipynb``.

    The bytes are first walked by the same reader as :func:`events`, which
    gives truncated and corrupt files a precise message and repairs damage
    that real-world files often have: missing end-of-track events, wrong
    chunk lengths, more track chunks than the header announces, junk after
    the last track, unknown chunks, impossible meta events (a key signature
    with 9 sharps, a tempo of 0). Repairs are reported with one
    :class:`MidiRepairWarning` per file. mido then decodes the messages and
    pretty_midi turns ticks into seconds, following every tempo change.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.mid``/``.midi`` file (a RIFF ``.rmi`` wrapper is unpacked too).

    Returns
    -------
    pretty_midi.PrettyMIDI
        Instruments with notes (start and end in seconds), control changes
        (e.g. the sustain pedal, controller 64), tempo changes, time and key
        signatures. pretty_midi makes one instrument per (track, channel,
        program); channel 10 becomes a drum instrument.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    musiclearn.errors.MidiError
        The path is a directory, or the file is empty, truncated, corrupt or
        not MIDI (e.g. a WAV or text file renamed ``.mid``). The message starts
        with the path.

    Examples
    --------
    >>> from musiclearn import midi
    >>> midi.write(midi.from_notes([60, 62, 64], [1, 1, 2]), "/tmp/three.mid")
    PosixPath('/tmp/three.mid')
    >>> pm = midi.load("/tmp/three.mid")
    >>> [n.pitch for n in pm.instruments[0].notes], float(pm.get_end_time())
    ([60, 62, 64], 2.0)
    """
    p = _validate.existing_file(path, MidiError)
    data, _ = _read_source(p)
    parsed = _Reader(data, p, keep_records=False).read()

    if parsed.format not in (0, 1, 2):
        raise MidiError(f"the header gives MIDI file type {parsed.format}, but only types 0, 1 and 2 exist; "
                        "the file is corrupt", p)
    if parsed.division < 0:
        raise MidiError("the file times events in SMPTE frames, which pretty_midi cannot read; "
                        "re-export it with a tempo-based (ticks per quarter note) division", p)
    if parsed.division == 0:
        raise MidiError("the header says 0 ticks per quarter note, so no event has a time; the file is corrupt", p)
    if not parsed.tracks:
        raise MidiError("the file contains no tracks, so there are no events to read", p)
    last_tick = max((track[-1][0] for track in parsed.tracks if track), default=0)
    if last_tick > _MAX_TICK:
        raise MidiError(f"the file is corrupt: an event lies at tick {last_tick:,} "
                        f"({last_tick / parsed.division:,.0f} quarter notes from the start); "
                        f"files longer than {_MAX_TICK:,} ticks are not read", p)

    import mido

    source = parsed.rebuilt() if parsed.needs_rebuild else data
    try:
        mf = mido.MidiFile(file=io.BytesIO(source))
    except Exception as exc:
        raise MidiError(f"the file is corrupt: mido could not parse it ({_detail(exc)})", p) from None

    import pretty_midi

    try:
        pm = pretty_midi.PrettyMIDI(mido_object=mf)
    except Exception as exc:
        raise MidiError(f"the file parsed but its events make no sense ({_detail(exc)}); it is probably corrupt",
                        p) from None
    _warn_repairs(parsed, p)
    return pm


def _detail(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ---------------------------------------------------------------------------
# Building and writing
# ---------------------------------------------------------------------------

def from_notes(
    pitches: Sequence[int | None],
    durations: Sequence[float],
    *,
    program: int = 0,
    bpm: float = 120.0,
    velocity: int = 90,
    is_drum: bool = False,
) -> "pretty_midi.PrettyMIDI":
    """Build a one-instrument MIDI from a melody.

    Notebook: ``07_midi_as_data.ipynb``.

    Parameters
    ----------
    pitches : sequence of int or None
        MIDI note numbers 0..127 (60 = middle C, 69 = A4 = 440 Hz), one per
        note; ``None`` is a rest.
    durations : sequence of float
        Length of each note or rest in quarter notes (beats), all > 0.
    program : int, default 0
        General MIDI program 0..127 (0 = acoustic grand piano, 40 = violin).
        For drums (``is_drum=True``) the pitch picks the drum instead.
    bpm : float, default 120.0
        Tempo in quarter notes per minute; one beat lasts ``60 / bpm`` seconds.
    velocity : int, default 90
        How hard each note is struck, 1..127.
    is_drum : bool, default False
        Put the notes on the percussion channel (MIDI channel 10).

    Returns
    -------
    pretty_midi.PrettyMIDI
        One instrument; note times in seconds. MIDI has no rest events, so a
        rest only shifts the notes after it (a trailing rest leaves no trace).

    Examples
    --------
    >>> from musiclearn import midi
    >>> pm = midi.from_notes([60, None, 67], [1, 0.5, 1.5], bpm=60)
    >>> [(n.pitch, n.start, n.end) for n in pm.instruments[0].notes]
    [(60, 0.0, 1.0), (67, 1.5, 3.0)]
    """
    import pretty_midi

    pitches = list(pitches)
    durations = list(durations)
    if len(pitches) != len(durations):
        raise ValueError(
            f"pitches and durations must have one entry per note, got {len(pitches)} pitches "
            f"and {len(durations)} durations"
        )
    for i, pitch in enumerate(pitches):
        if pitch is not None:
            pitches[i] = _validate.whole_number(pitch, f"pitches[{i}] (a MIDI note number, or None for a rest)", low=0, high=127)
    for i, dur in enumerate(durations):
        if isinstance(dur, (bool, np.bool_)) or not isinstance(dur, numbers.Real) \
                or not math.isfinite(float(dur)) or float(dur) <= 0:
            raise ValueError(f"durations[{i}] must be a positive number of quarter notes, got {dur!r}")
    program = _validate.whole_number(program, "program (a General MIDI instrument number)", low=0, high=127)
    velocity = _validate.whole_number(velocity, "velocity", low=1, high=127)
    if isinstance(bpm, (bool, np.bool_)) or not isinstance(bpm, numbers.Real) \
            or not math.isfinite(float(bpm)) or float(bpm) <= 0:
        raise ValueError(f"bpm must be a positive number of quarter notes per minute such as 120, got {bpm!r}")
    if not isinstance(is_drum, (bool, np.bool_)):
        raise ValueError(f"is_drum must be True or False, got {is_drum!r}")

    seconds_per_beat = 60.0 / float(bpm)
    pm = pretty_midi.PrettyMIDI(initial_tempo=float(bpm))
    instrument = pretty_midi.Instrument(program=program, is_drum=bool(is_drum))
    beat = 0.0
    for pitch, dur in zip(pitches, durations):
        # Times come from the running beat count, so long melodies do not drift.
        start, beat = beat * seconds_per_beat, beat + float(dur)
        if pitch is not None:
            instrument.notes.append(
                pretty_midi.Note(velocity=velocity, pitch=pitch, start=start, end=beat * seconds_per_beat)
            )
    pm.instruments.append(instrument)
    return pm


def _check_pretty_midi(pm: object) -> None:
    import pretty_midi

    if not isinstance(pm, pretty_midi.PrettyMIDI):
        raise ValueError(
            f"expected a pretty_midi.PrettyMIDI object (from musiclearn.midi.load or from_notes), "
            f"got {type(pm).__name__}"
        )


def write(pm: "pretty_midi.PrettyMIDI", path: PathLike) -> Path:
    """Save a ``PrettyMIDI`` object as a Standard MIDI File, atomically.

    Notebook: ``07_midi_as_data.ipynb``.

    The bytes are written to a temporary file next to ``path`` and renamed
    over it, so a failed write leaves any previous file intact.

    Parameters
    ----------
    pm : pretty_midi.PrettyMIDI
        The music to save.
    path : str or os.PathLike
        Destination, usually ending in ``.mid``; missing folders are created.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        ``pm`` is not a PrettyMIDI object.
    musiclearn.errors.MidiError
        The events cannot be encoded (e.g. a pitch outside 0..127).

    Examples
    --------
    >>> from musiclearn import midi
    >>> midi.write(midi.from_notes([60, 64, 67], [1, 1, 1]), "/tmp/triad.mid")
    PosixPath('/tmp/triad.mid')
    """
    _check_pretty_midi(pm)
    target = Path(os.fsdecode(path) if isinstance(path, bytes) else path)
    buffer = io.BytesIO()
    try:
        pm.write(buffer)
    except Exception as exc:
        raise MidiError(f"could not be written: the MIDI data is invalid ({_detail(exc)}); "
                        "check note pitches and velocities are 0..127", target) from None
    return atomic_write_bytes(target, buffer.getvalue())
