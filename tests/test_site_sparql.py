"""SPARQL without a server (kuzbass_graph/site/sparql.py): the page's scripts are what the build and the
vendored package say; in headless Chromium, from file:// and from `kuzbass serve` (under its CSP), a
catalogue query gives the rows the server's endpoint gives, nothing leaves the machine, nothing logs an
error, and markup in a label stays text."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import time
import urllib.parse
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kuzbass_graph.config import Settings
from kuzbass_graph.errors import KuzbassError
from kuzbass_graph.namespaces import PREFIXES
from kuzbass_graph.pipeline import Outcome, build_project
from kuzbass_graph.server import ServeOptions, running
from kuzbass_graph.site.sparql import DUMP, classic_script, write_sparql
from kuzbass_graph.validation import Check
from tests.browsing import SCREENSHOTS, chromium_page, unresolved_links, wait_until
from tests.fixture_project import CURATED, ROOT, make_project
from tests.serving import fetch

SCRIPT_LABEL = "Bob <script>alert(1)</script> Jones"
PEOPLE = ("# title: People\n# description: Every person and their label.\n# question: Who is in the graph?\n"
          "SELECT ?person ?label WHERE { ?person a kz:Person ; rdfs:label ?label } ORDER BY ?label\n")
VENDOR = resources.files("kuzbass_graph.site") / "static" / "vendor" / "oxigraph"
READY = "window.kuzbassSparql && (window.kuzbassSparql.ready || window.kuzbassSparql.error)"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The tiny project with a label holding markup and a catalogue query using the predeclared prefixes."""
    root = make_project(tmp_path_factory.mktemp("sparql") / "project",
                        curated=CURATED.replace('rdfs:label "Bob Jones"@en', f'rdfs:label "{SCRIPT_LABEL}"@en'))
    (root / "queries").mkdir()
    (root / "queries" / "people.rq").write_text(PEOPLE, encoding="utf-8")
    settings = Settings.load(root=root, out=root / "dist")
    build_project(settings, skip=frozenset({Check.REASONER, Check.PROFILE}))
    return settings


@pytest.fixture(scope="module")
def site(settings: Settings) -> Path:
    return settings.out / "current" / "site"


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    with running(settings, ServeOptions(port=0, workers=1, timeout=10)) as base:
        yield base


def test_the_vendored_module_is_the_packages_file() -> None:
    version = VENDOR.joinpath("VERSION").read_text(encoding="utf-8")
    assert "oxigraph 0.5.11" in version and "MIT OR Apache-2.0" in version
    wasm = gzip.decompress(VENDOR.joinpath("web_bg.wasm.gz").read_bytes())
    assert hashlib.sha256(wasm).hexdigest() in version
    assert hashlib.sha256(VENDOR.joinpath("web.js").read_bytes()).hexdigest() in version
    assert "Permission is hereby granted" in VENDOR.joinpath("LICENSE-MIT").read_text(encoding="utf-8")


def test_the_module_becomes_a_classic_script() -> None:
    script = classic_script(VENDOR.joinpath("web.js").read_text(encoding="utf-8"))
    assert "import.meta" not in script and not re.search(r"^(export|import) ", script, flags=re.MULTILINE)
    assert "window.oxigraph = { BlankNode," in script and "Store," in script and "init: __wbg_init" in script
    with pytest.raises(KuzbassError):
        classic_script("export class Store {}\n")


