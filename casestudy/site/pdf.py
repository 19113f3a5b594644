"""Print pages of the casebook to PDF with headless Chromium (through Playwright).

Chromium is Debian's ``/usr/bin/chromium`` or the binary ``CASESTUDY_CHROMIUM`` names
(the browser test uses the same); Playwright drives it (a dependency of the package,
no browser download).  Without either, :func:`unavailable` says why in one line and
the build writes no PDF.  The pages' print stylesheet (``casebook.css``, ``@media
print``) hides the navigation, starts each chapter on a new page and keeps figures
whole; the bundled CJK font is embedded.  Chromium stamps the time into a PDF: the
dates are set to a fixed one, so the same pages give the same bytes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: How the browser is started: no sandbox (containers, root), no GPU, nothing fetched.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)([^)]*)\)")


def chromium() -> Path:
    """The Chromium binary: ``CASESTUDY_CHROMIUM`` or ``/usr/bin/chromium``."""
    return Path(os.environ.get("CASESTUDY_CHROMIUM") or "/usr/bin/chromium")


def unavailable() -> str | None:
    """Why no PDF can be printed here (one line), or None when it can."""
    if not chromium().is_file():
        return (f"{chromium()} not found: install Chromium (apt-get install chromium) or set "
                "CASESTUDY_CHROMIUM to a Chromium binary")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    return None


def _fixed_dates(data: bytes) -> bytes:
    """``data`` with its creation and modification dates set to 2000-01-01 (same length)."""
    return _DATE.sub(lambda m: m.group(1) + (b"20000101000000Z" + b"0" * 99)[:len(m.group(2))]
                     + b")", data)


def print_pdfs(jobs: list[tuple[Path, Path]]) -> None:
    """Print each HTML file of ``jobs`` (html, pdf) to its PDF: A4, backgrounds printed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium()), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for source, target in jobs:
                page.goto(source.resolve().as_uri(), wait_until="load")
                page.evaluate("() => document.fonts.ready.then(() => true)")
                data = page.pdf(format="A4", print_background=True)
                target.write_bytes(_fixed_dates(data))
        finally:
            browser.close()
