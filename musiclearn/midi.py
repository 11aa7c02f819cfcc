"""MIDI files as data: read them byte by byte, load, inspect, build, write and render.

Notebook: ``07_midi_as_data.ipynb`` teaches this module. A MIDI (Musical
Instrument Digital Interface) file holds timed performance events — note on
and off with velocity, program changes, controllers such as the sustain
pedal, tempo — and no sound at all; to hear it, a synthesiser renders the
events to samples.

- :func:`events` walks the bytes by hand (header, track chunks, delta times
  in ticks, running status, meta events) and returns readable records.
- :func:`load` reads real-world files into :class:`pretty_midi.PrettyMIDI`
  (notes in seconds, following tempo changes), repairing common damage and
  naming the file and the problem when it cannot.
- :func:`notes`, :func:`piano_roll`, :func:`plot_piano_roll`,
  :func:`apply_sustain` and :func:`summary` look at what is inside.
- :func:`from_notes` and :func:`write` build and save MIDI; :func:`render`
  plays it with FluidSynth and pretty_midi's bundled General MIDI SoundFont
  (TimGM6mb) when ``libfluidsynth3`` and ``pyfluidsynth`` are installed, and
  with sine waves otherwise.

mido, pretty_midi, fluidsynth and matplotlib are imported inside the
functions that need them, so ``import musiclearn.midi`` stays light.
"""

from __future__ import annotations

import functools
import inspect
import io
import math
import numbers
import os
import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, NoReturn, Optional, Sequence, Union

import numpy as np

from ._cache import atomic_write_bytes
from .audio import _check_sr, _existing_file, _resample, normalise
from .errors import MidiError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pretty_midi
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PathLike = Union[str, "os.PathLike[str]"]

__all__ = [
    "events", "Event", "load", "MidiRepairWarning",
    "notes", "Note", "piano_roll", "plot_piano_roll", "apply_sustain", "summary", "Summary",
    "write", "from_notes", "render", "real_instruments_available",
    "SineFallbackWarning", "INSTALL_HINT",
]

#: What to do to hear real instruments instead of sine waves.
INSTALL_HINT = (
    "install libfluidsynth3 (apt-get install libfluidsynth3) and pyfluidsynth (pip install pyfluidsynth)"
)

# FluidSynth silently replaces a sampling rate outside this range by 44100 Hz,
# which would put every note at the wrong time; other rates are resampled.
_FLUIDSYNTH_SR_RANGE = (8000, 96000)
_FLUIDSYNTH_FALLBACK_SR = 44100

# The sine-wave notice is shown once per Python session, not once per call.
_fallback_notice_shown = False


class SineFallbackWarning(UserWarning):
    """MIDI is being rendered with sine waves because FluidSynth is unavailable."""


# ---------------------------------------------------------------------------
# Recognising what a file is
# ---------------------------------------------------------------------------

def _not_midi_reason(data: bytes) -> str:
    """A sentence saying what a file that lacks the MIDI header seems to be."""
    head = data[:16]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "this is a WAV audio file, not MIDI (MIDI files start with 'MThd'); load it with musiclearn.audio.load"
    audio_magic = {b"fLaC": "a FLAC audio file", b"OggS": "an OGG audio file", b"ID3": "an MP3 audio file",
                   b"FORM": "an AIFF audio file"}
    for magic, kind in audio_magic.items():
        if head.startswith(magic):
            return f"this is {kind}, not MIDI (MIDI files start with 'MThd'); load it with musiclearn.audio.load"
    if head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "this looks like an MP3 audio file, not MIDI (MIDI files start with 'MThd')"
    if head[:4] == b"PK\x03\x04":
        return "this is a ZIP archive (perhaps compressed MusicXML or a zipped MIDI), not a MIDI file; unzip it first"
    sample = data[:4096]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        lowered = text.lower()
        if "x:" in lowered and "k:" in lowered:
            return "this is a text file (it looks like ABC notation), not MIDI; parse it with music21"
        if "<?xml" in lowered or "<score-partwise" in lowered:
            return "this is a text file (it looks like MusicXML), not MIDI; parse it with music21"
        return "this is a text file, not MIDI (MIDI files are binary and start with 'MThd')"
    return "not a MIDI file: it does not start with the MIDI header 'MThd'; it is corrupt or another kind of file"


