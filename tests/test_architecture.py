"""Imports point one way: the layers of ARCHITECTURE.md, checked on the source.

Every ``import`` and ``from ... import`` in ``musiclearn/**/*.py`` counts,
including those inside functions (the library imports heavy packages lazily,
and a lazy import is still a dependency), plus ``importlib.import_module``
with a literal name.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "musiclearn"

# The layers of ARCHITECTURE.md, lowest first. A module may import modules of its
# own layer and of lower layers only. Subpackages (``midi/``, ``bench/``) and
# their submodules belong to the layer of their top-level name.
LAYERS: dict[str, set[str]] = {
    "foundation": {"errors", "testing", "_config", "_cache", "_validate", "_types"},
    "dsp": {"signals", "windows", "fourier", "stft", "mel", "mfcc", "audio", "pitch", "rhythm"},
    "data": {"melody", "midi", "corpus", "tokens", "data", "ngram", "clips", "hygiene"},
    "learning": {"torch_features", "loaders", "models", "train", "generate", "evaluate",
                 "audio_models", "next_sample", "translation"},
    "presentation": {"plot", "widgets"},
    "exercises": {"exercises"},
    "tools": {"bench", "melody_bench", "doctor", "__main__"},
}
# The only upward imports, each deliberate and lazy (inside a function), with its reason.
# (importing module, imported module or package): why
ALLOWED_UPWARD: dict[tuple[str, str], str] = {
    ("musiclearn.data", "musiclearn.loaders"):
        "the batching names moved to loaders; data.make_loader & co. keep the old path working",
    ("musiclearn.midi", "musiclearn.plot"):
        "midi.plot_piano_roll, the old name of plot.piano_roll, keeps working",
    ("musiclearn.train", "musiclearn.plot"):
        "train(live_plot=True) redraws the loss curves with plot.loss_curves while a notebook trains",
    ("musiclearn.train", "matplotlib"):
        "the same live plot draws on a matplotlib Figure",
}
LAYER_ORDER = list(LAYERS)
# Third-party packages a layer must not import, and why.
FORBIDDEN_PACKAGES: dict[str, dict[str, str]] = {
    "foundation": {"torch": "torch", "matplotlib": "plotting", "ipywidgets": "widgets"},
    "dsp": {"torch": "torch", "matplotlib": "plotting", "ipywidgets": "widgets"},
    "data": {"torch": "torch", "matplotlib": "plotting", "ipywidgets": "widgets"},
    "learning": {"matplotlib": "plotting", "ipywidgets": "widgets"},
}


@dataclass(frozen=True)
class Import:
    """One import found in a file: the absolute module, the names taken from it, the line."""

    module: str
    names: tuple[str, ...]
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _absolute(importer: str, is_package: bool, level: int, module: str | None) -> str:
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imports_of(path: Path) -> list[Import]:
    """Every import in a file, wherever it is (top level, functions, ``if`` blocks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    importer = module_name(path)
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(alias.name, (), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(importer, is_package, node.level, node.module) if node.level else node.module or ""
            names = tuple(alias.name for alias in node.names)
            found.append(Import(module, names, node.lineno))
            # `from . import audio` imports the module musiclearn.audio
            for name in names:
                candidate = f"{module}.{name}"
                if _module_file(candidate) is not None:
                    found.append(Import(candidate, (), node.lineno))
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and (getattr(node.func, "attr", None) == "import_module" or getattr(node.func, "id", None) == "import_module")):
            found.append(Import(node.args[0].value, (), node.lineno))
    return found


def _module_file(name: str) -> Path | None:
    if not name.startswith("musiclearn"):
        return None
    relative = Path(*name.split("."))
    for candidate in (ROOT / relative.with_suffix(".py"), ROOT / relative / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def top_name(module: str) -> str | None:
    """``musiclearn.midi.events`` -> ``midi``; the package itself -> None."""
    parts = module.split(".")
    return parts[1] if parts[0] == "musiclearn" and len(parts) > 1 else None


def layer_of(module: str) -> str | None:
    name = top_name(module)
    for layer, members in LAYERS.items():
        if name in members:
            return layer
    return None


@lru_cache(maxsize=None)
def library_files() -> tuple[Path, ...]:
    return tuple(sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts))


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _public_module(module: str) -> bool:
    return not any(_is_private(part) for part in module.split(".")[1:])


# ----------------------------------------------------------------------------- the rules

def layering_problems(path: Path) -> list[str]:
    importer = module_name(path)
    layer = layer_of(importer)
    if layer is None:                            # the package's __init__ only loads submodules lazily
        return []
    where = path.relative_to(ROOT).as_posix()
    problems = []
    for imp in imports_of(path):
        top = imp.module.split(".")[0]
        if top == "notebooks" or imp.module.startswith("notebooks."):
            problems.append(f"{where}:{imp.line} imports {imp.module}: notebooks use the library, not the reverse")
        allowed = (importer, top) in ALLOWED_UPWARD or (importer, imp.module) in ALLOWED_UPWARD
        reason = FORBIDDEN_PACKAGES.get(layer, {}).get(top)
        if reason and not allowed:
            problems.append(f"{where}:{imp.line} imports {top}: the {layer} layer has no {reason}")
        if top != "musiclearn":
            continue
        # `from musiclearn import x` is also recorded as an import of musiclearn.x (imports_of)
        target = layer_of(imp.module)
        if target is not None:
            if target == "exercises" and layer != "exercises":
                problems.append(f"{where}:{imp.line} imports musiclearn.exercises: only notebooks use the exercises")
            elif LAYER_ORDER.index(target) > LAYER_ORDER.index(layer) and not allowed:
                problems.append(f"{where}:{imp.line} imports {imp.module} ({target} layer) "
                                f"from the lower {layer} layer")
    return problems


def private_import_problems(path: Path) -> list[str]:
    importer = module_name(path)
    where = path.relative_to(ROOT).as_posix()
    problems = []
    bound_modules: dict[str, str] = {}           # local name -> public musiclearn module it refers to
    for imp in imports_of(path):
        if not imp.module.startswith("musiclearn") or imp.module == importer:
            continue
        if _public_module(imp.module) and _module_file(imp.module) is not None:
            for name in imp.names:
                if _is_private(name) and _module_file(f"{imp.module}.{name}") is None:
                    problems.append(f"{where}:{imp.line} imports the private {name} of {imp.module}; "
                                    f"move shared helpers into a private module such as musiclearn._validate")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None:
            for alias in node.names:
                module = _absolute(importer, path.name == "__init__.py", 1, alias.name)
                if _public_module(module) and module != importer and _module_file(module):
                    bound_modules[alias.asname or alias.name] = module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name.startswith("musiclearn.") and _public_module(alias.name):
                    bound_modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in bound_modules and _is_private(node.attr)):
            problems.append(f"{where}:{node.lineno} uses the private {node.attr} of {bound_modules[node.value.id]}")
    return problems


