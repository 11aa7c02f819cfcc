"""Every widget notebook works in a real JupyterLab, driven by a real Chromium.

For each notebook that uses widgets: open it, Run All, wait for the kernel to
finish, check that no cell raised and no widget failed to render, then move a
slider with the keyboard and check that the output shown beside it (plot,
text, audio) changed, without raising. Notebooks are served from a copy, so
nothing is saved into the repo. A screenshot per notebook lands in the test's
``tmp_path`` (its path is printed; see it with ``pytest -s``).

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
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", "--mute-audio"]
# One notebook, from opening to the slider check, must finish within this (fast mode needs ~10-25 s).
NOTEBOOK_BUDGET_S = 170
SERVER_START_TIMEOUT_S = 120
SLIDER_WAIT_S = 30
WIDGET_MARKERS = re.compile(
    r"\bipywidgets\b|\bmusiclearn\.widgets\b|^\s*from musiclearn import [^\n]*\bwidgets\b|\b\w+\.widgets\.\w+\s*\(",
    re.MULTILINE)
# JupyterLab user settings for the test server: no news/update prompts over the notebook (they
# would also try the network), every cell attached to the DOM, the kernel chosen without a dialog.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                       "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none",
                                                                  "autoStartDefaultKernel": True},
}


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


def test_widget_detection_reads_code_cells_only(tmp_path):
    def notebook(name: str, cells: list[tuple[str, str]]) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps({"cells": [{"cell_type": kind, "source": [text]} for kind, text in cells]}))
        return path

    assert _uses_widgets(notebook("a.ipynb", [("code", "import ipywidgets as w\nw.IntSlider()")]))
    assert _uses_widgets(notebook("b.ipynb", [("code", "import musiclearn as ml\nml.widgets.window_explorer()")]))
    assert _uses_widgets(notebook("c.ipynb", [("code", "from musiclearn import plot, widgets")]))
    assert not _uses_widgets(notebook("d.ipynb", [("markdown", "We use ipywidgets later."), ("code", "x = 1")]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and every kernel it started (kernels run in their own sessions)."""
    import psutil

    try:
        children = psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    try:
        os.killpg(server.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        server.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    _, alive = psutil.wait_procs(children, timeout=5)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free local port, with a token, serving a copy of notebooks/."""
    if CHROMIUM is None:
        pytest.skip("Chromium not installed: apt-get install chromium chromium-driver")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name, values in LAB_SETTINGS.items():
        (base / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (base / "settings" / name).write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, MUSICLEARN_FAST=os.environ.get("MUSICLEARN_FAST", "1"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_DATA_DIR=str(base / "data"), JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"), IPYTHONDIR=str(base / "ipython"))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly", "--allow-root"]
    log_path = base / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start within {SERVER_START_TIMEOUT_S} s "
                                f"(exit code {server.poll()}):\n{log_path.read_text()[-3000:]}")
                time.sleep(0.5)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "root": root, "log": log_path}
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


# JavaScript run in the page, against the JupyterLab application object (expose_app_in_browser).
_NOTEBOOK = "window.jupyterapp && window.jupyterapp.shell.currentWidget"
_KERNEL_IDLE = f"""() => {{
  const w = {_NOTEBOOK};
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && !!w.content && w.content.widgets.length > 0;
}}"""
# Errors: error outputs of the cells themselves (model), tracebacks inside Output widgets (where an
# exception raised in an interact/interactive_output callback shows up: JupyterLab 4 renders it with
# the stderr MIME type) and widgets that failed to render. Cells tagged raises-exception may raise.
_ERRORS = f"""() => {{
  const w = {_NOTEBOOK};
  const traceback = /Traceback \\(most recent call last\\)|^\\s*\\w*(Error|Exception):/m;
  const errors = [];
  w.content.widgets.forEach((cell, i) => {{
    if (cell.model.type !== 'code') return;
    const tags = cell.model.getMetadata('tags') || [];
    if (tags.includes('raises-exception')) return;
    for (const out of cell.model.outputs.toJSON()) {{
      if (out.output_type === 'error') errors.push(`cell ${{i}}: ${{out.ename}}: ${{out.evalue}}`);
    }}
    const outputs = cell.outputArea.node;
    outputs.querySelectorAll('.widget-output [data-mime-type="application/vnd.jupyter.stderr"]').forEach(el => {{
      if (traceback.test(el.textContent)) errors.push(`cell ${{i}}: ${{el.textContent.trim().slice(-400)}}`);
    }});
    if (outputs.querySelector('.jupyter-widgets-error-widget') || /Error displaying widget/.test(outputs.textContent))
      errors.push(`cell ${{i}}: a widget failed to render`);
  }});
  return [...new Set(errors)];
}}"""
# false while Run All is under way; then 'done', 'error' (Run All stops at the first error) or 'dead'.
_RUN_STATE = f"""(errors) => {{
  const w = {_NOTEBOOK};
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!k || ['dead', 'unknown'].includes(k.status) || w.sessionContext.isDisposed) return 'dead';
  if (k.status !== 'idle') return false;
  if (errors().length) return 'error';
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  const done = cells.every(c => c.model.executionCount !== null || c.model.sharedModel.getSource().trim() === '');
  return done ? 'done' : false;
}}"""


def _remaining(deadline: float, cap: float) -> float:
    """Milliseconds to wait: at most `cap` seconds, never past the notebook's deadline."""
    return max(1.0, min(cap, deadline - time.monotonic())) * 1000


