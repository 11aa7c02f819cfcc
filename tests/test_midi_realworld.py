"""musiclearn.midi on real-world files: the byte-level reader, repairs, notes, piano rolls, sustain, summaries.

Every MIDI file here is written by the test itself: with mido where a normal
file will do, byte by byte where the damage matters (running status, wrong
chunk lengths, truncation, absurd declared lengths).
"""

from __future__ import annotations

import io
import tracemalloc
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mido  # noqa: E402
import numpy as np  # noqa: E402
import pretty_midi  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from musiclearn import midi  # noqa: E402
from musiclearn.errors import MidiError  # noqa: E402

TPQ = 480  # ticks per quarter note in the files written here


# ---------------------------------------------------------------------------
# Writing test files
# ---------------------------------------------------------------------------

def chunk(name: bytes, body: bytes, length: int | None = None) -> bytes:
    """A chunk; ``length`` overrides the true length, to write a lying chunk header."""
    return name + (len(body) if length is None else length).to_bytes(4, "big") + body


def header(fmt: int, ntracks: int, division: int = 96) -> bytes:
    return chunk(b"MThd", fmt.to_bytes(2, "big") + ntracks.to_bytes(2, "big") + division.to_bytes(2, "big"))


EOT = bytes([0x00, 0xFF, 0x2F, 0x00])
# One note: C4 for 96 ticks (a quarter note at 96 ticks per quarter, 0.5 s at the default 120 bpm).
NOTE_C4 = bytes([0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0])
NOTE_E4 = bytes([0x00, 0x90, 64, 90, 0x60, 0x80, 64, 0])


def save(mf: mido.MidiFile, path) -> bytes:
    mf.save(str(path))
    return path.read_bytes()


def to_track(timed: list[tuple[int, mido.Message]]) -> mido.MidiTrack:
    """(absolute tick, message) pairs -> a track with delta times, in time order."""
    track, last = mido.MidiTrack(), 0
    for tick, message in sorted(timed, key=lambda pair: pair[0]):
        track.append(message.copy(time=tick - last))
        last = tick
    return track


# A pop song's tempo map: 120 bpm in 4/4 for one bar, 90 bpm in 3/4 for one bar, then 150 bpm in 6/8.
TEMPO_MAP = [(0, 500_000), (4 * TPQ, 666_667), (7 * TPQ, 400_000)]
SIGNATURES = [(0, 4, 4), (4 * TPQ, 3, 4), (7 * TPQ, 6, 8)]


def seconds(tick: int) -> float:
    """Ticks -> seconds through TEMPO_MAP, segment by segment (independent of pretty_midi)."""
    total = 0.0
    for (start, tempo), nxt in zip(TEMPO_MAP, TEMPO_MAP[1:] + [(None, None)]):
        end = tick if nxt[0] is None else min(tick, nxt[0])
        if end > start:
            total += (end - start) * tempo / 1e6 / TPQ
    return total


def pop_song_tracks() -> dict[str, list[tuple[int, mido.Message]]]:
    """Conductor, bass, piano with sustain pedal, strings with overlapping notes, drums on channel 10."""
    conductor = [(0, mido.MetaMessage("track_name", name="My Song"))]
    conductor += [(t, mido.MetaMessage("set_tempo", tempo=tempo)) for t, tempo in TEMPO_MAP]
    conductor += [(t, mido.MetaMessage("time_signature", numerator=n, denominator=d)) for t, n, d in SIGNATURES]
    conductor += [(0, mido.MetaMessage("key_signature", key="G"))]

    bass = [(0, mido.MetaMessage("track_name", name="Bass")),
            (0, mido.Message("program_change", channel=1, program=33))]
    for i, pitch in enumerate([43, 43, 47, 50, 43, 45, 47, 50, 38, 40]):
        bass += [(i * TPQ, mido.Message("note_on", channel=1, note=pitch, velocity=100)),
                 (i * TPQ + 400, mido.Message("note_off", channel=1, note=pitch, velocity=40))]

    piano = [(0, mido.MetaMessage("track_name", name="Piano")),
             (0, mido.Message("program_change", channel=0, program=0)),
             (10, mido.Message("control_change", channel=0, control=64, value=127)),
             (4 * TPQ, mido.Message("control_change", channel=0, control=64, value=0))]
    for start, chord in [(0, (67, 71, 74)), (2 * TPQ, (69, 72, 76)), (5 * TPQ, (71, 74, 79))]:
        for pitch in chord:  # short key presses; the pedal holds the first two chords
            piano += [(start, mido.Message("note_on", channel=0, note=pitch, velocity=70)),
                      (start + 120, mido.Message("note_on", channel=0, note=pitch, velocity=0))]

    strings = [(0, mido.MetaMessage("track_name", name="Strings")),
               (0, mido.Message("program_change", channel=2, program=48)),
               # The same pitch struck again before it was released: an overlapping note.
               (0, mido.Message("note_on", channel=2, note=62, velocity=60)),
               (TPQ, mido.Message("note_on", channel=2, note=62, velocity=60)),
               (2 * TPQ, mido.Message("note_off", channel=2, note=62, velocity=0)),
               (3 * TPQ, mido.Message("note_off", channel=2, note=62, velocity=0))]

    drums = [(0, mido.MetaMessage("track_name", name="Drums"))]
    for i in range(16):  # kick on beats, hi-hat on every eighth
        tick = i * TPQ // 2
        hits = [42] + ([36] if i % 2 == 0 else [])
        for key in hits:
            drums += [(tick, mido.Message("note_on", channel=9, note=key, velocity=110)),
                      (tick + 60, mido.Message("note_off", channel=9, note=key, velocity=0))]
    return {"conductor": conductor, "bass": bass, "piano": piano, "strings": strings, "drums": drums}


