"""Shared fixtures, and a closing summary that counts each kind of test.

The summary answers "what ran?" at a glance: library unit tests, notebook
cells executed by nbval, real-browser widget tests and Binder checks are
counted separately, so a suite that silently skipped the browser or ran no
notebook is visible in the last lines of the log.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

_outcomes: dict[str, Counter] = {}


def _kind(item_or_report) -> str:
    path = str(getattr(item_or_report, "fspath", "") or getattr(item_or_report, "nodeid", ""))
    keywords = getattr(item_or_report, "keywords", {})
    if path.endswith(".ipynb") or ".ipynb::" in getattr(item_or_report, "nodeid", ""):
        return "notebook cells (nbval)"
    if "browser" in keywords:
        return "browser (JupyterLab + Chromium)"
    if "binder" in keywords:
        return "binder (repo2docker)"
    return "unit"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test session caches into a temporary dir, never the user's cache.

    The corpus cache is shared across the session (building it is the slow
    part), so it lives in one session-wide directory.
    """
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(_session_cache(tmp_path_factory)))


_SESSION_CACHE: list[Path] = []


def _session_cache(tmp_path_factory) -> Path:
    if not _SESSION_CACHE:
        _SESSION_CACHE.append(tmp_path_factory.mktemp("musiclearn-cache"))
    return _SESSION_CACHE[0]


def pytest_runtest_logreport(report) -> None:
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        outcome = "passed" if report.passed else "failed" if report.failed else "skipped"
        _outcomes.setdefault(_kind(report), Counter())[outcome] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    if not _outcomes:
        return
    terminalreporter.section("musiclearn: what ran")
    for kind in sorted(_outcomes):
        counts = _outcomes[kind]
        terminalreporter.write_line(
            f"{kind:34s} {counts['passed']:4d} passed  {counts['failed']:3d} failed  {counts['skipped']:3d} skipped"
        )
