"""`kuzbass analyze` on the real graph: every output written, byte-identical from run to run, and the
analysis graph answering SPARQL with the same ranking as the CSV files."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kuzbass_graph.cli import app
from kuzbass_graph.namespaces import KZ
from kuzbass_graph.pipeline import Outcome
from tests.fixture_project import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analysed(real: Outcome, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    build = tmp_path_factory.mktemp("build")
    ox.serialize(real.compiled.store, output=str(build / "kuzbass.nq"), format=ox.RdfFormat.N_QUADS)
    first, second = build / "first", build / "second"
    for target in (first, second):
        result = CliRunner().invoke(app, ["analyze", "--dataset", str(build), "--out", str(target)])
        assert result.exit_code == 0, result.output
    return first, second


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_input_gives_the_same_bytes(analysed: tuple[Path, Path]) -> None:
    first, second = (_files(f) for f in analysed)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_every_output_is_written(analysed: tuple[Path, Path]) -> None:
    folder = analysed[0]
    files = _files(folder)
    for network in ("entities", "entities-events-folded", "person-organization", "person-person"):
        for suffix in (".graphml", ".gexf", "-edges.csv"):
            assert f"networks/{network}{suffix}" in files
        for measure in ("degree", "weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank",
                        "core_number", "constraint", "effective_size", "louvain", "leiden"):
            assert f"csv/{network}-{measure}.csv" in files
    html = files["report.html"].decode()
    images = re.findall(r'<img src="(figures/[^"]+\.png)"', html)
    assert len(images) == 5
    for image in images:
        stem = image[:-4]
        assert {f"{stem}.png", f"{stem}.svg", f"{stem}.csv"} <= files.keys()
    md = files["report.md"].decode()
    assert "networkx" in md and "leidenalg" in md and "seed" in md and "undated" in md
    assert b"lastmodifieddate" not in files["networks/entities.gexf"]


def test_graphml_carries_labels_measures_and_claims(analysed: tuple[Path, Path]) -> None:
    g = nx.read_graphml(analysed[0] / "networks" / "person-person.graphml")
    heywood = g.nodes["https://w3id.org/kuzbass/id/person/bill-heywood"]
    assert heywood["label"] == "Bill Heywood" and "Haywood" in heywood["variants"]
    assert heywood["class"] == "Person" and "betweenness" in heywood and "louvain" in heywood
    assert all(d["claims"].startswith("https://w3id.org/kuzbass/id/claim/") for _, _, d in g.edges(data=True))


def test_the_typed_multigraph_keeps_one_edge_per_relation(analysed: tuple[Path, Path]) -> None:
    g = nx.read_graphml(analysed[0] / "networks" / "entities-typed.graphml")
    assert g.is_directed() and g.is_multigraph()
    heywood = "https://w3id.org/kuzbass/id/person/bill-heywood"
    posts = [d for _, _, d in g.out_edges(heywood, data=True) if d["relation"] == "membership"]
    assert posts and all(d["via"].startswith("https://w3id.org/kuzbass/id/membership/") for d in posts)
    assert "representative" in {d["role"] for d in posts}


def test_yearly_measures_cover_1919_to_1927_with_changes(analysed: tuple[Path, Path]) -> None:
    with (analysed[0] / "csv" / "yearly-graph-measures.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["network"] == "entities" and r["measure"] == "nodes"]
    assert [int(r["year"]) for r in rows] == list(range(1919, 1928))
    assert rows[0]["change"] == "" and all(r["change"] != "" for r in rows[1:])
    assert float(rows[1]["change"]) == float(rows[1]["value"]) - float(rows[0]["value"])


def test_the_analysis_graph_ranks_people_like_the_csv(analysed: tuple[Path, Path]) -> None:
    store = ox.Store()
    store.load(path=str(analysed[0] / "analysis.nq"), format=ox.RdfFormat.N_QUADS)
    rows = list(store.query(f"""PREFIX kz: <{KZ}>
        SELECT ?person ?value WHERE {{ GRAPH <https://w3id.org/kuzbass/graph/analysis> {{
          ?v kz:metric kz:measure-betweenness ; kz:inNetwork kz:network-entities ; kz:measuredEntity ?person ;
             kz:metricValue ?value ; <http://www.w3.org/ns/prov#wasGeneratedBy> ?run .
          FILTER NOT EXISTS {{ ?v kz:snapshotYear ?year }}
          FILTER(STRSTARTS(STR(?person), "https://w3id.org/kuzbass/id/person/")) }} }}
        ORDER BY DESC(?value) ?person LIMIT 3"""))
    with (analysed[0] / "csv" / "entities-betweenness.csv").open(encoding="utf-8") as f:
        people = [r["entity"] for r in csv.DictReader(f) if r["class"] == "Person"][:3]
    assert [r["person"].value for r in rows] == people


def test_every_analysis_term_is_declared_in_the_ontology(analysed: tuple[Path, Path]) -> None:
    ontology = ox.Store()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        ontology.load(path=str(path), format=ox.RdfFormat.TURTLE)
    declared = {q.subject.value for q in ontology.quads_for_pattern(None, None, None, None)}
    used = set()
    for q in ox.parse(path=str(analysed[0] / "analysis.nq"), format=ox.RdfFormat.N_QUADS):
        used.add(q.predicate.value)
        if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(KZ):
            used.add(q.object.value)
    assert {t for t in used if t.startswith(KZ)} - declared == set()
    assert used & {KZ + "metric", KZ + "measuredEntity", KZ + "metricValue", KZ + "snapshotYear"} == {
        KZ + "metric", KZ + "measuredEntity", KZ + "metricValue", KZ + "snapshotYear"}


@pytest.mark.browser
def test_the_report_opens_in_chromium_with_its_figures(analysed: tuple[Path, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_browser import ARGS, CHROMIUM

    report = (analysed[0] / "report.html").resolve()
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate("Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert len(images) == 5 and all(width >= 600 for _, width in images), images
    assert all(url.startswith("file://") for url in requests)  # nothing from the network
    assert (tmp_path / "report.png").stat().st_size > 50_000
