"""Process-wide settings read from the environment (no heavy imports here)."""

from __future__ import annotations

import os
from pathlib import Path

FAST_ENV = "MUSICLEARN_FAST"
CACHE_ENV = "MUSICLEARN_CACHE_DIR"
SOUNDFONTS_ENV = "MUSICLEARN_SOUNDFONTS"


def fast_mode() -> bool:
    """True when ``MUSICLEARN_FAST`` is set to a true value (``1``, ``true``, ``yes``).

    Fast mode shrinks data and training so every notebook runs in under a
    minute on two CPU cores; the test command sets it. Learners leave it unset.
    """
    return os.environ.get(FAST_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def soundfont_choice() -> tuple[str, ...] | None:
    """The SoundFont names listed in ``MUSICLEARN_SOUNDFONTS`` (comma-separated), or None when unset.

    A teacher (or a test) uses it to run Part III with fewer SoundFonts than
    are installed, e.g. ``MUSICLEARN_SOUNDFONTS=TimGM6mb`` to see what a
    machine with none of the optional packages gets.
    """
    value = os.environ.get(SOUNDFONTS_ENV, "").strip()
    if not value:
        return None
    return tuple(name.strip() for name in value.split(",") if name.strip())


def cache_dir() -> Path:
    """The directory musiclearn caches parsed corpora and other derived data in.

    ``MUSICLEARN_CACHE_DIR`` overrides the platform's user cache directory
    (``~/.cache/musiclearn`` on Linux). The directory is created if needed.
    """
    override = os.environ.get(CACHE_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir("musiclearn", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
