"""The visitors' site (kuzbass_graph/site/): every page kind is written, the reader links quotes to claims and
entities, entity pages link back to their passages, dates are said in words, text from the data stays text,
links resolve with nothing outside; served by `kuzbass serve` and loaded in Chromium from file:// and http."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import Outcome, build_project
from kuzbass_graph.server import ServeOptions, running
from kuzbass_graph.site.build import write_site
from kuzbass_graph.site.graph import read_graph
from kuzbass_graph.site.reader import find_quote, segments
from kuzbass_graph.site.timeline import sort_key
from kuzbass_graph.validation import Check
from tests.fixture_project import CURATED, make_project
from tests.serving import fetch

SCRIPT_LABEL = "Bob <script>alert(1)</script> Jones"
PAGES = ("index.html", "browse/index.html", "browse/person/index.html", "source/index.html",
         "source/mini/index.html", "timeline/index.html", "queries/index.html")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


class Anchors(HTMLParser):
    """Every a/link/script element's attributes, with the text of each link."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.ids: set[str] = set()
        self._open: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "id" in found:
            self.ids.add(found["id"])
        if tag in ("a", "link", "script", "img"):
            found["tag"], found["text"] = tag, ""
            self.links.append(found)
            if tag == "a":
                self._open.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for link in self._open:
            link["text"] += data


