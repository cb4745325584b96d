"""The network pages (kuzbass_graph.site.network): data, escaping, offline references, and in Chromium the
drawn canvas, search by variant, the side panel's quotes, the year slider, from file:// and `kuzbass serve`.

Set KUZBASS_SCREENSHOTS=1 to write the screenshots of docs/screenshots/network-*.png from the real build.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kuzbass_graph.analysis.dataset import Citation, Entity
from kuzbass_graph.analysis.intervals import UNDATED, Interval
from kuzbass_graph.analysis.projections import Part
from kuzbass_graph.config import Settings
from kuzbass_graph.namespaces import ID, KZ
from kuzbass_graph.site.network import (
    NetworkInput,
    NetworkSite,
    Viewer,
    ego_nodes,
    interval_words,
    script,
    synthetic,
    within_two_links,
    years_code,
)
from tests.fixture_project import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
EVIL = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
REMOTE = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)


def _part(relation: str, interval: Interval, source: str = "a", target: str = "b") -> Part:
    return Part(relation, interval, ("c1",), (), (), source, target)


def test_years_code_says_certain_possible_or_absent_per_year() -> None:
    year_1922 = Interval.point(dt.date(1922, 1, 1), dt.date(1922, 12, 31))
    from_1923 = Interval(dt.date(1923, 1, 1), dt.date(1923, 12, 31), None, None)
    assert years_code([_part("led", year_1922)]) == "---c-----"
    assert years_code([_part("led", from_1923)]) == "----uuuuu"  # no known end: possible, never certain
    assert years_code([_part("led", year_1922), _part("about", from_1923)]) == "---cuuuuu"
    assert years_code([_part("led", UNDATED)]) is None


def test_intervals_in_words() -> None:
    assert interval_words(UNDATED) == "undated"
    assert interval_words(Interval.point(dt.date(1922, 7, 9), dt.date(1922, 7, 9))) == "9 July 1922"
    assert interval_words(Interval.point(dt.date(1922, 7, 1), dt.date(1922, 7, 31))) == "July 1922"
    assert interval_words(Interval.point(dt.date(1922, 1, 1), dt.date(1923, 12, 31))) == "between 1922 and 1923"
    assert interval_words(Interval(dt.date(1922, 1, 1), dt.date(1922, 12, 31), dt.date(1926, 1, 1),
                                   dt.date(1926, 12, 31))) == "from 1922 to 1926"
    assert interval_words(Interval(dt.date(1923, 1, 1), dt.date(1923, 12, 31), None, None)) == "from 1923"


def test_ego_network_takes_every_neighbour_first_then_the_most_central() -> None:
    g = nx.Graph([("e", "n1"), ("e", "n2"), ("n1", "far1"), ("n2", "far2"), ("far1", "farther")])
    centrality = {"far2": 0.9, "far1": 0.1}
    assert ego_nodes(g, "e", centrality, limit=10) == ["e", "n1", "n2", "far2", "far1"]
    assert ego_nodes(g, "e", centrality, limit=4) == ["e", "n1", "n2", "far2"]


def test_ego_networks_near_hubs_read_only_the_most_central_neighbours_and_choose_the_same() -> None:
    rng = random.Random(3)
    g = nx.barabasi_albert_graph(600, 2, seed=3)  # a few hubs of high degree, as shared places and roles are
    g = nx.relabel_nodes(g, {n: f"v{n}" for n in g})
    centrality = {n: rng.random() for n in g}

    def every_vertex_two_links_away(node: str, limit: int) -> list[str]:
        first = sorted(g[node], key=lambda n: (-1.0, -centrality[n], n))[:limit - 1]
        chosen = [node, *first]
        second = sorted({m for n in first for m in g[n]} - set(chosen), key=lambda n: (-centrality[n], n))
        return chosen + second[:max(0, limit - len(chosen))]

    shared: dict[str, list[str]] = {}
    for node in sorted(g)[:200]:
        for limit in (5, 12, 50):
            assert ego_nodes(g, node, centrality, limit=limit, by_centrality=shared) == \
                every_vertex_two_links_away(node, limit)
    hub = max(g, key=g.degree)
    assert within_two_links(g, hub, cap=10) is None
    assert within_two_links(g, "v599", cap=10_000) == len({"v599", *g["v599"], *(m for n in g["v599"] for m in g[n])})


def _tiny() -> NetworkInput:
    a, b, c = (f"{ID}person/{x}" for x in ("alice", "bob", "carol"))
    entities = {a: Entity(a, EVIL, "Person", frozenset({KZ + "Person"}), ("Alicia",)),
                b: Entity(b, "Bob", "Organization", frozenset({KZ + "Organization"})),
                c: Entity(c, "Carol", "Place", frozenset({KZ + "Place"}))}
    g = nx.Graph()
    g.add_nodes_from(sorted(entities))
    for u, v, claim in ((a, b, "q1"), (b, c, "q2")):
        part = Part("led", UNDATED, (f"{ID}claim/{claim}",), (), (), u, v)
        g.add_edge(u, v, parts=(part,), weight=1.0)
    claims = {f"{ID}claim/q{i}": Citation(f"{ID}claim/q{i}", f"quote {i} {EVIL}", i) for i in (1, 2)}
    return NetworkInput(g, entities, {a: 0.5, b: 0.3, c: 0.2}, [sorted(entities)], claims, {"led": "led"})


def test_the_panel_carries_classes_variants_and_quotes() -> None:
    doc = Viewer(_tiny()).draw(sorted(_tiny().graph), title="t", focus=f"{ID}person/alice").panel
    nodes = {n["id"]: n for n in doc["nodes"]}  # type: ignore[attr-defined]
    assert nodes["person/alice"]["v"] == ["Alicia"] and nodes["person/alice"]["label"] == EVIL
    assert doc["focus"] == "person/alice"
    assert [q[2:] for q in doc["quotes"]] == [["claim/q1", None], ["claim/q2", None]]  # type: ignore[attr-defined]
    assert all(e["y"] is None for e in doc["edges"])  # type: ignore[attr-defined]


def test_vis_network_gets_its_nodes_edges_and_options_from_pyvis() -> None:
    from pyvis.network import Network

    drawing = Viewer(_tiny()).draw(sorted(_tiny().graph), title="t", focus=f"{ID}person/bob")
    net = drawing.network
    assert isinstance(net, Network)
    nodes, edges, _, _, _, options = net.get_network_data()
    # the same order as the panel's rows: alice, bob, carol; bob (the focus) in the middle with a thick border
    assert [n["id"] for n in nodes] == [0, 1, 2]
    assert [(n["label"], n["shape"], n["group"]) for n in nodes] == [
        (EVIL, "dot", "Person"), ("Bob", "square", "Organization"), ("Carol", "diamond", "Place")]
    assert (nodes[1]["x"], nodes[1]["y"], nodes[1]["borderWidth"]) == (0.0, 0.0, 4)
    assert nodes[0]["title"] == EVIL + " (Person)" and "borderWidth" not in nodes[0]
    assert [(e["id"], e["from"], e["to"], e["arrows"], e["dashes"]) for e in edges] == [
        (0, 0, 1, "", [2, 4]), (1, 1, 2, "", [2, 4])]  # undated: dotted
    assert edges[0]["color"] == "rgba(31,119,180,0.75)"  # the relation's colour, translucent
    assert edges[0]["title"] == f"{EVIL} — led — Bob"
    vis = json.loads(options)
    assert vis["physics"] == {"enabled": False} and vis["layout"]["improvedLayout"] is False
    assert vis["groups"]["Person"]["color"]["background"] == "#e15759"
    assert set(vis["groups"]) == {"Person", "Organization", "Place"}  # the classes drawn


def test_a_large_network_labels_only_its_largest_nodes() -> None:
    data = synthetic(1600)
    nodes = Viewer(data).draw(sorted(data.graph), title="t",
                              positions={n: (0.0, 0.0) for n in data.graph}).network.nodes
    labelled = [n for n in nodes if "label" in n]
    assert 380 <= len(labelled) <= 400 and all(isinstance(n["label"], str) for n in labelled)
    assert all("size" in n and "value" not in n for n in nodes)
    assert min(n["size"] for n in labelled) >= max(n["size"] for n in nodes if "label" not in n)


def test_data_cannot_become_markup() -> None:
    drawing = Viewer(_tiny()).draw(sorted(_tiny().graph), title=EVIL + "</script>&\u2028",
                                   focus=f"{ID}person/alice")
    text = script(drawing)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert text.startswith("window.KZ_NETWORK = {") and "\nwindow.KZ_VIS = {" in text and text.endswith("};\n")
    assert text.count("\\u003cscript") >= 3  # the label in the panel, in vis-network's label and tooltip


def test_a_page_is_pyvis_generate_html_with_the_data_as_json_blocks(tmp_path: Path) -> None:
    NetworkSite(_tiny()).write(tmp_path)
    html = (tmp_path / "network" / "index.html").read_text(encoding="utf-8")
    blocks = dict(re.findall(r'<script type="application/json" id="([a-z-]+)">(.*?)</script>', html, re.S))
    assert set(blocks) == {"kz-vis-data", "kz-panel-data"}
    vis, panel = json.loads(blocks["kz-vis-data"]), json.loads(blocks["kz-panel-data"])
    assert [n["label"] for n in vis["nodes"]] == [n["label"] for n in panel["nodes"]] == [EVIL, "Bob", "Carol"]
    assert vis["options"]["physics"] == {"enabled": False} and len(vis["edges"]) == 2
    assert "<script>" not in html and "<img" not in html  # the label is in the page as text only
    assert html.count("<script") == 4 and 'src="../assets/vendor/vis-network/vis-network.min.js"' in html
    assert "pyvis 0.3.2" in html and "bootstrap" not in html and "lib/" not in html


def test_a_network_site_written_alone_has_every_file_its_pages_load(tmp_path: Path) -> None:
    NetworkSite(synthetic(30)).write(tmp_path)
    for page in (tmp_path / "network").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        refs = re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', text)
        assert {"../assets/page.css", "../assets/site.css", "../assets/network/network.css"} <= set(refs), page
        for ref in refs:
            assert (page.parent / ref).resolve().is_file(), (page, ref)
    assert (tmp_path / "assets" / "site.css").read_text(encoding="utf-8").count("header.site nav") >= 1


def test_written_pages_reference_nothing_remote(tmp_path: Path) -> None:
    site = NetworkSite(_tiny())
    assert site.ego_folders == {"id/person/alice", "id/person/bob", "id/person/carol"}
    site.write(tmp_path)
    html = list(tmp_path.rglob("*.html"))
    assert {p.relative_to(tmp_path).as_posix() for p in html} == {"network/index.html", "network/community-1.html"}
    for path in html + list(tmp_path.rglob("*.css")):
        text = path.read_text(encoding="utf-8")
        assert not REMOTE.search(text), path
        assert "http://" not in text and "https://" not in text, path
    for path in tmp_path.rglob("*.js"):
        if "vendor" not in path.parts:
            assert "<script" not in path.read_text(encoding="utf-8"), path
    assert (tmp_path / "id/person/alice/network-data.js").is_file()
    vendor = tmp_path / "assets/vendor/vis-network"
    assert {p.name for p in vendor.iterdir()} >= {"vis-network.min.js", "LICENSE-MIT", "LICENSE-APACHE-2.0", "VERSION"}
    assert "9.1.9" in (vendor / "VERSION").read_text()


def test_the_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    for name in ("one", "two"):
        NetworkSite(synthetic(60)).write(tmp_path / name)
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert one == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert all((tmp_path / "one" / p).read_bytes() == (tmp_path / "two" / p).read_bytes() for p in one)


# --- in Chromium --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The real graph built once (no reasoner), served by `kuzbass serve`: (site folder, server URL)."""
    from kuzbass_graph.pipeline import build_project
    from kuzbass_graph.server import ServeOptions, running
    from kuzbass_graph.validation import Check

    settings = Settings.load(root=ROOT, out=tmp_path_factory.mktemp("network") / "dist")
    build_project(settings, skip=frozenset({Check.REASONER}))
    with running(settings, ServeOptions(port=0, workers=1, timeout=10)) as base:
        yield (settings.out / "current" / "site").resolve(), base


