"""What every benchmark report records about its run: the machine, its load, the versions; and the JSON write."""

from __future__ import annotations

import importlib
import json
import os
import platform
from typing import Any

__all__ = ["load_average", "machine", "versions", "write_json"]


def load_average() -> list[float] | None:
    """The 1-, 5- and 15-minute load averages (runnable processes), where the OS reports them."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (AttributeError, OSError):  # pragma: no cover - Windows
        return None


def machine() -> dict[str, Any]:
    """Cores, load and platform: what a timing needs beside it to be read."""
    return {"cpu_count": os.cpu_count(), "load_average_1_5_15_min": load_average(), "platform": platform.platform()}


def versions(*packages: str) -> dict[str, str]:
    """Python's, musiclearn's and each named package's version (imported if need be)."""
    from .. import __version__

    found = {"python": platform.python_version(), "musiclearn": __version__}
    found.update({name: importlib.import_module(name).__version__ for name in packages})
    return found


def write_json(path: str | os.PathLike[str], report: dict[str, Any]) -> None:
    """Write the report as indented JSON, atomically (a crash never leaves half a file)."""
    from .._cache import atomic_write_bytes

    atomic_write_bytes(path, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