def _rmid_payload(data: bytes) -> Optional[bytes]:
    """The standard MIDI file inside a RIFF-RMID wrapper, if ``data`` is one."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"RMID":
        return None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id = data[pos:pos + 4]
        size = int.from_bytes(data[pos + 4:pos + 8], "little")
        if chunk_id == b"data":
            return data[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    return None


# ---------------------------------------------------------------------------
# Reading the bytes: a transparent Standard MIDI File parser
# ---------------------------------------------------------------------------
#
# A Standard MIDI File is a header chunk ("MThd": format, number of tracks,
# ticks per quarter note) followed by track chunks ("MTrk"), each a list of
# events: a delta time in ticks (a variable-length quantity), then a status
# byte and its data bytes. ``events`` shows that structure record by record;
# ``load`` uses the same reader to find and repair damage before handing the
# file to mido and pretty_midi.

class MidiRepairWarning(UserWarning):
    """A MIDI file broke a rule of the format, and was read anyway in the way the warning says."""


#: Channel messages: high nibble of the status byte -> (mido's type name, its data bytes).
_CHANNEL_MESSAGES = {
    0x80: ("note_off", ("note", "velocity")),
    0x90: ("note_on", ("note", "velocity")),
    0xA0: ("polytouch", ("note", "value")),
    0xB0: ("control_change", ("control", "value")),
    0xC0: ("program_change", ("program",)),
    0xD0: ("aftertouch", ("value",)),
    0xE0: ("pitchwheel", ("lsb", "msb")),
}

#: Meta events (status 0xFF) by type byte, named as mido names them.
_META_NAMES = {
    0x00: "sequence_number", 0x01: "text", 0x02: "copyright", 0x03: "track_name",
    0x04: "instrument_name", 0x05: "lyrics", 0x06: "marker", 0x07: "cue_marker",
    0x09: "device_name", 0x20: "channel_prefix", 0x21: "midi_port", 0x2F: "end_of_track",
    0x51: "set_tempo", 0x54: "smpte_offset", 0x58: "time_signature", 0x59: "key_signature",
    0x7F: "sequencer_specific",
}
_TEXT_METAS = {"text": "text", "copyright": "text", "lyrics": "text", "marker": "text", "cue_marker": "text",
               "track_name": "name", "instrument_name": "name", "device_name": "name"}

# Key signature meta: sharps (+) or flats (-) from -7 to 7, major or minor.
_MAJOR_KEYS = ("Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#")
_MINOR_KEYS = ("Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#")
_SMPTE_RATES = (24, 25, 29.97, 30)

# pretty_midi turns ticks into seconds with an array as long as the last tick;
# it refuses files beyond this many ticks, and so do we, with a clearer message.
_MAX_TICK = 10_000_000

_CONTROLLERS = {0: "bank select", 1: "modulation wheel", 7: "volume", 10: "pan", 11: "expression",
                64: "sustain pedal", 66: "sostenuto pedal", 67: "soft pedal", 91: "reverb", 93: "chorus",
                120: "all sound off", 121: "reset all controllers", 123: "all notes off"}
_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]


def _note_name(pitch: int) -> str:
    """``60 -> 'C4'`` (scientific pitch notation: MIDI 60 is middle C, 69 is A4)."""
    return f"{_NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"


@dataclass(frozen=True)
class Event:
    """One record of a MIDI file as :func:`events` reads it from the bytes.

    Attributes
    ----------
    offset : int
        Position of the record's first byte in the file (byte 0 is the 'M' of 'MThd').
    raw : bytes
        The record's bytes. For an event: its delta time, then its status byte
        (absent with running status) and data. The records of a file, in
        order, cover every one of its bytes exactly once.
    kind : str
        ``"header"`` (the MThd chunk), ``"track"`` (the 8-byte head of an MTrk
        chunk), ``"unknown_chunk"`` (a chunk that is not a track, skipped as
        the standard says), ``"ignored"`` (bytes that belong to no event), or
        the event's type as mido names it: ``"note_on"``, ``"note_off"``,
        ``"control_change"``, ``"program_change"``, ``"pitchwheel"``,
        ``"polytouch"``, ``"aftertouch"``, ``"sysex"``, ``"set_tempo"``,
        ``"time_signature"``, ``"key_signature"``, ``"track_name"``,
        ``"end_of_track"``, ``"unknown_meta"``, ...
    track : int or None
        Index of the track chunk (0 = first); None for the header.
    delta : int or None
        Ticks since the previous event of the same track (events only).
    tick : int or None
        Ticks since the start of the track (events only).
    channel : int or None
        Channel 0..15 of a channel message. People (and synthesiser manuals)
        count channels 1..16, so index 9 is "channel 10", the drums.
    running_status : bool
        The status byte was left out because it equals the previous one.
    fields : dict
        The values, named as mido names them: ``note``, ``velocity``,
        ``program``, ``control``, ``value``, ``pitch``, ``tempo`` (µs per
        quarter note), ``numerator``, ``denominator``, ``key``, ``name``,
        ``data``...; for the header ``format``, ``ntracks``, ``division``;
        for a track chunk its announced ``length`` in bytes.
    problem : str or None
        What is wrong with this record, if anything. :func:`load` repairs or
        drops it and says so with a :class:`MidiRepairWarning`.
    """

    offset: int
    raw: bytes
    kind: str
    track: Optional[int] = None
    delta: Optional[int] = None
    tick: Optional[int] = None
    channel: Optional[int] = None
    running_status: bool = False
    fields: dict = field(default_factory=dict)
    problem: Optional[str] = None

    @property
    def hex(self) -> str:
        """The raw bytes in hexadecimal, e.g. ``'00 90 3c 64'``."""
        return self.raw.hex(" ")

    def describe(self) -> str:
        """What the record means, in words (channels counted 1..16, as people count them)."""
        f, kind = self.fields, self.kind
        if kind == "header":
            division = f["division"]
            timing = (f"{division} ticks per quarter note" if division > 0 else
                      f"SMPTE timing: {-(division >> 8)} frames per second, {division & 0xFF} ticks per frame")
            return f"header chunk 'MThd': format {f['format']}, {f['ntracks']} track(s), {timing}"
        if kind == "track":
            return f"track chunk 'MTrk' number {self.track}: {f['length']} bytes of events announced"
        if kind == "unknown_chunk":
            return f"unknown chunk {f['name']!r} of {f['length']} bytes (skipped, as the standard says)"
        if kind == "ignored":
            return f"{len(self.raw)} byte(s) ignored: {self.problem}"
        text = self._describe_event()
        if self.running_status:
            text += " [running status]"
        if self.problem:
            text += f" [problem: {self.problem}]"
        return text

    def _describe_event(self) -> str:
        f, kind = self.fields, self.kind
        if self.channel is not None:
            where = f"channel {self.channel + 1}" + (" (drums)" if self.channel == 9 else "")
            if kind in ("note_on", "note_off"):
                name = _drum_name(f["note"]) if self.channel == 9 else _note_name(f["note"])
                text = f"{kind} {where}: note {f['note']} ({name}), velocity {f['velocity']}"
                if kind == "note_on" and f["velocity"] == 0:
                    text += " (velocity 0 means note off)"
                return text
            if kind == "program_change":
                instrument = "drum kit" if self.channel == 9 else _program_name(f["program"])
                return f"program_change {where}: program {f['program']} ({instrument})"
            if kind == "control_change":
                label = _CONTROLLERS.get(f["control"], "controller")
                text = f"control_change {where}: controller {f['control']} ({label}) = {f['value']}"
                if f["control"] == 64:
                    text += " (pedal down)" if f["value"] >= 64 else " (pedal up)"
                return text
            if kind == "pitchwheel":
                return f"pitchwheel {where}: {f['pitch']:+d} (of -8192..8191)"
            values = ", ".join(f"{k} {v}" for k, v in f.items())
            return f"{kind} {where}: {values}"
        if kind == "set_tempo" and "tempo" in f:
            return f"set_tempo: {f['tempo']} µs per quarter note ({60e6 / f['tempo']:.6g} bpm)"
        if kind == "time_signature" and "numerator" in f:
            return (f"time_signature: {f['numerator']}/{f['denominator']} "
                    f"({f['clocks_per_click']} MIDI clocks per click, "
                    f"{f['notated_32nd_notes_per_beat']} 32nd notes per quarter)")
        if kind == "key_signature" and "key" in f:
            key = f["key"]
            return f"key_signature: {key[:-1]} minor" if key.endswith("m") else f"key_signature: {key} major"
        if kind == "end_of_track":
            return "end_of_track"
        if kind in _TEXT_METAS:
            return f"{kind}: {f[_TEXT_METAS[kind]]!r}"
        if kind in ("sysex", "sequencer_specific", "unknown_meta"):
            data = f.get("data", ())
            shown = " ".join(f"{b:02x}" for b in data[:12]) + (" …" if len(data) > 12 else "")
            prefix = f"unknown_meta type 0x{f['type_byte']:02x}" if kind == "unknown_meta" else kind
            return f"{prefix}: {len(data)} data byte(s) [{shown}]"
        values = ", ".join(f"{k} {v}" for k, v in f.items())
        return f"{kind}: {values}" if values else kind

    def __str__(self) -> str:
        shown = self.raw[:8].hex(" ") + (" …" if len(self.raw) > 8 else "")
        if self.tick is not None:
            where = f"track {self.track} tick {self.tick:>6} (+{self.delta})"
        else:
            where = ""
        return f"{self.offset:>6}  {shown:<25} {where:<28} {self.describe()}"


def _program_name(program: int) -> str:
    import pretty_midi

    return pretty_midi.program_to_instrument_name(program)


def _drum_name(key: int) -> str:
    import pretty_midi

    return pretty_midi.note_number_to_drum_name(key) or "no drum on this key"


def _vlq_bytes(value: int) -> bytes:
    """A non-negative int as a variable-length quantity: 7 bits per byte, high bit = "more follow"."""
    groups = [value & 0x7F]
    value >>= 7
    while value:
        groups.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(groups))


def _is_chunk_name(name: bytes) -> bool:
    """Four ASCII letters, digits or spaces, starting with a letter: 'MTrk', 'XFIH'..."""
    return len(name) == 4 and name[:1].isalpha() and all(
        0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A or c == 0x20 for c in name)


def _meta_fields(type_byte: int, payload: bytes) -> tuple[str, dict, Optional[str]]:
    """(kind, fields, problem) of a meta event; problem says why mido or pretty_midi could not use it."""
    kind = _META_NAMES.get(type_byte)
    if kind is None:
        return "unknown_meta", {"type_byte": type_byte, "data": tuple(payload)}, None
    size = len(payload)

    def too_short(need: int) -> tuple[str, dict, str]:
        return kind, {"data": tuple(payload)}, f"a {kind} event needs {need} data byte(s), this one has {size}"

    if kind in _TEXT_METAS:
        return kind, {_TEXT_METAS[kind]: payload.decode("latin-1")}, None
    if kind == "sequence_number":
        if size == 0:  # some writers leave the number out; it then means 0
            return kind, {"number": 0}, None
        return too_short(2) if size < 2 else (kind, {"number": payload[0] << 8 | payload[1]}, None)
    if kind == "channel_prefix":
        return too_short(1) if size < 1 else (kind, {"channel": payload[0]}, None)
    if kind == "midi_port":
        return kind, {"port": payload[0] if size else 0}, None
    if kind == "end_of_track":
        return kind, {}, None
    if kind == "set_tempo":
        if size < 3:
            return too_short(3)
        tempo = int.from_bytes(payload[:3], "big")
        return kind, {"tempo": tempo}, ("a tempo of 0 µs per quarter note is impossible" if tempo == 0 else None)
    if kind == "smpte_offset":
        if size < 5:
            return too_short(5)
        rate = payload[0] >> 5
        if rate >= len(_SMPTE_RATES):
            return kind, {"data": tuple(payload)}, f"SMPTE frame-rate code {rate} does not exist (0..3)"
        return kind, {"frame_rate": _SMPTE_RATES[rate], "hours": payload[0] & 0x1F, "minutes": payload[1],
                      "seconds": payload[2], "frames": payload[3], "sub_frames": payload[4]}, None
    if kind == "time_signature":
        if size < 4:
            return too_short(4)
        values = {"numerator": payload[0], "denominator": 2 ** payload[1], "clocks_per_click": payload[2],
                  "notated_32nd_notes_per_beat": payload[3]}
        if payload[0] == 0:
            return kind, values, "a time signature with 0 beats per bar is impossible"
        if payload[1] > 7:  # the denominator is stored as a power of two; 2**7 = 128th notes is the end
            return kind, {"data": tuple(payload)}, (f"a time signature over 2**{payload[1]} notes is impossible "
                                                    "(the denominator byte goes up to 7, 128th notes)")
        return kind, values, None
    if kind == "key_signature":
        if size < 2:
            return too_short(2)
        sharps = payload[0] - 256 if payload[0] > 127 else payload[0]
        mode = payload[1]
        if not -7 <= sharps <= 7 or mode not in (0, 1):
            return kind, {"data": tuple(payload)}, (f"key signature with {sharps} sharps and mode {mode} does not "
                                                    "exist (-7..7 sharps, mode 0 = major or 1 = minor)")
        key = _MAJOR_KEYS[sharps + 7] if mode == 0 else _MINOR_KEYS[sharps + 7] + "m"
        return kind, {"key": key}, None
    return kind, {"data": tuple(payload)}, None  # sequencer_specific


@dataclass
class _Parsed:
    """What :class:`_Reader` found: the header, records, events per track, and irregularities."""

    format: int
    ntracks: int
    division: int
    records: list
    tracks: list  # per track: list of (tick, message with explicit status byte, kind, delta, problem, fields)
    repairs: list  # sentences, one per irregularity
    unknown_chunks: int

    def rebuilt(self) -> bytes:
        """A clean file with the same music: explicit status bytes, true chunk lengths, end-of-track events.

        Events with a problem are dropped (their delta time moves to the next
        event). Unknown meta events are dropped too (mido reads them without
        their delta time, which would shift every later event), and so are
        system exclusive messages (mido refuses data bytes above 127, which
        escape sequences may hold); pretty_midi uses neither.
        """
        out = bytearray(b"MThd" + struct.pack(">LHHh", 6, self.format, len(self.tracks), self.division))
        for track in self.tracks:
            body, last = bytearray(), 0
            end_tick = track[-1][0] if track else 0
            for tick, message, kind, _, problem, _ in track:
                if problem is not None or kind in ("end_of_track", "unknown_meta", "sysex"):
                    continue
                body += _vlq_bytes(tick - last) + message
                last = tick
            body += _vlq_bytes(end_tick - last) + b"\xff\x2f\x00"
            out += b"MTrk" + len(body).to_bytes(4, "big") + body
        return bytes(out)

    @property
    def needs_rebuild(self) -> bool:
        """mido would misread or refuse the file as it is (see :meth:`rebuilt`)."""
        if self.repairs or self.unknown_chunks:
            return True
        for track in self.tracks:
            for _, _, kind, delta, _, fields in track:
                if kind == "unknown_meta" and delta:
                    return True
                if kind == "sysex" and max(fields["data"], default=0) > 127:
                    return True
        return False


class _Reader:
    """Walks the bytes of a Standard MIDI File once, by hand (no mido).

    With ``keep_records`` every byte ends up in an :class:`Event`; without,
    only what :func:`load` needs is kept, which reads large files faster.
    """

    def __init__(self, data: bytes, where: object, *, keep_records: bool = True) -> None:
        self.data = data
        self.n = len(data)
        self.where = where
        self.keep = keep_records
        self.unknown_chunks = 0
        self.records: list[Event] = []
        self.tracks: list[list] = []
        self.repairs: list[str] = []

    # -- errors ---------------------------------------------------------------
    def fail(self, problem: str) -> NoReturn:
        raise MidiError(problem, self.where)

    def truncated(self, what: str) -> NoReturn:
        self.fail(f"the file is truncated: {what}; the download or copy was probably interrupted, "
                  "so get the file again")

    # -- pieces ---------------------------------------------------------------
    def chunk_at(self, pos: int) -> bool:
        return pos + 8 <= self.n and _is_chunk_name(self.data[pos:pos + 4])

    def vlq(self, pos: int, what: str) -> tuple[int, int]:
        value = 0
        for _ in range(4):
            if pos >= self.n:
                self.truncated(f"it ends inside {what} at byte {pos}")
            byte = self.data[pos]
            pos += 1
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                return value, pos
        self.fail(f"the file is corrupt: {what} at byte {pos - 4} is longer than 4 bytes, "
                  "the most a variable-length quantity may have")

    def ignore(self, start: int, end: int, why: str, track: Optional[int] = None) -> None:
        if end > start:
            if self.keep:
                self.records.append(Event(start, self.data[start:end], "ignored", track=track,
                                          problem=f"these bytes {why}"))
            self.repairs.append(f"{end - start} byte(s) at byte {start} {why} and were ignored")

    # -- the file -------------------------------------------------------------
    def read(self) -> _Parsed:
        data, n = self.data, self.n
        if n == 0:
            self.fail("the data is empty (0 bytes), so it holds no MIDI header")
        if not data.startswith(b"MThd"):
            if n < 4 and b"MThd".startswith(data):
                self.truncated(f"it ends inside the 14-byte MIDI header ({n} bytes)")
            self.fail(_not_midi_reason(data))
        if n < 14:
            self.truncated(f"it ends inside the 14-byte MIDI header ({n} bytes)")
        length = int.from_bytes(data[4:8], "big")
        if length < 6:
            self.fail(f"the file is corrupt: its header chunk announces {length} bytes, but a MIDI header "
                      "needs 6 (format, number of tracks, ticks per quarter note)")
        fmt, ntracks, division = struct.unpack(">HHh", data[8:14])
        end = 8 + length
        if length > 6 and (end > n or not (end == n or self.chunk_at(end))) and self.chunk_at(14):
            self.repairs.append(f"the header chunk announces {length} bytes instead of 6; it was read as 6")
            end = 14
        if end > n:
            self.truncated(f"its header chunk announces {length} bytes but the file has only {n}")
        if self.keep:
            self.records.append(Event(0, data[:end], "header",
                                      fields={"format": fmt, "ntracks": ntracks, "division": division}))
        pos = end
        unknown: list[str] = []
        while pos < n or len(self.tracks) < ntracks:
            found = len(self.tracks)
            if pos >= n:
                if unknown:
                    self.fail(f"the file is corrupt: the header announces {ntracks} track(s) but the file holds "
                              f"{found} track chunk(s) ('MTrk') and the unknown chunk(s) {', '.join(unknown)}")
                self.truncated(f"the header announces {ntracks} track(s) but the file ends after {found}")
            if not self.chunk_at(pos):
                if found >= ntracks:
                    self.ignore(pos, n, "after the last track belong to no chunk")
                    break
                if pos + 8 > n and data[pos:pos + 4] == b"MTrk"[:n - pos]:
                    self.truncated(f"it ends inside the head of track {found} (byte {pos})")
                self.fail(f"the file is corrupt: track {found} should start at byte {pos} with 'MTrk', "
                          f"but the bytes there are {data[pos:pos + 4].hex(' ')}")
            name, length = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "big")
            if name == b"MTrk":
                pos = self.track(pos, length)
            else:
                stop = min(pos + 8 + length, n)
                label = name.decode("ascii")
                unknown.append(repr(label))
                self.unknown_chunks += 1
                if self.keep:
                    self.records.append(Event(pos, data[pos:stop], "unknown_chunk",
                                              fields={"name": label, "length": length}))
                pos = stop
        if len(self.tracks) > ntracks:
            self.repairs.append(f"the header announces {ntracks} track(s) but {len(self.tracks)} track chunks "
                                f"follow; all {len(self.tracks)} were read")
        return _Parsed(fmt, ntracks, division, self.records, self.tracks, self.repairs, self.unknown_chunks)

    def track(self, pos: int, length: int) -> int:
        """Read the track chunk at ``pos``; return where the next chunk starts."""
        data, n = self.data, self.n
        index = len(self.tracks)
        events: list = []
        self.tracks.append(events)
        if self.keep:
            self.records.append(Event(pos, data[pos:pos + 8], "track", track=index, fields={"length": length}))
        start = pos + 8
        declared_end = start + length
        p, tick, status, eot_end, keep = start, 0, None, None, self.keep
        while True:
            if p == declared_end and (p == n or self.chunk_at(p)):
                self.repairs.append(f"track {index} has no end-of-track event (harmless: its length is right)")
                break
            if p >= n:
                if declared_end > n:
                    self.truncated(f"track {index} announces {length} bytes from byte {start}, but the file "
                                   f"ends at byte {n}")
                self.repairs.append(f"track {index} announces {length} bytes but its events run on to the end "
                                    "of the file, which has no end-of-track event")
                break
            at = p
            delta, p = self.vlq(p, f"the delta time of an event in track {index}")
            tick += delta
            if p >= n:
                self.truncated(f"it ends after the delta time at byte {at} in track {index}")
            running = data[p] < 0x80
            if running:
                if status is None:
                    self.fail(f"the file is corrupt: byte {p} in track {index} is the data byte "
                              f"0x{data[p]:02x} where a status byte should be, and there is no earlier "
                              "status to repeat (running status)")
                code = status
            else:
                code = data[p]
                p += 1
            channel, problem = None, None
            if code == 0xFF:
                if p >= n:
                    self.truncated(f"it ends inside the meta event at byte {at} in track {index}")
                type_byte = data[p]
                size, p = self.vlq(p + 1, f"the length of the meta event at byte {at}")
                if p + size > n:
                    self.truncated(f"the meta event at byte {at} in track {index} announces {size} bytes "
                                   f"but only {n - p} remain (unless that length itself is corrupt)")
                payload = data[p:p + size]
                p += size
                kind, fields, problem = _meta_fields(type_byte, payload)
                message = bytes([0xFF, type_byte]) + _vlq_bytes(size) + payload
            elif code in (0xF0, 0xF7):
                size, p = self.vlq(p, f"the length of the system exclusive event at byte {at}")
                if p + size > n:
                    self.truncated(f"the system exclusive event at byte {at} in track {index} announces "
                                   f"{size} bytes but only {n - p} remain (unless that length itself is corrupt)")
                payload = data[p:p + size]
                p += size
                body = payload[1:] if payload[:1] == b"\xf0" else payload
                body = body[:-1] if body[-1:] == b"\xf7" else body
                kind, fields = "sysex", {"data": tuple(body)}
                message = bytes([code]) + _vlq_bytes(size) + payload
                status = None  # system exclusive cancels running status
            elif code >= 0xF0:
                self.fail(f"the file is corrupt: byte {p - 1} in track {index} is the status byte 0x{code:02x}, "
                          "a live-performance (system) message that cannot appear in a MIDI file")
            else:
                kind, names = _CHANNEL_MESSAGES[code & 0xF0]
                if p + len(names) > n:
                    self.truncated(f"it ends inside the {kind} event at byte {at} in track {index}")
                values = data[p:p + len(names)]
                if max(values) > 127:
                    offset = next(i for i, value in enumerate(values) if value > 127)
                    self.fail(f"the file is corrupt: byte {p + offset} in track {index} should be a data "
                              f"byte of a {kind} event (0..127) but is {values[offset]}")
                p += len(names)
                fields = None
                if keep:
                    fields = dict(zip(names, values))
                    if kind == "pitchwheel":
                        fields = {"pitch": (fields["msb"] << 7 | fields["lsb"]) - 8192}
                channel, status = code & 0x0F, code
                message = bytes([code]) + values
            if keep:
                self.records.append(Event(at, data[at:p], kind, track=index, delta=delta, tick=tick,
                                          channel=channel, running_status=running, fields=fields, problem=problem))
            events.append((tick, message, kind, delta, problem, fields))
            if problem is not None:
                self.repairs.append(f"track {index}, byte {at}: {problem}; the event was dropped")
            if kind == "end_of_track":
                eot_end = p
                break
        if eot_end is None:
            return p
        if eot_end == declared_end:
            return declared_end
        if eot_end < declared_end and declared_end <= n and (declared_end == n or self.chunk_at(declared_end)):
            self.ignore(eot_end, declared_end, f"follow the end-of-track event of track {index}", track=index)
            return declared_end
        self.repairs.append(f"track {index} announces {length} bytes but its end-of-track event comes after "
                            f"{eot_end - start} bytes; the announced length was ignored")
        if eot_end < n and not self.chunk_at(eot_end):
            self.ignore(eot_end, n, f"follow the end-of-track event of track {index} and belong to no chunk",
                        track=index)
            return n
        return eot_end


def _read_source(source: Source) -> tuple[bytes, object]:
    """The bytes to parse and the name errors start with (the path, or ``<bytes>``)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, where = bytes(source), "<bytes>"
    else:
        where = _existing_file(source, MidiError)
        try:
            data = where.read_bytes()
        except OSError as exc:
            raise MidiError(f"cannot be read ({exc.strerror or exc})", where) from None
    wrapped = _rmid_payload(data)
    return (data if wrapped is None else wrapped), where


