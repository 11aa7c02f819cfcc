"""Tests for musiclearn.translation (notebook 16): shapes, causality, stop token, Griffin–Lim, baselines, bad input."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from musiclearn import translation as tr  # noqa: E402
from musiclearn.errors import DataError  # noqa: E402


def _tiny(**kw):
    torch.manual_seed(0)
    return tr.Translator(hidden=16, prenet=8, attention=8, location_filters=4, **kw)


def _pair(n_a: int, n_b: int, seed: int = 0) -> tr.Pair:
    rng = np.random.default_rng(seed)
    return tr.Pair(rng.uniform(-80, 0, (40, n_a)).astype(np.float32),
                   rng.uniform(-80, 0, (40, n_b)).astype(np.float32), np.zeros(1), np.zeros(1))


def test_forward_shapes_and_padding_mask():
    model = _tiny(r=3).eval()
    src = torch.rand(2, 25, 40) * -80
    with torch.no_grad():
        frames, stops, align = model(src, torch.tensor([25, 12]), torch.zeros(2, 30, 40) - 80)
    assert frames.shape == (2, 30, 40) and stops.shape == (2, 10) and align.shape == (2, 10, 25)
    assert torch.allclose(align.sum(-1), torch.ones(2, 10), atol=1e-5)
    # the second item's padded input frames get no attention at all
    assert float(align[1, :, 12:].max()) < 1e-6


def test_decoder_is_causal_under_teacher_forcing():
    model = _tiny(r=2).eval()
    src, lengths = torch.rand(1, 20, 40) * -80, torch.tensor([20])
    tgt = torch.rand(1, 24, 40) * -80
    changed = tgt.clone()
    j = 10
    changed[:, j:] = torch.rand(1, 24 - j, 40) * -80
    with torch.no_grad():
        a, stop_a, align_a = model(src, lengths, tgt)
        b, stop_b, align_b = model(src, lengths, changed)
    # output frames < j were written before target frame j was fed back: identical
    assert torch.equal(a[:, :j], b[:, :j]) and torch.equal(align_a[:, : j // 2], align_b[:, : j // 2])
    # ... and the check can fail: frames after the next step do depend on the changed targets
    assert not torch.allclose(a[:, j + 2:], b[:, j + 2:])


def test_stop_token_ends_generation():
    model = _tiny()
    with torch.no_grad():
        model.stop.bias.fill_(30.0)
    frames, align = tr.translate(model, np.full((40, 16), -60.0))
    assert frames.shape == (40, model.r) and align.shape == (1, 16)
    with torch.no_grad():
        model.stop.bias.fill_(-30.0)
    frames, align = tr.translate(model, np.full((40, 16), -60.0), max_steps=7)
    assert frames.shape == (40, 7 * model.r) and align.shape == (7, 16)
    assert frames.min() >= tr.FLOOR_DB and frames.max() <= 0.0


def test_fit_lowers_the_loss_on_a_tiny_set():
    pairs = [_pair(12, 18, seed) for seed in range(4)]
    model = _tiny()
    history = tr.fit(model, pairs, epochs=8, batch_size=2, lr=5e-3, device="cpu", val_pairs=pairs[:2])
    assert len(history["loss"]) == 8 and len(history["val_l1_db"]) == 8
    assert history["loss"][-1] < history["loss"][0]
    assert not model.training


def test_checkpoint_round_trip_and_mismatch(tmp_path):
    model = _tiny()
    path = tmp_path / "t.pt"
    tr.save_model(model, path)
    state = torch.load(path, map_location="cpu", weights_only=True)   # plain tensors and lists only
    assert state["format"] == list(tr.CHECKPOINT_FORMAT)
    loaded = tr.load_model(path)
    for (k, v), (k2, v2) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert k == k2 and torch.equal(v, v2)
    src = np.random.default_rng(1).uniform(-80, 0, (40, 10))
    assert np.array_equal(tr.translate(model, src, max_steps=3)[0], tr.translate(loaded, src, max_steps=3)[0])
    with pytest.raises(DataError, match=r"another configuration \(r: 6 there, 2 here\)"):
        tr.load_model(path, model=_tiny(r=2))
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(DataError, match="not a readable checkpoint"):
        tr.load_model(tmp_path / "junk.pt")


def test_griffin_lim_converges_and_agrees_with_librosa():
    librosa = pytest.importorskip("librosa")
    from musiclearn.stft import stft

    sr = tr.SR
    t = np.arange(sr) / sr
    y = np.sin(2 * np.pi * 440 * t) * np.exp(-3 * t) + 0.5 * np.sin(2 * np.pi * 660 * t)
    S = np.abs(stft(y, n_fft=512, hop_length=256))
    ours, curve = tr.griffin_lim(S, n_iter=30, momentum=0.0)
    assert curve.shape == (30,)
    assert np.all(np.diff(curve) <= 1e-9) and curve[-1] < 0.5 * curve[0]
    theirs = librosa.griffinlim(S, n_iter=30, hop_length=256, n_fft=512, momentum=0.0, init=None)
    n = min(len(ours), len(theirs))
    assert np.max(np.abs(ours[:n] - theirs[:n])) < 1e-6 * max(1.0, np.max(np.abs(theirs)))
    # with momentum (librosa's default) both reach a comparable fit
    fast, fast_curve = tr.griffin_lim(S, n_iter=30, momentum=0.99)
    theirs_fast = librosa.griffinlim(S, n_iter=30, hop_length=256, n_fft=512, momentum=0.99, init=None)
    assert fast_curve[-1] < curve[-1]
    assert abs(tr.spectral_convergence(S, fast) - tr.spectral_convergence(S, theirs_fast)) < 1e-3


def test_mel_inverse_and_vocoder():
    from musiclearn.stft import stft

    y = np.sin(2 * np.pi * 500 * np.arange(tr.SR) / tr.SR).astype(np.float32)
    mel = tr.log_mel(y)
    mag = tr.mel_to_magnitude(mel)
    assert mag.shape == (257, mel.shape[1]) and mag.min() >= 0
    peak_bin = int(np.argmax(mag[:, mel.shape[1] // 2]))
    assert abs(peak_bin * tr.SR / tr.N_FFT - 500) < 100      # the energy comes back near 500 Hz
    audio = tr.vocode(mel, n_iter=8)
    assert np.isfinite(audio).all() and np.abs(stft(audio, n_fft=512, hop_length=256)).shape[1] == mel.shape[1]


def test_baselines_and_measures():
    src = np.random.default_rng(0).uniform(-80, 0, (40, 20))
    stretched = tr.stretch_baseline(src, 31)
    assert stretched.shape == (40, 31)
    assert np.allclose(stretched[:, 0], src[:, 0]) and np.allclose(stretched[:, -1], src[:, -1])
    assert tr.copy_baseline(src, 31).shape == (40, 31) and tr.copy_baseline(src, 5).shape == (40, 5)
    env_a, env_b = tr.average_envelope([src]), np.full(40, -30.0)
    shifted = tr.envelope_baseline(src, 31, envelope_a=env_a, envelope_b=env_b)
    assert np.allclose(np.clip(stretched + (env_b - env_a)[:, None], -80, 0), shifted)
    assert tr.mel_l1(src, src) == 0.0 and tr.log_spectral_distance(src, src) == 0.0
    assert tr.mel_l1(src + 3.0, src) == pytest.approx(3.0)
    assert tr.log_spectral_distance(src + 3.0, src) == pytest.approx(3.0)


def test_monotonicity_diagonal_vs_shuffled():
    rng = np.random.default_rng(0)
    steps, frames = 30, 45
    diagonal = np.zeros((steps, frames))
    diagonal[np.arange(steps), (np.arange(steps) * frames / steps).astype(int)] = 1.0
    diagonal += 0.01 * rng.random(diagonal.shape)
    assert tr.is_monotonic(diagonal)
    assert not tr.is_monotonic(diagonal[rng.permutation(steps)])
    stuck = np.zeros((steps, frames))
    stuck[:, 3] = 1
    assert not tr.is_monotonic(stuck)
    back = diagonal.copy()
    back[20] = 0
    back[20, 5] = 1    # one jump far back
    assert not tr.is_monotonic(back) and tr.is_monotonic(back, tolerance=frames)


def test_guided_attention_weights():
    w = tr.guided_attention_weights(10, 20)
    assert w.shape == (10, 20) and float(w[0, 0]) == 0.0 and float(w[9, 0]) > 0.9 and float(w[5, 10]) == 0.0


@pytest.mark.parametrize("y, sr, message", [
    (np.full(2000, np.nan), 8000, "NaN or infinite"),
    (np.zeros(2000), 22050, "resample it first"),
    (np.zeros(100), 8000, "shorter than one frame"),
    (np.zeros((2, 2000)), 8000, "mono audio"),
])
def test_bad_audio(y, sr, message):
    with pytest.raises(ValueError, match=message):
        tr.log_mel(y, sr=sr)


def test_bad_arguments():
    with pytest.raises(ValueError, match="hidden must be even"):
        tr.Translator(hidden=15)
    with pytest.raises(ValueError, match="mel bands"):
        tr.translate(_tiny(), np.zeros((20, 10)))
    with pytest.raises(ValueError, match="NaN"):
        tr.mel_l1(np.full((40, 3), np.nan), np.zeros((40, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        tr.griffin_lim(-np.ones((257, 3)))
    with pytest.raises(ValueError, match="held_out"):
        tr.split([1, 2, 3], held_out=1.5)


def test_render_pairs_tempo_ratio():
    from musiclearn.melody import ScoreNote

    notes = [ScoreNote(60 + i, 1.0, float(i)) for i in range(4)]
    (pair,) = tr.render_pairs([notes], bpm_a=120, bpm_b=60, tail_s=0.2)
    assert len(pair.audio_a) == round((2.0 + 0.2) * tr.SR) and len(pair.audio_b) == round((4.0 + 0.2) * tr.SR)
    assert pair.source.shape[0] == pair.target.shape[0] == tr.N_MELS
    assert np.isfinite(pair.source).all() and pair.target.max() > -40     # not silent


def test_gradients_stay_bounded_when_the_attention_sharpens():
    # Weights blown up 10 times stand in for a model late in training (sharp attention). Before the location
    # features were detached, the gradient reached about 1e9 here and overflowed float32 in real training.
    pairs = [_pair(60, 160, seed) for seed in range(2)]
    model = _tiny()
    model.train()
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(10.0)
    losses = tr._losses(model, tr._batch(pairs, model.r, "cpu"), 1.0)
    losses["total"].backward()
    norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), float("inf")))
    assert np.isfinite(norm) and norm < 1e5, norm


def test_fit_skips_an_update_whose_gradient_is_not_finite():
    pairs = [_pair(12, 18, seed) for seed in range(4)]
    model = _tiny()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.stop.bias.register_hook(lambda g: g * float("inf"))      # every gradient becomes inf or NaN
    history = tr.fit(model, pairs, epochs=2, batch_size=2, device="cpu")
    assert history["skipped_steps"] == [2.0, 2.0]
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())   # nothing was poisoned
