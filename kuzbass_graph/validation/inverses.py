"""Inverse pairs: declared consistently, and consistent with how the data uses them.

For each owl:inverseOf pair (p, q) the domain of p must be the range of q and the other way round; and
each statement s p o that the data asserts must still fit when the build turns it into o q s (a
product given where q expects an agent fails). Symmetric properties are checked the same way, with p
its own inverse.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..errors import Problem
from ..loader import DESCRIPTIONS_GRAPH, FIXED_GRAPHS, Workspace
from ..locate import locate_iri, locate_statement
from ..namespaces import CLAIM, ID, KZ, RDF_TYPE, SOURCE
from ..ontology import OntologyIndex


def _short(iri: str) -> str:
    return "kz:" + iri[len(KZ):] if iri.startswith(KZ) else f"<{iri}>"


def _pairs(onto: OntologyIndex) -> list[tuple[str, str]]:
    pairs = {(min(p, q), max(p, q)) for p, q in onto.inverses.items()}
    return sorted(pairs) + [(p, p) for p in sorted(onto.symmetric)]


def _declared(ws: Workspace, onto: OntologyIndex, p: str, q: str) -> list[Problem]:
    problems: list[Problem] = []
    for a, b in ((p, q), (q, p)):
        domain, rng = onto.domains.get(a, set()), onto.ranges.get(b, set())
        if domain and rng and domain != rng:
            where = locate_iri(ws, a, declared_first=False)
            problems.append(Problem(
                "inverses", f"{_short(a)} is the inverse of {_short(b)}, but its domain "
                f"({', '.join(map(_short, sorted(domain)))}) is not the range of {_short(b)} "
                f"({', '.join(map(_short, sorted(rng)))})", path=where[0] if where else None,
                line=where[1] if where else None, focus=a,
                hint="make the domain of each property the range of its inverse, or declare no inverse if the "
                     "data does not use them as mirror images"))
    return problems


def check_inverses(ws: Workspace, onto: OntologyIndex) -> list[Problem]:
    types: dict[str, set[str]] = defaultdict(set)
    quads = [q for q in ws.store.quads_for_pattern(None, None, None, None)
             if q.graph_name not in FIXED_GRAPHS]
    for typed in quads + list(ws.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, DESCRIPTIONS_GRAPH)):
        if typed.predicate.value == RDF_TYPE:
            types[typed.subject.value].add(typed.object.value)
    problems: list[Problem] = []
    inverse_of: dict[str, str] = {}
    for first, second in _pairs(onto):
        problems += _declared(ws, onto, first, second)
        inverse_of[first], inverse_of[second] = second, first
    seen: set[tuple[str, str, str]] = set()
    for quad in quads:
        p = quad.predicate.value
        if p not in inverse_of or not isinstance(quad.object, ox.NamedNode):
            continue
        inverse, s, o = inverse_of[p], quad.subject.value, quad.object.value
        for role, node, expected, own in (("subject", o, onto.domains.get(inverse, set()), onto.ranges.get(p, set())),
                                          ("value", s, onto.ranges.get(inverse, set()), onto.domains.get(p, set()))):
            if not node.startswith(ID) or node.startswith((CLAIM, SOURCE)) or node not in types:
                continue
            if any(c.startswith(KZ) and not onto.is_a(types[node], c) for c in own):
                continue  # the statement itself breaks the domain or range: the declarations check says so
            for cls in expected:
                key = (p, s, o)
                if cls.startswith(KZ) and not onto.is_a(types[node], cls) and key not in seen:
                    seen.add(key)
                    graph = quad.graph_name.value
                    where = locate_statement(ws, graph, s, p)
                    have = ", ".join(sorted(_short(t) for t in types[node]))
                    problems.append(Problem(
                        "inverses", f"<{s}> {_short(p)} <{o}> gives, turned round, <{o}> {_short(inverse)} "
                        f"<{s}>, whose {role} should be a {_short(cls)}, but <{node}> is {have}",
                        path=where[0] if where else None, line=where[1] if where else None, focus=s,
                        hint=f"check the direction: {_short(p)} may be the wrong property for this statement, "
                             f"or {_short(inverse)} is not its inverse"))
    return problems
