#!/usr/bin/env python3
"""Set up the musiclearn course and open it, or test it — one command each.

    python3 course.py lab     # set up .venv and open JupyterLab on the course
    python3 course.py test    # set up .venv and run the whole test suite (fast mode)
    python3 course.py setup   # only set up (used by Binder-like environments and CI)

Setting up creates ``.venv`` next to this file, installs the exact tested
versions from ``requirements/`` and installs musiclearn itself in editable
mode. It is skipped when nothing changed since the last run, so the second
call starts in seconds. Only the Python standard library is used here.
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
        cmd = [str(python), "-m", "jupyterlab", "notebooks/00_welcome.ipynb", *rest]
        say(" ".join(cmd))
        return subprocess.call(cmd, env=env)
    env.setdefault("MUSICLEARN_FAST", "1")
    cmd = [str(python), "-m", "pytest", *rest]
    say(f"MUSICLEARN_FAST={env['MUSICLEARN_FAST']} " + " ".join(cmd))
    return subprocess.call(cmd, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