def _warn_repairs(parsed: _Parsed, where: object) -> None:
    if parsed.repairs:
        warnings.warn(f"{where}: read with repairs: " + "; ".join(parsed.repairs) + ".",
                      MidiRepairWarning, stacklevel=3)


def events(source: Source) -> list[Event]:
    """Read a MIDI file byte by byte into readable records: header, tracks, events.

    Written by hand with :mod:`struct` and plain bytes (no mido), so that
    notebook 07 can show how a MIDI file is built. Every byte of the file
    belongs to exactly one record, in file order.

    Parameters
    ----------
    source : str, os.PathLike, bytes or bytearray
        A path to a ``.mid`` file, or the file's bytes.

    Returns
    -------
    list of Event
        The header record (format, number of tracks, ticks per quarter note),
        then for each track chunk a ``"track"`` record followed by its events
        with delta and absolute times in ticks, channel (0..15), running
        status, and values named as in mido. A note on with velocity 0 is
        kept as ``note_on`` (it means note off, as :meth:`Event.describe` says).

    Raises
    ------
    FileNotFoundError
        ``source`` is a path that does not exist.
    musiclearn.errors.MidiError
        Empty, truncated or corrupt data, or not MIDI at all; the message
        starts with the path (or ``<bytes>``) and gives the byte position.

    Warns
    -----
    MidiRepairWarning
        The file breaks a rule that :func:`load` repairs (a wrong chunk
        length, a missing end-of-track event, an impossible meta event...).

    Examples
    --------
    >>> from musiclearn import midi
    >>> data = bytes.fromhex("4d546864 00000006 0000 0001 0060"        # MThd: format 0, 1 track, 96 ticks
    ...                      "4d54726b 0000000c 00903c64 60803c40 00ff2f00")
    >>> for record in midi.events(data):
    ...     print(record.kind, record.tick, record.fields)
    header None {'format': 0, 'ntracks': 1, 'division': 96}
    track None {'length': 12}
    note_on 0 {'note': 60, 'velocity': 100}
    note_off 96 {'note': 60, 'velocity': 64}
    end_of_track 96 {}
    """
    data, where = _read_source(source)
    parsed = _Reader(data, where).read()
    _warn_repairs(parsed, where)
    return parsed.records


