"""musiclearn.mel agrees with librosa and explains bad arguments."""

from __future__ import annotations

import math
import warnings

import librosa
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musiclearn import mel
from musiclearn.testing import relative_error as rel_err

RNG = np.random.default_rng(1234)


def signal(n: int, seed: int = 0) -> np.ndarray:
    """A decaying 440 Hz tone with noise: a wide dynamic range, float32."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 22050
    return (np.sin(2 * np.pi * 440 * t) * np.exp(-3 * t) + 0.05 * rng.standard_normal(n)).astype(np.float32)


# --------------------------------------------------------------------------- hz <-> mel


@pytest.mark.parametrize("htk", [False, True])
def test_hz_to_mel_and_back_match_librosa(htk):
    f = np.concatenate([np.linspace(0, 20000, 2001), [999.999, 1000.0, 1000.001]])
    assert rel_err(mel.hz_to_mel(f, htk=htk), librosa.hz_to_mel(f, htk=htk)) < 1e-12
    m = np.linspace(0, mel.hz_to_mel(20000.0, htk=htk), 777)
    assert rel_err(mel.mel_to_hz(m, htk=htk), librosa.mel_to_hz(m, htk=htk)) < 1e-12


def test_known_values_of_both_scales():
    # Slaney: linear up to 1 kHz (15 mels), 27 mels per factor 6.4 above it.
    assert mel.hz_to_mel(1000.0) == pytest.approx(15.0)
    assert mel.hz_to_mel(500.0) == pytest.approx(7.5)
    assert mel.hz_to_mel(6400.0) == pytest.approx(15.0 + 27.0)
    # HTK: 2595·log10(1 + f/700) is the same curve as 1127·ln(1 + f/700) (seed myth 6).
    for f in [100.0, 1000.0, 8000.0]:
        assert mel.hz_to_mel(f, htk=True) == pytest.approx(2595 * math.log10(1 + f / 700))
        assert mel.hz_to_mel(f, htk=True) == pytest.approx(1127 * math.log(1 + f / 700), rel=1e-4)
    assert mel.mel_to_hz(15.0) == pytest.approx(1000.0)


def test_scalars_give_floats_and_arrays_keep_their_shape_and_dtype():
    assert isinstance(mel.hz_to_mel(440), float)
    assert isinstance(mel.mel_to_hz(3.0, htk=True), float)
    assert isinstance(mel.hz_to_mel(np.float32(3000.0)), float)
    grid = np.array([[100.0, 2000.0], [5000.0, 0.0]])
    assert mel.hz_to_mel(grid).shape == (2, 2)
    assert mel.mel_to_hz(mel.hz_to_mel(grid)).shape == (2, 2)
    assert mel.hz_to_mel(grid.astype(np.float32)).dtype == np.float32
    assert mel.hz_to_mel([100, 200]).dtype == np.float64
    np.testing.assert_allclose(mel.hz_to_mel([100, 2000]), [mel.hz_to_mel(100.0), mel.hz_to_mel(2000.0)])


def test_hz_to_mel_rejects_non_numbers():
    with pytest.raises(ValueError, match="complex"):
        mel.hz_to_mel(np.array([1 + 2j]))
    with pytest.raises(ValueError, match="numbers"):
        mel.hz_to_mel("440 Hz")


@settings(max_examples=200, deadline=None)
@given(
    f=st.floats(min_value=0.0, max_value=96000.0, allow_nan=False),
    htk=st.booleans(),
)
def test_hz_mel_round_trip(f, htk):
    m = mel.hz_to_mel(f, htk=htk)
    assert mel.mel_to_hz(m, htk=htk) == pytest.approx(f, rel=1e-9, abs=1e-9)
    assert m == pytest.approx(librosa.hz_to_mel(f, htk=htk), rel=1e-12, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    centi_hz=st.lists(st.integers(min_value=0, max_value=5_000_000), min_size=2, max_size=20, unique=True),
    htk=st.booleans(),
)
def test_mel_scale_is_increasing(centi_hz, htk):
    fs = np.sort(np.array(centi_hz)) / 100.0  # distinct frequencies at least 0.01 Hz apart
    assert np.all(np.diff(mel.hz_to_mel(fs, htk=htk)) > 0)


def test_mel_frequencies_match_librosa():
    for htk in (False, True):
        for n, fmin, fmax in [(128, 0.0, 11025.0), (10, 30.0, 8000.0), (1, 0.0, 100.0)]:
            ours = mel.mel_frequencies(n, fmin=fmin, fmax=fmax, htk=htk)
            assert rel_err(ours, librosa.mel_frequencies(n_mels=n, fmin=fmin, fmax=fmax, htk=htk)) < 1e-12
    f = mel.mel_frequencies(40, fmin=20.0, fmax=8000.0)
    assert f[0] == pytest.approx(20.0) and f[-1] == pytest.approx(8000.0)
    # Equally spaced in mels, not in Hz.
    assert np.allclose(np.diff(mel.hz_to_mel(f)), np.diff(mel.hz_to_mel(f))[0])
    assert not np.allclose(np.diff(f), np.diff(f)[0])


def test_fft_frequencies():
    np.testing.assert_allclose(mel.fft_frequencies(sr=8000, n_fft=8), [0, 1000, 2000, 3000, 4000])
    np.testing.assert_allclose(mel.fft_frequencies(sr=22050, n_fft=1000), librosa.fft_frequencies(sr=22050, n_fft=1000))


# --------------------------------------------------------------------------- one triangle


def test_triangle_is_one_linear_filter():
    f = np.linspace(0, 400, 401)
    w = mel.triangle(f, lower=100.0, center=150.0, upper=300.0)
    assert w[150] == pytest.approx(1.0)
    assert w[125] == pytest.approx(0.5)
    assert w[225] == pytest.approx(0.5)
    assert np.all(w[:101] == 0) and np.all(w[300:] == 0)
    assert np.all(w >= 0) and w.max() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="increasing order"):
        mel.triangle(f, lower=200.0, center=150.0, upper=300.0)


def test_filterbank_rows_are_triangles_between_neighbouring_mel_frequencies():
    sr, n_fft, n_mels = 16000, 512, 20
    corners = mel.mel_frequencies(n_mels + 2, fmin=0.0, fmax=sr / 2)
    bins = mel.fft_frequencies(sr=sr, n_fft=n_fft)
    M = mel.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, norm=None)
    for i in (0, 7, n_mels - 1):
        expected = mel.triangle(bins, lower=corners[i], center=corners[i + 1], upper=corners[i + 2])
        np.testing.assert_allclose(M[i], expected, rtol=1e-6, atol=1e-7)


# --------------------------------------------------------------------------- filterbank


@pytest.mark.parametrize("sr", [8000, 22050, 44100])
@pytest.mark.parametrize("n_fft", [256, 512, 1000, 2048])
def test_mel_filterbank_matches_librosa(sr, n_fft):
    checked = 0
    for n_mels in (20, 40, 128):
        for htk in (False, True):
            for norm in ("slaney", None):
                for fmin, fmax in [(0.0, None), (60.0, 0.45 * sr)]:
                    kw = dict(sr=sr, n_fft=n_fft, n_mels=n_mels, htk=htk, norm=norm, fmin=fmin, fmax=fmax)
                    with warnings.catch_warnings(record=True) as ours_warned:
                        warnings.simplefilter("always")
                        ours = mel.mel_filterbank(**kw)
                    with warnings.catch_warnings(record=True) as theirs_warned:
                        warnings.simplefilter("always")
                        theirs = librosa.filters.mel(**kw)
                    assert ours.dtype == theirs.dtype == np.float32
                    assert ours.shape == (n_mels, 1 + n_fft // 2)
                    assert rel_err(ours, theirs) <= 1e-5, kw
                    # Both warn about empty filters in exactly the same cases.
                    assert bool(ours_warned) == bool(theirs_warned), kw
                    checked += 1
    assert checked == 24


@pytest.mark.parametrize("norm", [1, 2, 3.5, np.inf])
def test_mel_filterbank_numeric_norms_match_librosa(norm):
    ours = mel.mel_filterbank(sr=22050, n_fft=2048, n_mels=64, norm=norm)
    theirs = librosa.filters.mel(sr=22050, n_fft=2048, n_mels=64, norm=norm)
    assert rel_err(ours, theirs) <= 1e-5
    if norm == np.inf:
        np.testing.assert_allclose(ours.max(axis=1), 1.0, rtol=1e-6)
    else:
        np.testing.assert_allclose(np.sum(np.abs(ours) ** norm, axis=1) ** (1 / norm), 1.0, rtol=1e-5)


def test_slaney_norm_gives_every_filter_the_same_area():
    sr, n_fft = 22050, 8192
    M = mel.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=40, dtype=np.float64)
    bin_width = sr / n_fft
    # Area in Hz of each triangle (peak 2/width times width/2) is 1.
    np.testing.assert_allclose(M.sum(axis=1) * bin_width, 1.0, rtol=0.02)


def test_mel_filterbank_dtype_and_fresh_copies():
    M64 = mel.mel_filterbank(sr=22050, n_fft=512, n_mels=20, dtype=np.float64)
    assert M64.dtype == np.float64
    assert rel_err(M64, librosa.filters.mel(sr=22050, n_fft=512, n_mels=20, dtype=np.float64)) < 1e-12
    a = mel.mel_filterbank(sr=22050, n_fft=512, n_mels=20)
    a[:] = 0  # the caller owns the result: this must not change the next one
    b = mel.mel_filterbank(sr=22050, n_fft=512, n_mels=20)
    assert b.max() > 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(sr=22050, n_fft=2048, fmax=12000.0), "Nyquist"),
        (dict(sr=22050, n_fft=2048, fmin=5000.0, fmax=4000.0), "fmin=5000.0 Hz must be below fmax"),
        (dict(sr=22050, n_fft=2048, fmin=11025.0), "must be below fmax"),
        (dict(sr=22050, n_fft=2048, n_mels=0), "n_mels must be a positive integer"),
        (dict(sr=22050, n_fft=2048, n_mels=-3), "n_mels must be a positive integer"),
        (dict(sr=22050, n_fft=2048, n_mels=12.5), "n_mels must be a positive integer"),
        (dict(sr=22050, n_fft=0), "n_fft must be a positive integer"),
        (dict(sr=0, n_fft=2048), "sr must be a positive"),
        (dict(sr=22050, n_fft=2048, fmin=-10.0), "negative"),
        (dict(sr=22050, n_fft=2048, fmax="8 kHz"), "fmax must be a frequency in Hz"),
        (dict(sr=22050, n_fft=2048, fmin=float("nan")), "fmin must be a frequency in Hz"),
        (dict(sr=22050, n_fft=2048, norm="l2"), "norm must be 'slaney', None or a positive number"),
        (dict(sr=22050, n_fft=2048, norm=-1), "norm must be"),
        (dict(sr=22050, n_fft=2048, dtype=np.int32), "floating"),
    ],
)
def test_mel_filterbank_explains_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mel.mel_filterbank(**kwargs)


def test_empty_filters_warn_and_say_what_to_do():
    with pytest.warns(UserWarning, match=r"Lower n_mels or raise n_fft") as record:
        M = mel.mel_filterbank(sr=22050, n_fft=256, n_mels=128)
    assert "n_fft=256" in str(record[0].message)
    assert record[0].filename == __file__  # points at the caller, not at musiclearn
    assert np.any(M.max(axis=1) == 0)
    with pytest.warns(UserWarning, match="Empty filters"):
        librosa.filters.mel(sr=22050, n_fft=256, n_mels=128)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mel.mel_filterbank(sr=22050, n_fft=2048, n_mels=128)  # enough resolution: no warning


# --------------------------------------------------------------------------- mel spectrogram


def test_melspectrogram_matches_librosa(stft_case, matches_librosa):
    n_fft, hop, center = stft_case
    for n in (3001, n_fft + 1, n_fft // 2 + 3, 100):
        matches_librosa(mel.melspectrogram, librosa.feature.melspectrogram, signal(n, seed=n),
                        sr=22050, n_fft=n_fft, hop_length=hop, center=center, n_mels=40)


def test_melspectrogram_options_match_librosa():
    y = signal(22050)
    for kw in [
        dict(power=1.0),
        dict(win_length=1024, window="hamming"),
        dict(fmin=80.0, fmax=7600.0, htk=True, norm=None, n_mels=80),
        dict(pad_mode="reflect"),
        dict(sr=16000, n_fft=400, hop_length=160, n_mels=64),
    ]:
        assert rel_err(mel.melspectrogram(y, **kw), librosa.feature.melspectrogram(y=y, **kw)) <= 1e-5, kw


def test_melspectrogram_of_a_stereo_signal_has_one_per_channel():
    y = np.stack([signal(10000, seed=1), 0.1 * signal(10000, seed=2)])
    ours = mel.melspectrogram(y, sr=22050, n_mels=64)
    theirs = librosa.feature.melspectrogram(y=y, sr=22050, n_mels=64)
    assert ours.shape == theirs.shape == (2, 64, 1 + 10000 // 512)
    assert rel_err(ours, theirs) <= 1e-5
    np.testing.assert_allclose(ours[1], mel.melspectrogram(y[1], sr=22050, n_mels=64), rtol=1e-5)


def test_melspectrogram_from_a_power_spectrogram():
    y = signal(8000)
    S = np.abs(librosa.stft(y, n_fft=1024, hop_length=256)) ** 2
    # n_fft is read from S's shape, as librosa does.
    ours = mel.melspectrogram(S=S, sr=22050, n_mels=32)
    theirs = librosa.feature.melspectrogram(S=S, sr=22050, n_mels=32)
    assert ours.shape == (32, S.shape[1])
    assert rel_err(ours, theirs) <= 1e-5
    assert rel_err(ours, mel.melspectrogram(y, sr=22050, n_fft=1024, hop_length=256, n_mels=32)) <= 1e-5


def test_a_tone_lights_the_mel_band_around_its_frequency():
    sr = 22050
    y = np.sin(2 * np.pi * 3000.0 * np.arange(sr) / sr).astype(np.float32)
    M = mel.melspectrogram(y, sr=sr, n_mels=64)
    centres = mel.mel_frequencies(66, fmin=0.0, fmax=sr / 2)[1:-1]
    loudest = int(np.argmax(M.mean(axis=1)))
    assert abs(centres[loudest] - 3000.0) < (centres[loudest + 1] - centres[loudest - 1])


def test_melspectrogram_explains_bad_arguments():
    y = signal(4000)
    with pytest.raises(ValueError, match="either audio y or a spectrogram S"):
        mel.melspectrogram()
    with pytest.raises(ValueError, match="complex"):
        mel.melspectrogram(S=librosa.stft(y))
    with pytest.raises(ValueError, match="shape"):
        mel.melspectrogram(S=np.ones(10))
    with pytest.raises(ValueError, match="unknown keyword"):
        mel.melspectrogram(y, n_mel=40)
    with pytest.raises(ValueError, match="power must be a positive number"):
        mel.melspectrogram(y, power=0)
    with pytest.raises(ValueError, match="Nyquist"):
        mel.melspectrogram(y, sr=8000, fmax=5000.0)
    # Bad audio is refused by musiclearn.stft with a sentence, not a NumPy traceback.
    with pytest.raises(ValueError, match="floating point"):
        mel.melspectrogram((y * 32767).astype(np.int16))
    with pytest.raises(ValueError, match="NaN"):
        mel.melspectrogram(np.full(4000, np.nan, dtype=np.float32))
