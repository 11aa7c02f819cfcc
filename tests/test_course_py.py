"""`python3 course.py lab`: starts as root too, hides solutions on request, installs the course's JupyterLab settings."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def course(monkeypatch):
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("JUPYTERLAB_DIR", raising=False)
    return module


@pytest.fixture()
def started(course, monkeypatch):
    """Run ``main(["lab", ...])`` with setup and the server start replaced; return what it would run."""
    calls = []
    monkeypatch.setattr(course, "setup", lambda with_tests: Path("/venv/bin/python"))
    monkeypatch.setattr(course.subprocess, "call", lambda cmd, env: calls.append((cmd, env)) or 0)
    monkeypatch.setattr(course.os, "chdir", lambda path: None)

    def start(*args: str, euid: int = 1000):
        monkeypatch.setattr(course.os, "geteuid", lambda: euid, raising=False)
        calls.clear()
        assert course.main(["lab", *args]) == 0
        (call,) = calls
        return call

    return start


def test_lab_as_root_adds_allow_root_and_says_why(started, capsys):
    cmd, _ = started(euid=0)
    assert cmd[-1] == "--allow-root" and cmd.count("--allow-root") == 1
    assert "running as root" in capsys.readouterr().out


def test_lab_as_a_user_does_not_allow_root(started, capsys):
    cmd, env = started(euid=1000)
    assert "--allow-root" not in cmd
    assert "running as root" not in capsys.readouterr().out
    assert cmd[1:4] == ["-m", "jupyterlab", "notebooks/00_welcome.ipynb"]


def test_root_flag_given_by_hand_is_not_doubled(started):
    cmd, _ = started("--allow-root", euid=0)
    assert cmd.count("--allow-root") == 1


def test_no_solutions_hides_them_for_the_kernels_and_is_not_passed_to_jupyterlab(started, monkeypatch):
    monkeypatch.delenv("MUSICLEARN_SOLUTIONS", raising=False)
    cmd, env = started("--no-solutions", "--port", "8899")
    assert "--no-solutions" not in cmd and cmd[-2:] == ["--port", "8899"]
    assert env["MUSICLEARN_SOLUTIONS"] == "hide"
    # A kernel started with that environment shows no solution code.
    code = "from musiclearn.exercises import solutions_shown; print(solutions_shown())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    _, env = started()
    assert "MUSICLEARN_SOLUTIONS" not in env


def test_lab_settings_go_where_jupyterlab_reads_them(course, tmp_path, monkeypatch):
    from jupyterlab.commands import get_app_dir
    from jupyterlab_server.settings_utils import _get_overrides

    # Without JUPYTERLAB_DIR: the venv's own share/jupyter/lab, as JupyterLab computes it for this venv.
    assert course.lab_settings_dir(Path(sys.prefix)) == Path(get_app_dir()) / "settings" / "overrides.d"
    # With it (and in a scratch "venv"), installing puts the file where that JupyterLab looks.
    monkeypatch.setenv("JUPYTERLAB_DIR", str(tmp_path / "lab"))
    target = course.install_lab_settings(tmp_path / "venv")
    assert target.parent == Path(get_app_dir()) / "settings" / "overrides.d"
    overrides, error = _get_overrides(str(Path(get_app_dir()) / "settings"))
    assert not error
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    # Idempotent: a second setup leaves the file alone.
    mtime = target.stat().st_mtime_ns
    course.install_lab_settings(tmp_path / "venv")
    assert target.stat().st_mtime_ns == mtime


def test_lab_settings_are_valid_for_the_installed_jupyterlab(course):
    import jsonschema
    import jupyterlab

    settings = json.loads(course.LAB_SETTINGS.read_text())
    schemas = Path(jupyterlab.__file__).parent / "schemas"
    for plugin, values in settings.items():
        package, name = plugin.split(":")
        schema = json.loads((schemas / package / f"{name}.json").read_text())
        jsonschema.validate(values, schema)  # unknown keys fail: the schema forbids additional properties
        assert schema.get("additionalProperties") is False
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_setup_installs_the_lab_settings_even_when_up_to_date(course, tmp_path, monkeypatch):
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    monkeypatch.setattr(course, "VENV", venv)
    monkeypatch.setattr(course, "STAMP", venv / ".course-stamp")
    monkeypatch.setattr(course, "venv_python", lambda: python)
    (venv / ".course-stamp").write_text(course.fingerprint(course.LOCK_RUNTIME))
    monkeypatch.setattr(course, "run", lambda *a, **k: pytest.fail("nothing should be installed"))
    course.setup(with_tests=False)
    installed = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "musiclearn.json"
    assert installed.read_bytes() == course.LAB_SETTINGS.read_bytes()