def load(path: PathLike) -> "pretty_midi.PrettyMIDI":
    """Read a Standard MIDI File (type 0, 1 or 2) into a ``PrettyMIDI`` object.

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
    p = _existing_file(path, MidiError)
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

def _whole_number(value: object, name: str, low: int, high: int) -> int:
    ok = (not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Real)
          and math.isfinite(float(value)) and float(value) == int(value))
    if not ok or not low <= int(value) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def from_notes(
    pitches: Sequence[Optional[int]],
    durations: Sequence[float],
    *,
    program: int = 0,
    bpm: float = 120.0,
    velocity: int = 90,
    is_drum: bool = False,
) -> "pretty_midi.PrettyMIDI":
    """Build a one-instrument MIDI from a melody.

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
            pitches[i] = _whole_number(pitch, f"pitches[{i}] (a MIDI note number, or None for a rest)", 0, 127)
    for i, dur in enumerate(durations):
        if isinstance(dur, (bool, np.bool_)) or not isinstance(dur, numbers.Real) \
                or not math.isfinite(float(dur)) or float(dur) <= 0:
            raise ValueError(f"durations[{i}] must be a positive number of quarter notes, got {dur!r}")
    program = _whole_number(program, "program (a General MIDI instrument number)", 0, 127)
    velocity = _whole_number(velocity, "velocity", 1, 127)
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


