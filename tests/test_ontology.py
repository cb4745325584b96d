"""The ontology: documented, aligned, fine-grained enough, and OWL 2 DL declarations in place."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

ROOT = Path(__file__).resolve().parents[1]
KZ = "https://w3id.org/kuzbass/ontology#"


def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != "shapes.ttl":
            graph.parse(path)
    return graph


def own(graph: rdflib.Graph, kind: rdflib.URIRef) -> set[rdflib.URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if isinstance(s, rdflib.URIRef) and str(s).startswith(KZ)}


def test_the_model_is_fine_grained_enough() -> None:
    g = ontology()
    assert len(own(g, OWL.Class)) >= 40
    assert len(own(g, OWL.ObjectProperty) | own(g, OWL.DatatypeProperty)) >= 50


def test_every_term_has_a_label_and_a_comment() -> None:
    g = ontology()
    terms = (own(g, OWL.Class) | own(g, OWL.ObjectProperty) | own(g, OWL.DatatypeProperty)
             | own(g, OWL.AnnotationProperty))
    missing = sorted(str(t) for t in terms if g.value(t, RDFS.label) is None or g.value(t, RDFS.comment) is None)
    assert missing == []


def test_aligned_to_the_standard_vocabularies() -> None:
    g = ontology()
    targets = {str(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf) for o in g.objects(None, p)}
    for namespace in ("http://xmlns.com/foaf/0.1/", "https://schema.org/", "http://www.w3.org/ns/org#",
                      "http://www.w3.org/ns/prov#", "http://www.w3.org/2006/time#",
                      "http://www.w3.org/2004/02/skos/core#", "http://www.cidoc-crm.org/cidoc-crm/",
                      "http://www.w3.org/ns/oa#"):
        assert any(t.startswith(namespace) for t in targets), namespace


def test_every_external_term_in_an_axiom_is_declared() -> None:
    g = ontology()
    declared = {s for s in g.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef)}
    used = {o for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)
            for o in g.objects(None, p) if isinstance(o, rdflib.URIRef)}
    builtin = ("http://www.w3.org/2001/XMLSchema#", str(OWL), str(RDFS))
    assert sorted(str(u) for u in used - declared if not str(u).startswith(builtin)) == []


def test_object_properties_have_domains_ranges_and_meaningful_inverses() -> None:
    g = ontology()
    props = own(g, OWL.ObjectProperty)
    no_range = sorted(str(p) for p in props if g.value(p, RDFS.range) is None)
    assert no_range == []
    assert len({p for p in props if g.value(p, OWL.inverseOf) is not None or (None, OWL.inverseOf, p) in g}) >= 30
