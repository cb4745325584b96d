"""Every term used is declared, and used as declared (closed-world domain, range and datatype checks)."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..errors import Problem
from ..loader import FIXED_GRAPHS, ONTOLOGY_GRAPH, SOURCES_GRAPH, Workspace
from ..locate import locate_iri
from ..namespaces import CLAIM, ID, KZ, RDF_TYPE, SOURCE
from ..ontology import COMPATIBLE_DATATYPES, OntologyIndex

_UNTYPED_OK = (CLAIM, SOURCE)


def _data_quads(ws: Workspace) -> list[ox.Quad]:
    return [q for q in ws.store.quads_for_pattern(None, None, None, None)
            if q.graph_name not in (ONTOLOGY_GRAPH, SOURCES_GRAPH)]


def _at(ws: Workspace, iri: str) -> tuple[object, object]:
    where = locate_iri(ws, iri, declared_first=False)
    return (where[0], where[1]) if where else (None, None)


def _short(iri: str) -> str:
    return "kz:" + iri[len(KZ):] if iri.startswith(KZ) else f"<{iri}>"


def check_declarations(ws: Workspace, onto: OntologyIndex) -> list[Problem]:
    problems: list[Problem] = []
    quads = _data_quads(ws)
    types: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if q.predicate.value == RDF_TYPE and isinstance(q.subject, ox.NamedNode | ox.BlankNode):
            types[q.subject.value].add(q.object.value)

    reported: set[str] = set()

    def once(key: str, problem_factory: object) -> None:
        if key not in reported:
            reported.add(key)
            problems.append(problem_factory())  # type: ignore[operator]

    known_terms = onto.properties | onto.classes | onto.individuals | {RDF_TYPE}
    for q in quads:
        p = q.predicate.value
        if p != RDF_TYPE and p not in onto.properties:
            path, line = _at(ws, p)
            once("p" + p, lambda p=p, path=path, line=line: Problem(
                "declarations", f"property {_short(p)} is not declared in the ontology", path=path, line=line,
                focus=p, hint="fix the name, or declare the property in ontology/kuzbass.ttl"))
        if p == RDF_TYPE and q.object.value not in onto.classes:
            c = q.object.value
            path, line = _at(ws, c)
            once("c" + c, lambda c=c, path=path, line=line: Problem(
                "declarations", f"class {_short(c)} is not declared in the ontology", path=path, line=line,
                focus=c, hint="fix the name, or declare the class in ontology/kuzbass.ttl"))
        for term in (q.subject, q.object):
            if not isinstance(term, ox.NamedNode):
                continue
            iri = term.value
            if iri.startswith(KZ) and iri not in known_terms:
                path, line = _at(ws, iri)
                once("k" + iri, lambda iri=iri, path=path, line=line: Problem(
                    "declarations", f"{_short(iri)} is not a term of the ontology", path=path, line=line,
                    focus=iri, hint="fix the name, or add the term to ontology/"))
            elif iri.startswith(ID) and not iri.startswith(_UNTYPED_OK) and iri not in types:
                path, line = _at(ws, iri)
                once("t" + iri, lambda iri=iri, path=path, line=line: Problem(
                    "declarations", f"<{iri}> is used but never declared (no rdf:type)", path=path, line=line,
                    focus=iri, hint="fix a typo in the IRI, or declare the entity with a type and a label"))

    for q in quads:
        p = q.predicate.value
        o = q.object
        if p in onto.object_properties and isinstance(o, ox.Literal):
            path, line = _at(ws, q.subject.value)
            once(f"l{p}{q.subject.value}", lambda p=p, q=q, path=path, line=line: Problem(
                "declarations", f"{_short(p)} links to things, but <{q.subject.value}> has a literal value "
                f"{q.object.value!r}", path=path, line=line, focus=q.subject.value,
                hint="use an entity IRI as the value, or a datatype property"))
            continue
        if p in onto.datatype_properties:
            if not isinstance(o, ox.Literal):
                path, line = _at(ws, q.subject.value)
                once(f"d{p}{q.subject.value}", lambda p=p, q=q, path=path, line=line: Problem(
                    "declarations", f"{_short(p)} takes a literal, but <{q.subject.value}> has an IRI value",
                    path=path, line=line, focus=q.subject.value, hint="give a literal value"))
                continue
            for rng in onto.ranges.get(p, ()):
                allowed = COMPATIBLE_DATATYPES.get(rng)
                if allowed is not None and o.datatype.value not in allowed:
                    shown = f"@{o.language}" if o.language else _short(o.datatype.value)
                    path, line = _at(ws, q.subject.value)
                    once(f"r{p}{q.subject.value}{o.value}", lambda p=p, q=q, rng=rng, shown=shown, path=path,
                         line=line: Problem(
                        "declarations", f"{_short(p)} of <{q.subject.value}> is {q.object.value!r} ({shown}) but "
                        f"the range is {rng.rsplit('#', 1)[-1]}", path=path, line=line, focus=q.subject.value,
                        hint="write a plain string without a language tag" if rng.endswith("string")
                        else f"write a {rng.rsplit('#', 1)[-1]} literal"))
        if p in onto.object_properties and isinstance(o, ox.NamedNode):
            _check_class(ws, onto, types, q.subject.value, p, onto.domains.get(p, set()), "subject", once)
            _check_class(ws, onto, types, o.value, p, onto.ranges.get(p, set()), "value", once)
    return problems


def _check_class(ws: Workspace, onto: OntologyIndex, types: dict[str, set[str]], node: str, prop: str,
                 expected: set[str], role: str, once: object) -> None:
    if not node.startswith(ID) or node.startswith(_UNTYPED_OK) or node not in types:
        return
    for cls in expected:
        if not cls.startswith(KZ) or onto.is_a(types[node], cls):
            continue
        have = ", ".join(sorted(_short(t) for t in types[node]))
        path, line = _at(ws, node)
        once(f"x{prop}{node}{role}", lambda: Problem(  # type: ignore[operator]
            "declarations", f"{_short(prop)} expects its {role} to be a {_short(cls)}, but <{node}> is {have}",
            path=path, line=line, focus=node,
            hint=f"use another property, or check the type of <{node.rsplit('/', 1)[-1]}>"))


def check_dates(ws: Workspace, onto: OntologyIndex) -> list[Problem]:
    from ..dates import EdtfError, parse_bounds

    problems: list[Problem] = []
    date_props = {p for p in onto.datatype_properties if KZ + "date" in onto.property_ancestors(p)}
    date_props -= {KZ + "earliest", KZ + "latest"}
    for q in ws.store.quads_for_pattern(None, None, None, None):
        if q.graph_name in FIXED_GRAPHS - {ONTOLOGY_GRAPH} or q.predicate.value not in date_props:
            continue
        if q.graph_name == ONTOLOGY_GRAPH:
            continue
        try:
            parse_bounds(q.object.value)
        except EdtfError as exc:
            where = locate_iri(ws, q.subject.value)
            problems.append(Problem("dates", str(exc), path=where[0] if where else None,
                                    line=where[1] if where else None, focus=q.subject.value,
                                    hint="write an EDTF date: 1922-05-25, 1923-12, 1923~, [..1923-12-31], 192X"))
    return problems
