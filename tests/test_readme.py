"""The README's promises hold: two quickstart commands, CI runs the test one, the example runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, flags=re.MULTILINE | re.DOTALL)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _code_blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.DOTALL)


def _commands(block: str) -> list[str]:
    return [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]


def test_quickstart_has_exactly_two_commands_lab_and_test():
    blocks = _code_blocks(_section("Quickstart"), "bash")
    assert len(blocks) == 1
    commands = _commands(blocks[0])
    assert commands == ["python3 course.py lab", "python3 course.py test"]


def test_ci_runs_the_readme_test_command():
    test_command = _commands(_code_blocks(_section("Quickstart"), "bash")[0])[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in _commands(ci)
    assert "set -euo pipefail" in ci


def test_syllabus_links_every_existing_notebook():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"(notebooks/{path.name})" in README, f"README's syllabus does not link {path.name}"


def test_fast_mode_variable_is_documented():
    assert "MUSICLEARN_FAST=1" in _section("Fast mode")


def test_helpers_example_runs(tmp_path):
    from musiclearn import audio

    t = np.arange(22050 * 2) / 22050
    audio.save(tmp_path / "song.wav", (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr=22050)
    example = _code_blocks(_section("Use the helpers in your own project"), "python")[0]
    check = "\nassert S.shape[0] == 64 and M.shape[0] == 13 and len(melodies) == 213\n"
    result = subprocess.run([sys.executable, "-c", example + check], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def test_benchmark_numbers_in_the_readme_are_the_measured_ones():
    import json

    report = json.loads((ROOT / "benchmarks" / "kinder0.json").read_text())
    measured = {(r["model"], r["track"]): r for r in report["results"]}
    readme_rows = {  # README wording -> the benchmark's own names
        "unigram, PPM-C": ("unigram PPM-C", "baseline"),
        "trigram, PPM-C": ("trigram PPM-C", "baseline"),
        "PPM-C long- + short-term, key-relative": ("PPM-C LTM+STM, key-relative", "baseline"),
        "LSTM": ("LSTM", "in-domain"),
        "LSTM + PPM-C + short-term model": ("LSTM + PPM-C + STM", "in-domain"),
        "LSTM, pretrained on the rest of Essen (leaky tunes removed)": ("LSTM", "pretrained"),
        "LSTM + short-term model, pretrained": ("LSTM + STM", "pretrained"),
    }
    for wording, key in readme_rows.items():
        row = measured[key]
        numbers = f"{row['bits_per_note']:.3f} ± {row['bits_per_note_std']:.3f}"
        assert re.search(rf"^\| {re.escape(wording)} \| {key[1]} \| \**{re.escape(numbers)}\**", README,
                         flags=re.MULTILINE), f"README row {wording!r} should read {numbers}"
    assert f"{report['total_seconds'] / 60:.1f} minutes" in README


def test_the_teacher_switch_in_the_readme_is_the_one_course_py_knows():
    import importlib.util

    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    teaching = _section("Teaching with Binder")
    assert f"python3 course.py lab {course.NO_SOLUTIONS}" in teaching
    assert "MUSICLEARN_SOLUTIONS=hide" in teaching


def test_audio_benchmark_numbers_in_the_readme_are_the_measured_ones():
    import json

    report = json.loads((ROOT / "benchmarks" / "audio.json").read_text())
    section = _section("Results: the audio benchmark")
    by = {(r["model"], r["split"]): r for r in report["results"]}
    splits = [s for s in ("random", "program-disjoint", "soundfont-disjoint", "holdout-soundfont")
              if any(split == s for _, split in by)]
    header = re.search(r"^\| model \| (.*) \|$", section, flags=re.MULTILINE)
    assert header and header.group(1).split(" | ") == splits, "the README's columns should be the report's splits"
    wording = {"mfcc-logreg": "MFCC statistics + logistic regression", "cnn-logmel": "log-mel CNN",
               "cnn-waveform": "waveform CNN"}
    for model, label in wording.items():
        cells = " | ".join(f"{by[(model, s)]['accuracy']:.3f} ± {by[(model, s)]['accuracy_std']:.3f}" for s in splits)
        assert re.search(rf"^\| {re.escape(label)} \| {re.escape(cells)} \|$", section, flags=re.MULTILINE), \
            f"README row {label!r} should read {cells}"
    assert f"{report['seconds'] / 60:.1f} minutes" in section
    assert f"{report['clips']:,} clips" in section
    gaps = [gap for per_split in report["inflation"].values() for gap in per_split.values()]
    assert f"by {min(gaps):.2f} to {max(gaps):.2f}" in section
    unseen = {p["name"]: p for p in by[("cnn-logmel", "program-disjoint")]["per_program"].values()}
    for name, family in (("Distortion Guitar", "brass"), ("Muted Trumpet", "reed")):   # as the README says
        wrong = {f: c for f, c in unseen[name]["predicted"].items() if f != unseen[name]["family"]}
        assert max(wrong, key=wrong.get) == family, f"the README says {name} is taken for {family}"


def test_audio_generation_numbers_in_the_readme_are_the_measured_ones():
    import json

    report = json.loads((ROOT / "benchmarks" / "audio-gen.json").read_text())
    section = _section("Results: generating audio")
    bits, speed, tr = report["bits_per_sample"], report["generation_samples_per_second"], report["translation"]
    rows = {
        "unigram (μ-law code histogram)": f"{bits['unigram']:.3f} bits/sample",
        f"linear prediction (LPC, order {report['config']['lpc_order']})": f"{bits['lpc']:.3f} bits/sample",
        "WaveNet": f"{bits['wavenet']:.3f} bits/sample",
        "transformer prior over VQ-VAE codes": f"{report['vqvae_prior_bits_per_second']:.0f} bits/s of codes",
        "WaveNet generation, naive / cached": f"{speed['naive']:,.0f} / {speed['cached']:,.0f} samples/s",
        "translation, mel L1: model / copy / stretch / envelope":
            " / ".join(f"{tr['mel_l1_db'][k]:.2f}" for k in ("model", "copy", "stretch", "envelope")) + " dB",
        "held-out alignments that are monotonic": f"{tr['monotonic_share']:.0%}",
    }
    for label, value in rows.items():
        assert re.search(rf"^\| {re.escape(label)} \| {re.escape(value)} \|$", section, flags=re.MULTILINE), \
            f"README row {label!r} should read {value}"
    assert f"{report['seconds'] / 60:.1f} minutes" in section