def write_pop_song(path, *, fmt: int = 1) -> bytes:
    tracks = [to_track(timed) for timed in pop_song_tracks().values()]
    mf = mido.MidiFile(type=fmt, ticks_per_beat=TPQ)
    if fmt == 0:
        mf.tracks.append(mido.merge_tracks(tracks))
    else:
        mf.tracks.extend(tracks)
    return save(mf, path)


def rich_file() -> mido.MidiFile:
    """Every kind of message mido knows, on several channels, with long delta times."""
    conductor = mido.MidiTrack([
        mido.MetaMessage("sequence_number", number=7),
        mido.MetaMessage("track_name", name="Tempo map"),
        mido.MetaMessage("copyright", text="(c) nobody"),
        mido.MetaMessage("text", text="Grüße"),  # latin-1 text
        mido.MetaMessage("set_tempo", tempo=500_000),
        mido.MetaMessage("time_signature", numerator=6, denominator=8, clocks_per_click=36),
        mido.MetaMessage("key_signature", key="Ebm"),
        mido.MetaMessage("smpte_offset", frame_rate=25, hours=1, minutes=2, seconds=3, frames=4, sub_frames=5),
        mido.MetaMessage("marker", text="chorus", time=200_000),
        mido.MetaMessage("cue_marker", text="lights", time=127),
        mido.MetaMessage("lyrics", text="la", time=128),
        mido.MetaMessage("set_tempo", tempo=312_500, time=16_383),
        mido.MetaMessage("instrument_name", name="none"),
        mido.MetaMessage("device_name", name="synth"),
        mido.MetaMessage("midi_port", port=3),
        mido.MetaMessage("channel_prefix", channel=5),
        mido.MetaMessage("sequencer_specific", data=[0, 33, 9]),
    ])
    music = mido.MidiTrack([
        mido.Message("program_change", channel=3, program=73),
        mido.Message("control_change", channel=3, control=7, value=100),
        mido.Message("note_on", channel=3, note=72, velocity=90, time=16_384),
        mido.Message("note_on", channel=3, note=76, velocity=91),          # running status
        mido.Message("note_on", channel=3, note=72, velocity=0, time=2_097_151),
        mido.Message("note_off", channel=3, note=76, velocity=33, time=2_097_152),
        mido.Message("pitchwheel", channel=3, pitch=-8192),
        mido.Message("pitchwheel", channel=3, pitch=8191),
        mido.Message("polytouch", channel=15, note=1, value=2),
        mido.Message("aftertouch", channel=15, value=99),
        mido.Message("sysex", data=[0x7E, 0x7F, 0x09, 0x01], time=5),
        mido.Message("note_on", channel=9, note=38, velocity=127),
        mido.Message("note_on", channel=9, note=38, velocity=0, time=1),
    ])
    mf = mido.MidiFile(type=1, ticks_per_beat=TPQ)
    mf.tracks.extend([conductor, music])
    return mf


def as_comparable(record: midi.Event) -> tuple:
    values = dict(record.fields)
    if record.channel is not None:
        values["channel"] = record.channel
    return record.kind, record.delta, values


def mido_comparable(message) -> tuple:
    values = message.dict()
    kind, delta = values.pop("type"), values.pop("time")
    if "data" in values:  # mido gives sysex data as a list, meta data as a tuple
        values["data"] = tuple(values["data"])
    return kind, delta, values


