"""generate: logit filtering, seeded sampling from a model, continuation, MIDI and audio export."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from musiclearn import generate, midi
from musiclearn.corpus import Melody, Note
from musiclearn.generate import filter_logits, probabilities, sample, sample_many


# --------------------------------------------------------------------------- tiny models

class FixedLogits(torch.nn.Module):
    """Always the same logits, whatever the input; records how it was called."""

    def __init__(self, logits):
        super().__init__()
        self.register_buffer("logits", torch.as_tensor(logits, dtype=torch.float32))
        self.calls = []

    def forward(self, ids):
        self.calls.append({"shape": tuple(ids.shape), "training": self.training,
                           "grad": torch.is_grad_enabled(), "ids": ids.clone()})
        return self.logits.expand(*ids.shape, -1).clone()


class CountUp(torch.nn.Module):
    """Strongly predicts (last token + 1) mod V: a deterministic 'melody'."""

    def __init__(self, vocab=7):
        super().__init__()
        self.vocab = vocab
        self.weight = torch.nn.Parameter(torch.zeros(1))  # gives the module a device

    def forward(self, ids):
        nxt = (ids + 1) % self.vocab
        return torch.nn.functional.one_hot(nxt, self.vocab).float() * 20.0 + self.weight


def _kept(z):
    return set(np.flatnonzero(np.isfinite(z)).tolist())


# --------------------------------------------------------------------------- filter_logits

def test_temperature_divides_the_logits_and_sharpens_or_flattens():
    z = np.array([2.0, 1.0, 0.0, -1.0])
    np.testing.assert_allclose(filter_logits(z, temperature=0.5), z / 0.5)
    np.testing.assert_allclose(filter_logits(z), z)

    def entropy(p):
        return float(-(p * np.log2(p)).sum())

    cold, normal, hot = (probabilities(z, temperature=t) for t in (0.5, 1.0, 2.0))
    assert entropy(cold) < entropy(normal) < entropy(hot) < 2.0  # 2 bits = uniform over 4


def test_top_k_keeps_the_k_largest():
    z = np.array([0.1, 3.0, -2.0, 2.5, 0.7])
    assert _kept(filter_logits(z, top_k=1)) == {1}
    assert _kept(filter_logits(z, top_k=3)) == {1, 3, 4}
    assert _kept(filter_logits(z, top_k=5)) == set(range(5))
    assert _kept(filter_logits(z, top_k=50)) == set(range(5))  # larger than the vocabulary: keep all
    # The kept ones keep their (scaled) values.
    out = filter_logits(z, top_k=2, temperature=2.0)
    np.testing.assert_allclose(out[[1, 3]], z[[1, 3]] / 2)


def test_top_k_keeps_ties_with_the_kth_largest():
    z = np.array([1.0, 2.0, 1.0, 0.0])
    assert _kept(filter_logits(z, top_k=2)) == {0, 1, 2}


def test_top_p_keeps_the_smallest_set_reaching_p():
    z = np.log(np.array([0.1, 0.5, 0.05, 0.3, 0.05]))
    assert _kept(filter_logits(z, top_p=0.5)) == {1}           # 0.5 alone reaches 0.5
    assert _kept(filter_logits(z, top_p=0.51)) == {1, 3}
    assert _kept(filter_logits(z, top_p=0.8)) == {1, 3}        # 0.5 + 0.3 reaches 0.8 exactly
    assert _kept(filter_logits(z, top_p=0.85)) == {0, 1, 3}
    assert _kept(filter_logits(z, top_p=1.0)) == set(range(5))
    assert _kept(filter_logits(z, top_p=1e-6)) == {1}          # always at least the most likely


def test_top_p_works_on_the_temperature_scaled_distribution():
    z = np.log(np.array([0.6, 0.3, 0.1]))
    assert _kept(filter_logits(z, top_p=0.6)) == {0}
    # At temperature 3 the distribution flattens: 0.6 no longer reaches 0.6 by itself.
    flat = probabilities(z, temperature=3.0)
    assert flat[0] < 0.6
    assert _kept(filter_logits(z, top_p=0.6, temperature=3.0)) == {0, 1}


def test_top_k_then_top_p_on_the_renormalised_rest():
    z = np.log(np.array([0.4, 0.3, 0.2, 0.1]))
    # After top-k=2 the distribution is (4/7, 3/7): 4/7 = 0.571 >= 0.55 keeps one token...
    assert _kept(filter_logits(z, top_k=2, top_p=0.55)) == {0}
    # ... while without top-k 0.4 < 0.55 needs a second.
    assert _kept(filter_logits(z, top_p=0.55)) == {0, 1}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-20, 20), min_size=1, max_size=30), st.floats(0.01, 1.0), st.integers(1, 40),
       st.floats(0.2, 5.0))
def test_filtering_properties(values, p, k, temperature):
    z = np.array(values)
    probs = probabilities(z, temperature=temperature)
    out = filter_logits(z, temperature=temperature, top_k=k, top_p=p)
    kept = np.isfinite(out)
    assert kept.any()
    # top-k: never more than k, unless tied at the boundary.
    kth = np.sort(z)[::-1][min(k, len(z)) - 1]
    assert set(np.flatnonzero(kept)) <= set(np.flatnonzero(z >= kth))
    # top-p alone: the kept mass reaches p, and dropping the least likely kept token would not.
    only_p = np.isfinite(filter_logits(z, temperature=temperature, top_p=p))
    mass = probs[only_p].sum()
    assert mass >= p - 1e-6
    assert mass - probs[only_p].min() < p + 1e-6
    # Every kept token is at least as likely as every dropped one.
    if (~only_p).any():
        assert probs[only_p].min() >= probs[~only_p].max() - 1e-12
    # Kept logits are the scaled input.
    np.testing.assert_allclose(out[kept], z[kept] / temperature)


def test_rows_are_filtered_independently_and_input_is_untouched():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(3, 4, 9))
    before = z.copy()
    out = filter_logits(z, temperature=0.7, top_k=4, top_p=0.8)
    np.testing.assert_array_equal(z, before)
    for i in range(3):
        for j in range(4):
            np.testing.assert_array_equal(out[i, j], filter_logits(z[i, j], temperature=0.7, top_k=4, top_p=0.8))


def test_torch_and_numpy_agree_and_torch_stays_torch():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(5, 12)).astype(np.float32)
    for options in ({"temperature": 0.8}, {"top_k": 3}, {"top_p": 0.7}, {"temperature": 1.3, "top_k": 6, "top_p": 0.9}):
        a = filter_logits(z, **options)
        b = filter_logits(torch.from_numpy(z), **options)
        assert isinstance(b, torch.Tensor) and b.dtype == torch.float32 and b.shape == (5, 12)
        np.testing.assert_array_equal(np.isfinite(a), torch.isfinite(b).numpy())
        np.testing.assert_allclose(a[np.isfinite(a)], b.numpy()[np.isfinite(a)], rtol=1e-6)


def test_already_excluded_tokens_stay_excluded():
    z = np.array([-np.inf, 1.0, 0.5, -np.inf])
    assert _kept(filter_logits(z, top_k=3)) == {1, 2}
    assert _kept(filter_logits(z, top_p=1.0)) == {1, 2}
    p = probabilities(z)
    assert p[0] == p[3] == 0 and math.isclose(p.sum(), 1.0)


@pytest.mark.parametrize("options, words", [
    ({"temperature": 0}, "temperature must be a positive"),
    ({"temperature": -1.0}, "temperature must be a positive"),
    ({"temperature": float("nan")}, "temperature"),
    ({"temperature": True}, "temperature"),
    ({"top_k": 0}, "top_k must be a whole number >= 1"),
    ({"top_k": 2.5}, "top_k"),
    ({"top_k": -3}, "top_k"),
    ({"top_p": 0.0}, "0 < top_p <= 1"),
    ({"top_p": 1.5}, "0 < top_p <= 1"),
    ({"top_p": float("nan")}, "top_p"),
])
def test_bad_options_are_explained(options, words):
    with pytest.raises(ValueError, match=words):
        filter_logits(np.zeros(4), **options)


@pytest.mark.parametrize("logits, words", [
    (np.array([0.0, np.nan]), "NaN"),
    (np.array([[0.0, 1.0], [-np.inf, -np.inf]]), "every logit of a row is -inf"),
    (np.zeros(0), "at least one entry"),
    (np.array(3.0), "at least one entry"),
    (np.array([np.inf, 0.0]), r"\+inf"),
    ("abc", "numbers"),
    (torch.tensor([0.0, float("nan")]), "NaN"),
    (torch.full((2,), float("-inf")), "every logit"),
])
def test_bad_logits_are_explained(logits, words):
    with pytest.raises(ValueError, match=words):
        filter_logits(logits)


# --------------------------------------------------------------------------- sample

def test_same_seed_same_tokens_different_seed_different_tokens():
    model = FixedLogits(torch.zeros(10))
    a = sample(model, [0], steps=40, seed=7)
    b = sample(model, [0], steps=40, seed=7)
    c = sample(model, [0], steps=40, seed=8)
    assert a == b and a != c
    assert len(a) == 41 and a[0] == 0 and all(0 <= t < 10 for t in a)


def test_draws_follow_the_shaped_distribution():
    p = np.array([0.6, 0.25, 0.1, 0.05])
    model = FixedLogits(np.log(p))
    steps = 4000
    drawn = np.array(sample(model, [0], steps=steps, seed=0)[1:])
    freq = np.bincount(drawn, minlength=4) / steps
    assert np.abs(freq - p).max() < 0.03  # ~4 standard errors
    hot = probabilities(np.log(p), temperature=2.0)
    drawn_hot = np.array(sample(model, [0], steps=steps, seed=1, temperature=2.0)[1:])
    assert np.abs(np.bincount(drawn_hot, minlength=4) / steps - hot).max() < 0.03
    assert set(sample(model, [0], steps=300, seed=2, top_k=2)[1:]) == {0, 1}
    assert set(sample(model, [0], steps=300, seed=3, top_p=0.8)[1:]) == {0, 1}  # 0.6 + 0.25 >= 0.8
    assert set(sample(model, [0], steps=50, seed=4, top_k=1)[1:]) == {0}


def test_the_model_sees_the_growing_sequence():
    out = sample(CountUp(7), [3], steps=9, top_k=1, seed=0)
    assert out == [3, 4, 5, 6, 0, 1, 2, 3, 4, 5]


def test_end_id_stops_and_is_included():
    out = sample(CountUp(7), [2], steps=20, top_k=1, end_id=5)
    assert out == [2, 3, 4, 5]
    assert sample(CountUp(7), [2], steps=0) == [2]


def test_runs_in_eval_mode_without_gradients_and_restores_the_mode():
    model = FixedLogits(torch.zeros(4))
    model.train()
    sample(model, [1, 2], steps=3, seed=0)
    assert model.training  # restored
    assert all(not c["training"] and not c["grad"] for c in model.calls)
    assert [c["shape"] for c in model.calls] == [(1, 2), (1, 3), (1, 4)]
    model.eval()
    sample(model, [1], steps=1, seed=0)
    assert not model.training


def test_context_is_cropped_to_the_models_max_len():
    model = FixedLogits(torch.zeros(4))
    model.max_len = 3
    out = sample(model, [0, 1, 2, 3, 0], steps=4, seed=0)
    assert len(out) == 9
    assert max(c["shape"][1] for c in model.calls) == 3
    # The last 3 tokens are what the model saw.
    last_call = model.calls[-1]["ids"][0].tolist()
    assert last_call == out[-4:-1]
    model.calls.clear()
    sample(model, [0, 1, 2, 3, 0], steps=2, seed=0, max_context=2)
    assert {c["shape"][1] for c in model.calls} == {2}


def test_prompt_list_is_not_modified():
    prompt = [1, 2]
    sample(CountUp(5), prompt, steps=3, seed=0)
    assert prompt == [1, 2]
    # numpy and torch prompts work too
    assert sample(CountUp(5), np.array([1, 2]), steps=2, top_k=1) == [1, 2, 3, 4]
    assert sample(CountUp(5), torch.tensor([1, 2]), steps=2, top_k=1) == [1, 2, 3, 4]


class WrongShape(torch.nn.Module):
    def forward(self, ids):
        return torch.zeros(ids.shape[0], 5)


class NaNModel(torch.nn.Module):
    def forward(self, ids):
        return torch.full((*ids.shape, 3), float("nan"))


@pytest.mark.parametrize("model, prompt, kwargs, words", [
    (CountUp(5), [], {"steps": 3}, "empty"),
    (CountUp(5), [7], {"steps": 3}, "knows only 5 tokens"),
    (CountUp(5), [-1], {"steps": 3}, "token id"),
    (CountUp(5), [1.5], {"steps": 3}, "token id"),
    (CountUp(5), [1], {"steps": -1}, "steps"),
    (CountUp(5), [1], {"steps": 2, "seed": -4}, "seed"),
    (CountUp(5), [1], {"steps": 2, "temperature": 0}, "temperature"),
    (WrongShape(), [1], {"steps": 2}, r"\(batch, time, vocab_size\)"),
    (NaNModel(), [1], {"steps": 2}, "NaN"),
    (lambda ids: ids, [1], {"steps": 2}, "torch.nn.Module"),
])
def test_bad_sampling_input_is_explained(model, prompt, kwargs, words):
    with pytest.raises(ValueError, match=words):
        sample(model, prompt, **kwargs)


def test_sample_many_is_reproducible_and_stops_each_sequence_at_end():
    model = FixedLogits(np.log([0.2, 0.2, 0.2, 0.2, 0.2]))
    a = sample_many(model, [0], n=6, steps=30, seed=3, end_id=4)
    b = sample_many(model, [0], n=6, steps=30, seed=3, end_id=4)
    assert a == b and len(a) == 6
    for seq in a:
        assert seq[0] == 0 and len(seq) <= 31
        assert 4 not in seq[1:-1]                      # nothing after the end token
        assert seq[-1] == 4 or len(seq) == 31
    assert len({tuple(s) for s in a}) > 1
    ones = sample_many(CountUp(6), [1], n=3, steps=3, top_k=1)
    assert ones == [[1, 2, 3, 4]] * 3


def test_sample_many_follows_the_distribution():
    p = np.array([0.5, 0.3, 0.2])
    seqs = sample_many(FixedLogits(np.log(p)), [0], n=200, steps=20, seed=0)
    drawn = np.array([t for s in seqs for t in s[1:]])
    assert np.abs(np.bincount(drawn, minlength=3) / drawn.size - p).max() < 0.03
    with pytest.raises(ValueError, match="n must be"):
        sample_many(CountUp(3), [0], n=0, steps=2)


# --------------------------------------------------------------------------- continue_tune

class PitchTokenizer:
    """A minimal tokenizer with the EventTokenizer interface: one token per quarter-note pitch."""

    bos_id, eos_id, pad_id, offset = 0, 1, 2, 3

    def encode(self, melody):
        return [self.bos_id, *(p - 60 + self.offset for p in melody.pitches), self.eos_id]

    def decode(self, ids):
        pitches = [i - self.offset + 60 for i in ids if i >= self.offset]
        return Melody.from_pitches(pitches)


def _tune():
    return Melody.from_pitches([60, 62, 64, 65, 67, 65, 64, 62, 60], title="scale", source="test:0")


def test_continuation_keeps_the_prompt_and_is_seeded():
    tok = PitchTokenizer()
    model = FixedLogits(torch.zeros(3 + 12))
    tune = _tune()
    a = generate.continue_tune(model, tok, tune, n_prompt_notes=4, steps=10, seed=5)
    b = generate.continue_tune(model, tok, tune, n_prompt_notes=4, steps=10, seed=5)
    c = generate.continue_tune(model, tok, tune, n_prompt_notes=4, steps=10, seed=6)
    assert a.pitches[:4] == tune.pitches[:4]
    assert a == b and a.pitches != c.pitches
    assert a.title == "scale" and a.source == "test:0 continued"
    # The prompt held no end token: the model saw the bos and 4 note tokens first.
    first_call = model.calls[0]["ids"][0].tolist()
    assert first_call == [0, 3, 5, 7, 8]


def test_continuation_stops_at_the_end_token():
    tok = PitchTokenizer()
    logits = torch.full((15,), -30.0)
    logits[tok.eos_id] = 30.0
    out = generate.continue_tune(FixedLogits(logits), tok, _tune(), n_prompt_notes=3, steps=20, seed=0)
    assert out.pitches == (60, 62, 64)


def test_continuation_options_are_checked():
    tok = PitchTokenizer()
    model = FixedLogits(torch.zeros(15))
    for bad in (0, 10, 2.0):
        with pytest.raises(ValueError, match="n_prompt_notes"):
            generate.continue_tune(model, tok, _tune(), n_prompt_notes=bad)
    with pytest.raises(ValueError, match="corpus.Melody"):
        generate.continue_tune(model, tok, [60, 62], n_prompt_notes=1)


# --------------------------------------------------------------------------- MIDI and audio

def test_melody_events_turn_gaps_into_rests_and_cut_overlaps():
    m = Melody([Note(60, 1.0, 0.5), Note(62, 2.0, 1.5), Note(64, 1.0, 2.5), Note(65, 0.5, 2.5),
                Note(67, 1.0, 4.0)])
    pitches, durations = generate.melody_events(m)
    # 64 and 65 start together: the later-listed 65 wins; 62 is cut where 64/65 start.
    assert pitches == [None, 60, 62, 65, None, 67]
    np.testing.assert_allclose(durations, [0.5, 1.0, 1.0, 0.5, 1.0, 1.0])
    assert generate.melody_events([60, 67]) == ([60, 67], [1.0, 1.0])
    with pytest.raises(ValueError, match="MIDI pitch"):
        generate.melody_events([60, 200])
    with pytest.raises(ValueError, match="corpus.Melody"):
        generate.melody_events("C D E")


def test_to_midi_places_notes_in_seconds():
    m = Melody([Note(60, 1.0, 0.0), Note(64, 0.5, 2.0), Note(67, 1.5, 2.5)])
    pm = generate.to_midi(m, program=40, bpm=120)
    notes = pm.instruments[0].notes
    assert pm.instruments[0].program == 40
    assert [n.pitch for n in notes] == [60, 64, 67]
    np.testing.assert_allclose([(n.start, n.end) for n in notes], [(0, 0.5), (1.0, 1.25), (1.25, 2.0)])
    with pytest.raises(ValueError, match="bpm"):
        generate.to_midi(m, bpm=0)
    with pytest.raises(ValueError, match="program"):
        generate.to_midi(m, program=200)


def test_save_midi_round_trips(tmp_path):
    m = Melody.from_pitches([67, 64, 64, 65, 62, 62], duration=0.5)
    path = generate.save_midi(m, tmp_path / "out" / "tune.mid", bpm=90)
    assert path.is_file()
    pm = midi.load(path)
    notes = pm.instruments[0].notes
    assert [n.pitch for n in notes] == list(m.pitches)
    np.testing.assert_allclose([n.end - n.start for n in notes], [0.5 * 60 / 90] * 6, atol=1e-3)


def test_to_audio_lasts_as_long_as_the_tune():
    y = generate.to_audio([69, 69], sr=8000, bpm=120)     # two half-second A4s
    assert y.dtype == np.float32 and y.ndim == 1
    assert 8000 <= len(y) <= 8000 * 3                    # 1 s of notes (+ FluidSynth's release)
    assert np.isclose(np.abs(y).max(), 1.0)
    assert np.abs(y[: 8000]).max() > 0.1