class Browser:
    """One page in Chromium that records every request leaving `allowed` and every console error."""

    def __init__(self, playwright: Any, allowed: tuple[str, ...], width: int = 1280) -> None:
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        self.page = self.browser.new_page(viewport={"width": width, "height": 900})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.outside.append(r.url)
                     if not r.url.startswith((*allowed, "data:", "blob:")) else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, url: str) -> Any:
        self.page.goto(url)
        self.page.wait_for_selector(".kz-network[data-drawn=true]", timeout=20000)
        return self.page

    def close(self) -> None:
        self.browser.close()


def _ink(page: Any) -> int:
    """Pixels of the network canvas that are not background."""
    return page.evaluate("""() => { const c = document.querySelector('.kz-canvas canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) { if (d[i + 3] > 0 && (d[i] < 230 || d[i + 1] < 230)) n++; }
        return n; }""")


def _click_node(page: Any, node_id: str) -> None:
    """Click the node on the canvas where vis-network draws it (RECIPES: canvasToDOM + the container's offset)."""
    page.locator(".kz-canvas").scroll_into_view_if_needed()
    x, y = page.evaluate("""(id) => { const k = kzNetwork; const i = k.data.nodes.findIndex(n => n.id === id);
        const p = k.network.canvasToDOM(k.network.getPositions([i])[i]);
        const r = document.querySelector('.kz-canvas').getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; }""",
                         node_id)
    page.mouse.click(x, y)


