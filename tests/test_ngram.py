"""n-gram models: PPM-C / Witten-Bell / add-k probabilities, bits per note, the kinder anchors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musiclearn.ngram import START, NGramModel, cross_validate, entropy_weighted_mixture

ALPHABET = list(range(5))
sequences = st.lists(st.lists(st.sampled_from(ALPHABET), min_size=0, max_size=12), min_size=0, max_size=6)
contexts = st.lists(st.sampled_from(ALPHABET), max_size=6)


@settings(max_examples=60, deadline=None)
@given(train=sequences, context=contexts, order=st.integers(1, 5),
       smoothing=st.sampled_from(["ppm-c", "witten-bell", "add-k"]))
def test_fixed_alphabet_distribution_sums_to_one(train, context, order, smoothing):
    model = NGramModel(order, alphabet=ALPHABET, smoothing=smoothing, k=0.5).fit(train)
    dist = model.distribution(context)
    assert dist.shape == (len(ALPHABET),)
    assert np.all(dist > 0)
    assert math.isclose(dist.sum(), 1.0, rel_tol=1e-12)
    assert [model.prob(s, context) for s in ALPHABET] == pytest.approx(dist.tolist())


@settings(max_examples=60, deadline=None)
@given(train=sequences, context=contexts, order=st.integers(1, 5),
       smoothing=st.sampled_from(["ppm-c", "witten-bell", "add-k"]))
def test_learned_alphabet_leaves_mass_for_new_symbols(train, context, order, smoothing):
    model = NGramModel(order, smoothing=smoothing, universe_size=10).fit(train)
    seen = model.distribution(context)
    novel = model.novel_probability(context)
    assert novel > 0
    assert math.isclose(seen.sum() + novel, 1.0, rel_tol=1e-12)
    # Over the whole universe of 10 symbols the probabilities sum to 1 and none is 0.
    everything = model.distribution(context, over=range(10))
    assert math.isclose(everything.sum(), 1.0, rel_tol=1e-12)
    assert np.all(everything > 0)
    # The fast path for ranges agrees with the general one, symbol by symbol.
    assert everything.tolist() == model.distribution(context, over=list(range(10))).tolist()
    assert everything.tolist() == [model.prob(s, context) for s in range(10)]


def test_ppm_c_by_hand():
    # Training "a b a b" with a start marker. Counts:
    #   order 0: a 2, b 2;  order 1: START -> a 1;  a -> b 2;  b -> a 1.
    model = NGramModel(2, alphabet="abc").fit([["a", "b", "a", "b"]])
    # After START: a = 1/2 (seen 1 time, 1 type); escape 1/2 to order 0 with a
    # excluded: b = 2/3 of it; escape 1/3 of it to the uniform over {c}.
    assert model.prob("a", []) == pytest.approx(1 / 2)
    assert model.prob("b", []) == pytest.approx(1 / 3)
    assert model.prob("c", []) == pytest.approx(1 / 6)
    # After a: b = 2/3; escape 1/3: order 0 without b gives a 2/3 of it, c the rest.
    assert model.distribution(["a"]) == pytest.approx([2 / 9, 2 / 3, 1 / 9])
    # After b: a = 1/2; escape 1/2: b = 2/3 of it; c = 1/6.
    assert model.prob("c", ["b"]) == pytest.approx(1 / 6)
    expected = (-math.log2(1 / 2) - math.log2(2 / 3) - math.log2(1 / 6)) / 3
    assert model.bits_per_symbol([["a", "b", "c"]]) == pytest.approx(expected)
    assert model.sequence_bits(["a", "b", "c"]) == pytest.approx([1.0, -math.log2(2 / 3), -math.log2(1 / 6)])


def test_witten_bell_by_hand():
    model = NGramModel(2, alphabet="abc", smoothing="witten-bell").fit([["a", "b", "a", "b"]])
    # Order 0 interpolated with the uniform: a = 2/6 + (2/6)(1/3) = 4/9.
    # After START: 1/2 + (1/2)(4/9) = 13/18 (no exclusion: a keeps the lower-order share).
    assert model.prob("a", []) == pytest.approx(13 / 18)
    assert model.prob("c", []) == pytest.approx((1 / 2) * (2 / 6) * (1 / 3))


def test_add_k_by_hand():
    model = NGramModel(2, alphabet=[0, 1, 2], smoothing="add-k", k=1).fit([[0, 1, 0, 1]])
    # Context (0,) was followed by 1 twice: (2 + 1) / (2 + 3).
    assert model.prob(1, [0]) == pytest.approx(3 / 5)
    assert model.prob(2, [0]) == pytest.approx(1 / 5)
    # An unseen context falls back to the uniform distribution.
    assert model.prob(0, [2]) == pytest.approx(1 / 3)


def test_more_context_helps_on_a_repetitive_tune():
    tune = [60, 62, 64, 65, 67, 65, 64, 62] * 6
    unigram = NGramModel(1).fit([tune])
    trigram = NGramModel(3).fit([tune])
    assert trigram.bits_per_symbol([tune]) < 0.5 < unigram.bits_per_symbol([tune])


def test_update_builds_the_same_counts_as_fit():
    tunes = [[60, 62, 64, 62, 60], [67, 65, 64, 62, 60, 62]]
    fitted = NGramModel(3).fit(tunes)
    incremental = NGramModel(3)
    for tune in tunes:
        for i, pitch in enumerate(tune):
            incremental.update(pitch, tune[:i])
    for context in ([], [60], [60, 62], [62, 60], [65, 64]):
        assert np.array_equal(fitted.distribution(context), incremental.distribution(context))


def test_numpy_integer_symbols_behave_like_ints():
    tune = np.array([60, 62, 64, 62, 60])
    model = NGramModel(2, universe_size=128).fit([tune])
    plain = NGramModel(2, universe_size=128).fit([tune.tolist()])
    assert model.distribution([62], over=range(128)).tolist() == plain.distribution([62], over=range(128)).tolist()


def test_start_marker_is_learned():
    model = NGramModel(2).fit([[67, 64], [67, 62], [67, 65]])
    assert model.prob(67, []) > 0.7  # every tune starts on 67
    assert model.prob(67, [64]) < model.prob(67, [])
    assert repr(START) == "START"


def test_novel_pitch_gets_its_share_of_the_escape():
    model = NGramModel(1, universe_size=128).fit([[60, 62, 60]])
    novel = model.novel_probability()
    # 126 pitches never seen share the novel mass equally.
    assert model.prob(90) == pytest.approx(novel / 126)
    assert model.prob(91) == model.prob(90)
    assert math.isfinite(model.sequence_bits([90])[0])


def test_fixed_alphabet_rejects_unknown_symbols_clearly():
    model = NGramModel(2, alphabet=[60, 62])
    with pytest.raises(ValueError, match="not in the model's alphabet"):
        model.fit([[60, 64]])
    assert model.prob(64, [60]) == 0.0


@pytest.mark.parametrize("kwargs, message", [
    (dict(order=0), "order must be"),
    (dict(order=2, smoothing="kneser"), "smoothing must be one of"),
    (dict(order=2, k=0), "k must be a positive number"),
    (dict(order=2, alphabet=[]), "at least one symbol"),
    (dict(order=2, alphabet=[1], universe_size=5), "universe_size only applies"),
])
def test_bad_arguments(kwargs, message):
    order = kwargs.pop("order")
    with pytest.raises(ValueError, match=message):
        NGramModel(order, **kwargs)


def test_bad_sequences():
    model = NGramModel(2)
    with pytest.raises(ValueError, match="list of sequences"):
        model.fit(5)
    with pytest.raises(ValueError, match="wrap it in a list"):
        model.fit([60, 62])
    with pytest.raises(ValueError, match="at least one non-empty"):
        model.fit([[60]]).bits_per_symbol([[]])


def test_generate_is_seeded_and_stays_in_the_alphabet():
    model = NGramModel(3).fit([[60, 62, 64, 65, 67, 65, 64, 62, 60]])
    a = model.generate(20, seed=1)
    assert a == model.generate(20, seed=1)
    assert set(a) <= set(model.alphabet)
    assert len(model.generate(5, prompt=[60, 62], seed=0)) == 5
    with pytest.raises(ValueError, match="no alphabet yet"):
        NGramModel(2).generate(3)


def test_entropy_weighted_mixture_trusts_the_confident_model():
    sure = np.array([0.9, 0.05, 0.03, 0.02])
    unsure = np.full(4, 0.25)
    mixed = entropy_weighted_mixture([sure, unsure], bias=2.0)
    assert mixed.sum() == pytest.approx(1.0)
    assert 0.5 * (0.9 + 0.25) < mixed[0] < 0.9
    # bias 0: plain average.
    assert entropy_weighted_mixture([sure, unsure], bias=0.0) == pytest.approx((sure + unsure) / 2)
    geo = entropy_weighted_mixture([sure, unsure], geometric=True)
    assert geo.sum() == pytest.approx(1.0) and geo.argmax() == 0
    with pytest.raises(ValueError, match="same symbols"):
        entropy_weighted_mixture([sure, np.ones(3) / 3])


@pytest.fixture
def kinder():
    from musiclearn import corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return corpus.melodies("kinder0")


def test_kinder_anchors(kinder):
    """The benchmark's own baselines (README, the kinder melody benchmark): unigram 3.39, trigram PPM-C 2.62 bits/note."""
    scores = cross_validate(kinder, orders=[1, 3], folds=10)
    assert len(scores[1]) == len(scores[3]) == 10
    assert np.mean(scores[1]) == pytest.approx(3.39, abs=0.05)
    assert np.mean(scores[3]) == pytest.approx(2.62, abs=0.05)
