"""``python -m musiclearn doctor``: every row reports what it finds, and failures set the exit status."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import pytest

from musiclearn import doctor

STATUSES = {"ok", "warn", "FAIL"}


def _row(rows, name):
    matches = [row for row in rows if row.name == name]
    assert len(matches) == 1, f"expected one {name!r} row, got {[r.name for r in rows]}"
    return matches[0]


def _pretend_not_installed(monkeypatch, distribution: str) -> None:
    """importlib.metadata says ``distribution`` is not installed; every other answer is real."""
    real_version = metadata.version

    def version(name):
        if name == distribution:
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(metadata, "version", version)


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "musiclearn", "doctor", *args],
                          capture_output=True, text=True, timeout=120, env=os.environ.copy())


# --------------------------------------------------------------------------- the command line

def test_cli_prints_an_aligned_table_and_exits_0_here():
    result = _run_cli()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["check", "status", "detail"]
    status_column = lines[0].index("status")
    detail_column = lines[0].index("detail")
    names = ["Python", *(d for d, _, _ in doctor.REQUIRED_PACKAGES), "CPU", "GPU", "instrument sound",
             "widgets extension", "numba cache", "musiclearn cache", "memory", "fast mode"]
    for name in names:
        line = next((line for line in lines if line.startswith(name + " ")), None)
        assert line is not None, f"no row for {name!r} in:\n{result.stdout}"
        # Aligned: every status starts in the status column, every detail in the detail column.
        assert line[status_column:].split()[0] in STATUSES
        assert line[detail_column - 1] == " " and line[detail_column] != " "
    assert "0 FAIL" in lines[-1] and "ready for the course" in lines[-1]
    assert result.stderr == ""


def test_cli_json_parses_and_agrees_with_the_rows():
    result = _run_cli("--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["ok"] is True
    checks = payload["checks"]
    assert {c["status"] for c in checks} <= STATUSES
    assert set(checks[0]) == {"name", "status", "detail", "fix"}
    for status in STATUSES:
        assert payload["counts"][status] == sum(c["status"] == status for c in checks)
    by_name = {c["name"]: c for c in checks}
    assert by_name["numpy"]["detail"] == metadata.version("numpy")
    # Every row that is not ok says how to fix it.
    assert all(c["fix"] for c in checks if c["status"] != "ok")
    assert payload["seconds"] < 60


def test_unknown_option_exits_2_with_usage(capsys):
    assert doctor.main(["--jsno"]) == 2
    assert "usage: python -m musiclearn doctor" in capsys.readouterr().err


# --------------------------------------------------------------------------- required packages and Python

def test_missing_required_package_fails_and_sets_exit_status(monkeypatch, capsys):
    _pretend_not_installed(monkeypatch, "music21")
    row = _row(doctor.report(), "music21")
    assert row.status == "FAIL" and row.detail == "not installed"
    assert "music21>=9.0" in row.fix and "course.py setup" in row.fix
    capsys.readouterr()  # whatever libraries printed on import while report() ran

    assert doctor.main(["--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False and payload["counts"]["FAIL"] == 1
    assert doctor.main([]) == 1
    assert "1 FAIL: fix the FAIL rows" in capsys.readouterr().out


def test_package_that_does_not_import_fails(monkeypatch):
    # None in sys.modules makes `import soundfile` raise ImportError, like a missing libsndfile would.
    monkeypatch.setitem(sys.modules, "soundfile", None)
    row = doctor.check_package("soundfile", "soundfile", "0.12")
    assert row.status == "FAIL"
    assert "does not import" in row.detail and "import of soundfile halted" in row.detail
    assert "--force-reinstall" in row.fix


def test_too_old_package_fails(monkeypatch):
    real_version = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "1.21.6" if name == "numpy" else real_version(name))
    row = doctor.check_package("numpy", "numpy", "1.24")
    assert row.status == "FAIL" and "1.21.6 is too old (need >= 1.24)" in row.detail


@pytest.mark.parametrize("version, minimum, ok", [
    ("2.13.0+cpu", "2.2", True), ("0.2.11.post0", "0.2.10", True), ("0.2.9", "0.2.10", False),
    ("10.5.1", "9.0", True), ("4.0.0rc1", "4.0", True), ("1.9", "1.10", False),
])
def test_version_comparison(version, minimum, ok):
    assert doctor._at_least(version, minimum) is ok


def test_old_python_fails():
    assert doctor.check_python((3, 9, 18)).status == "FAIL"
    assert "3.9.18 is too old" in doctor.check_python((3, 9, 18)).detail
    assert doctor.check_python((3, 10, 0)).status == "ok"


# --------------------------------------------------------------------------- GPU

def _torch_without_gpu(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    return torch


def test_no_gpu_is_a_warning_not_a_failure(monkeypatch):
    _torch_without_gpu(monkeypatch)
    row = doctor.check_gpu()
    assert row.status == "warn"
    assert row.detail == "none — the course runs on the CPU with smaller models"
    assert doctor.Report([row]).ok


def test_cuda_gpu_is_named_with_its_memory(monkeypatch):
    torch = _torch_without_gpu(monkeypatch)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "get_device_properties",
                        lambda index: SimpleNamespace(name="NVIDIA Test 9000", total_memory=16 * 1024**3))
    row = doctor.check_gpu()
    assert row.status == "ok"
    assert row.detail.startswith("CUDA: NVIDIA Test 9000, 16.0 GB (+1 more)")


def test_apple_mps_is_ok(monkeypatch):
    torch = _torch_without_gpu(monkeypatch)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert doctor.check_gpu() == doctor.Check("GPU", "ok", "Apple MPS (Metal) is available")


def test_broken_gpu_driver_is_reported_not_raised(monkeypatch):
    torch = _torch_without_gpu(monkeypatch)

    def broken():
        raise RuntimeError("CUDA driver version is insufficient")

    monkeypatch.setattr(torch.cuda, "is_available", broken)
    row = doctor.check_gpu()
    assert row.status == "warn" and "CUDA driver version is insufficient" in row.detail


# --------------------------------------------------------------------------- numba and musiclearn caches

def test_numba_cache_defaults_to_librosas_folder(monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    target, source = doctor.numba_cache_target()
    spec = importlib.util.find_spec("librosa")
    assert target == Path(next(iter(spec.submodule_search_locations)))
    assert source == "librosa's package folder"


def test_writable_numba_cache_dir_is_ok(monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    row = doctor.check_numba_cache()
    assert row.status == "ok" and str(tmp_path / "numba") in row.detail
    assert (tmp_path / "numba").is_dir(), "the check creates the folder as numba would"


def test_read_only_numba_cache_dir_is_reported(monkeypatch, tmp_path):
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    if os.geteuid() == 0:
        # root may write into a chmod-555 folder; only a read-only mount stops it, and for
        # that access(2) answers EROFS. Simulate that kernel answer for this folder alone.
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == read_only
                            else real_access(path, mode, **kw))
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(read_only))
    try:
        row = doctor.check_numba_cache()
    finally:
        read_only.chmod(0o755)
    assert row.status == "warn"
    assert str(read_only) in row.detail and "NUMBA_CACHE_DIR" in row.detail and "read-only" in row.detail
    assert "NUMBA_CACHE_DIR" in row.fix


def test_numba_cache_dir_that_cannot_be_created_is_reported(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(blocker / "numba"))
    row = doctor.check_numba_cache()
    assert row.status == "warn" and "cannot create the folder" in row.detail


def test_unwritable_musiclearn_cache_fails(monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(blocker / "cache"))
    row = doctor.check_cache_dir()
    assert row.status == "FAIL" and "MUSICLEARN_CACHE_DIR" in row.fix
    assert doctor.main([]) == 1
    capsys.readouterr()


def test_writable_musiclearn_cache_is_ok(monkeypatch, tmp_path):
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(tmp_path / "c"))
    assert doctor.check_cache_dir() == doctor.Check("musiclearn cache", "ok", f"{tmp_path / 'c'} is writable")


# --------------------------------------------------------------------------- sound, widgets, memory, fast mode

def test_sound_row_follows_midi_module(monkeypatch):
    from musiclearn import midi

    monkeypatch.setattr(midi, "real_instruments_available", lambda: (False, "FluidSynth is not usable"))
    row = doctor.check_sound()
    assert row.status == "warn" and "sine fallback" in row.detail and "fluidsynth" in row.fix.lower()
    monkeypatch.setattr(midi, "real_instruments_available", lambda: (True, "real instruments: FluidSynth 2.3"))
    assert doctor.check_sound() == doctor.Check("instrument sound", "ok", "real instruments: FluidSynth 2.3")


def test_sound_row_survives_a_broken_midi_check(monkeypatch):
    from musiclearn import midi

    def broken():
        raise OSError("libfluidsynth.so.3: cannot open shared object file")

    monkeypatch.setattr(midi, "real_instruments_available", broken)
    row = doctor.check_sound()
    assert row.status == "warn" and "cannot open shared object" in row.detail


def test_widgets_extension_found_here():
    row = doctor.check_widgets()
    assert row.status == "ok", row.detail
    assert "jupyterlab-manager" in row.detail


def test_widgets_extension_missing_files_fail(tmp_path):
    row = doctor.check_widgets(search=[tmp_path])
    assert row.status == "FAIL" and "extension files are missing" in row.detail
    assert "restart JupyterLab" in row.fix
    manifest = tmp_path / "@jupyter-widgets" / "jupyterlab-manager" / "package.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text("{}")
    assert doctor.check_widgets(search=[tmp_path]).status == "ok"


def test_widgets_package_missing_fails(monkeypatch):
    _pretend_not_installed(monkeypatch, "jupyterlab_widgets")
    row = doctor.check_widgets()
    assert row.status == "FAIL" and "jupyterlab_widgets is not installed" in row.detail


def test_low_memory_warns(monkeypatch):
    import psutil

    monkeypatch.setattr(psutil, "virtual_memory",
                        lambda: SimpleNamespace(available=int(0.8 * 1024**3), total=4 * 1024**3))
    row = doctor.check_memory()
    assert row.status == "warn" and row.detail.startswith("0.8 GB free of 4.0 GB")
    monkeypatch.setattr(psutil, "virtual_memory",
                        lambda: SimpleNamespace(available=3 * 1024**3, total=4 * 1024**3))
    assert doctor.check_memory().status == "ok"


def test_fast_mode_row(monkeypatch):
    monkeypatch.setenv("MUSICLEARN_FAST", "1")
    assert doctor.check_fast_mode().detail.startswith("on (MUSICLEARN_FAST=1)")
    monkeypatch.delenv("MUSICLEARN_FAST")
    assert doctor.check_fast_mode().detail.startswith("off")


def test_cpu_row_counts_usable_cores():
    row = doctor.check_cpu()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert row.status == "ok" and row.detail.startswith(f"{usable} core")


# --------------------------------------------------------------------------- the report object

def test_a_crashing_check_becomes_a_row(monkeypatch):
    def crash():
        raise KeyError("surprise")

    monkeypatch.setattr(doctor, "check_cpu", crash)
    row = _row(doctor.report(), "CPU")
    assert row.status == "warn" and "KeyError" in row.detail


def test_report_renders_as_html_with_coloured_statuses():
    rows = doctor.Report([doctor.Check("numpy", "ok", "2.0"),
                          doctor.Check("GPU", "warn", "none <cpu>", "get one")])
    page = rows._repr_html_()
    assert page.startswith("<table>") and "none &lt;cpu&gt;" in page and "get one" in page
    assert "#9a6700" in page and "1 ok, 1 warn, 0 FAIL" in page
    assert rows.ok and not doctor.Report([doctor.Check("x", "FAIL", "broken", "fix it")]).ok
    assert str(rows) == rows.to_text()


def test_cli_json_stays_parseable_when_libraries_print_on_import():
    # pyfluidsynth prints where it found FluidSynth when CI is set; that must not reach stdout.
    env = dict(os.environ, CI="true")
    result = subprocess.run([sys.executable, "-m", "musiclearn", "doctor", "--json"], capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    assert "was found" not in result.stdout + result.stderr
