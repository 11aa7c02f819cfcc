"""Synthesis, sampling, aliasing and quantisation helpers (notebook 01)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musiclearn import signals

FAST = settings(max_examples=60, deadline=None, database=None)


def _spectrum(y):
    """Magnitude spectrum normalised so a full-scale sine with a whole number of periods reads 1."""
    return np.abs(np.fft.rfft(y.astype(np.float64))) * 2 / y.size


# -- time axis and tones -------------------------------------------------------------


def test_sample_times():
    t = signals.sample_times(sr=8000, duration=0.5)
    assert t.shape == (4000,) and t.dtype == np.float64
    assert t[0] == 0.0 and t[1] == pytest.approx(1 / 8000) and t[-1] == pytest.approx(3999 / 8000)
    assert signals.sample_times(sr=22050, duration=0.1).size == 2205
    assert signals.sample_times(sr=8000, duration=0.0).size == 0


def test_tone_amplitude_phase_frequency_and_dtype():
    y = signals.tone(441.0, sr=44100, duration=1.0, amplitude=0.5)
    assert y.dtype == np.float32 and y.shape == (44100,)
    assert np.abs(y).max() == pytest.approx(0.5, abs=1e-6)
    spectrum = _spectrum(y)
    assert spectrum.argmax() == 441 and spectrum[441] == pytest.approx(0.5, rel=1e-5)
    cosine = signals.tone(100.0, sr=1000, duration=0.05, phase=np.pi / 2, dtype=np.float64)
    assert cosine.dtype == np.float64
    np.testing.assert_allclose(cosine, np.cos(2 * np.pi * 100 * np.arange(50) / 1000), atol=1e-12)


@FAST
@given(freq=st.floats(0.0, 11025.0), k=st.integers(1, 4))
def test_tones_beyond_nyquist_are_indistinguishable_from_their_alias(freq, k):
    sr = 22050
    base = signals.tone(freq, sr=sr, duration=0.01, dtype=np.float64)
    # Adding whole multiples of sr changes nothing at the sample instants ...
    np.testing.assert_allclose(signals.tone(freq + k * sr, sr=sr, duration=0.01, dtype=np.float64), base, atol=1e-7)
    # ... and k*sr - f is the same tone with its sign flipped.
    np.testing.assert_allclose(signals.tone(k * sr - freq, sr=sr, duration=0.01, dtype=np.float64), -base, atol=1e-7)


@FAST
@given(freq=st.floats(0.0, 2e5), sr=st.sampled_from([8000, 16000, 22050, 44100]))
def test_aliased_frequency_predicts_the_sampled_sinusoid(freq, sr):
    heard = signals.aliased_frequency(freq, sr=sr)
    assert 0.0 <= heard <= sr / 2
    n = np.arange(64)
    np.testing.assert_allclose(
        np.cos(2 * np.pi * freq * n / sr), np.cos(2 * np.pi * heard * n / sr), atol=1e-9 * max(1.0, freq / 1000)
    )


def test_aliased_frequency_examples():
    assert signals.aliased_frequency(1000.0, sr=8000) == 1000.0
    assert signals.aliased_frequency(4000.0, sr=8000) == 4000.0
    assert signals.aliased_frequency(7000.0, sr=8000) == 1000.0
    assert signals.aliased_frequency(-1000.0, sr=8000) == 1000.0
    np.testing.assert_array_equal(signals.aliased_frequency([9000.0, 12000.0, 16000.0], sr=8000), [1000.0, 4000.0, 0.0])


def test_heard_alias_is_where_the_spectrum_peaks():
    sr = 8000
    y = signals.tone(6500.0, sr=sr, duration=1.0)
    assert _spectrum(y).argmax() == signals.aliased_frequency(6500.0, sr=sr) == 1500.0


# -- chirps, square and sawtooth --------------------------------------------------------


@pytest.mark.parametrize("method, scipy_method", [("linear", "linear"), ("exponential", "logarithmic")])
def test_chirp_equals_scipy(method, scipy_method):
    from scipy.signal import chirp

    sr, duration = 8000, 1.5
    ours = signals.chirp(100.0, 3000.0, sr=sr, duration=duration, method=method, dtype=np.float64)
    t = np.arange(int(sr * duration)) / sr
    np.testing.assert_allclose(ours, chirp(t, 100.0, duration, 3000.0, method=scipy_method, phi=-90), atol=1e-8)
    assert signals.chirp(100.0, 3000.0, sr=sr, duration=duration, method=method).dtype == np.float32


def test_chirp_sweeps_from_f0_to_f1():
    sr = 16000
    y = signals.chirp(500.0, 4000.0, sr=sr, duration=2.0, method="exponential")
    start, end = y[:1024] * np.hanning(1024), y[-1024:] * np.hanning(1024)
    freqs = np.fft.rfftfreq(1024, 1 / sr)
    assert freqs[np.abs(np.fft.rfft(start)).argmax()] == pytest.approx(500.0, abs=60)
    assert freqs[np.abs(np.fft.rfft(end)).argmax()] == pytest.approx(4000.0, abs=250)
    # Equal frequency ratios in equal times: the geometric middle (about 1414 Hz) arrives halfway.
    middle = y[16000 - 512 : 16000 + 512] * np.hanning(1024)
    assert freqs[np.abs(np.fft.rfft(middle)).argmax()] == pytest.approx(np.sqrt(500 * 4000), abs=60)


def test_square_and_sawtooth_naive_shapes():
    np.testing.assert_array_equal(signals.square(1.0, sr=8, duration=1.0), [1, 1, 1, 1, -1, -1, -1, -1])
    np.testing.assert_allclose(signals.sawtooth(1.0, sr=4, duration=1.0), [0.0, 0.5, -1.0, -0.5])
    y = signals.square(100.0, sr=8000, duration=1.0, amplitude=0.25)
    assert set(np.unique(y)) == {-0.25, 0.25} and abs(y.mean()) < 1e-6
    saw = signals.sawtooth(100.0, sr=8000, duration=1.0)
    # 80 samples per period step from -1 up to 1 - 2/80: the sampled ramp averages half a step below 0.
    assert saw.min() == pytest.approx(-1.0) and saw.max() == pytest.approx(1 - 2 / 80)
    assert saw.mean() == pytest.approx(-1 / 80, abs=1e-6)


@pytest.mark.parametrize("wave, harmonics", [(signals.square, "odd"), (signals.sawtooth, "all")])
def test_band_limited_waves_have_only_harmonics_below_nyquist(wave, harmonics):
    sr, f = 22050, 1500  # 1 s at 1 Hz per bin: every harmonic falls exactly on a bin
    clean = _spectrum(wave(float(f), sr=sr, duration=1.0, band_limited=True, dtype=np.float64))
    naive = _spectrum(wave(float(f), sr=sr, duration=1.0, dtype=np.float64))
    expected_harmonics = [k for k in range(1, 8) if (harmonics == "all" or k % 2) and k * f < sr / 2]
    scale = 4 / np.pi if wave is signals.square else 2 / np.pi
    for k in expected_harmonics:
        assert clean[k * f] == pytest.approx(scale / k, rel=1e-6)
    others = np.ones(clean.size, dtype=bool)
    others[[k * f for k in expected_harmonics]] = False
    assert clean[others].max() < 1e-9
    # The naive wave's harmonics above Nyquist fold back between the harmonics:
    # 15 * 1500 Hz = 22500 Hz is heard at 450 Hz.
    assert signals.aliased_frequency(15 * f, sr=sr) == 450
    inharmonic = np.ones(naive.size, dtype=bool)
    inharmonic[::f] = False
    assert naive[inharmonic].max() > 1e-3
    assert naive[450] > 1e-3 and clean[450] < 1e-9


def test_band_limited_waves_approach_the_naive_ones_at_low_pitch():
    for wave in (signals.square, signals.sawtooth):
        clean = wave(50.0, sr=22050, duration=0.2, band_limited=True, dtype=np.float64)
        naive = wave(50.0, sr=22050, duration=0.2, dtype=np.float64)
        assert np.corrcoef(clean, naive)[0, 1] > 0.99
    # The Gibbs ripple overshoots the jump from -1 to +1 by about 9 % of its height.
    assert signals.square(50.0, sr=22050, band_limited=True).max() == pytest.approx(1 + 0.0895 * 2, abs=0.01)


def test_n_harmonics_limits_the_sum():
    one = signals.square(200.0, sr=8000, duration=0.1, band_limited=True, n_harmonics=1, dtype=np.float64)
    np.testing.assert_allclose(one, 4 / np.pi * signals.tone(200.0, sr=8000, duration=0.1, dtype=np.float64), atol=1e-12)
    three = _spectrum(signals.sawtooth(100.0, sr=8000, duration=1.0, band_limited=True, n_harmonics=3, dtype=np.float64))
    assert np.count_nonzero(three > 1e-9) == 3


# -- noise, envelopes, clicks, mixing -----------------------------------------------------


def test_noise_is_seedable_and_peak_normalised():
    a = signals.noise(sr=8000, duration=0.5, seed=7)
    assert a.dtype == np.float32 and a.shape == (4000,)
    np.testing.assert_array_equal(a, signals.noise(sr=8000, duration=0.5, seed=7))
    assert not np.array_equal(a, signals.noise(sr=8000, duration=0.5, seed=8))
    np.testing.assert_array_equal(
        signals.noise(sr=8000, duration=0.5, seed=np.random.default_rng(7)), a
    )
    assert np.abs(a).max() == pytest.approx(1.0) and abs(a.mean()) < 1e-6
    quiet = signals.noise(sr=8000, duration=0.5, seed=7, amplitude=0.1, color="pink")
    assert np.abs(quiet).max() == pytest.approx(0.1, rel=1e-6)
    assert signals.noise(sr=8000, duration=0.0).size == 0


@pytest.mark.parametrize("color, slope", [("white", 0.0), ("pink", -1.0), ("brown", -2.0), ("blue", 1.0)])
def test_noise_color_sets_the_spectral_slope(color, slope):
    from scipy.signal import welch

    sr = 16000
    y = signals.noise(sr=sr, duration=8.0, color=color, seed=0, dtype=np.float64)
    freqs, power = welch(y, fs=sr, nperseg=2048)
    band = (freqs >= 50) & (freqs <= 5000)
    fitted = np.polyfit(np.log10(freqs[band]), np.log10(power[band]), 1)[0]
    assert fitted == pytest.approx(slope, abs=0.15)


def test_adsr_breakpoints():
    env = signals.adsr(attack=0.1, decay=0.1, sustain=0.5, release=0.2, sr=1000, duration=1.0, dtype=np.float64)
    assert env.shape == (1000,) and env.dtype == np.float64
    assert env[0] == 0.0 and env[50] == pytest.approx(0.5) and env[100] == pytest.approx(1.0)
    assert env[150] == pytest.approx(0.75) and np.all(env[200:800] == 0.5)
    assert env[900] == pytest.approx(0.25) and env[-1] == pytest.approx(0.5 * 0.001 / 0.2)
    assert env.max() == pytest.approx(1.0) and env.min() >= 0.0
    assert np.all(np.diff(env[:100]) > 0) and np.all(np.diff(env[800:]) < 0)
    instant = signals.adsr(attack=0.0, decay=0.0, sustain=0.8, release=0.0, sr=100, duration=0.5)
    np.testing.assert_allclose(instant, 0.8)


def test_clicks_start_at_the_given_times_and_add_up():
    sr = 8000
    y = signals.clicks([0.1, 0.5], sr=sr, duration=1.0)
    assert y.dtype == np.float32 and y.shape == (8000,)
    nonzero = np.flatnonzero(np.abs(y) > 1e-6)
    assert nonzero[0] == 801  # sin(0) = 0 at the very first sample of a click
    assert np.all(y[:800] == 0) and np.all(y[1600:4000] == 0) and np.any(y[4000:4100] != 0)
    assert signals.clicks([0.2], sr=sr).size == int(0.2 * sr) + int(0.1 * sr)
    double = signals.clicks([0.0, 0.0], sr=sr, duration=0.2)
    np.testing.assert_allclose(double, 2 * signals.clicks([0.0], sr=sr, duration=0.2), rtol=1e-6)
    cut = signals.clicks([0.05, 3.0], sr=sr, duration=0.1)
    assert cut.size == 800 and np.any(cut != 0)


def test_mix_pads_gains_and_normalises():
    a = np.array([0.5, 0.5, 0.5], dtype=np.float32)
    b = np.array([0.25], dtype=np.float32)
    np.testing.assert_allclose(signals.mix(a, b), [0.75, 0.5, 0.5])
    assert signals.mix(a, b).dtype == np.float32
    np.testing.assert_allclose(signals.mix(a, b, gains=[2.0, -4.0]), [0.0, 1.0, 1.0])
    loud = signals.mix(signals.tone(440.0), signals.tone(440.0), normalize=True)
    assert np.abs(loud).max() == pytest.approx(1.0)
    assert signals.mix(a, np.zeros(2)).dtype == np.float64


# -- quantisation -------------------------------------------------------------------------


@pytest.mark.parametrize("bits", [1, 2, 3, 8])
def test_quantize_levels(bits):
    y = np.linspace(-1.2, 1.2, 10001)
    delta = 2.0 / 2**bits
    tread = signals.quantize(y, bits=bits)
    rise = signals.quantize(y, bits=bits, mode="mid-rise")
    assert len(np.unique(tread)) == 2**bits and len(np.unique(rise)) == 2**bits
    np.testing.assert_allclose(tread / delta, np.round(tread / delta), atol=1e-9)
    np.testing.assert_allclose(rise / delta - 0.5, np.round(rise / delta - 0.5), atol=1e-9)
    assert tread.min() == -1.0 and tread.max() == pytest.approx(1.0 - delta)
    assert rise.min() == pytest.approx(-1 + delta / 2) and rise.max() == pytest.approx(1 - delta / 2)
    inside = np.abs(y) <= 1 - delta
    assert np.abs(tread - y)[inside].max() <= delta / 2 + 1e-12
    assert np.abs(rise - y)[inside].max() <= delta / 2 + 1e-12
    assert signals.quantize(np.zeros(3), bits=bits)[0] == 0.0
    assert signals.quantize(np.zeros(3), bits=bits, mode="mid-rise")[0] == pytest.approx(delta / 2)


def test_sixteen_bit_mid_tread_is_pcm():
    y = np.random.default_rng(0).uniform(-1, 1, 10000)
    pcm = np.clip(np.round(y * 32768), -32768, 32767).astype(np.int16)
    np.testing.assert_array_equal(signals.quantize(y, bits=16), pcm / 32768)
    assert signals.quantize(y.astype(np.float32), bits=16).dtype == np.float32


@pytest.mark.parametrize("bits", [6, 8, 12, 16])
@pytest.mark.parametrize("mode", ["mid-tread", "mid-rise"])
def test_measured_quantisation_snr_matches_theory(bits, mode):
    # A full-scale sine whose frequency is not a simple fraction of sr makes the error noise-like.
    y = signals.tone(997.0, sr=44100, duration=1.0, amplitude=1.0 - 2.0**-bits, dtype=np.float64)
    measured = signals.snr_db(y, signals.quantize(y, bits=bits, mode=mode))
    assert measured == pytest.approx(signals.quantization_snr_db(bits), abs=0.5)


def test_quantization_snr_formula():
    assert signals.quantization_snr_db(16) == pytest.approx(98.08)
    assert signals.quantization_snr_db(9) - signals.quantization_snr_db(8) == pytest.approx(6.02)


def test_snr_db():
    clean = np.array([1.0, -1.0, 1.0, -1.0])
    assert signals.snr_db(clean, clean + 0.1) == pytest.approx(20.0)
    assert signals.snr_db(clean, clean) == np.inf
    assert signals.snr_db(clean, 0.5 * clean) == pytest.approx(10 * np.log10(1 / 0.25))


# -- argument checks ------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: signals.tone(440.0, sr=0), "positive sampling rate"),
        (lambda: signals.tone(440.0, sr=-8000), "positive sampling rate"),
        (lambda: signals.tone(440.0, duration=-1.0), "zero or more seconds"),
        (lambda: signals.tone(-440.0), "phase=np.pi"),
        (lambda: signals.tone(np.nan), "finite number"),
        (lambda: signals.tone(440.0, dtype=np.int16), "floating-point"),
        (lambda: signals.sample_times(sr=np.inf), "finite number"),
        (lambda: signals.chirp(0.0, 100.0, method="exponential"), "method='linear'"),
        (lambda: signals.chirp(10.0, 100.0, method="cubic"), "'linear' or 'exponential'"),
        (lambda: signals.chirp(10.0, 100.0, duration=0.0), "positive duration"),
        (lambda: signals.square(100.0, band_limited=True, n_harmonics=0), "n_harmonics"),
        (lambda: signals.noise(color="green"), "Unknown noise color"),
        (lambda: signals.noise(seed=-1), "seed"),
        (lambda: signals.noise(seed="a"), "seed"),
        (lambda: signals.adsr(attack=0.5, decay=0.5, release=0.5, duration=1.0), "longer than duration"),
        (lambda: signals.adsr(sustain=1.5), "between 0 and 1"),
        (lambda: signals.adsr(attack=-0.1), "zero or more seconds"),
        (lambda: signals.clicks([-1.0]), "non-negative"),
        (lambda: signals.clicks([[0.1, 0.2]]), "flat list"),
        (lambda: signals.mix(), "at least one signal"),
        (lambda: signals.mix(np.ones((2, 3))), "mono"),
        (lambda: signals.mix(np.ones(3), gains=[1.0, 2.0]), "one finite number per signal"),
        (lambda: signals.mix(np.array([1.0, np.nan])), "NaN"),
        (lambda: signals.aliased_frequency(100.0, sr=0), "positive sampling rate"),
        (lambda: signals.quantize(np.zeros(3), bits=0), "at least 1"),
        (lambda: signals.quantize(np.zeros(3), bits=8.0), "whole number"),
        (lambda: signals.quantize(np.zeros(3), bits=8, mode="round"), "mid-tread"),
        (lambda: signals.quantize(np.array(["a"]), bits=8), "real numbers"),
        (lambda: signals.quantization_snr_db(0), "at least 1"),
        (lambda: signals.snr_db(np.ones(3), np.ones(4)), "same length"),
        (lambda: signals.snr_db(np.zeros(3), np.ones(3)), "silent"),
    ],
)
def test_bad_arguments_raise_value_error_with_a_sentence(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- dither (notebook 01) --------------------------------------------------------------------


@FAST
@given(
    bits=st.integers(min_value=2, max_value=16),
    values=st.lists(st.floats(min_value=-0.5, max_value=0.5), min_size=1, max_size=200),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    mode=st.sampled_from(["mid-tread", "mid-rise"]),
)
def test_dithered_error_stays_within_one_and_a_half_steps(bits, values, seed, mode):
    y = np.array(values)
    delta = 2.0 / 2**bits
    plain = signals.quantize(y, bits=bits, mode=mode)
    dithered = signals.quantize(y, bits=bits, mode=mode, dither="tpdf", seed=seed)
    inside = np.abs(y) <= 1 - 2.5 * delta   # away from the end levels, where clipping would add to the error
    assert np.abs(plain - y)[inside].max(initial=0) <= delta / 2 + 1e-12
    assert np.abs(dithered - y)[inside].max(initial=0) <= 1.5 * delta + 1e-12
    # the result still sits on the converter's levels
    offset = 0.0 if mode == "mid-tread" else 0.5
    np.testing.assert_allclose(dithered / delta - offset, np.round(dithered / delta - offset), atol=1e-9)


@pytest.mark.parametrize("level", [0.0, 0.3, 1.7, -2.5])   # in steps: silence, between levels, ...
def test_tpdf_error_has_zero_mean_and_a_quarter_step_squared_power_whatever_the_signal(level):
    bits = 8
    delta = 2.0 / 2**bits
    y = np.full(200_000, level * delta)
    error = signals.quantize(y, bits=bits, dither="tpdf", seed=3) - y
    # a constant input is the worst case for plain rounding: its error is a constant, not noise
    assert abs(error.mean()) < 0.01 * delta
    assert np.mean(error**2) == pytest.approx(delta**2 / 4, rel=0.02)   # 3·Δ²/12: rounding Δ²/12 + dither Δ²/6


def test_tpdf_dither_is_triangular_and_seeded():
    y = np.zeros(100_000)
    a = signals.quantize(y, bits=16, dither="tpdf", seed=7)
    np.testing.assert_array_equal(a, signals.quantize(y, bits=16, dither="tpdf", seed=7))
    assert not np.array_equal(a, signals.quantize(y, bits=16, dither="tpdf", seed=8))
    # the dither is two successive uniform draws, as documented, added before rounding
    rng = np.random.default_rng(7)
    delta = 2.0 / 2**16
    d = (rng.uniform(-0.5, 0.5, y.shape) + rng.uniform(-0.5, 0.5, y.shape)) * delta
    np.testing.assert_array_equal(a, signals.quantize(d, bits=16))
    # a triangle on (−Δ, Δ): the middle half of its range holds 3/4 of the values
    assert np.mean(np.abs(d) < delta / 2) == pytest.approx(0.75, abs=0.01)
    assert signals.quantize(y.astype(np.float32), bits=8, dither="tpdf", seed=0).dtype == np.float32


def test_dither_removes_distortion_from_a_quiet_tone():
    sr, bits = 22050, 8
    delta = 2.0 / 2**bits
    x = signals.tone(441.0, sr=sr, duration=1.0, amplitude=3 * delta, dtype=np.float64)
    spectra = {}
    for dither in (None, "tpdf"):
        error = signals.quantize(x, bits=bits, dither=dither, seed=0) - x
        spectra[dither] = np.abs(np.fft.rfft(error)) ** 2
    third = 3 * 441   # 1 Hz bins: the third harmonic sits on bin 1323
    assert spectra[None][third] > 1000 * np.median(spectra[None])      # rounding: a strong 3rd harmonic
    assert spectra["tpdf"][third] < 30 * np.median(spectra["tpdf"])    # dithered: no line stands out


def test_bad_dither_arguments_raise_value_error_with_a_sentence():
    with pytest.raises(ValueError, match="'tpdf'"):
        signals.quantize(np.zeros(3), bits=8, dither="rectangular")
    with pytest.raises(ValueError, match="seed"):
        signals.quantize(np.zeros(3), bits=8, dither="tpdf", seed=-1)
