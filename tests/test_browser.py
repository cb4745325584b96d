"""The query editor in headless Chromium: loads offline, runs a catalogue query, shows results."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.server import ServeOptions, running
from kuzbass_graph.validation import Check

pytestmark = [pytest.mark.browser, pytest.mark.server]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


@pytest.fixture
def site(settings: Settings, tmp_path: Path) -> Iterator[str]:
    queries = settings.root / "queries"
    queries.mkdir()
    (queries / "founders.rq").write_text(
        "# title: Founders\n# description: Who founded what.\n# question: Who founded Widget Works?\n"
        "PREFIX kz: <https://w3id.org/kuzbass/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?founder (COUNT(*) AS ?n) WHERE { ?org kz:foundedBy ?f . ?f rdfs:label ?founder } GROUP BY ?founder\n")
    build_project(settings, skip=frozenset({Check.REASONER}))
    with running(settings, ServeOptions(port=0, workers=1, timeout=10)) as base:
        yield base


def test_editor_runs_a_catalogue_query_without_leaving_the_origin(site: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (apt-get install chromium); .ci/run does"
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((site, "data:", "blob:")) else None)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(site + "/sparql")  # the editor; / is the visitors' site
        page.wait_for_selector("#catalogue li")
        page.click("#catalogue li[data-name=founders]")
        page.wait_for_selector("text=Alice Smith", timeout=15000)
        assert page.locator("text=XMLSchema#").count() == 0  # plain values, no datatype IRIs in the table
        page.screenshot(path=str(tmp_path / "editor.png"))
        browser.close()
    assert errors == []
    assert outside == []
    assert (tmp_path / "editor.png").stat().st_size > 10_000


def test_an_entity_page_shows_its_quotes_and_alternates_offline(site: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((site, "data:")) else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(site + "/id/person/alice-smith")
        assert page.url == site + "/id/person/alice-smith/"
        assert page.locator("h1").inner_text() == "Alice Smith"
        assert page.locator("blockquote.quote", has_text="Widget Works was founded in Testtown").count() >= 1
        assert page.locator("section.alternates a[type='text/turtle']").count() == 1
        page.click("section.relation a:text('Widget Works')")
        page.wait_for_selector("h1:text('Widget Works')")
        assert "about 1923" in page.inner_text("body")  # the founding date in words
        page.screenshot(path=str(tmp_path / "entity.png"), full_page=True)
        browser.close()
    assert outside == [] and problems == []
    assert (tmp_path / "entity.png").stat().st_size > 10_000
