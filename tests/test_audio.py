"""musiclearn.audio: loading, saving, normalising and playing audio.

Every file is written by the test itself into ``tmp_path``: integer WAVs of
each bit depth, float WAVs, FLAC, OGG, multichannel and low-rate files, and
broken ones (empty, truncated, text renamed ``.wav``...).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from musiclearn import audio
from musiclearn.errors import AudioError

# Quantisation step of each integer subtype for samples in [-1, 1).
STEP = {"PCM_U8": 2.0 / 256, "PCM_16": 2.0 / 2**16, "PCM_24": 2.0 / 2**24, "PCM_32": 2.0 / 2**32}


def sine(freq: float, sr: int, seconds: float, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(round(sr * seconds))) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_frequency(y: np.ndarray, sr: int) -> float:
    """Frequency (Hz) of the strongest component, refined by parabolic interpolation."""
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    k = int(np.argmax(spectrum[1:-1])) + 1
    a, b, c = np.log(spectrum[k - 1:k + 2] + 1e-30)
    shift = 0.5 * (a - c) / (a - 2 * b + c)
    return (k + shift) * sr / len(y)


def write_with_soundfile(path: Path, y: np.ndarray, sr: int, subtype: str) -> Path:
    """Write test input directly with soundfile (independently of audio.save)."""
    sf.write(str(path), y.T if y.ndim == 2 else y, sr, subtype=subtype)
    return path


def expect_audio_error(path: Path, *words: str, **kwargs) -> AudioError:
    with pytest.raises(AudioError) as info:
        audio.load(path, **kwargs)
    message = str(info.value)
    assert message.startswith(str(path) + ": "), message
    for word in words:
        assert word in message.lower(), message
    err = info.value
    assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__), \
        "a dependency's traceback is chained to the error"
    return info.value


# ---------------------------------------------------------------------------
# Reading every kind of file
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_16", "PCM_24", "PCM_32"])
def test_integer_wavs_load_as_float32_within_one_quantisation_step(tmp_path, subtype):
    y = sine(440, 8000, 0.25, amp=0.9)
    path = write_with_soundfile(tmp_path / f"{subtype}.wav", y, 8000, subtype)
    assert sf.info(str(path)).subtype == subtype
    loaded, sr = audio.load(path)
    assert sr == 8000 and loaded.dtype == np.float32 and loaded.shape == y.shape
    assert np.max(np.abs(loaded - y)) <= STEP[subtype]
    assert np.max(np.abs(loaded)) <= 1.0


def test_eight_bit_unsigned_wav_is_centred_on_zero(tmp_path):
    # PCM_U8 stores silence as byte 128; a decoder that forgets the offset gives +1.0.
    path = write_with_soundfile(tmp_path / "silence_u8.wav", np.zeros(100, np.float32), 8000, "PCM_U8")
    raw = path.read_bytes()
    assert raw[-100:] == bytes([128]) * 100
    loaded, _ = audio.load(path)
    assert np.all(loaded == 0.0)


@pytest.mark.parametrize("subtype", ["FLOAT", "DOUBLE"])
def test_float_wavs_load_exactly(tmp_path, subtype):
    y = sine(1000, 16000, 0.1, amp=0.7)
    path = write_with_soundfile(tmp_path / "f.wav", y, 16000, subtype)
    loaded, sr = audio.load(path)
    assert sr == 16000 and loaded.dtype == np.float32
    np.testing.assert_array_equal(loaded, y)


def test_flac_is_lossless_at_its_bit_depth(tmp_path):
    y = sine(300, 22050, 0.2)
    path = write_with_soundfile(tmp_path / "x.flac", y, 22050, "PCM_24")
    loaded, sr = audio.load(path)
    assert sr == 22050
    assert np.max(np.abs(loaded - y)) <= STEP["PCM_24"]


def test_ogg_vorbis_loads_with_the_right_pitch(tmp_path):
    y = sine(660, 22050, 0.5)
    path = write_with_soundfile(tmp_path / "x.ogg", y, 22050, "VORBIS")
    loaded, sr = audio.load(path)
    assert sr == 22050 and loaded.dtype == np.float32
    assert abs(len(loaded) - len(y)) <= 1
    # Vorbis is lossy: compare pitch and level, not samples.
    assert peak_frequency(loaded, sr) == pytest.approx(660, abs=2)
    assert np.sqrt(np.mean(loaded**2)) == pytest.approx(np.sqrt(np.mean(y**2)), rel=0.1)


@pytest.mark.skipif("MP3" not in sf.available_formats(), reason="this libsndfile has no MP3 support")
def test_mp3_loads_when_libsndfile_supports_it(tmp_path):
    y = sine(440, 16000, 1.0)
    path = tmp_path / "x.mp3"
    sf.write(str(path), y, 16000, format="MP3")
    loaded, sr = audio.load(path)
    assert sr == 16000 and loaded.dtype == np.float32
    assert peak_frequency(loaded, sr) == pytest.approx(440, abs=3)


def test_multichannel_mono_false_gives_channels_first(tmp_path):
    sr = 8000
    channels = np.stack([sine(200, sr, 0.1), sine(400, sr, 0.1, amp=0.25), np.zeros(800, np.float32)])
    path = write_with_soundfile(tmp_path / "three.wav", channels, sr, "FLOAT")
    loaded, _ = audio.load(path, mono=False)
    assert loaded.shape == (3, 800) and loaded.dtype == np.float32
    np.testing.assert_array_equal(loaded, channels)
    mono, _ = audio.load(path)
    assert mono.shape == (800,)
    np.testing.assert_allclose(mono, channels.mean(axis=0), atol=1e-7)


def test_mono_false_on_a_mono_file_is_still_one_dimensional(tmp_path):
    path = write_with_soundfile(tmp_path / "m.wav", sine(100, 8000, 0.1), 8000, "PCM_16")
    loaded, _ = audio.load(path, mono=False)
    assert loaded.ndim == 1


def test_agrees_with_librosa_load(tmp_path):
    import librosa

    stereo = np.stack([sine(440, 8000, 0.3), sine(550, 8000, 0.3)])
    path = write_with_soundfile(tmp_path / "s.wav", stereo, 8000, "PCM_16")
    for kwargs in [dict(sr=None, mono=False), dict(sr=None, mono=True), dict(sr=22050, mono=True),
                   dict(sr=None, mono=True, offset=0.1, duration=0.05)]:
        ours, our_sr = audio.load(path, **kwargs)
        theirs, their_sr = librosa.load(path, **kwargs)
        assert our_sr == their_sr and ours.shape == theirs.shape, kwargs
        np.testing.assert_allclose(ours, theirs, atol=1e-5, err_msg=str(kwargs))


def test_accepts_str_and_pathlib(tmp_path):
    path = write_with_soundfile(tmp_path / "p.wav", sine(100, 8000, 0.05), 8000, "PCM_16")
    a, _ = audio.load(str(path))
    b, _ = audio.load(path)
    np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# Resampling, offset and duration
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("native", "target", "freq"), [(8000, 22050, 1000.0), (44100, 16000, 3000.0),
                                                          (22050, 22050, 500.0)])
def test_resampling_gives_the_right_length_and_frequency(tmp_path, native, target, freq):
    y = sine(freq, native, 1.0)
    path = write_with_soundfile(tmp_path / "r.wav", y, native, "FLOAT")
    loaded, sr = audio.load(path, sr=target)
    assert sr == target and loaded.dtype == np.float32
    assert len(loaded) == int(np.ceil(len(y) * target / native))
    assert peak_frequency(loaded, sr) == pytest.approx(freq, abs=0.5)
    assert np.max(np.abs(loaded)) == pytest.approx(0.5, abs=0.01)


def test_resampling_keeps_channels(tmp_path):
    stereo = np.stack([sine(300, 8000, 0.5), sine(900, 8000, 0.5)])
    path = write_with_soundfile(tmp_path / "st.wav", stereo, 8000, "FLOAT")
    loaded, sr = audio.load(path, sr=16000, mono=False)
    assert loaded.shape == (2, 8000) and sr == 16000
    assert peak_frequency(loaded[0], sr) == pytest.approx(300, abs=1)
    assert peak_frequency(loaded[1], sr) == pytest.approx(900, abs=1)


@pytest.fixture
def ramp_wav(tmp_path):
    """2 s at 1000 Hz whose int16 sample i has the value i: every sample is identifiable."""
    sr = 1000
    values = np.arange(2000, dtype=np.int16)
    path = tmp_path / "ramp.wav"
    sf.write(str(path), values, sr, subtype="PCM_16")
    return path, values.astype(np.float32) / 32768


@pytest.mark.parametrize(("offset", "duration", "first", "count"), [
    (0.0, None, 0, 2000),
    (0.25, 0.5, 250, 500),
    # 1.001 * 1000 is 1000.9999...: sample positions must round, not truncate.
    (1.001, None, 1001, 999),
    (0.0, 1.003, 0, 1003),
    (1.001, 0.5, 1001, 500),
    (1.5, 10.0, 1500, 500),  # a duration past the end returns what is there
    (1.999, None, 1999, 1),
    (0, 0.001, 0, 1),
])
def test_offset_and_duration_select_exact_samples(ramp_wav, offset, duration, first, count):
    path, expected = ramp_wav
    y, sr = audio.load(path, offset=offset, duration=duration)
    assert sr == 1000
    np.testing.assert_array_equal(y, expected[first:first + count])


def test_offset_and_duration_before_resampling(ramp_wav):
    path, _ = ramp_wav
    y, sr = audio.load(path, sr=2000, offset=0.5, duration=1.0)
    assert sr == 2000 and len(y) == 2000


# ---------------------------------------------------------------------------
# Bad files and bad arguments
# ---------------------------------------------------------------------------

def test_missing_file_is_file_not_found_naming_the_path(tmp_path):
    path = tmp_path / "nowhere" / "song.wav"
    with pytest.raises(FileNotFoundError) as info:
        audio.load(path)
    assert str(info.value).startswith(str(path))


def test_directory(tmp_path):
    expect_audio_error(tmp_path, "directory")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    expect_audio_error(path, "empty", "0 bytes")


def test_text_renamed_wav(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("These are my notes, not a recording.\n" * 20)
    expect_audio_error(path, "not an audio file")


def test_zero_length_audio(tmp_path):
    path = tmp_path / "nothing.wav"
    sf.write(str(path), np.zeros(0, np.float32), 8000, subtype="PCM_16")
    assert path.stat().st_size > 0
    expect_audio_error(path, "no audio samples")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_samples_in_a_float_file(tmp_path, bad):
    y = sine(100, 8000, 0.1)
    y[123] = bad
    path = write_with_soundfile(tmp_path / "bad.wav", y, 8000, "FLOAT")
    err = expect_audio_error(path, "nan or infinite")
    assert "sample 123" in str(err)


@pytest.mark.parametrize("subtype", ["PCM_16", "PCM_24", "FLOAT"])
def test_truncated_wav_is_detected_not_silently_shortened(tmp_path, subtype):
    path = write_with_soundfile(tmp_path / "full.wav", sine(440, 8000, 0.5), 8000, subtype)
    chopped = tmp_path / "chopped.wav"
    chopped.write_bytes(path.read_bytes()[:-1000])
    # The failure mode being guarded against: libsndfile itself happily reads fewer frames.
    assert len(sf.read(str(chopped))[0]) < 4000
    expect_audio_error(chopped, "truncated")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=2 * 400 + 44 - 1))
def test_a_wav_cut_anywhere_is_an_audio_error(tmp_path, cut):
    full = tmp_path / "whole.wav"
    if not full.exists():
        write_with_soundfile(full, sine(440, 8000, 0.05), 8000, "PCM_16")
    data = full.read_bytes()
    assert len(data) == 2 * 400 + 44
    path = tmp_path / "cut.wav"
    path.write_bytes(data[:cut])
    with pytest.raises(AudioError) as info:
        audio.load(path)
    assert str(info.value).startswith(str(path))


def test_truncated_flac(tmp_path):
    path = write_with_soundfile(tmp_path / "full.flac", sine(440, 22050, 1.0), 22050, "PCM_16")
    data = path.read_bytes()
    chopped = tmp_path / "chopped.flac"
    chopped.write_bytes(data[: len(data) // 2])
    expect_audio_error(chopped)


def test_streamed_wav_with_unknown_data_size_still_loads(tmp_path):
    # WAVs written to a pipe carry 0xFFFFFFFF as data size; that is not truncation.
    y = sine(440, 8000, 0.1)
    path = write_with_soundfile(tmp_path / "s.wav", y, 8000, "PCM_16")
    data = bytearray(path.read_bytes())
    index = data.index(b"data")
    data[index + 4:index + 8] = (0xFFFFFFFF).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    loaded, _ = audio.load(path)
    assert np.max(np.abs(loaded - y)) <= STEP["PCM_16"]


@settings(max_examples=80, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=600), header=st.booleans())
def test_garbage_never_leaks_a_soundfile_exception(tmp_path, data, header):
    # With a RIFF/WAVE prefix the bytes reach libsndfile's WAV parser.
    payload = (b"RIFF" + len(data).to_bytes(4, "little") + b"WAVE" + data) if header else data
    path = tmp_path / "garbage.wav"
    path.write_bytes(payload)
    try:
        y, sr = audio.load(path)
    except AudioError as err:
        assert str(err).startswith(str(path))
    else:
        assert y.dtype == np.float32 and len(y) > 0 and sr > 0 and np.all(np.isfinite(y))


@pytest.mark.parametrize("offset", [0.5, 0.6, 100.0])
def test_offset_at_or_beyond_the_end(ramp_wav, offset):
    path, _ = ramp_wav
    short = path.with_name("short.wav")
    sf.write(str(short), np.zeros(500, np.int16), 1000, subtype="PCM_16")
    expect_audio_error(short, "beyond the end", offset=offset)


@pytest.mark.parametrize(("kwargs", "word"), [
    (dict(offset=-0.1), "offset"),
    (dict(offset=float("nan")), "offset"),
    (dict(duration=-1.0), "duration"),
    (dict(duration=0), "duration"),
    (dict(duration=0.0001), "shorter than one sample"),
    (dict(offset="1"), "offset"),
    (dict(sr=0), "sr"),
    (dict(sr=-8000), "sr"),
    (dict(sr=22050.5), "sr"),
    (dict(sr="22050"), "sr"),
    (dict(sr=True), "sr"),
    (dict(sr=float("inf")), "sr"),
])
def test_bad_arguments_are_audio_errors_naming_the_file(ramp_wav, kwargs, word):
    path, _ = ramp_wav
    expect_audio_error(path, word, **kwargs)


def test_whole_number_float_sr_is_accepted(ramp_wav):
    path, _ = ramp_wav
    _, sr = audio.load(path, sr=2000.0)
    assert sr == 2000 and isinstance(sr, int)


# ---------------------------------------------------------------------------
# save
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "fmt", "subtype"), [("a.wav", "WAV", "PCM_16"), ("a.FLAC", "FLAC", "PCM_16"),
                                                      ("a.ogg", "OGG", "VORBIS")])
def test_save_picks_the_format_from_the_extension(tmp_path, name, fmt, subtype):
    y = sine(440, 22050, 0.3)
    path = audio.save(tmp_path / name, y, sr=22050)
    assert path == tmp_path / name
    info = sf.info(str(path))
    assert (info.format, info.subtype, info.samplerate, info.channels) == (fmt, subtype, 22050, 1)
    loaded, _ = audio.load(path)
    assert peak_frequency(loaded, 22050) == pytest.approx(440, abs=2)


@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"])
def test_save_load_round_trip_within_quantisation(tmp_path, subtype):
    y = sine(123, 8000, 0.2, amp=0.99)
    path = audio.save(tmp_path / "rt.wav", y, sr=8000, subtype=subtype)
    assert sf.info(str(path)).subtype == subtype
    loaded, sr = audio.load(path)
    assert sr == 8000
    # Rounding to the nearest level: half a step (plus float slack).
    tolerance = STEP.get(subtype, 0.0) / 2 + 1e-7
    assert np.max(np.abs(loaded - y)) <= tolerance


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    y=hnp.arrays(np.float32, st.tuples(st.integers(1, 3), st.integers(3, 300)),
                 elements=st.floats(-1, 1, width=32)),
    subtype=st.sampled_from(["PCM_16", "PCM_24", "FLOAT"]),
    ext=st.sampled_from([".wav", ".flac"]),
    sr=st.sampled_from([8000, 22050, 44100, 96000]),
)
def test_round_trip_of_random_audio(tmp_path, y, subtype, ext, sr):
    if ext == ".flac" and subtype == "FLOAT":
        subtype = "PCM_24"  # FLAC stores integers only
    signal = y[0] if y.shape[0] == 1 else y
    path = audio.save(tmp_path / f"h{ext}", signal, sr=sr, subtype=subtype)
    loaded, loaded_sr = audio.load(path, mono=False)
    assert loaded_sr == sr and loaded.shape == signal.shape
    step = STEP.get(subtype, 0.0)
    # Integer formats have no level at +1.0: the top level is 1 - step.
    representable = np.clip(signal, -1.0, 1.0 - step)
    assert np.max(np.abs(loaded - representable)) <= step / 2 + 1e-7


def test_save_writes_channels_first_arrays_as_channels(tmp_path):
    stereo = np.stack([sine(200, 8000, 0.1), -sine(200, 8000, 0.1)])
    path = audio.save(tmp_path / "st.wav", stereo, sr=8000, subtype="FLOAT")
    data, _ = sf.read(str(path), dtype="float32")
    assert data.shape == (800, 2)
    np.testing.assert_array_equal(data.T, stereo)


def test_save_allows_values_beyond_one_in_float_files(tmp_path):
    y = np.array([0.0, 1.5, -2.0, 0.25], np.float32)
    loaded, _ = audio.load(audio.save(tmp_path / "loud.wav", y, sr=8000, subtype="FLOAT"))
    np.testing.assert_array_equal(loaded, y)


@pytest.mark.parametrize(("y", "kwargs", "match"), [
    (np.zeros(0), {}, "empty"),
    (np.zeros((2, 3, 4)), {}, "shape"),
    (np.zeros((1000, 2)), {}, r"pass y\.T"),
    (np.array([0.0, np.nan]), {}, "NaN"),
    (np.array([0.0, np.inf]), {}, "NaN or infinite"),
    (np.array([0.0, 1.5]), {}, "clip"),
    (np.array([0, 1000], np.int16), {}, "integer"),
    (np.array(["a", "b"]), {}, "real numbers"),
    (np.zeros(10), {"sr": 0}, "sr"),
    (np.zeros(10), {"sr": -1}, "sr"),
    (np.zeros(10), {"sr": 44.1}, "sr"),
    (np.zeros(10), {"subtype": "MP3ISH"}, "subtype"),
    (np.zeros(10), {"subtype": "VORBIS"}, "subtype"),  # Vorbis cannot live in a WAV
])
def test_save_rejects_bad_input_with_a_clear_value_error(tmp_path, y, kwargs, match):
    options = {"sr": 8000, **kwargs}
    with pytest.raises(ValueError, match=match):
        audio.save(tmp_path / "x.wav", y, **options)
    assert not list(tmp_path.iterdir()), "a failed save left a file behind"


@pytest.mark.parametrize("name", ["x.mp4", "x", "x.wave", "x.aiff"])
def test_save_rejects_unknown_extensions(tmp_path, name):
    with pytest.raises(ValueError, match=r"\.flac, \.ogg, \.wav"):
        audio.save(tmp_path / name, np.zeros(10), sr=8000)


def test_save_is_atomic_and_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = audio.save(tmp_path / "keep.wav", sine(440, 8000, 0.1), sr=8000)
    before = path.read_bytes()
    with pytest.raises(ValueError):
        audio.save(path, np.array([np.nan]), sr=8000)
    assert path.read_bytes() == before

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        audio.save(path, sine(880, 8000, 0.1), sr=8000)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.wav"], "temporary files left behind"


def test_save_overwrites_and_creates_folders(tmp_path):
    path = tmp_path / "new" / "folder" / "x.wav"
    audio.save(path, sine(440, 8000, 0.1), sr=8000)
    audio.save(path, sine(440, 8000, 0.2), sr=8000)
    assert sf.info(str(path)).frames == 1600


# ---------------------------------------------------------------------------
# normalize, to_mono, play
# ---------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(
    y=hnp.arrays(np.float64, st.integers(1, 200), elements=st.floats(-1e3, 1e3)),
    peak=st.floats(0.01, 10),
)
def test_normalize_sets_the_peak_and_keeps_the_shape_of_the_wave(y, peak):
    out = audio.normalize(y, peak=peak)
    assert out.dtype == y.dtype and out.shape == y.shape
    current = np.max(np.abs(y))
    if current == 0:
        assert np.all(out == 0)
    else:
        assert np.max(np.abs(out)) == pytest.approx(peak, rel=1e-12)
        np.testing.assert_allclose(out, y / current * peak, rtol=1e-12, atol=1e-300)


def test_normalize_does_not_modify_its_input_and_keeps_silence():
    y = np.array([0.1, -0.4], np.float32)
    out = audio.normalize(y)
    np.testing.assert_array_equal(out, np.array([0.25, -1.0], np.float32))
    np.testing.assert_array_equal(y, np.array([0.1, -0.4], np.float32))
    silence = np.zeros(5, np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(audio.normalize(silence) == 0)
    assert audio.normalize(np.zeros(0)).size == 0


def test_the_british_spelling_still_works_but_is_deprecated():
    y = np.array([0.1, -0.4], np.float32)
    with pytest.warns(DeprecationWarning, match="use musiclearn.audio.normalize"):
        out = audio.normalise(y, peak=0.5)
    np.testing.assert_array_equal(out, audio.normalize(y, peak=0.5))


@pytest.mark.parametrize(("y", "peak", "match"), [
    (np.ones(3), 0.0, "peak"), (np.ones(3), -1.0, "peak"), (np.ones(3), float("nan"), "peak"),
    (np.array([1.0, np.nan]), 1.0, "NaN"), (np.array(["x"]), 1.0, "real numbers"),
])
def test_normalize_rejects_bad_input(y, peak, match):
    with pytest.raises(ValueError, match=match):
        audio.normalize(y, peak=peak)


def test_to_mono():
    stereo = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
    np.testing.assert_array_equal(audio.to_mono(stereo), [0.5, 0.5, 0.5])
    mono = np.array([0.1, 0.2], np.float32)
    out = audio.to_mono(mono)
    assert out.dtype == np.float32 and out is not mono
    np.testing.assert_array_equal(out, mono)
    with pytest.raises(ValueError, match="shape"):
        audio.to_mono(np.zeros((2, 2, 2)))


def wav_in_player(player) -> tuple[np.ndarray, int]:
    data, sr = sf.read(io.BytesIO(player.data), dtype="float32", always_2d=True)
    return data.T, sr


def test_play_returns_a_player_that_does_not_autoplay():
    from IPython.display import Audio

    y = sine(440, 22050, 0.5, amp=0.2)
    player = audio.play(y, sr=22050)
    assert isinstance(player, Audio) and player.autoplay is False
    data, sr = wav_in_player(player)
    assert sr == 22050 and data.shape == (1, len(y))
    assert np.max(np.abs(data)) == pytest.approx(1.0, abs=1e-3)  # normalised


def test_play_at_true_level_and_in_stereo():
    y = np.stack([sine(440, 8000, 0.25, amp=0.2), sine(660, 8000, 0.25, amp=0.1)])
    data, sr = wav_in_player(audio.play(y, sr=8000, normalize=False))
    assert sr == 8000 and data.shape == (2, 2000)
    assert np.max(np.abs(data[0])) == pytest.approx(0.2, abs=1e-3)
    assert np.max(np.abs(data[1])) == pytest.approx(0.1, abs=1e-3)


def test_play_silence_without_nan_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data, _ = wav_in_player(audio.play(np.zeros(100), sr=8000))
    assert np.all(data == 0)


@pytest.mark.parametrize(("y", "kwargs", "match"), [
    (np.zeros(0), {}, "empty"),
    (np.array([0.0, np.nan]), {}, "NaN"),
    (np.array([0.0, 2.0]), {"normalize": False}, "normalize=True"),
    (np.zeros(10), {"sr": 0}, "sr"),
    (np.zeros((10, 2)), {}, r"y\.T"),
])
def test_play_rejects_bad_input(y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        audio.play(y, **{"sr": 8000, **kwargs})


def test_importing_the_module_stays_light():
    code = ("import sys, json, musiclearn.audio; "
            "print(json.dumps([m for m in ['soundfile', 'librosa', 'IPython', 'numba'] if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_resample_is_librosas_soxr_hq_and_checks_its_rates():
    import librosa

    y = sine(440, 8000, 0.25)
    ours = audio.resample(y, orig_sr=8000, target_sr=22050)
    np.testing.assert_array_equal(ours, librosa.resample(y, orig_sr=8000, target_sr=22050, res_type="soxr_hq"))
    assert audio.resample(np.stack([y, y]), orig_sr=8000, target_sr=4000).shape == (2, 1000)
    with pytest.raises(ValueError, match="target_sr must be a positive sampling rate"):
        audio.resample(y, orig_sr=8000, target_sr=44.1)
    with pytest.raises(ValueError, match="NaN"):
        audio.resample(np.array([0.0, np.nan]), orig_sr=8000, target_sr=16000)
