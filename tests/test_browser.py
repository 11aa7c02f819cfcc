"""Every widget notebook works in a real JupyterLab, driven by a real Chromium.

For each notebook that uses widgets: open it, Run All, wait for the kernel to
finish, check that no cell raised and no widget failed to render, then move a
slider with the keyboard and check that the widget's output (plot or text)
changed. Notebooks are served from a copy, so nothing is saved into the repo.

Chromium comes from Debian (`apt-get install chromium chromium-driver`); this
test never downloads a browser. Without Chromium it skips, saying so.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
                 if p and Path(p).exists()), None)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RUN_ALL_TIMEOUT_S = 300
WIDGET_MARKERS = re.compile(r"\bipywidgets\b|\bmusiclearn\.widgets\b|^from musiclearn import [^\n]*\bwidgets\b", re.MULTILINE)


def _uses_widgets(path: Path) -> bool:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return bool(WIDGET_MARKERS.search(code))


WIDGET_NOTEBOOKS = [p for p in NOTEBOOKS if _uses_widgets(p)]


def test_widget_notebooks_exist():
    # Guards the parametrized test below against silently covering nothing.
    assert WIDGET_NOTEBOOKS, "no notebook in notebooks/ uses ipywidgets; every notebook should have a widget"
    without = sorted(p.name for p in NOTEBOOKS if p not in WIDGET_NOTEBOOKS)
    assert not without, f"notebooks without a widget: {without}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free local port, with a token, serving a copy of notebooks/."""
    if CHROMIUM is None:
        pytest.skip("Chromium not installed: apt-get install chromium chromium-driver")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, MUSICLEARN_FAST=os.environ.get("MUSICLEARN_FAST", "1"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(base / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
               IPYTHONDIR=str(base / "ipython"))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--allow-root"]
    log = open(base / "server.log", "wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {(base / 'server.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "root": root}
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


# JavaScript run in the page, against the JupyterLab application object.
_NOTEBOOK = "window.jupyterapp && window.jupyterapp.shell.currentWidget"
_KERNEL_IDLE = f"""() => {{
  const w = {_NOTEBOOK};
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && w.content && w.content.widgets.length > 0;
}}"""
_ALL_EXECUTED = f"""() => {{
  const w = {_NOTEBOOK};
  const k = w.sessionContext.session.kernel;
  if (!k || k.status !== 'idle') return false;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  return cells.every(c => c.model.executionCount !== null || c.model.sharedModel.getSource().trim() === '');
}}"""
_ERRORS = f"""() => {{
  const w = {_NOTEBOOK};
  const errors = [];
  w.content.widgets.forEach((cell, i) => {{
    if (cell.model.type !== 'code') return;
    for (const out of cell.model.outputs.toJSON()) {{
      if (out.output_type === 'error') errors.push(`cell ${{i}}: ${{out.ename}}: ${{out.evalue}}`);
    }}
  }});
  return errors;
}}"""


@pytest.mark.parametrize("path", WIDGET_NOTEBOOKS, ids=[p.stem for p in WIDGET_NOTEBOOKS])
def test_widgets_work_in_jupyterlab(path: Path, lab, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{lab['url']}/lab/tree/{path.name}?reset&token={lab['token']}")
        page.wait_for_function(_KERNEL_IDLE, timeout=120_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_timeout(1000)
        page.wait_for_function(_ALL_EXECUTED, timeout=RUN_ALL_TIMEOUT_S * 1000, polling=1000)

        errors = page.evaluate(_ERRORS)
        assert not errors, f"{path.name}: cells raised in JupyterLab: {errors}"
        assert page.get_by_text("Error displaying widget").count() == 0, f"{path.name}: a widget failed to render"

        changed = _move_a_slider_and_watch_its_output(page)
        shot = tmp_path / f"{path.stem}.png"
        page.screenshot(path=str(shot), full_page=False)
        print(f"screenshot: {shot}")
        assert changed, f"{path.name}: moving a slider with the keyboard changed no widget output"
    finally:
        page.close()


def _move_a_slider_and_watch_its_output(page, *, tries: int = 4) -> bool:
    """Press ArrowRight on sliders (up to `tries`) until one changes the output shown beside it."""
    handles = page.locator(".jp-OutputArea .widget-slider .noUi-handle")
    assert handles.count() > 0, "no ipywidgets slider was rendered"
    for index in range(min(tries, handles.count())):
        handle = handles.nth(index)
        cell = handle.locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' jp-Cell ')][1]")
        # What a widget shows: output areas (plots, text), labels, HTML, images, audio players.
        outputs = cell.locator(".widget-output, .widget-label, .widget-html, .widget-image, audio")
        watched = outputs if outputs.count() else page.locator(".widget-output")

        def snapshot() -> list[str]:
            return watched.evaluate_all("els => els.map(e => e.innerHTML)")

        handle.scroll_into_view_if_needed()
        before = snapshot()
        handle.focus()
        page.keyboard.press("ArrowRight")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            page.wait_for_timeout(500)
            after = snapshot()
            if after != before and _kernel_idle(page):
                return True
    return False


def _kernel_idle(page) -> bool:
    return page.evaluate(f"() => {{ const w = {_NOTEBOOK}; return w.sessionContext.session.kernel.status === 'idle'; }}")
