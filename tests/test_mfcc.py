"""musiclearn.mfcc: a DCT written out, and MFCCs that agree with librosa."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import scipy.fft
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from musiclearn import mfcc as M
from musiclearn.testing import relative_error as rel_err


def signal(n: int, seed: int = 0, sr: int = 22050) -> np.ndarray:
    """Two decaying partials plus noise, float32."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / sr
    tone = np.sin(2 * np.pi * 330 * t) + 0.3 * np.sin(2 * np.pi * 1980 * t)
    return (tone * np.exp(-2 * t) + 0.02 * rng.standard_normal(n)).astype(np.float32)


# --------------------------------------------------------------------------- DCT


@pytest.mark.parametrize("dct_type", [1, 2, 3, 4])
@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("method", ["fft", "matrix"])
def test_dct_equals_scipy(dct_type, norm, method):
    rng = np.random.default_rng(dct_type)
    for shape, axis in [((7,), -1), ((3, 16), -1), ((20, 5), 0), ((2, 13, 4), 1), ((2, 2), -1)]:
        x = rng.standard_normal(shape)
        ours = M.dct(x, type=dct_type, norm=norm, axis=axis, method=method)
        assert ours.shape == x.shape
        np.testing.assert_allclose(ours, scipy.fft.dct(x, type=dct_type, norm=norm, axis=axis), atol=1e-12)


def test_dct_matrix_rows_are_cosines():
    n = 8
    D = M.dct_matrix(n, norm=None)
    j = np.arange(n)
    np.testing.assert_allclose(D[0], 2.0)  # k = 0: the mean (DC), times 2
    np.testing.assert_allclose(D[3], 2 * np.cos(np.pi * 3 * (2 * j + 1) / (2 * n)))
    # Orthonormal version: D D^T = I, and the inverse (type 3) is its transpose.
    Do = M.dct_matrix(n)
    np.testing.assert_allclose(Do @ Do.T, np.eye(n), atol=1e-12)
    np.testing.assert_allclose(M.dct_matrix(n, type=3), Do.T, atol=1e-12)
    assert M.dct_matrix(n, n_out=3).shape == (3, n)
    assert M.dct_matrix(n, dtype=np.float32).dtype == np.float32


def test_dct_keeps_float32():
    x = np.ones((4, 6), dtype=np.float32)
    assert M.dct(x).dtype == np.float32
    assert M.dct(x, method="matrix").dtype == np.float32


@settings(max_examples=50, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(1, 40), elements=st.floats(-1e3, 1e3)))
def test_orthonormal_dct_preserves_energy_and_inverts(x):
    X = M.dct(x)
    assert np.sum(X**2) == pytest.approx(np.sum(x**2), rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(M.idct(X), x, atol=1e-9)
    np.testing.assert_allclose(M.dct(x, method="matrix"), X, atol=1e-8)


def test_idct_with_fewer_coefficients_pads_zeros():
    x = np.random.default_rng(0).standard_normal(16)
    c = M.dct(x)[:4]
    smooth = M.idct(c, n=16)
    np.testing.assert_allclose(smooth, scipy.fft.idct(c, norm="ortho", n=16))
    np.testing.assert_allclose(smooth, M.dct_matrix(16, n_out=4).T @ c, atol=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: M.dct(np.ones(4), type=5), "type must be 1, 2, 3 or 4"),
        (lambda: M.dct(np.ones(4), norm="unitary"), "norm must be"),
        (lambda: M.dct(np.ones(4), method="slow"), "method must be"),
        (lambda: M.dct(np.ones(4), axis=2), "out of range"),
        (lambda: M.dct(np.ones(1), type=1), "type-1 DCT"),
        (lambda: M.dct(np.array(["a", "b"])), "real numeric"),
        (lambda: M.dct(np.ones(3) + 1j), "real numeric"),
        (lambda: M.dct_matrix(0), "positive integer"),
        (lambda: M.dct_matrix(4, n_out=5), "n_out"),
        (lambda: M.idct(np.ones(4), n=0), "positive integer"),
    ],
)
def test_dct_explains_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------- lifter


def test_lifter_weights_follow_the_sine_formula():
    np.testing.assert_allclose(M.lifter_weights(4, L=2), [2.0, 1.0, 0.0, 1.0], atol=1e-12)
    w = M.lifter_weights(20, L=22)
    k = np.arange(20)
    np.testing.assert_allclose(w, 1 + 11 * np.sin(np.pi * (k + 1) / 22))
    assert np.argmax(w) == 10  # peaks near L/2
    C = np.ones((20, 3))
    np.testing.assert_allclose(M.lifter(C, L=22), w[:, None] * C)
    np.testing.assert_allclose(M.lifter(C.T, L=22, axis=-1), (w[:, None] * C).T)
    with pytest.raises(ValueError, match="L must be a positive number"):
        M.lifter_weights(20, L=0)


# --------------------------------------------------------------------------- MFCC


