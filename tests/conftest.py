"""Shared fixtures for the library tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

_SESSION_CACHE: list[Path] = []


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Library tests cache into a temporary dir, never the user's cache.

    The directory is shared across the session: building the corpus cache is
    the slow part, and tests that need a fresh cache make their own.
    """
    if not _SESSION_CACHE:
        _SESSION_CACHE.append(tmp_path_factory.mktemp("musiclearn-cache"))
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(_SESSION_CACHE[0]))
