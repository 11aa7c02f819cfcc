"""``python -m musiclearn.bench audio``: runs end to end (``--quick``), writes a valid report, refuses bad SoundFonts."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("fluidsynth")

from musiclearn import clips  # noqa: E402
from musiclearn.bench import audio as bench_audio  # noqa: E402
from musiclearn.bench import main  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def validate_report(report: dict, *, seeds: int, splits: set[str]) -> None:
    """The report's schema, as documented in musiclearn.bench.audio."""
    assert report["benchmark"] == "audio"
    families = report["families"]
    assert len(families) == 8 and len(set(families)) == 8 and all(isinstance(f, str) for f in families)
    assert report["soundfonts"] and all(isinstance(s, str) for s in report["soundfonts"])
    assert math.isclose(report["chance"], 1 / len(families))
    assert {r["split"] for r in report["results"]} == splits
    assert {r["model"] for r in report["results"]} == set(bench_audio.MODELS)
    for r in report["results"]:
        assert set(r) >= {"model", "split", "accuracy", "accuracy_seeds", "train_clips", "seconds"}
        assert r["split"] in bench_audio.SPLITS
        assert len(r["accuracy_seeds"]) == seeds and all(0.0 <= a <= 1.0 for a in r["accuracy_seeds"])
        assert math.isclose(r["accuracy"], np.mean(r["accuracy_seeds"]), abs_tol=1e-3)
        assert isinstance(r["train_clips"], int) and 0 < r["train_clips"] < report["clips"] + 1
        assert r["seconds"] >= 0
        # every test clip is counted once per seed, under its program
        assert abs(sum(p["test_clips"] for p in r["per_program"].values()) - r["test_clips"] * seeds) <= seeds
        assert all(0.0 <= p["accuracy"] <= 1.0 and p["name"] for p in r["per_program"].values())
        pooled = (sum(p["accuracy"] * p["test_clips"] for p in r["per_program"].values())
                  / sum(p["test_clips"] for p in r["per_program"].values()))
        assert math.isclose(pooled, r["accuracy"], abs_tol=0.02)
    by = {(r["model"], r["split"]): r["accuracy"] for r in report["results"]}
    for model, gaps in report["inflation"].items():
        for split, gap in gaps.items():
            assert math.isclose(gap, by[(model, "random")] - by[(model, split)], abs_tol=1e-3)


def test_quick_run_writes_a_valid_report(tmp_path, capsys):
    out = tmp_path / "audio.json"
    status = main(["audio", "--quick", "--seeds", "2", "--jobs", "2", "--json", str(out)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    report = json.loads(out.read_text())
    lineages = set(report["lineages"].values())
    splits = {"random", "program-disjoint"} | ({"soundfont-disjoint"} if len(lineages) > 1 else set())
    validate_report(report, seeds=2, splits=splits)
    assert report["quick"] and report["jobs"] == 2
    assert "cnn-logmel" in captured.out and "chance: 0.125" in captured.out
    held = {r["split"]: r["held_out"] for r in report["results"] if r["model"] == "cnn-logmel"}
    if "soundfont-disjoint" in held:   # each seed names the SoundFonts of the one lineage it held out
        for names in held["soundfont-disjoint"]:
            assert names and len({report["lineages"][n] for n in names}) == 1
            assert set(names) < set(report["soundfonts"])


def test_splits_hold_whole_groups_out():
    cfg = bench_audio.BenchConfig.quick()
    data = bench_audio.prepare(bench_audio.clip_set(cfg), cfg)
    parts = bench_audio.splits(data, "program-disjoint", seed=0)
    assert not set(data.programs[parts["train"]]) & set(data.programs[parts["test"]])
    # every family keeps programs on both sides
    assert set(data.labels[parts["train"]]) == set(data.labels[parts["test"]]) == set(range(8))
    # no duplicate pair (the same samples under two program numbers) crosses the split
    test = np.isin(np.arange(len(data.labels)), parts["test"])
    assert len(data.duplicate_pairs) and not any(test[a] != test[b] for a, b in data.duplicate_pairs)
    if len(set(data.lineages)) > 1:
        parts = bench_audio.splits(data, "soundfont-disjoint", seed=1)
        assert not set(data.lineages[parts["train"]]) & set(data.lineages[parts["test"]])
        test = np.isin(np.arange(len(data.labels)), parts["test"])
        assert not any(test[a] != test[b] for a, b in data.duplicate_pairs)
    parts = bench_audio.splits(data, "random", seed=0)
    assert len(parts["train"]) + len(parts["test"]) == len(data.labels)
    with pytest.raises(ValueError, match="split must be"):
        bench_audio.splits(data, "by-pitch", seed=0)


def test_holdout_soundfont_trains_on_the_others():
    quick = bench_audio.BenchConfig.quick()
    others = [sf for sf in clips.soundfonts() if sf.name not in quick.soundfonts]
    if not others:
        pytest.skip("no third SoundFont installed to hold out")
    report = bench_audio.run(quick=True, seeds=1, holdout_soundfont=others[0].path, split_names=["random"],
                             jobs=1, log=lambda message: None)
    validate_report(report, seeds=1, splits={"random", "holdout-soundfont"})
    row = next(r for r in report["results"] if r["split"] == "holdout-soundfont")
    assert row["train_clips"] == report["clips"] and row["held_out"] == [[others[0].name]]
    assert report["holdout_soundfont"]["name"] == others[0].name
    shared = report["holdout_soundfont"]["clips_duplicating_installed_clips"]
    assert isinstance(shared, int) and shared >= 0
    if others[0].lineage in set(report["lineages"].values()):   # e.g. sf_GMbank after training on TimGM6mb
        assert shared > 0


@pytest.mark.parametrize("kind", ["missing", "not a soundfont", "installed"])
def test_bad_holdout_soundfont_is_a_clear_error(tmp_path, capsys, kind):
    if kind == "missing":
        path, words = tmp_path / "nowhere.sf2", "no such file"
    elif kind == "not a soundfont":
        path, words = tmp_path / "fake.sf2", "is not a soundfont"
        path.write_bytes(b"MThd" + bytes(100))
    else:
        path, words = clips.soundfonts()["TimGM6mb"].path, "models train on"
    status = main(["audio", "--quick", "--holdout-soundfont", str(path), "--json", str(tmp_path / "x.json")])
    err = capsys.readouterr().err
    assert status == 2
    assert words in err.lower() and "Traceback" not in err
    assert not (tmp_path / "x.json").exists()


def test_bad_arguments(capsys):
    assert main(["audio", "--quick", "--seeds", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err
    assert main(["audio", "--quick", "--models", "cnn-mel"]) == 2
    assert "unknown model" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown split"):
        bench_audio.run(quick=True, split_names=["holdout-soundfont"])


def test_format_table_and_committed_report_schema():
    text = bench_audio.format_table({"chance": 0.125, "inflation": {"cnn-logmel": {"program-disjoint": 0.1}},
                                     "results": [{"model": "cnn-logmel", "split": "random", "accuracy": 0.9,
                                                  "accuracy_seeds": [0.9], "train_clips": 10, "seconds": 1.0}]})
    assert "cnn-logmel" in text and "+0.100" in text
    committed = Path(__file__).resolve().parents[1] / "benchmarks" / "audio.json"
    report = json.loads(committed.read_text())
    validate_report(report, seeds=report["seeds"], splits={r["split"] for r in report["results"]})
    assert not report["quick"] and report["seeds"] >= 3
