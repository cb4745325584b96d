"""Accessibility of every page kind: axe-core (from npm, tests/vendor/axe-core/) in headless Chromium reports
no serious or critical violation."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.server import ServeOptions, running
from kuzbass_graph.validation import Check

pytestmark = [pytest.mark.browser, pytest.mark.server]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
PAGES = {
    "index": "/", "browse": "/browse/person/", "reader": "/source/mini/", "timeline": "/timeline/",
    "queries": "/queries/", "entity": "/id/person/alice-smith/", "passage": "/id/source/mini/L003/",
    "network": "/network/", "map": "/map/", "search": "/search/", "sparql": "/sparql/", "editor": "/sparql",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.fixture_project import make_project

    root = make_project(tmp_path_factory.mktemp("a11y") / "project")
    settings = Settings.load(root=root, out=root / "dist")
    build_project(settings, skip=frozenset({Check.REASONER}))
    with running(settings, ServeOptions(port=0, workers=2, timeout=10.0)) as base:
        yield base


def test_every_page_kind_has_no_serious_accessibility_violation(site: str) -> None:
    from playwright.sync_api import sync_playwright

    found: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        for kind, path in PAGES.items():
            page = context.new_page()
            response = page.goto(site + path)
            assert response is not None and response.status == 200, (kind, path)
            page.wait_for_timeout(300)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => JSON.stringify(await axe.run(document, "
                                   "{resultTypes: ['violations']}))")
            violations = [v for v in json.loads(result)["violations"] if v["impact"] in ("serious", "critical")]
            if violations:
                found[kind] = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in violations]
            page.close()
        browser.close()
    assert found == {}
