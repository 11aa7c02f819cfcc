"""Environment check: is this computer ready for the course?

Run ``python -m musiclearn doctor`` in a terminal (add ``--json`` for a
machine-readable report), or call :func:`report` in a notebook, where the
result renders as a table. Each row is one :class:`Check` with a status:

``ok``
    Works as the course expects.
``warn``
    The course still runs, in a reduced way (for example on the CPU instead of
    a GPU, or with sine tones instead of real instrument sounds).
``FAIL``
    Something the course needs is missing or broken; the row says how to fix
    it, and the command exits with status 1.

Notebook: ``00_welcome.ipynb`` runs this check and explains its rows.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import importlib.util
import io
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, Sequence

__all__ = ["Check", "Report", "report", "main", "REQUIRED_PACKAGES"]

OK, WARN, FAIL = "ok", "warn", "FAIL"

#: Distributions the course cannot run without: (distribution, import name, minimum version).
#: The minimums follow ``pyproject.toml``.
REQUIRED_PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("numpy", "numpy", "1.24"),
    ("scipy", "scipy", "1.10"),
    ("librosa", "librosa", "0.10"),
    ("torch", "torch", "2.2"),
    ("matplotlib", "matplotlib", "3.7"),
    ("ipywidgets", "ipywidgets", "8.0"),
    ("jupyterlab", "jupyterlab", "4.0"),
    ("pretty_midi", "pretty_midi", "0.2.10"),
    ("music21", "music21", "9.0"),
    ("soundfile", "soundfile", "0.12"),
)

#: Packages that serve a JupyterLab server rather than the kernel: importing
#: them is slow and proves nothing, so only their presence is checked.
_NOT_IMPORTED = frozenset({"jupyterlab"})

#: On Google Colab, Colab's own front end serves the notebooks: JupyterLab is not used there.
_COLAB_FRONT_END = "not needed on Google Colab, which serves the notebooks and draws the widgets itself"

MIN_PYTHON = (3, 10)
LOW_MEMORY_BYTES = int(1.5 * 1024**3)
_SETUP_FIX = "run `python3 course.py setup` in the course folder, or `pip install {spec}` in this environment"


@dataclass(frozen=True)
class Check:
    """One row of the environment report.

    Notebook: ``00_welcome.ipynb`` runs the check.

    Attributes
    ----------
    name : str
        What was checked, e.g. ``"numpy"`` or ``"GPU"``.
    status : str
        ``"ok"``, ``"warn"`` or ``"FAIL"``.
    detail : str
        What was found (versions, sizes, paths).
    fix : str
        One line saying what to do; empty when the status is ``"ok"``.
    """

    name: str
    status: str
    detail: str
    fix: str = ""

    @property
    def ok(self) -> bool:
        """True unless the status is ``"FAIL"`` (a warning still lets the course run)."""
        return self.status != FAIL

    def _repr_html_(self) -> str:
        return Report([self])._repr_html_()


class Report(list):
    """A list of :class:`Check` rows that prints as a table and renders as HTML in Jupyter.

    Notebook: ``00_welcome.ipynb`` runs the check.
    """

    @property
    def ok(self) -> bool:
        """True when no row failed."""
        return all(check.status != FAIL for check in self)

    def counts(self) -> dict[str, int]:
        """Number of rows per status, e.g. ``{"ok": 14, "warn": 2, "FAIL": 0}``."""
        return {status: sum(check.status == status for check in self) for status in (OK, WARN, FAIL)}

    def summary(self) -> str:
        """One line: the counts and whether the course can run."""
        counts = self.counts()
        verdict = ("ready for the course" if counts[FAIL] == 0
                   else "fix the FAIL rows before starting the course")
        return f"{counts[OK]} ok, {counts[WARN]} warn, {counts[FAIL]} FAIL: {verdict}"

    def to_text(self) -> str:
        """The aligned plain-text table printed by ``python -m musiclearn doctor``."""
        headers = ("check", "status", "detail")
        rows = [(c.name, c.status, c.detail) for c in self]
        width0 = max(len(headers[0]), *(len(r[0]) for r in rows)) if rows else len(headers[0])
        width1 = max(len(headers[1]), *(len(r[1]) for r in rows)) if rows else len(headers[1])
        lines = [f"{headers[0]:<{width0}}  {headers[1]:<{width1}}  {headers[2]}",
                 f"{'-' * width0}  {'-' * width1}  {'-' * 6}"]
        for check in self:
            lines.append(f"{check.name:<{width0}}  {check.status:<{width1}}  {check.detail}")
            if check.fix:
                lines.append(f"{'':<{width0}}  {'':<{width1}}  fix: {check.fix}")
        lines.append("")
        lines.append(self.summary())
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """A JSON-ready dict: ``{"ok": bool, "counts": {...}, "summary": str, "checks": [...]}``."""
        return {"ok": self.ok, "counts": self.counts(), "summary": self.summary(),
                "checks": [asdict(check) for check in self]}

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        colours = {OK: "#1a7f37", WARN: "#9a6700", FAIL: "#cf222e"}
        cells = []
        for check in self:
            colour = colours.get(check.status, "inherit")
            fix = f"<br><em>fix:</em> {html.escape(check.fix)}" if check.fix else ""
            cells.append(
                "<tr>"
                f"<td style='text-align:left'>{html.escape(check.name)}</td>"
                f"<td style='text-align:left;color:{colour};font-weight:bold'>{html.escape(check.status)}</td>"
                f"<td style='text-align:left'>{html.escape(check.detail)}{fix}</td>"
                "</tr>")
        return ("<table><thead><tr><th style='text-align:left'>check</th>"
                "<th style='text-align:left'>status</th><th style='text-align:left'>detail</th></tr></thead>"
                f"<tbody>{''.join(cells)}</tbody></table>"
                f"<p><strong>{html.escape(self.summary())}</strong></p>")


# --------------------------------------------------------------------------- helpers

def _version_tuple(version: str) -> tuple[int, ...]:
    """Leading numeric parts of a version string: ``"2.13.0+cpu"`` -> ``(2, 13, 0)``."""
    parts: list[int] = []
    for piece in version.replace("-", ".").replace("+", ".").split("."):
        digits = ""
        for char in piece:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        parts.append(int(digits))
        if digits != piece:
            break
    return tuple(parts)


def _at_least(version: str, minimum: str) -> bool:
    have, need = _version_tuple(version), _version_tuple(minimum)
    width = max(len(have), len(need))
    return have + (0,) * (width - len(have)) >= need + (0,) * (width - len(need))


def _short_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 1024**3:.1f} GB"


def _probe_writable(path: Path) -> str | None:
    """None when files can be created in ``path`` (made if missing); else the reason why not.

    The folder is created like numba and musiclearn would create it, then a
    temporary file is written and removed. ``os.access`` is asked first because
    it also reports read-only file systems to the root user.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"cannot create the folder ({_short_error(error)})"
    if not path.is_dir():
        return "it is not a folder"
    if not os.access(path, os.W_OK | os.X_OK):
        return "the folder is read-only"
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        return f"cannot write a file there ({_short_error(error)})"
    return None


