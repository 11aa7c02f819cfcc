"""Notebooks are stored clean, import only declared dependencies, and follow the course template."""

from __future__ import annotations

import ast
import json
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_PATHS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOK_PATHS]

# Sections every notebook has (the course template in CONTRIBUTING.md), matched case-insensitively in markdown.
REQUIRED_SECTIONS = {
    "learning objectives": r"what you will learn",
    "time to complete": r"time to complete",
    "prerequisites": r"prerequisites",
    "exercises": r"exercise",
    "myth check": r"myth check",
    "summary": r"^#+\s*summary",
}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


def _markdown(nb: dict) -> str:
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in nb["cells"] if c["cell_type"] == "markdown")


def _python_source(cell: str) -> str:
    """Drop IPython-only lines (magics, shell escapes) so the rest parses as Python."""
    lines = [line for line in cell.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def _imported_top_level(cell: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(_python_source(cell))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _declared_distributions() -> set[str]:
    """Runtime dependencies of musiclearn (plus the 'sound' extra), from pyproject.toml."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        requirements = [Requirement(r) for r in metadata.requires("musiclearn") or []]
        return {canonicalize_name(r.name) for r in requirements if r.marker is None or "sound" in str(r.marker)}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"]) + list(project["optional-dependencies"]["sound"])
    return {canonicalize_name(Requirement(r).name) for r in declared}


def test_there_are_notebooks():
    assert NOTEBOOK_PATHS, "notebooks/ holds no NN_topic.ipynb notebook"
    assert NOTEBOOK_PATHS[0].name == "00_welcome.ipynb"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_stored_without_outputs(path: Path):
    nb = _load(path)
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{path.name}: code cells {dirty} are stored with outputs or execution counts; "
                       "clear them (JupyterLab: Edit > Clear Outputs of All Cells) before committing")
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: stored widget state in metadata"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_imports_only_declared_dependencies(path: Path):
    allowed = _declared_distributions() | {"musiclearn"}
    providers = metadata.packages_distributions()
    stdlib = set(sys.stdlib_module_names)
    undeclared = {}
    for cell in _code_cells(_load(path)):
        for module in _imported_top_level(cell):
            if module in stdlib or module == "musiclearn":
                continue
            dists = {canonicalize_name(d) for d in providers.get(module, [])}
            if not dists & allowed:
                undeclared[module] = sorted(dists) or ["<not installed>"]
    assert not undeclared, (f"{path.name} imports modules that are not musiclearn dependencies: {undeclared}; "
                            "add them to pyproject.toml or stop importing them")


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_follows_course_template(path: Path):
    nb = _load(path)
    markdown = _markdown(nb)
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).lstrip().startswith("# "), \
        f"{path.name}: the first cell must be a markdown title ('# ...')"
    missing = [name for name, pattern in REQUIRED_SECTIONS.items()
               if not re.search(pattern, markdown, flags=re.IGNORECASE | re.MULTILINE)]
    assert not missing, f"{path.name}: missing sections {missing} (see the notebook template in CONTRIBUTING.md)"
    code = "\n".join(_code_cells(nb))
    assert re.search(r"^\s*assert\b", code, flags=re.MULTILINE), f"{path.name}: no assert cell checks the text's claims"
    assert "autoplay=True" not in code, f"{path.name}: audio must not autoplay"


def test_the_import_scanner_catches_undeclared_modules():
    # The rule above is only as good as its scanner: prove it sees the usual forms.
    cell = "%matplotlib inline\nimport numpy as np, pandas\nfrom sklearn.linear_model import Ridge\nfrom . import x\n"
    assert _imported_top_level(cell) == {"numpy", "pandas", "sklearn"}


# --------------------------------------------------------------------------- one way to do each thing

# Hand-wired widgets, the old pattern: explore() replaces all of these.
HAND_WIRED = re.compile(r"\binteractive_output\s*\(|\binteractive\s*\(|\binteract\s*\(|\blast_render\b|\.observe\s*\(")
# The library's explorers are built on explore() too (tests/test_widgets.py checks them).
ONE_PATTERN = re.compile(r"\bexplore\s*\(|\b(?:tone|leakage|two_sines)_explorer\s*\(")


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_widgets_come_from_the_one_public_pattern(path: Path):
    code = "\n".join(_code_cells(_load(path)))
    wired = sorted(set(m.group(0) for m in HAND_WIRED.finditer(code)))
    assert not wired, f"{path.name} wires widgets by hand ({wired}); build them with musiclearn.widgets.explore"
    assert ONE_PATTERN.search(code), f"{path.name} has no widget built with musiclearn.widgets.explore"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_solutions_are_not_typed_twice(path: Path):
    """A solution cell calls solution(id); it does not re-define the reference the library holds."""
    from musiclearn import exercises

    cells = _code_cells(_load(path))
    for exercise_id in sorted(set(re.findall(r"check\(\s*[\"'](\d\d\.[a-z0-9_]+)[\"']", "\n".join(cells)))):
        ex = exercises.get(exercise_id)
        assert any(re.search(rf"solution\(\s*[\"']{re.escape(exercise_id)}[\"']", c) for c in cells), \
            f"{path.name}: exercise {exercise_id} has no solution({exercise_id!r}) cell"
        if ex.kind != "function":
            continue
        body = ex.solution_code.strip().splitlines()[1:]
        body = [line.strip() for line in body if line.strip() and not line.strip().startswith("#")]
        for cell in cells:
            lines = {line.strip() for line in cell.splitlines()}
            typed = [line for line in body if line in lines and len(line) > 12]
            assert len(typed) < max(2, len(body)), \
                f"{path.name} re-types the reference of {exercise_id}; use solution({exercise_id!r})"


# Notebook copies of library helpers found before (a notebook builds an idea in the open under its
# own name, e.g. my_stft; these are plain copies of what the library already has).
LIBRARY_HELPERS = {"close": "musiclearn.testing.close", "note_name": "musiclearn.melody.note_name",
                   "NAMES": "musiclearn.melody.note_name", "plot_melody": "musiclearn.plot.melody",
                   "draw_melody": "musiclearn.plot.melody"}


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_no_notebook_copies_of_library_helpers(path: Path):
    defined = set()
    for cell in _code_cells(_load(path)):
        for node in ast.parse(_python_source(cell)).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Assign):
                defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
    copies = {name: LIBRARY_HELPERS[name] for name in defined & set(LIBRARY_HELPERS)}
    assert not copies, f"{path.name} defines its own copies of library helpers: {copies}"
