"""musiclearn.rhythm: onset strength, peak picking, onsets and tempo equal to librosa's; bad input."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musiclearn import rhythm
from musiclearn.errors import AudioError
from musiclearn.testing import relative_error

SR = 22050


def clicks(bpm: float, seconds: float = 12.0, *, sr: int = SR, pitch_hz: float = 0.0, seed: int = 0) -> np.ndarray:
    """Short decaying bursts (noise, or a tone) every beat, float32."""
    rng = np.random.default_rng(seed)
    y = np.zeros(int(seconds * sr), dtype=np.float32)
    burst_n = int(0.08 * sr)
    decay = np.exp(-np.arange(burst_n) / (0.015 * sr))
    burst = (np.sin(2 * np.pi * pitch_hz * np.arange(burst_n) / sr) if pitch_hz
             else rng.standard_normal(burst_n)) * decay
    for start in np.arange(0.1, seconds - 0.1, 60.0 / bpm):
        i = int(start * sr)
        y[i:i + burst_n] += burst[: len(y) - i]
    return y


def melody(seed: int = 1, seconds: float = 8.0) -> np.ndarray:
    """Notes of random pitch and length with soft attacks, plus a little noise."""
    rng = np.random.default_rng(seed)
    out, position = np.zeros(int(seconds * SR)), 0
    while position < len(out) - SR // 4:
        n = int(rng.uniform(0.15, 0.6) * SR)
        t = np.arange(n) / SR
        f0 = 110 * 2 ** (rng.integers(0, 30) / 12)
        envelope = np.minimum(1, t / 0.01) * np.exp(-3 * t)
        note = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 5)) * envelope
        end = min(len(out), position + n)
        out[position:end] += note[: end - position]
        position += n
    return (out + 1e-3 * rng.standard_normal(len(out))).astype(np.float32)


Y = melody()


# ----------------------------------------------------------------------------- onset strength


@pytest.mark.parametrize("options", [
    {},
    {"lag": 2},
    {"max_size": 3},
    {"lag": 3, "max_size": 5, "detrend": True},
    {"center": False},
    {"aggregate": np.median},
    {"n_mels": 64, "fmax": 8000.0},
    {"n_fft": 1024, "hop_length": 256},
], ids=lambda o: ",".join(f"{k}={getattr(v, '__name__', v)}" for k, v in o.items()) or "defaults")
def test_onset_strength_equals_librosa(options):
    ours = rhythm.onset_strength(y=Y, sr=SR, **options)
    theirs = librosa.onset.onset_strength(y=Y, sr=SR, **options)
    assert ours.shape == theirs.shape
    assert relative_error(ours, theirs) <= 1e-5


def test_onset_strength_from_a_spectrogram_a_reference_and_channels():
    S = librosa.power_to_db(librosa.feature.melspectrogram(y=Y, sr=SR))
    assert relative_error(rhythm.onset_strength(S=S, sr=SR), librosa.onset.onset_strength(S=S, sr=SR)) <= 1e-5
    ref = S - 3.0
    assert relative_error(rhythm.onset_strength(S=S, ref=ref), librosa.onset.onset_strength(S=S, ref=ref)) <= 1e-5
    stereo = np.stack([Y, melody(2)])
    ours = rhythm.onset_strength(y=stereo, sr=SR)
    assert ours.shape[0] == 2 and relative_error(ours, librosa.onset.onset_strength(y=stereo, sr=SR)) <= 1e-5


def test_onset_strength_of_silence_is_zero_and_bad_input_is_explained():
    assert not np.any(rhythm.onset_strength(y=np.zeros(SR, dtype=np.float32), sr=SR))
    with pytest.raises(AudioError, match="fewer than one frame"):
        rhythm.onset_strength(y=Y[:1000], sr=SR)
    with pytest.raises(ValueError, match="needs audio y"):
        rhythm.onset_strength(sr=SR)
    bad = Y.copy()
    bad[5] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        rhythm.onset_strength(y=bad, sr=SR)
    with pytest.raises(ValueError, match="lag"):
        rhythm.onset_strength(y=Y, lag=0)
    with pytest.raises(ValueError, match="max_size"):
        rhythm.onset_strength(y=Y, max_size=1.5)
    with pytest.raises(ValueError, match="must match"):
        rhythm.onset_strength(S=np.ones((10, 20)), ref=np.ones((10, 21)))
    with pytest.raises(ValueError, match="aggregate"):
        rhythm.onset_strength(y=Y, aggregate="mean")
    with pytest.raises(ValueError, match="unknown keyword"):
        rhythm.onset_strength(y=Y, n_melz=40)


# ----------------------------------------------------------------------------- peak picking and onsets


@settings(max_examples=60, deadline=None)
@given(
    # Distinct values: where a sample equals its local mean exactly (a flat stretch), rounding
    # decides, and librosa's compiled mean rounds differently (peak_pick's Notes; the next test).
    values=st.lists(st.floats(0, 1, width=32), min_size=1, max_size=80, unique=True),
    pre_max=st.integers(0, 5), post_max=st.integers(1, 5), pre_avg=st.integers(0, 6),
    post_avg=st.integers(1, 6), delta=st.sampled_from([0.0, 0.05, 0.2]), wait=st.integers(0, 4),
)
def test_peak_pick_equals_librosa(values, pre_max, post_max, pre_avg, post_avg, delta, wait):
    x = np.array(values, dtype=np.float32)
    options = dict(pre_max=pre_max, post_max=post_max, pre_avg=pre_avg, post_avg=post_avg, delta=delta, wait=wait)
    assert np.array_equal(rhythm.peak_pick(x, **options), librosa.util.peak_pick(x, **options))


def test_peak_pick_on_a_flat_stretch_counts_every_sample_as_reaching_its_mean():
    # Exactly flat: every sample equals its local mean, so every local maximum passes condition 2.
    x = np.full(7, 0.5, dtype=np.float32)
    assert np.array_equal(rhythm.peak_pick(x, pre_max=0, post_max=1, pre_avg=2, post_avg=3, delta=0.0, wait=0),
                          np.arange(7))


def test_peak_pick_explains_bad_windows():
    x = np.ones(10)
    with pytest.raises(ValueError, match="post_max must be at least 1"):
        rhythm.peak_pick(x, pre_max=1, post_max=0, pre_avg=1, post_avg=1, delta=0, wait=0)
    with pytest.raises(ValueError, match="delta must be >= 0"):
        rhythm.peak_pick(x, pre_max=1, post_max=1, pre_avg=1, post_avg=1, delta=-1, wait=0)
    with pytest.raises(ValueError, match="1-D"):
        rhythm.peak_pick(np.ones((2, 5)), pre_max=1, post_max=1, pre_avg=1, post_avg=1, delta=0, wait=0)


@pytest.mark.parametrize("units", rhythm.UNITS)
@pytest.mark.parametrize("backtrack", [False, True])
@pytest.mark.parametrize("signal", ["melody", "clicks"])
def test_onset_detect_equals_librosa(units, backtrack, signal):
    y = Y if signal == "melody" else clicks(137.0, 6.0, pitch_hz=660.0)
    ours = rhythm.onset_detect(y=y, sr=SR, units=units, backtrack=backtrack)
    theirs = librosa.onset.onset_detect(y=y, sr=SR, units=units, backtrack=backtrack)
    assert ours.dtype.kind == theirs.dtype.kind and np.array_equal(ours, theirs)


def test_onset_detect_with_own_windows_and_envelope_equals_librosa():
    env = librosa.onset.onset_strength(y=Y, sr=SR, hop_length=256)
    options = dict(hop_length=256, delta=0.02, wait=4, pre_max=3, post_max=2, pre_avg=8, post_avg=3)
    ours = rhythm.onset_detect(onset_envelope=env, sr=SR, normalize=False, **options)
    assert np.array_equal(ours, librosa.onset.onset_detect(onset_envelope=env, sr=SR, normalize=False, **options))


def test_onset_detect_finds_clicks_and_nothing_in_silence():
    beats = np.arange(0.1, 5.9, 60 / 90)
    found = rhythm.onset_detect(y=clicks(90.0, 6.0), sr=SR, units="time")
    assert len(found) == len(beats) and np.all(np.abs(found - beats) < 0.035)
    silent = rhythm.onset_detect(y=np.zeros(SR, dtype=np.float32), sr=SR)
    assert silent.size == 0 and silent.dtype.kind == "i"          # documented: no onsets, not an error
    with pytest.raises(ValueError, match="units"):
        rhythm.onset_detect(y=Y, units="seconds")
    with pytest.raises(ValueError, match="needs audio y"):
        rhythm.onset_detect(sr=SR)
    with pytest.raises(ValueError, match="1-D"):
        rhythm.onset_detect(y=np.stack([Y, Y]), sr=SR)


@settings(max_examples=60, deadline=None)
@given(energy=st.lists(st.floats(0, 10), min_size=3, max_size=50), data=st.data())
def test_onset_backtrack_equals_librosa(energy, data):
    energy = np.array(energy)
    events = np.array(sorted(data.draw(st.sets(st.integers(0, len(energy) - 1), min_size=1, max_size=8))))
    assert np.array_equal(rhythm.onset_backtrack(events, energy), librosa.onset.onset_backtrack(events, energy))


def test_onset_backtrack_of_no_events_and_bad_events():
    assert rhythm.onset_backtrack(np.zeros(0, dtype=int), np.ones(5)).size == 0    # librosa raises here
    with pytest.raises(ValueError, match="frame indices"):
        rhythm.onset_backtrack(np.array([-1, 2]), np.ones(5))


# ----------------------------------------------------------------------------- tempo


def test_tempo_frequencies_and_tempogram_equal_librosa():
    assert np.array_equal(rhythm.tempo_frequencies(300, hop_length=256, sr=16000),
                          librosa.tempo_frequencies(300, hop_length=256, sr=16000))
    env = librosa.onset.onset_strength(y=Y, sr=SR)
    for options in ({}, {"win_length": 100}, {"win_length": 64, "center": False}):
        ours = rhythm.tempogram(onset_envelope=env, sr=SR, **options)
        theirs = librosa.feature.tempogram(onset_envelope=env, sr=SR, **options)
        assert ours.shape == theirs.shape and relative_error(ours, theirs) <= 1e-5
    assert relative_error(rhythm.tempogram(y=Y, sr=SR), librosa.feature.tempogram(y=Y, sr=SR)) <= 1e-5


@pytest.mark.parametrize("bpm", [72.0, 96.0, 120.0, 150.0])
def test_tempo_of_click_tracks_equals_librosa_and_the_truth(bpm):
    y = clicks(bpm)
    ours = rhythm.tempo(y=y, sr=SR)
    assert isinstance(ours, float)
    assert ours == float(librosa.feature.tempo(y=y, sr=SR)[0])
    assert abs(ours / bpm - 1) <= 0.04 or abs(ours / (2 * bpm) - 1) <= 0.04      # at worst double time


@settings(max_examples=20, deadline=None)
@given(start_bpm=st.floats(40, 240), std_bpm=st.floats(0.2, 3.0), ac_size=st.floats(2.0, 10.0),
       max_tempo=st.one_of(st.none(), st.floats(150, 400)))
def test_tempo_options_equal_librosa(start_bpm, std_bpm, ac_size, max_tempo):
    env = ENVELOPE
    ours = rhythm.tempo(onset_envelope=env, sr=SR, start_bpm=start_bpm, std_bpm=std_bpm, ac_size=ac_size,
                        max_tempo=max_tempo)
    theirs = librosa.feature.tempo(onset_envelope=env, sr=SR, start_bpm=start_bpm, std_bpm=std_bpm,
                                   ac_size=ac_size, max_tempo=max_tempo)[0]
    assert ours == pytest.approx(float(theirs), rel=1e-12)


ENVELOPE = librosa.onset.onset_strength(y=clicks(110.0, 10.0, seed=3) + 0.1 * melody(4, 10.0), sr=SR)


def test_tempo_of_silence_raises_and_bad_arguments_are_explained():
    with pytest.raises(AudioError, match="no beat"):
        rhythm.tempo(y=np.zeros(3 * SR, dtype=np.float32), sr=SR)
    with pytest.raises(ValueError, match="start_bpm"):
        rhythm.tempo(onset_envelope=ENVELOPE, start_bpm=0)
    with pytest.raises(ValueError, match="std_bpm"):
        rhythm.tempo(onset_envelope=ENVELOPE, std_bpm=-1)
    with pytest.raises(ValueError, match="max_tempo"):
        rhythm.tempo(onset_envelope=ENVELOPE, max_tempo=0)
    with pytest.raises(ValueError, match="needs audio y"):
        rhythm.tempo(sr=SR)
    with pytest.raises(ValueError, match="NaN"):
        rhythm.tempo(onset_envelope=np.array([0.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match="win_length"):
        rhythm.tempogram(onset_envelope=ENVELOPE, win_length=0)
