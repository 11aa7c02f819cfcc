"""musiclearn.pitch: YIN equal to librosa's, the other F0 estimators, chroma, and bad input."""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musiclearn import pitch
from musiclearn.errors import AudioError
from musiclearn.testing import relative_error

SR = 22050


def tone(f0: float, seconds: float = 1.0, *, harmonics: int = 1, sr: int = SR, first: int = 1) -> np.ndarray:
    """Harmonics ``first .. harmonics`` of ``f0`` with amplitudes 1/k and different phases, float64."""
    n = np.arange(int(seconds * sr))
    return sum(np.sin(2 * np.pi * f0 * k * n / sr + 0.7 * k) / k for k in range(first, harmonics + 1))


SIGNALS = {
    "sine": tone(220.0, 1.5),
    "harmonic": tone(150.0, 1.5, harmonics=11),
    "chirp": librosa.chirp(fmin=100, fmax=900, sr=SR, duration=1.5),
    "noise": np.random.default_rng(0).standard_normal(int(1.5 * SR)),
    "silence-tone-silence": np.concatenate([np.zeros(SR // 2), tone(330.0, 0.5), np.zeros(SR // 2)]),
}
YIN_SETTINGS = [
    dict(frame_length=2048, hop_length=None, fmin=65, fmax=2093, trough_threshold=0.1),
    dict(frame_length=1024, hop_length=256, fmin=80, fmax=1000, trough_threshold=0.2, center=False),
    dict(frame_length=2048, hop_length=512, fmin=40, fmax=4000, trough_threshold=0.05, pad_mode="reflect"),
    dict(frame_length=4096, hop_length=300, fmin=30, fmax=SR / 2, trough_threshold=0.3, pad_mode="edge"),
]


def quiet(function, *args, **kwargs):
    """Call without the 'fewer than two periods' warning some settings trigger on both sides."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return function(*args, **kwargs)


# ----------------------------------------------------------------------------- YIN = librosa.yin


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("setting", YIN_SETTINGS, ids=lambda s: f"L{s['frame_length']}-{s['fmin']}-{s['fmax']:.0f}")
def test_yin_equals_librosa(name, dtype, setting):
    y = SIGNALS[name].astype(dtype)
    ours = quiet(pitch.yin, y, sr=SR, **setting)
    theirs = quiet(librosa.yin, y, sr=SR, **setting)
    assert ours.shape == theirs.shape and ours.dtype == np.float64
    assert relative_error(ours, theirs) <= 1e-5


def test_yin_equals_librosa_on_channels_and_other_rates():
    y = np.stack([tone(220.0), tone(330.0, harmonics=4), np.random.default_rng(3).standard_normal(SR)])
    assert relative_error(pitch.yin(y, fmin=65, fmax=2000), librosa.yin(y, fmin=65, fmax=2000)) <= 1e-5
    y16 = tone(180.0, sr=16000, harmonics=3).astype(np.float32)
    ours = pitch.yin(y16, fmin=60, fmax=1000, sr=16000, hop_length=160)
    assert relative_error(ours, librosa.yin(y16, fmin=60, fmax=1000, sr=16000, hop_length=160)) <= 1e-5


@settings(max_examples=25, deadline=None)
@given(f0=st.floats(80.0, 1000.0), harmonics=st.integers(1, 8), amplitude=st.floats(1e-3, 10.0),
       threshold=st.sampled_from([0.05, 0.1, 0.2]))
def test_yin_finds_the_f0_of_tones_and_agrees_with_librosa(f0, harmonics, amplitude, threshold):
    y = (amplitude * tone(f0, 0.5, harmonics=harmonics)).astype(np.float32)
    ours = pitch.yin(y, fmin=65, fmax=2093, sr=SR, trough_threshold=threshold)
    assert relative_error(ours, librosa.yin(y, fmin=65, fmax=2093, sr=SR, trough_threshold=threshold)) <= 1e-5
    inner = ours[3:-3]                          # frames that see only the tone, no padding
    assert np.all(np.abs(1200 * np.log2(inner / f0)) < 20)


def test_yin_on_silent_frames_returns_the_documented_value():
    y = np.concatenate([np.zeros(4096), tone(440.0, 0.5)])
    f0 = pitch.yin(y, fmin=100, fmax=1000, sr=SR)
    assert f0[0] == pytest.approx(SR / np.floor(SR / 1000))          # documented: about fmax, as librosa
    assert abs(np.median(f0[-5:]) - 440) < 2


def test_yin_finds_a_missing_fundamental():
    y = tone(200.0, harmonics=6, first=2)
    spectrum = np.abs(np.fft.rfft(y))
    assert np.argmax(spectrum) * SR / len(y) == pytest.approx(400, abs=2)
    assert np.median(pitch.yin(y, fmin=65, fmax=2000)) == pytest.approx(200, rel=0.01)


# ----------------------------------------------------------------------------- bad input (all estimators)

ESTIMATORS = [pitch.yin, pitch.autocorrelation_f0, pitch.cepstral_f0]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda f: f.__name__)
def test_f0_estimators_explain_bad_input(estimator):
    y = tone(220.0).astype(np.float32)
    with pytest.raises(AudioError, match="fewer than one frame"):
        estimator(y[:1000], fmin=65, fmax=2000)
    with pytest.raises(AudioError, match="silent"):
        estimator(np.zeros(SR, dtype=np.float32), fmin=65, fmax=2000)
    bad = y.copy()
    bad[100] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        estimator(bad, fmin=65, fmax=2000)
    with pytest.raises(ValueError, match="must be below fmax"):
        estimator(y, fmin=500, fmax=500)
    with pytest.raises(ValueError, match="Nyquist"):
        estimator(y, fmin=65, fmax=12000)
    with pytest.raises(ValueError, match="above 0 Hz"):
        estimator(y, fmin=0, fmax=2000)
    with pytest.raises(ValueError, match="too low for frame_length|too short for the cepstrum"):
        estimator(y, fmin=10, fmax=2000)
    with pytest.raises(ValueError, match="both fmin and fmax"):
        estimator(y, fmin=None, fmax=2000)
    with pytest.raises(ValueError, match="convert them to floating point"):
        estimator((y * 32767).astype(np.int16), fmin=65, fmax=2000)
    with pytest.raises(ValueError, match="pad_mode"):
        estimator(y, fmin=65, fmax=2000, pad_mode="wrap")
    with pytest.raises(ValueError, match="frame_length"):
        estimator(y, fmin=65, fmax=2000, frame_length=0)
    with pytest.raises(ValueError, match="center"):
        estimator(y, fmin=65, fmax=2000, center="yes")
    if estimator is not pitch.cepstral_f0:       # the cepstrum refuses instead (next test)
        with pytest.warns(UserWarning, match="fewer than two"):
            estimator(y, fmin=15, fmax=2000, frame_length=2048)


def test_threshold_arguments_are_checked():
    y = tone(220.0)
    with pytest.raises(ValueError, match="trough_threshold"):
        pitch.yin(y, fmin=65, fmax=2000, trough_threshold=-0.1)
    with pytest.raises(ValueError, match="voicing_threshold"):
        pitch.autocorrelation_f0(y, fmin=65, fmax=2000, voicing_threshold=1.5)
    with pytest.raises(ValueError, match="voicing_threshold"):
        pitch.cepstral_f0(y, fmin=65, fmax=2000, voicing_threshold=float("nan"))


# ----------------------------------------------------------------------------- autocorrelation and cepstrum


@pytest.mark.parametrize("max_size", [None, 1, 17, 500, 10_000])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_autocorrelate_equals_librosa(max_size, dtype):
    x = np.random.default_rng(5).standard_normal((3, 1000)).astype(dtype)
    for axis in (-1, 0):
        ours = pitch.autocorrelate(x, max_size=max_size, axis=axis)
        theirs = librosa.autocorrelate(x, max_size=max_size, axis=axis)
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        assert relative_error(ours, theirs) <= 1e-5


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=60))
def test_autocorrelate_is_the_sum_of_products(values):
    x = np.array(values)
    direct = np.array([np.sum(x[: len(x) - k] * x[k:]) for k in range(len(x))])
    assert np.allclose(pitch.autocorrelate(x), direct, atol=1e-9 * max(1.0, float(np.sum(x**2))))


def test_autocorrelate_rejects_bad_input():
    with pytest.raises(ValueError, match="max_size"):
        pitch.autocorrelate(np.ones(5), max_size=0)
    with pytest.raises(ValueError, match="axis"):
        pitch.autocorrelate(np.ones(5), axis=1)
    with pytest.raises(ValueError, match="empty"):
        pitch.autocorrelate(np.zeros(0))
    assert np.allclose(pitch.autocorrelate(np.array([1, 2, 3])), [14.0, 8.0, 3.0])       # ints work


@settings(max_examples=100, deadline=None)
@given(vertex=st.floats(-0.99, 0.99), curvature=st.floats(0.01, 100.0), sign=st.sampled_from([-1.0, 1.0]),
       level=st.floats(-10.0, 10.0))
def test_parabolic_offset_finds_the_vertex(vertex, curvature, sign, level):
    values = [sign * curvature * (x - vertex) ** 2 + level for x in (-1.0, 0.0, 1.0)]
    assert pitch.parabolic_offset(*values) == pytest.approx(vertex, abs=1e-6)


def test_parabolic_offset_is_zero_when_the_points_are_no_extremum():
    assert pitch.parabolic_offset(0.0, 1.0, 2.0) == 0.0          # a straight line
    assert pitch.parabolic_offset(0.0, 0.0, 0.0) == 0.0          # flat
    out = pitch.parabolic_offset(np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([1.0, 2.0]))
    assert out.tolist() == [0.0, 0.0]


@settings(max_examples=20, deadline=None)
@given(f0=st.floats(80.0, 1000.0), harmonics=st.integers(1, 6))
def test_autocorrelation_f0_finds_tones(f0, harmonics):
    f = pitch.autocorrelation_f0(tone(f0, 0.5, harmonics=harmonics), fmin=65, fmax=2093, sr=SR)
    inner = f[3:-3]
    assert not np.isnan(inner).any()
    assert np.all(np.abs(1200 * np.log2(inner / f0)) < 20)


def test_autocorrelation_f0_marks_silence_and_noise_unvoiced():
    noise = 0.01 * np.random.default_rng(1).standard_normal(SR // 2)
    y = np.concatenate([np.zeros(SR // 2), noise, tone(300.0, 0.5)])
    f = pitch.autocorrelation_f0(y, fmin=65, fmax=2000, sr=SR, hop_length=512)
    times = np.arange(len(f)) * 512 / SR
    assert np.isnan(f[times < 0.95]).all()
    assert abs(np.median(f[times > 1.1]) - 300) < 2
    assert f.shape == pitch.yin(y, fmin=65, fmax=2000, sr=SR, hop_length=512).shape


@pytest.mark.parametrize("f0", [110.0, 150.0, 247.0, 440.0])
def test_cepstral_f0_needs_harmonics(f0):
    rich = pitch.cepstral_f0(tone(f0, harmonics=12), fmin=65, fmax=2000, sr=SR)
    assert np.mean(~np.isnan(rich)) > 0.8
    assert abs(1200 * np.log2(np.nanmedian(rich) / f0)) < 15
    pure = pitch.cepstral_f0(tone(f0), fmin=65, fmax=2000, sr=SR)
    assert np.mean(np.isnan(pure)) > 0.9                      # a sine has no cepstral peak


def test_cepstral_f0_rejects_a_frame_too_short_for_the_range():
    with pytest.raises(ValueError, match="too short for the cepstrum"):
        pitch.cepstral_f0(tone(220.0), fmin=30, fmax=2000, frame_length=1024)


def test_estimators_work_on_channels():
    y = np.stack([tone(220.0, harmonics=5), tone(330.0, harmonics=5)])
    for estimator in ESTIMATORS:
        f = estimator(y, fmin=65, fmax=2000, sr=SR)
        assert f.shape[0] == 2
        assert np.nanmedian(f[0]) == pytest.approx(220, rel=0.01)
        assert np.nanmedian(f[1]) == pytest.approx(330, rel=0.01)


# ----------------------------------------------------------------------------- MIDI numbers


def test_hz_and_midi_convert_like_librosa():
    f = np.geomspace(20, 10000, 50)
    assert np.allclose(pitch.hz_to_midi(f), librosa.hz_to_midi(f))
    m = np.linspace(0, 127, 60)
    assert np.allclose(pitch.midi_to_hz(m), librosa.midi_to_hz(m))
    assert pitch.hz_to_midi(440.0) == 69.0 and isinstance(pitch.midi_to_hz(69), float)
    with pytest.raises(ValueError, match="positive"):
        pitch.hz_to_midi(0.0)
    with pytest.raises(ValueError, match="finite"):
        pitch.midi_to_hz(np.nan)


# ----------------------------------------------------------------------------- semitones and chroma


def test_semitone_filterbank_splits_every_bin_between_two_semitones():
    weights = pitch.semitone_filterbank(sr=SR, n_fft=4096, fmin=65.406, n_bins=72)
    freqs = np.arange(2049) * SR / 4096
    inside = (freqs > pitch.midi_to_hz(36)) & (freqs < pitch.midi_to_hz(36 + 71))
    assert np.allclose(weights[:, inside].sum(axis=0), 1.0)
    assert np.all((weights > 0).sum(axis=0) <= 2)
    a4 = int(round(440 * 4096 / SR))
    assert weights[:, a4].argmax() == 69 - 36


def test_semitone_filterbank_warns_and_refuses():
    with pytest.warns(UserWarning, match="catch no FFT bin"):
        pitch.semitone_filterbank(sr=SR, n_fft=1024, fmin=32.7, n_bins=24)
    with pytest.raises(ValueError, match="Nyquist"):
        pitch.semitone_filterbank(sr=SR, n_fft=4096, fmin=1000.0, n_bins=72)
    with pytest.raises(ValueError, match="tuning"):
        pitch.semitone_filterbank(sr=SR, n_fft=4096, tuning=0.7)


@pytest.mark.parametrize("note", [45, 57, 60, 69, 81])
def test_semitone_spectrogram_and_chroma_find_the_note(note):
    y = tone(pitch.midi_to_hz(note), harmonics=4)
    S = pitch.semitone_spectrogram(y, sr=SR)
    assert S[:, 5:-5].argmax(axis=0).tolist() == [note - 36] * (S.shape[1] - 10)
    C = pitch.chroma(y, sr=SR)
    assert C.shape[0] == 12 and np.all(C[:, 5:-5].argmax(axis=0) == note % 12)
    assert np.allclose(C[:, 5:-5].max(axis=0), 1.0)


@pytest.mark.parametrize("shift", range(1, 12))
def test_transposing_rolls_chroma_and_translates_semitones(shift):
    notes = [55, 59, 62]                                      # a G major chord
    y = sum(tone(pitch.midi_to_hz(m), harmonics=4) for m in notes)
    y_up = sum(tone(pitch.midi_to_hz(m + shift), harmonics=4) for m in notes)
    C, C_up = pitch.chroma(y, sr=SR), pitch.chroma(y_up, sr=SR)
    assert np.corrcoef(np.roll(C, shift, axis=0).ravel(), C_up.ravel())[0, 1] > 0.95
    S, S_up = pitch.semitone_spectrogram(y, sr=SR), pitch.semitone_spectrogram(y_up, sr=SR)
    middle = S.shape[1] // 2
    moved = np.log1p(1e3 * S[:-shift, middle] / S.max())
    assert np.corrcoef(moved, np.log1p(1e3 * S_up[shift:, middle] / S_up.max()))[0, 1] > 0.9


def test_chroma_agrees_with_librosa_on_the_strongest_class():
    rng = np.random.default_rng(7)
    parts = [tone(pitch.midi_to_hz(m), 0.3, harmonics=5) for m in rng.integers(48, 80, 12)]
    y = np.concatenate(parts).astype(np.float32)
    ours = pitch.chroma(y, sr=SR, hop_length=512)
    theirs = librosa.feature.chroma_stft(y=y, sr=SR, n_fft=4096, hop_length=512, tuning=0.0)
    assert ours.shape == theirs.shape
    assert np.mean(ours.argmax(axis=0) == theirs.argmax(axis=0)) > 0.9


def test_chroma_options_silence_and_spectrogram_input():
    y = tone(392.0, harmonics=3)
    power = np.abs(librosa.stft(y, n_fft=4096, hop_length=512)) ** 2
    assert np.allclose(pitch.chroma(S=power, sr=SR), pitch.chroma(y, sr=SR))
    raw = pitch.chroma(y, sr=SR, norm=None)
    unit = pitch.chroma(y, sr=SR, norm=2)
    assert np.allclose(np.linalg.norm(unit[:, 5], axis=0), 1.0) and raw.max() > 1.0
    silent = np.zeros(SR, dtype=np.float32)
    assert np.all(pitch.chroma(silent, sr=SR) == 0)           # documented: silence gives zeros
    assert np.all(pitch.semitone_spectrogram(silent, sr=SR) == 0)
    with pytest.raises(ValueError, match="norm"):
        pitch.chroma(y, sr=SR, norm="max")
    with pytest.raises(AudioError, match="fewer than one frame"):
        pitch.chroma(y[:1000], sr=SR)
    with pytest.raises(ValueError, match="needs audio y or"):
        pitch.chroma(sr=SR)
    with pytest.raises(ValueError, match="power spectrogram"):
        pitch.chroma(S=librosa.stft(y), sr=SR)