def test_mfcc_matches_librosa(stft_case, matches_librosa):
    n_fft, hop, center = stft_case
    for n in (2999, n_fft + 1, n_fft // 2 + 3, 77):
        matches_librosa(M.mfcc, librosa.feature.mfcc, signal(n, seed=n),
                        sr=22050, n_fft=n_fft, hop_length=hop, center=center, n_mels=40, n_mfcc=13)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        dict(lifter=22),
        dict(lifter=2 * 20 + 3),
        dict(dct_type=1),
        dict(dct_type=3),
        dict(norm=None),
        dict(n_mfcc=40, n_mels=40, fmin=50.0, fmax=8000.0, htk=True),
        dict(mel_norm=None),
        dict(sr=16000, n_fft=400, hop_length=160, n_mels=40),
    ],
)
def test_mfcc_options_match_librosa(kw):
    y = signal(11025)
    assert rel_err(M.mfcc(y, **kw), librosa.feature.mfcc(y=y, **kw)) <= 1e-5, kw


def test_mfcc_from_a_log_mel_spectrogram():
    y = signal(6000)
    S_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, n_mels=64))
    ours = M.mfcc(S=S_db, n_mfcc=13)
    assert rel_err(ours, librosa.feature.mfcc(S=S_db, n_mfcc=13)) <= 1e-5
    assert rel_err(ours, M.mfcc(y, n_mels=64, n_mfcc=13)) <= 1e-5
    # Spelled out: the DCT of each column, first 13 rows.
    np.testing.assert_allclose(ours, (M.dct_matrix(64, n_out=13) @ S_db), rtol=1e-4, atol=1e-3)


def test_mfcc_of_stereo_matches_librosa_and_shares_one_db_floor():
    y = np.stack([signal(9000, seed=1), 1e-4 * signal(9000, seed=2)])
    ours = M.mfcc(y, n_mfcc=13)
    theirs = librosa.feature.mfcc(y=y, n_mfcc=13)
    assert ours.shape == theirs.shape == (2, 13, 1 + 9000 // 512)
    assert rel_err(ours, theirs) <= 1e-5
    # The quiet channel's floor is set by the loud one, so it differs from computing it alone.
    assert rel_err(ours[1], M.mfcc(y[1], n_mfcc=13)) > 1e-3


def test_first_coefficient_tracks_loudness():
    y = signal(22050)
    quiet = M.mfcc(0.1 * y)
    loud = M.mfcc(y)
    # A gain of 10 adds 20 dB to every mel band; the orthonormal DCT puts it all in c0.
    n_mels = 128
    np.testing.assert_allclose(loud[0] - quiet[0], 20 * np.sqrt(n_mels), rtol=1e-3)
    np.testing.assert_allclose(loud[1:], quiet[1:], atol=1e-2)


def test_mfcc_explains_bad_arguments():
    y = signal(4000)
    with pytest.raises(ValueError, match="either audio y"):
        M.mfcc()
    with pytest.raises(ValueError, match="n_mfcc=50 is more than the 40 mel bands"):
        M.mfcc(y, n_mels=40, n_mfcc=50)
    with pytest.raises(ValueError, match="lifter must be 0"):
        M.mfcc(y, lifter=-1)
    with pytest.raises(ValueError, match="type must be"):
        M.mfcc(y, dct_type=7)
    with pytest.raises(ValueError, match="n_mfcc must be a positive integer"):
        M.mfcc(y, n_mfcc=0)
    with pytest.raises(ValueError, match="shape"):
        M.mfcc(S=np.ones(5))


# --------------------------------------------------------------------------- inversion


@pytest.mark.parametrize("kw", [{}, dict(lifter=22), dict(norm=None), dict(dct_type=3), dict(ref=2.0)])
def test_mfcc_to_mel_matches_librosa(kw):
    y = signal(8000)
    mfcc_kw = {k: v for k, v in kw.items() if k != "ref"}
    C = librosa.feature.mfcc(y=y, n_mfcc=20, **mfcc_kw)
    ours = M.mfcc_to_mel(C, n_mels=128, **kw)
    theirs = librosa.feature.inverse.mfcc_to_mel(C, n_mels=128, **kw)
    assert ours.shape == (128, C.shape[1])
    assert rel_err(ours, theirs) <= 1e-5


def test_all_coefficients_invert_exactly_and_few_give_the_envelope():
    y = signal(8000)
    S_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, n_mels=64))
    full = M.mfcc_to_mel(M.mfcc(S=S_db, n_mfcc=64, lifter=10), n_mels=64, lifter=10)
    np.testing.assert_allclose(10 * np.log10(full), S_db, atol=1e-3)
    # A smooth envelope plus band-to-band ripple (like harmonics): 8 coefficients
    # bring back the envelope and drop the ripple.
    k = np.arange(64)[:, None]
    envelope = -0.4 * k + 12 * np.cos(2 * np.pi * k / 64) + np.zeros((1, 5))
    ripple = 4.0 * (-1.0) ** k
    smooth_db = 10 * np.log10(M.mfcc_to_mel(M.mfcc(S=envelope + ripple, n_mfcc=8), n_mels=64))
    assert np.abs(smooth_db - envelope).mean() < 0.5
    assert np.abs(smooth_db - (envelope + ripple)).mean() > 3.5


def test_mfcc_to_mel_warns_when_the_lifter_cannot_be_undone():
    C = np.ones((4, 2))
    with pytest.warns(UserWarning, match="lifter"), np.errstate(over="ignore"):
        M.mfcc_to_mel(C, n_mels=8, lifter=2)  # weight 1 + sin(3π/2) = 0 for coefficient 2
    with pytest.raises(ValueError, match="lifter"):
        M.mfcc_to_mel(C, lifter=-2)
    with pytest.raises(ValueError, match="shape"):
        M.mfcc_to_mel(np.ones(4))
