"""STFT, inverse STFT and dB scaling, checked against the definition and against librosa (notebook 04)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import librosa

from musiclearn import stft as ml
from musiclearn import windows

FAST = settings(max_examples=40, deadline=None, database=None)


def _signal(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


def _assert_close_to_librosa(ours, theirs, rel=1e-5):
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    scale = max(float(np.abs(theirs).max()), np.finfo(np.float32).tiny)
    assert float(np.abs(ours - theirs).max()) <= rel * scale


def _both(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # librosa's and our short-signal warnings
        return getattr(ml, function)(*args, **kwargs), getattr(librosa, function)(*args, **kwargs)


# -- agreement with librosa ------------------------------------------------------------

GRID = [
    (n_fft, hop, center, pad_mode)
    for n_fft in (256, 512, 1000, 2048)
    for hop in (64, 256, 512)
    for center in (True, False)
    for pad_mode in ("constant", "reflect")
    # librosa accepts hop_length > n_fft (its frames then skip samples); ours refuses, tested below.
    if hop <= n_fft
]


@pytest.mark.parametrize("n_fft, hop, center, pad_mode", GRID)
def test_stft_matches_librosa_float32_grid(n_fft, hop, center, pad_mode):
    y = _signal(4001)  # odd length
    ours, theirs = _both("stft", y, n_fft=n_fft, hop_length=hop, center=center, pad_mode=pad_mode)
    assert ours.dtype == np.complex64 and ours.shape[-2] == 1 + n_fft // 2
    _assert_close_to_librosa(ours, theirs)


@pytest.mark.parametrize("n", [1, 2, 100, 255, 511, 1025, 2047])
@pytest.mark.parametrize("pad_mode", ["constant", "reflect", "edge"])
def test_stft_of_signals_shorter_than_n_fft_matches_librosa(n, pad_mode):
    y = _signal(n, seed=n)
    with pytest.warns(UserWarning, match="longer than the signal"):
        ml.stft(y, n_fft=2048, hop_length=256, pad_mode=pad_mode)
    ours, theirs = _both("stft", y, n_fft=2048, hop_length=256, pad_mode=pad_mode)
    _assert_close_to_librosa(ours, theirs)


@pytest.mark.parametrize("shape", [(2, 3001), (2, 3, 1500), (1, 777)])
@pytest.mark.parametrize("center", [True, False])
def test_stft_of_multichannel_input_matches_librosa(shape, center):
    y = _signal(shape, seed=len(shape))
    ours, theirs = _both("stft", y, n_fft=512, hop_length=128, center=center)
    assert ours.shape[:-2] == shape[:-1]
    _assert_close_to_librosa(ours, theirs)
    # Channels are independent: each equals the transform of that channel alone.
    np.testing.assert_allclose(ours[(0,) * (len(shape) - 1)], ml.stft(y[(0,) * (len(shape) - 1)], n_fft=512, hop_length=128, center=center))


@pytest.mark.parametrize("win_length", [100, 255, 256, 400, 511])
@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "boxcar"])
def test_stft_with_short_windows_and_other_shapes_matches_librosa(win_length, window):
    y = _signal(3000, seed=win_length)
    ours, theirs = _both("stft", y, n_fft=512, hop_length=100, win_length=win_length, window=window)
    _assert_close_to_librosa(ours, theirs)


@pytest.mark.parametrize(
    "window",
    [("kaiser", 8.0), "triang", lambda n: np.hanning(n + 2)[1:-1], np.linspace(0.1, 1.0, 400)],
    ids=["kaiser-tuple", "scipy-name", "callable", "array"],
)
def test_stft_accepts_the_window_specs_librosa_accepts(window):
    y = _signal(3000, np.float64)
    ours, theirs = _both("stft", y, n_fft=512, hop_length=128, win_length=400, window=window)
    _assert_close_to_librosa(ours, theirs, rel=1e-12)


def test_stft_defaults_and_float64_precision_match_librosa():
    y = _signal(22050, np.float64)
    ours, theirs = _both("stft", y)
    assert ours.shape == (1025, 1 + 22050 // 512) and ours.dtype == np.complex128
    _assert_close_to_librosa(ours, theirs, rel=1e-12)
    half = ml.stft(np.ones(5000, dtype=np.float16), n_fft=256)
    assert half.dtype == np.complex64


def test_stft_columns_are_windowed_frame_spectra():
    """The definition: frame t is y[t*hop : t*hop + n_fft] of the padded signal, times the window, FFT'd."""
    y = _signal(2000, np.float64)
    n_fft, hop = 256, 96
    D = ml.stft(y, n_fft=n_fft, hop_length=hop, window="hamming")
    padded = np.pad(y, n_fft // 2)
    w = windows.get_window("hamming", n_fft)
    for t in (0, 1, 7, D.shape[1] - 1):
        expected = np.fft.rfft(w * padded[t * hop : t * hop + n_fft])
        np.testing.assert_allclose(D[:, t], expected, atol=1e-10)
    frames = windows.frame(y, frame_length=n_fft, hop_length=hop)
    uncentred = ml.stft(y, n_fft=n_fft, hop_length=hop, window="hamming", center=False)
    np.testing.assert_allclose(uncentred, np.fft.rfft(frames * w[:, None], axis=0), atol=1e-10)


def test_a_tone_peaks_in_its_bin_in_every_frame():
    sr, n_fft = 22050, 2048
    t = np.arange(sr) / sr
    y = np.sin(2 * np.pi * 440.0 * t).astype(np.float32)
    S = np.abs(ml.stft(y, n_fft=n_fft, hop_length=512))
    interior = S[:, 4:-4]
    assert np.all(interior.argmax(axis=0) == round(440 * n_fft / sr))


# -- inverse STFT -------------------------------------------------------------------------

ISTFT_CASES = [
    dict(n_fft=512, hop_length=128),
    dict(n_fft=512, hop_length=256),
    dict(n_fft=1000, hop_length=250, win_length=800),
    dict(n_fft=2048, hop_length=512),
    dict(n_fft=255, hop_length=64),
]


@pytest.mark.parametrize("kwargs", ISTFT_CASES)
@pytest.mark.parametrize("center", [True, False])
@pytest.mark.parametrize("use_length", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_istft_matches_librosa(kwargs, center, use_length, dtype):
    y = _signal(5001, dtype, seed=kwargs["n_fft"])
    D = librosa.stft(y, center=center, **kwargs)
    length = y.size if use_length else None
    ours = ml.istft(D, center=center, length=length, **kwargs)
    theirs = librosa.istft(D, center=center, length=length, **kwargs)
    _assert_close_to_librosa(ours, theirs, rel=1e-5 if dtype == np.float32 else 1e-10)


def test_istft_of_stereo_and_padded_lengths_matches_librosa():
    y = _signal((2, 3000), np.float64)
    D = librosa.stft(y, n_fft=512, hop_length=128)
    for length in (None, 100, 3000, 3500):
        ours, theirs = _both("istft", D, hop_length=128, length=length)
        _assert_close_to_librosa(ours, theirs, rel=1e-10)
    longer = ml.istft(D, hop_length=128, length=3500)
    np.testing.assert_allclose(longer[:, :3000], y, atol=1e-9)
    # The last frame is centred on sample 23 * 128 = 2944 and reaches 2944 + 256 = 3200; after it, zeros.
    np.testing.assert_allclose(longer[:, 3000:3200], 0.0, atol=1e-9)
    assert np.all(longer[:, 3200:] == 0.0)


@pytest.mark.parametrize("kwargs", ISTFT_CASES)
@pytest.mark.parametrize("center", [True, False])
def test_istft_reconstructs_the_signal(kwargs, center):
    y = _signal(6000, np.float64, seed=3)
    if not center:
        # Without padding the first and last samples get (almost) no window weight; zeros there keep them exact.
        y[: kwargs["n_fft"]] = 0
        y[-kwargs["n_fft"] :] = 0
    D = ml.stft(y, center=center, **kwargs)
    y_back = ml.istft(D, center=center, length=y.size, **kwargs)
    assert y_back.dtype == np.float64 and y_back.shape == y.shape
    assert np.abs(y_back - y).max() < 1e-6
    y32 = y.astype(np.float32)
    back32 = ml.istft(ml.stft(y32, center=center, **kwargs), center=center, length=y.size, **kwargs)
    # float32 rounding noise is divided by the tiny window weight next to the
    # zeroed edges, so in single precision only the fully overlapped part is exact.
    inner = slice(None) if center else slice(kwargs["n_fft"], -kwargs["n_fft"])
    assert back32.dtype == np.float32 and np.abs(back32 - y32)[inner].max() < 1e-5


@FAST
@given(
    n=st.integers(1, 3000),
    log_n_fft=st.integers(4, 10),
    overlap=st.sampled_from([2, 4, 8]),
    seed=st.integers(0, 2**32 - 1),
)
def test_istft_inverts_stft_for_any_length(n, log_n_fft, overlap, seed):
    n_fft = 2**log_n_fft
    hop = n_fft // overlap
    y = _signal(n, np.float64, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        D = ml.stft(y, n_fft=n_fft, hop_length=hop)
    y_back = ml.istft(D, n_fft=n_fft, hop_length=hop, length=n)
    np.testing.assert_allclose(y_back, y, atol=1e-9)


# -- identities ---------------------------------------------------------------------------


@FAST
@given(a=st.floats(-10, 10), b=st.floats(-10, 10), seed=st.integers(0, 2**32 - 1), n=st.integers(64, 2000))
def test_stft_is_linear(a, b, seed, n):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(2, n))
    left = ml.stft(a * x + b * y, n_fft=64, hop_length=16)
    right = a * ml.stft(x, n_fft=64, hop_length=16) + b * ml.stft(y, n_fft=64, hop_length=16)
    np.testing.assert_allclose(left, right, atol=1e-10 * (abs(a) + abs(b) + 1) * 64)


def _one_sided_energy(D, n_fft):
    """Energy of the frames from the one-sided spectrum (Parseval): interior bins count twice."""
    weight = np.full(D.shape[-2], 2.0)
    weight[0] = 1.0
    if n_fft % 2 == 0:
        weight[-1] = 1.0
    return float(np.sum(weight[:, None] * np.abs(D) ** 2) / n_fft)


@FAST
@given(frames=st.integers(1, 20), log_n_fft=st.integers(3, 9), seed=st.integers(0, 2**32 - 1))
def test_parseval_with_rectangular_frames_that_tile_the_signal(frames, log_n_fft, seed):
    n_fft = 2**log_n_fft
    y = _signal(frames * n_fft, np.float64, seed=seed)
    D = ml.stft(y, n_fft=n_fft, hop_length=n_fft, window="rectangular", center=False)
    assert _one_sided_energy(D, n_fft) == pytest.approx(float(np.sum(y**2)), rel=1e-9)


@FAST
@given(n_fft=st.integers(8, 300), seed=st.integers(0, 2**32 - 1))
def test_parseval_per_frame_for_any_window_and_odd_n_fft(n_fft, seed):
    y = _signal(3 * n_fft, np.float64, seed=seed)
    hop = max(1, n_fft // 3)
    D = ml.stft(y, n_fft=n_fft, hop_length=hop, window="blackman", center=False)
    frames = windows.frame(y, frame_length=n_fft, hop_length=hop) * windows.get_window("blackman", n_fft)[:, None]
    assert _one_sided_energy(D, n_fft) == pytest.approx(float(np.sum(frames**2)), rel=1e-9)


def test_hann_at_75_percent_overlap_spreads_energy_by_the_cola_constant():
    """Sum over frames of w**2 is 1.5 for periodic Hann at hop n/4, so total STFT energy is 1.5x the signal's."""
    n_fft = 256
    assert windows.is_cola("hann", n=n_fft, hop=n_fft // 4, power=2)
    y = _signal(20 * n_fft, np.float64, seed=5)
    y[:n_fft] = y[-n_fft:] = 0  # keep the edges, where fewer frames overlap, silent
    D = ml.stft(y, n_fft=n_fft, hop_length=n_fft // 4)
    assert _one_sided_energy(D, n_fft) == pytest.approx(1.5 * np.sum(y**2), rel=1e-9)


# -- decibels and magnitude/phase ---------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [dict(), dict(ref=np.max), dict(ref=0.5, top_db=None), dict(amin=1e-3, top_db=40.0), dict(ref=np.median)],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_db_conversions_match_librosa(kwargs, dtype):
    S = np.abs(ml.stft(_signal(4000, dtype), n_fft=512))
    S[:, :3] = 0.0  # silent frames exercise amin
    for name, data in (("amplitude_to_db", S), ("power_to_db", S**2)):
        ours, theirs = _both(name, data, **kwargs)
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-4)
    db = ml.power_to_db(S**2, top_db=None)
    for name, data in (("db_to_power", db), ("db_to_amplitude", db)):
        ours, theirs = _both(name, data, ref=2.0)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_db_round_trips_and_clipping():
    S = np.array([1.0, 0.5, 1e-3, 1e-9])
    np.testing.assert_allclose(ml.db_to_amplitude(ml.amplitude_to_db(S, top_db=None, amin=1e-12)), S, rtol=1e-9)
    np.testing.assert_allclose(ml.db_to_power(ml.power_to_db(S, top_db=None, amin=1e-12)), S, rtol=1e-9)
    db = ml.amplitude_to_db(S, ref=np.max, top_db=40.0)
    np.testing.assert_allclose(db, [0.0, 20 * np.log10(0.5), -40.0, -40.0])
    assert ml.power_to_db(np.array([2.0]), ref=2.0)[0] == 0.0
    assert float(ml.power_to_db(10.0)) == pytest.approx(10.0)


def test_complex_input_to_db_warns_and_uses_the_magnitude():
    D = np.array([3 + 4j, 0.3 + 0.4j])
    with pytest.warns(UserWarning, match="phase is discarded"):
        db = ml.amplitude_to_db(D)
    np.testing.assert_allclose(db, 20 * np.log10([5.0, 0.5]))
    with pytest.warns(UserWarning, match="phase is discarded"):
        ml.power_to_db(D)


def test_magphase_matches_librosa_and_recombines():
    D = ml.stft(_signal(3000), n_fft=256)
    D[:, 0] = 0
    for power in (1, 2):
        (S, P), (S_l, P_l) = _both("magphase", D, power=power)
        assert S.dtype == S_l.dtype == np.float32 and P.dtype == P_l.dtype == np.complex64
        np.testing.assert_allclose(S, S_l, rtol=1e-6)
        np.testing.assert_allclose(P, P_l, atol=1e-6)
    S, P = ml.magphase(D)
    np.testing.assert_allclose(S * P, D, atol=1e-5)
    np.testing.assert_allclose(np.abs(P), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(P[:, 0], 1.0)


# -- bad input ------------------------------------------------------------------------------

y_ok = np.zeros(4096, dtype=np.float32)


@pytest.mark.parametrize(
    "y, kwargs, message",
    [
        (np.array([0.0, np.nan] * 2048), {}, "NaN or infinite"),
        (np.array([0.0, np.inf] * 2048), {}, "NaN or infinite"),
        (np.zeros(0, dtype=np.float32), {}, "empty"),
        (np.zeros((2, 0), dtype=np.float32), {}, "empty"),
        (np.float32(1.0), {}, "not a single number"),
        (np.zeros(4096, dtype=np.int16), {}, r"convert them to floating point.*astype\(np.float32\)"),
        (np.zeros(4096, dtype=bool), {}, "convert them to floating point"),
        (np.zeros(4096, dtype=np.complex64), {}, "real floating-point"),
        (np.array(["a"] * 4096), {}, "real floating-point"),
        (y_ok, dict(n_fft=0), "positive integer"),
        (y_ok, dict(n_fft=-512), "positive integer"),
        (y_ok, dict(n_fft=512.0), "whole number"),
        (y_ok, dict(hop_length=0), "positive integer"),
        (y_ok, dict(hop_length=-1), "positive integer"),
        (y_ok, dict(n_fft=512, hop_length=513), "skip samples"),
        (y_ok, dict(n_fft=512, win_length=1024), "win_length <= n_fft"),
        (y_ok, dict(n_fft=512, win_length=0), "positive integer"),
        (y_ok, dict(n_fft=512, win_length=3), "pass hop_length"),
        (np.zeros(1000, dtype=np.float32), dict(n_fft=2048, center=False), "fewer than n_fft"),
        (y_ok, dict(pad_mode="wrap"), "pad_mode"),
        (y_ok, dict(window="not-a-window"), "Unknown window"),
        (y_ok, dict(n_fft=512, window=np.ones(100)), "exactly 512 samples"),
        (y_ok, dict(n_fft=512, window=lambda n: np.ones(n + 1)), "512 finite samples"),
        (y_ok, dict(center="yes"), "True or False"),
    ],
)
def test_stft_rejects_bad_input_with_a_sentence(y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ml.stft(y, **kwargs)


def test_stft_short_signal_error_with_center_false_says_what_to_do():
    with pytest.raises(ValueError, match="use center=True, a smaller n_fft, or pad"):
        ml.stft(np.zeros(100), n_fft=256, center=False)


D_ok = np.zeros((257, 10), dtype=np.complex64)


@pytest.mark.parametrize(
    "D, kwargs, message",
    [
        (D_ok, dict(n_fft=1024), "pass the n_fft that made the STFT"),
        (D_ok, dict(length=0), "positive integer"),
        (D_ok, dict(hop_length=600), "skip samples"),
        (np.zeros((257, 0), dtype=np.complex64), {}, "no frames"),
        (np.zeros(257, dtype=np.complex64), {}, "shape"),
        (np.zeros((1, 5), dtype=np.complex64), {}, "pass n_fft"),
        (np.full((257, 4), np.nan, dtype=np.complex64), {}, "NaN or infinite"),
        (np.zeros((257, 4), dtype=bool), {}, "complex STFT"),
    ],
)
def test_istft_rejects_bad_input_with_a_sentence(D, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ml.istft(D, **kwargs)


def test_istft_accepts_odd_n_fft_when_told():
    y = _signal(3000, np.float64)
    D = ml.stft(y, n_fft=255, hop_length=64)
    assert D.shape[0] == 128
    np.testing.assert_allclose(ml.istft(D, n_fft=255, hop_length=64, length=3000), y, atol=1e-9)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ml.power_to_db(np.ones(3), amin=0.0), "amin"),
        (lambda: ml.amplitude_to_db(np.ones(3), amin=-1.0), "amin"),
        (lambda: ml.power_to_db(np.ones(3), top_db=-10.0), "top_db"),
        (lambda: ml.power_to_db(np.array(["a"])), "numbers"),
        (lambda: ml.magphase(np.ones(3), power=0), "positive number"),
        (lambda: ml.magphase(np.array(["a"])), "complex spectrogram"),
    ],
)
def test_db_and_magphase_reject_bad_options(call, message):
    with pytest.raises(ValueError, match=message):
        call()
