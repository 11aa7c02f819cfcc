"""Binder's image has no dependency conflict: repo2docker's base environment plus our pins is consistent.

repo2docker installs binder/requirements.txt with pip *on top of* its own conda
environment. pip resolves only what it installs, so a base package it leaves
in place (notebook 7.4.7 wanted jupyterlab<4.5) silently ends up broken next to
our JupyterLab. No Docker here: the base environment is read from
repo2docker's lock file and the requirements from package metadata.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.binder

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():
    pytest.importorskip("repo2docker", reason="jupyter-repo2docker is in the 'test' extra")
    return _tool("binder_base")


@pytest.fixture(scope="module")
def base(tool):
    return tool.base_environment()


def test_the_base_environment_is_read_from_repo2dockers_lock(tool, base):
    assert tool.base_lock_path().name == "environment.py-3.11-linux-64.lock"
    # The Jupyter server and front ends Binder starts from, under their Python names.
    for name in ("notebook", "jupyterlab", "jupyter-server", "jupyterhub", "ipykernel", "nbconvert"):
        assert name in base, name
    assert "python" not in base and "libgcc" not in base and "jupyterhub-singleuser" not in base


def test_every_jupyter_package_of_the_image_has_known_requirements(tool, base):
    image = tool.image_environment(base)
    known = tool.known_requirements(image)
    unknown = sorted(f"{n}=={v}" for n, v in image.items() if tool.is_jupyter(n) and f"{n}=={v}" not in known)
    assert not unknown, (f"no requirement metadata for {unknown}: run `.venv/bin/python tools/binder_base.py` "
                         "(after upgrading jupyter-repo2docker or changing a Jupyter pin)")
    snapshot = json.loads((ROOT / "tools" / "binder_base_requires.json").read_text())
    assert snapshot["lock"] == tool.base_lock_path().name


def test_the_image_satisfies_every_known_requirement(tool, base):
    image = tool.image_environment(base)
    problems = tool.problems(image, tool.known_requirements(image))
    assert not problems, "Binder's image would be inconsistent:\n" + "\n".join(problems)


def test_without_the_binder_only_pins_notebook_would_break(tool, base):
    # The check itself can fail: the runtime pins alone leave repo2docker's notebook 7.4.7,
    # which does not accept the tested JupyterLab.
    pins = {n: v for n, v in tool.binder_pins().items() if n not in tool.binder_only()}
    image = tool.image_environment(base, pins)
    assert image["notebook"] == base["notebook"]
    problems = tool.problems(image, tool.known_requirements(image))
    assert any(p.startswith(f"notebook=={base['notebook']} requires 'jupyterlab<") for p in problems), problems


def test_binder_only_pins_are_what_binder_installs(tool):
    pins = tool.binder_pins()
    for name, version in tool.binder_only().items():
        assert pins.get(name) == version, f"binder/requirements.txt lacks {name}=={version}: run tools/lock.py"
