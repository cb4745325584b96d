"""Compilation: materialized inferences and the provenance of every cited statement."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kuzbass_graph.build.units import statement_iri
from kuzbass_graph.compile import DATA_GRAPH, PROVENANCE_GRAPH, Compiled, compile_workspace
from kuzbass_graph.config import Settings
from kuzbass_graph.loader import load_workspace
from kuzbass_graph.namespaces import KZ
from kuzbass_graph.ontology import index_ontology
from tests.fixture_project import (
    ALICE,
    ALICE_HEAD,
    BOB,
    FOUNDING_CLAIM,
    PASSAGE_3,
    SPELLING_CLAIM,
    STAFF_CLAIM,
    WIDGET_WORKS,
    make_project,
)


@pytest.fixture
def compiled(settings: Settings) -> Compiled:
    ws = load_workspace(settings)
    return compile_workspace(ws, index_ontology(ws.store))


def has(compiled: Compiled, s: str, p: str, o: ox.NamedNode | ox.Literal | str,
        graph: ox.NamedNode = DATA_GRAPH) -> bool:
    obj = ox.NamedNode(o) if isinstance(o, str) else o
    return any(True for _ in compiled.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), obj, graph))


def values(compiled: Compiled, s: str, p: str, graph: ox.NamedNode = DATA_GRAPH) -> list[str]:
    quads = compiled.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, graph)
    return sorted(q.object.value for q in quads)


def test_inverses_and_symmetric_properties_are_materialized(compiled: Compiled) -> None:
    assert has(compiled, ALICE, KZ + "founded", WIDGET_WORKS)
    assert has(compiled, WIDGET_WORKS, KZ + "ledBy", BOB)
    assert has(compiled, ALICE, KZ + "holds", ALICE_HEAD)


def test_super_properties_and_classes_are_materialized(compiled: Compiled) -> None:
    assert has(compiled, WIDGET_WORKS, "https://schema.org/founder", ALICE)
    assert has(compiled, WIDGET_WORKS, KZ + "date", ox.Literal("1923~"))
    assert has(compiled, ALICE, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://xmlns.com/foaf/0.1/Person")
    assert has(compiled, ALICE, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", KZ + "Agent")
    assert not has(compiled, ALICE, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", KZ + "Collective")


def test_rules_derive_membership_and_leadership_shortcuts(compiled: Compiled) -> None:
    assert has(compiled, ALICE, KZ + "memberOf", WIDGET_WORKS)
    assert has(compiled, WIDGET_WORKS, KZ + "hasMember", ALICE)
    assert has(compiled, ALICE, KZ + "led", WIDGET_WORKS)


def test_edtf_dates_get_bounds_and_an_owl_time_interval(compiled: Compiled) -> None:
    assert values(compiled, WIDGET_WORKS, KZ + "earliest") == ["1923-01-01T00:00:00"]
    assert values(compiled, WIDGET_WORKS, KZ + "latest") == []  # founded about 1923, its end is not stated
    assert values(compiled, ALICE_HEAD, KZ + "latest") == ["1925-12-31T00:00:00"]  # the day's start, included
    assert values(compiled, ALICE_HEAD, KZ + "earliest") == []
    bound = next(compiled.store.quads_for_pattern(ox.NamedNode(WIDGET_WORKS), ox.NamedNode(KZ + "earliest"), None))
    assert bound.object.datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")  # OWL 2, not xsd:date
    span = WIDGET_WORKS + "#timespan"
    assert has(compiled, span, "http://www.w3.org/2006/time#hasBeginning", WIDGET_WORKS + "#begin")
    assert values(compiled, WIDGET_WORKS + "#begin", "http://www.w3.org/2006/time#inXSDDateTime") == [
        "1923-01-01T00:00:00"]


def test_blank_quantity_gets_a_stable_iri_and_a_label(settings: Settings, compiled: Compiled, tmp_path: Path) -> None:
    quantities = values(compiled, WIDGET_WORKS, KZ + "hasQuantity")
    assert len(quantities) == 1 and quantities[0].startswith("https://w3id.org/kuzbass/id/quantity/")
    assert values(compiled, quantities[0], "http://www.w3.org/2000/01/rdf-schema#label") == [
        "more than 40 person (workers)"]
    again = make_project(tmp_path / "again")
    ws = load_workspace(Settings.load(root=again))
    recompiled = compile_workspace(ws, index_ontology(ws.store))
    assert values(recompiled, WIDGET_WORKS, KZ + "hasQuantity") == quantities


def test_every_cited_statement_is_reified_with_its_claims(compiled: Compiled) -> None:
    st = statement_iri(ox.NamedNode(WIDGET_WORKS), ox.NamedNode(KZ + "foundedBy"), ox.NamedNode(ALICE))
    assert values(compiled, st.value, KZ + "citation", PROVENANCE_GRAPH) == [FOUNDING_CLAIM]
    derived = statement_iri(ox.NamedNode(ALICE), ox.NamedNode(KZ + "founded"), ox.NamedNode(WIDGET_WORKS))
    assert values(compiled, derived.value, KZ + "citation", PROVENANCE_GRAPH) == [FOUNDING_CLAIM]
    variant = statement_iri(ox.NamedNode(ALICE), ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                            ox.Literal("Alice Smyth", language="en"))
    assert values(compiled, variant.value, KZ + "citation", PROVENANCE_GRAPH) == [SPELLING_CLAIM]


def test_claims_are_web_annotations_with_text_quote_selectors(compiled: Compiled) -> None:
    assert values(compiled, FOUNDING_CLAIM, "http://www.w3.org/ns/oa#hasTarget", PROVENANCE_GRAPH) == [
        FOUNDING_CLAIM + "#target"]
    assert values(compiled, FOUNDING_CLAIM + "#target", "http://www.w3.org/ns/oa#hasSource", PROVENANCE_GRAPH) == [
        PASSAGE_3]
    assert values(compiled, FOUNDING_CLAIM + "#selector", "http://www.w3.org/ns/oa#exact", PROVENANCE_GRAPH) == [
        "Widget Works was founded in Testtown in about 1923 by Alice Smith"]
    assert values(compiled, PASSAGE_3, KZ + "lineNumber", PROVENANCE_GRAPH) == ["3"]
    assert values(compiled, PASSAGE_3, KZ + "sectionTitle", PROVENANCE_GRAPH) == ["Widget Works"]


def test_entities_are_linked_to_the_claims_that_mention_them(compiled: Compiled) -> None:
    assert values(compiled, BOB, KZ + "mentionedIn") == [STAFF_CLAIM]
    assert FOUNDING_CLAIM in values(compiled, ALICE, KZ + "mentionedIn")


def test_date_constraints_intersect_and_widen_when_they_conflict() -> None:
    import datetime as dt

    from kuzbass_graph.compile import _combine

    d = dt.date
    year, start, end = ("within", d(1921, 1, 1), d(1921, 12, 31)), ("start", d(1921, 6, 22), d(1921, 6, 22)), \
        ("end", d(1921, 7, 12), d(1921, 7, 12))
    assert _combine([year, start, end]) == (d(1921, 6, 22), d(1921, 7, 12))
    assert _combine([year]) == (d(1921, 1, 1), d(1921, 12, 31))
    conflicting = [("within", d(1922, 1, 1), d(1922, 12, 31)), ("within", d(1924, 1, 1), d(1924, 12, 31))]
    assert _combine(conflicting) == (d(1922, 1, 1), d(1924, 12, 31))
    assert _combine([("within", None, d(1923, 12, 31))]) == (None, d(1923, 12, 31))
