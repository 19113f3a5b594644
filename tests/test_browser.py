"""JupyterLab in a real browser: every notebook runs through the UI and renders.

A student opens the casebook in JupyterLab and clicks Run > Run All Cells; nbval
and papermill never see what the browser shows.  This module starts JupyterLab
from the project's own environment (``sys.executable -m jupyter lab``) on
127.0.0.1 with a random port and token, serving the student edition of every
notebook in ``notebooks/`` (answers and teaching notes removed, as the site's
student edition gives them), outputs cleared (so everything checked below comes
from this run, and the real notebooks are never saved over); nbval runs the
instructor's notebooks in the same test run.  It drives JupyterLab with
Playwright in headless Chromium (Debian's ``/usr/bin/chromium``; Playwright's
own browser download is not used).  For each notebook it checks that

* every non-empty code cell has an execution count and the kernel is idle;
* no output is an error (a traceback on stderr);
* every figure is rendered: at least as many decoded ``<img>`` outputs as the
  stored notebook has code cells with a PNG output, and no broken image;
* CJK text is shown where the stored outputs have it (and 小米 or 雷軍/雷军 appears
  in at least one notebook);
* each exercise's check says "not yet" (the student has not answered) and none
  says "right";

and it saves a screenshot of the whole notebook as ``build/screenshots/<name>.png``
(``.ci/run`` fails if one is missing, so CI cannot pass without this test).

Chromium's network is cut off by flags and the server makes no outside request
(news and update checks off, read-only extension manager).  Chromium is given
the package's bundled CJK font through a private fontconfig file, so the
screenshots show Chinese and Japanese on a machine without CJK fonts (the text
checks do not depend on it).

Without ``/usr/bin/chromium`` (or ``CASESTUDY_CHROMIUM``) or the ``playwright``
package the test is skipped, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if not p.name.startswith("."))
CHROMIUM = Path(os.environ.get("CASESTUDY_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "build" / "screenshots"
FONT_DIR = ROOT / "casestudy" / "fonts"
IN_CI = os.environ.get("CI", "").strip().lower() == "true"

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-default-apps", "--disable-extensions",
                 "--no-default-browser-check", "--metrics-recording-only"]
SERVER_START_TIMEOUT = 90.0
RUN_TIMEOUT = 240.0  # per notebook, from Run All to idle
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ERROR_LINE = re.compile(r"^\s*\w*(Error|Exception|Interrupt|Exit)\b", re.MULTILINE)


def _require_browser() -> None:
    """Skip (or, in CI, fail) when the browser or its driver is missing."""
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing: install Chromium with `apt-get install chromium` "
                        "(Debian/Ubuntu; .ci/run does this) or point CASESTUDY_CHROMIUM at a "
                        "Chromium/Chrome binary")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright package is missing: pip install -e '.[test]'")
    if problems:
        if IN_CI:
            pytest.fail("the browser test must run in CI (CI=true) but cannot: "
                        + "; ".join(problems), pytrace=False)
        pytest.skip("; ".join(problems))


# -- what the stored notebook says to expect ---------------------------------------------


def _student(path: Path) -> nbformat.NotebookNode:
    """The student edition of the stored notebook at ``path``, stored outputs kept."""
    from casestudy.site import edition_notebook

    return edition_notebook(nbformat.read(str(path), as_version=4), "student")


def _stored_expectations(nb: nbformat.NotebookNode) -> dict[str, Any]:
    png_cells = 0
    cjk = False
    outputs = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = cell.get("outputs", [])
        outputs += len(outs)
        if any("image/png" in o.get("data", {}) for o in outs):
            png_cells += 1
        for o in outs:
            texts = [o.get("text", "")] + [v for k, v in o.get("data", {}).items()
                                           if k.startswith("text/")]
            if any(CJK.search(t if isinstance(t, str) else "".join(t)) for t in texts):
                cjk = True
    exercises = [m for cell in nb.cells if cell.cell_type == "code"
                 for m in re.findall(r'cs\.check\("([^"]+)"', cell.source)]
    return {"png_cells": png_cells, "cjk": cjk, "outputs": outputs, "exercises": exercises}


# -- the JupyterLab server ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server by its process id: SIGTERM, wait, then SIGKILL its process group."""
    if proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # its own group (start_new_session): kernels too
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


