"""Headless Debian Chromium for the site's browser tests: a page that records every request leaving the
files (or the server) under test, every console error and every uncaught exception."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@dataclass
class Watched:
    page: Any
    outside: list[str] = field(default_factory=list)  # requests to anything but `allowed`
    problems: list[str] = field(default_factory=list)  # console errors and page errors


@contextmanager
def chromium_page(*allowed: str, width: int = 1280, height: int = 900) -> Iterator[Watched]:
    """A fresh page at `width` px; requests not starting with one of `allowed` (or data:, blob:) are recorded."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (apt-get install chromium); .ci/run does"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            watched = Watched(page)
            keep = (*allowed, "data:", "blob:")
            page.on("request", lambda r: None if r.url.startswith(keep) else watched.outside.append(r.url))
            page.on("console", lambda m: watched.problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: watched.problems.append(str(e)))
            yield watched
        finally:
            browser.close()
