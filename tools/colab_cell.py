#!/usr/bin/env python3
"""Put the Google Colab set-up cell at the top of every notebook (insert it, or bring it up to date).

    .venv/bin/python tools/colab_cell.py            # update notebooks/NN_*.ipynb in place
    .venv/bin/python tools/colab_cell.py --check    # only report; exit status 1 if a notebook is stale
    .venv/bin/python tools/colab_cell.py path/to/a.ipynb ...

The README's Colab badge opens a notebook in a bare Colab runtime, where
``import musiclearn`` would fail. The cell (id ``colab-setup``, the first code
cell, right after the title) installs the course there from the repository
named in ``pyproject.toml`` (``[project.urls] Repository``) and does nothing
anywhere else. Running the tool twice changes nothing the second time;
``tests/test_colab.py`` checks every notebook holds exactly this cell.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CELL_ID = "colab-setup"

# Plain Python (no `!` shell escapes) so that it parses, and only standard-library imports:
# on Colab nothing else is there yet, elsewhere the cell must not touch anything.
_TEMPLATE = '''\
# Google Colab only: install the course (about a minute). Anywhere else this cell does nothing:
# `python3 course.py lab` (or Binder) has already set everything up.
import sys

if "google.colab" in sys.modules:
    import importlib
    import importlib.util
    import re
    import subprocess
    from importlib import metadata

    REPOSITORY = "{url}"
    if importlib.util.find_spec("musiclearn") is None:
        old_widgets = "ipywidgets" in sys.modules
        pip = [sys.executable, "-m", "pip", "install", "--quiet"]
        # FluidSynth gives MIDI real instrument sounds; without it the course plays sine tones.
        subprocess.run(["apt-get", "install", "--yes", "--quiet", "libfluidsynth3"])
        subprocess.run([*pip, "--no-deps", f"git+{{REPOSITORY}}"], check=True)
        importlib.invalidate_caches()
        # Colab's own IPython and Jupyter server stay as they are: replacing them breaks its kernel.
        colab_provides = {{"ipython", "jupyterlab"}}
        needs = []
        for requirement in metadata.requires("musiclearn"):
            spec, _, marker = requirement.partition(";")
            name = re.match(r"[A-Za-z0-9._-]+", spec).group().lower()
            if name not in colab_provides and ("extra" not in marker or "sound" in marker):
                needs.append(spec.strip())
        subprocess.run([*pip, *needs], check=True)
        importlib.invalidate_caches()
        if old_widgets:
            print("Colab had loaded an older ipywidgets: choose Runtime > Restart session, then run all cells.")
    # The widgets are ipywidgets 8; Colab draws them with its custom widget manager.
    importlib.import_module("google.colab.output").enable_custom_widget_manager()
'''


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The repository address from ``[project.urls] Repository`` (without a trailing slash or .git)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: pip's vendored copy of the same parser
        from pip._vendor import tomli as tomllib
    url = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
    return url.rstrip("/").removesuffix(".git")


def cell_source(url: str | None = None) -> str:
    """The cell's code for the repository ``url`` (default: the one in pyproject.toml)."""
    return _TEMPLATE.format(url=url or repository_url())


def cell(url: str | None = None) -> dict:
    """The whole notebook cell, stored like every cell of the course: no outputs, source as lines."""
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": CELL_ID,
        "metadata": {},
        "outputs": [],
        "source": cell_source(url).splitlines(keepends=True),
    }


def with_cell(nb: dict, url: str | None = None) -> dict:
    """``nb`` with exactly one set-up cell, placed just before the first other code cell."""
    others = [c for c in nb["cells"] if c.get("id") != CELL_ID]
    first_code = next((i for i, c in enumerate(others) if c["cell_type"] == "code"), len(others))
    return {**nb, "cells": [*others[:first_code], cell(url), *others[first_code:]]}


def _dump(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def update(path: Path, *, url: str | None = None, write: bool = True) -> bool:
    """Bring one notebook's set-up cell up to date; True if the file (would have) changed."""
    text = path.read_text(encoding="utf-8")
    new = _dump(with_cell(json.loads(text), url))
    if new == text:
        return False
    if write:
        path.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [Path(a) for a in args if a != "--check"] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    url = repository_url()
    changed = [p for p in paths if update(p, url=url, write=not check)]
    verb = "stale" if check else "updated"
    for path in changed:
        print(f"{verb}: {path}")
    print(f"{len(changed)} of {len(paths)} notebooks {verb}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
