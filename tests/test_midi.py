"""musiclearn.midi: loading, building, writing and rendering MIDI.

MIDI input files are written by the tests themselves, byte by byte where the
byte layout matters (running status, type 0, broken headers) and with mido
otherwise.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import mido
import numpy as np
import pretty_midi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musiclearn import midi
from musiclearn.errors import MidiError
from musiclearn.midi import _sound  # where render looks up its sound checks (patched below)


def chunk(name: bytes, body: bytes) -> bytes:
    return name + len(body).to_bytes(4, "big") + body


def header(fmt: int, ntracks: int, division: int) -> bytes:
    return chunk(b"MThd", fmt.to_bytes(2, "big") + ntracks.to_bytes(2, "big") + division.to_bytes(2, "big", signed=True))


# A type 0 file at 96 ticks per quarter note and 120 bpm (one tick = 1/192 s).
# After the first note on, every channel message relies on running status
# (status byte omitted), and note offs are note ons with velocity 0.
TYPE0_TRACK = bytes([
    0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,  # tempo 500000 us per beat
    0x00, 0xC0, 0x05,                          # channel 1: program 5
    0x00, 0x90, 60, 100,                       # note on C4
    0x00, 64, 100,                             # running status: note on E4
    0x60, 60, 0,                               # +96 ticks: C4 off (velocity 0)
    0x00, 64, 0,                               # E4 off
    0x00, 0x91, 67, 80,                        # channel 2: G4 on
    0x60, 67, 0,                               # running status: G4 off at tick 192
    0x00, 0xFF, 0x2F, 0x00,                    # end of track
])
TYPE0_BYTES = header(0, 1, 96) + chunk(b"MTrk", TYPE0_TRACK)


def write_type1(path, bpm: float = 100.0):
    """Conductor track + piano track + violin track, written with mido."""
    mf = mido.MidiFile(type=1, ticks_per_beat=480)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0)])
    piano = mido.MidiTrack([
        mido.Message("program_change", program=0, channel=0, time=0),
        mido.Message("note_on", note=60, velocity=90, channel=0, time=0),
        mido.Message("note_off", note=60, velocity=0, channel=0, time=480),
        mido.Message("note_on", note=62, velocity=90, channel=0, time=0),
        mido.Message("note_off", note=62, velocity=0, channel=0, time=960),
    ])
    violin = mido.MidiTrack([
        mido.Message("program_change", program=40, channel=1, time=0),
        mido.Message("note_on", note=76, velocity=70, channel=1, time=480),
        mido.Message("note_off", note=76, velocity=0, channel=1, time=480),
    ])
    mf.tracks.extend([conductor, piano, violin])
    mf.save(str(path))
    return path


def expect_midi_error(path, *words: str) -> MidiError:
    with pytest.raises(MidiError) as info:
        midi.load(path)
    err = info.value
    message = str(err)
    assert message.startswith(str(path) + ": "), message
    for word in words:
        assert word in message.lower(), message
    assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__), \
        "a dependency's traceback is chained to the error"
    return err


def notes_of(pm):
    return sorted((round(n.start, 6), round(n.end, 6), n.pitch, n.velocity, inst.program, inst.is_drum)
                  for inst in pm.instruments for n in inst.notes)


def spectrum_peak_hz(y, sr, lo=50.0, hi=5000.0):
    spec = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    freqs = np.fft.rfftfreq(len(y), 1 / sr)
    band = (freqs >= lo) & (freqs <= hi)
    return freqs[band][np.argmax(spec[band])]


# ---------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------

def test_type0_with_running_status(tmp_path):
    path = tmp_path / "type0.mid"
    path.write_bytes(TYPE0_BYTES)
    pm = midi.load(path)
    assert isinstance(pm, pretty_midi.PrettyMIDI)
    assert notes_of(pm) == [(0.0, 0.5, 60, 100, 5, False), (0.0, 0.5, 64, 100, 5, False),
                            (0.5, 1.0, 67, 80, 0, False)]
    assert len(pm.instruments) == 2  # one per channel/program
    assert pm.resolution == 96


def test_type1_with_a_conductor_track(tmp_path):
    path = write_type1(tmp_path / "type1.mid", bpm=100.0)
    pm = midi.load(path)
    beat = 60 / 100
    assert notes_of(pm) == [
        (0.0, round(beat, 6), 60, 90, 0, False),
        (round(beat, 6), round(2 * beat, 6), 76, 70, 40, False),
        (round(beat, 6), round(3 * beat, 6), 62, 90, 0, False),
    ]
    times, tempi = pm.get_tempo_changes()
    assert list(times) == [0.0] and tempi[0] == pytest.approx(100.0)


def test_type0_and_type1_of_the_same_music_agree(tmp_path):
    type1 = write_type1(tmp_path / "t1.mid")
    merged = mido.MidiFile(type=0, ticks_per_beat=480)
    merged.tracks.append(mido.merge_tracks(mido.MidiFile(str(type1)).tracks))
    merged.save(str(tmp_path / "t0.mid"))
    assert (tmp_path / "t0.mid").read_bytes()[8:10] == b"\x00\x00"  # really type 0
    assert notes_of(midi.load(tmp_path / "t0.mid")) == notes_of(midi.load(type1))


def test_rmid_wrapper_is_unpacked(tmp_path):
    path = tmp_path / "song.rmi"
    payload = chunk(b"data", TYPE0_BYTES)
    path.write_bytes(b"RIFF" + (4 + len(payload)).to_bytes(4, "little") + b"RMID" + payload)
    assert len(midi.load(path).instruments) == 2


def test_missing_file(tmp_path):
    path = tmp_path / "gone.mid"
    with pytest.raises(FileNotFoundError) as info:
        midi.load(path)
    assert str(info.value).startswith(str(path))


def test_directory(tmp_path):
    expect_midi_error(tmp_path, "directory")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mid"
    path.write_bytes(b"")
    expect_midi_error(path, "empty")


def test_wav_renamed_mid(tmp_path):
    import soundfile as sf

    path = tmp_path / "actually_audio.mid"
    sf.write(str(path), np.zeros(100, np.float32), 8000, format="WAV")
    expect_midi_error(path, "wav audio file", "mthd")


@pytest.mark.parametrize(("text", "word"), [
    ("My favourite songs:\n1. Yesterday\n", "text file"),
    ("X:1\nT:Tune\nM:4/4\nK:G\nGABc|\n", "abc notation"),
    ('<?xml version="1.0"?><score-partwise/>', "musicxml"),
])
def test_text_renamed_mid(tmp_path, text, word):
    path = tmp_path / "words.mid"
    path.write_text(text)
    expect_midi_error(path, word)


def test_truncated_in_the_middle_of_a_track(tmp_path):
    path = tmp_path / "cut.mid"
    path.write_bytes(TYPE0_BYTES[:-6])
    expect_midi_error(path, "truncated")


@pytest.mark.parametrize("cut", range(1, len(TYPE0_BYTES)))
def test_every_truncation_is_reported_as_truncated(tmp_path, cut):
    path = tmp_path / "cut.mid"
    path.write_bytes(TYPE0_BYTES[:cut])
    expect_midi_error(path, "truncated")


def test_missing_second_track_is_truncation(tmp_path):
    path = tmp_path / "one_of_two.mid"
    path.write_bytes(header(1, 2, 96) + chunk(b"MTrk", TYPE0_TRACK))
    expect_midi_error(path, "truncated")


@pytest.mark.parametrize(("data", "word"), [
    # SMPTE division 0xE728: -25 frames per second, 40 ticks per frame.
    (header(0, 1, -6360) + chunk(b"MTrk", TYPE0_TRACK), "smpte"),
    (header(0, 1, 0) + chunk(b"MTrk", TYPE0_TRACK), "0 ticks"),
    (header(0, 0, 96), "no tracks"),
    (header(7, 1, 96) + chunk(b"MTrk", TYPE0_TRACK), "type 7"),
    (header(0, 1, 96) + chunk(b"MTrk", bytes([0x00, 0xF4, 0x00])), "corrupt"),  # undefined status byte
    (header(0, 1, 96) + chunk(b"XXXX", TYPE0_TRACK), "corrupt"),
    (header(0, 1, 96) + chunk(b"MTrk", bytes([0x00, 0x90, 200, 100, 0x00, 0xFF, 0x2F, 0x00])), "corrupt"),
])
def test_corrupt_headers_and_events(tmp_path, data, word):
    path = tmp_path / "bad.mid"
    path.write_bytes(data)
    expect_midi_error(path, word)


def test_absurd_tick_count_is_an_error_not_a_memory_explosion(tmp_path):
    # A delta of 2**28 - 1 ticks (the largest variable-length number) after a note.
    huge_delta = bytes([0xFF, 0xFF, 0xFF, 0x7F])
    track = bytes([0x00, 0x90, 60, 100]) + huge_delta + bytes([0x80, 60, 0, 0x00, 0xFF, 0x2F, 0x00])
    path = tmp_path / "huge.mid"
    path.write_bytes(header(0, 1, 96) + chunk(b"MTrk", track))
    expect_midi_error(path, "corrupt")


@settings(max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=400))
def test_random_bytes_are_a_midi_error(tmp_path, data):
    path = tmp_path / "noise.mid"
    path.write_bytes(data)
    if data.startswith(b"MThd"):
        return
    expect_midi_error(path)


@settings(max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(min_size=0, max_size=300), fmt=st.integers(0, 2), ntracks=st.integers(1, 3))
def test_garbage_behind_a_valid_header_never_escapes_or_hangs(tmp_path, body, fmt, ntracks):
    # Reaches mido's event parser and pretty_midi's interpretation with nonsense.
    path = tmp_path / "garbage.mid"
    path.write_bytes(header(fmt, ntracks, 96) + chunk(b"MTrk", body))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pm = midi.load(path)
        except MidiError as err:
            assert str(err).startswith(str(path))
        else:
            assert isinstance(pm, pretty_midi.PrettyMIDI)


# ---------------------------------------------------------------------------
# from_notes and write
# ---------------------------------------------------------------------------

def test_from_notes_timing_rests_and_instrument():
    pm = midi.from_notes([60, None, 64, 67], [1, 0.5, 0.5, 2], program=40, bpm=90, velocity=70)
    beat = 60 / 90
    (inst,) = pm.instruments
    assert inst.program == 40 and not inst.is_drum
    got = [(n.pitch, n.start, n.end, n.velocity) for n in inst.notes]
    expected = [(60, 0.0, 1 * beat, 70), (64, 1.5 * beat, 2 * beat, 70), (67, 2 * beat, 4 * beat, 70)]
    assert [g[0] for g in got] == [e[0] for e in expected]
    np.testing.assert_allclose([g[1:3] for g in got], [e[1:3] for e in expected], atol=1e-12)
    assert pm.get_tempo_changes()[1][0] == pytest.approx(90)


def test_from_notes_long_melodies_do_not_drift():
    pm = midi.from_notes([60] * 3000, [1 / 3] * 3000, bpm=137)
    last = pm.instruments[0].notes[-1]
    assert last.end == pytest.approx(3000 / 3 * 60 / 137, abs=1e-9)


def test_from_notes_accepts_numpy_numbers_and_drums():
    pm = midi.from_notes(np.array([36, 38]), np.array([0.5, 0.5]), is_drum=True)
    assert pm.instruments[0].is_drum and [n.pitch for n in pm.instruments[0].notes] == [36, 38]


def test_from_notes_with_no_notes():
    pm = midi.from_notes([], [])
    assert len(pm.instruments) == 1 and pm.instruments[0].notes == []


@pytest.mark.parametrize(("args", "kwargs", "match"), [
    (([60, 62], [1]), {}, "one entry per note"),
    (([128], [1]), {}, r"pitches\[0\]"),
    (([-1], [1]), {}, "0 to 127"),
    (([60.5], [1]), {}, "whole number"),
    (([True], [1]), {}, "whole number"),
    (([60, "C4"], [1, 1]), {}, r"pitches\[1\]"),
    (([60], [0]), {}, r"durations\[0\]"),
    (([60], [-1]), {}, "positive"),
    (([60], [float("nan")]), {}, "positive"),
    (([60], [1]), {"program": 128}, "program"),
    (([60], [1]), {"program": -1}, "program"),
    (([60], [1]), {"bpm": 0}, "bpm"),
    (([60], [1]), {"bpm": float("inf")}, "bpm"),
    (([60], [1]), {"velocity": 0}, "velocity"),
    (([60], [1]), {"velocity": 128}, "velocity"),
    (([60], [1]), {"is_drum": "yes"}, "is_drum"),
])
def test_from_notes_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        midi.from_notes(*args, **kwargs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    melody=st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 127)),
                              st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0, 3.0])), min_size=1, max_size=40),
    program=st.integers(0, 127),
    bpm=st.sampled_from([60.0, 90.0, 120.0, 150.0]),
    velocity=st.integers(1, 127),
)
def test_write_load_round_trip(tmp_path, melody, program, bpm, velocity):
    pitches, durations = zip(*melody)
    pm = midi.from_notes(pitches, durations, program=program, bpm=bpm, velocity=velocity)
    path = midi.write(pm, tmp_path / "rt.mid")
    back = midi.load(path)
    original = pm.instruments[0].notes
    if not original:
        assert all(not inst.notes for inst in back.instruments)
        return
    (inst,) = back.instruments
    assert inst.program == program
    tick = 60 / bpm / pm.resolution
    assert [(n.pitch, n.velocity) for n in inst.notes] == [(n.pitch, n.velocity) for n in original]
    np.testing.assert_allclose([(n.start, n.end) for n in inst.notes],
                               [(n.start, n.end) for n in original], atol=tick)
    assert back.get_tempo_changes()[1][0] == pytest.approx(bpm, rel=1e-3)


def test_write_is_atomic_and_a_failed_write_keeps_the_old_file(tmp_path):
    path = midi.write(midi.from_notes([60], [1]), tmp_path / "keep.mid")
    before = path.read_bytes()
    broken = midi.from_notes([60], [1])
    broken.instruments[0].notes[0].pitch = 200  # not encodable as a MIDI data byte
    with pytest.raises(MidiError, match="0..127") as info:
        midi.write(broken, path)
    assert str(info.value).startswith(str(path))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.mid"], "temporary files left behind"


def test_write_creates_folders_and_rejects_non_midi_objects(tmp_path):
    path = midi.write(midi.from_notes([72], [2]), tmp_path / "a" / "b.mid")
    assert path.read_bytes().startswith(b"MThd")
    with pytest.raises(ValueError, match="PrettyMIDI"):
        midi.write([60, 62], tmp_path / "c.mid")


# ---------------------------------------------------------------------------
# Sound
# ---------------------------------------------------------------------------

@pytest.fixture
def fresh_sound_state(monkeypatch):
    """Forget the cached FluidSynth check and the once-per-session notice."""
    check = midi.real_instruments_available  # tests may replace _sound.real_instruments_available
    check.cache_clear()
    monkeypatch.setattr(_sound, "_fallback_notice_shown", False)
    yield
    check.cache_clear()


def test_real_instruments_are_available_here_and_the_answer_is_cached(fresh_sound_state):
    # This environment has libfluidsynth3 + pyfluidsynth; the check must see them.
    available, explanation = midi.real_instruments_available()
    assert available is True, explanation
    assert "FluidSynth" in explanation and "TimGM6mb" in explanation and "\n" not in explanation
    before = midi.real_instruments_available.cache_info().hits
    assert midi.real_instruments_available() == (available, explanation)
    assert midi.real_instruments_available.cache_info().hits == before + 1


def test_missing_pyfluidsynth_is_explained_with_the_fix(fresh_sound_state, monkeypatch):
    monkeypatch.setitem(sys.modules, "fluidsynth", None)  # makes `import fluidsynth` fail
    available, explanation = midi.real_instruments_available()
    assert available is False
    assert "apt-get install libfluidsynth3" in explanation and "pip install pyfluidsynth" in explanation
    assert "\n" not in explanation


def test_missing_soundfont_is_explained(fresh_sound_state, monkeypatch, tmp_path):
    monkeypatch.setattr(_sound, "_soundfont_path", lambda: tmp_path / "TimGM6mb.sf2")
    available, explanation = midi.real_instruments_available()
    assert available is False and "SoundFont" in explanation and "reinstall pretty_midi" in explanation


def spy_on(monkeypatch, cls, name):
    calls = []
    original = getattr(cls, name)

    def spy(self, *args, **kwargs):
        calls.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, spy)
    return calls


def harmonic_ratio(y, sr, f0):
    """Energy near 2*f0 and 3*f0 relative to energy near f0."""
    spec = np.abs(np.fft.rfft(y)) ** 2
    freqs = np.fft.rfftfreq(len(y), 1 / sr)

    def band(f):
        return spec[(freqs > f * 0.97) & (freqs < f * 1.03)].sum()

    return (band(2 * f0) + band(3 * f0)) / band(f0)


def test_render_uses_fluidsynth_here(fresh_sound_state, monkeypatch):
    fluid_calls = spy_on(monkeypatch, pretty_midi.PrettyMIDI, "fluidsynth")
    sine_calls = spy_on(monkeypatch, pretty_midi.Instrument, "synthesize")
    pm = midi.from_notes([57], [2.0], program=0, bpm=120)  # A3 = 220 Hz for 1 s, piano
    with warnings.catch_warnings():
        warnings.simplefilter("error", midi.SineFallbackWarning)
        y = midi.render(pm, sr=22050)
    assert len(fluid_calls) == 1 and fluid_calls[0]["fs"] == 22050 and not sine_calls
    assert y.dtype == np.float32 and y.ndim == 1
    assert len(y) == pytest.approx(2.0 * 22050, abs=2)  # 1 s of note + 1 s of release
    assert np.max(np.abs(y)) == pytest.approx(1.0)
    assert np.sqrt(np.mean(y[:11025] ** 2)) > 0.05, "FluidSynth output is silent"
    # The strongest partial of a sampled piano may be an overtone, but it is a harmonic of 220 Hz...
    peak = spectrum_peak_hz(y[:22050], 22050)
    assert abs(peak / 220 - round(peak / 220)) < 0.03 and round(peak / 220) >= 1
    # ...and unlike a sine wave the note has strong overtones.
    assert harmonic_ratio(y[:22050], 22050, 220) > 0.01


def test_render_at_a_rate_fluidsynth_cannot_use_is_resampled(fresh_sound_state):
    pm = midi.from_notes([69], [2.0])  # A4 for 1 s
    y = midi.render(pm, sr=4000)
    assert len(y) == pytest.approx(2.0 * 4000, abs=2)
    assert spectrum_peak_hz(y[:4000], 4000, hi=1900) == pytest.approx(440, rel=0.03)


def test_render_without_normalising_keeps_the_level(fresh_sound_state):
    soft = midi.render(midi.from_notes([60], [1.0], velocity=30), normalize=False)
    loud = midi.render(midi.from_notes([60], [1.0], velocity=120), normalize=False)
    assert 0 < np.max(np.abs(soft)) < np.max(np.abs(loud)) <= 1.0


def test_sine_fallback_warns_once_and_plays_the_right_pitch(fresh_sound_state, monkeypatch):
    monkeypatch.setattr(_sound, "real_instruments_available", lambda: (False, "FluidSynth is not usable (test)"))
    fluid_calls = spy_on(monkeypatch, pretty_midi.PrettyMIDI, "fluidsynth")
    pm = midi.from_notes([69], [2.0], bpm=120)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = midi.render(pm, sr=16000)
        second = midi.render(pm, sr=16000)
    notices = [w for w in caught if issubclass(w.category, midi.SineFallbackWarning)]
    assert len(notices) == 1, [str(w.message) for w in caught]
    message = str(notices[0].message)
    assert "sine" in message and "FluidSynth is not usable (test)" in message
    assert notices[0].filename == __file__  # points at the caller, not at musiclearn
    assert not fluid_calls
    np.testing.assert_array_equal(first, second)
    assert first.dtype == np.float32 and np.max(np.abs(first)) == pytest.approx(1.0)
    assert len(first) == pytest.approx(2.0 * 16000, abs=2)
    assert spectrum_peak_hz(first[:16000], 16000) == pytest.approx(440, rel=0.01)
    assert harmonic_ratio(first[:16000], 16000, 440) < 1e-3


def test_sine_fallback_level_follows_velocity(fresh_sound_state, monkeypatch):
    monkeypatch.setattr(_sound, "real_instruments_available", lambda: (False, "test"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", midi.SineFallbackWarning)
        y = midi.render(midi.from_notes([69], [2.0], velocity=127), sr=8000, normalize=False)
    assert np.max(np.abs(y)) == pytest.approx(1.0, abs=0.01)


def test_fluidsynth_failure_at_render_time_falls_back(fresh_sound_state, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("synth crashed")

    monkeypatch.setattr(pretty_midi.PrettyMIDI, "fluidsynth", broken)
    with pytest.warns(midi.SineFallbackWarning, match="synth crashed"):
        y = midi.render(midi.from_notes([60], [1.0]), sr=8000)
    assert np.max(np.abs(y)) == pytest.approx(1.0)


@pytest.mark.parametrize("real", [True, False])
def test_empty_and_drum_only_midi_render_without_crashing(fresh_sound_state, monkeypatch, real):
    if not real:
        monkeypatch.setattr(_sound, "real_instruments_available", lambda: (False, "test"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", midi.SineFallbackWarning)
        warnings.simplefilter("error", RuntimeWarning)  # e.g. 0/0 while normalising
        empty = midi.render(pretty_midi.PrettyMIDI(), sr=8000)
        no_notes = midi.render(midi.from_notes([], []), sr=8000)
        drums = midi.render(midi.from_notes([36, 38], [1, 1], is_drum=True), sr=8000)
    assert empty.dtype == np.float32 and empty.shape == (0,)
    assert no_notes.shape == (0,)
    assert drums.dtype == np.float32 and len(drums) > 8000 and np.all(np.isfinite(drums))
    if real:
        assert np.max(np.abs(drums)) == pytest.approx(1.0)  # FluidSynth has drum kits
    else:
        assert np.all(drums == 0)  # sine waves cannot play drums


def test_render_of_a_loaded_file(fresh_sound_state, tmp_path):
    path = write_type1(tmp_path / "two_instruments.mid")
    y = midi.render(midi.load(path), sr=22050)
    assert len(y) == pytest.approx((midi.load(path).get_end_time() + 1.0) * 22050, abs=2)


@pytest.mark.parametrize(("pm", "kwargs", "match"), [
    ("song.mid", {}, "PrettyMIDI"),
    (None, {"sr": 0}, "sr"),
    (None, {"sr": 22050.5}, "sr"),
])
def test_render_rejects_bad_input(pm, kwargs, match):
    with pytest.raises(ValueError, match=match):
        midi.render(midi.from_notes([60], [1]) if pm is None else pm, **kwargs)


def test_importing_the_module_stays_light():
    code = ("import sys, json, musiclearn.midi; "
            "print(json.dumps([m for m in ['pretty_midi', 'mido', 'fluidsynth', 'librosa', 'soundfile']"
            " if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