# ---------------------------------------------------------------------------
# Sound
# ---------------------------------------------------------------------------

def _soundfont_path() -> Path:
    import pretty_midi.fluidsynth as pm_fluidsynth

    return Path(pm_fluidsynth.__file__).with_name(pm_fluidsynth.DEFAULT_SF2)


@functools.lru_cache(maxsize=None)
def real_instruments_available() -> tuple[bool, str]:
    """Whether MIDI can be rendered with real instrument sounds, and why (not).

    Checks that pyfluidsynth imports, that it finds the FluidSynth library
    (``libfluidsynth3``), and that FluidSynth loads pretty_midi's bundled
    TimGM6mb SoundFont. The answer is computed once per session.

    Returns
    -------
    available : bool
        True when :func:`render` will use FluidSynth.
    explanation : str
        One line: what is used, or what is missing and how to install it.

    Examples
    --------
    >>> from musiclearn import midi
    >>> ok, why = midi.real_instruments_available()
    >>> isinstance(ok, bool) and isinstance(why, str)
    True
    """
    fallback = "until then MIDI plays as sine waves"
    try:
        import fluidsynth
    except (ImportError, OSError) as exc:
        return False, f"FluidSynth is not usable ({_detail(exc)}); {INSTALL_HINT}; {fallback}"
    try:
        import pretty_midi.fluidsynth as pm_fluidsynth
    except Exception as exc:  # pragma: no cover - pretty_midi is a hard dependency
        return False, f"pretty_midi cannot be imported ({_detail(exc)}); reinstall it (pip install pretty_midi)"
    if not getattr(pm_fluidsynth, "_HAS_FLUIDSYNTH", True):
        return False, f"pretty_midi did not find pyfluidsynth when it was imported; {INSTALL_HINT}; {fallback}"
    soundfont = _soundfont_path()
    if not soundfont.is_file():
        return False, (f"pretty_midi's bundled SoundFont is missing ({soundfont}); reinstall pretty_midi "
                       f"(pip install --force-reinstall pretty_midi); {fallback}")
    try:
        synth = fluidsynth.Synth(samplerate=22050.0)
        try:
            sfid = synth.sfload(str(soundfont))
        finally:
            synth.delete()
    except Exception as exc:
        return False, f"FluidSynth failed to start ({_detail(exc)}); {INSTALL_HINT}; {fallback}"
    if sfid == -1:
        return False, f"FluidSynth could not load the SoundFont {soundfont}; reinstall pretty_midi; {fallback}"
    return True, f"real instruments: FluidSynth {_fluidsynth_version(fluidsynth)} with pretty_midi's TimGM6mb SoundFont"