def test_the_page_carries_the_builds_dump_and_catalogue(settings: Settings, site: Path) -> None:
    assets = site / "assets" / "sparql"
    data = (assets / "data.js").read_text(encoding="ascii")
    packed = re.search(r'"gzip": "([A-Za-z0-9+/=]+)"', data)
    assert packed and base64.b64decode(packed.group(1)) == (settings.out / "current" / DUMP).read_bytes()
    catalogue = (assets / "catalogue.js").read_text(encoding="utf-8")
    listed = json.loads(catalogue.split("window.KUZBASS_CATALOGUE = ", 1)[1].rstrip().rstrip(";"))
    assert [q["name"] for q in listed["queries"]] == ["people"] and listed["prefixes"] == PREFIXES
    html = (site / "sparql" / "index.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<script>" not in html
    assert unresolved_links(site / "sparql" / "index.html") == []
    for name in ("yasgui/yasgui.min.js", "yasgui/LICENSE.txt", "oxigraph/oxigraph.js", "oxigraph/oxigraph-wasm.js",
                 "oxigraph/LICENSE-MIT.txt", "oxigraph/VERSION.txt"):
        assert (assets / name).is_file(), name


def _rows(answer: dict[str, Any]) -> list[tuple[tuple[str, str] | None, ...]]:
    names = answer["head"]["vars"]
    return [tuple((b[n]["type"], b[n]["value"]) if n in b else None for n in names)
            for b in answer["results"]["bindings"]]


def _servers_answer(base: str, query: str) -> dict[str, Any]:
    status, _, body = fetch(f"{base}/sparql?" + urllib.parse.urlencode({"query": query}),
                            headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return json.loads(body)


def _run_in_page(page: Any, name: str) -> dict[str, Any]:
    wait_until(page, READY)
    assert page.evaluate("window.kuzbassSparql.error") is None
    page.click(f"#catalogue button[data-name='{name}']")
    wait_until(page, f"window.kuzbassSparql.last && window.kuzbassSparql.last.name === '{name}'")
    last = page.evaluate("window.kuzbassSparql.last")
    assert "error" not in last, last
    return json.loads(last["data"])


@pytest.mark.browser
@pytest.mark.server
def test_a_catalogue_query_gives_the_servers_rows_from_file_and_from_the_server(site: Path, served: str) -> None:
    expected = _servers_answer(served, PEOPLE)
    assert len(expected["results"]["bindings"]) == 2
    for base in (site.as_uri(), served):
        with chromium_page(base) as w:
            w.page.goto(f"{base}/sparql/index.html")
            answer = _run_in_page(w.page, "people")
            assert answer["head"] == expected["head"] and _rows(answer) == _rows(expected)
            table = w.page.locator("#yasr table.dataTable tbody tr")
            table.first.wait_for()
            shown = [row.locator("td").all_inner_texts() for row in table.all()]
            labels = [r[-1].strip() for r in shown]
            assert labels == [b["label"]["value"] for b in expected["results"]["bindings"]], shown
            assert SCRIPT_LABEL in labels and w.page.locator("#yasr td script").count() == 0
            alice = w.page.locator("#yasr td a", has_text="alice-smith")
            assert alice.get_attribute("href") == "../id/person/alice-smith/index.html"  # the page here, not the web
            w.page.fill("#catalogue-filter", "nobody asks this")
            assert w.page.locator("#catalogue li:not([hidden])").count() == 0
            w.page.fill("#catalogue-filter", "who is in")
            shown = w.page.locator("#catalogue li:not([hidden]) button").all_inner_texts()
            assert shown == ["People\nWho is in the graph?"]
            w.page.goto(f"{base}/queries/index.html")
            w.page.click("a[href='../sparql/index.html#q-people']")  # the catalogue page's link runs it here
            wait_until(w.page, "window.kuzbassSparql && window.kuzbassSparql.last")
            assert w.page.evaluate("window.kuzbassSparql.last.name") == "people"
        assert w.dialogs == [] and w.outside == [] and w.problems == [], base


@pytest.mark.browser
@pytest.mark.server
def test_free_queries_run_and_updates_are_refused(site: Path) -> None:
    with chromium_page(site.as_uri()) as w:
        w.page.goto((site / "sparql" / "index.html").as_uri())
        wait_until(w.page, READY)
        for query, expect in (("ASK { ?s rdfs:label ?l }", '"boolean":true'),
                              ("CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a kz:Person ; rdfs:label ?l }", "Alice")):
            w.page.evaluate("q => window.kuzbassSparql.editor.setValue(q)", query)
            last = w.page.evaluate("window.kuzbassSparql.runEditor()")
            assert "error" not in last and expect in last["data"], last
        w.page.evaluate("window.kuzbassSparql.editor.setValue('INSERT DATA { <urn:a> <urn:b> <urn:c> }')")
        last = w.page.evaluate("window.kuzbassSparql.runEditor()")
        assert "read-only" in last["error"]
        markup = 'SELECT * WHERE { BIND("<img src=x onerror=alert(1)>" AS ?x) }'
        w.page.evaluate("q => window.kuzbassSparql.editor.setValue(q)", markup)
        w.page.evaluate("window.kuzbassSparql.runEditor()")
        assert w.page.locator("#yasr td", has_text="<img src=x onerror=alert(1)>").count() == 1
        assert w.page.locator("#yasr td img").count() == 0
    assert w.outside == [] and w.problems == [] and w.dialogs == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_real_graph_runs_a_catalogue_query_in_the_browser(real: Outcome, tmp_path: Path) -> None:
    """The whole real dataset in the page from file://, the same rows as the store the server opens."""
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    for package, name in (("kuzbass_graph.publishing", "page.css"), ("kuzbass_graph.site", "site.css")):
        (site / "assets" / name).write_bytes((resources.files(package) / "static" / name).read_bytes())
    dump = tmp_path / DUMP
    dump.write_bytes(gzip.compress(ox.serialize(real.compiled.store, format=ox.RdfFormat.TRIG) or b"", mtime=0))
    started = time.perf_counter()
    write_sparql(site, dump=dump, queries=ROOT / "queries")
    written = time.perf_counter() - started
    name = "people-posts-held"
    query = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    result = real.compiled.store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    expected = json.loads(result.serialize(format=ox.QueryResultsFormat.JSON) or b"{}")
    with chromium_page(site.as_uri()) as w:
        started = time.perf_counter()
        w.page.goto((site / "sparql" / "index.html").as_uri())
        wait_until(w.page, READY)
        ready = time.perf_counter() - started
        timings = w.page.evaluate("window.kuzbassSparql.timings")
        answer = _run_in_page(w.page, name)
        assert _rows(answer) == _rows(expected) and len(_rows(expected)) > 10
        w.page.locator("#yasr table.dataTable tbody tr").first.wait_for()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        w.page.screenshot(path=str(SCREENSHOTS / "sparql-1280.png"))
        w.page.set_viewport_size({"width": 390, "height": 844})
        w.page.screenshot(path=str(SCREENSHOTS / "sparql-390.png"))
    print(f"sparql: written in {written:.2f} s, ready in Chromium in {ready:.2f} s ({timings})")
    assert w.outside == [] and w.problems == []


@pytest.mark.server
def test_only_the_sparql_page_may_compile_webassembly(served: str) -> None:
    """Without 'wasm-unsafe-eval' Chromium refuses WebAssembly.instantiate() under script-src 'self'."""
    for path in ("/sparql/", "/sparql/index.html"):
        status, headers, _ = fetch(served + path)
        assert status == 200 and "script-src 'self' 'wasm-unsafe-eval';" in headers["content-security-policy"]
    for path in ("/search/", "/index.html", "/queries/"):
        status, headers, _ = fetch(served + path)
        assert status == 200 and "script-src 'self';" in headers["content-security-policy"], path