def _set_year(page: Any, year: int) -> int:
    page.evaluate("""(y) => { const s = document.querySelector('.kz-year input[type=range]'); s.value = String(y);
        s.dispatchEvent(new Event('input')); }""", year)
    return int(page.get_attribute(".kz-network", "data-visible-edges"))


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("origin", ["file", "server"])
def test_whole_network_searches_variants_shows_quotes_and_years(real_site: tuple[Path, str], origin: str) -> None:
    from playwright.sync_api import sync_playwright

    site, base = real_site
    root = site.as_uri() if origin == "file" else base
    with sync_playwright() as p:
        b = Browser(p, ("file://",) if origin == "file" else (base,))
        page = b.open(f"{root}/network/index.html")
        assert _ink(page) > 5000  # the canvas is drawn
        page.fill(".kz-search input", "Haywood")
        assert "Bill Heywood" in page.inner_text(".kz-results")
        page.press(".kz-search input", "Enter")
        assert page.get_attribute(".kz-network", "data-selected") == "person/bill-heywood"
        assert page.inner_text(".kz-panel h2") == "Bill Heywood"
        assert page.evaluate("kzNetwork.network.getSelectedNodes().map(i => kzNetwork.data.nodes[i].id)") == [
            "person/bill-heywood"]
        page.click(".kz-close")
        _click_node(page, "person/bill-heywood")
        page.wait_for_selector(".kz-panel.open blockquote.quote")
        assert page.inner_text(".kz-panel h2") == "Bill Heywood"
        assert "Also written: Bill Haywood" in page.inner_text(".kz-panel")
        assert "line " in page.inner_text(".kz-panel blockquote.quote >> nth=0")
        every = int(page.get_attribute(".kz-network", "data-visible-edges"))
        in_1922, in_1926 = _set_year(page, 1922), _set_year(page, 1926)
        assert 0 < in_1922 < every and in_1926 != in_1922
        page.uncheck(".kz-undated input")
        assert int(page.get_attribute(".kz-network", "data-visible-edges")) < in_1926
        b.close()
    assert b.errors == []
    assert b.outside == []


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("origin", ["file", "server"])
def test_entity_page_draws_its_ego_network(real_site: tuple[Path, str], origin: str) -> None:
    from playwright.sync_api import sync_playwright

    site, base = real_site
    root = site.as_uri() if origin == "file" else base
    shots = os.environ.get("KUZBASS_SCREENSHOTS") == "1" and origin == "file"
    with sync_playwright() as p:
        for width in (1280, 390) if shots else (1280,):
            b = Browser(p, ("file://",) if origin == "file" else (base,), width=width)
            page = b.open(f"{root}/id/person/bill-heywood/index.html")
            assert _ink(page) > 2000
            assert page.evaluate("kzNetwork.data.focus") == "person/bill-heywood"
            _click_node(page, "person/bill-heywood")
            page.wait_for_selector(".kz-panel.open blockquote.quote")
            if shots:
                target = ROOT / "docs" / "screenshots"
                target.mkdir(parents=True, exist_ok=True)
                box = page.locator(".kz-canvas").bounding_box()
                page.mouse.move(box["x"] + 4, box["y"] + 4)  # onto an empty corner: no tooltip over the picture
                page.wait_for_selector(".vis-tooltip", state="hidden")
                page.locator(".ego-network").screenshot(path=str(target / f"network-ego-{width}.png"))
                page = b.open(f"{root}/network/index.html")
                page.screenshot(path=str(target / f"network-whole-{width}.png"))
            b.close()
            assert b.errors == []
            assert b.outside == []


