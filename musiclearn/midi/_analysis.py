"""Looking inside MIDI: notes in seconds, piano rolls, the sustain pedal, summaries.

Notebook: ``07_midi_as_data.ipynb``. Drawing a piano roll is
``musiclearn.plot.piano_roll`` (also importable as ``midi.plot_piano_roll``).
"""

from __future__ import annotations

import math
import numbers
import os
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .. import _validate
from ..melody import MidiNote, note_name
from ._files import _check_pretty_midi, load

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pretty_midi

    #: A MIDI to look at: a ``PrettyMIDI`` object, or the path of a file to load.
    MidiLike = pretty_midi.PrettyMIDI | str | os.PathLike[str]

__all__ = ["notes", "Note", "piano_roll", "apply_sustain", "summary", "Summary"]



#: The old name of :class:`musiclearn.melody.MidiNote` (times in seconds).
Note = MidiNote


def _as_pretty_midi(midi: object) -> "pretty_midi.PrettyMIDI":
    if isinstance(midi, (str, os.PathLike)):
        return load(midi)
    _check_pretty_midi(midi)
    return midi  # type: ignore[return-value]


def notes(pm: MidiLike) -> list[MidiNote]:
    """All notes of all instruments, in time order.

    Notebook: ``07_midi_as_data.ipynb``.

    Parameters
    ----------
    pm : pretty_midi.PrettyMIDI or path
        The music, or a MIDI file to :func:`load`.

    Returns
    -------
    list of MidiNote
        ``MidiNote(start_s, end_s, pitch, velocity, program, is_drum, instrument)``
        (also known as ``midi.Note``)
        sorted by start time, then pitch: times in seconds, MIDI pitch 0..127
        (for drums the key picks the drum), velocity 1..127, General MIDI
        program 0..127, and ``instrument``, the index into ``pm.instruments``.
        ``np.array(notes(pm))`` gives a (n, 7) float array.

    Examples
    --------
    >>> from musiclearn import midi
    >>> midi.notes(midi.from_notes([67, 60], [1, 1], bpm=60, program=40))
    [MidiNote(start_s=0.0, end_s=1.0, pitch=67, velocity=90, program=40, is_drum=False, instrument=0), \
MidiNote(start_s=1.0, end_s=2.0, pitch=60, velocity=90, program=40, is_drum=False, instrument=0)]
    """
    pm = _as_pretty_midi(pm)
    found = [Note(float(n.start), float(n.end), int(n.pitch), int(n.velocity), int(inst.program),
                  bool(inst.is_drum), index)
             for index, inst in enumerate(pm.instruments) for n in inst.notes]
    return sorted(found, key=lambda n: (n.start_s, n.pitch, n.instrument, n.end_s))


def piano_roll(
    pm: MidiLike,
    *,
    fs: float = 100,
    pitch_range: tuple[int, int] = (21, 109),
    include_drums: bool = False,
) -> np.ndarray:
    """The notes as an image: one row per pitch, one column per time step.

    Notebook: ``07_midi_as_data.ipynb``.

    Parameters
    ----------
    pm : pretty_midi.PrettyMIDI or path
        The music, or a MIDI file to :func:`load`.
    fs : float, default 100
        Columns per second (frames per second); column ``t`` covers
        ``t / fs <= time < (t + 1) / fs``.
    pitch_range : (int, int), default (21, 109)
        Lowest pitch and one past the highest, as in ``range``; the default
        is the 88 keys of a piano, A0 (21) to C8 (108). Row ``i`` is pitch
        ``pitch_range[0] + i``.
    include_drums : bool, default False
        Also draw drum hits, at the key that selects the drum (36 = bass
        drum, 38 = snare, 42 = closed hi-hat...).

    Returns
    -------
    np.ndarray, float32, shape (pitch_range[1] - pitch_range[0], n_frames)
        The velocity (1..127) of the note sounding at each pitch and frame,
        0 where silent; the loudest wins where notes of one pitch overlap. A
        note covers columns ``int(start * fs)`` to ``int(end * fs) - 1`` (as
        in pretty_midi), and at least one column, so short drum hits and
        grace notes stay visible. ``n_frames`` reaches the end of the last
        drawn note. The sustain pedal is not applied: use
        :func:`apply_sustain` first to see notes as they sound.

    Examples
    --------
    >>> from musiclearn import midi
    >>> roll = midi.piano_roll(midi.from_notes([60, 64], [1, 1], bpm=120), fs=10)
    >>> roll.shape, roll[60 - 21, :10].tolist()
    ((88, 10), [90.0, 90.0, 90.0, 90.0, 90.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    """
    if isinstance(fs, (bool, np.bool_)) or not isinstance(fs, numbers.Real) \
            or not math.isfinite(float(fs)) or float(fs) <= 0:
        raise ValueError(f"fs must be a positive number of frames per second such as 100, got {fs!r}")
    try:
        low, high = pitch_range
    except (TypeError, ValueError):
        raise ValueError(f"pitch_range must be two numbers (lowest, highest + 1) such as (21, 109), "
                         f"got {pitch_range!r}") from None
    low = _validate.whole_number(low, "pitch_range[0] (the lowest MIDI pitch)", low=0, high=127)
    high = _validate.whole_number(high, "pitch_range[1] (one past the highest MIDI pitch)", low=1, high=128)
    if high <= low:
        raise ValueError(f"pitch_range must go up, like (21, 109); got ({low}, {high})")
    if not isinstance(include_drums, (bool, np.bool_)):
        raise ValueError(f"include_drums must be True or False, got {include_drums!r}")
    fs = float(fs)

    spans = []
    n_frames = 0
    for note in notes(pm):
        if note.is_drum and not include_drums:
            continue
        first = int(note.start_s * fs)
        stop = max(int(note.end_s * fs), first + 1)
        n_frames = max(n_frames, stop)
        if low <= note.pitch < high:
            spans.append((note.pitch - low, first, stop, note.velocity))
    roll = np.zeros((high - low, n_frames), dtype=np.float32)
    for row, first, stop, velocity in spans:
        np.maximum(roll[row, first:stop], velocity, out=roll[row, first:stop])
    return roll