# ----------------------------------------------------------------------------- tests

FILES = library_files()


def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_allowed_upward_imports_are_still_needed():
    """An exception that no code uses any more is removed, so the list stays honest."""
    used = set()
    for path in FILES:
        importer = module_name(path)
        for imp in imports_of(path):
            for key in ((importer, imp.module.split(".")[0]), (importer, imp.module)):
                if key in ALLOWED_UPWARD:
                    used.add(key)
    assert set(ALLOWED_UPWARD) == used, f"no longer needed: {sorted(set(ALLOWED_UPWARD) - used)}"


def test_every_module_belongs_to_a_layer():
    unknown = sorted({top_name(module_name(p)) for p in FILES if top_name(module_name(p))}
                     - set().union(*LAYERS.values()))
    assert not unknown, (f"modules {unknown} belong to no layer: add each to LAYERS here and to "
                         f"the layer list of ARCHITECTURE.md")


def test_architecture_md_names_every_layer_member():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [name for members in LAYERS.values() for name in members
               if not name.startswith("__") and f"`{name}`" not in text]
    assert not missing, f"ARCHITECTURE.md does not mention {missing}"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_imports_follow_the_layers(path):
    problems = layering_problems(path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_no_private_names_from_other_modules(path):
    problems = private_import_problems(path)
    assert not problems, "\n".join(problems)


# The checker itself, on small files.

def test_checker_catches_violations(tmp_path, monkeypatch):
    fake_root = tmp_path
    package = fake_root / "musiclearn"
    package.mkdir()
    for name in ("__init__", "_validate", "audio", "mel", "plot", "midi", "exercises"):
        (package / f"{name}.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    mel = package / "mel.py"
    mel.write_text(
        "import numpy as np\n"
        "from ._validate import _check\n"           # fine: a private helper module
        "from .audio import _resample\n"            # private name of a public module
        "from . import audio\n"
        "def f():\n"
        "    import torch\n"                        # lazy, still counted
        "    from . import plot\n"                  # up to presentation
        "    from .exercises import check\n"        # exercises from the library
        "    from notebooks import helpers\n"
        "    return audio._load()\n"                # private attribute of another module
    )
    layering = "\n".join(layering_problems(mel))
    assert "imports torch" in layering
    assert "musiclearn.plot (presentation layer)" in layering
    assert "only notebooks use the exercises" in layering
    assert "notebooks use the library" in layering
    private = "\n".join(private_import_problems(mel))
    assert "private _resample of musiclearn.audio" in private
    assert "private _load of musiclearn.audio" in private
    assert "_check" not in private
    assert layering_problems(package / "plot.py") == []
