"""Every term used is declared, and used as declared (closed-world domain, range and datatype checks)."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..dates import EdtfError, parse_bounds
from ..errors import Problem
from ..loader import FIXED_GRAPHS, ONTOLOGY_GRAPH, SOURCES_GRAPH, Workspace
from ..locate import locate_iri, locate_statement
from ..namespaces import CLAIM, ID, KZ, RDF_TYPE, SOURCE
from ..ontology import COMPATIBLE_DATATYPES, OntologyIndex

_UNTYPED_OK = (CLAIM, SOURCE)


def _short(iri: str) -> str:
    return "kz:" + iri[len(KZ):] if iri.startswith(KZ) else f"<{iri}>"


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


class _Collector:
    """Problems, at most one per key, each located in the curated files."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.problems: dict[str, Problem] = {}

    def term(self, key: str, iri: str, message: str, hint: str) -> None:
        if key not in self.problems:
            where = locate_iri(self.ws, iri, declared_first=False)
            self.problems[key] = Problem("declarations", message, path=where[0] if where else None,
                                         line=where[1] if where else None, focus=iri, hint=hint)

    def statement(self, key: str, quad: ox.Quad, message: str, hint: str) -> None:
        if key not in self.problems:
            graph = None if quad.graph_name in FIXED_GRAPHS else quad.graph_name.value
            where = locate_statement(self.ws, graph, quad.subject.value, quad.predicate.value)
            self.problems[key] = Problem("declarations", message, path=where[0] if where else None,
                                         line=where[1] if where else None, focus=quad.subject.value, hint=hint)


def _data_quads(ws: Workspace) -> list[ox.Quad]:
    return [q for q in ws.store.quads_for_pattern(None, None, None, None)
            if q.graph_name not in (ONTOLOGY_GRAPH, SOURCES_GRAPH)]


def check_declarations(ws: Workspace, onto: OntologyIndex) -> list[Problem]:
    quads = _data_quads(ws)
    types: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if q.predicate.value == RDF_TYPE:
            types[q.subject.value].add(q.object.value)
    found = _Collector(ws)
    known_terms = onto.properties | onto.classes | onto.individuals | {RDF_TYPE}
    for q in quads:
        _check_terms(found, onto, types, known_terms, q)
        _check_value(found, onto, types, q)
    return list(found.problems.values())


def _check_terms(found: _Collector, onto: OntologyIndex, types: dict[str, set[str]], known: set[str],
                 q: ox.Quad) -> None:
    p = q.predicate.value
    if p != RDF_TYPE and p not in onto.properties:
        found.term("p" + p, p, f"property {_short(p)} is not declared in the ontology",
                   "fix the name, or declare the property in ontology/kuzbass.ttl")
    if p == RDF_TYPE and q.object.value not in onto.classes:
        found.term("c" + q.object.value, q.object.value, f"class {_short(q.object.value)} is not declared in the "
                   "ontology", "fix the name, or declare the class in ontology/kuzbass.ttl")
    for term in (q.subject, q.object):
        if not isinstance(term, ox.NamedNode):
            continue
        iri = term.value
        if iri.startswith(KZ) and iri not in known:
            found.term("k" + iri, iri, f"{_short(iri)} is not a term of the ontology",
                       "fix the name, or add the term to ontology/")
        elif iri.startswith(ID) and not iri.startswith(_UNTYPED_OK) and iri not in types:
            found.term("t" + iri, iri, f"<{iri}> is used but never declared (no rdf:type)",
                       "fix a typo in the IRI, or declare the entity with a type and a label")


def _check_value(found: _Collector, onto: OntologyIndex, types: dict[str, set[str]], q: ox.Quad) -> None:
    p, s, o = q.predicate.value, q.subject.value, q.object
    key = f"{p} {s} {o}"
    if p in onto.object_properties:
        if isinstance(o, ox.Literal):
            found.statement("l" + key, q, f"{_short(p)} links to things, but <{s}> has the literal {o.value!r}",
                            "use an entity IRI as the value, or a datatype property")
            return
        for role, node, expected in (("subject", s, onto.domains.get(p, set())),
                                     ("value", o.value, onto.ranges.get(p, set()))):
            if not node.startswith(ID) or node.startswith(_UNTYPED_OK) or node not in types:
                continue
            for cls in expected:
                if cls.startswith(KZ) and not onto.is_a(types[node], cls):
                    have = ", ".join(sorted(_short(t) for t in types[node]))
                    found.statement(f"x{role}{key}", q, f"{_short(p)} expects its {role} to be a {_short(cls)}, "
                                    f"but <{node}> is {have}",
                                    f"use another property, or check the type of <{node.rsplit('/', 1)[-1]}>")
    elif p in onto.datatype_properties:
        if not isinstance(o, ox.Literal):
            found.statement("d" + key, q, f"{_short(p)} takes a literal, but <{s}> has an IRI value",
                            "give a literal value")
            return
        for rng in onto.ranges.get(p, ()):
            allowed = COMPATIBLE_DATATYPES.get(rng)
            if allowed is not None and o.datatype.value not in allowed:
                shown = f"@{o.language}" if o.language else _short(o.datatype.value)
                found.statement("r" + key, q, f"{_short(p)} of <{s}> is {o.value!r} ({shown}) but the range is "
                                f"{_local(rng)}", "write a plain string without a language tag"
                                if rng.endswith("string") else f"write a {_local(rng)} literal")


def check_dates(ws: Workspace, onto: OntologyIndex) -> list[Problem]:
    """Every value of kz:date and its sub-properties in a claim parses as EDTF."""
    date_props = {p for p in onto.datatype_properties if KZ + "date" in onto.property_ancestors(p)}
    date_props -= {KZ + "earliest", KZ + "latest"}
    problems: list[Problem] = []
    for q in ws.store.quads_for_pattern(None, None, None, None):
        if q.graph_name in FIXED_GRAPHS or q.predicate.value not in date_props:
            continue
        try:
            parse_bounds(q.object.value)
        except EdtfError as exc:
            where = locate_statement(ws, q.graph_name.value, q.subject.value, q.predicate.value)
            problems.append(Problem("dates", str(exc), path=where[0] if where else None,
                                    line=where[1] if where else None, focus=q.subject.value,
                                    hint="write an EDTF date: 1922-05-25, 1923-12, 1923~, [..1923-12-31], 192X"))
    return problems
