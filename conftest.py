"""Root pytest hooks: a closing summary that counts each kind of test.

The summary answers "what ran?" at a glance: library unit tests, the
examples in the library's docstrings (doctests), notebook cells executed by
nbval, real-browser widget tests and Binder checks are counted separately, so
a suite that silently skipped the browser or ran no notebook is visible in the
last lines of the log. It lives at the root so it also covers `pytest notebooks/`
and the doctests of `musiclearn/`.

Library tests and doctests cache into one temporary directory per session
(fixture ``musiclearn_cache_dir``), never into the user's cache.
"""

from __future__ import annotations

from collections import Counter

import pytest

_outcomes: dict[str, Counter] = {}


@pytest.fixture(scope="session")
def musiclearn_cache_dir(tmp_path_factory):
    """One temporary cache directory for the session: parsed corpora are built once."""
    return tmp_path_factory.mktemp("musiclearn-cache")


@pytest.fixture(autouse=True)
def _doctests_cache_in_tmp(request):
    """Docstring examples (``--doctest-modules``) parse corpora into the session's temporary cache."""
    if type(request.node).__name__ != "DoctestItem":
        yield
        return
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(request.getfixturevalue("musiclearn_cache_dir")))
    yield


def _kind(report) -> str:
    nodeid = getattr(report, "nodeid", "")
    keywords = getattr(report, "keywords", {})
    path = nodeid.split("::")[0]
    if ".ipynb" in path:
        return "notebook cells (nbval)"
    if path.startswith("musiclearn/"):
        return "doctests (docstring examples)"
    if "browser" in keywords:
        return "browser (JupyterLab + Chromium)"
    if "binder" in keywords:
        return "binder (repo2docker)"
    return "unit"


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
