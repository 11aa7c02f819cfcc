"""Data hygiene, splits by tune without leakage, augmentation and padded batches."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musiclearn import data
from musiclearn.corpus import Melody, Note, Skipped
from musiclearn.data import (
    LeakageError, assert_no_leakage, augment_transpositions, clean, find_duplicates, fold_indices,
    hygiene_report, interval_signature, kfold_by_tune, make_loader, remove_leakage, split_by_tune, transpose,
)


def tune(pitches, *, source="", durations=None, ts="2/4", key="C major"):
    durations = durations or [1.0] * len(pitches)
    offsets = np.concatenate([[0.0], np.cumsum(durations)[:-1]])
    notes = tuple(Note(p, d, float(o)) for p, d, o in zip(pitches, durations, offsets))
    return Melody(notes, title="t", source=source, time_signature=ts, key=key)


def random_tunes(n, *, seed=0, length=12):
    rng = random.Random(seed)
    return [tune([rng.randint(55, 79) for _ in range(length)], source=f"rand:{i}") for i in range(n)]


@pytest.fixture
def kinder():
    # Function scope, so that conftest's temporary MUSICLEARN_CACHE_DIR is already set.
    from musiclearn import corpus

    return corpus.melodies("kinder0")


# --------------------------------------------------------------------------- identity


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(20, 100), min_size=1, max_size=40), st.integers(-20, 20))
def test_interval_signature_ignores_transposition(pitches, shift):
    m = tune(pitches)
    assert interval_signature(transpose(m, shift)) == interval_signature(m) == interval_signature(pitches)
    assert len(interval_signature(m)) == len(pitches) - 1
    assert np.array_equal(np.cumsum([pitches[0], *interval_signature(m)]), pitches)


def test_transpose_moves_pitches_and_keeps_rhythm():
    m = tune([60, 64, 67], source="kinder0:3", durations=[1.0, 0.5, 1.5])
    up = transpose(m, 2)
    assert up.pitches == (62, 66, 69) and up.durations == m.durations and up.offsets == m.offsets
    assert up.source == "kinder0:3 transposed +2" and up.key is None and up.time_signature == "2/4"
    assert transpose(m, 0) is m
    with pytest.raises(ValueError, match=r"by \+70 semitones .* outside MIDI's 0..127"):
        transpose(m, 70)
    with pytest.raises(ValueError, match="whole number"):
        transpose(m, 1.5)
    with pytest.raises(ValueError, match="corpus.Melody"):
        transpose([60, 62], 2)


def test_find_duplicates_tells_exact_from_transposed():
    a = tune([60, 62, 64, 65], source="a")
    tunes = [a, tune([60, 67, 64], source="b"), tune([60, 62, 64, 65], source="c"),
             tune([55, 57, 59, 60], source="d"), tune([67, 60, 64], source="e"),
             tune([60, 62, 64, 65], source="f", durations=[2.0, 1.0, 1.0, 1.0]),
             tune([60, 67, 64], source="g")]
    groups = find_duplicates(tunes)
    assert [(g.indices, g.kind) for g in groups] == [((0, 2, 3, 5), "transposed"), ((1, 6), "exact")]
    assert groups[0].shifts == (0, 0, -5, 0) and groups[0].sources == ("a", "c", "d", "f")
    assert str(groups[1]) == "exact: b, g"
    assert find_duplicates(random_tunes(30)) == []


# --------------------------------------------------------------------------- hygiene


def test_hygiene_counts_and_clean_removes_planted_problems(kinder):
    base = list(kinder[:40])
    planted = base + [
        transpose(kinder[5], 3),                                          # 40: transposed copy of 5
        Melody(kinder[7].notes, title="copy", source="planted:copy"),    # 41: exact copy of 7
        tune([60, 62, 64], source="planted:short"),                       # 42: too short
        tune([60, 62, 64, 65, 67, 69, 71, 72, 120], source="planted:high"),  # 43: out of range
        transpose(kinder[7], -2),                                         # 44: transposed copy of 7
    ]
    skipped = (Skipped("kinder0:999", "BROKEN", "no notes"),)
    kept, report = clean(planted, min_notes=8, pitch_range=(21, 108), skipped=skipped)
    assert report.total == 45 and report.removed == 5 and len(kept) == 40
    assert report.kept == tuple(range(40)) and kept == base
    assert report.too_short == (42,) and report.out_of_range == (43,)
    assert report.exact_duplicates == ((41, 7),)
    assert report.transposed_duplicates == ((40, 5, 3), (44, 7, -2))
    assert report.counts() == {"unparseable": 1, "too short": 1, "out of range": 1,
                               "exact duplicates": 1, "transposed duplicates": 2}
    text = repr(report)
    assert text.splitlines()[0] == "HygieneReport: 45 melodies, 40 kept, 5 removed"
    for expected in ("planted:short", "planted:high", "planted:copy = kinder0:7", "kinder0:999",
                     "kinder0:5 transposed +3 = kinder0:5 +3", "too short (< 8 notes)", "outside 21..108"):
        assert expected in text, expected
    assert str(report) == text
    # Cleaning is idempotent: a clean set stays as it is.
    again, second = clean(kept, min_notes=8)
    assert again == kept and second.removed == 0


def test_duplicate_options_and_order_of_checks():
    a = tune([60, 62, 64, 65, 67, 65, 64, 62], source="a")
    up = transpose(a, 5)
    same = Melody(a.notes, source="same")
    exact_only = hygiene_report([a, up, same], duplicates="exact")
    assert exact_only.kept == (0, 1) and exact_only.exact_duplicates == ((2, 0),)
    assert hygiene_report([a, up, same], duplicates=None).kept == (0, 1, 2)
    # A tune that is both too short and a duplicate counts once, as too short.
    short = hygiene_report([a, tune([60, 62]), tune([60, 62])], min_notes=3)
    assert short.too_short == (1, 2) and short.exact_duplicates == ()
    # Same intervals with another rhythm are reported as transposed by 0 (other rhythm).
    other_rhythm = tune([60, 62, 64, 65, 67, 65, 64, 62], durations=[0.5] * 8, source="r")
    report = hygiene_report([a, other_rhythm])
    assert report.transposed_duplicates == ((1, 0, 0),) and "(other rhythm)" in repr(report)


@pytest.mark.parametrize("kwargs, message", [
    ({"min_notes": -1}, "min_notes"),
    ({"min_notes": 2.5}, "min_notes"),
    ({"pitch_range": (100, 20)}, "lowest <= highest"),
    ({"pitch_range": (0, 200)}, "0-127"),
    ({"duplicates": "all"}, "duplicates must be"),
])
def test_hygiene_options_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        hygiene_report(random_tunes(3), **kwargs)


def test_hygiene_wants_melodies():
    with pytest.raises(ValueError, match=r"melodies\[1\] is a list"):
        clean([tune([60, 62]), [60, 62]])
    with pytest.raises(ValueError, match="list of corpus.Melody"):
        clean("kinder0")


# --------------------------------------------------------------------------- splits


def test_kfold_is_the_benchmark_protocol(kinder):
    folds = kfold_by_tune(kinder, k=10)
    assert len(folds) == 10 and sorted(i for f in folds for i in f) == list(range(len(kinder)))
    for f, members in enumerate(folds):
        assert all(i % 10 == f for i in members)
    assert [len(f) for f in folds] == [22, 22, 22, 21, 21, 21, 21, 21, 21, 21]
    # kinder0 holds no duplicates, so its folds do not leak.
    counts = assert_no_leakage(folds, kinder)
    assert counts == {f"split {f}": len(folds[f]) for f in range(10)}
    train, test = fold_indices(folds, 3)
    assert test == folds[3] and sorted(train + test) == list(range(len(kinder))) and not set(train) & set(test)


def test_kfold_options_are_checked():
    assert kfold_by_tune(5, k=5) == [[0], [1], [2], [3], [4]]
    for bad_k in (1, 2.0, True):
        with pytest.raises(ValueError, match="k must be"):
            kfold_by_tune(10, k=bad_k)
    with pytest.raises(ValueError, match="cannot make 10 folds from 4"):
        kfold_by_tune(4)
    with pytest.raises(ValueError, match="fold must be"):
        fold_indices(kfold_by_tune(10, k=2), 2)


def test_split_by_tune_keeps_copies_together_and_is_seeded():
    tunes = random_tunes(100)
    tunes += [transpose(tunes[i], s) for i, s in [(3, 2), (3, -4), (10, 1), (50, 5)]]
    tunes += [Melody(tunes[7].notes, source="copy of 7")]
    splits = split_by_tune(tunes, seed=1)
    assert list(splits) == ["train", "valid", "test"]
    flat = sorted(i for idx in splits.values() for i in idx)
    assert flat == list(range(len(tunes)))
    assert [len(v) for v in splits.values()] in ([84, 11, 10], [84, 10, 11], [85, 10, 10], [83, 11, 11])
    # Every group of copies sits in one split, so the proof passes.
    for group in find_duplicates(tunes):
        homes = {name for name, idx in splits.items() for i in group.indices if i in idx}
        assert len(homes) == 1, group
    assert_no_leakage(splits, tunes)
    assert split_by_tune(tunes, seed=1) == splits and split_by_tune(tunes, seed=2) != splits


def test_split_options_are_checked():
    tunes = random_tunes(10)
    with pytest.raises(ValueError, match="sum to 1"):
        split_by_tune(tunes, fractions=(0.5, 0.2, 0.2))
    with pytest.raises(ValueError, match="one fraction per split"):
        split_by_tune(tunes, fractions=(0.5, 0.5))
    with pytest.raises(ValueError, match="distinct"):
        split_by_tune(tunes, fractions=(0.5, 0.5), names=("a", "a"))
    with pytest.raises(ValueError, match="seed"):
        split_by_tune(tunes, seed=-1)
    two = split_by_tune(tunes, fractions=(0.7, 0.3), names=("fit", "check"))
    assert {k: len(v) for k, v in two.items()} == {"fit": 7, "check": 3}


def test_leakage_is_caught_when_augmenting_before_splitting():
    tunes = random_tunes(40)
    augmented = augment_transpositions(tunes, semitones=range(-2, 3))
    rng = random.Random(0)
    order = list(range(len(augmented)))
    rng.shuffle(order)
    careless = {"train": [augmented[i] for i in order[:160]], "valid": [augmented[i] for i in order[160:]]}
    with pytest.raises(LeakageError, match=r"tune\(s\) are in more than one split .* e\.g\. rand:\d+") as info:
        assert_no_leakage(careless)
    assert isinstance(info.value, ValueError)
    # The careful way: split first, then augment the training part only.
    splits = split_by_tune(tunes, fractions=(0.8, 0.2), names=("train", "valid"))
    careful = {"train": augment_transpositions([tunes[i] for i in splits["train"]], semitones=range(-2, 3)),
               "valid": [tunes[i] for i in splits["valid"]]}
    assert assert_no_leakage(careful) == {"train": len(splits["train"]), "valid": len(splits["valid"])}


def test_leakage_check_on_indices_and_bad_input():
    tunes = random_tunes(6)
    with pytest.raises(LeakageError, match="rand:2 in 'a' and rand:2 in 'b'"):
        assert_no_leakage({"a": [0, 1, 2], "b": [2, 3]}, tunes)
    with pytest.raises(ValueError, match="not an index"):
        assert_no_leakage([[0, 1], [9]], tunes)
    with pytest.raises(ValueError, match="at least two splits"):
        assert_no_leakage([[0, 1]], tunes)
    with pytest.raises(ValueError, match="dict of name"):
        assert_no_leakage(3)
    # Plain pitch lists work as melodies too.
    assert assert_no_leakage([[[60, 62, 64]], [[60, 64, 67]]]) == {"split 0": 1, "split 1": 1}


def test_remove_leakage_drops_transposed_copies_of_protected_tunes():
    protected = random_tunes(5, seed=1)
    pool = random_tunes(20, seed=2) + [transpose(protected[2], 4), Melody(protected[0].notes, source="x")]
    kept, removed = remove_leakage(pool, against=protected)
    assert removed == [20, 21] and kept == pool[:20]
    assert_no_leakage({"pretrain": kept, "evaluate": protected})


# --------------------------------------------------------------------------- augmentation


def test_augmentation_drops_transpositions_that_leave_the_range():
    tunes = [tune([60, 62, 64, 72], source="a"), tune([50, 55], source="b")]
    out = augment_transpositions(tunes, semitones=range(-5, 7), pitch_range=(48, 76))
    by_source = {}
    for m in out:
        by_source.setdefault(m.source.split(" ")[0], []).append(min(m.pitches) - min(tunes[m.source[0] == "b"].pitches))
    assert by_source["a"] == [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4]       # 72 + 5 > 76
    assert by_source["b"] == [-2, -1, 0, 1, 2, 3, 4, 5, 6]             # 50 - 3 < 48
    assert out[5] is tunes[0]                                           # the original itself, shift 0
    assert all(48 <= p <= 76 for m in out for p in m.pitches)
    assert len(augment_transpositions(tunes)) == 24                    # 12 keys each in 0..127
    with pytest.raises(ValueError, match="whole numbers"):
        augment_transpositions(tunes, semitones=[0.5])
    with pytest.raises(ValueError, match="list or range"):
        augment_transpositions(tunes, semitones=3)


# --------------------------------------------------------------------------- batches


def test_dataset_windows_predict_every_target_once():
    seq = list(range(1, 12))                                 # 11 tokens, 10 targets
    ds = data.SequenceDataset([seq, [5], []], max_len=4)
    assert len(ds) == 3 and ds.n_targets == 10
    assert [x for x, _ in ds] == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    assert [y for _, y in ds] == [[2, 3, 4, 5], [6, 7, 8, 9], [10, 11]]
    whole = data.SequenceDataset([seq])
    assert len(whole) == 1 and whole[0] == (seq[:-1], seq[1:])
    with pytest.raises(ValueError, match="max_len"):
        data.SequenceDataset([seq], max_len=0)
    with pytest.raises(ValueError, match="non-negative ints"):
        data.SequenceDataset([[1, -2, 3]])
    with pytest.raises(ValueError, match="token-id lists"):
        data.SequenceDataset("abc")


def test_loader_pads_and_shifts():
    import torch

    seqs = [[1, 10, 11, 12, 2], [1, 20, 2], np.array([1, 30, 31, 2]), torch.tensor([1, 40, 2])]
    loader = make_loader(seqs, batch_size=4, shuffle=False, pad_id=0)
    (x, y), = list(loader)
    assert x.dtype == torch.long and y.dtype == torch.long and x.shape == y.shape == (4, 4)
    assert x.tolist() == [[1, 10, 11, 12], [1, 20, 0, 0], [1, 30, 31, 0], [1, 40, 0, 0]]
    assert y.tolist() == [[10, 11, 12, 2], [20, 2, 0, 0], [30, 31, 2, 0], [40, 2, 0, 0]]
    real = x != 0
    assert torch.equal(x[:, 1:][real[:, 1:]], y[:, :-1][real[:, 1:]])  # targets are inputs shifted by one
    loader99 = make_loader(seqs, batch_size=2, shuffle=False, pad_id=99)
    x2, _ = next(iter(loader99))
    assert x2.tolist() == [[1, 10, 11, 12], [1, 20, 99, 99]]
    assert loader.pad_id == 0 and loader99.pad_id == 99    # training code reads it


def test_loader_is_deterministic_with_a_seed():
    seqs = [[1, 100 + i, 2] for i in range(50)]

    def order(loader):
        return [row[1] for x, _ in loader for row in x.tolist()]

    a = make_loader(seqs, batch_size=8, seed=3)
    b = make_loader(seqs, batch_size=8, seed=3)
    first_a, first_b = order(a), order(b)
    assert first_a == first_b and sorted(first_a) == list(range(100, 150))
    assert first_a != list(range(100, 150))                          # shuffled
    assert order(a) != first_a                                       # a new order every epoch ...
    c = make_loader(seqs, batch_size=8, seed=4)
    assert order(c) != first_a                                       # ... and per seed
    assert order(make_loader(seqs, batch_size=8, shuffle=False)) == list(range(100, 150))
    batches = list(make_loader(seqs, batch_size=8, drop_last=True))
    assert len(batches) == 6 and all(x.shape[0] == 8 for x, _ in batches)


def test_loader_epochs_repeat_across_runs():
    seqs = [[1, 100 + i, 2] for i in range(20)]
    runs = []
    for _ in range(2):
        loader = make_loader(seqs, batch_size=5, seed=11)
        runs.append([[row[1] for x, _ in loader for row in x.tolist()] for _epoch in range(3)])
    assert runs[0] == runs[1] and runs[0][0] != runs[0][1]


def test_loader_max_len_and_bad_options():
    loader = make_loader([list(range(1, 30))], batch_size=8, shuffle=False, max_len=10)
    x, y = next(iter(loader))
    assert x.shape == (3, 10) and y[:, :].ne(0).sum().item() == 28
    for kwargs, message in [({"batch_size": 0}, "batch_size"), ({"seed": -1}, "seed"),
                            ({"pad_id": -1}, "pad_id"), ({"shuffle": "yes"}, "shuffle")]:
        with pytest.raises(ValueError, match=message):
            make_loader([[1, 2, 3]], **kwargs)
    with pytest.raises(ValueError, match="nothing to predict"):
        make_loader([[1], []])


def test_loader_feeds_a_model_end_to_end(kinder):
    import torch

    from musiclearn.tokens import EventTokenizer

    tok = EventTokenizer()
    loader = make_loader(tok.encode_many(kinder[:20]), batch_size=8, seed=0, pad_id=tok.pad_id)
    model = torch.nn.Sequential(torch.nn.Embedding(len(tok), 16), torch.nn.Linear(16, len(tok)))
    x, y = next(iter(loader))
    loss = torch.nn.functional.cross_entropy(model(x).transpose(1, 2), y, ignore_index=tok.pad_id)
    assert torch.isfinite(loss) and abs(loss.item() - np.log(len(tok))) < 1.0


# --------------------------------------------------------------------------- module hygiene


def test_importing_data_does_not_import_torch():
    code = "import sys, musiclearn.data; print('torch' in sys.modules, 'music21' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_batching_lives_in_loaders_and_still_imports_from_data():
    from musiclearn import loaders

    assert data.make_loader is loaders.make_loader and make_loader is loaders.make_loader
    assert data.SequenceDataset is loaders.SequenceDataset and data.pad_batch is loaders.pad_batch
    assert {"make_loader", "SequenceDataset", "pad_batch"} <= set(dir(data))
    with pytest.raises(AttributeError, match="no attribute 'make_loaders'"):
        data.make_loaders  # noqa: B018
    # Asking data for a loader name loads the loaders module, and still not torch.
    code = ("import sys, musiclearn.data as d; d.SequenceDataset; "
            "print('musiclearn.loaders' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
