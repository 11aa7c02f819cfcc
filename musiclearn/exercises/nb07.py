"""Exercises for notebook ``07_midi_as_data.ipynb``: delta times, ticks to seconds, note numbers to Hz.

Importing this module registers the exercises ``07.decode_vlq``,
``07.ticks_to_seconds`` and ``07.note_to_hz`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from typing import Any

from ._engine import Case, Mistake, exercise
from ._compare import same as _same


# ----------------------------------------------------------------------------- 07.decode_vlq


def _groups(data: bytes, *, bits: int, mask: int, reverse: bool = False) -> int:
    """Combine the bytes as a (mistaken or right) variable-length quantity decoder would."""
    value = 0
    for byte in (reversed(data) if reverse else data):
        value = (value << bits) | (byte & mask)
    return value


def _kept_top_bit(got: Any, expected: Any, case: Case | None) -> str | None:
    (data,) = case.args
    if _same(got, _groups(data, bits=7, mask=0xFF)):
        return ("You kept the top bit of each byte: it is only the flag 'another byte follows'. "
                "Keep the low 7 bits with byte & 0x7F before adding them in")
    return None


def _eight_bits(got: Any, expected: Any, case: Case | None) -> str | None:
    (data,) = case.args
    if _same(got, _groups(data, bits=8, mask=0x7F)) or _same(got, _groups(data, bits=8, mask=0xFF)):
        return ("Each byte carries 7 bits of the number, not 8, so shift the value so far by 7 "
                "(value << 7, i.e. times 128) before adding the next group")
    return None


def _backwards(got: Any, expected: Any, case: Case | None) -> str | None:
    (data,) = case.args
    if _same(got, _groups(data, bits=7, mask=0x7F, reverse=True)):
        return ("You read the groups in the wrong order: the first byte holds the most significant "
                "7 bits (big-endian), as in the digits of a written number")
    return None


@exercise(
    "07.decode_vlq",
    prompt="""
        Write `decode_vlq(data)` that decodes one variable-length quantity, the way MIDI files store
        delta times: `data` is a bytes object holding exactly one such number; return it as an int.

        Each byte carries 7 bits of the number, most significant group first. The top bit of a
        byte (0x80) is 1 when another byte follows and 0 in the last byte.

        Examples: bytes([0x40]) is 64; bytes([0x83, 0x60]) is 3·128 + 96 = 480;
        bytes([0x81, 0x80, 0x00]) is 1·128² + 0·128 + 0 = 16384.
    """,
    inputs=[
        (bytes([0x00]),),
        (bytes([0x40]),),
        (bytes([0x7F]),),
        (bytes([0x81, 0x00]),),
        (bytes([0x83, 0x60]),),
        (bytes([0xFF, 0x7F]),),
        (bytes([0x81, 0x80, 0x00]),),
        (bytes([0xC0, 0x80, 0x80, 0x00]),),
        (bytes([0xFF, 0xFF, 0xFF, 0x7F]),),
    ],
    arg_names=("data",),
    integer=True,
    diagnostics=[_kept_top_bit, _eight_bits, _backwards],
    mistakes=[
        Mistake(lambda data: _groups(data, bits=7, mask=0xFF), says="top bit"),
        Mistake(lambda data: int.from_bytes(data, "big"), says="7 bits"),
        Mistake(lambda data: _groups(data, bits=8, mask=0x7F), says="shift"),
        Mistake(lambda data: _groups(data, bits=7, mask=0x7F, reverse=True), says="wrong order"),
    ],
    hints=[
        "Go through the bytes in order, keeping a running value that starts at 0.",
        "For each byte: value = value * 128 + (byte & 0x7F). Multiplying by 128 is shifting left by 7 bits.",
        "The top bits only mark where the number ends; since `data` holds exactly one number, you can "
        "process every byte and return the value.",
    ],
)
def decode_vlq(data):
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)  # 7 bits per byte, most significant first
    return value


# ----------------------------------------------------------------------------- 07.ticks_to_seconds


def _seconds(tick, tempo_changes, ticks_per_quarter, *, micro=1e6):
    total = 0.0
    for i, (start, tempo) in enumerate(tempo_changes):
        end = tempo_changes[i + 1][0] if i + 1 < len(tempo_changes) else tick
        end = min(end, tick)
        if end > start:
            total += (end - start) * tempo / ticks_per_quarter / micro
    return total


def _tempo_at(tick, tempo_changes):
    return [tempo for start, tempo in tempo_changes if start <= tick][-1]


def _first_tempo_only(got: Any, expected: Any, case: Case | None) -> str | None:
    tick, tempo_changes, tpq = case.args
    if len(tempo_changes) > 1 and _same(got, tick * tempo_changes[0][1] / tpq / 1e6):
        return ("You used only the first tempo for the whole time. Every tempo change starts a new "
                "segment: add up (ticks in the segment) × (that segment's µs per tick)")
    return None


def _tempo_at_the_end(got: Any, expected: Any, case: Case | None) -> str | None:
    tick, tempo_changes, tpq = case.args
    if _tempo_at(tick, tempo_changes) != tempo_changes[0][1] and \
            _same(got, tick * _tempo_at(tick, tempo_changes) / tpq / 1e6):
        return ("You timed all the ticks at the tempo in force at the end; earlier ticks went by at "
                "the earlier tempi, so add up the time segment by segment")
    return None


def _microseconds(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, float(expected) * 1e6):
        return "A million times too large: the tempo is in microseconds per quarter note; divide by 1e6 for seconds"
    if _same(got, float(expected) * 1e3):
        return "1000 times too large: that is milliseconds; the answer is in seconds (tempo is in µs, divide by 1e6)"
    return None


@exercise(
    "07.ticks_to_seconds",
    prompt="""
        Write `ticks_to_seconds(tick, tempo_changes, ticks_per_quarter)` that returns the time in seconds
        of an event `tick` ticks after the start of a MIDI file.

        - `ticks_per_quarter` is the division from the header (e.g. 480 ticks per quarter note);
        - `tempo_changes` is a list of (tick, tempo) pairs in time order, the first at tick 0;
          tempo is in microseconds per quarter note (500000 µs = 0.5 s per beat = 120 bpm) and holds
          from its tick until the next change.

        One tick lasts tempo / ticks_per_quarter microseconds. Example: tick 1440 with
        [(0, 500000), (960, 250000)] and 480 ticks per quarter is 960 ticks at 500000 µs per quarter
        (1 s) plus 480 ticks at 250000 µs (0.25 s) = 1.25 s.
    """,
    inputs=[
        (480, [(0, 500000)], 480),
        (960, [(0, 500000)], 96),
        (1440, [(0, 500000), (960, 250000)], 480),
        (500, [(0, 600000), (1000, 400000)], 500),
        (3000, [(0, 600000), (1000, 400000), (2000, 1000000)], 500),
        (2000, [(0, 600000), (1000, 400000), (2000, 1000000)], 500),
        (0, [(0, 500000), (10, 300000)], 480),
    ],
    arg_names=("tick", "tempo_changes", "ticks_per_quarter"),
    diagnostics=[_microseconds, _first_tempo_only, _tempo_at_the_end],
    mistakes=[
        Mistake(lambda tick, changes, tpq: tick * changes[0][1] / tpq / 1e6, says="only the first tempo"),
        Mistake(lambda tick, changes, tpq: tick * _tempo_at(tick, changes) / tpq / 1e6, says="in force at the end"),
        Mistake(lambda tick, changes, tpq: _seconds(tick, changes, tpq, micro=1.0), says="microseconds"),
        Mistake(lambda tick, changes, tpq: _seconds(tick, changes, tpq, micro=1e3), says="milliseconds"),
    ],
    hints=[
        "With one tempo: seconds = tick × tempo / ticks_per_quarter / 1e6.",
        "With several: walk through the tempo changes; each one holds from its tick to the next change "
        "(or to `tick`, whichever comes first).",
        "For segment i: ticks = min(next_change_tick, tick) - start_tick (skip it if that is not positive); "
        "add ticks × tempo / ticks_per_quarter / 1e6.",
    ],
)
def ticks_to_seconds(tick, tempo_changes, ticks_per_quarter):
    seconds = 0.0
    for i, (start, tempo) in enumerate(tempo_changes):
        end = tempo_changes[i + 1][0] if i + 1 < len(tempo_changes) else tick
        end = min(end, tick)  # this tempo holds until the next change, or until `tick`
        if end > start:
            seconds += (end - start) * tempo / ticks_per_quarter / 1e6
    return seconds


# ----------------------------------------------------------------------------- 07.note_to_hz


def _middle_c_reference(got: Any, expected: Any, case: Case | None) -> str | None:
    (note,) = case.args
    if _same(got, 440.0 * 2 ** ((note - 60) / 12)):
        return "A4 = 440 Hz is note 69, not 60 (60 is middle C, about 261.6 Hz): use note - 69"
    return None


def _no_twelve(got: Any, expected: Any, case: Case | None) -> str | None:
    (note,) = case.args
    if _same(got, 440.0 * 2.0 ** (note - 69)):
        return ("One MIDI step is a semitone, and there are 12 semitones per octave (one doubling): "
                "the exponent is (note - 69) / 12")
    return None


def _upside_down(got: Any, expected: Any, case: Case | None) -> str | None:
    (note,) = case.args
    if _same(got, 440.0 * 2 ** ((69 - note) / 12)):
        return "Higher notes have higher frequencies: the exponent is (note - 69) / 12, not (69 - note) / 12"
    return None


def _linear(got: Any, expected: Any, case: Case | None) -> str | None:
    (note,) = case.args
    if _same(got, 440.0 * note / 69):
        return ("Pitch is not proportional to the note number: each semitone multiplies the frequency "
                "by the same ratio, 2 ** (1/12) ≈ 1.0595")
    return None


@exercise(
    "07.note_to_hz",
    prompt="""
        Write `note_to_hz(note)` that returns the frequency in Hz of MIDI note number `note`
        (equal temperament, A4 = note 69 = 440 Hz). One step is a semitone; 12 semitones make an
        octave, which doubles the frequency.

        Examples: note 69 is 440 Hz, note 81 (A5) is 880 Hz, note 60 (middle C) is about 261.63 Hz.
    """,
    inputs=[(69,), (81,), (57,), (60,), (21,), (108,), (0,), (127,)],
    arg_names=("note",),
    diagnostics=[_middle_c_reference, _no_twelve, _upside_down, _linear],
    mistakes=[
        Mistake(lambda note: 440.0 * 2 ** ((note - 60) / 12), says="note 69"),
        Mistake(lambda note: 440.0 * 2.0 ** (note - 69), says="12 semitones"),
        Mistake(lambda note: 440.0 * 2 ** ((69 - note) / 12), says="higher notes"),
        Mistake(lambda note: 440.0 * note / 69, says="same ratio"),
    ],
    hints=[
        "Start from A4: how many semitones is `note` above (or below) note 69?",
        "Each semitone multiplies the frequency by 2 ** (1/12); twelve of them double it.",
        "440 * 2 ** ((note - 69) / 12)",
    ],
)
def note_to_hz(note):
    return 440.0 * 2 ** ((note - 69) / 12)
