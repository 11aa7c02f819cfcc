"""Root pytest hooks: a closing summary that counts each kind of test.

The summary answers "what ran?" at a glance: library unit tests, notebook
cells executed by nbval, real-browser widget tests and Binder checks are
counted separately, so a suite that silently skipped the browser or ran no
notebook is visible in the last lines of the log. It lives at the root so it
also covers `pytest notebooks/`.
"""

from __future__ import annotations

from collections import Counter

_outcomes: dict[str, Counter] = {}


def _kind(report) -> str:
    nodeid = getattr(report, "nodeid", "")
    keywords = getattr(report, "keywords", {})
    if ".ipynb" in nodeid.split("::")[0]:
        return "notebook cells (nbval)"
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
