"""musiclearn.next_sample: μ-law, bits per sample, LPC, WaveNet (receptive field, cached generation), bad input."""

from __future__ import annotations

import math

import librosa
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from musiclearn import next_sample as ns
from musiclearn.errors import DataError

floats = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False, width=64)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.integers(1, 300), elements=floats))
def test_mu_law_equals_librosa_and_round_trips(x):
    for quantize in (True, False):
        assert np.array_equal(ns.mu_compress(x, quantize=quantize), librosa.mu_compress(x, quantize=quantize))
    codes = ns.mu_compress(x)
    assert np.allclose(ns.mu_expand(codes), librosa.mu_expand(codes))
    assert np.allclose(ns.mu_expand(ns.mu_compress(x, quantize=False), quantize=False), x, atol=1e-12)
    # Quantised: x lies between the levels of its neighbouring codes (bins are narrow near 0, wide near ±1).
    c = ns.encode_mulaw(x)
    low, high = ns.decode_mulaw(np.maximum(c - 1, 0)), ns.decode_mulaw(np.minimum(c + 1, 255))
    high = np.where(c == 255, 1.0, high)          # the top class decodes to 0.957 but holds everything up to 1
    assert np.all((low - 1e-6 <= x) & (x <= high + 1e-6))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 255), min_size=1, max_size=200))
def test_codes_round_trip_exactly(codes):
    codes = np.array(codes)
    assert np.array_equal(ns.encode_mulaw(ns.decode_mulaw(codes)), codes)


def test_mu_law_has_256_classes_and_other_mu():
    x = np.linspace(-1, 1, 100_001)
    assert set(np.unique(ns.encode_mulaw(x))) == set(range(256))
    assert np.array_equal(ns.mu_compress(x, mu=15), librosa.mu_compress(x, mu=15))


def test_class_edges_partition_the_line():
    edges = ns._class_edges()
    assert len(edges) == 257 and np.all(np.diff(edges) > 0)
    x = np.random.default_rng(0).uniform(-0.99, 0.99, 5000)
    c = ns.encode_mulaw(x)
    assert np.all((edges[c] < x) & (x <= edges[c + 1]))


def test_bits_of_known_distributions():
    assert ns.bits_per_sample(np.full(256, 1 / 256), np.arange(256)) == pytest.approx(8.0)
    p = np.array([0.5, 0.25, 0.125, 0.125])
    targets = np.repeat(np.arange(4), [4, 2, 1, 1])         # drawn in proportion to p: bits = entropy
    assert ns.bits_per_sample(p, targets) == pytest.approx(ns.entropy_bits(p)) == pytest.approx(1.75)
    with pytest.raises(ValueError, match="sum to 1"):
        ns.bits_per_sample([0.5, 0.6], [0])


def test_unigram_is_proper_and_smoothed():
    p = ns.unigram([np.full(10, 128), np.full(5, 127)])
    assert p.sum() == pytest.approx(1.0) and p.min() > 0 and p.argmax() == 128


@pytest.mark.parametrize("order", [1, 2, 8, 16])
def test_lpc_equals_librosa(order):
    rng = np.random.default_rng(order)
    y = np.convolve(rng.standard_normal(3000), [1.0, 0.6, -0.3, 0.1], mode="same")
    assert np.allclose(ns.lpc(y, order=order), librosa.lpc(y, order=order), atol=1e-10)


def test_linear_predictor_probabilities_are_proper_and_beat_unigram():
    t = np.arange(16000) / 8000
    y = 0.5 * np.sin(2 * np.pi * 330 * t) * np.exp(-t)
    train, test = ns.encode_mulaw(y[:12000]), ns.encode_mulaw(y[12000:])
    model = ns.LinearPredictor(order=8).fit([train])
    p = model.probabilities(test)
    assert p.shape == (len(test), 256) and np.allclose(p.sum(axis=1), 1.0) and p.min() > 0
    assert model.bits([test]) == pytest.approx(ns.bits_per_sample(p[1:], test[1:]), abs=1e-6)
    assert model.bits([test]) < ns.bits_per_sample(ns.unigram(train), test[1:]) - 2


def test_receptive_field_formula_matches_perturbation():
    torch.manual_seed(0)
    model = ns.WaveNet(channels=6, skip_channels=6, kernel_size=3, layers_per_stack=3, stacks=2).eval()
    assert model.receptive_field == ns.receptive_field(kernel_size=3, dilations=[1, 2, 4] * 2) == 1 + 2 * 14
    ids = torch.randint(0, 256, (1, 100))
    j = 40
    changed = ids.clone()
    changed[0, j] = (changed[0, j] + 100) % 256
    with torch.no_grad():
        diff = (model(ids) - model(changed)).abs().amax(dim=-1)[0]
    affected = torch.nonzero(diff > 0).ravel()
    assert affected.min() == j                                    # causal: nothing before j changes
    assert affected.max() == j + model.receptive_field - 1         # and nothing after the receptive field


