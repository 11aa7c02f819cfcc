"""``python -m musiclearn.bench audio-gen``: runs end to end (``--quick``), writes a valid report, refuses bad arguments."""

from __future__ import annotations

import json
import math

import pytest

pytest.importorskip("torch")
pytest.importorskip("fluidsynth")

from musiclearn.bench import audio_gen  # noqa: E402
from musiclearn.bench import main  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def validate_report(report: dict) -> None:
    """The report's schema, as documented in musiclearn.bench.audio_gen."""
    assert report["benchmark"] == "audio-gen"
    bits = report["bits_per_sample"]
    assert set(bits) == {"unigram", "lpc", "wavenet"}
    assert all(0.0 < v <= 9.0 for v in bits.values())
    assert math.isclose(report["wavenet_minus_lpc_bits"], bits["wavenet"] - bits["lpc"], abs_tol=1e-3)
    assert math.isclose(report["wavenet_bits_per_second"], bits["wavenet"] * report["sample_rate"], rel_tol=1e-3)
    assert report["vqvae_codes_per_second"] == 100
    assert math.isclose(report["vqvae_prior_bits_per_second"], 100 * report["vqvae_prior_bits_per_code"], rel_tol=1e-3)
    assert 0 < report["vqvae_prior_bits_per_code"] < 20
    gen = report["generation_samples_per_second"]
    assert set(gen) == {"naive", "cached"} and all(v > 0 for v in gen.values())
    assert report["generation_same_samples"] is True
    assert set(report["training_tokens_per_second"]) == {"wavenet_samples", "prior_codes"}
    assert all(v > 0 for v in report["training_tokens_per_second"].values())
    for key in ("seconds", "machine", "versions", "config"):
        assert key in report
    assert report["machine"]["cpu_count"] >= 1 and report["versions"]["torch"]


def test_quick_run_writes_a_valid_report(tmp_path, capsys, monkeypatch):
    from musiclearn import translation

    calls = []

    def small_translation(*, quick, seed):       # notebook 16's own benchmark is tested in test_translation.py
        calls.append((quick, seed))
        return {"mel_l1_db": {"model": 9.0, "copy": 10.0, "stretch": 8.0, "envelope": 11.0},
                "lsd_db": {"model": 9.0, "copy": 10.0, "stretch": 8.0, "envelope": 11.0},
                "monotonic_share": 0.5, "length_error_frames": 0.0, "n_train": 1, "n_test": 1, "epochs": 1,
                "train_seconds": 0.1, "device": "cpu", "fast": quick}

    monkeypatch.setattr(translation, "benchmark", small_translation)
    out = tmp_path / "gen" / "audio-gen.json"
    out.parent.mkdir()
    status = main(["audio-gen", "--quick", "--json", str(out), "--seed", "1"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    report = json.loads(out.read_text())
    validate_report(report)
    assert report["quick"] and report["seed"] == 1 and calls == [(True, 1)]
    assert set(report["translation"]["mel_l1_db"]) == {"model", "copy", "stretch", "envelope"}
    assert "monotonic_share" in report["translation"] and report["translation"]["seconds"] >= 0
    assert "held-out bits per sample" in captured.out and "translation mel L1" in captured.out
    assert [p.name for p in out.parent.iterdir()] == ["audio-gen.json"]       # written atomically: no temp left


def test_report_without_translation_in_process():
    report = audio_gen.run(quick=True, translation=False)
    validate_report(report)
    assert report["translation"] is None
    assert "translation" not in audio_gen.format_table(report)


@pytest.mark.parametrize("argv, words", [
    (["audio-gen", "--device", "tpu"], "invalid choice"),
    (["audio-gen", "--seed", "many"], "invalid int value"),
])
def test_bad_arguments_exit_2_with_a_message(argv, words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert words in capsys.readouterr().err


def test_negative_seed_and_missing_gpu_exit_2(capsys, monkeypatch):
    assert main(["audio-gen", "--seed", "-1"]) == 2
    assert "--seed must be 0 or more" in capsys.readouterr().err
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert main(["audio-gen", "--quick", "--device", "cuda"]) == 2
    assert "no CUDA GPU" in capsys.readouterr().err
