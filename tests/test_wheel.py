"""What `pip install` users get: the wheel holds the whole package and the course works from it.

The wheel is built from a copy of what git ships and installed into a fresh
virtual environment (dependencies borrowed from this one, musiclearn not), and
everything below runs from a temporary folder, so nothing can come from the
checkout by accident. A hand-written package list once lost
``musiclearn/_exercises/``: the editable install used by every other test
could not notice.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from _scratch import ROOT, copy_tracked_tree, make_venv, scratch_env

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
_EXERCISE_CALL = re.compile(r"\b(?:check|solution|show|hint)\(\s*[\"'](\d\d\.\w+)[\"']")

_PROBE = """
import importlib.metadata, json, sys
import numpy as np
import musiclearn
from musiclearn.exercises import NOTEBOOKS, check, list_exercises, solution

reference = solution("00.amplitude_to_db", display=False)
print(json.dumps({
    "file": musiclearn.__file__,
    "dist": str(importlib.metadata.distribution("musiclearn").locate_file("")),
    "notebooks": list(NOTEBOOKS),
    "ids": list_exercises(),
    "reference_passes": check("00.amplitude_to_db", reference).passed,
    "wrong_passes": check("00.amplitude_to_db", lambda ratio: 10 * np.log10(ratio)).passed,
}))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(wheel path, source copy, fresh venv, its python, environment)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = copy_tracked_tree(tmp / "src")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                             "--quiet", "--wheel-dir", str(tmp / "dist"), str(source)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (wheel,) = (tmp / "dist").glob("musiclearn-*.whl")
    venv = tmp / "venv"
    python = make_venv(venv)
    env = scratch_env(venv, MUSICLEARN_CACHE_DIR=str(tmp / "cache"))
    result = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                            capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return wheel, source, venv, python, env


@pytest.fixture(scope="module")
def probe(built):
    _, _, _, python, env = built
    result = subprocess.run([str(python), "-c", _PROBE], capture_output=True, text=True, env=env,
                            cwd=built[2].parent, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_wheel_holds_every_file_of_the_package(built):
    wheel, source, *_ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(source).as_posix() for p in (source / "musiclearn").rglob("*") if p.is_file()}
    missing = sorted(shipped - names)
    assert not missing, f"the wheel lacks {missing}: check [tool.setuptools.packages.find] and package-data"
    assert "musiclearn/py.typed" in names
    assert any(n.startswith("musiclearn/exercises/") for n in names)


def test_the_installed_package_is_the_wheel_not_the_checkout(built, probe):
    venv = built[2]
    assert Path(probe["file"]).is_relative_to(venv), probe["file"]
    assert Path(probe["dist"]).is_relative_to(venv), probe["dist"]


def test_every_exercise_a_notebook_uses_is_registered(probe):
    registered = set(probe["ids"])
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        used = set(_EXERCISE_CALL.findall(code))
        if not used:
            continue
        assert path.name[:2] in probe["notebooks"], f"exercises.NOTEBOOKS lacks {path.name[:2]}"
        assert used <= registered, f"{path.name} uses unregistered exercises {sorted(used - registered)}"


def test_an_exercise_check_runs(probe):
    assert probe["reference_passes"] is True
    assert probe["wrong_passes"] is False


def test_doctor_passes(built):
    _, _, venv, python, env = built
    result = subprocess.run([str(python), "-m", "musiclearn", "doctor"], capture_output=True, text=True,
                            env=env, cwd=venv.parent, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "ready for the course" in result.stdout
    # The console script the wheel declares is there too.
    script = subprocess.run([str(venv / "bin" / "musiclearn"), "--help"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert script.returncode == 0 and "doctor" in script.stdout
