"""Docstrings keep two promises of the README.

1. Every public function and class names the notebook that teaches or uses it
   (a notebook file that exists, e.g. ``05_mel_scale.ipynb``), and so does
   every public module. The few tools that no notebook teaches say
   ``Notebook: none`` and are listed in :data:`NO_NOTEBOOK` with the reason.
2. The examples in the docstrings run: pytest collects them as doctests
   (``--doctest-modules`` over ``musiclearn/``, see pyproject.toml).
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import musiclearn

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_NAME = re.compile(r"\b\d\d_[a-z0-9_]+\.ipynb\b")
NOTEBOOKS = {path.name for path in (ROOT / "notebooks").glob("*.ipynb")}
NONE_MARKER = "Notebook: none"

#: Public names that no notebook teaches, with the reason. Keep it short: almost
#: everything in the library exists because a notebook needs it.
NO_NOTEBOOK: dict[str, str] = {}

#: Notebooks whose library module landed before the notebook itself: its docstrings may name
#: them while ARCHITECTURE.md lists them as coming. The entry goes once the notebook exists
#: (test_planned_notebooks_are_still_to_come fails as a reminder).
PLANNED: dict[str, str] = {
}

#: Modules whose objects are exercise solutions: the module docstring names the notebook.
EXERCISE_MODULE = re.compile(r"^musiclearn\.exercises\.nb(\d\d)$")


def _is_private(name: str) -> bool:
    return any(part.startswith("_") for part in name.split(".")[1:])


def public_modules() -> list[str]:
    names = ["musiclearn"]
    for info in pkgutil.walk_packages(musiclearn.__path__, "musiclearn."):
        if not _is_private(info.name):
            names.append(info.name)
    return sorted(names)


def public_objects(module) -> list[tuple[str, object]]:
    """The module's public functions and classes: those in ``__all__``, else those it defines."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name, obj in vars(module).items()
                 if not name.startswith("_") and getattr(obj, "__module__", None) == module.__name__]
    found = []
    for name in names:
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            found.append((name, obj))
    return found


def notebook_problem(where: str, doc: str | None) -> str | None:
    """Why a docstring fails promise 1, or None."""
    doc = doc or ""
    if NONE_MARKER in doc:
        return None if where in NO_NOTEBOOK else f"{where}: says '{NONE_MARKER}' but is not in NO_NOTEBOOK"
    named = NOTEBOOK_NAME.findall(doc)
    if not named:
        return f"{where}: names no notebook (add a line 'Notebook: ``NN_topic.ipynb``.')"
    missing = sorted(set(named) - NOTEBOOKS - set(PLANNED))
    if missing:
        return f"{where}: names {missing}, which are not in notebooks/"
    return None


MODULES = public_modules()


def test_planned_notebooks_are_still_to_come():
    architecture = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for name in PLANNED:
        assert name not in NOTEBOOKS, f"{name} exists now: remove it from PLANNED"
        number = name[:2]
        row = next((line for line in architecture.splitlines() if f" {int(number)} " in line
                    or f" {number} " in line), "")
        assert "coming" in row, f"ARCHITECTURE.md must list notebook {number} as coming"


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_and_classes_name_their_notebook(name):
    module = importlib.import_module(name)
    exercise_module = EXERCISE_MODULE.match(name)
    if exercise_module:
        # reference solutions: learners see their source, so the module docstring carries the notebook
        named = NOTEBOOK_NAME.findall(module.__doc__ or "")
        assert named and all(n.startswith(exercise_module.group(1)) and n in NOTEBOOKS for n in named), \
            f"{name}: the module docstring must name notebook {exercise_module.group(1)}"
        return
    problems = [notebook_problem(name, module.__doc__)]
    for attribute, obj in public_objects(module):
        home = getattr(obj, "__module__", "")
        # each object is checked where it is defined (or here, if it lives in a private module)
        if home == name or (home.startswith("musiclearn") and _is_private(home)):
            problems.append(notebook_problem(f"{name}.{attribute}", inspect.getdoc(obj)))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_no_notebook_list_is_justified():
    for name, reason in NO_NOTEBOOK.items():
        assert len(reason) > 20, f"{name}: say why no notebook teaches it"


def test_the_checker_sees_what_is_missing():
    assert notebook_problem("f", "Summary.\n\nNotebook: ``05_mel_scale.ipynb``.") is None
    assert "names no notebook" in notebook_problem("f", "Summary.")
    assert "not in notebooks/" in notebook_problem("f", "Notebook: ``99_nothing.ipynb``.")
    assert "NO_NOTEBOOK" in notebook_problem("f", "Notebook: none (a tool).")


# ----------------------------------------------------------------------------- doctests

def _pytest_config() -> str:
    return (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_docstring_examples_are_collected_as_doctests():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        tomllib = pytest.importorskip("tomli")
    options = tomllib.loads(_pytest_config())["tool"]["pytest"]["ini_options"]
    assert "musiclearn" in options["testpaths"], "pytest must collect musiclearn/ (its doctests)"
    assert "--doctest-modules" in options["addopts"].split()


def _examples(module) -> list[doctest.Example]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [example for test in finder.find(module) for example in test.examples]


@pytest.mark.parametrize("name", [m for m in MODULES if not EXERCISE_MODULE.match(m)])
def test_modules_with_public_functions_show_examples(name):
    module = importlib.import_module(name)
    homes = {name}                      # this module, and the private modules it re-exports from
    for _, obj in public_objects(module):
        home = getattr(obj, "__module__", "")
        if inspect.isfunction(obj) and (home == name or (home.startswith("musiclearn.") and _is_private(home))):
            homes.add(home)
    if homes == {name} and not any(inspect.isfunction(obj) and obj.__module__ == name
                                   for _, obj in public_objects(module)):
        pytest.skip(f"{name} defines no public function")
    examples = [e for home in sorted(homes) for e in _examples(sys.modules[home])]
    assert examples, f"{name}: no docstring example; add an Examples section that runs"


#: Docstring examples that may be skipped (``# doctest: +SKIP``), per module: how many and why.
#: Everything else runs. A skipped example can rot unnoticed, so each needs a reason.
SKIPS_ALLOWED: dict[str, tuple[int, str]] = {
    "musiclearn.bench.features": (2, "runs the timing benchmark against librosa: seconds to minutes"),
    "musiclearn.bench.melody": (4, "runs the cross-validated melody benchmark (minutes), or reads "
                                   "a results file that exists only after a run"),
    "musiclearn.exercises._engine": (2, "registers an exercise in the process-wide registry, which "
                                        "tests/test_exercises.py then checks like the course's own"),
}


def _all_modules() -> list[str]:
    """Every module of the package, private ones too (their examples run as well)."""
    return sorted(["musiclearn"] + [info.name for info in pkgutil.walk_packages(musiclearn.__path__, "musiclearn.")
                                    if not info.name.endswith("__main__")])


def test_skipped_examples_are_few_and_justified():
    too_many = []
    for name in _all_modules():
        skipped = [e for e in _examples(importlib.import_module(name)) if e.options.get(doctest.SKIP)]
        allowed = SKIPS_ALLOWED.get(name, (0, ""))[0]
        if len(skipped) > allowed:
            too_many.append(f"{name}: {len(skipped)} skipped examples (allowed {allowed}): "
                            + "; ".join(e.source.strip()[:50] for e in skipped))
    assert not too_many, "make these examples run:\n" + "\n".join(too_many)