def _fluidsynth_version(fluidsynth_module: object) -> str:
    try:
        from ctypes import c_int

        major, minor, micro = c_int(), c_int(), c_int()
        fluidsynth_module.fluid_version(major, minor, micro)  # type: ignore[attr-defined]
        return f"{major.value}.{minor.value}.{micro.value}"
    except Exception:
        return "(version unknown)"


def _notice_sine_fallback(reason: str) -> None:
    global _fallback_notice_shown
    if _fallback_notice_shown:
        return
    _fallback_notice_shown = True
    warnings.warn(
        f"MIDI is rendered with sine waves (drums are silent), not real instruments: {reason}. "
        "This notice is shown once per session.",
        SineFallbackWarning,
        stacklevel=3,
    )


def _unnormalised(method, **kwargs):
    """Call ``PrettyMIDI.fluidsynth`` without its divide-by-peak step.

    pretty_midi >= 0.2.11 can skip it (older versions cannot); dividing
    silence by its peak gives NaN, so musiclearn normalises itself, safely.
    """
    if "normalize" in inspect.signature(method).parameters:
        kwargs["normalize"] = False
    return method(**kwargs)


def _sines(pm: "pretty_midi.PrettyMIDI", sr: int) -> np.ndarray:
    """Every note as a decaying sine wave, amplitude velocity / 127; drums silent."""
    waves = [np.asarray(instrument.synthesize(fs=sr), dtype=np.float64) for instrument in pm.instruments]
    out = np.zeros(max(len(w) for w in waves))
    for wave in waves:
        out[:len(wave)] += wave
    # pretty_midi scales each note by its raw velocity (0..127).
    return out / 127.0