class Lab:
    def __init__(self, base: str, token: str, root_dir: Path, log: Path) -> None:
        self.base, self.token, self.root_dir, self.log = base, token, root_dir, log

    def api(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:  # 127.0.0.1 only
            body = r.read()
        return json.loads(body) if body else None

    def log_tail(self, n: int = 4000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-n:]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    _require_browser()
    if not NOTEBOOKS:
        pytest.fail("notebooks/ holds no notebooks", pytrace=False)
    home = tmp_path_factory.mktemp("jupyterlab")
    root_dir = home / "notebooks"
    root_dir.mkdir()
    for src in NOTEBOOKS:  # the student edition, outputs cleared: JupyterLab saves on run
        nb = _student(src)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        nbformat.write(nb, str(root_dir / src.name))
    config, data, runtime = home / "config", home / "data", home / "runtime"
    # Private Jupyter dirs: no user settings or workspaces leak in, none are written out.
    # The kernel spec "python3" is still found in sys.prefix/share/jupyter, and it runs
    # this same interpreter (jupyter_client maps "python" to sys.executable).
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the DOM (no virtual scrolling), so outputs can be counted and captured
    (settings / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}), encoding="utf-8")
    apputils = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    for d in (data, runtime, home / "ipython"):
        d.mkdir()
    port, token = _free_port(), secrets.token_hex(24)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_DATA_DIR=str(data),
               JUPYTER_RUNTIME_DIR=str(runtime), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("JUPYTER_PATH", None)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
           "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = home / "jupyterlab.log"
    with open(log, "wb") as logf:
        proc = subprocess.Popen(cmd, env=env, cwd=home, stdout=logf, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}", token, root_dir, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            try:
                server.api("/api/status")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None:
                    pytest.fail(f"JupyterLab exited with code {proc.returncode}:\n"
                                f"{server.log_tail()}", pytrace=False)
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer /api/status within "
                                f"{SERVER_START_TIMEOUT:.0f} s:\n{server.log_tail()}",
                                pytrace=False)
                time.sleep(0.2)
        specs = server.api("/api/kernelspecs")
        assert "python3" in specs["kernelspecs"], f"no python3 kernel spec: {specs}"
        yield server
    finally:
        _stop(proc)


# -- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("chromium")
    fonts_conf = home / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{FONT_DIR}</dir>\n  <cachedir>{home / 'fontcache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8")
    outside: list[str] = []
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(home / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900},
            env=dict(os.environ, FONTCONFIG_FILE=str(fonts_conf)))
        try:
            pg = context.pages[0] if context.pages else context.new_page()
            pg.set_default_timeout(60_000)
            pg.on("request", lambda r: outside.append(r.url)
                  if not r.url.startswith((lab.base, "data:", "blob:", "about:", "file://"))
                  else None)
            yield pg
        finally:
            context.close()
    assert not outside, f"the page tried to reach outside the local server: {outside[:5]}"


# -- driving one notebook -------------------------------------------------------------------

_STATE_JS = """() => {
  // textContent, not innerText: reading innerText makes the browser lay out the whole notebook
  // again, and this runs every 250 ms while outputs stream in
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
      .find(p => !p.classList.contains('lm-mod-hidden'));
  if (!panel) return null;
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  const text = e => (e ? e.textContent : '') || '';
  const prompts = cells.map(c => text(c.querySelector('.jp-InputArea-prompt')).trim());
  const sources = cells.map(c => text(c.querySelector('.cm-content')).trim());
  const stderr = [...panel.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(text);
  const status = [...document.querySelectorAll('#jp-main-statusbar *')]
      .filter(e => !e.children.length).map(text).join(' ');
  return {prompts, sources, stderr, status,
          busy: prompts.some(p => p.includes('*'))};
}"""

_IMAGES_JS = """() => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
      .find(p => !p.classList.contains('lm-mod-hidden'));
  return [...panel.querySelectorAll('.jp-OutputArea-output img')].map(
      i => ({w: i.naturalWidth, h: i.naturalHeight, complete: i.complete,
             src: (i.getAttribute('src') || '').slice(0, 30)}));
}"""

