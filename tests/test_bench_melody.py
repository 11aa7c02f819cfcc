"""The melody benchmark: the CLI's JSON schema, the protocol's pieces, leakage removal, caching."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from musiclearn import bench
from musiclearn.bench import melody as melody_bench
from musiclearn.corpus import Melody
from musiclearn.data import interval_signature
from musiclearn.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
SMALL = "erk5"  # 27 tunes: the smallest real Essen file that makes 2 folds of several tunes


pytestmark = pytest.mark.usefixtures("one_torch_thread")   # see tests/conftest.py


def _check_schema(report, *, dataset, folds):
    assert report["dataset"] == dataset
    assert report["folds"] == folds
    assert report["device"] in {"cpu", "cuda", "mps"}
    tracks = {r["track"] for r in report["results"]}
    assert tracks == {"baseline", "in-domain", "pretrained"}
    for r in report["results"]:
        assert isinstance(r["model"], str) and r["model"]
        assert len(r["bits_per_note_folds"]) == folds
        assert all(np.isfinite(b) and b > 0 for b in r["bits_per_note_folds"])
        assert r["bits_per_note"] == pytest.approx(np.mean(r["bits_per_note_folds"]))
        assert r["bits_per_note_std"] == pytest.approx(np.std(r["bits_per_note_folds"], ddof=1))
        assert 0.0 <= r["accuracy"] <= 1.0
        assert r["seconds"] >= 0
        assert sum(r["notes_folds"]) == report["notes"]  # every note predicted exactly once


def test_cli_writes_the_json_schema(tmp_path):
    out = tmp_path / "melody.json"
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-m", "musiclearn.bench", "melody", "--dataset", SMALL, "--quick",
         "--pretrain-limit", "60", "--threads", "1", "--json", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.read_text())
    _check_schema(report, dataset=SMALL, folds=2)
    names = {r["model"] for r in report["results"]}
    assert {"unigram PPM-C", "trigram PPM-C", "PPM-C LTM+STM, key-relative", "LSTM", "LSTM + STM",
            "LSTM + PPM-C + STM", "Transformer", "Transformer + STM", "LSTM + Transformer + PPM-C + STM"} <= names
    assert report["pretraining"]["pool"]["tunes"] == 60
    # The two networks were pretrained side by side in two processes.
    assert all(m["parallel_processes"] == 2 for m in report["pretraining"]["models"].values())
    assert "IDyOM LTM+STM" in proc.stdout and "bits/note" in proc.stdout  # the table, with anchors
    # A notebook reads it back and prints the same table.
    again = melody_bench.load_report(out)
    assert melody_bench.format_table(again) == melody_bench.format_table(report)


def test_load_report_rejects_other_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(DataError, match="bad.json: is not valid JSON"):
        melody_bench.load_report(bad)
    bad.write_text(json.dumps({"dataset": "kinder0", "folds": 2, "device": "cpu", "results": [{"model": "x"}]}))
    with pytest.raises(DataError, match="result 0 lacks the field 'track'"):
        melody_bench.load_report(bad)
    bad.write_text(json.dumps({"folds": 2}))
    with pytest.raises(DataError, match="lacks the field 'dataset'"):
        melody_bench.load_report(bad)


@pytest.fixture
def quick_config():
    cfg = melody_bench.default_config(quick=True, models=("lstm",))
    return replace(cfg, ngram_orders=(1, 2), ltm_orders=(2,), stm_orders=(2,), stm_biases=(1.0,))


def test_run_in_process_and_pretrained_weights_are_cached(quick_config):
    kwargs = dict(folds=2, quick=True, pretrain_limit=40, config=quick_config, log=lambda line: None,
                  tracks=("pretrained",))
    cold = melody_bench.run(SMALL, **kwargs)
    warm = melody_bench.run(SMALL, **kwargs)
    assert cold["pretraining"]["models"]["lstm"]["cached"] is False
    assert warm["pretraining"]["models"]["lstm"]["cached"] is True
    assert Path(warm["pretraining"]["models"]["lstm"]["cache_file"]).exists()
    # Same seed, same weights: the same numbers from the cache as from the cold run.
    for a, b in zip(cold["results"], warm["results"]):
        assert a["bits_per_note_folds"] == pytest.approx(b["bits_per_note_folds"], rel=1e-9)


def test_ngram_baselines_follow_the_protocol(quick_config):
    report = melody_bench.run(SMALL, folds=3, config=quick_config, tracks=("baseline",), log=lambda line: None)
    from musiclearn import corpus
    from musiclearn.ngram import cross_validate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tunes = corpus.melodies(SMALL)
    expected = cross_validate(tunes, orders=[1, 2], folds=3)
    by_name = {r["model"]: r for r in report["results"]}
    assert by_name["unigram PPM-C"]["bits_per_note_folds"] == pytest.approx(expected[1])
    assert by_name["bigram PPM-C"]["bits_per_note_folds"] == pytest.approx(expected[2])
    chosen = by_name["n-gram PPM-C, order chosen on training data"]["chosen_folds"]
    assert all(c["order"] in (1, 2) for c in chosen)


def test_pretraining_pool_excludes_the_dataset_and_its_transpositions(monkeypatch):
    from musiclearn import corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = corpus.melodies(SMALL)
    # Read the evaluated file first, so that leaving it out is what keeps it out of the pool.
    monkeypatch.setattr(melody_bench, "_essen_stems", lambda: [SMALL, "altdeu10"])
    pool, info = melody_bench.pretraining_pool(SMALL, small[:5], limit=40)
    assert info["excluded_files"] == [SMALL] and info["sources"] == ["altdeu10"]
    assert len(pool) == 40 and not any(m.source.startswith(SMALL + ":") for m in pool)
    # An "evaluated set" holding a transposed copy of a pool tune: that tune must go.
    copy = Melody.from_pitches([p + 3 for p in pool[2].pitches], source="mine:0")
    pool2, info2 = melody_bench.pretraining_pool("mine", [copy], limit=40)
    assert info2["removed_leaky"] >= 1
    assert interval_signature(copy) not in {interval_signature(m) for m in pool2}
    assert pool[2] not in pool2 and pool[3] in pool2


def test_key_relative_pitches_are_transposition_invariant():
    tune = replace(Melody.from_pitches([67, 71, 74, 72, 71]), key="G major")
    up = replace(Melody.from_pitches([p + 2 for p in tune.pitches]), key="A major")
    assert melody_bench.relative_pitches(tune)[0] == melody_bench.relative_pitches(up)[0]
    assert melody_bench.relative_pitches(tune)[1] != melody_bench.relative_pitches(up)[1]
    assert [melody_bench.key_tonic(k) for k in ("C major", "F# minor", "Eb major", "3 sharps", "1 flat", None, "x")] \
        == [0, 6, 3, 9, 5, None, None]


def test_bad_input_gives_clear_errors(capsys):
    assert bench.main(["melody", "--dataset", "kinderO", "--quick"]) == 1
    assert "unknown corpus name" in capsys.readouterr().err
    assert bench.main(["melody", "--dataset", SMALL, "--folds", "20", "--quick"]) == 1
    assert "too few for 20 folds" in capsys.readouterr().err
    assert bench.main(["melody", "--dataset", SMALL, "--quick", "--tracks", "nonsense"]) == 1
    assert "tracks must be among" in capsys.readouterr().err
    with pytest.raises(ValueError, match="models must be"):
        melody_bench.default_config(models=("gru",))


def test_mixing_rows_at_once_equals_mixing_them_one_by_one():
    # The benchmark mixes a whole tune's rows in one call of the n-gram module's mixture.
    from musiclearn.ngram import entropy_weighted_mixture

    rng = np.random.default_rng(0)
    a, b = rng.dirichlet(np.ones(128), size=5), rng.dirichlet(np.full(128, 0.05), size=5)
    for geometric in (False, True):
        fast = entropy_weighted_mixture([a, b], bias=2.0, geometric=geometric)
        slow = np.stack([entropy_weighted_mixture([x, y], bias=2.0, geometric=geometric) for x, y in zip(a, b)])
        assert fast.shape == a.shape and fast == pytest.approx(slow, rel=1e-9)
    assert not hasattr(melody_bench, "_mix_rows")  # one mixture in the library, not two


def test_validation_split_holds_out_every_tenth_training_tune():
    train = list(range(3, 60))
    rest, val = melody_bench._split_validation(train)
    assert val == train[9::10] and not set(rest) & set(val) and sorted(rest + val) == train


def test_the_old_module_name_still_works():
    import musiclearn.melody_bench as old

    assert old.run is melody_bench.run and old.BenchConfig is melody_bench.BenchConfig
    assert old._split_validation is melody_bench._split_validation
    assert set(old.__all__) == set(melody_bench.__all__)
    proc = subprocess.run([sys.executable, "-m", "musiclearn.melody_bench", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "--dataset" in proc.stdout
