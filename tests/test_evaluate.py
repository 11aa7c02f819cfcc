"""evaluate: bits per note, accuracy, memorization report, musical statistics and their distances."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon as scipy_js

from musiclearn import evaluate
from musiclearn.corpus import Melody, Note
from musiclearn.evaluate import (MemorizationIndex, accuracy, bits_per_note, compare_statistics, in_scale_rate,
                                 jensen_shannon, memorization_report, musical_statistics, total_variation)


# --------------------------------------------------------------------------- bits per note, accuracy

def test_bits_per_note_from_log_probabilities():
    assert bits_per_note(np.log([0.5, 0.25, 0.125])) == pytest.approx(2.0)
    assert bits_per_note(torch.log(torch.tensor([0.5, 0.5]))) == pytest.approx(1.0)
    assert bits_per_note([0.0]) == 0.0


def test_bits_per_note_from_logits_and_targets():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 5, 7))
    targets = rng.integers(0, 7, size=(2, 5))
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expected = -np.mean(np.log2(np.take_along_axis(p, targets[..., None], -1)))
    assert bits_per_note(logits, targets) == pytest.approx(expected)
    # log-probabilities give the same answer as logits (log-softmax is idempotent)
    assert bits_per_note(np.log(p), targets) == pytest.approx(expected)
    assert bits_per_note(torch.from_numpy(logits), torch.from_numpy(targets)) == pytest.approx(expected)
    # the same as torch's cross-entropy in nats / ln 2
    ce = torch.nn.functional.cross_entropy(torch.from_numpy(logits).reshape(-1, 7), torch.from_numpy(targets).reshape(-1))
    assert bits_per_note(logits, targets) == pytest.approx(float(ce) / math.log(2))
    assert bits_per_note(np.zeros((4, 32)), [1, 2, 3, 4]) == pytest.approx(5.0)  # uniform over 32


def test_padding_is_ignored():
    logits = np.log(np.array([[0.5, 0.5, 1e-12], [0.25, 0.75, 1e-12], [1 / 3, 1 / 3, 1 / 3]]))
    targets = np.array([0, 1, 2])
    with_pad = bits_per_note(logits, targets, ignore_index=2)
    assert with_pad == pytest.approx((1 + math.log2(4 / 3)) / 2)
    assert accuracy(logits, targets, ignore_index=2) == 1.0  # row 0 is a tie: argmax picks 0, right
    assert accuracy(logits, targets) == pytest.approx(2 / 3)  # the uniform row: argmax 0 != 2


@pytest.mark.parametrize("args, words", [
    ((np.array([0.1, -1.0]),), "natural-log probabilities"),
    ((np.array([]),), "nothing to score"),
    ((np.zeros((3, 4)), np.zeros(2, dtype=int)), "targets of shape"),
    ((np.zeros((2, 4)), np.array([0, 4])), "ids from 0 to 3"),
    ((np.zeros((2, 4)), np.array([0.0, 1.0])), "integer"),
    ((np.full((2, 4), np.nan), np.array([0, 1])), "NaN"),
])
def test_bad_scores_are_explained(args, words):
    with pytest.raises(ValueError, match=words):
        bits_per_note(*args)


def test_everything_padding_is_explained():
    with pytest.raises(ValueError, match="only padding"):
        accuracy(np.zeros((2, 3)), [0, 0], ignore_index=0)


def test_perplexity():
    assert evaluate.perplexity(0.0) == 1.0
    assert evaluate.perplexity(2.62) == pytest.approx(6.15, abs=0.01)
    with pytest.raises(ValueError, match="bits"):
        evaluate.perplexity(-1.0)


# --------------------------------------------------------------------------- memorization: a slow, obvious reference

def _brute_force(generated, training, n):
    """Longest common run of notes (by intervals) and share of n-note windows found, the slow way."""
    def intervals(p):
        return [b - a for a, b in zip(p, p[1:])]

    train_iv = [intervals(t) for t in training]
    has_note = any(len(t) for t in training)
    gi = intervals(generated)
    if not generated or not has_note:
        longest = 0
    else:
        best = 0
        for tv in train_iv:
            for i in range(len(gi)):
                for j in range(len(tv)):
                    k = 0
                    while i + k < len(gi) and j + k < len(tv) and gi[i + k] == tv[j + k]:
                        k += 1
                    best = max(best, k)
        longest = best + 1
    windows = len(generated) - n + 1
    if windows <= 0:
        overlap = None
    elif not has_note:
        overlap = 0.0
    else:
        grams = {tuple(tv[j:j + n - 1]) for tv, t in zip(train_iv, training) if len(t) >= n
                 for j in range(len(t) - n + 1)}
        found = sum(tuple(gi[s:s + n - 1]) in grams for s in range(windows))
        overlap = found / windows
    return longest, overlap


melody_strategy = st.lists(st.integers(55, 62), min_size=0, max_size=14)


@settings(max_examples=150, deadline=None)
@given(st.lists(melody_strategy, min_size=1, max_size=5), st.lists(melody_strategy, min_size=0, max_size=6),
       st.integers(1, 5))
def test_memorization_report_agrees_with_brute_force(generated, training, n):
    report = memorization_report(generated, training, n=n)
    for i, g in enumerate(generated):
        longest, overlap = _brute_force(g, training, n)
        assert report["longest_match"][i] == longest
        assert report["per_melody"][i]["longest_match"] == longest
        if overlap is None:
            assert report["ngram_overlap"][i] is None
        else:
            assert report["ngram_overlap"][i] == pytest.approx(overlap)
        entry = report["per_melody"][i]
        if longest:  # the reported location really holds the match
            t, ts, gs = entry["training_index"], entry["training_start"], entry["start"]
            run = g[gs:gs + longest]
            there = training[t][ts:ts + longest]
            assert len(run) == len(there) == longest
            assert np.all(np.diff(run) == np.diff(there))


def test_copies_are_found_transposed_and_located():
    rng = np.random.default_rng(3)
    training = [list(60 + np.cumsum(rng.integers(-3, 4, size=30))) for _ in range(20)]
    tune = training[13]
    copy = [p + 5 for p in tune]                                   # the whole tune, a fourth up
    passage = [40, 90, 41] + [p - 2 for p in tune[7:19]] + [100, 30]  # 12 notes copied, embedded
    report = memorization_report([copy, passage], training, n=8)
    whole, part = report["per_melody"]
    assert whole["longest_match"] == 30 and whole["whole_copy"] and whole["ngram_overlap"] == 1.0
    assert whole["training_index"] == 13 and whole["training_start"] == 0 and whole["start"] == 0
    assert part["longest_match"] >= 12 and not part["whole_copy"]
    assert part["training_index"] == 13 and part["start"] == 3 and part["training_start"] == 7
    assert report["max_longest_match"] == 30 and report["max_match_index"] == 0
    assert report["max_match_training_index"] == 13 and report["whole_copies"] == 1


def test_runs_never_cross_from_one_training_tune_into_the_next():
    a, b = [60, 62, 64, 65], [50, 57, 55, 53]
    # The end of a followed by the start of b is not in training as one run.
    report = memorization_report([a[2:] + b[:3]], [a, b])
    assert report["longest_match"] == [3]   # 50 57 55 (or its transposition) at most


def test_whole_copies_need_at_least_n_notes():
    training = [[60, 62, 64, 65, 67, 69, 71, 72]]
    report = memorization_report([[62, 64, 66], [50, 52, 54, 55, 57]], training, n=4)
    assert report["longest_match"] == [3, 5]
    assert [e["whole_copy"] for e in report["per_melody"]] == [False, True] and report["whole_copies"] == 1
    assert memorization_report([[62, 64]], training, n=1)["per_melody"][0]["whole_copy"]
    assert not memorization_report([[62]], training, n=1)["per_melody"][0]["whole_copy"]


def test_one_note_and_empty_melodies_and_training():
    report = memorization_report([[64], [], [60, 61]], [[70, 72]], n=2)
    assert report["longest_match"] == [1, 0, 1]
    assert report["ngram_overlap"] == [None, None, 0.0]
    assert report["per_melody"][1]["training_index"] is None
    nothing = memorization_report([[60, 62]], [[], []], n=2)
    assert nothing["longest_match"] == [0] and nothing["ngram_overlap"] == [0.0]
    empty = memorization_report([], [[60, 62]])
    assert empty["longest_match"] == [] and empty["max_longest_match"] == 0 and empty["max_match_index"] is None
    assert empty["mean_ngram_overlap"] is None


def test_melody_objects_and_their_sources():
    training = [Melody.from_pitches([60, 62, 64, 65, 67], title="up", source="kinder0:4"),
                Melody.from_pitches([67, 65, 64, 62, 60], title="down", source="kinder0:5")]
    generated = [Melody([Note(69, 0.5, 0.0), Note(67, 1.0, 0.5), Note(66, 1.0, 1.5), Note(64, 2.0, 2.5)])]
    report = memorization_report(generated, training, n=3)
    entry = report["per_melody"][0]
    assert entry["longest_match"] == 4 and entry["training_source"] == "kinder0:5"
    assert entry["training_title"] == "down" and entry["training_start"] == 0
    # Notes, numpy arrays and torch tensors are accepted as melodies too.
    same = memorization_report([list(generated[0].notes), np.array([69, 67, 66, 64]), torch.tensor([69, 67, 66, 64])],
                               [list(t.pitches) for t in training], n=3)
    assert same["longest_match"] == [4, 4, 4]


def test_summary_fields():
    training = [[60, 62, 64, 65, 67, 69, 71, 72]]
    generated = [[60, 62, 64, 65, 67, 69], [60, 65, 61, 66, 62, 67], [72, 71]]
    report = memorization_report(generated, training, n=3)
    assert report["n"] == 3 and report["n_generated"] == 3 and report["n_training"] == 1
    assert report["training_notes"] == 8
    assert report["longest_match"] == [6, 1, 1]   # fourths and thirds never occur in a scale
    assert report["mean_longest_match"] == pytest.approx(8 / 3) and report["median_longest_match"] == 1.0
    assert report["ngram_overlap"] == [1.0, 0.0, None]
    assert report["mean_ngram_overlap"] == pytest.approx(0.5)
    assert report["share_with_ngram_match"] == pytest.approx(1 / 3)


def test_an_index_is_reusable_and_gives_the_same_report():
    rng = np.random.default_rng(0)
    training = [list(60 + np.cumsum(rng.integers(-2, 3, size=25))) for _ in range(30)]
    generated = [list(60 + np.cumsum(rng.integers(-2, 3, size=20))) for _ in range(10)]
    index = MemorizationIndex(training)
    assert memorization_report(generated, index, n=4) == memorization_report(generated, training, n=4)
    longest, tune, tune_start, start = index.match(training[3][5:15])
    assert longest == 10 and start == 0 and tune <= 3   # the first training tune that holds it
    assert np.array_equal(np.diff(training[tune][tune_start:tune_start + 10]), np.diff(training[3][5:15]))


@pytest.mark.parametrize("generated, training, n, words", [
    (Melody.from_pitches([60, 62]), [[60]], 8, "wrap a single melody"),
    ([60, 62, 64], [[60]], 8, "looks like one melody"),
    ([[60, 200]], [[60]], 8, "outside MIDI's 0..127"),
    ([[60, 61.5]], [[60]], 8, "MIDI note number"),
    ([[60, "E"]], [[60]], 8, "MIDI note number"),
    ([[60, 62]], [[60, -1]], 8, "outside"),
    ([[60, 62]], [[60]], 0, "n must be"),
    ([[60, 62]], [[60]], 2.5, "n must be"),
    ("C D E", [[60]], 8, "list of melodies"),
])
def test_bad_memorization_input_is_explained(generated, training, n, words):
    with pytest.raises(ValueError, match=words):
        memorization_report(generated, training, n=n)


# --------------------------------------------------------------------------- musical statistics

def test_statistics_of_two_small_melodies():
    a = Melody([Note(60, 1.0, 0.0), Note(62, 0.5, 1.0), Note(64, 0.5, 1.5), Note(79, 2.0, 2.0)])
    b = Melody([Note(67, 1.5, 0.0), Note(66, 0.3, 1.5)])
    s = musical_statistics([a, b])
    assert s["n_melodies"] == 2 and s["n_notes"] == 6 and s["mean_length"] == 3.0
    np.testing.assert_array_equal(s["lengths"], [4, 2])
    assert s["pitch_range"] == pytest.approx((19 + 1) / 2) and s["lowest"] == 60 and s["highest"] == 79
    pc = s["pitch_class_histogram"]
    assert pc.shape == (12,) and pc.sum() == pytest.approx(1.0)
    assert pc[0] == pytest.approx(1 / 6) and pc[7] == pytest.approx(2 / 6) and pc[6] == pytest.approx(1 / 6)
    ih = s["interval_histogram"]                    # intervals +2, +2, +15 (clipped to +12), -1
    assert ih.shape == (25,) and list(s["interval_values"][[0, -1]]) == [-12, 12]
    assert ih[12 + 2] == pytest.approx(0.5) and ih[24] == pytest.approx(0.25) and ih[12 - 1] == pytest.approx(0.25)
    assert s["mean_abs_interval"] == pytest.approx((2 + 2 + 15 + 1) / 4)
    assert s["step_share"] == pytest.approx(0.75) and s["leap_share"] == pytest.approx(0.25)
    assert s["repeat_share"] == 0.0
    lh = s["note_length_histogram"]                 # 1, 0.5, 0.5, 2, 1.5 and 0.3 (other)
    assert lh.shape == (len(evaluate.NOTE_LENGTHS) + 1,) and lh.sum() == pytest.approx(1.0)
    assert lh[evaluate.NOTE_LENGTHS.index(0.5)] == pytest.approx(2 / 6) and lh[-1] == pytest.approx(1 / 6)
    assert s["mean_duration"] == pytest.approx((1 + 0.5 + 0.5 + 2 + 1.5 + 0.3) / 6)
    assert s["in_scale_rate"] == pytest.approx(1.0)  # C D E G fit C major; G F# fit G major


def test_plain_pitch_lists_have_no_note_lengths():
    s = musical_statistics([[60, 64, 67], [62]])
    assert s["note_length_histogram"] is None and s["mean_duration"] is None
    assert s["pitch_range"] == pytest.approx(3.5)


def test_statistics_of_nothing():
    s = musical_statistics([])
    assert s["n_notes"] == 0 and s["pitch_class_histogram"].sum() == 0 and math.isnan(s["mean_length"])
    with pytest.raises(ValueError, match="holds no notes"):
        compare_statistics([], [[60, 62]])


@pytest.mark.parametrize("tonic", range(12))
def test_every_major_scale_is_fully_in_scale(tonic):
    scale = [48 + tonic + step for step in (0, 2, 4, 5, 7, 9, 11, 12)]
    assert in_scale_rate(scale) == (1.0, tonic)


def test_minor_tunes_fit_their_relative_major_and_chromatic_notes_do_not():
    a_natural_minor = [57, 59, 60, 62, 64, 65, 67, 69]
    assert in_scale_rate(a_natural_minor) == (1.0, 0)          # = C major's notes
    a_harmonic_minor = [57, 59, 60, 62, 64, 65, 68, 69]
    assert in_scale_rate(a_harmonic_minor)[0] == pytest.approx(7 / 8)
    chromatic = list(range(60, 72))
    assert in_scale_rate(chromatic)[0] == pytest.approx(7 / 12)
    assert math.isnan(in_scale_rate([])[0])


def test_compare_identical_transposed_and_different_sets():
    rng = np.random.default_rng(1)
    tunes = [list(65 + np.cumsum(rng.integers(-2, 3, size=30))) for _ in range(10)]
    same = compare_statistics(tunes, tunes)
    assert same["pitch_class_tv"] == 0 and same["interval_js"] == 0 and same["mean_length_difference"] == 0
    up = compare_statistics([[p + 1 for p in t] for t in tunes], tunes)
    shifted = np.roll(same["generated"]["pitch_class_histogram"], 1)
    assert up["interval_tv"] == pytest.approx(0.0) and up["pitch_class_tv"] > 0.05
    assert up["pitch_class_tv"] == pytest.approx(total_variation(shifted, same["reference"]["pitch_class_histogram"]))
    leaps = [list(50 + s + np.cumsum(np.tile([7, -5], 15))) for s in range(10)]   # fifths up, fourths down
    far = compare_statistics(leaps, tunes)
    assert far["interval_tv"] == pytest.approx(1.0) and far["interval_js"] == pytest.approx(1.0)
    assert far["mean_abs_interval_difference"] > 4
    assert far["note_length_tv"] is None
    # statistics dicts work as input, too
    assert compare_statistics(musical_statistics(leaps), tunes)["interval_tv"] == far["interval_tv"]


def test_compare_note_lengths_of_melodies():
    quarters = [Melody.from_pitches([60, 62, 64, 65], duration=1.0)]
    eighths = [Melody.from_pitches([60, 62, 64, 65], duration=0.5)]
    d = compare_statistics(quarters, eighths)
    assert d["note_length_tv"] == pytest.approx(1.0) and d["interval_tv"] == 0.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 10), min_size=3, max_size=3), st.lists(st.floats(0, 10), min_size=3, max_size=3))
def test_distances_are_bounded_symmetric_and_match_scipy(p, q):
    if sum(p) < 1e-3 or sum(q) < 1e-3:
        return
    tv, js = total_variation(p, q), jensen_shannon(p, q)
    assert 0 <= tv <= 1 + 1e-12 and 0 <= js <= 1 + 1e-12
    assert tv == pytest.approx(total_variation(q, p)) and js == pytest.approx(jensen_shannon(q, p))
    assert js == pytest.approx(scipy_js(p, q, base=2) ** 2, abs=1e-9)
    assert js <= tv + 1e-9  # JS (in bits) never exceeds total variation


def test_distance_inputs_are_checked():
    with pytest.raises(ValueError, match="all zeros"):
        total_variation([0, 0], [1, 0])
    with pytest.raises(ValueError, match="same bins"):
        jensen_shannon([1, 0], [1, 0, 0])
    with pytest.raises(ValueError, match=">= 0"):
        total_variation([-1, 2], [1, 0])
