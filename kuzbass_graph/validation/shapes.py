"""SHACL validation (pyshacl) of the compiled graph against ontology/shapes.ttl."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate

from ..compile import Compiled
from ..errors import InputError, Problem
from ..loader import Workspace
from ..locate import locate_iri

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def to_rdflib(compiled: Compiled) -> rdflib.Graph:
    """All graphs of the compiled store merged into one rdflib graph."""
    data = ox.serialize((q.triple for q in compiled.store), format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    return graph


def check_shapes(ws: Workspace, compiled: Compiled, graph: rdflib.Graph | None = None) -> list[Problem]:
    path = ws.settings.shapes_file
    try:
        shapes = rdflib.Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several syntax error types
        raise InputError(f"cannot parse the SHACL shapes: {exc}", path=path) from exc
    graph = graph if graph is not None else to_rdflib(compiled)
    conforms, results, _ = shacl_validate(graph, shacl_graph=shapes, inference="none", advanced=False,
                                          allow_warnings=False)
    if conforms:
        return []
    problems: list[Problem] = []
    assert isinstance(results, rdflib.Graph)
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path_node = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        focus_text = str(focus)
        where = locate_iri(ws, focus_text) if isinstance(focus, rdflib.URIRef) else None
        detail = f"{message}" + (f" (path {path_node.n3(graph.namespace_manager)})" if path_node is not None
                                 and not isinstance(path_node, rdflib.BNode) else "")
        if value is not None:
            detail += f"; value {value.n3(graph.namespace_manager)}"
        problems.append(Problem("shapes", f"<{focus_text}>: {detail}", path=where[0] if where else None,
                                line=where[1] if where else None, focus=focus_text,
                                hint="see the shape's message; shapes are in ontology/shapes.ttl"))
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.message))
