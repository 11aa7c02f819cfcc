"""LSTM and transformer language models: shapes, causality, features, positions, errors."""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F

from musiclearn.models import LSTMLanguageModel, TransformerLanguageModel, count_parameters

V = 12


pytestmark = pytest.mark.usefixtures("one_torch_thread")   # see tests/conftest.py


def _models(**extra):
    torch.manual_seed(0)
    return {
        "lstm": LSTMLanguageModel(V, embed_dim=8, hidden_size=16, num_layers=2, dropout=0.1, **extra),
        "transformer-learned": TransformerLanguageModel(V, d_model=16, n_heads=2, n_layers=2, max_len=32,
                                                        dropout=0.1, **extra),
        "transformer-sinusoidal": TransformerLanguageModel(V, d_model=16, n_heads=2, n_layers=2, max_len=32,
                                                           dropout=0.1, positions="sinusoidal", **extra),
    }


@pytest.mark.parametrize("name", ["lstm", "transformer-learned", "transformer-sinusoidal"])
def test_shape_and_causality(name):
    model = _models()[name].eval()
    ids = torch.randint(0, V, (3, 10))
    logits = model(ids)
    assert logits.shape == (3, 10, V)
    # Changing token 6 must leave the logits of steps 0..5 exactly as they were, and change step 6.
    changed = ids.clone()
    changed[:, 6] = (changed[:, 6] + 1) % V
    again = model(changed)
    assert torch.equal(logits[:, :6], again[:, :6]) or torch.allclose(logits[:, :6], again[:, :6], atol=1e-6)
    assert not torch.allclose(logits[:, 6], again[:, 6])


@pytest.mark.parametrize("name", ["lstm", "transformer-learned", "transformer-sinusoidal"])
def test_features_are_causal_and_matter(name):
    model = _models(feature_sizes=(3, 5))[name].eval()
    ids = torch.randint(0, V, (2, 8))
    features = torch.stack([torch.randint(0, 3, (2, 8)), torch.randint(0, 5, (2, 8))], dim=-1)
    logits = model(ids, features)
    changed = features.clone()
    changed[:, 5, 1] = (changed[:, 5, 1] + 1) % 5
    again = model(ids, changed)
    assert torch.allclose(logits[:, :5], again[:, :5], atol=1e-6)
    assert not torch.allclose(logits[:, 5], again[:, 5])
    with pytest.raises(ValueError, match="needs features of shape"):
        model(ids)
    with pytest.raises(ValueError, match=r"feature 1 must take values in \[0, 5\)"):
        model(ids, features + torch.tensor([0, 5]))


def test_padding_at_the_end_does_not_change_earlier_steps():
    model = _models()["transformer-learned"].eval()
    ids = torch.randint(0, V, (1, 6))
    padded = torch.cat([ids, torch.zeros(1, 4, dtype=torch.long)], dim=1)
    assert torch.allclose(model(ids), model(padded)[:, :6], atol=1e-6)


def test_attention_matches_an_explicit_masked_softmax():
    model = TransformerLanguageModel(V, d_model=8, n_heads=2, n_layers=1, max_len=16, dropout=0.0).eval()
    block = model.blocks[0]
    x = torch.randn(1, 5, 8)
    q, k, v = block.qkv(block.norm1(x)).split(8, dim=-1)
    heads = [(t.view(1, 5, 2, 4).transpose(1, 2)) for t in (q, k, v)]
    scores = heads[0] @ heads[1].transpose(-1, -2) / math.sqrt(4)
    scores = scores.masked_fill(torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1), float("-inf"))
    attn = (F.softmax(scores, dim=-1) @ heads[2]).transpose(1, 2).reshape(1, 5, 8)
    h = x + block.proj(attn)
    expected = h + block.ff(block.norm2(h))
    assert torch.allclose(block(x), expected, atol=1e-5)


def test_sinusoidal_positions_follow_the_formula():
    model = TransformerLanguageModel(V, d_model=8, n_heads=2, n_layers=1, max_len=20, positions="sinusoidal")
    table = model.sinusoids
    pos, i = 7, 1  # dimensions 2i and 2i+1
    angle = pos / 10000 ** (2 * i / 8)
    assert table[pos, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-6)
    assert table[pos, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-6)
    assert "sinusoids" not in model.state_dict()  # fixed, not learned or saved


def test_count_parameters_by_hand():
    e, h, v = 4, 6, 5
    model = LSTMLanguageModel(v, embed_dim=e, hidden_size=h, num_layers=1, dropout=0.0)
    # embedding + LSTM (4 gates: input and hidden weights, two biases) + output layer
    expected = v * e + 4 * h * (e + h) + 2 * 4 * h + h * v + v
    assert count_parameters(model) == expected
    tied = TransformerLanguageModel(v, d_model=8, n_heads=2, n_layers=1, max_len=4)
    untied = TransformerLanguageModel(v, d_model=8, n_heads=2, n_layers=1, max_len=4, tie_weights=False)
    assert count_parameters(untied) - count_parameters(tied) == v * 8


