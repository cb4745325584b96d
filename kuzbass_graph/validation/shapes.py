"""SHACL validation of the compiled graph (ontology + data + provenance) against ontology/shapes.ttl.

The build runs the shapes as SPARQL queries on the compiled Oxigraph store (`shacl_sparql`). pyshacl is the
reference engine (`Engine.PYSHACL`, a test dependency): the tests check that both give the same results on
a corpus of bad data that breaks every constraint of the shapes, and on the real graph.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import pyoxigraph as ox

from ..compile import Compiled
from ..errors import ConfigError, InputError, Problem, Severity
from ..loader import Workspace
from ..namespaces import RDF, SH, XSD
from .line_index import LineIndex
from .shacl_sparql import Finding, Graph, RunReport, Shapes, read_shapes, shacl_findings, shorten, show_path


class Engine(StrEnum):
    SPARQL = "sparql"  # the shapes as SPARQL queries on the Oxigraph store (the build's)
    PYSHACL = "pyshacl"  # the reference validator, on an rdflib copy of the store


def findings(store: ox.Store, shapes: Shapes, *, engine: Engine = Engine.SPARQL,
             report: RunReport | None = None) -> list[Finding]:
    """The SHACL validation results of all the store's graphs, as one graph."""
    if engine is Engine.PYSHACL:
        return pyshacl_findings(store, shapes)
    return shacl_findings(store, shapes, report=report)


def _to_rdflib(term):  # type: ignore[no-untyped-def]
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD + "string":  # rdflib's plain literal
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _from_rdflib(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:  # type: ignore[no-untyped-def]
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    datatype = term.datatype or rdflib.XSD.string
    return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))


def pyshacl_findings(store: ox.Store, shapes: Shapes) -> list[Finding]:
    """The results pyshacl gives (no inference) for the store's graphs merged, against the same shapes."""
    import rdflib

    try:
        from pyshacl import validate
    except ImportError as exc:
        raise ConfigError("the reference SHACL engine needs pyshacl, a test dependency",
                          hint="pip install -e '.[test]'; the build itself runs the shapes as SPARQL") from exc
    data = rdflib.Graph()  # blank nodes keep their identifiers, so that results name the same nodes
    data.addN((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object), data) for q in store)
    shapes_graph = rdflib.Graph()
    for t in shapes.triples:  # blank nodes keep their identifiers, so results name the same shapes
        shapes_graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    _, results, _ = validate(data, shacl_graph=shapes_graph, inference="none", advanced=False, allow_warnings=False)
    assert isinstance(results, rdflib.Graph)
    graph = Graph(ox.Triple(_from_rdflib(s), _from_rdflib(p), _from_rdflib(o)) for s, p, o in results)  # type: ignore[arg-type]
    found = []
    reports = graph.subjects(RDF + "type", ox.NamedNode(SH + "ValidationReport"))
    for result in (r for report in reports for r in graph.objects(report, SH + "result")):  # not sh:detail
        def one(name: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
            return graph.one(result, SH + name)  # noqa: B023

        path, source, message = one("resultPath"), one("sourceShape"), one("resultMessage")
        assert source is not None
        shape = shapes.by_node.get(source)
        found.append(Finding(focus=one("focusNode"), path=graph.path(path) if path is not None else None,  # type: ignore[arg-type]
                             shape=shape.name if shape is not None else str(source),
                             component=one("sourceConstraintComponent").value, value=one("value"),  # type: ignore[union-attr]
                             severity=one("resultSeverity").value,  # type: ignore[union-attr]
                             message=message.value if message is not None else ""))
    return sorted(found, key=Finding.key)


def _anchors(store: ox.Store, focus: str) -> list[str]:
    """IRIs near a compiled node that curated text may name: the node without its fragment, then the
    nodes that link to it, then (for a reified statement) its subject."""
    node = ox.NamedNode(focus)
    near = [focus.split("#", 1)[0]] if "#" in focus else []
    near += sorted({q.subject.value for q in store.quads_for_pattern(None, None, node)
                    if isinstance(q.subject, ox.NamedNode)})[:20]
    near += [q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(RDF + "subject"), None)
             if isinstance(q.object, ox.NamedNode)]
    return near


def _show(term: ox.NamedNode | ox.BlankNode | ox.Literal, prefixes: dict[str, str]) -> str:
    return shorten(term.value, prefixes) if isinstance(term, ox.NamedNode) else str(term)


def problems_of(ws: Workspace, store: ox.Store, shapes: Shapes, found: list[Finding]) -> list[Problem]:
    """Each finding as a Problem at the first curated line naming its focus node (or a node near it)."""
    if not found:
        return []
    lines = LineIndex.of(ws)
    places: dict[str, tuple[Path, int] | None] = {}

    def place(focus: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[Path, int] | None:
        if not isinstance(focus, ox.NamedNode):
            return None
        if focus.value not in places:
            where = lines.locate(focus.value)
            for near in _anchors(store, focus.value) if where is None else []:
                where = lines.locate(near)
                if where is not None:
                    break
            places[focus.value] = where
        return places[focus.value]

    problems = []
    for f in found:
        where = place(f.focus)
        detail = f.message + (f" (path {show_path(f.path, shapes.prefixes)})" if f.path is not None else "")
        if f.value is not None:
            detail += f"; value {_show(f.value, shapes.prefixes)}"
        focus = f.focus.value if isinstance(f.focus, ox.NamedNode) else str(f.focus)
        problems.append(Problem(
            "shapes", f"<{focus}>: {detail}", path=where[0] if where else None, line=where[1] if where else None,
            focus=focus, severity=Severity.ERROR if f.severity == SH + "Violation" else Severity.WARNING,
            hint=f"see the message of {f.shape} ({shorten(f.component, shapes.prefixes)}) in ontology/shapes.ttl"))
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.message))


def load_shapes(path: Path) -> Shapes:
    if not path.is_file():
        raise InputError("the SHACL shapes file is missing", path=path, hint="restore ontology/shapes.ttl")
    return read_shapes(path)


def check_shapes(ws: Workspace, compiled: Compiled, *, engine: Engine = Engine.SPARQL,
                 report: RunReport | None = None) -> list[Problem]:
    """One problem per SHACL validation result of the compiled graph; sh:Violation is an error, sh:Warning
    and sh:Info are warnings."""
    shapes = load_shapes(ws.settings.shapes_file)
    return problems_of(ws, compiled.store, shapes, findings(compiled.store, shapes, engine=engine, report=report))