@pytest.mark.browser
def test_a_label_with_markup_stays_text(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    NetworkSite(synthetic(40, labels={0: EVIL})).write(tmp_path)
    with sync_playwright() as p:
        b = Browser(p, ("file://",))
        page = b.open((tmp_path / "network" / "index.html").as_uri())
        page.fill(".kz-search input", "script")
        page.press(".kz-search input", "Enter")
        assert page.inner_text(".kz-panel h2") == EVIL
        assert page.evaluate("window.pwned") is None
        assert page.locator(".kz-panel img, .kz-panel script, .kz-results img").count() == 0
        page.hover(".kz-canvas")
        b.close()
    assert b.errors == []
    assert b.outside == []


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.slow
def test_real_pages_load_nothing_remote(real_site: tuple[Path, str]) -> None:
    site, _ = real_site
    pages = sorted((site / "network").glob("*.html"))
    assert len(pages) > 5
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path
    loads = re.compile(r"""<(?:script|img|iframe)[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
                       r"""|<link[^>]*\bhref\s*=\s*["']?(?:https?:)?//""", re.I)
    egos = sorted(site.glob("id/*/*/network-data.js"))
    assert len(egos) > 500
    for data in egos[::25]:
        page = (data.parent / "index.html").read_text(encoding="utf-8")
        assert 'src="network-data.js"' in page and not loads.search(page), data
    for css in (site / "assets" / "network").glob("*.css"):
        assert not REMOTE.search(css.read_text(encoding="utf-8"))


@pytest.mark.browser
def test_filters_and_years_change_what_is_drawn(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    NetworkSite(synthetic(120)).write(tmp_path)
    dashed = """() => kzNetwork.edges.get().filter(e => !e.hidden && Array.isArray(e.dashes)
        && e.dashes[0] === 8).length"""
    with sync_playwright() as p:
        b = Browser(p, ("file://",))
        page = b.open((tmp_path / "network" / "index.html").as_uri())
        every = int(page.get_attribute(".kz-network", "data-visible-edges"))
        assert page.evaluate(dashed) == 0  # all years: nothing is "possibly that year"
        _set_year(page, 1923)
        assert page.evaluate(dashed) > 0  # an edge that may have held in 1923 is dashed
        _set_year(page, 1918)  # the slider's left end: all years again
        assert int(page.get_attribute(".kz-network", "data-visible-edges")) == every
        page.click(".kz-filters summary")
        page.uncheck(".kz-classes input[data-class='0']")  # persons
        fewer = int(page.get_attribute(".kz-network", "data-visible-edges"))
        assert 0 < fewer < every
        page.click(".kz-relations .kz-all")  # every relation off
        assert int(page.get_attribute(".kz-network", "data-visible-edges")) == 0
        page.check(".kz-relations input[data-relation='led']")
        led = int(page.get_attribute(".kz-network", "data-visible-edges"))
        assert 0 < led < fewer
        page.locator(".kz-canvas").scroll_into_view_if_needed()
        first = page.evaluate("""() => { const n = kzNetwork.network, d = kzNetwork.data.edges; let best = -1, far = 0;
            kzNetwork.edges.get().filter(e => !e.hidden).forEach(e => {
              const p = n.getPositions([d[e.id].a, d[e.id].b]);
              const l = Math.hypot(p[d[e.id].a].x - p[d[e.id].b].x, p[d[e.id].a].y - p[d[e.id].b].y);
              if (l > far) { far = l; best = e.id; } }); return best; }""")  # the longest: its middle is clear
        x, y = page.evaluate("""(k) => { const n = kzNetwork.network, e = kzNetwork.data.edges[k];
            const p = n.getPositions([e.a, e.b]); const m = n.canvasToDOM({x: (p[e.a].x + p[e.b].x) / 2,
            y: (p[e.a].y + p[e.b].y) / 2}); const r = document.querySelector('.kz-canvas').getBoundingClientRect();
            return [r.x + m.x, r.y + m.y]; }""", first)
        page.mouse.click(x, y)
        page.wait_for_selector(".kz-panel.open blockquote.quote")
        assert " — " in page.inner_text(".kz-panel h2")
        b.close()
    assert b.errors == []
    assert b.outside == []