def _on_colab() -> bool:
    """True inside a Google Colab kernel (the notebooks' first cell installs the course there)."""
    return "google.colab" in sys.modules


# --------------------------------------------------------------------------- checks

def check_python(version_info: Sequence[int] = tuple(sys.version_info[:3])) -> Check:
    """Python must be at least 3.10."""
    version = ".".join(str(part) for part in tuple(version_info)[:3])
    where = sys.executable or "python"
    if tuple(version_info)[:2] >= MIN_PYTHON:
        return Check("Python", OK, f"{version} ({where})")
    need = ".".join(map(str, MIN_PYTHON))
    return Check("Python", FAIL, f"{version} is too old; the course needs Python >= {need}",
                 f"install Python {need} or newer and run `python3 course.py setup` with it")


def check_package(distribution: str, module: str, minimum: str) -> Check:
    """A required package is installed, new enough, and (except server packages) importable."""
    spec = f"'{distribution}>={minimum}'"
    if module in _NOT_IMPORTED and _on_colab():
        return Check(distribution, OK, _COLAB_FRONT_END)
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return Check(distribution, FAIL, "not installed", _SETUP_FIX.format(spec=spec))
    if not _at_least(version, minimum):
        return Check(distribution, FAIL, f"{version} is too old (need >= {minimum})",
                     _SETUP_FIX.format(spec=spec))
    if module in _NOT_IMPORTED:
        found = importlib.util.find_spec(module) is not None
    else:
        try:
            importlib.import_module(module)
            found = True
        except Exception as error:  # any import-time failure is the finding, e.g. a missing C library
            return Check(distribution, FAIL, f"{version} is installed but does not import ({_short_error(error)})",
                         f"reinstall it: `pip install --force-reinstall {spec}` (or `python3 course.py setup`)")
    if not found:
        return Check(distribution, FAIL, f"{version} is registered but its files are missing",
                     f"reinstall it: `pip install --force-reinstall {spec}`")
    return Check(distribution, OK, version)