def load_quietly(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return midi.load(path)


def repair_warnings(path) -> tuple[pretty_midi.PrettyMIDI, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pm = midi.load(path)
    return pm, [str(w.message) for w in caught if issubclass(w.category, midi.MidiRepairWarning)]


def expect_midi_error(path, *words: str) -> str:
    with pytest.raises(MidiError) as info:
        midi.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    for word in words:
        assert word in message.lower(), message
    assert info.value.__cause__ is None and (info.value.__context__ is None or info.value.__suppress_context__)
    return message


def pitches_and_times(pm) -> list[tuple]:
    return sorted((n.pitch, round(n.start, 6), round(n.end, 6), n.velocity, inst.program, inst.is_drum)
                  for inst in pm.instruments for n in inst.notes)


# ---------------------------------------------------------------------------
# events(): the hand-written reader, checked against mido
# ---------------------------------------------------------------------------

def test_events_agree_with_mido_on_every_kind_of_message(tmp_path):
    data = save(rich_file(), tmp_path / "rich.mid")
    records = midi.events(tmp_path / "rich.mid")
    assert records == midi.events(data)  # a path and the bytes read the same
    reference = mido.MidiFile(file=io.BytesIO(data))
    for index, track in enumerate(reference.tracks):
        mine = [as_comparable(r) for r in records if r.track == index and r.delta is not None]
        assert mine == [mido_comparable(m) for m in track]
    head = records[0]
    assert head.kind == "header" and head.fields == {"format": 1, "ntracks": 2, "division": TPQ}


def test_records_cover_every_byte_once_in_order(tmp_path):
    data = save(rich_file(), tmp_path / "rich.mid")
    records = midi.events(data)
    assert b"".join(r.raw for r in records) == data
    assert [r.offset for r in records] == list(np.cumsum([0] + [len(r.raw) for r in records[:-1]]))
    assert [r.kind for r in records if r.kind in ("header", "track")] == ["header", "track", "track"]
    assert [r.fields["length"] for r in records if r.kind == "track"] == [
        int.from_bytes(data[r.offset + 4:r.offset + 8], "big") for r in records if r.kind == "track"]


def test_running_status_and_velocity_zero_are_read_by_hand():
    # Type 0, 96 ticks per quarter; after the first note on every message omits its status byte.
    track = bytes([0x00, 0xC0, 0x05,          # program 5 on channel 1
                   0x00, 0x90, 60, 100,       # note on C4
                   0x00, 64, 100,             # running status: note on E4
                   0x60, 60, 0,               # +96 ticks: C4 "on" with velocity 0 = off
                   0x00, 64, 0]) + EOT
    records = midi.events(header(0, 1) + chunk(b"MTrk", track))
    events = [r for r in records if r.delta is not None]
    assert [(r.kind, r.tick, r.running_status) for r in events] == [
        ("program_change", 0, False), ("note_on", 0, False), ("note_on", 0, True),
        ("note_on", 96, True), ("note_on", 96, True), ("end_of_track", 96, False)]
    assert [r.raw for r in events[1:4]] == [bytes([0, 0x90, 60, 100]), bytes([0, 64, 100]), bytes([0x60, 60, 0])]
    assert events[3].fields == {"note": 60, "velocity": 0} and "note off" in events[3].describe()
    assert "running status" in events[2].describe() and "running status" not in events[1].describe()


@pytest.mark.parametrize(("delta", "n_bytes"), [
    (0, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), (2_097_151, 3), (2_097_152, 4), (0x0FFFFFFF, 4),
])
def test_delta_times_are_variable_length_quantities(delta, n_bytes):
    message = mido.Message("note_on", note=60, velocity=1, time=delta)
    mf = mido.MidiFile(type=0, ticks_per_beat=96)
    mf.tracks.append(mido.MidiTrack([message]))
    buffer = io.BytesIO()
    mf.save(file=buffer)
    (note,) = [r for r in midi.events(buffer.getvalue()) if r.kind == "note_on"]
    assert note.delta == note.tick == delta
    assert len(note.raw) == n_bytes + 3  # delta, status, note, velocity
    # 7 bits per byte, most significant first; every byte but the last has its top bit set.
    groups = note.raw[:n_bytes]
    assert all(b >= 0x80 for b in groups[:-1]) and groups[-1] < 0x80
    assert sum((b & 0x7F) << (7 * (n_bytes - 1 - i)) for i, b in enumerate(groups)) == delta


message_strategy = st.one_of(
    st.builds(lambda c, n, v: mido.Message("note_on", channel=c, note=n, velocity=v),
              st.integers(0, 15), st.integers(0, 127), st.integers(0, 127)),
    st.builds(lambda c, n, v: mido.Message("note_off", channel=c, note=n, velocity=v),
              st.integers(0, 15), st.integers(0, 127), st.integers(0, 127)),
    st.builds(lambda c, n, v: mido.Message("control_change", channel=c, control=n, value=v),
              st.integers(0, 15), st.integers(0, 127), st.integers(0, 127)),
    st.builds(lambda c, p: mido.Message("program_change", channel=c, program=p),
              st.integers(0, 15), st.integers(0, 127)),
    st.builds(lambda c, p: mido.Message("pitchwheel", channel=c, pitch=p),
              st.integers(0, 15), st.integers(-8192, 8191)),
    st.builds(lambda t: mido.MetaMessage("set_tempo", tempo=t), st.integers(1, 0xFFFFFF)),
    st.builds(lambda s: mido.MetaMessage("lyrics", text=s), st.text(st.characters(max_codepoint=255), max_size=20)),
    st.builds(lambda n, d: mido.MetaMessage("time_signature", numerator=n, denominator=2 ** d),
              st.integers(1, 16), st.integers(0, 5)),
    st.builds(lambda d: mido.Message("sysex", data=d), st.lists(st.integers(0, 127), max_size=10)),
)


@settings(max_examples=60, deadline=None)
@given(tracks=st.lists(st.lists(st.tuples(message_strategy, st.integers(0, 5000)), max_size=25),
                       min_size=1, max_size=3))
def test_events_agree_with_mido_on_random_files(tracks):
    mf = mido.MidiFile(type=1, ticks_per_beat=TPQ)
    for messages in tracks:
        mf.tracks.append(mido.MidiTrack([m.copy(time=dt) for m, dt in messages]))
    buffer = io.BytesIO()
    mf.save(file=buffer)
    data = buffer.getvalue()
    records = midi.events(data)
    assert b"".join(r.raw for r in records) == data
    for index, track in enumerate(mido.MidiFile(file=io.BytesIO(data)).tracks):
        mine = [as_comparable(r) for r in records if r.track == index and r.delta is not None]
        assert mine == [mido_comparable(m) for m in track]


def test_describe_speaks_human():
    track = bytes([0x00, 0xFF, 0x51, 0x03, 0x09, 0x27, 0xC0,   # 600000 µs per quarter = 100 bpm
                   0x00, 0xFF, 0x59, 0x02, 0x01, 0x00,         # G major
                   0x00, 0xFF, 0x59, 0x02, 0xFD, 0x01,         # 3 flats, minor: C minor
                   0x00, 0xC2, 40,                             # channel 3 (index 2): violin
                   0x00, 0xB0, 64, 127,                        # sustain pedal down
                   0x00, 0x99, 38, 100]) + EOT                 # channel 10: acoustic snare
    texts = [r.describe() for r in midi.events(header(0, 1) + chunk(b"MTrk", track))]
    assert "format 0, 1 track(s), 96 ticks per quarter note" in texts[0]
    assert "100 bpm" in texts[2] and "G major" in texts[3] and "C minor" in texts[4]
    assert "channel 3" in texts[5] and "Violin" in texts[5]
    assert "sustain pedal" in texts[6] and "pedal down" in texts[6]
    assert "channel 10 (drums)" in texts[7] and "Snare" in texts[7]
    assert str(midi.events(header(0, 1) + chunk(b"MTrk", track))[2]).lstrip().startswith("22")  # byte offset


@pytest.mark.parametrize(("data", "words"), [
    (b"", ["empty"]),
    (header(0, 1) + chunk(b"MTrk", NOTE_C4 + EOT)[:-3], ["truncated", "byte"]),
    (header(0, 1) + chunk(b"MTrk", bytes([0x80, 0x80, 0x80, 0x80, 0x00, 0x90, 60, 1]) + EOT), ["corrupt", "4 bytes"]),
    (header(0, 1) + chunk(b"MTrk", bytes([0x00, 0xF8]) + EOT), ["corrupt", "0xf8"]),
    (header(0, 1) + chunk(b"MTrk", bytes([0x00, 60, 100]) + EOT), ["corrupt", "running status"]),
    (header(0, 1) + chunk(b"MTrk", bytes([0x00, 0xF0, 0x01, 0xF7, 0x00, 60, 100]) + EOT), ["corrupt", "status"]),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", ["wav"]),
])
def test_events_reports_bad_data(data, words):
    with pytest.raises(MidiError) as info:
        midi.events(data)
    message = str(info.value)
    assert message.startswith("<bytes>: ")
    for word in words:
        assert word in message.lower(), message


def test_events_of_a_missing_file_and_of_a_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        midi.events(tmp_path / "nope.mid")
    path = tmp_path / "cut.mid"
    path.write_bytes((header(0, 1) + chunk(b"MTrk", NOTE_C4 + EOT))[:30])
    with pytest.raises(MidiError, match="truncated") as info:
        midi.events(path)
    assert str(info.value).startswith(str(path))


# ---------------------------------------------------------------------------
# load(): real songs
# ---------------------------------------------------------------------------

def test_multitrack_pop_song(tmp_path):
    path = tmp_path / "song.mid"
    write_pop_song(path)
    pm, repairs = repair_warnings(path)
    assert repairs == []
    by_name = {inst.name: inst for inst in pm.instruments}
    assert set(by_name) == {"Bass", "Piano", "Strings", "Drums"}
    assert (by_name["Bass"].program, by_name["Strings"].program) == (33, 48)
    assert by_name["Drums"].is_drum and not any(by_name[n].is_drum for n in ("Bass", "Piano", "Strings"))
    # Every note time follows the tempo changes: ticks -> seconds segment by segment.
    expected_bass = [(p, seconds(i * TPQ), seconds(i * TPQ + 400))
                     for i, p in enumerate([43, 43, 47, 50, 43, 45, 47, 50, 38, 40])]
    got_bass = [(n.pitch, n.start, n.end) for n in by_name["Bass"].notes]
    assert [g[0] for g in got_bass] == [e[0] for e in expected_bass]
    np.testing.assert_allclose([g[1:] for g in got_bass], [e[1:] for e in expected_bass], atol=1e-6)
    assert seconds(9 * TPQ) == pytest.approx(0.5 * 4 + (60 / 90) * 3 + 0.4 * 2, abs=1e-5)
    times, bpm = pm.get_tempo_changes()
    np.testing.assert_allclose(times, [seconds(t) for t, _ in TEMPO_MAP], atol=1e-6)
    np.testing.assert_allclose(bpm, [6e7 / tempo for _, tempo in TEMPO_MAP], rtol=1e-6)
    assert [(ts.numerator, ts.denominator) for ts in pm.time_signature_changes] == [(4, 4), (3, 4), (6, 8)]
    assert len(by_name["Drums"].notes) == 24
    assert {n.pitch for n in by_name["Drums"].notes} == {36, 42}
    assert [cc.value for cc in by_name["Piano"].control_changes if cc.number == 64] == [127, 0]


def test_type0_and_type1_pop_song_agree(tmp_path):
    write_pop_song(tmp_path / "t1.mid", fmt=1)
    data = write_pop_song(tmp_path / "t0.mid", fmt=0)
    assert data[8:10] == b"\x00\x00" and midi.events(data)[0].fields["ntracks"] == 1
    assert pitches_and_times(midi.load(tmp_path / "t0.mid")) == pitches_and_times(midi.load(tmp_path / "t1.mid"))


def test_piano_performance_with_sustain_pedal(tmp_path):
    # Legato pedalling: keys released early, the pedal carries each chord to the next.
    events = [(0, mido.Message("program_change", program=0))]
    for bar, chord in enumerate([(60, 64, 67), (62, 65, 69), (64, 67, 71)]):
        start = bar * 2 * TPQ
        events += [(start + 30, mido.Message("control_change", control=64, value=0)),
                   (start + 60, mido.Message("control_change", control=64, value=100))]
        for pitch in chord:
            events += [(start, mido.Message("note_on", note=pitch, velocity=64)),
                       (start + 240, mido.Message("note_off", note=pitch, velocity=0))]
    events += [(6 * TPQ, mido.Message("control_change", control=64, value=0))]
    mf = mido.MidiFile(type=0, ticks_per_beat=TPQ)
    mf.tracks.append(to_track(events))
    path = tmp_path / "piano.mid"
    save(mf, path)

    pm = midi.load(path)
    before = pitches_and_times(pm)
    assert {round(n.end - n.start, 6) for n in pm.instruments[0].notes} == {0.25}  # keys held 240 ticks
    held = midi.apply_sustain(pm)
    assert pitches_and_times(pm) == before, "apply_sustain must not change its input"
    ends = {(n.pitch, round(n.start, 3)): n.end for n in held.instruments[0].notes}
    beat = 0.5
    # Chord 1 sounds until the pedal is lifted at the next chord (tick 2*480 + 30).
    assert ends[(60, 0.0)] == pytest.approx((2 * TPQ + 30) / TPQ * beat)
    # The last chord rings until the final pedal release at tick 6*480.
    assert ends[(71, 2.0)] == pytest.approx(6 * beat)
    # E4 (64) is struck again in the last chord; the first E4 stops there.
    assert ends[(64, 0.0)] == pytest.approx((2 * TPQ + 30) / TPQ * beat)
    assert ends[(64, 2.0)] == pytest.approx(6 * beat)
    assert sorted(ends) == sorted((n.pitch, round(n.start, 3)) for n in pm.instruments[0].notes)


def test_sustain_restrike_and_pedal_never_released():
    pm = pretty_midi.PrettyMIDI()
    piano = pretty_midi.Instrument(program=0)
    piano.notes = [pretty_midi.Note(80, 60, 0.0, 0.2), pretty_midi.Note(80, 60, 1.0, 1.2),
                   pretty_midi.Note(80, 72, 0.5, 0.6), pretty_midi.Note(80, 48, 3.0, 4.0)]
    piano.control_changes = [pretty_midi.ControlChange(64, 90, 0.1)]  # down, never up
    drums = pretty_midi.Instrument(program=0, is_drum=True)
    drums.notes = [pretty_midi.Note(100, 36, 0.0, 0.1)]
    drums.control_changes = [pretty_midi.ControlChange(64, 127, 0.0)]
    pm.instruments += [piano, drums]
    out = midi.apply_sustain(pm)
    got = sorted((n.pitch, n.start, n.end) for n in out.instruments[0].notes)
    assert got == [(48, 3.0, 4.0), (60, 0.0, 1.0), (60, 1.0, 4.0), (72, 0.5, 4.0)]
    assert [(n.start, n.end) for n in out.instruments[1].notes] == [(0.0, 0.1)]  # drums untouched
    # With a threshold above the pedal's value nothing is held.
    assert sorted((n.pitch, n.end) for n in midi.apply_sustain(pm, threshold=100).instruments[0].notes) == \
        sorted((n.pitch, n.end) for n in piano.notes)
    with pytest.raises(ValueError, match="threshold"):
        midi.apply_sustain(pm, threshold=128)


# ---------------------------------------------------------------------------
# load(): damaged files that are repaired, and ones that cannot be
# ---------------------------------------------------------------------------

def two_notes_bytes(track0: bytes = NOTE_C4 + EOT, track1: bytes = NOTE_E4 + EOT, *, len0=None, len1=None,
                    ntracks: int = 2) -> bytes:
    return header(1, ntracks) + chunk(b"MTrk", track0, len0) + chunk(b"MTrk", track1, len1)


GOOD_NOTES = [(60, 0.0, 0.5, 100, 0, False), (64, 0.0, 0.5, 90, 0, False)]


def test_a_correct_file_loads_without_repairs(tmp_path):
    path = tmp_path / "ok.mid"
    path.write_bytes(two_notes_bytes())
    pm, repairs = repair_warnings(path)
    assert repairs == [] and pitches_and_times(pm) == GOOD_NOTES


@pytest.mark.parametrize(("data", "said"), [
    (two_notes_bytes(NOTE_C4, NOTE_E4), "no end-of-track"),
    # The first track claims far more bytes than the file has (a broken writer), the second too few.
    (two_notes_bytes(len0=0xFFFFFFF0), "announces 4294967280 bytes"),
    (two_notes_bytes(len0=5), "announces 5 bytes"),
    (two_notes_bytes(len1=0xFFFFFFFF), "announces 4294967295 bytes"),
    (two_notes_bytes(len1=3), "announces 3 bytes"),
    (two_notes_bytes(ntracks=1), "all 2 were read"),
    (two_notes_bytes() + b"\x00" * 7, "belong to no chunk"),
    (header(1, 2) + chunk(b"MTrk", NOTE_C4 + EOT + b"\x00\x00") + chunk(b"MTrk", NOTE_E4 + EOT),
     "follow the end-of-track"),
    (chunk(b"MThd", bytes([0, 1, 0, 2, 0, 96]), length=0x7FFFFFFF) + two_notes_bytes()[14:], "instead of 6"),
])
def test_damaged_files_are_repaired_and_say_so(tmp_path, data, said):
    path = tmp_path / "damaged.mid"
    path.write_bytes(data)
    tracemalloc.start()
    try:
        pm, repairs = repair_warnings(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pitches_and_times(pm) == GOOD_NOTES
    assert len(repairs) == 1 and repairs[0].startswith(str(path)) and said in repairs[0], repairs
    assert peak < 20e6, f"reading a {len(data)}-byte file took {peak / 1e6:.0f} MB"


def test_unknown_chunks_are_skipped_quietly(tmp_path):
    path = tmp_path / "alien.mid"
    path.write_bytes(header(1, 2) + chunk(b"XFIH", b"\x01\x02\x03") + chunk(b"MTrk", NOTE_C4 + EOT)
                     + chunk(b"MTrk", NOTE_E4 + EOT))
    pm, repairs = repair_warnings(path)
    assert repairs == [] and pitches_and_times(pm) == GOOD_NOTES
    assert [r.kind for r in midi.events(path)][:2] == ["header", "unknown_chunk"]


@pytest.mark.parametrize(("meta", "said"), [
    (bytes([0x00, 0xFF, 0x59, 0x02, 0x09, 0x00]), "9 sharps"),     # mido refuses this key signature
    (bytes([0x00, 0xFF, 0x51, 0x03, 0x00, 0x00, 0x00]), "tempo of 0"),
    (bytes([0x00, 0xFF, 0x51, 0x02, 0x07, 0xA1]), "needs 3 data byte(s)"),
    (bytes([0x00, 0xFF, 0x58, 0x04, 0x00, 0x02, 0x18, 0x08]), "0 beats"),
    (bytes([0x00, 0xFF, 0x58, 0x04, 0x03, 0x09, 0x18, 0x08]), "2**9"),
])
def test_impossible_meta_events_are_dropped(tmp_path, meta, said):
    path = tmp_path / "meta.mid"
    path.write_bytes(header(0, 1) + chunk(b"MTrk", meta + NOTE_C4 + EOT))
    pm, repairs = repair_warnings(path)
    assert len(repairs) == 1 and said in repairs[0] and "dropped" in repairs[0]
    assert pitches_and_times(pm) == [GOOD_NOTES[0]]
    with pytest.warns(midi.MidiRepairWarning, match="dropped"):
        (bad,) = [r for r in midi.events(path.read_bytes()) if r.problem]
    assert said in bad.problem


def test_a_dropped_event_keeps_the_time_it_carried(tmp_path):
    # The broken key signature sits 96 ticks (0.5 s) in; the note after it must stay at 0.5 s.
    track = bytes([0x60, 0xFF, 0x59, 0x02, 0x08, 0x05]) + bytes([0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0]) + EOT
    path = tmp_path / "late.mid"
    path.write_bytes(header(0, 1) + chunk(b"MTrk", track))
    pm = load_quietly(path)
    assert pitches_and_times(pm) == [(60, 0.5, 1.0, 100, 0, False)]


def test_unknown_meta_events_do_not_shift_the_music(tmp_path):
    # Meta type 0x08 (program name) is unknown to mido, which drops its delta time.
    track = bytes([0x60, 0xFF, 0x08, 0x02, 0x41, 0x42]) + NOTE_C4 + EOT
    path = tmp_path / "unknown_meta.mid"
    path.write_bytes(header(0, 1) + chunk(b"MTrk", track))
    assert pretty_midi.PrettyMIDI(str(path)).instruments[0].notes[0].start == 0.0  # the dependency's mistake
    pm, repairs = repair_warnings(path)
    assert repairs == []
    assert pitches_and_times(pm) == [(60, 0.5, 1.0, 100, 0, False)]


def test_sysex_escapes_with_any_bytes_do_not_stop_loading(tmp_path):
    # An F7 "escape" may carry any bytes, e.g. real-time clock messages (0xF8); mido refuses them.
    path = tmp_path / "escape.mid"
    path.write_bytes(header(0, 1) + chunk(b"MTrk", bytes([0x00, 0xF7, 0x02, 0xF8, 0xFA]) + NOTE_C4 + EOT))
    with pytest.raises(ValueError):
        mido.MidiFile(str(path))
    pm, repairs = repair_warnings(path)
    assert repairs == [] and pitches_and_times(pm) == [GOOD_NOTES[0]]
    (escape,) = [r for r in midi.events(path) if r.kind == "sysex"]
    assert escape.fields == {"data": (0xF8, 0xFA)} and escape.problem is None


def test_running_status_survives_meta_events_and_channels_split_instruments(tmp_path):
    track = bytes([0x00, 0x91, 60, 100,                 # channel 2 note on
                   0x00, 0xFF, 0x01, 0x01, 0x41,        # a text meta event in between
                   0x00, 62, 100,                       # running status still channel 2 note on
                   0x60, 60, 0, 0x00, 62, 0,            # both off
                   0x00, 0x99, 36, 120, 0x30, 36, 0])   # drums, no end-of-track
    path = tmp_path / "rs.mid"
    path.write_bytes(header(0, 1) + chunk(b"MTrk", track))
    pm, repairs = repair_warnings(path)
    assert len(repairs) == 1 and "end-of-track" in repairs[0]
    assert pitches_and_times(pm) == [(36, 0.5, 0.75, 120, 0, True), (60, 0.0, 0.5, 100, 0, False),
                                     (62, 0.0, 0.5, 100, 0, False)]


@pytest.mark.parametrize(("data", "words"), [
    # A meta event that claims 256 MB: read nothing, allocate nothing.
    (header(0, 1) + chunk(b"MTrk", bytes([0x00, 0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0x7F]) + b"abc" + EOT),
     ["truncated", "268435455 bytes"]),
    (header(0, 1) + chunk(b"MTrk", bytes([0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0x7F, 0x01]) + EOT), ["truncated"]),
    # 65535 tracks announced, 1 present.
    (header(1, 65535) + chunk(b"MTrk", NOTE_C4 + EOT), ["truncated", "65535"]),
    # A huge header length and nothing after it.
    (chunk(b"MThd", bytes([0, 1, 0, 1, 0, 96]), length=0xFFFFFFFF), ["truncated"]),
    # A track with no end-of-track and a length that runs past the end of the file.
    (header(0, 1) + chunk(b"MTrk", NOTE_C4, length=1000), ["truncated", "announces 1000 bytes"]),
    # Truncated in the middle of an event.
    ((header(0, 1) + chunk(b"MTrk", NOTE_C4 + EOT))[:-6], ["truncated"]),
    # A delta time after which the events add up to hours at 96 ticks per quarter note.
    (header(0, 1) + chunk(b"MTrk", bytes([0x00, 0x90, 60, 1, 0xBF, 0xFF, 0xFF, 0x7F, 60, 0]) + EOT),
     ["corrupt", "tick"]),
    (header(0, 1) + chunk(b"MTrk", bytes([0x00, 0x90, 60, 1, 0x81, 0x81, 0x81, 0x81, 0x01, 60, 0]) + EOT),
     ["corrupt", "longer than 4 bytes"]),
    (header(0, 1) + b"MTrX" + bytes(4) + NOTE_C4, ["corrupt"]),
    (header(0, 1) + b"\x00\x01\x02\x03\x04\x05\x06\x07", ["corrupt", "mtrk"]),
])
@pytest.mark.timeout(30)
def test_hopeless_files_fail_fast_with_a_clear_message(tmp_path, data, words):
    path = tmp_path / "hopeless.mid"
    path.write_bytes(data)
    tracemalloc.start()
    try:
        expect_midi_error(path, *words)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20e6, f"rejecting a {len(data)}-byte file took {peak / 1e6:.0f} MB"


@pytest.mark.parametrize("cut", [20, 23, 30, 100, 250, 400, -5, -1])
def test_truncated_pop_songs(tmp_path, cut):
    data = write_pop_song(tmp_path / "whole.mid")
    path = tmp_path / "cut.mid"
    path.write_bytes(data[:cut])
    message = expect_midi_error(path, "truncated")
    assert "get the file again" in message


def test_empty_track_and_files_without_notes(tmp_path):
    path = tmp_path / "empty_track.mid"
    path.write_bytes(header(1, 2) + chunk(b"MTrk", b"") + chunk(b"MTrk", bytes([0x00, 0xFF, 0x03, 0x01, 0x41]) + EOT))
    pm, repairs = repair_warnings(path)
    assert pm.instruments == [] and "track 0 has no end-of-track" in repairs[0]
    assert midi.notes(pm) == [] and midi.piano_roll(pm).shape == (88, 0)
    assert midi.summary(pm)["notes"] == 0


def test_sysex_cancels_running_status(tmp_path):
    path = tmp_path / "sysex.mid"
    path.write_bytes(header(0, 1) + chunk(b"MTrk", bytes([0x00, 0x90, 60, 100, 0x00, 0xF0, 0x02, 0x7E, 0xF7,
                                                           0x60, 60, 0]) + EOT))
    expect_midi_error(path, "corrupt", "running status")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.timeout(300)
def test_mutated_real_files_load_or_fail_cleanly(tmp_path, data):
    original = write_pop_song(tmp_path / "song.mid")
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        if len(damaged) < 2:
            break
        where = data.draw(st.integers(0, len(damaged) - 1), label="where")
        how = data.draw(st.sampled_from(["flip", "delete", "insert", "cut"]), label="how")
        byte = data.draw(st.integers(0, 255), label="byte")
        if how == "flip":
            damaged[where] = byte
        elif how == "delete":
            del damaged[where]
        elif how == "insert":
            damaged.insert(where, byte)
        else:
            del damaged[max(where, 1):]
    path = tmp_path / "mutant.mid"
    path.write_bytes(bytes(damaged))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pm = midi.load(path)
        except MidiError as err:
            assert str(err).startswith(str(path)) and err.__cause__ is None
        else:
            assert isinstance(pm, pretty_midi.PrettyMIDI)
            midi.summary(pm)
            midi.piano_roll(pm, fs=20)


# ---------------------------------------------------------------------------
# notes, piano_roll, plot_piano_roll, summary
# ---------------------------------------------------------------------------

def test_notes_in_time_order_with_instruments(tmp_path):
    path = tmp_path / "song.mid"
    write_pop_song(path)
    pm = midi.load(path)
    found = midi.notes(pm)
    assert found == midi.notes(path)
    assert len(found) == sum(len(i.notes) for i in pm.instruments)
    assert [(n.start_s, n.pitch) for n in found] == sorted((n.start_s, n.pitch) for n in found)
    for note in found:
        inst = pm.instruments[note.instrument]
        assert (note.program, note.is_drum) == (inst.program, inst.is_drum)
        assert any(n.pitch == note.pitch and n.start == note.start_s and n.end == note.end_s for n in inst.notes)
    table = np.array(found, dtype=float)
    assert table.shape == (len(found), 7)


def test_piano_roll_agrees_with_pretty_midi_where_they_should(tmp_path):
    path = tmp_path / "song.mid"
    write_pop_song(path)
    pm = midi.load(path)
    pm.instruments = [i for i in pm.instruments if i.name in ("Bass", "Piano")]  # no overlaps, no drums
    for fs in (10, 50, 100):
        mine = midi.piano_roll(pm, fs=fs, pitch_range=(0, 128))
        theirs = pm.get_piano_roll(fs=fs, pedal_threshold=None)
        width = max(mine.shape[1], theirs.shape[1])
        pad = lambda roll: np.pad(roll, ((0, 0), (0, width - roll.shape[1])))  # noqa: E731
        np.testing.assert_array_equal(pad(mine), pad(theirs))
        assert mine.dtype == np.float32
    piano_keys = midi.piano_roll(pm, fs=100)
    np.testing.assert_array_equal(piano_keys, midi.piano_roll(pm, fs=100, pitch_range=(0, 128))[21:109])


def test_piano_roll_drums_overlaps_and_short_notes():
    pm = pretty_midi.PrettyMIDI()
    lead = pretty_midi.Instrument(program=0)
    lead.notes = [pretty_midi.Note(50, 60, 0.0, 1.0), pretty_midi.Note(100, 60, 0.5, 0.7),  # overlap, same pitch
                  pretty_midi.Note(80, 72, 0.101, 0.103)]                                  # shorter than a frame
    kit = pretty_midi.Instrument(program=0, is_drum=True)
    kit.notes = [pretty_midi.Note(110, 36, 1.5, 1.52)]
    pm.instruments += [lead, kit]
    roll = midi.piano_roll(pm, fs=10, pitch_range=(36, 84))
    assert roll.shape == (48, 10)
    assert roll[60 - 36].tolist() == [50, 50, 50, 50, 50, 100, 100, 50, 50, 50]  # loudest wins, no sums
    assert roll[72 - 36].tolist() == [0, 80, 0, 0, 0, 0, 0, 0, 0, 0]             # one frame at least
    assert not roll[0].any()
    with_drums = midi.piano_roll(pm, fs=10, pitch_range=(36, 84), include_drums=True)
    assert with_drums.shape == (48, 16) and with_drums[0, 15] == 110
    np.testing.assert_array_equal(with_drums[:, :10], roll)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"fs": 0}, "fs"), ({"fs": float("nan")}, "fs"), ({"fs": True}, "fs"),
    ({"pitch_range": (60,)}, "pitch_range"), ({"pitch_range": (60, 60)}, "go up"),
    ({"pitch_range": (-1, 60)}, "pitch_range"), ({"pitch_range": (0, 129)}, "pitch_range"),
    ({"include_drums": "yes"}, "include_drums"),
])
def test_piano_roll_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        midi.piano_roll(midi.from_notes([60], [1]), **kwargs)


