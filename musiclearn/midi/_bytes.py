"""Reading a Standard MIDI File byte by byte: the transparent parser behind ``midi.events`` and ``midi.load``.

Notebook: ``07_midi_as_data.ipynb`` walks a file with :func:`events`.

Written by hand with :mod:`struct` and plain bytes (no mido), so that the
structure shows: a header chunk, track chunks, delta times as variable-length
quantities, running status, meta events. The same reader finds (and lists)
the damage that :func:`musiclearn.midi.load` repairs. It also recognises
what a file that is *not* MIDI seems to be (WAV, MP3, ABC text...), so the
error can say so.
"""

from __future__ import annotations

import os
import struct
import warnings
from dataclasses import dataclass, field
from typing import NoReturn

from .. import _validate
from ..errors import MidiError
from ..melody import note_name

__all__ = ["events", "Event", "MidiRepairWarning", "Source"]


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


def _rmid_payload(data: bytes) -> bytes | None:
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
    """A MIDI file broke a rule of the format, and was read anyway in the way the warning says.

    Notebook: ``07_midi_as_data.ipynb``.
    """


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

#: What :func:`events` reads: a path, or the bytes of a file.
Source = str | os.PathLike[str] | bytes | bytearray | memoryview


@dataclass(frozen=True)
class Event:
    """One record of a MIDI file as :func:`events` reads it from the bytes.

    Notebook: ``07_midi_as_data.ipynb``.

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
    track: int | None = None
    delta: int | None = None
    tick: int | None = None
    channel: int | None = None
    running_status: bool = False
    fields: dict = field(default_factory=dict)
    problem: str | None = None

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
                name = _drum_name(f["note"]) if self.channel == 9 else note_name(f["note"])
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


def _meta_fields(type_byte: int, payload: bytes) -> tuple[str, dict, str | None]:
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

    def ignore(self, start: int, end: int, why: str, track: int | None = None) -> None:
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
        where = _validate.existing_file(source, MidiError)
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

    Notebook: ``07_midi_as_data.ipynb``.

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