def render(pm: "pretty_midi.PrettyMIDI", *, sr: int = 22050, normalize: bool = True) -> np.ndarray:
    """Turn MIDI events into audio samples.

    Uses FluidSynth with pretty_midi's bundled General MIDI SoundFont when
    :func:`real_instruments_available` says so; otherwise plays every note as
    a sine wave (drums are then silent) and warns once per session with
    :class:`SineFallbackWarning` saying how to get real instruments.

    Parameters
    ----------
    pm : pretty_midi.PrettyMIDI
        The music, e.g. from :func:`load` or :func:`from_notes`.
    sr : int, default 22050
        Sampling rate of the result in Hz.
    normalize : bool, default True
        Scale so the loudest sample is 1.0 (silence stays silence). With
        ``False`` the level follows the velocities: FluidSynth's own output
        level, or for sine waves an amplitude of velocity / 127 per note
        (chords can then exceed 1).

    Returns
    -------
    np.ndarray, float32, shape (n,)
        Mono samples. FluidSynth adds about one second of release after the
        last note. A MIDI without notes gives an empty array.

    Examples
    --------
    >>> from musiclearn import midi
    >>> y = midi.render(midi.from_notes([69], [2.0]), sr=16000)  # one second of A4
    >>> y.dtype, float(abs(y).max())
    (dtype('float32'), 1.0)
    """
    _check_pretty_midi(pm)
    rate = _check_sr(sr)
    if not any(instrument.notes for instrument in pm.instruments):
        return np.zeros(0, dtype=np.float32)

    y: Optional[np.ndarray] = None
    available, reason = real_instruments_available()
    if available:
        low, high = _FLUIDSYNTH_SR_RANGE
        synth_sr = rate if low <= rate <= high else _FLUIDSYNTH_FALLBACK_SR
        try:
            y = np.asarray(_unnormalised(pm.fluidsynth, fs=synth_sr), dtype=np.float64)
        except Exception as exc:
            reason = f"FluidSynth failed while rendering ({_detail(exc)})"
            y = None
        else:
            if synth_sr != rate:
                y = _resample(y, synth_sr, rate)
    if y is None:
        _notice_sine_fallback(reason)
        y = _sines(pm, rate)

    y = np.nan_to_num(y, nan=0.0, posinf=0.0, neginf=0.0)
    if normalize:
        y = normalise(y)
    return np.ascontiguousarray(y, dtype=np.float32)


