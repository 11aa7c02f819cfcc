"""Binder builds the tested environment: checked with repo2docker's generated Dockerfile (no Docker needed)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.binder

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _pins(path: Path) -> dict[str, str]:
    """package -> exact version; PyTorch's '+cpu' local label is part of the build, not the version."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{path.name}: {line!r} is not an exact pin"
        pins[canonicalize_name(req.name)] = spec.version.split("+")[0]
    return pins


@pytest.fixture(scope="module")
def dockerfile(tmp_path_factory) -> str:
    repo2docker = Path(sys.executable).with_name("jupyter-repo2docker")
    assert repo2docker.exists(), "jupyter-repo2docker is not installed (it is in the 'test' extra)"
    # Only what git would ship: a stray .venv must not influence the build.
    copy = tmp_path_factory.mktemp("repo")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    result = subprocess.run([str(repo2docker), "--no-build", "--user-id", "1000", "--user-name", "jovyan", str(copy)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "python=3.11" in result.stderr, result.stderr
    return result.stdout


def test_dockerfile_installs_the_pinned_requirements(dockerfile):
    assert re.search(r"pip install .*-r \"?binder/requirements.txt", dockerfile)


def test_dockerfile_installs_fluidsynth_from_apt(dockerfile):
    assert re.search(r"apt-get install [^\n]*libfluidsynth3", dockerfile)


def test_dockerfile_runs_postbuild_and_uses_start(dockerfile):
    assert "RUN ./binder/postBuild" in dockerfile
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in dockerfile


def _lock_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "tools" / "lock.py")
    lock_tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lock_tool)
    return lock_tool


def test_binder_pins_equal_the_tested_pins():
    # Plus the few Binder-only pins (tests/test_binder_base.py says why they are needed).
    binder_only = {canonicalize_name(n) for n in _lock_tool().BINDER_ONLY}
    binder = {n: v for n, v in _pins(BINDER / "requirements.txt").items() if n not in binder_only}
    tested = _pins(ROOT / "requirements" / "lock.txt")
    assert binder == tested, {
        "only in binder": sorted(set(binder) - set(tested)),
        "only in lock.txt": sorted(set(tested) - set(binder)),
        "different": sorted(k for k in set(binder) & set(tested) if binder[k] != tested[k]),
    }
    assert "torch" in binder and "librosa" in binder


def test_binder_takes_the_cpu_only_torch():
    text = (BINDER / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert re.search(r"^torch==[\d.]+\+cpu$", text, flags=re.MULTILINE)


def test_python_version_is_pinned():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_requirements_are_what_tools_lock_writes(tmp_path, monkeypatch):
    # Written by tools/lock.py from lock.txt's pins, never by hand: regenerate and compare.
    lock_tool = _lock_tool()
    monkeypatch.setattr(lock_tool, "ROOT", tmp_path)
    (tmp_path / "binder").mkdir()
    lock_tool.write_binder(tmp_path / "binder" / "requirements.txt", _pins(ROOT / "requirements" / "lock.txt"))
    expected = (tmp_path / "binder" / "requirements.txt").read_text()
    assert (BINDER / "requirements.txt").read_text() == expected, "binder/requirements.txt is stale: run tools/lock.py"


@pytest.mark.parametrize("script", ["postBuild", "start"])
def test_scripts_are_executable_bash_that_parses(script):
    path = BINDER / script
    assert path.stat().st_mode & stat.S_IXUSR, f"binder/{script} is not executable"
    assert path.read_text().startswith("#!/bin/bash")
    subprocess.run(["bash", "-n", str(path)], check=True)
    # Git records the mode: a clone must get an executable script too (chmod +x, then git add).
    staged = subprocess.run(["git", "ls-files", "-s", "--", f"binder/{script}"], cwd=ROOT,
                            capture_output=True, text=True).stdout
    if staged:
        assert staged.startswith("100755"), f"git stores binder/{script} without the executable bit: {staged}"


def test_postbuild_is_strict_and_prepares_the_class():
    text = (BINDER / "postBuild").read_text()
    assert "set -euo pipefail" in text
    assert re.search(r"pip install --no-deps", text)
    assert "librosa.feature.mfcc" in text  # numba cache warmed
    assert re.search(r"python -m musiclearn\.corpus build .*kinder0", text)
    # A real problem must fail the build; doctor exits 0 on mere warnings ("no GPU").
    doctor = [line for line in text.splitlines() if "musiclearn doctor" in line and not line.startswith("#")]
    assert doctor == ["python -m musiclearn doctor"], doctor
    # A background job's failure only counts if it is waited for by its id.
    for match in re.finditer(r"^(\w+)=\$!$", text, flags=re.MULTILINE):
        assert f'wait "${match.group(1)}"' in text, f"postBuild never waits for ${match.group(1)}"


def test_start_limits_threads_and_execs_the_command(tmp_path):
    result = subprocess.run([str(BINDER / "start"), "env"], capture_output=True, text=True, check=True,
                            env={"PATH": os.environ["PATH"]})
    env = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        assert env.get(var) == "1", var
    # exec, not a child process: the notebook server gets the signals Binder sends.
    last = [line.strip() for line in (BINDER / "start").read_text().splitlines() if line.strip()][-1]
    assert last == 'exec "$@"', last


def test_corpus_names_built_by_postbuild_are_valid():
    from musiclearn import corpus

    text = (BINDER / "postBuild").read_text()
    names = re.search(r"python -m musiclearn\.corpus build ([\w -]+)", text).group(1).split()
    assert set(names) <= set(corpus.names())
