#!/usr/bin/env python3
"""Record what the Jupyter packages of Binder's image require, so a test can check it offline.

    .venv/bin/python tools/binder_base.py

Binder (repo2docker) starts from a conda environment of its own, frozen in
repo2docker's ``environment.py-<python>-linux-64.lock``, then runs
``pip install -r binder/requirements.txt`` on top. pip only resolves what it
is asked to install: a package of the base environment that it leaves alone
(``notebook``, ``jupyterhub``, ...) keeps requiring what it required, and pip
merely prints a conflict. ``tests/test_binder_base.py`` checks the resulting
environment (base packages, with our pins replacing theirs) satisfies every
requirement it knows of. The requirements of packages installed in ``.venv``
come from their metadata; this tool records those of the Jupyter packages that
are not installed here, by downloading their wheels once (PyPI), into
``tools/binder_base_requires.json``. Run it again after upgrading
jupyter-repo2docker or changing a Jupyter pin; the test says when.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import zipfile
from email.parser import HeaderParser
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tools" / "binder_base_requires.json"

#: conda-forge names that differ from the Python distribution they install.
CONDA_TO_PYPI = {
    "jupyterhub-base": "jupyterhub",
    "nbconvert-core": "nbconvert",
    "python-fastjsonschema": "fastjsonschema",
    "brotli-python": "brotli",
}
_JUPYTER = re.compile(r"^(jupyter|notebook|nb|ipy|widgetsnbextension)")


def is_jupyter(name: str) -> bool:
    """The server, front-end and kernel packages whose requirements the test must know."""
    return bool(_JUPYTER.match(canonicalize_name(name)))


def python_version() -> str:
    """``"3.11"`` from binder/runtime.txt (``python-3.11``)."""
    return (ROOT / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")


def base_lock_path(python: str | None = None) -> Path:
    """repo2docker's frozen base environment for this Python on x86-64 Linux (what mybinder.org runs)."""
    import repo2docker.buildpacks.conda as conda

    return Path(conda.__file__).parent / f"environment.py-{python or python_version()}-linux-64.lock"


def base_environment(lock: Path | None = None) -> dict[str, str]:
    """Python distributions of the base environment: canonical name -> version.

    Lines are conda package URLs, ``.../name-version-build.conda``; Python
    packages have a build string starting with ``py`` (``pyhd8ed1ab_0``,
    ``py311h...``). Conda metapackages and C libraries have other builds.
    """
    packages: dict[str, str] = {}
    for line in (lock or base_lock_path()).read_text().splitlines():
        if not line.startswith("http"):
            continue
        filename = line.split("#")[0].rsplit("/", 1)[1]
        stem = re.sub(r"\.(conda|tar\.bz2)$", "", filename)
        name, version, build = stem.rsplit("-", 2)
        if build.startswith("py"):
            packages[canonicalize_name(CONDA_TO_PYPI.get(name, name))] = version
    return packages


def binder_pins() -> dict[str, str]:
    """binder/requirements.txt: canonical name -> version (PyTorch's ``+cpu`` label kept)."""
    pins = {}
    for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            (spec,) = req.specifier
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def image_environment(base: dict[str, str] | None = None, pins: dict[str, str] | None = None) -> dict[str, str]:
    """What Binder's image ends up with: the base environment, our pins replacing its versions."""
    return {**(base_environment() if base is None else base), **(binder_pins() if pins is None else pins)}


def _installed_requires(name: str, version: str) -> list[str] | None:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    if dist.version.split("+")[0] != version.split("+")[0]:
        return None
    return list(dist.requires or [])


def known_requirements(environment: dict[str, str], snapshot: dict[str, list[str]] | None = None
                       ) -> dict[str, list[str]]:
    """``name==version`` -> its requirements, for every package of ``environment`` we have metadata for."""
    if snapshot is None:
        snapshot = json.loads(SNAPSHOT.read_text())["requires"] if SNAPSHOT.exists() else {}
    known = {}
    for name, version in environment.items():
        key = f"{name}=={version}"
        requires = snapshot.get(key)
        if requires is None:
            requires = _installed_requires(name, version)
        if requires is not None:
            known[key] = requires
    return known


def problems(environment: dict[str, str], requirements: dict[str, list[str]], python: str | None = None) -> list[str]:
    """Every requirement in ``requirements`` that ``environment`` does not satisfy, one sentence each."""
    from packaging.version import Version

    env = {**default_environment(), "python_version": python or python_version(),
           "python_full_version": f"{python or python_version()}.0", "sys_platform": "linux",
           "platform_system": "Linux", "os_name": "posix", "extra": ""}
    found = []
    for key, requires in sorted(requirements.items()):
        for line in requires:
            req = Requirement(line)
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            have = environment.get(canonicalize_name(req.name))
            if have is None:
                found.append(f"{key} requires {line!r}, which is not installed")
            elif not req.specifier.contains(Version(have), prereleases=True):
                found.append(f"{key} requires {line!r}, but the image has {req.name} {have}")
    return found


def binder_only() -> dict[str, str]:
    """tools/lock.py's pins for Binder alone (on top of the runtime set)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from lock import BINDER_ONLY
    finally:
        sys.path.pop(0)
    return {canonicalize_name(name): version for name, version in BINDER_ONLY.items()}


def needed_in_snapshot(base: dict[str, str] | None = None, pins: dict[str, str] | None = None) -> list[str]:
    """The image's Jupyter packages whose metadata is not installed here.

    Also those of the image the runtime pins alone would give (without
    :func:`binder_only`), so the test can show what the Binder-only pins fix.
    """
    base = base_environment() if base is None else base
    pins = binder_pins() if pins is None else pins
    without = {name: version for name, version in pins.items() if name not in binder_only()}
    wanted = {f"{n}=={v}" for env in (image_environment(base, pins), image_environment(base, without))
              for n, v in env.items() if is_jupyter(n)}
    return sorted(k for k in wanted if _installed_requires(*k.split("==")) is None)


def _download_requires(spec: str, folder: Path) -> list[str]:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "--dest", str(folder), spec], check=True)
    name = canonicalize_name(spec.split("==")[0])
    wheel = next(p for p in folder.glob("*.whl") if canonicalize_name(p.name.split("-")[0]) == name)
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        headers = HeaderParser().parsestr(zf.read(meta).decode())
    # Requirements of extras are never installed by pip here: keep the ones that apply to everyone.
    return [r for r in headers.get_all("Requires-Dist") or [] if "extra" not in r.partition(";")[2]]


def main() -> None:
    specs = needed_in_snapshot()
    with tempfile.TemporaryDirectory() as tmp:
        requires = {spec: _download_requires(spec, Path(tmp) / spec) for spec in specs}
    SNAPSHOT.write_text(json.dumps({
        "about": "Requires-Dist of Binder's Jupyter packages not installed in .venv; written by tools/binder_base.py",
        "lock": base_lock_path().name,
        "requires": requires,
    }, indent=1, sort_keys=True) + "\n")
    print(f"wrote {SNAPSHOT.relative_to(ROOT)} ({len(requires)} packages: {', '.join(specs)})")
    for problem in problems(image_environment(), known_requirements(image_environment())):
        print("conflict:", problem)


if __name__ == "__main__":
    main()
