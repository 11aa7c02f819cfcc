"""torch_features: batched, differentiable, device-agnostic, and the same numbers as librosa."""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest
import torch

from musiclearn import mel, mfcc
from musiclearn.torch_features import MFCC, MelSpectrogram, Spectrogram
from musiclearn.testing import relative_error as rel_err

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine (hardware skip)")


def clips(batch: int, n: int, seed: int = 0) -> np.ndarray:
    """A batch of different tones with noise, with loudness from 1 down to 1e-3, float32."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 22050
    out = []
    for i in range(batch):
        f = 110.0 * 2 ** (i / 3)
        tone = np.sin(2 * np.pi * f * t) * np.exp(-(i + 1) * t) + 0.05 * rng.standard_normal(n)
        out.append(10.0 ** -(i % 4) * tone)
    return np.stack(out).astype(np.float32)


def test_spectrogram_matches_librosa_stft():
    y = clips(3, 5000)
    D = librosa.stft(y, n_fft=1024, hop_length=256)
    assert rel_err(Spectrogram(n_fft=1024, hop_length=256)(torch.from_numpy(y)), np.abs(D) ** 2) <= 1e-5
    assert rel_err(Spectrogram(n_fft=1024, hop_length=256, power=1.0)(torch.from_numpy(y)), np.abs(D)) <= 1e-5
    complex_out = Spectrogram(n_fft=1024, hop_length=256, power=None)(torch.from_numpy(y))
    assert complex_out.is_complex()
    assert rel_err(torch.view_as_real(complex_out), np.stack([D.real, D.imag], axis=-1)) <= 1e-5
    # Default hop is win_length // 4, as librosa.
    assert Spectrogram(n_fft=1024)(torch.from_numpy(y)).shape == (3, 513, 1 + 5000 // 256)


@pytest.mark.parametrize("pad_mode", ["constant", "reflect", "edge"])
def test_padding_follows_librosa_not_torch_stft(pad_mode):
    y = clips(2, 3000)
    ours = Spectrogram(n_fft=512, hop_length=128, pad_mode=pad_mode)(torch.from_numpy(y))
    theirs = np.abs(librosa.stft(y, n_fft=512, hop_length=128, pad_mode=pad_mode)) ** 2
    assert rel_err(ours, theirs) <= 1e-5
    if pad_mode == "constant":
        # torch.stft's own centring reflects: the first frame would differ.
        torch_default = torch.stft(torch.from_numpy(y), 512, 128, window=torch.hann_window(512),
                                   return_complex=True).abs() ** 2
        assert rel_err(torch_default[..., 0], theirs[..., 0]) > 1e-2


def test_batched_mel_and_mfcc_match_librosa_per_clip(stft_case):
    n_fft, hop, center = stft_case
    n = 2 * n_fft + 333  # odd, and not a whole number of hops
    y = clips(3, n, seed=n_fft + hop)
    kw = dict(sr=22050, n_fft=n_fft, hop_length=hop, center=center, n_mels=40)
    mel_ours = MelSpectrogram(**kw)(torch.from_numpy(y))
    assert rel_err(mel_ours, librosa.feature.melspectrogram(y=y, **kw)) <= 1e-5
    assert rel_err(mel_ours, mel.melspectrogram(y, **kw)) <= 1e-5
    mfcc_ours = MFCC(n_mfcc=13, **kw)(torch.from_numpy(y))
    assert mfcc_ours.shape[:2] == (3, 13)
    for i in range(3):
        # The dB floor is per clip: as librosa (and musiclearn.mfcc) on each clip alone.
        assert rel_err(mfcc_ours[i], librosa.feature.mfcc(y=y[i], n_mfcc=13, **kw)) <= 1e-5, i
        assert rel_err(mfcc_ours[i], mfcc.mfcc(y[i], n_mfcc=13, **kw)) <= 1e-5, i


def test_short_signals_are_padded_like_librosa_or_refused_like_it():
    y = clips(2, 700)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # librosa: n_fft too large for the signal
        theirs = [librosa.feature.mfcc(y=c, n_mels=40) for c in y]
    assert rel_err(MFCC(n_mels=40)(torch.from_numpy(y)), np.stack(theirs)) <= 1e-5
    with pytest.raises(ValueError, match="fewer than n_fft=2048 with center=False"):
        MFCC(center=False)(torch.from_numpy(y))
    with pytest.raises(ValueError, match="pad_mode='constant'"):
        MelSpectrogram(pad_mode="reflect")(torch.from_numpy(y))


def test_per_clip_floor_differs_from_one_floor_for_the_whole_batch():
    y = clips(2, 8000)
    y[1] *= 1e-4
    ours = MFCC()(torch.from_numpy(y))
    one_floor = librosa.feature.mfcc(y=y)  # librosa on a 2-D array: one floor, set by the loud clip
    assert rel_err(ours[0], one_floor[0]) <= 1e-5
    assert rel_err(ours[1], one_floor[1]) > 1e-3
    assert rel_err(ours[1], librosa.feature.mfcc(y=y[1])) <= 1e-5


def _librosa_mfcc_with_floor(y, *, top_db, n_mfcc):
    S_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y), top_db=top_db)
    return librosa.feature.mfcc(S=S_db, n_mfcc=n_mfcc)


@pytest.mark.parametrize(
    ("kw", "reference"),
    [
        (dict(lifter=22), lambda y: librosa.feature.mfcc(y=y, lifter=22)),
        (dict(dct_type=3, norm=None), lambda y: librosa.feature.mfcc(y=y, dct_type=3, norm=None)),
        (dict(top_db=None), lambda y: _librosa_mfcc_with_floor(y, top_db=None, n_mfcc=20)),
        (dict(top_db=40.0, n_mfcc=30), lambda y: _librosa_mfcc_with_floor(y, top_db=40.0, n_mfcc=30)),
        (dict(htk=True, fmin=30.0, fmax=8000.0, mel_norm=None, n_mels=64),
         lambda y: librosa.feature.mfcc(y=y, htk=True, fmin=30.0, fmax=8000.0, mel_norm=None, n_mels=64)),
        (dict(win_length=1024, window="hamming", power=1.0),
         lambda y: librosa.feature.mfcc(y=y, win_length=1024, window="hamming", power=1.0)),
    ],
)
def test_mfcc_options_match_librosa(kw, reference):
    y = clips(2, 6000)
    ours = MFCC(**kw)(torch.from_numpy(y))
    for i in range(2):
        assert rel_err(ours[i], reference(y[i])) <= 1e-5, (kw, i)


def test_shapes_single_batched_and_nested():
    m = MFCC(n_mfcc=13, n_mels=40)
    y = clips(6, 4000)
    single = m(torch.from_numpy(y[0]))
    assert single.shape == (13, 1 + 4000 // 512)
    nested = m(torch.from_numpy(y).reshape(2, 3, 4000))
    assert nested.shape == (2, 3, 13, 1 + 4000 // 512)
    torch.testing.assert_close(nested.reshape(6, 13, -1)[0], single)
    assert MelSpectrogram(n_mels=40)(torch.from_numpy(y)).shape == (6, 40, 1 + 4000 // 512)
    # NumPy input is accepted too.
    torch.testing.assert_close(m(y[0]), single)


def test_cpu_chunks_give_the_same_result_as_one_pass(monkeypatch):
    import musiclearn.torch_features as tf

    y = torch.from_numpy(clips(5, 6000)).requires_grad_(True)
    module = MFCC(n_mfcc=13, n_mels=40)
    monkeypatch.setattr(tf, "_CPU_CHUNK_BYTES", 1 << 40)  # the whole batch at once
    whole = module(y)
    monkeypatch.setattr(tf, "_CPU_CHUNK_BYTES", 1)  # one clip at a time
    calls = []
    original = module._mfcc_rows
    monkeypatch.setattr(module, "_mfcc_rows", lambda part: calls.append(part.shape[0]) or original(part))
    chunked = module(y)
    assert calls == [1, 1, 1, 1, 1]
    torch.testing.assert_close(chunked, whole, rtol=1e-5, atol=1e-4)
    chunked.sum().backward()  # gradients flow through the concatenation
    assert torch.isfinite(y.grad).all() and y.grad.abs().max() > 0


def test_float64_input_is_computed_in_float64():
    y = clips(2, 4000).astype(np.float64)
    out = MelSpectrogram(n_mels=40)(torch.from_numpy(y))
    assert out.dtype == torch.float64
    assert rel_err(out, librosa.feature.melspectrogram(y=y, n_mels=40)) <= 1e-5


def test_gradients_flow_back_to_the_waveform():
    y = torch.from_numpy(clips(2, 3000)).requires_grad_(True)
    out = MFCC(n_mfcc=13, n_mels=40, lifter=22)(y)
    (out**2).mean().backward()
    assert y.grad is not None and y.grad.shape == y.shape
    assert torch.isfinite(y.grad).all() and y.grad.abs().max() > 0


def test_mel_spectrogram_gradient_is_correct():
    torch.manual_seed(0)
    module = MelSpectrogram(sr=8000, n_fft=32, hop_length=8, n_mels=6)
    y = torch.randn(2, 64, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(module, (y,), eps=1e-6, atol=1e-6)


def test_buffers_follow_the_module_and_are_not_saved():
    m = MFCC(n_mfcc=13, n_mels=40)
    names = {name for name, _ in m.named_buffers()}
    assert names == {"dct_t", "melspectrogram.mel_basis_t", "melspectrogram.spectrogram.window"}
    assert m.state_dict() == {}  # derived from the settings, so a checkpoint need not carry them
    np.testing.assert_allclose(m.melspectrogram.mel_basis.numpy(), mel.mel_filterbank(sr=22050, n_fft=2048, n_mels=40))
    np.testing.assert_allclose(m.dct_t.numpy().T, mfcc.dct_matrix(40, n_out=13), atol=1e-7)
    m64 = m.to(torch.float64)
    assert all(b.dtype == torch.float64 for b in m64.buffers())


def test_bad_inputs_and_settings_get_clear_errors():
    m = MFCC(n_mels=40)
    with pytest.raises(ValueError, match="float32 or float64"):
        m(torch.zeros(4000, dtype=torch.int16))
    with pytest.raises(ValueError, match="floating-point"):
        m(np.zeros(4000, dtype=np.int16))
    with pytest.raises(ValueError, match="module is on cpu"):
        m(torch.zeros(4000, device="meta"))
    with pytest.raises(ValueError, match="scalar"):
        m(torch.tensor(1.0))
    with pytest.raises(ValueError, match="n_mfcc must be an integer from 1 to n_mels=40"):
        MFCC(n_mfcc=41, n_mels=40)
    with pytest.raises(ValueError, match="unknown keyword"):
        MFCC(n_mel=40)
    with pytest.raises(ValueError, match="top_db"):
        MFCC(top_db=-1)
    with pytest.raises(ValueError, match="pad_mode must be one of"):
        Spectrogram(pad_mode="symmetric")
    with pytest.raises(ValueError, match="win_length=4096 is longer than n_fft=2048"):
        Spectrogram(win_length=4096)
    with pytest.raises(ValueError, match="Nyquist"):
        MelSpectrogram(sr=8000, fmax=6000.0)
    with pytest.raises(ValueError, match="Unknown window"):
        Spectrogram(window="no-such-window")


@needs_cuda
def test_cuda_gives_the_same_numbers_as_cpu():
    y = torch.from_numpy(clips(4, 9000))
    for module in (MelSpectrogram(n_mels=64), MFCC(n_mfcc=20)):
        cpu = module(y)
        gpu = module.to("cuda")(y.to("cuda"))
        assert gpu.device.type == "cuda"
        assert rel_err(gpu.cpu(), cpu) <= 1e-5
        with pytest.raises(ValueError, match="module is on cuda"):
            module(y)
