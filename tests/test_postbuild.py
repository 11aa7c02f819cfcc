"""Binder's postBuild, run for real: its exact commands, in a scratch environment like Binder's.

repo2docker runs ``binder/postBuild`` in the repository root with the image's
``python`` first on PATH, after installing binder/requirements.txt. Here the
scratch venv plays the image (dependencies borrowed from this environment,
musiclearn not installed), HOME and the caches point into a temporary folder,
and the script runs unchanged. It takes about a minute on two cores: most of
it is numba compiling librosa's functions and music21 parsing the 409 Bach
chorales, the very work postBuild exists to do before a class starts.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from _scratch import copy_tracked_tree, make_venv, scratch_env

pytestmark = [pytest.mark.binder, pytest.mark.slow]

_AFTER = """
import importlib.metadata, json
import musiclearn
from jupyterlab.commands import get_app_dir
from jupyterlab_server.settings_utils import _get_overrides
from musiclearn import corpus

dist = importlib.metadata.distribution("musiclearn")
reports = {name: corpus.info(name) for name in ("kinder0", "bach-soprano")}
print(json.dumps({
    "file": musiclearn.__file__,
    "direct_url": json.loads(dist.read_text("direct_url.json") or "{}"),
    "corpus": {name: [r.tunes, r.built] for name, r in reports.items()},
    "overrides": _get_overrides(get_app_dir() + "/settings")[0],
}))
"""


@pytest.fixture(scope="module")
def postbuild(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("postbuild")
    repo = copy_tracked_tree(tmp / "repo")
    venv = tmp / "venv"
    python = make_venv(venv)
    env = scratch_env(
        venv,
        HOME=str(tmp / "home"),
        MUSICLEARN_CACHE_DIR=str(tmp / "home" / ".cache" / "musiclearn"),
        NUMBA_CACHE_DIR=str(tmp / "numba"),
        # Offline: `pip install .` builds with the setuptools already here instead of fetching one
        # (pip reads PIP_NO_BUILD_ISOLATION=0 as --no-build-isolation).
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",
    )
    for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR"):  # Binder sets none of them
        env.pop(variable, None)
    (tmp / "home").mkdir()
    result = subprocess.run(["bash", "binder/postBuild"], cwd=repo, env=env, capture_output=True, text=True,
                            timeout=600)
    return tmp, venv, python, env, result


def test_postbuild_exits_0_and_doctor_found_nothing_broken(postbuild):
    result = postbuild[-1]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "numba and matplotlib caches warmed" in result.stdout
    assert "ready for the course" in result.stdout


@pytest.fixture(scope="module")
def after(postbuild):
    tmp, venv, python, env, result = postbuild
    assert result.returncode == 0, result.stderr[-3000:]
    out = subprocess.run([str(python), "-c", _AFTER], cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_musiclearn_is_installed_from_the_repository_not_editable(postbuild, after):
    venv = postbuild[1]
    assert Path(after["file"]).is_relative_to(venv), after["file"]
    assert after["direct_url"].get("dir_info", {}).get("editable") is not True, after["direct_url"]


def test_the_corpus_cache_is_built(after):
    # built == 0: reading them again parsed nothing, everything came from the cache postBuild left.
    assert after["corpus"] == {"kinder0": [213, 0], "bach-soprano": [409, 0]}


def test_numba_and_matplotlib_caches_are_warm(postbuild):
    tmp = postbuild[0]
    assert list((tmp / "numba").rglob("*.nbi")), "numba cached nothing"
    assert list((tmp / "home" / ".cache" / "matplotlib").glob("fontlist-*.json")), "no matplotlib font cache"


def test_jupyterlab_gets_the_course_settings(after):
    assert after["overrides"]["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