def apply_sustain(pm: MidiLike, *, threshold: int = 64) -> "pretty_midi.PrettyMIDI":
    """Lengthen notes held by the sustain pedal (controller 64), as a piano would.

    Notebook: ``07_midi_as_data.ipynb``.

    A pianist who releases a key while the pedal is down hears the note go on
    until the pedal comes up. MIDI files record the key release (note off) and
    the pedal separately (control change 64), so a loaded performance has
    short notes and a pedal; this turns them into the notes that sound.

    Parameters
    ----------
    pm : pretty_midi.PrettyMIDI or path
        The music (left unchanged), or a MIDI file to :func:`load`.
    threshold : int, default 64
        Controller-64 values at or above it mean "pedal down" (the MIDI
        convention); below it, "pedal up".

    Returns
    -------
    pretty_midi.PrettyMIDI
        A copy in which every note that is released while its instrument's
        pedal is down ends when the pedal comes up (or at the end of the
        music if it never does), or earlier, when the same key is struck
        again. Drum instruments are not changed.

    Examples
    --------
    >>> import pretty_midi
    >>> from musiclearn import midi
    >>> pm = midi.from_notes([60, 64], [1, 1], bpm=60)        # C4 0-1 s, E4 1-2 s
    >>> piano = pm.instruments[0]
    >>> piano.control_changes += [pretty_midi.ControlChange(64, 127, 0.5),
    ...                           pretty_midi.ControlChange(64, 0, 1.5)]
    >>> [(n.pitch, n.start, n.end) for n in midi.apply_sustain(pm).instruments[0].notes]
    [(60, 0.0, 1.5), (64, 1.0, 2.0)]
    """
    import copy

    pm = _as_pretty_midi(pm)
    threshold = _validate.whole_number(threshold, "threshold (the controller value that counts as pedal down)", low=0, high=127)
    out = copy.deepcopy(pm)
    music_end = float(pm.get_end_time())
    for inst in out.instruments:
        if inst.is_drum or not inst.notes:
            continue
        pedal = sorted((float(cc.time), cc.value >= threshold) for cc in inst.control_changes if cc.number == 64)
        held: list[tuple[float, float]] = []
        down_at: float | None = None
        for time, down in pedal:
            if down and down_at is None:
                down_at = time
            elif not down and down_at is not None:
                held.append((down_at, time))
                down_at = None
        if down_at is not None:
            held.append((down_at, max(music_end, down_at)))
        if not held:
            continue
        downs = np.array([d for d, _ in held])
        ups = np.array([u for _, u in held])
        next_strike: dict[int, float] = {}
        for note in sorted(inst.notes, key=lambda n: n.start, reverse=True):
            i = int(np.searchsorted(downs, note.end, side="right")) - 1
            if i >= 0 and note.end < ups[i]:
                until = min(float(ups[i]), next_strike.get(note.pitch, math.inf))
                note.end = max(note.end, until)
            next_strike[note.pitch] = note.start
    return out


def _overlapping(inst_notes: Sequence) -> int:
    """Notes that start while another note of the same pitch (same instrument) still sounds."""
    count = 0
    sounding_until: dict[int, float] = {}
    for note in sorted(inst_notes, key=lambda n: (n.start, n.end)):
        if note.start < sounding_until.get(note.pitch, -math.inf):
            count += 1
        sounding_until[note.pitch] = max(note.end, sounding_until.get(note.pitch, -math.inf))
    return count


