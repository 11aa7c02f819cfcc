"""DFT as a matrix, radix-2 FFT, bin frequencies and zero padding (notebook 03)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from musiclearn import fourier

FAST = settings(max_examples=60, deadline=None, database=None)
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def real_signals(min_size=1, max_size=64):
    return hnp.arrays(np.float64, st.integers(min_size, max_size), elements=finite)


def power_of_two_signals(max_exponent=10):
    return st.integers(0, max_exponent).flatmap(lambda e: hnp.arrays(np.float64, 2**e, elements=finite))


def _tol(x):
    return 1e-9 * max(1.0, float(np.abs(x).sum()))


def test_dft_matrix_entries_and_orthogonality():
    W = fourier.dft_matrix(8)
    assert W.shape == (8, 8) and W.dtype == np.complex128
    assert W[1, 1] == pytest.approx(np.exp(-2j * np.pi / 8))
    assert W[3, 5] == pytest.approx(np.exp(-2j * np.pi * 15 / 8))
    np.testing.assert_allclose(W, W.T)
    np.testing.assert_allclose(W @ W.conj().T, 8 * np.eye(8), atol=1e-12)


def test_dft_matrix_stays_accurate_for_large_n():
    n = 1536  # k*m reaches 2.4 million turns; reducing modulo n first keeps the angles exact
    W = fourier.dft_matrix(n)
    x = np.random.default_rng(0).normal(size=n)
    # Without the reduction the error is about 5e-14 of the signal's total; with it, near 1e-16.
    np.testing.assert_allclose(W @ x, np.fft.fft(x), rtol=0, atol=2e-15 * np.abs(x).sum())


@FAST
@given(x=real_signals())
def test_dft_equals_numpy_fft(x):
    np.testing.assert_allclose(fourier.dft(x), np.fft.fft(x), rtol=0, atol=_tol(x))


@FAST
@given(re=real_signals(1, 32), im_seed=st.integers(0, 2**32 - 1))
def test_dft_of_complex_input_equals_numpy(re, im_seed):
    x = re + 1j * np.random.default_rng(im_seed).normal(size=re.size)
    np.testing.assert_allclose(fourier.dft(x), np.fft.fft(x), rtol=0, atol=_tol(x))


@FAST
@given(x=power_of_two_signals())
def test_fft_equals_numpy_fft_and_dft(x):
    X = fourier.fft(x)
    assert X.dtype == np.complex128 and X.shape == x.shape
    np.testing.assert_allclose(X, np.fft.fft(x), rtol=0, atol=_tol(x))
    if x.size <= 256:
        np.testing.assert_allclose(X, fourier.dft(x), rtol=0, atol=_tol(x))


@FAST
@given(x=real_signals())
def test_idft_inverts_dft(x):
    np.testing.assert_allclose(fourier.idft(fourier.dft(x)).real, x, atol=_tol(x))
    np.testing.assert_allclose(fourier.idft(fourier.dft(x)).imag, 0, atol=_tol(x))
    X = np.fft.fft(x)
    np.testing.assert_allclose(fourier.idft(X), np.fft.ifft(X), atol=_tol(X) / x.size)


@FAST
@given(x=real_signals())
def test_parseval(x):
    X = fourier.dft(x)
    assert np.sum(np.abs(X) ** 2) / x.size == pytest.approx(np.sum(x**2), rel=1e-9, abs=1e-9)


@FAST
@given(
    e=st.integers(0, 7),
    a=finite,
    b=finite,
    seed=st.integers(0, 2**32 - 1),
)
def test_linearity(e, a, b, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(2, 2**e))
    left = fourier.fft(a * x + b * y)
    right = a * fourier.fft(x) + b * fourier.fft(y)
    np.testing.assert_allclose(left, right, atol=1e-9 * (abs(a) + abs(b) + 1) * 2**e)


def test_transforms_run_along_the_last_axis():
    x = np.random.default_rng(1).normal(size=(3, 2, 16))
    np.testing.assert_allclose(fourier.dft(x), np.fft.fft(x, axis=-1), atol=1e-10)
    np.testing.assert_allclose(fourier.fft(x), np.fft.fft(x, axis=-1), atol=1e-10)
    np.testing.assert_allclose(fourier.idft(fourier.dft(x)).real, x, atol=1e-12)


def test_pure_tone_lands_in_its_bin_with_half_the_amplitude_times_n():
    sr, n = 8000, 256
    freq = 10 * sr / n  # exactly bin 10
    x = 0.5 * np.cos(2 * np.pi * freq * np.arange(n) / sr)
    magnitude = np.abs(fourier.fft(x))
    assert fourier.bin_of(freq, sr=sr, n_fft=n) == 10
    assert magnitude[10] == pytest.approx(0.5 * n / 2)
    assert magnitude[n - 10] == pytest.approx(0.5 * n / 2)
    others = np.delete(magnitude, [10, n - 10])
    assert others.max() < 1e-9


def test_fft_rejects_non_power_of_two_and_suggests_zero_padding():
    x = np.ones(1000)
    with pytest.raises(ValueError, match=r"power-of-two.*zero_pad\(x, 1024\)"):
        fourier.fft(x)
    np.testing.assert_allclose(fourier.fft(fourier.zero_pad(x, 1024)), np.fft.fft(x, 1024), atol=1e-9)


@pytest.mark.parametrize("function", [fourier.dft, fourier.fft, fourier.idft])
@pytest.mark.parametrize(
    "bad, message",
    [
        (np.array([1.0, np.nan]), "NaN or infinite"),
        (np.array([np.inf, 1.0]), "NaN or infinite"),
        (np.array([]), "at least one sample"),
        (np.float64(3.0), "at least one sample"),
        (np.array(["a", "b"]), "must hold numbers"),
        (np.array([True, False]), "must hold numbers"),
    ],
)
def test_transforms_reject_bad_input(function, bad, message):
    with pytest.raises(ValueError, match=message):
        function(bad)


@pytest.mark.parametrize("sr, n_fft", [(22050, 2048), (44100, 1000), (16000, 1001), (8000, 1), (22050.5, 512)])
def test_fft_frequencies_equal_librosa(sr, n_fft):
    import librosa

    ours = fourier.fft_frequencies(sr=sr, n_fft=n_fft)
    assert ours.shape == (1 + n_fft // 2,)
    np.testing.assert_array_equal(ours, librosa.fft_frequencies(sr=sr, n_fft=n_fft))


def test_bin_of_rounds_to_the_nearest_bin():
    assert fourier.bin_of(440.0, sr=22050, n_fft=2048) == 41
    assert isinstance(fourier.bin_of(440.0, sr=22050, n_fft=2048), int)
    assert fourier.bin_of(11025.0, sr=22050, n_fft=2048) == 1024
    np.testing.assert_array_equal(fourier.bin_of([0.0, 5.0, 6.0], sr=100, n_fft=10), [0, 0, 1])
    freqs = fourier.fft_frequencies(sr=22050, n_fft=1024)
    np.testing.assert_array_equal(fourier.bin_of(freqs, sr=22050, n_fft=1024), np.arange(freqs.size))


@pytest.mark.parametrize(
    "freq, kwargs, message",
    [
        (12000.0, dict(sr=22050, n_fft=2048), "Nyquist"),
        (-1.0, dict(sr=22050, n_fft=2048), "Nyquist"),
        (np.nan, dict(sr=22050, n_fft=2048), "NaN"),
        (100.0, dict(sr=0, n_fft=2048), "sampling rate"),
        (100.0, dict(sr=22050, n_fft=0), "at least 1"),
    ],
)
def test_bin_of_rejects_bad_arguments(freq, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fourier.bin_of(freq, **kwargs)


def test_fft_frequencies_reject_bad_arguments():
    with pytest.raises(ValueError, match="sampling rate"):
        fourier.fft_frequencies(sr=-1, n_fft=16)
    with pytest.raises(ValueError, match="whole number"):
        fourier.fft_frequencies(sr=8000, n_fft=16.0)


def test_zero_pad_appends_zeros_and_refines_the_spectrum_sampling():
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    padded = fourier.zero_pad(x, 8)
    assert padded.dtype == np.float32
    np.testing.assert_array_equal(padded, [1, 2, 3, 0, 0, 0, 0, 0])
    stereo = fourier.zero_pad(np.ones((2, 3)), 4)
    np.testing.assert_array_equal(stereo, [[1, 1, 1, 0], [1, 1, 1, 0]])
    # Padding to 4n samples the same spectrum: every 4th bin is the unpadded DFT.
    y = np.random.default_rng(3).normal(size=16)
    np.testing.assert_allclose(fourier.fft(fourier.zero_pad(y, 64))[::4], fourier.fft(y), atol=1e-10)


def test_zero_pad_rejects_shrinking():
    with pytest.raises(ValueError, match="only lengthens"):
        fourier.zero_pad(np.ones(8), 4)
    with pytest.raises(ValueError, match="single number"):
        fourier.zero_pad(np.float64(1.0), 4)


def test_next_power_of_two():
    assert [fourier.next_power_of_two(n) for n in (1, 2, 3, 1000, 1024, 1025)] == [1, 2, 4, 1024, 1024, 2048]
    with pytest.raises(ValueError):
        fourier.next_power_of_two(0)