def _cpu_model() -> str:
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if line.lower().startswith(("model name", "hardware", "cpu model")):
                        return line.split(":", 1)[1].strip()
        except OSError:
            pass
    return platform.processor() or platform.machine()


def check_cpu() -> Check:
    """Cores this process may use (containers often allow fewer than the machine has), and the model."""
    logical = os.cpu_count() or 1
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = logical
    model = _cpu_model()
    cores = f"{usable} core{'s' if usable != 1 else ''} usable"
    if usable != logical:
        cores += f" (of {logical})"
    return Check("CPU", OK, f"{cores}, {model}" if model else cores)


def check_gpu() -> Check:
    """CUDA or Apple MPS through torch; without either the course uses smaller models on the CPU."""
    try:
        import torch
    except Exception as error:
        return Check("GPU", WARN, f"cannot ask torch ({_short_error(error)})",
                     "install torch (see its row) to use a GPU")
    try:
        if torch.cuda.is_available():
            count = torch.cuda.device_count()
            props = torch.cuda.get_device_properties(0)
            more = f" (+{count - 1} more)" if count > 1 else ""
            cuda = getattr(torch.version, "cuda", None)
            return Check("GPU", OK, f"CUDA: {props.name}, {_gib(props.total_memory)}{more}"
                         + (f", CUDA {cuda}" if cuda else ""))
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return Check("GPU", OK, "Apple MPS (Metal) is available")
    except Exception as error:  # a broken driver should read as "no GPU", not crash the report
        return Check("GPU", WARN, f"torch could not query the GPU ({_short_error(error)}); "
                     "the course runs on the CPU with smaller models",
                     "check the GPU driver (`nvidia-smi`) and that torch was built for this CUDA version")
    return Check("GPU", WARN, "none — the course runs on the CPU with smaller models",
                 "optional: a CUDA or Apple-silicon GPU speeds up notebooks 10 and 11")


def check_sound() -> Check:
    """Real instrument sounds (FluidSynth + SoundFont) for rendering MIDI, else sine tones."""
    try:
        from . import midi

        available, detail = midi.real_instruments_available()
    except Exception as error:
        return Check("instrument sound", WARN,
                     f"cannot check ({_short_error(error)}); MIDI renders with the sine fallback",
                     "run `python3 course.py setup`; real instruments need libfluidsynth3 and pyfluidsynth")
    if available:
        return Check("instrument sound", OK, detail)
    if "sine" not in detail.lower():
        detail += "; MIDI is rendered with the sine fallback (simple beeps)"
    return Check("instrument sound", WARN, detail,
                 "optional: install FluidSynth (Debian/Ubuntu: `apt install libfluidsynth3`, "
                 "macOS: `brew install fluid-synth`) and `pip install pyfluidsynth`")