def test_gradients_reach_every_parameter():
    for model in _models(feature_sizes=(3,)).values():
        ids = torch.randint(0, V, (2, 7))
        features = torch.randint(0, 3, (2, 7, 1))
        model(ids, features).logsumexp(-1).sum().backward()
        missing = [n for n, p in model.named_parameters() if p.grad is None]
        assert not missing


@pytest.mark.parametrize("call, message", [
    (lambda m: m(torch.zeros(5, dtype=torch.long)), r"shape \(batch, time\)"),
    (lambda m: m(torch.zeros(1, 5)), "integer token ids"),
    (lambda m: m(torch.full((1, 5), V)), r"token ids must lie in \[0, 12\)"),
    (lambda m: m(torch.zeros(1, 5, dtype=torch.long), torch.zeros(1, 5, 1, dtype=torch.long)), "without feature_sizes"),
])
@pytest.mark.parametrize("name", ["lstm", "transformer-learned"])
def test_bad_input(name, call, message):
    with pytest.raises(ValueError, match=message):
        call(_models()[name])


def test_too_long_sequence_and_bad_configs():
    model = TransformerLanguageModel(V, d_model=8, n_heads=2, n_layers=1, max_len=4)
    with pytest.raises(ValueError, match="longer than max_len=4"):
        model(torch.zeros(1, 5, dtype=torch.long))
    with pytest.raises(ValueError, match="divisible by n_heads"):
        TransformerLanguageModel(V, d_model=10, n_heads=3)
    with pytest.raises(ValueError, match="'learned' or 'sinusoidal'"):
        TransformerLanguageModel(V, positions="rotary")
    with pytest.raises(ValueError, match="dropout must be a probability"):
        LSTMLanguageModel(V, dropout=1.5)
    with pytest.raises(ValueError, match="vocab_size must be a positive int"):
        LSTMLanguageModel(0)
    with pytest.raises(ValueError, match="torch.nn.Module"):
        count_parameters("model")


# ------------------------------------------------------------ attention_weights (notebook 10)


@pytest.mark.parametrize("positions", ["learned", "sinusoidal"])
def test_attention_weights_shape_rows_and_causal_mask(positions):
    torch.manual_seed(0)
    model = TransformerLanguageModel(V, d_model=16, n_heads=4, n_layers=3, max_len=32, dropout=0.1,
                                     positions=positions)
    ids = torch.randint(0, V, (2, 9))
    w = model.attention_weights(ids)
    assert w.shape == (3, 2, 4, 9, 9)
    assert torch.allclose(w.sum(-1), torch.ones(3, 2, 4, 9), atol=1e-6)      # each row is a distribution
    assert torch.equal(w.triu(1), torch.zeros_like(w))                        # the future: exactly 0
    assert (w[..., torch.ones(9, 9, dtype=torch.bool).tril()] > 0).all()      # every earlier position: > 0
    assert model.training and not w.requires_grad                             # mode restored, no graph kept


def test_attention_weights_match_a_manual_computation():
    torch.manual_seed(1)
    model = TransformerLanguageModel(V, d_model=8, n_heads=2, n_layers=2, max_len=16, dropout=0.0).eval()
    ids = torch.randint(0, V, (1, 6))
    x = model.inputs.token(ids) + model.position(torch.arange(6))
    block = model.blocks[0]
    q, k, v = block.qkv(block.norm1(x)).split(8, dim=-1)
    q, k, v = (t.view(1, 6, 2, 4).transpose(1, 2) for t in (q, k, v))
    scores = q @ k.transpose(-1, -2) / math.sqrt(4)
    scores = scores.masked_fill(torch.triu(torch.ones(6, 6, dtype=torch.bool), diagonal=1), float("-inf"))
    expected = F.softmax(scores, dim=-1)
    w = model.attention_weights(ids)
    assert torch.allclose(w[0], expected, atol=1e-6)
    # They are the weights the forward pass uses: weights @ values gives the block's attention output.
    assert torch.allclose(w[0] @ v, F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-6)
    # The second layer sees the first layer's output.
    second = model.blocks[1].attention_weights(block(x))
    assert torch.allclose(w[1], second, atol=1e-6)


def test_attention_weights_with_features_and_errors():
    model = TransformerLanguageModel(V, d_model=8, n_heads=2, n_layers=1, max_len=4, feature_sizes=(3,))
    ids = torch.zeros(1, 4, dtype=torch.long)
    assert model.attention_weights(ids, torch.ones(1, 4, 1, dtype=torch.long)).shape == (1, 1, 2, 4, 4)
    with pytest.raises(ValueError, match="needs features of shape"):
        model.attention_weights(ids)
    with pytest.raises(ValueError, match="longer than max_len=4"):
        model.attention_weights(torch.zeros(1, 5, dtype=torch.long), torch.zeros(1, 5, 1, dtype=torch.long))
