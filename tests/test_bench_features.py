"""``python -m musiclearn.bench features`` runs and writes a well-formed report.

Timing targets are not asserted here (they depend on the machine); the
numbers only have to be real: positive, finite and consistent.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from musiclearn import bench

ROOT = Path(__file__).resolve().parents[1]


def _check_report(report: dict, *, cuda: bool) -> None:
    assert report["benchmark"] == "features"
    assert report["device"] == ("cuda" if cuda else "cpu")
    names = [r["name"] for r in report["results"]]
    expected = ["stft", "melspectrogram", "mfcc", "mfcc_batch_torch_cpu"] + (["mfcc_batch_torch_cuda"] if cuda else [])
    assert names == expected
    for r in report["results"]:
        for key in ("ours_s", "librosa_s", "ratio"):
            assert isinstance(r[key], float) and math.isfinite(r[key]) and r[key] > 0, (r["name"], key, r[key])
        assert r["ratio"] == pytest.approx(r["ours_s"] / r["librosa_s"])
        assert r["meets_target"] == (r["ratio"] <= r["target_ratio"])
        # The benchmark also checks that both sides compute the same numbers.
        assert 0 <= r["max_rel_diff"] <= 1e-5, r
    assert {"python", "numpy", "scipy", "librosa", "torch", "musiclearn"} <= set(report["versions"])
    assert set(report["load_average"]) == {"before", "after"}
    assert report["torch_threads"] >= 1 and report["cpu_count"] >= 1
    import librosa
    import torch

    assert report["versions"]["librosa"] == librosa.__version__
    assert report["versions"]["torch"] == torch.__version__


def test_features_command_writes_the_json_report(tmp_path):
    import torch

    out = tmp_path / "reports" / "features.json"
    proc = subprocess.run(
        [sys.executable, "-m", "musiclearn.bench", "features", "--quick", "--repeats", "2", "--threads", "1",
         "--json", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    _check_report(report, cuda=torch.cuda.is_available())
    assert report["repeats"] == 2 and report["quick"] is True
    assert report["torch_threads"] == 1  # --threads 1 reached torch and the BLAS settings
    assert report["thread_env"]["OPENBLAS_NUM_THREADS"] == "1"
    assert report["signal"]["seconds"] == 5.0 and report["signal"]["clips"] == 4
    # The table names every benchmark.
    for r in report["results"]:
        assert r["name"] in proc.stdout
    assert f"wrote {out}" in proc.stdout


def test_run_features_in_process_on_tiny_sizes():
    lines = []
    report = bench.run_features(seconds=1.0, clips=3, clip_seconds=0.5, repeats=1, use_cuda=False, log=lines.append)
    _check_report(report, cuda=False)
    assert report["signal"] == {"sr": 22050, "seconds": 1.0, "clips": 3, "clip_seconds": 0.5, "dtype": "float32"}
    assert len(lines) == 4 and lines[0].strip().startswith("stft")


def test_the_command_line_explains_mistakes(capsys):
    assert bench.main([]) == 2
    assert "features" in capsys.readouterr().out
    assert bench.main(["features", "--repeats", "0"]) == 2
    assert "--repeats must be at least 1" in capsys.readouterr().err
    assert bench.main(["features", "--threads", "0"]) == 2
    assert "--threads must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        bench.main(["no-such-benchmark"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_subcommands_come_from_one_table():
    assert "features" in bench.COMMANDS
    command = bench.COMMANDS["features"]
    assert command.help and callable(command.configure) and callable(command.run)


def test_timers_count_runs_and_sync():
    calls = {"fn": 0, "other": 0, "sync": 0}

    def fn():
        calls["fn"] += 1

    def other():
        calls["other"] += 1

    def sync():
        calls["sync"] += 1

    t = bench.time_median(fn, repeats=4, warmup=2, sync=sync)
    assert t >= 0 and calls == {"fn": 6, "other": 0, "sync": 6}
    a, b = bench.time_pair(fn, other, repeats=3, warmup=1)
    assert a >= 0 and b >= 0 and calls["fn"] == 10 and calls["other"] == 4
    with pytest.raises(ValueError, match="repeats must be at least 1"):
        bench.time_median(fn, repeats=0)


def test_time_pair_tells_slow_from_fast():
    import time

    fast, slow = bench.time_pair(lambda: None, lambda: time.sleep(0.02), repeats=3)
    assert slow >= 0.02 > fast
