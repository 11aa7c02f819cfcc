"""Scratch environments for the shipping tests: a fresh venv and a copy of what git would ship.

A fresh virtual environment gets the locked dependencies of the running one
through a ``.pth`` file, and nothing else: a line in a ``.pth`` file only adds
a folder to ``sys.path``, while the ``.pth`` files *inside* that folder (the
editable musiclearn's import hook among them) are not run. So ``import
musiclearn`` there finds only what the test installs, with no network and no
minutes spent installing torch again.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_tracked_tree(dest: Path) -> Path:
    """Copy the files git would ship (tracked, plus new files not ignored) to ``dest``."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def dependency_dirs() -> list[str]:
    """The running interpreter's site-packages folders (where the locked dependencies are)."""
    dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE and os.path.isdir(site.getusersitepackages()):
        dirs.append(site.getusersitepackages())
    return dirs


def make_venv(path: Path) -> Path:
    """A new venv at ``path`` that sees the running environment's packages; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / ("Scripts" if os.name == "nt" else "bin") / ("python.exe" if os.name == "nt" else "python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "_locked_dependencies.pth").write_text("\n".join(dependency_dirs()) + "\n")
    return python


def scratch_env(venv: Path, **extra: str) -> dict[str, str]:
    """Environment variables for commands in ``venv``: its bin first, nothing that points back here."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(venv)
    # JupyterLab's data files (the widgets extension) live in the running environment's share/jupyter;
    # in a real install they sit in the same prefix as the packages.
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env.update(extra)
    return env
