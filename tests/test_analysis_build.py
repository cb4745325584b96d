"""`kuzbass build` runs the analysis: the analysis graph in the dumps and the store, analysis/ in the build."""

from __future__ import annotations

import json

import pyoxigraph as ox

from kuzbass_graph.config import Settings
from kuzbass_graph.namespaces import KZ
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.validation import Check
from tests.fixture_project import ALICE

ANALYSIS = "https://w3id.org/kuzbass/graph/analysis"


def test_build_carries_the_analysis(settings: Settings) -> None:
    build_project(settings, skip=frozenset({Check.REASONER}))
    out = settings.out
    assert (out / "analysis" / "report.html").is_file() and (out / "analysis" / "report.md").is_file()
    assert (out / "analysis" / "networks" / "entities.graphml").is_file()
    dump = ox.Store()
    dump.load(path=str((out / "kuzbass.nq").resolve()), format=ox.RdfFormat.N_QUADS)
    store = ox.Store.read_only(str((out / "store").resolve()))
    query = f"""PREFIX kz: <{KZ}> SELECT ?value WHERE {{ GRAPH <{ANALYSIS}> {{
        ?v kz:measuredEntity <{ALICE}> ; kz:metric kz:measure-degree ; kz:inNetwork kz:network-entities ;
           kz:metricValue ?value FILTER NOT EXISTS {{ ?v kz:snapshotYear ?y }} }} }}"""
    from_dump = [s["value"].value for s in dump.query(query)]
    assert from_dump and from_dump == [s["value"].value for s in store.query(query)]
    assert float(from_dump[0]) >= 1
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert report["seconds"]["analysis"] > 0 and "analysis files" in report["seconds"]


def test_a_different_base_iri_moves_the_analysis_graph_too(settings: Settings) -> None:
    base = "https://example.org/kz/"
    build_project(Settings(root=settings.root, out=settings.out, base_iri=base), skip=frozenset({Check.REASONER}))
    text = (settings.out / "analysis" / "analysis.nq").resolve().read_text(encoding="utf-8")
    assert "https://example.org/kz/id/analysis/run/" in text and "https://w3id.org/kuzbass/" not in text
