"""The package imports lightly and exposes its documented top-level names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import musiclearn
from musiclearn import errors

HEAVY = ["torch", "librosa", "numba", "matplotlib", "music21", "pretty_midi", "scipy", "soundfile", "IPython"]


def test_version_is_a_release_string():
    parts = musiclearn.__version__.split(".")
    assert len(parts) >= 3 and all(p.isdigit() for p in parts[:3])


def test_import_is_light():
    code = ("import sys, json, musiclearn; "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [], f"import musiclearn pulled in heavy modules: {out.stdout}"


def test_import_needs_nothing_that_site_happened_to_import(tmp_path):
    # Without `site`, no .pth file (such as the editable install's hook) has imported importlib.util
    # for us, as in a plain wheel install: `import musiclearn` must import what it uses itself.
    root = str(Path(__file__).resolve().parents[1])
    code = f"import sys; sys.path.insert(0, {root!r}); import musiclearn; print(musiclearn.__version__)"
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == musiclearn.__version__


def test_submodules_load_on_first_use():
    assert musiclearn.errors is errors
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        musiclearn.nonexistent  # noqa: B018


@pytest.mark.parametrize("cls", [errors.AudioError, errors.MidiError, errors.DataError])
def test_errors_are_value_errors_that_name_the_file(cls):
    err = cls("the file is empty (0 bytes)", path="/tmp/song.wav")
    assert isinstance(err, ValueError)
    assert str(err) == "/tmp/song.wav: the file is empty (0 bytes)"
    assert err.path == "/tmp/song.wav" and err.problem == "the file is empty (0 bytes)"


def test_seed_everything_makes_numpy_python_and_torch_repeatable():
    import random

    import numpy as np
    import torch

    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    musiclearn.seed_everything(123)
    first = draw()
    musiclearn.seed_everything(123)
    assert draw() == first
    musiclearn.seed_everything(124)
    assert draw() != first


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True])
def test_seed_everything_rejects_bad_seeds(bad):
    with pytest.raises(ValueError, match="non-negative int"):
        musiclearn.seed_everything(bad)


def test_fast_mode_reads_the_environment(monkeypatch):
    monkeypatch.setenv("MUSICLEARN_FAST", "1")
    assert musiclearn.fast_mode()
    monkeypatch.setenv("MUSICLEARN_FAST", "0")
    assert not musiclearn.fast_mode()
    monkeypatch.delenv("MUSICLEARN_FAST")
    assert not musiclearn.fast_mode()


def test_numba_cache_moves_when_librosa_is_read_only(tmp_path):
    # Simulate a read-only site-packages: librosa's folder is not writable.
    code = (
        "import os, importlib.util\n"
        "os.access = lambda path, mode: False\n"
        "import musiclearn\n"
        "print(os.environ['NUMBA_CACHE_DIR'])\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "NUMBA_CACHE_DIR"}
    env["MUSICLEARN_CACHE_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == str(tmp_path / "numba")
    assert (tmp_path / "numba").is_dir()


def test_cli_without_a_command_prints_usage():
    out = subprocess.run([sys.executable, "-m", "musiclearn"], capture_output=True, text=True)
    assert out.returncode == 2 and "doctor" in out.stdout
    out = subprocess.run([sys.executable, "-m", "musiclearn", "frobnicate"], capture_output=True, text=True)
    assert out.returncode == 2 and "unknown command 'frobnicate'" in out.stderr


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from musiclearn._cache import atomic_write_bytes

    target = tmp_path / "cache.bin"
    atomic_write_bytes(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new contents")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.bin"]


def test_atomic_write_gives_ordinary_file_permissions(tmp_path):
    import os
    import stat

    from musiclearn._cache import atomic_write_bytes

    umask = os.umask(0o022)
    try:
        path = atomic_write_bytes(tmp_path / "shared.bin", b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
