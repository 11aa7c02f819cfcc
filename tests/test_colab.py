"""Colab: every notebook starts with the set-up cell, which installs the course there and does nothing elsewhere.

The repository's address is written once, in pyproject.toml; the README's
badges and pip line and the notebooks' cell are checked against it.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _load_tool():
    spec = importlib.util.spec_from_file_location("colab_cell", ROOT / "tools" / "colab_cell.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
URL = tool.repository_url()
OWNER_REPO = URL.removeprefix("https://github.com/")


def test_the_repository_url_is_a_github_repository():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", URL), URL


def test_readme_badges_and_pip_line_use_the_one_repository_url():
    binder = f"https://mybinder.org/v2/gh/{OWNER_REPO}/main?urlpath=lab/tree/notebooks/00_welcome.ipynb"
    colab = f"https://colab.research.google.com/github/{OWNER_REPO}/blob/main/notebooks/00_welcome.ipynb"
    assert f"]({binder})" in README, f"README's Binder badge should link {binder}"
    assert f"]({colab})" in README, f"README's Colab badge should link {colab}"
    assert f"git+{URL}" in README, "README's pip line should install from the repository"


@pytest.mark.parametrize("path", [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *NOTEBOOKS],
                         ids=["README", "CONTRIBUTING", *IDS])
def test_no_other_address_of_the_course_anywhere(path):
    # Links to other projects on GitHub are fine; any link to a copy of this course must be the one.
    text = path.read_text(encoding="utf-8")
    named = set(re.findall(r"github\.com/([\w.-]+/musiclearn(?:\.git)?)\b", text))
    named |= set(re.findall(r"mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)", text))
    named |= set(re.findall(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)", text))
    named = {n.removesuffix(".git") for n in named}
    assert named <= {OWNER_REPO}, f"{path.name} names {sorted(named - {OWNER_REPO})}; pyproject.toml says {URL}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_notebook_starts_with_the_colab_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = [c for c in nb["cells"] if c.get("id") == tool.CELL_ID]
    assert len(found) == 1, f"{path.name}: run `.venv/bin/python tools/colab_cell.py` (found {len(found)} cells)"
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert first_code is found[0], f"{path.name}: the Colab cell must be the first code cell"
    assert found[0] == tool.cell(URL), f"{path.name}: the Colab cell is stale: run tools/colab_cell.py"


def test_tool_inserts_once_and_is_idempotent(tmp_path):
    copies = []
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["cells"] = [c for c in nb["cells"] if c.get("id") != tool.CELL_ID]  # as before the tool ran
        copy = tmp_path / path.name
        copy.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        copies.append((copy, nb))
    assert tool.main([str(c) for c, _ in copies]) == 0
    for copy, before in copies:
        after = json.loads(copy.read_text(encoding="utf-8"))
        assert [c for c in after["cells"] if c.get("id") != tool.CELL_ID] == before["cells"], "other cells changed"
        assert after["cells"][0] == before["cells"][0] and after["cells"][0]["cell_type"] == "markdown"
        assert sum(c.get("id") == tool.CELL_ID for c in after["cells"]) == 1
        ids = [c["id"] for c in after["cells"]]
        assert len(ids) == len(set(ids))
    snapshot = {c: c.read_bytes() for c, _ in copies}
    assert tool.main(["--check", *map(str, snapshot)]) == 0
    assert tool.main([str(c) for c in snapshot]) == 0
    assert {c: c.read_bytes() for c in snapshot} == snapshot, "a second run changed the notebooks"


def test_tool_updates_a_stale_or_misplaced_cell(tmp_path):
    path = tmp_path / NOTEBOOKS[0].name
    shutil.copy(NOTEBOOKS[0], path)
    tool.main([str(path)])
    nb = json.loads(path.read_text(encoding="utf-8"))
    stale = next(c for c in nb["cells"] if c.get("id") == tool.CELL_ID)
    stale["source"] = ["# an older version of the cell\n"]
    nb["cells"].remove(stale)
    nb["cells"].append(stale)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert tool.main(["--check", str(path)]) == 1
    tool.main([str(path)])
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert next(c for c in nb["cells"] if c["cell_type"] == "code") == tool.cell(URL)
    assert sum(c.get("id") == tool.CELL_ID for c in nb["cells"]) == 1


def test_cell_is_plain_python_importing_only_the_standard_library():
    source = tool.cell_source(URL)
    assert URL in source
    modules = set()
    for node in ast.walk(ast.parse(source)):  # parses: no `!` or `%` lines
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module.split(".")[0])
    assert modules <= set(sys.stdlib_module_names), modules


def test_outside_colab_the_cell_does_nothing(monkeypatch):
    assert "google.colab" not in sys.modules

    def forbidden(*args, **kwargs):
        raise AssertionError(f"the Colab cell ran something outside Colab: {args}")

    monkeypatch.setattr(subprocess, "run", forbidden)
    monkeypatch.setattr(subprocess, "call", forbidden)
    monkeypatch.setattr(subprocess, "check_call", forbidden)
    monkeypatch.setattr("os.system", forbidden)
    before = set(sys.modules)
    namespace: dict = {}
    exec(compile(tool.cell_source(URL), "colab-setup", "exec"), namespace)
    assert set(namespace) - {"__builtins__"} == {"sys"}
    assert set(sys.modules) == before


def test_on_colab_the_cell_installs_the_course_but_not_colabs_own_jupyter(monkeypatch):
    # A stand-in for Colab: google.colab is imported, musiclearn is not installed yet.
    enabled = []
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: enabled.append(True)
    colab = types.ModuleType("google.colab")
    colab.output = output
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "musiclearn" else real_find_spec(name, *a))
    commands = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: commands.append(cmd))
    exec(compile(tool.cell_source(URL), "colab-setup", "exec"), {})

    apt, course, deps = commands
    assert apt[:2] == ["apt-get", "install"] and "libfluidsynth3" in apt
    assert course[:4] == [sys.executable, "-m", "pip", "install"]
    assert "--no-deps" in course and course[-1] == f"git+{URL}"
    names = {re.match(r"[\w.-]+", spec).group().lower() for spec in deps[5:]}
    assert deps[:5] == [sys.executable, "-m", "pip", "install", "--quiet"]
    assert {"numpy", "librosa", "torch", "music21", "pretty_midi", "ipywidgets", "pyfluidsynth"} <= names
    # Upgrading Colab's IPython or installing a Jupyter server breaks the Colab kernel; test tools stay out.
    assert not names & {"ipython", "jupyterlab", "pytest", "nbval", "playwright"}
    assert enabled == [True]


def test_doctor_on_colab_does_not_ask_for_jupyterlab(monkeypatch):
    from importlib import metadata

    from musiclearn import doctor

    real_version = metadata.version

    def version(name):
        if name in {"jupyterlab", "jupyterlab_widgets"}:
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(doctor.metadata, "version", version)
    assert doctor.check_package("jupyterlab", "jupyterlab", "4.0").status == "FAIL"
    assert doctor.check_widgets().status == "FAIL"
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert doctor.check_package("jupyterlab", "jupyterlab", "4.0").status == "ok"
    assert doctor.check_widgets().status == "ok"
    assert doctor.check_package("numpy", "numpy", "1.24").status == "ok"