def _labextension_dirs() -> list[Path]:
    try:
        from jupyter_core.paths import jupyter_path

        dirs = [Path(p) for p in jupyter_path("labextensions")]
    except Exception:
        dirs = []
    fallback = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    return dirs if fallback in dirs else [*dirs, fallback]


def check_widgets(search: Iterable[Path] | None = None) -> Check:
    """The JupyterLab side of ipywidgets: the ``jupyterlab_widgets`` package and its labextension files.

    Looking for the files is fast and is what JupyterLab itself does at start-up;
    ``jupyter labextension list`` would take seconds.
    """
    if search is None and _on_colab():
        return Check("widgets extension", OK, _COLAB_FRONT_END)
    fix = ("`pip install 'ipywidgets>=8' jupyterlab_widgets` in the environment JupyterLab runs from, "
           "then restart JupyterLab")
    try:
        version = metadata.version("jupyterlab_widgets")
    except metadata.PackageNotFoundError:
        return Check("widgets extension", FAIL, "jupyterlab_widgets is not installed: sliders would show as text",
                     fix)
    folders = list(_labextension_dirs() if search is None else search)
    for folder in folders:
        manifest = folder / "@jupyter-widgets" / "jupyterlab-manager" / "package.json"
        if manifest.is_file():
            return Check("widgets extension", OK, f"jupyterlab_widgets {version} ({manifest.parent})")
    return Check("widgets extension", FAIL,
                 f"jupyterlab_widgets {version} is installed but its JupyterLab extension files are missing "
                 f"(looked in {len(folders)} labextensions folders)", fix)


def numba_cache_target() -> tuple[Path | None, str]:
    """Where numba will cache librosa's compiled functions, and why there.

    ``NUMBA_CACHE_DIR`` wins; otherwise numba writes next to librosa's source
    files. ``import musiclearn`` sets ``NUMBA_CACHE_DIR`` when that folder is
    read-only.
    """
    override = os.environ.get("NUMBA_CACHE_DIR")
    if override:
        return Path(override).expanduser(), "NUMBA_CACHE_DIR"
    try:
        spec = importlib.util.find_spec("librosa")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None, "librosa is not installed"
    return Path(next(iter(spec.submodule_search_locations))), "librosa's package folder"


def check_numba_cache() -> Check:
    """numba (used by librosa) can store compiled code, so librosa starts fast after the first run."""
    target, source = numba_cache_target()
    if target is None:
        return Check("numba cache", WARN, f"not checked: {source}", "install librosa (see its row)")
    problem = _probe_writable(target)
    if problem is None:
        return Check("numba cache", OK, f"{target} ({source}) is writable")
    return Check("numba cache", WARN,
                 f"{target} ({source}) is not writable: {problem}; librosa recompiles its functions "
                 "on every start (slow first calls)",
                 "set NUMBA_CACHE_DIR to a writable folder, e.g. `export NUMBA_CACHE_DIR=~/.cache/numba`")


def check_cache_dir() -> Check:
    """musiclearn's cache folder (parsed corpora) must be writable."""
    from ._config import CACHE_ENV, cache_dir

    fix = f"set {CACHE_ENV} to a writable folder, e.g. `export {CACHE_ENV}=~/musiclearn-cache`"
    try:
        path = cache_dir()
    except OSError as error:
        where = os.environ.get(CACHE_ENV) or "the user cache folder"
        return Check("musiclearn cache", FAIL, f"cannot create {where} ({_short_error(error)})", fix)
    problem = _probe_writable(path)
    if problem is None:
        return Check("musiclearn cache", OK, f"{path} is writable")
    return Check("musiclearn cache", FAIL, f"{path} is not writable: {problem}", fix)


def check_memory() -> Check:
    """Free memory; the larger notebooks want about 1.5 GB."""
    try:
        import psutil

        memory = psutil.virtual_memory()
    except Exception as error:
        return Check("memory", WARN, f"cannot measure ({_short_error(error)})", "`pip install psutil`")
    detail = f"{_gib(memory.available)} free of {_gib(memory.total)}"
    if memory.available < LOW_MEMORY_BYTES:
        return Check("memory", WARN, f"{detail}: under 1.5 GB, the larger notebooks may run out",
                     "close other programs or notebooks (Kernel > Shut Down Kernel), or set MUSICLEARN_FAST=1")
    return Check("memory", OK, detail)