def test_functions_refuse_things_that_are_not_midi(tmp_path):
    for function in (midi.notes, midi.piano_roll, midi.summary, midi.apply_sustain):
        with pytest.raises(ValueError, match="PrettyMIDI"):
            function([60, 62])
    path = tmp_path / "text.mid"
    path.write_text("hello")
    with pytest.raises(MidiError, match="text file"):
        midi.summary(path)


def test_plot_piano_roll(tmp_path):
    pm = midi.from_notes([48, 60, 72], [1, 1, 2], bpm=120)
    roll = midi.piano_roll(pm, fs=20)
    fig, ax = midi.plot_piano_roll(roll, fs=20, title="three Cs")
    try:
        (image,) = ax.get_images()
        assert image.get_extent() == pytest.approx([0, roll.shape[1] / 20, 20.5, 108.5])
        assert [t.get_text() for t in ax.get_yticklabels()] == ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"]
        assert ax.get_title() == "three Cs" and ax.get_xlabel() == "Time (s)"
        assert np.ma.is_masked(image.get_array()[0, 0])  # silence is not drawn
    finally:
        plt.close(fig)
    fig2, ax2 = plt.subplots()
    try:
        assert midi.plot_piano_roll(roll[36:], fs=20, lowest_pitch=57, ax=ax2) == (fig2, ax2)
    finally:
        plt.close(fig2)
    with pytest.raises(ValueError, match="2-D"):
        midi.plot_piano_roll(roll[0])