_OUTPUT_TEXT_JS = """() => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
      .find(p => !p.classList.contains('lm-mod-hidden'));
  return [...panel.querySelectorAll('.jp-OutputArea-output')].map(e => e.innerText).join('\\n');
}"""


def _kernel_idle(lab: Lab) -> bool:
    kernels = lab.api("/api/kernels")
    return bool(kernels) and all(k.get("execution_state") == "idle" for k in kernels)


def _errors(state: dict[str, Any]) -> list[str]:
    """Error outputs: JupyterLab 4 renders them as stderr text (no class of their own) holding a
    traceback or an ``...Error:`` line; warnings on stderr are not errors."""
    return [t for t in state["stderr"] if "Traceback" in t or ERROR_LINE.search(t)]


def _wait_for_kernel(page: Any, lab: Lab, name: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state = page.evaluate(_STATE_JS)
        if state and re.search(r"\bIdle\b", state["status"]) and _kernel_idle(lab):
            return
        page.wait_for_timeout(250)
    pytest.fail(f"{name}: the kernel did not become idle after opening the notebook "
                f"(status bar: {state and state['status']!r})\n{lab.log_tail()}", pytrace=False)


def _open(page: Any, lab: Lab, name: str) -> None:
    """Open ``name``: the first time by its URL (which loads JupyterLab), then through
    File > Open from Path... (no reload)."""
    if not page.url.startswith(f"{lab.base}/lab"):
        page.goto(f"{lab.base}/lab/tree/{name}?reset&token={lab.token}")
    else:
        page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text=re.compile(r"^File$")).click()
        page.locator(".lm-Menu:not(.lm-mod-hidden) .lm-Menu-itemLabel",
                     has_text=re.compile(r"^Open from Path")).click()
        field = page.locator(".jp-Dialog input")
        field.fill(name)
        field.press("Enter")
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current",
                 has_text=name).wait_for(timeout=60_000)
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell",
                           timeout=60_000)
    if page.locator("#jp-left-stack:not(.lm-mod-hidden)").count():
        page.keyboard.press("Control+b")  # hide the file browser: the notebook fills the window


def _run_all(page: Any) -> None:
    """Run > Run All Cells, through the menu bar."""
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu:not(.lm-mod-hidden) .lm-Menu-itemLabel",
                 has_text=re.compile(r"^Run All Cells$")).click()


def _wait_until_done(page: Any, lab: Lab, name: str) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT
    started = False
    settled = 0
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = page.evaluate(_STATE_JS)
        code = [p for p, s in zip(state["prompts"], state["sources"]) if s]
        counted = all(re.fullmatch(r"\[\d+\]:", p) for p in code)
        started = started or state["busy"] or any(re.fullmatch(r"\[\d+\]:", p) for p in code)
        done = (started and not state["busy"] and re.search(r"\bIdle\b", state["status"])
                and (counted or _errors(state)) and _kernel_idle(lab))
        settled = settled + 1 if done else 0
        if settled >= 3:  # stable for three polls in a row
            return state
        page.wait_for_timeout(100 if settled else 250)  # confirmed sooner once it looks done
    pytest.fail(f"{name}: not finished {RUN_TIMEOUT:.0f} s after Run All Cells "
                f"(prompts {state.get('prompts')}, status {state.get('status')!r})", pytrace=False)


_MEASURE_JS = """() => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
      .find(p => !p.classList.contains('lm-mod-hidden'));
  const scroller = panel.querySelector('.jp-WindowedPanel-outer')
      || panel.querySelector('.jp-Notebook');
  scroller.scrollTop = 0;
  // the notebook's own height (its bottom padding grows with the window, so not scrollHeight)
  const cells = panel.querySelectorAll('.jp-Notebook .jp-Cell');
  const last = cells[cells.length - 1];
  const box = scroller.getBoundingClientRect();
  return {client: scroller.clientHeight, window: window.innerHeight,
          screen: [screen.width, screen.height],
          content: Math.ceil(last.getBoundingClientRect().bottom - box.top + scroller.scrollTop)};
}"""
MAX_CAPTURE = 150_000  # px; Chromium captured 140,000 px in tests (the longest notebook: ~35,000)


