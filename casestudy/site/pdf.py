"""Print casebook pages to PDF with the system's headless Chromium (through Playwright), the
dates Chromium stamps in fixed so that the same pages give the same bytes."""

from __future__ import annotations

import os
import re
from pathlib import Path

#: How the browser is started: no sandbox (containers, root), no GPU, nothing fetched.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)([^)]*)\)")


def chromium() -> Path:
    """The Chromium binary: ``CASESTUDY_CHROMIUM`` or Debian's ``/usr/bin/chromium``."""
    return Path(os.environ.get("CASESTUDY_CHROMIUM") or "/usr/bin/chromium")


def unavailable() -> str | None:
    """Why no PDF can be printed here (one line), or None when it can."""
    return None if chromium().is_file() else (
        f"{chromium()} not found: install Chromium (apt-get install chromium) or set "
        "CASESTUDY_CHROMIUM to a Chromium binary")


def print_pdfs(jobs: list[tuple[Path, str]]) -> None:
    """Print each (pdf, html) of ``jobs``, through a hidden HTML file beside the PDF: A4,
    backgrounds printed, fonts loaded, dates set to 2000-01-01."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium()), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for target, html in jobs:
                source = target.with_name(f".print-{target.stem}.html")
                source.write_text(html, encoding="utf-8")
                try:
                    page.goto(source.resolve().as_uri(), wait_until="load")
                    page.evaluate("() => document.fonts.ready.then(() => true)")
                    data = page.pdf(format="A4", print_background=True)
                finally:
                    source.unlink()
                target.write_bytes(_DATE.sub(lambda m: m[1] + (b"20000101000000Z" + b"0" * 99)
                                             [:len(m[2])] + b")", data))
        finally:
            browser.close()