# ---------------------------------------------------------------------------
# Notes, piano rolls, the sustain pedal, summaries
# ---------------------------------------------------------------------------

class Note(NamedTuple):
    """One note of a MIDI file, with times in seconds (see :func:`notes`)."""

    start_s: float
    end_s: float
    pitch: int
    velocity: int
    program: int
    is_drum: bool
    instrument: int


MidiLike = Union["pretty_midi.PrettyMIDI", str, "os.PathLike[str]"]


def _as_pretty_midi(midi: object) -> "pretty_midi.PrettyMIDI":
    if isinstance(midi, (str, os.PathLike)):
        return load(midi)
    _check_pretty_midi(midi)
    return midi  # type: ignore[return-value]


def notes(pm: MidiLike) -> list[Note]:
    """All notes of all instruments, in time order.

    Parameters
    ----------
    pm : pretty_midi.PrettyMIDI or path
        The music, or a MIDI file to :func:`load`.

    Returns
    -------
    list of Note
        ``Note(start_s, end_s, pitch, velocity, program, is_drum, instrument)``
        sorted by start time, then pitch: times in seconds, MIDI pitch 0..127
        (for drums the key picks the drum), velocity 1..127, General MIDI
        program 0..127, and ``instrument``, the index into ``pm.instruments``.
        ``np.array(notes(pm))`` gives a (n, 7) float array.

    Examples
    --------
    >>> from musiclearn import midi
    >>> midi.notes(midi.from_notes([67, 60], [1, 1], bpm=60, program=40))
    [Note(start_s=0.0, end_s=1.0, pitch=67, velocity=90, program=40, is_drum=False, instrument=0), \
Note(start_s=1.0, end_s=2.0, pitch=60, velocity=90, program=40, is_drum=False, instrument=0)]
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
    low = _whole_number(low, "pitch_range[0] (the lowest MIDI pitch)", 0, 127)
    high = _whole_number(high, "pitch_range[1] (one past the highest MIDI pitch)", 1, 128)
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


def plot_piano_roll(
    roll: np.ndarray,
    *,
    fs: float = 100,
    lowest_pitch: int = 21,
    ax: Optional["Axes"] = None,
    title: Optional[str] = None,
) -> tuple["Figure", "Axes"]:
    """Draw a piano roll from :func:`piano_roll`: time across, pitch up, velocity as colour.

    Parameters
    ----------
    roll : np.ndarray, shape (n_pitches, n_frames)
        Velocities, e.g. ``piano_roll(pm, fs=fs)``.
    fs : float, default 100
        Columns per second, as used to make ``roll``.
    lowest_pitch : int, default 21
        MIDI pitch of row 0 (``pitch_range[0]`` of :func:`piano_roll`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    title : str, optional

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
        The y axis is labelled with note names (C4 = 60 = middle C): every
        pitch on rolls of up to 24 pitches, every C on larger ones.

    Examples
    --------
    >>> from musiclearn import midi
    >>> fig, ax = midi.plot_piano_roll(midi.piano_roll(midi.from_notes([60, 64, 67], [1, 1, 2])))
    >>> ax.get_xlabel()
    'Time (s)'
    """
    import matplotlib.pyplot as plt

    image = np.asarray(roll, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"roll must be a 2-D array (pitches, frames) from midi.piano_roll, got shape {image.shape}")
    if isinstance(fs, (bool, np.bool_)) or not isinstance(fs, numbers.Real) \
            or not math.isfinite(float(fs)) or float(fs) <= 0:
        raise ValueError(f"fs must be the positive number of frames per second used for the roll, got {fs!r}")
    lowest = _whole_number(lowest_pitch, "lowest_pitch", 0, 127)
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.2))
    else:
        fig = ax.figure
    n_pitches, n_frames = image.shape
    shown = np.ma.masked_equal(image, 0.0)  # silence stays the background colour
    mappable = ax.imshow(shown, origin="lower", aspect="auto", interpolation="nearest", cmap="viridis",
                         vmin=0, vmax=127,
                         extent=(0, max(n_frames, 1) / float(fs), lowest - 0.5, lowest + n_pitches - 0.5))
    # Every pitch is named on short rolls; on longer ones only the Cs, one per octave.
    labelled = [p for p in range(lowest, lowest + n_pitches) if n_pitches <= 24 or p % 12 == 0]
    ax.set_yticks(labelled, [_note_name(p) for p in labelled])
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Pitch")
    if title:
        ax.set_title(title)
    fig.colorbar(mappable, ax=ax, label="Velocity", pad=0.01)
    return fig, ax


def apply_sustain(pm: MidiLike, *, threshold: int = 64) -> "pretty_midi.PrettyMIDI":
    """Lengthen notes held by the sustain pedal (controller 64), as a piano would.

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
    threshold = _whole_number(threshold, "threshold (the controller value that counts as pedal down)", 0, 127)
    out = copy.deepcopy(pm)
    music_end = float(pm.get_end_time())
    for inst in out.instruments:
        if inst.is_drum or not inst.notes:
            continue
        pedal = sorted((float(cc.time), cc.value >= threshold) for cc in inst.control_changes if cc.number == 64)
        held: list[tuple[float, float]] = []
        down_at: Optional[float] = None
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
    """The dict returned by :func:`summary`; prints as a short report."""

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
            span = (f"{_note_name(inst['pitch_range'][0])}-{_note_name(inst['pitch_range'][1])}"
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
