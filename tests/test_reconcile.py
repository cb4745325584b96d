"""kuzbass reconcile: candidates from a Wikidata-shaped endpoint (a local Oxigraph server loaded with a
synthetic fixture; the Q-numbers are made up), scoring, the review table, and accepted links."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kuzbass_graph.cli import app
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import InputError
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.reconcile import read_accepted
from kuzbass_graph.validation import Check
from tests.engines import oxigraph_server
from tests.fixture_project import ALICE, TOWN, WIDGET_WORKS

pytestmark = pytest.mark.server
runner = CliRunner()

# Synthetic items, shaped like Wikidata's (rdfs:label, skos:altLabel, schema:description, wdt:P31/P569/P570/P625).
SYNTHETIC_WIKIDATA = """
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
wd:Q900000001 rdfs:label "Alice Smith"@en ; schema:description "synthetic test person, right era"@en ;
    wdt:P31 wd:Q5 ; wdt:P569 "1890-01-01T00:00:00Z"^^xsd:dateTime ; wdt:P570 "1960-01-01T00:00:00Z"^^xsd:dateTime .
wd:Q900000002 rdfs:label "Alice Smith"@en ; schema:description "synthetic test person, born too late"@en ;
    wdt:P31 wd:Q5 ; wdt:P569 "1990-01-01T00:00:00Z"^^xsd:dateTime .
wd:Q900000003 rdfs:label "Alice S."@en ; skos:altLabel "Alice Smyth"@en ; wdt:P31 wd:Q5 ;
    schema:description "synthetic test person known by an alias"@en .
wd:Q900000004 rdfs:label "Testtown"@en ; schema:description "synthetic test settlement"@en ;
    wdt:P31 wd:Q900000100 ; wdt:P625 "Point(1 2)" .
wd:Q900000005 rdfs:label "Widget Works"@en ; schema:description "synthetic test company"@en ; wdt:P31 wd:Q900000101 .
wd:Q900000006 rdfs:label "Testtown"@en ; schema:description "synthetic test person named like the town"@en ;
    wdt:P31 wd:Q5 .
"""


@pytest.fixture
def wikidata(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = ox.Store(str(tmp_path / "wikidata"))
    store.load(SYNTHETIC_WIKIDATA.encode(), format=ox.RdfFormat.TURTLE)
    store.flush()
    del store
    with oxigraph_server(tmp_path / "wikidata", read_only=True) as base:
        yield f"{base}/query"


def run(settings: Settings, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["reconcile", *args, "--root", str(settings.root), "--dataset", str(settings.out)])
    return result.exit_code, result.output


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_review_table_scores_candidates_by_name_type_and_dates(settings: Settings, wikidata: str,
                                                              tmp_path: Path) -> None:
    build_project(settings, skip=frozenset({Check.REASONER}))
    review = tmp_path / "review.csv"
    code, output = run(settings, "wikidata", "--endpoint", wikidata, "--out", str(review), "--pause", "0",
                       "--min-score", "0")
    assert code == 0, output
    rows = read(review)
    best = {r["entity"]: max((x for x in rows if x["entity"] == r["entity"]), key=lambda x: float(x["score"]))
            for r in rows}
    assert best[ALICE]["candidate"].endswith("Q900000001")
    assert best[ALICE]["score"] == "1.00"
    late = next(r for r in rows if r["candidate"].endswith("Q900000002"))
    assert float(late["score"]) < 0.5 and "not alive during 1921-1927" in late["reasons"]
    alias = next(r for r in rows if r["candidate"].endswith("Q900000003"))
    assert "alias" in alias["reasons"]
    assert best[TOWN]["candidate"].endswith("Q900000004") and "has coordinates" in best[TOWN]["reasons"]
    town_person = next(r for r in rows if r["candidate"].endswith("Q900000006"))
    assert float(town_person["score"]) < float(best[TOWN]["score"])
    assert best[WIDGET_WORKS]["candidate"].endswith("Q900000005")
    assert {r["service"] for r in rows} == {wikidata}


def test_accepted_rows_become_validated_links_with_provenance(settings: Settings, wikidata: str,
                                                              tmp_path: Path) -> None:
    build_project(settings, skip=frozenset({Check.REASONER}))
    review = tmp_path / "review.csv"
    assert run(settings, "wikidata", "--endpoint", wikidata, "--out", str(review), "--pause", "0")[0] == 0
    rows = read(review)
    for row in rows:
        row["accept"] = "yes" if row["candidate"].endswith(("Q900000001", "Q900000004")) else ""
    with review.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, output = run(settings, "accept", str(review), "--by", "a test")
    assert code == 0, output
    links = settings.root / "data" / "links" / "wikidata.trig"
    assert links.is_file()
    build_project(settings, skip=frozenset({Check.REASONER}))  # validates, shapes included
    store = ox.Store()
    store.load(path=str(settings.out / "kuzbass.nq"), format=ox.RdfFormat.N_QUADS)
    query = """PREFIX kz: <https://w3id.org/kuzbass/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?entity ?item ?score ?service WHERE {
          ?entity skos:exactMatch ?item .
          ?st rdf:subject ?entity ; rdf:predicate skos:exactMatch ; rdf:object ?item ; kz:citation ?link .
          ?link kz:score ?score ; prov:wasGeneratedBy/kz:service ?service }"""
    found = {(r["entity"].value, r["item"].value.rsplit("/", 1)[-1], r["service"].value)
             for r in store.query(query, use_default_graph_as_union=True)}
    assert found == {(ALICE, "Q900000001", wikidata), (TOWN, "Q900000004", wikidata)}


def test_edited_identifier_columns_are_refused(tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    review.write_text("entity,entity_label,kind,candidate,candidate_label,description,score,reasons,service,"
                      "run_started,accept\n"
                      f"{ALICE},Alice,person,https://example.org/Q1,x,,0.9,,http://x,2026-01-01T00:00:00Z,yes\n")
    with pytest.raises(InputError, match="row 2"):
        read_accepted(review)