def _metrics(width: int, height: int, screen: list[int]) -> dict[str, Any]:
    """Emulation.setDeviceMetricsOverride's parameters as Playwright sends them."""
    return {"mobile": False, "width": width, "height": height, "deviceScaleFactor": 1,
            "screenWidth": screen[0], "screenHeight": screen[1],
            "screenOrientation": {"angle": 0, "type": "landscapePrimary"}}


def _screenshot(page: Any, path: Path) -> None:
    """The whole notebook from its top, in one PNG.

    The page's viewport is made as tall as the notebook, so JupyterLab lays the notebook out
    with no scroll bar, and Chromium captures it once (``Page.captureScreenshot``, with
    ``optimizeForSpeed``: a quicker PNG compression); the bytes are written as they come.
    The viewport is set through the DevTools protocol (``Emulation.setDeviceMetricsOverride``)
    rather than ``page.set_viewport_size``, which also resizes the browser window: a window
    30,000 px tall cost about 1.6 s of CPU per notebook, the override alone 0.1 s.  The
    viewport is then put back as Playwright set it.
    """
    import base64

    path.parent.mkdir(parents=True, exist_ok=True)
    m = page.evaluate(_MEASURE_JS)
    total = m["window"] - m["client"] + m["content"] + 40  # + menu, toolbar and status bar
    assert total <= MAX_CAPTURE, (f"{path.stem}: the notebook is {m['content']} px tall, more "
                                  f"than one capture ({MAX_CAPTURE} px) holds")
    width, height = page.viewport_size["width"], m["window"]
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Emulation.setDeviceMetricsOverride",
                 _metrics(width, max(height, total), m["screen"]))
        # JupyterLab lays the panel out again on the next animation frame
        page.wait_for_function("""(h) => {
          const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
              .find(p => !p.classList.contains('lm-mod-hidden'));
          const s = panel.querySelector('.jp-WindowedPanel-outer')
              || panel.querySelector('.jp-Notebook');
          return s.clientHeight >= h;
        }""", arg=m["content"] + 40, polling=50, timeout=30_000)
        shot = cdp.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})
        path.write_bytes(base64.b64decode(shot["data"]))
    finally:
        cdp.send("Emulation.setDeviceMetricsOverride", _metrics(width, height, m["screen"]))
        cdp.detach()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(lab: Lab, page: Any, notebook: Path,
                                     cjk_seen: dict[str, bool]) -> None:
    name = notebook.name
    shot = SCREENSHOTS / f"{notebook.stem}.png"
    shot.unlink(missing_ok=True)  # a stale screenshot must not pass for this run's
    expect = _stored_expectations(_student(notebook))
    started = time.monotonic()
    # the previous notebook's kernel is shut down (about 0.4 s) while this notebook opens
    with ThreadPoolExecutor(max_workers=1) as pool:
        stopping = [pool.submit(lab.api, f"/api/sessions/{session['id']}", "DELETE")
                    for session in lab.api("/api/sessions")]
        _open(page, lab, name)
        for stopped in stopping:
            stopped.result()  # raises if the server refused
    _wait_for_kernel(page, lab, name)
    opened = time.monotonic()
    _run_all(page)
    state = _wait_until_done(page, lab, name)
    ran = time.monotonic()
    # let images decode before they are measured
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-OutputArea-output img')]
                               .every(i => i.complete)""", timeout=30_000)
    images = page.evaluate(_IMAGES_JS)
    text = page.evaluate(_OUTPUT_TEXT_JS)
    _screenshot(page, shot)
    done = time.monotonic()
    print(f"{name}: opened with an idle kernel in {opened - started:.1f} s, ran all cells in "
          f"{ran - opened:.1f} s, screenshot in {done - ran:.1f} s; {len(images)} image(s)")

    errors = _errors(state)
    assert not errors, f"{name}: error output(s) in JupyterLab:\n" + "\n---\n".join(
        e[:1500] for e in errors)
    code = [p for p, s in zip(state["prompts"], state["sources"]) if s]
    missing = [i for i, p in enumerate(code) if not re.fullmatch(r"\[\d+\]:", p)]
    assert not missing, f"{name}: code cells without an execution count: {missing} ({code})"
    broken = [i for i in images if not i["w"]]
    assert not broken, f"{name}: {len(broken)} image(s) did not render: {broken[:3]}"
    assert len(images) >= expect["png_cells"], (
        f"{name}: {len(images)} rendered image(s), but the stored notebook has "
        f"{expect['png_cells']} code cell(s) with a PNG output")
    if expect["cjk"]:
        assert CJK.search(text), f"{name}: the stored outputs show CJK text, the browser shows none"
    cjk_seen[name] = bool(re.search("小米|雷軍|雷军", text))
    unanswered = [q for q in expect["exercises"] if f"{q}: not yet." not in text]
    assert not unanswered, f"{name}: no 'not yet' shown for exercise(s) {unanswered}"
    assert ": right." not in text, f"{name}: an unanswered exercise is marked right"
    assert shot.is_file() and shot.stat().st_size > 10_000, f"{name}: no screenshot at {shot}"


@pytest.fixture(scope="module")
def cjk_seen() -> dict[str, bool]:
    """Notebook name -> whether 小米 or 雷軍/雷军 was among its rendered outputs."""
    return {}


def test_cjk_names_render_somewhere(cjk_seen: dict[str, bool]) -> None:
    """After the notebooks (same module, so the same xdist worker): 小米 or 雷軍 was on screen."""
    if len(cjk_seen) < len(NOTEBOOKS):
        pytest.skip("needs every notebook of this module to have run in this session")
    assert any(cjk_seen.values()), ("no notebook showed 小米 or 雷軍/雷军 "
                                    "in its outputs in JupyterLab")


_PAGE_JS = """() => ({
  ids: [...document.querySelectorAll('[id]')].map(e => e.id),
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  broken: [...document.querySelectorAll('img')]
      .filter(i => !i.complete || i.naturalWidth === 0)
      .map(i => (i.getAttribute('src') || '').slice(0, 40)),
  title: document.title,
  text: document.body.innerText.slice(0, 20000),
})"""


def test_html_casebook_in_the_browser(page: Any, built_site: Path) -> None:
    """The static site opens from disk: index loads, every local link resolves (file and
    anchor), no image is broken, and CJK text is shown; the case page (when
    ``notebooks/00_case.ipynb`` exists) and the instructor's guide are among the pages.
    The site is the one the site tests read, built once per session (tests/conftest.py)
    from the notebooks run at their defaults."""
    out = built_site
    start = (out / "instructor" / "index.html").as_uri()
    seen: dict[str, dict[str, Any]] = {}
    todo = [start]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        page.goto(url)  # raises for a file that does not exist
        info = page.evaluate(_PAGE_JS)
        assert not info["broken"], f"{url}: broken images {info['broken']}"
        seen[url] = info
        # pages only: a CSV or PDF link would start a download, not a page
        todo += [link.split("#", 1)[0] for link in info["links"] if link.startswith("file://")
                 and link.split("#", 1)[0].endswith(".html") and link.split("#", 1)[0] not in seen]
    assert len(seen) >= 2 + len(NOTEBOOKS), f"too few pages reached from the index: {sorted(seen)}"
    assert "Xiaomi" in seen[start]["title"] + seen[start]["text"]
    folder = out / "instructor"
    guide = (folder / "guide.html").as_uri()
    assert guide in seen and "Instructor's guide" in seen[guide]["text"], "guide.html not reached"
    for nb in NOTEBOOKS:
        assert (folder / f"{nb.stem}.html").as_uri() in seen, f"{nb.stem}.html not reached"
    case = [nb.stem for nb in NOTEBOOKS if nb.stem.endswith("_case")]
    if case:  # the case is read first: the first notebook in the index's reading order
        first = re.search(r'class="reading-order".*?<a href="([^"]+)"',
                          (folder / "index.html").read_text(encoding="utf-8"), re.S)
        assert first and first.group(1) == f"{case[0]}.html", \
            "the case is not first in reading order"
    missing = [link for info in seen.values() for link in info["links"]
               if link.startswith("file://") and "#" in link
               and link.split("#", 1)[1] not in seen[link.split("#", 1)[0]]["ids"]]
    assert not missing, f"links to anchors that do not exist: {missing[:5]}"
    assert any(CJK.search(info["text"]) for info in seen.values()), "no CJK text on the site"
