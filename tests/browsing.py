"""Headless Debian Chromium for the site's browser tests: a page that records every request leaving the
files (or the server) under test, every console error, every uncaught exception and every dialog."""

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
    dialogs: list[str] = field(default_factory=list)  # alert(), confirm(), prompt(): dismissed


def _dismiss(watched: Watched, dialog: Any) -> None:
    watched.dialogs.append(dialog.message)
    dialog.dismiss()


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
            page.on("dialog", lambda d: _dismiss(watched, d))
            yield watched
        finally:
            browser.close()


def wait_until(page: Any, expression: str, *, timeout: float = 60) -> Any:
    """Poll `expression` until it is truthy. Unlike page.wait_for_function, which evaluates its predicate with
    eval() inside the page, this works under a Content-Security-Policy without 'unsafe-eval'."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout} s: {expression}")
        page.wait_for_timeout(50)


def unresolved_links(page: Path) -> list[str]:
    """The href and src values of a written page that name no file beside it (fragments and data: aside),
    and any that point outside (a scheme such as http:)."""
    import re

    missing = []
    for url in re.findall(r'(?:href|src)="([^"]*)"', page.read_text(encoding="utf-8")):
        if url.startswith(("data:", "#")):
            continue
        path = url.split("#", 1)[0].split("?", 1)[0]
        if ":" in path or not (page.parent / path).is_file():
            missing.append(url)
    return missing

