"""Symmetric properties hold both ways in the compiled output (data and provenance graphs alike)."""

from __future__ import annotations

import pyoxigraph as ox

from ..compile import DATA_GRAPH, PROVENANCE_GRAPH, Compiled
from ..errors import Problem
from ..loader import Workspace
from ..locate import locate_iri
from ..ontology import OntologyIndex


def check_symmetry(ws: Workspace, compiled: Compiled, onto: OntologyIndex) -> list[Problem]:
    problems: list[Problem] = []
    for prop in sorted(onto.symmetric):
        predicate = ox.NamedNode(prop)
        for graph in (DATA_GRAPH, PROVENANCE_GRAPH):
            for quad in compiled.store.quads_for_pattern(None, predicate, None, graph):
                if isinstance(quad.object, ox.Literal):
                    continue
                if next(compiled.store.quads_for_pattern(quad.object, predicate, quad.subject, graph), None):  # type: ignore[arg-type]
                    continue
                where = locate_iri(ws, quad.subject.value)
                problems.append(Problem(
                    "symmetry", f"<{quad.subject.value}> <{prop}> <{quad.object.value}> holds in the "
                    f"{graph.value.rsplit('/', 1)[-1]} graph, but not the other way round",
                    path=where[0] if where else None, line=where[1] if where else None, focus=quad.subject.value,
                    hint="the build must add the reverse of every symmetric statement (compile.py); "
                         "report this as a bug of the build"))
    return problems
