"""Static search (kuzbass_graph/site/search.py): the documents hold every name of every entity and the
source's passages; in headless Chromium, from file:// and from `kuzbass serve`, a variant finds its entity and
links to its page, nothing leaves the machine, nothing logs an error, and markup in a label stays text."""

from __future__ import annotations

import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pytest

from kuzbass_graph.config import Settings
from kuzbass_graph.namespaces import ID
from kuzbass_graph.pipeline import Outcome, build_project
from kuzbass_graph.server import ServeOptions, running
from kuzbass_graph.site.graph import read_graph
from kuzbass_graph.site.search import Document, documents, script_of, write_search
from kuzbass_graph.validation import Check
from tests.browsing import SCREENSHOTS, chromium_page, unresolved_links, wait_until
from tests.fixture_project import ALICE, CURATED, make_project

SCRIPT_LABEL = "Bob <script>alert(1)</script> Jones"
HEYWOOD = ID + "person/bill-heywood"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The tiny project with a label holding markup, built once for this module."""
    root = make_project(tmp_path_factory.mktemp("search") / "project",
                        curated=CURATED.replace('rdfs:label "Bob Jones"@en', f'rdfs:label "{SCRIPT_LABEL}"@en'))
    settings = Settings.load(root=root, out=root / "dist")
    build_project(settings, skip=frozenset({Check.REASONER, Check.PROFILE}))
    return settings


@pytest.fixture(scope="module")
def site(settings: Settings) -> Path:
    return settings.out / "current" / "site"


def _docs(settings: Settings) -> list[Document]:
    return documents(read_graph(ox.Store.read_only(str(settings.out / "current" / "store"))))


def test_documents_hold_every_variant_description_and_passage(settings: Settings, site: Path) -> None:
    docs = {d.id: d for d in _docs(settings)}
    alice = docs[ALICE[len(ID):]]
    assert alice.kind == "entity" and alice.title == "Alice Smith" and "Alice Smyth" in alice.variants.split("\n")
    assert alice.href == "id/person/alice-smith/index.html" and (site / alice.href).is_file()
    assert "Person" in alice.classes
    passages = [d for d in docs.values() if d.kind == "passage"]
    assert any("founded in Testtown" in d.text and d.href == "source/mini/index.html#L003" for d in passages)
    assert (site / "search" / "index.html").is_file()
    assert (site / "assets" / "search" / "minisearch.umd.js").is_file()
    assert (site / "assets" / "search" / "LICENSE.txt").is_file()


def test_the_documents_script_is_inert_text() -> None:
    script = script_of([Document("x", "entity", "</script><script>alert(1)</script>", "a\u2028b", "", "&amp;", "x")])
    assert "<" not in script and ">" not in script.replace("=>", "") and "&" not in script and "\u2028" not in script
    assert script.startswith("// ") and "window.KUZBASS_SEARCH = {" in script


def test_the_page_refers_to_nothing_outside(site: Path) -> None:
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<script>" not in html.replace("<script src=", "")
    assert unresolved_links(site / "search" / "index.html") == []


@pytest.mark.slow
def test_the_real_index_knows_heywood_as_haywood(real: Outcome) -> None:
    started = time.perf_counter()
    docs = documents(read_graph(real.compiled.store))
    heywood = next(d for d in docs if d.id == HEYWOOD[len(ID):])
    assert heywood.title == "Bill Heywood" and "Bill Haywood" in heywood.variants.split("\n")
    assert heywood.href == "id/person/bill-heywood/index.html"
    assert sum(d.kind == "passage" for d in docs) > 200 and sum(d.kind == "entity" for d in docs) > 900
    assert time.perf_counter() - started < 5


def _skeleton(site: Path) -> None:
    """The style sheets the pages link, for a site written by one step alone."""
    (site / "assets").mkdir(parents=True, exist_ok=True)
    for package, name in (("kuzbass_graph.publishing", "page.css"), ("kuzbass_graph.site", "site.css")):
        (site / "assets" / name).write_bytes((resources.files(package) / "static" / name).read_bytes())


@pytest.mark.browser
@pytest.mark.slow
def test_haywood_finds_bill_heywood_from_file_in_the_real_graph(real: Outcome, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _skeleton(site)
    started = time.perf_counter()
    write_search(read_graph(real.compiled.store), site)
    written = time.perf_counter() - started
    with chromium_page(site.as_uri()) as w:
        started = time.perf_counter()
        w.page.goto((site / "search" / "index.html").as_uri())
        wait_until(w.page, "window.kuzbassSearch && window.kuzbassSearch.ready")
        ready = time.perf_counter() - started
        w.page.fill("#q", "Haywood")
        first = w.page.locator("#search-results li").first
        assert first.locator("a.hit").inner_text() == "Bill Heywood"
        assert "Bill Haywood" in first.inner_text()
        href = first.locator("a.hit").evaluate("a => a.href")
        assert href == (site / "id" / "person" / "bill-heywood" / "index.html").as_uri()
        assert w.page.locator("#search-results li[data-kind=passage]").count() >= 1  # line 228 spells it so
        w.page.fill("#q", "")
        w.page.fill("#q", "Haywood")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        w.page.screenshot(path=str(SCREENSHOTS / "search-1280.png"))
        w.page.set_viewport_size({"width": 390, "height": 844})
        w.page.screenshot(path=str(SCREENSHOTS / "search-390.png"))
    print(f"search: written in {written:.2f} s, ready in Chromium in {ready:.2f} s")
    assert w.outside == [] and w.problems == []


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    with running(settings, ServeOptions(port=0, workers=1, timeout=10)) as base:
        yield base


@pytest.mark.browser
@pytest.mark.server
def test_a_variant_finds_its_entity_and_markup_stays_text(site: Path, served: str) -> None:
    for base in (site.as_uri(), served):
        with chromium_page(base) as w:
            w.page.goto(f"{base}/search/index.html?q=SMYTH")  # case (and accents) aside
            wait_until(w.page, "window.kuzbassSearch && window.kuzbassSearch.ready")
            link = w.page.locator("#search-results li a.hit").first
            assert link.inner_text() == "Alice Smith"
            assert "Alice Smyth" in w.page.locator("#search-results li").first.inner_text()
            link.click()
            w.page.wait_for_selector("h1")
            assert w.page.locator("h1").inner_text() == "Alice Smith"
            w.page.goto(f"{base}/search/index.html")
            wait_until(w.page, "window.kuzbassSearch && window.kuzbassSearch.ready")
            w.page.fill("#q", "Jones")
            hit = w.page.locator("#search-results a.hit", has_text="Jones").first
            assert hit.inner_text() == SCRIPT_LABEL
            assert "&lt;script&gt;" in hit.inner_html()
            assert w.page.locator("#search-results script").count() == 0
            w.page.fill("#q", "founded Testtown")
            passage = w.page.locator("#search-results li[data-kind=passage] a.hit").first
            assert passage.get_attribute("href") == "../source/mini/index.html#L003"
            assert w.page.locator("#search-results mark", has_text="Testtown").count() >= 1
        assert w.dialogs == [] and w.outside == [] and w.problems == [], base