class Summary(dict):
    """The dict returned by :func:`summary`; prints as a short report.

    Notebook: ``07_midi_as_data.ipynb``.
    """

    def __str__(self) -> str:
        lines = [f"{self['duration_s']:.2f} s, {self['resolution']} ticks per quarter note, "
                 f"{self['notes']} notes ({self['drum_notes']} on drums), "
                 f"{self['overlapping_notes']} overlapping notes"]
        tempi = ", ".join(f"{bpm:.4g} bpm at {t:.2f} s" for t, bpm in self["tempo_changes"])
        lines.append(f"tempo: {tempi}")
        signatures = ", ".join(f"{sig} at {t:.2f} s" for t, sig in self["time_signatures"]) or "none"
        lines.append(f"time signatures: {signatures}")
        keys = ", ".join(f"{key} at {t:.2f} s" for t, key in self["key_signatures"]) or "none"
        lines.append(f"key signatures: {keys}")
        lines.append(f"{len(self['instruments'])} instruments:")
        for inst in self["instruments"]:
            sound = "drums (channel 10)" if inst["is_drum"] else f"program {inst['program']:>3} {inst['program_name']}"
            span = (f"{note_name(inst['pitch_range'][0])}-{note_name(inst['pitch_range'][1])}"
                    if inst["pitch_range"] and not inst["is_drum"] else "")
            extra = []
            if inst["overlapping_notes"]:
                extra.append(f"{inst['overlapping_notes']} overlapping")
            if inst["sustain_pedal_presses"]:
                extra.append(f"sustain pedal pressed {inst['sustain_pedal_presses']}x")
            lines.append(f"  {inst['index']:>2} {inst['name'][:16]!r:<18} {sound:<36} {inst['notes']:>5} notes "
                         f"{span:<8} {', '.join(extra)}".rstrip())
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the report
        printer.text(str(self))


def summary(pm: MidiLike) -> Summary:
    """What is in a MIDI file: length, tempi, metres, keys, instruments, notes.

    Notebook: ``07_midi_as_data.ipynb``.

    Parameters
    ----------
    pm : pretty_midi.PrettyMIDI or path
        The music, or a MIDI file to :func:`load`.

    Returns
    -------
    Summary
        A dict (that prints as a report) with ``duration_s`` (end of the last
        event, seconds), ``resolution`` (ticks per quarter note),
        ``tempo_changes`` [(time_s, bpm)], ``time_signatures`` [(time_s,
        "3/4")], ``key_signatures`` [(time_s, "G major")], ``notes`` (total),
        ``drum_notes``, ``overlapping_notes`` (notes that start while a note
        of the same pitch on the same instrument still sounds, a common
        oddity of real files), ``drum_instruments`` (indices), and
        ``instruments``: one dict per instrument with ``index``, ``name``
        (the track name), ``program``, ``program_name`` (General MIDI),
        ``is_drum``, ``notes``, ``pitch_range`` (lowest, highest) or None,
        ``overlapping_notes`` and ``sustain_pedal_presses``.

    Examples
    --------
    >>> from musiclearn import midi
    >>> info = midi.summary(midi.from_notes([60, 62, 64], [1, 1, 2], program=40, bpm=90))
    >>> info["notes"], info["tempo_changes"], info["instruments"][0]["program_name"]
    (3, [(0.0, 90.0)], 'Violin')
    """
    import pretty_midi

    pm = _as_pretty_midi(pm)
    times, tempi = pm.get_tempo_changes()
    instruments = []
    for index, inst in enumerate(pm.instruments):
        pitches = [n.pitch for n in inst.notes]
        pedal = [cc.value >= 64 for cc in sorted(inst.control_changes, key=lambda c: c.time) if cc.number == 64]
        presses = sum(1 for before, now in zip([False] + pedal, pedal) if now and not before)
        instruments.append({
            "index": index,
            "name": inst.name,
            "program": int(inst.program),
            "program_name": "Drums" if inst.is_drum else pretty_midi.program_to_instrument_name(int(inst.program)),
            "is_drum": bool(inst.is_drum),
            "notes": len(inst.notes),
            "pitch_range": (min(pitches), max(pitches)) if pitches else None,
            "overlapping_notes": _overlapping(inst.notes),
            "sustain_pedal_presses": presses,
        })
    return Summary(
        duration_s=float(pm.get_end_time()),
        resolution=int(pm.resolution),
        tempo_changes=[(float(t), float(b)) for t, b in zip(times, tempi)],
        time_signatures=[(float(ts.time), f"{ts.numerator}/{ts.denominator}") for ts in pm.time_signature_changes],
        key_signatures=[(float(ks.time), pretty_midi.key_number_to_key_name(ks.key_number))
                        for ks in pm.key_signature_changes],
        notes=sum(i["notes"] for i in instruments),
        drum_notes=sum(i["notes"] for i in instruments if i["is_drum"]),
        overlapping_notes=sum(i["overlapping_notes"] for i in instruments),
        drum_instruments=[i["index"] for i in instruments if i["is_drum"]],
        instruments=instruments,
    )