def _open_with_kernel(page, url: str, deadline: float) -> None:
    page.goto(url, timeout=_remaining(deadline, 90))
    accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
    while time.monotonic() < deadline:
        if page.evaluate(_KERNEL_IDLE):
            return
        if accept.count() and accept.first.is_visible():  # "Select Kernel": take the default
            accept.first.click()
        page.wait_for_timeout(500)
    raise AssertionError(f"the notebook's kernel did not become idle: {url.split('?')[0]}")


@pytest.mark.parametrize("path", WIDGET_NOTEBOOKS, ids=[p.stem for p in WIDGET_NOTEBOOKS])
def test_widgets_work_in_jupyterlab(path: Path, lab, browser, tmp_path):
    deadline = time.monotonic() + NOTEBOOK_BUDGET_S
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    shot = tmp_path / f"{path.stem}.png"
    try:
        _open_with_kernel(page, f"{lab['url']}/lab/tree/{path.name}?reset&token={lab['token']}", deadline)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_timeout(1000)
        state = page.wait_for_function(f"() => ({_RUN_STATE})({_ERRORS})", timeout=_remaining(deadline, 150),
                                       polling=1000).json_value()
        assert state != "dead", f"{path.name}: the kernel died during Run All; server log: {lab['log']}"
        errors = page.evaluate(_ERRORS)
        assert not errors, f"{path.name}: errors in JupyterLab after Run All:\n" + "\n".join(errors)

        moved = _move_a_slider_and_watch_its_output(page, deadline)
        assert moved, f"{path.name}: moving a slider with the keyboard changed no widget output"
        errors = page.evaluate(_ERRORS)
        assert not errors, f"{path.name}: errors after moving the slider ({moved}):\n" + "\n".join(errors)
    finally:
        # Clean-up problems are reported, not raised: they must not hide the test's own failure.
        try:
            page.screenshot(path=str(shot))
            print(f"screenshot: {shot}")
            # Free the kernel now rather than when the server stops: notebooks import torch.
            page.evaluate(f"() => {{ const w = {_NOTEBOOK}; "
                          "return w && w.sessionContext && w.sessionContext.shutdown(); }")
        except Exception as exc:  # noqa: BLE001
            print(f"clean-up after {path.name}: {exc}")
        page.close()


def _move_a_slider_and_watch_its_output(page, deadline: float, *, tries: int = 3) -> str:
    """Press an arrow key on sliders (up to `tries`) until one changes the output shown beside it.

    Returns a description of the slider that worked, or "" if none did.
    """
    handles = page.locator(".jp-OutputArea .widget-slider .noUi-handle")
    assert handles.count() > 0, "no ipywidgets slider was rendered"
    for index in range(min(tries, handles.count())):
        handle = handles.nth(index)
        cell = handle.locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' jp-Cell ')][1]")
        # What a widget shows: output areas (plots, text), labels, HTML, images, audio players;
        # not the slider itself, whose readout always follows the key press.
        outputs = cell.locator(".widget-output, .widget-label:not(.widget-slider *), .widget-html, .widget-image, "
                               "audio")
        watched = outputs if outputs.count() else page.locator(".widget-output")

        def snapshot() -> list[str]:
            return watched.evaluate_all("els => els.map(e => e.innerHTML)")

        handle.scroll_into_view_if_needed(timeout=_remaining(deadline, 10))
        now, top = (float(handle.get_attribute(a) or "nan") for a in ("aria-valuenow", "aria-valuemax"))
        key = "ArrowLeft" if now >= top else "ArrowRight"  # a slider at its maximum can only go left
        before = snapshot()
        handle.focus()
        page.keyboard.press(key)
        wait_until = min(deadline, time.monotonic() + SLIDER_WAIT_S)
        while time.monotonic() < wait_until:
            page.wait_for_timeout(500)
            # Compare once the kernel is idle again, so a half-redrawn output does not count.
            if _kernel_idle(page) and snapshot() != before:
                return f"slider {index} ({handle.get_attribute('aria-valuetext')}) after {key}"
    return ""


def _kernel_idle(page) -> bool:
    return page.evaluate(f"() => {{ const w = {_NOTEBOOK}; return w.sessionContext.session.kernel.status === 'idle'; }}")