def parse(path: Path) -> Anchors:
    parser = Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The tiny project, with a label holding markup and one catalogue query, built once for this module."""
    root = make_project(tmp_path_factory.mktemp("site") / "project",
                        curated=CURATED.replace('rdfs:label "Bob Jones"@en', f'rdfs:label "{SCRIPT_LABEL}"@en'))
    queries = root / "queries"
    queries.mkdir()
    (queries / "founders.rq").write_text(
        "# title: Founders\n# description: Who founded what.\n# question: Who founded Widget Works?\n"
        "PREFIX kz: <https://w3id.org/kuzbass/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?org ?founder WHERE { ?org kz:foundedBy ?founder }\n", encoding="utf-8")
    settings = Settings.load(root=root, out=root / "dist")
    build_project(settings, skip=frozenset({Check.REASONER, Check.PROFILE}))
    return settings


@pytest.fixture(scope="module")
def site(settings: Settings) -> Path:
    return settings.out / "current" / "site"


def test_every_page_kind_is_written(site: Path) -> None:
    for page in PAGES:
        assert (site / page).is_file(), page
    assert (site / "assets" / "site.css").is_file() and (site / "assets" / "page.css").is_file()
    browse = parse(site / "browse" / "index.html")
    person = next(a for a in browse.links if a["text"] == "Person")
    assert person["href"] == "../browse/person/index.html"
    assert re.search(r">Person</a></td><td class=\"n\">2<", (site / "browse" / "index.html").read_text())
    listed = {a["text"] for a in parse(site / "browse" / "person" / "index.html").links}
    assert {"Alice Smith", SCRIPT_LABEL} <= listed


def test_index_says_what_the_graph_holds(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    for href in ("browse/index.html", "source/mini/index.html", "timeline/index.html", "queries/index.html",
                 "ontology/index.html"):  # one source: the index opens its reader
        assert f'href="{href}"' in text, href
    assert "<dt>claims</dt><dd>4</dd>" in text and "<dt>passages</dt><dd>3</dd>" in text
    assert "CC BY 4.0" in text and "MIT" in text


def test_reader_highlights_a_quote_linked_to_its_claim_and_entities(site: Path) -> None:
    reader = parse(site / "source" / "mini" / "index.html")
    assert {"L001", "L003", "L005"} <= reader.ids
    highlighted = [a for a in reader.links if a.get("class", "").startswith("q")]
    founding = next(a for a in highlighted if a["text"] == "Widget Works was founded in Testtown in about 1923 by "
                                                          "Alice Smith")
    assert founding["href"] == "../../id/claim/L003-widget-works-founded/index.html"
    assert "Alice Smith" in founding["title"] and "Widget Works" in founding["title"]
    # the nested quote "Alice Smyth" links to its own claim, the rest of the sentence to the enclosing one
    smyth = next(a for a in highlighted if a["text"] == "Alice Smyth")
    assert smyth["href"].endswith("claim/L005-smyth-spelling/index.html") and "q2" in smyth["class"]
    assert any(a["text"].startswith(" and Bob") and a["href"].endswith("claim/L005-staff/index.html")
               for a in highlighted)
    entities = {a["text"]: a["href"] for a in reader.links if "/id/person/" in a.get("href", "")}
    assert entities["Alice Smith"] == "../../id/person/alice-smith/index.html"
    for link in reader.links:
        if link["tag"] == "a" and not link["href"].startswith("#"):
            assert (site / "source" / "mini" / link["href"].split("#")[0]).resolve().is_file(), link["href"]


def test_segments_cut_overlapping_quotes() -> None:
    text = "Alice Smyth and Bob Jones led."
    spans = [(0, len(text), "outer", "o"), (0, 11, "inner", "i")]
    assert [(s.text, s.href, s.depth) for s in segments(text, spans)] == [
        ("Alice Smyth", "inner", 2), (" and Bob Jones led.", "outer", 1)]
    assert find_quote("Bob  Jones", "Alice and Bob Jones") == (10, 19)  # runs of spaces may differ
    assert find_quote("Carol", "Alice and Bob") is None


def test_an_entity_page_links_back_to_its_passages(site: Path) -> None:
    page = site / "id" / "person" / "alice-smith" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert "<h2>Mentioned in the source</h2>" in text
    hrefs = [a.get("href") for a in parse(page).links]
    assert "../../../source/mini/index.html#L003" in hrefs and "../../../source/mini/index.html#L005" in hrefs
    passage_page = parse(site / "id" / "source" / "mini" / "L003" / "index.html")
    assert any(a.get("href") == "../../../../source/mini/index.html#L003" for a in passage_page.links)


def test_timeline_says_dates_in_words(site: Path) -> None:
    text = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert '<span class="when">about 1923</span>' in text
    assert "1923~" not in text and "EDTF" not in text
    assert 'href="../id/organization/widget-works/index.html"' in text
    assert 'href="../source/mini/index.html#L003"' in text  # the quote the date rests on


def test_timeline_order_reads_uncertain_dates() -> None:
    codes = ["1922", "1921-22", "192X", "..1921-12-31", "1921-04-05", "1921~", "[1921,1922]"]
    assert sorted(codes, key=sort_key) == ["192X", "1921~", "[1921,1922]", "1921-04-05", "1921-22",
                                           "..1921-12-31", "1922"]


def test_query_catalogue_shows_question_sparql_and_results(site: Path) -> None:
    text = (site / "queries" / "index.html").read_text(encoding="utf-8")
    assert "Who founded Widget Works?" in text and "kz:foundedBy ?founder" in text
    assert '<a href="../id/person/alice-smith/index.html">Alice Smith</a>' in text
    assert "1 row" in text


def test_text_from_the_data_stays_text(site: Path) -> None:
    for page in [*PAGES, "id/person/bob-jones/index.html", "id/organization/widget-works/index.html"]:
        text = (site / page).read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
    assert "Bob &lt;script&gt;alert(1)&lt;/script&gt; Jones" in (site / "browse/person/index.html").read_text()


def test_links_resolve_and_nothing_points_outside(site: Path) -> None:
    for page in PAGES:
        for link in parse(site / page).links:
            url = link.get("href") or link.get("src") or ""
            assert not urlsplit(url).scheme or url.startswith("data:"), (page, url)
            if url.startswith(("data:", "#")):
                continue
            path, _, fragment = url.partition("#")
            target = (site / page).parent / path
            assert target.is_file(), (page, url)
            if fragment:
                assert fragment in parse(target).ids, (page, url)


@pytest.mark.server
def test_kuzbass_serve_serves_the_site(settings: Settings) -> None:
    with running(settings, ServeOptions(port=0, workers=1, timeout=10)) as base:
        status, headers, body = fetch(f"{base}/")
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8" and b"Ways in" in body
        assert fetch(f"{base}/", headers={"If-None-Match": headers["etag"]})[0] == 304
        assert fetch(f"{base}/index.html")[2] == body
        for page in PAGES[1:]:
            assert fetch(f"{base}/{page}")[0] == 200, page
        status, headers, _ = fetch(f"{base}/source/mini/")
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert fetch(f"{base}/assets/site.css")[1]["content-type"].startswith("text/css")
        for unsafe in ("/.htaccess", "/source/../../store/", "/source/%2e%2e/%2e%2e/build-report.json",
                       "/nothing-here/"):
            assert fetch(f"{base}{unsafe}")[0] == 404, unsafe
        status, headers, body = fetch(f"{base}/sparql", headers={"Accept": "text/html"})
        assert status == 200 and b"yasgui.min.js" in body


@pytest.mark.slow
def test_the_real_site_highlights_every_quote_quickly(real: Outcome, tmp_path: Path) -> None:
    site = tmp_path / "site"
    started = time.perf_counter()
    seconds = write_site(real.compiled.store, site, queries=tmp_path / "no-queries", counts=real.compiled.counts)
    assert time.perf_counter() - started < 5, seconds  # the catalogue apart (it overlaps the build)
    graph = read_graph(real.compiled.store)
    passages = {p.iri: p.text for p in graph.passages}
    unlocated = [c.iri for c in graph.claims.values() if find_quote(c.quote, passages.get(c.passage, "")) is None]
    assert unlocated == []
    reader = parse(site / "source" / "aic-kuzbass" / "index.html")
    claims = {a["href"] for a in reader.links if a.get("class", "").startswith("q")}
    assert len(claims) >= 0.9 * len(graph.claims)  # nested quotes inside others may be covered entirely
    assert (site / "browse" / "person" / "index.html").is_file() and (site / "timeline" / "index.html").is_file()


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    with running(settings, ServeOptions(port=0, workers=1, timeout=10)) as base:
        yield base


@pytest.mark.browser
@pytest.mark.server
def test_each_page_kind_loads_offline_from_files_and_from_the_server(site: Path, served: str) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (apt-get install chromium)"
    file_base = site.as_uri()
    problems: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for base in (file_base, served):
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.on("request", lambda r, b=base: outside.append(r.url)
                    if not r.url.startswith((b, "data:")) else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            for name in [*PAGES, "id/person/alice-smith/index.html"]:
                response = page.goto(f"{base}/{name}")
                assert response is not None and response.ok, name
                assert page.locator("header.site").count() == 1, name
            page.goto(f"{base}/source/mini/index.html")
            highlight = page.locator("a.q", has_text="Widget Works was founded")
            assert highlight.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
            highlight.click()
            page.wait_for_selector("h1")
            assert "claim/L003-widget-works-founded" in page.url
            page.goto(f"{base}/id/person/alice-smith/index.html")
            page.click("section.mentions a:text('line 3')")
            assert page.url.endswith("source/mini/index.html#L003")
            page.close()
        browser.close()
    assert problems == [] and outside == []