def test_summary_of_a_pop_song(tmp_path):
    path = tmp_path / "song.mid"
    write_pop_song(path)
    info = midi.summary(path)
    assert info["duration_s"] == pytest.approx(seconds(10 * TPQ - 80), abs=1e-6)  # the last bass note's end
    assert info["resolution"] == TPQ
    assert [bpm for _, bpm in info["tempo_changes"]] == pytest.approx([120, 90, 150], rel=1e-5)
    assert [sig for _, sig in info["time_signatures"]] == ["4/4", "3/4", "6/8"]
    assert info["time_signatures"][1][0] == pytest.approx(2.0)
    assert [key for _, key in info["key_signatures"]] == ["G Major"]
    by_name = {i["name"]: i for i in info["instruments"]}
    assert by_name["Bass"]["program_name"] == "Electric Bass (finger)" and by_name["Bass"]["pitch_range"] == (38, 50)
    assert by_name["Strings"]["program_name"] == "String Ensemble 1"
    assert by_name["Drums"]["is_drum"] and by_name["Drums"]["program_name"] == "Drums"
    assert info["drum_instruments"] == [by_name["Drums"]["index"]]
    assert (info["notes"], info["drum_notes"]) == (10 + 9 + 2 + 24, 24)
    assert by_name["Strings"]["overlapping_notes"] == 1 and info["overlapping_notes"] == 1
    assert by_name["Piano"]["sustain_pedal_presses"] == 1
    text = str(info)
    for word in ("120 bpm", "3/4", "Electric Bass (finger)", "drums (channel 10)", "1 overlapping",
                 "sustain pedal pressed 1x", "45 notes"):
        assert word in text, text
    assert isinstance(info, dict)


def test_importing_the_module_stays_light():
    import json
    import subprocess
    import sys

    code = ("import sys, json, musiclearn.midi; "
            "print(json.dumps([m for m in ['pretty_midi', 'mido', 'matplotlib'] if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