@pytest.mark.parametrize("kernel_size", [2, 3])
def test_cached_generation_equals_naive(kernel_size):
    torch.manual_seed(1)
    model = ns.WaveNet(channels=8, skip_channels=8, kernel_size=kernel_size, layers_per_stack=3, stacks=2)
    for p in model.parameters():            # larger weights than at initialisation: a peaked, varied distribution
        p.data.mul_(3)
    prompt = np.random.default_rng(0).integers(100, 156, 50)
    for temperature, seed in ((1.0, 0), (0.7, 3)):
        naive = ns.generate_naive(model, prompt, steps=60, temperature=temperature, seed=seed)
        cached = ns.generate_cached(model, prompt, steps=60, temperature=temperature, seed=seed)
        assert cached == naive and len(cached) == 110
        assert len(set(cached[50:])) > 5
    assert ns.generate_cached(model, [128], steps=30, seed=5) == ns.generate_naive(model, [128], steps=30, seed=5)


def test_random_windows_and_wavenet_bits_chunking():
    model = ns.WaveNet(channels=4, skip_channels=4, layers_per_stack=3, stacks=1)
    clip = np.random.default_rng(0).integers(0, 256, 500)
    whole = ns.wavenet_bits(model, [clip], chunk=10_000)
    assert ns.wavenet_bits(model, [clip], chunk=37) == pytest.approx(whole, rel=1e-5)
    loader = ns.RandomWindows([clip], length=64, batch_size=3, batches=2, seed=0)
    first = [x.clone() for x, _ in loader]
    assert len(first) == 2 and first[0].shape == (3, 64)


def test_wavenet_learns_with_the_course_loop():
    from musiclearn.train import train

    torch.manual_seed(0)
    t = np.arange(6000) / 8000
    codes = ns.encode_mulaw(0.5 * np.sin(2 * np.pi * 200 * t))
    model = ns.WaveNet(channels=8, skip_channels=8, layers_per_stack=3, stacks=1)
    before = ns.wavenet_bits(model, [codes])
    train(model, ns.RandomWindows([codes], length=100, batch_size=4, batches=15, seed=0), epochs=2, lr=1e-2,
          progress=False, device="cpu")
    assert ns.wavenet_bits(model, [codes]) < before - 1


def test_vqvae_shapes_and_training_step():
    vq = ns.VQVAE(codebook_size=8, code_dim=4, channels=8)
    assert vq.hop == 80
    y = np.sin(np.arange(4000) * 0.1).astype(np.float32) * 0.5
    losses = ns.train_vqvae(vq, [y], steps=3, batch_size=2, length=800)
    assert len(losses) == 3 and all(math.isfinite(v) for v in losses)
    codes = vq.encode(torch.from_numpy(y)[None])
    assert codes.shape == (1, 50) and int(codes.max()) < 8
    assert next(vq.parameters()).device.type == "cpu"            # the default device
    with pytest.raises(ValueError, match="CUDA was asked for"):
        ns.train_vqvae(vq, [y], steps=1, batch_size=2, length=800, device="cuda:7")


def test_bad_input_gives_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="NaN"):
        ns.encode_mulaw(np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match="NaN"):
        ns.check_audio(np.array([0.1, np.nan]), sr=8000)
    with pytest.raises(ValueError, match="expects 8000 Hz"):
        ns.check_audio(np.zeros(100), sr=16000, expected_sr=8000)
    with pytest.raises(ValueError, match="receptive field"):
        ns.check_audio(np.zeros(100), sr=8000, min_samples=511)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        ns.mu_compress([1.5])
    path = tmp_path / "wavenet.pt"
    ns.save_model(ns.WaveNet(channels=4, skip_channels=4, layers_per_stack=2), path)
    loaded = ns.load_model(ns.WaveNet(channels=4, skip_channels=4, layers_per_stack=2), path)
    assert loaded.receptive_field == 7
    with pytest.raises(DataError, match="another configuration.*layers_per_stack: 2 there, 3 here"):
        ns.load_model(ns.WaveNet(channels=4, skip_channels=4, layers_per_stack=3), path)
    with pytest.raises(DataError, match="not a VQVAE"):
        ns.load_model(ns.VQVAE(codebook_size=4, code_dim=2, channels=4), path)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(DataError, match="not a readable checkpoint"):
        ns.load_model(ns.WaveNet(), tmp_path / "junk.pt")
    torch.save({"format": ["something", 1]}, tmp_path / "other.pt")
    with pytest.raises(DataError, match="not a musiclearn next-sample checkpoint"):
        ns.load_model(ns.WaveNet(), tmp_path / "other.pt")


def test_vq_codes_in_chunks_match_one_pass_away_from_the_edges():
    torch.manual_seed(0)
    vq = ns.VQVAE(codebook_size=16, code_dim=4, channels=8)
    y = (0.5 * np.sin(np.arange(16_050) * 0.07) * np.linspace(0, 1, 16_050)).astype(np.float32)
    with torch.no_grad():
        whole = vq.encode(torch.from_numpy(y)[None])[0].numpy()
    assert np.array_equal(ns.vq_codes(vq, y, chunk_seconds=10.0), whole) and len(whole) == 16_050 // 80
    chunked = ns.vq_codes(vq, y, chunk_seconds=0.5)            # 50 codes per chunk
    assert len(chunked) == len(whole)
    inner = np.ones(len(whole), bool)
    for edge in range(50, len(whole), 50):
        inner[edge - 1 : edge + 1] = False
    assert np.array_equal(chunked[inner], whole[inner])
    with pytest.raises(ValueError, match="mono"):
        ns.vq_codes(vq, np.zeros((2, 800)))
