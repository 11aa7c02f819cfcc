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

# Sections every notebook has (COURSE.md §1), matched case-insensitively in markdown.
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
    assert not missing, f"{path.name}: missing sections {missing} (see COURSE.md §1)"
    code = "\n".join(_code_cells(nb))
    assert re.search(r"^\s*assert\b", code, flags=re.MULTILINE), f"{path.name}: no assert cell checks the text's claims"
    assert "autoplay=True" not in code, f"{path.name}: audio must not autoplay"


def test_the_import_scanner_catches_undeclared_modules():
    # The rule above is only as good as its scanner: prove it sees the usual forms.
    cell = "%matplotlib inline\nimport numpy as np, pandas\nfrom sklearn.linear_model import Ridge\nfrom . import x\n"
    assert _imported_top_level(cell) == {"numpy", "pandas", "sklearn"}