def check_fast_mode() -> Check:
    """Report whether MUSICLEARN_FAST shrinks data and training."""
    from ._config import FAST_ENV, fast_mode

    if fast_mode():
        return Check("fast mode", OK, f"on ({FAST_ENV}={os.environ.get(FAST_ENV)}): notebooks use less data "
                     "and shorter training; unset it for full-size results")
    return Check("fast mode", OK, f"off: full-size data and training (set {FAST_ENV}=1 for quick runs)")


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    """Run one check; a crash inside it becomes a row instead of ending the report."""
    try:
        return check()
    except Exception as error:
        return Check(name, WARN, f"the check itself failed ({_short_error(error)})",
                     "please report this with the output of `python -m musiclearn doctor`")


def report() -> Report:
    """Check this environment for the course and return one :class:`Check` per row.

    Notebook: ``00_welcome.ipynb`` runs it in section "Is your computer ready?".

    Takes a few seconds (it imports torch to look for a GPU).

    Returns
    -------
    Report
        A list of :class:`Check`. ``print(r)`` shows a plain-text table,
        Jupyter renders it as an HTML table, ``r.ok`` is False when a row
        failed, and ``r.to_dict()`` is JSON-ready.

    Examples
    --------
    >>> from musiclearn import doctor
    >>> rows = doctor.report()
    >>> [row.name for row in rows][:2]
    ['Python', 'numpy']
    >>> rows.ok
    True
    """
    rows = Report([_guarded("Python", check_python)])
    for distribution, module, minimum in REQUIRED_PACKAGES:
        rows.append(_guarded(distribution, lambda d=distribution, m=module, v=minimum: check_package(d, m, v)))
    for name, check in (("CPU", check_cpu), ("GPU", check_gpu), ("instrument sound", check_sound),
                        ("widgets extension", check_widgets), ("numba cache", check_numba_cache),
                        ("musiclearn cache", check_cache_dir), ("memory", check_memory),
                        ("fast mode", check_fast_mode)):
        rows.append(_guarded(name, check))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m musiclearn doctor [--json]``: print the report; exit status 1 if a row failed.

    Notebook: ``00_welcome.ipynb`` runs :func:`report`; this is the same check from a
    terminal.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments after ``doctor`` (default: none).

    Returns
    -------
    int
        0 when every required part works, 1 when a row failed, 2 for bad arguments.

    Examples
    --------
    >>> from musiclearn import doctor
    >>> doctor.main(["--help"])           # doctor.main() prints the report itself
    usage: python -m musiclearn doctor [--json]
    <BLANKLINE>
    Check this environment for the musiclearn course.
    ...
    0
    """
    args = list(argv or [])
    if any(arg in {"-h", "--help"} for arg in args):
        print("usage: python -m musiclearn doctor [--json]\n\n"
              "Check this environment for the musiclearn course.\n"
              "  --json   print the report as JSON instead of a table\n"
              "Exit status: 0 ready, 1 something required is broken.")
        return 0
    unknown = [arg for arg in args if arg != "--json"]
    if unknown:
        print(f"unknown option {unknown[0]!r}; usage: python -m musiclearn doctor [--json]", file=sys.stderr)
        return 2
    started = time.perf_counter()
    # Libraries chatter on import (pyfluidsynth prints where it found FluidSynth when CI is set);
    # the report says everything worth saying, and `--json` output must always parse.
    with contextlib.redirect_stdout(io.StringIO()):
        rows = report()
    if "--json" in args:
        payload = rows.to_dict()
        payload["seconds"] = round(time.perf_counter() - started, 2)
        text = json.dumps(payload, indent=2)
    else:
        text = rows.to_text()
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `... doctor | head`: the reader left; that is not an error of ours
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
    return 0 if rows.ok else 1
