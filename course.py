#!/usr/bin/env python3
"""Set up the musiclearn course and open it, or test it — one command each.

    python3 course.py lab     # set up .venv and open JupyterLab on the course
    python3 course.py lab --no-solutions   # the same, for a class: solution() shows no code
    python3 course.py test    # set up .venv and run the whole test suite (fast mode)
    python3 course.py setup   # only set up (used by Binder-like environments and CI)

Setting up creates ``.venv`` next to this file, installs the exact tested
versions from ``requirements/`` and installs musiclearn itself in editable
mode. It is skipped when nothing changed since the last run, so the second
call starts in seconds. Only the Python standard library is used here.

Other arguments after ``lab`` go to JupyterLab (e.g. ``--port 8899``); after
``test``, to pytest (e.g. ``tests/test_stft.py``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK_RUNTIME = ROOT / "requirements" / "lock.txt"
LOCK_TEST = ROOT / "requirements" / "lock-test.txt"
STAMP = VENV / ".course-stamp"
MIN_PYTHON = (3, 10)
#: The course's JupyterLab defaults (no "Jupyter news?" pop-up); Binder's postBuild installs it too.
LAB_SETTINGS = ROOT / "tools" / "jupyterlab-overrides.json"
#: The name it gets in JupyterLab's overrides.d/, which leaves a user's own overrides.json alone.
LAB_SETTINGS_NAME = "musiclearn.json"
NO_SOLUTIONS = "--no-solutions"


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    exe = "python.exe" if os.name == "nt" else "python"
    return VENV / scripts / exe


def say(message: str) -> None:
    print(f"[course] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    say(" ".join(str(c) for c in cmd))
    result = subprocess.run([str(c) for c in cmd], **kwargs)
    if result.returncode != 0:
        say(f"failed with exit code {result.returncode}: {' '.join(str(c) for c in cmd)}")
        sys.exit(result.returncode)


def lab_settings_dir(venv: Path | None = None) -> Path:
    """Where the JupyterLab of ``venv`` reads override files, as jupyterlab.commands.get_app_dir() finds it."""
    if os.environ.get("JUPYTERLAB_DIR"):
        app_dir = Path(os.environ["JUPYTERLAB_DIR"])
    else:
        app_dir = (venv or VENV) / "share" / "jupyter" / "lab"
    return app_dir / "settings" / "overrides.d"


def install_lab_settings(venv: Path | None = None) -> Path:
    """Copy the course's JupyterLab settings into ``venv`` (every setup: it is one small file)."""
    target = lab_settings_dir(venv) / LAB_SETTINGS_NAME
    wanted = LAB_SETTINGS.read_bytes()
    if not target.exists() or target.read_bytes() != wanted:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(wanted)
    return target


def lab_command(python: Path, args: list[str], *, euid: int | None = None) -> tuple[list[str], dict[str, str]]:
    """The JupyterLab command line and the environment variables it needs.

    ``--no-solutions`` is ours, not JupyterLab's: it becomes
    ``MUSICLEARN_SOLUTIONS=hide``, which the kernels inherit from the server.
    As root, JupyterLab refuses to start without ``--allow-root``; containers,
    WSL and cloud machines often run as root, so it is added (and said).
    """
    if euid is None:
        euid = os.geteuid() if hasattr(os, "geteuid") else -1
    extra_env: dict[str, str] = {}
    rest = [arg for arg in args if arg != NO_SOLUTIONS]
    if len(rest) != len(args):
        extra_env["MUSICLEARN_SOLUTIONS"] = "hide"
    cmd = [str(python), "-m", "jupyterlab", "notebooks/00_welcome.ipynb", *rest]
    if euid == 0 and "--allow-root" not in rest:
        cmd.append("--allow-root")
    return cmd, extra_env


def fingerprint(lock: Path) -> str:
    digest = hashlib.sha256()
    for path in (lock, LOCK_RUNTIME, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def setup(with_tests: bool) -> Path:
    """Create/refresh .venv with the tested pins; return its interpreter."""
    if sys.version_info < MIN_PYTHON:
        say(f"musiclearn needs Python >= {'.'.join(map(str, MIN_PYTHON))}; this is {sys.version.split()[0]}.")
        sys.exit(1)
    python = venv_python()
    if not python.exists():
        say(f"creating a virtual environment in {VENV} (first time only)")
        run([sys.executable, "-m", "venv", VENV])
    lock = LOCK_TEST if with_tests else LOCK_RUNTIME
    wanted = fingerprint(lock)
    done = STAMP.read_text().split() if STAMP.exists() else []
    install_lab_settings()
    if wanted in done:
        say("environment is up to date")
        return python
    say(f"installing the tested versions from {lock.relative_to(ROOT)} (a few minutes the first time)")
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check"]
    run(pip + ["-r", lock])
    run(pip + ["--no-deps", "-e", ROOT])
    # The stamp holds every lock already satisfied, so lab after test is instant too.
    STAMP.write_text("\n".join(sorted(set(done) | {wanted, fingerprint(LOCK_RUNTIME)} if with_tests else set(done) | {wanted})))
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"lab", "test", "setup"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    python = setup(with_tests=command in {"test", "setup"})
    env = dict(os.environ)
    if command == "setup":
        return 0
    if command == "lab":
        os.chdir(ROOT)
        cmd, extra_env = lab_command(python, rest)
        if "--allow-root" in cmd and "--allow-root" not in rest:
            say("running as root (usual in containers, WSL and cloud machines): starting JupyterLab with --allow-root")
        if extra_env:
            say("solutions are hidden in this session (MUSICLEARN_SOLUTIONS=hide); hints and checks still work")
        env.update(extra_env)
        say(" ".join(cmd))
        return subprocess.call(cmd, env=env)
    env.setdefault("MUSICLEARN_FAST", "1")
    cmd = [str(python), "-m", "pytest", *rest]
    say(f"MUSICLEARN_FAST={env['MUSICLEARN_FAST']} " + " ".join(cmd))
    return subprocess.call(cmd, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
