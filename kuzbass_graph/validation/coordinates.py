"""Coordinates: a latitude or longitude stands only in a link accepted from a gazetteer reconciliation
(`kuzbass reconcile geonames`, then `kuzbass reconcile accept`), beside the GeoNames feature it came from,
and the link names the run (package, data version) and the matched name. A coordinate anywhere else was
typed by hand, and fails."""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..errors import Problem
from ..loader import DESCRIPTIONS_GRAPH, ONTOLOGY_GRAPH, Workspace
from ..locate import locate_iri
from ..namespaces import KZ, LINK, PROV, SKOS, XSD

COORDINATES = {KZ + "latitude": 90.0, KZ + "longitude": 180.0,
               "https://schema.org/latitude": 90.0, "https://schema.org/longitude": 180.0}
_GEONAMES = re.compile(r"https://sws\.geonames\.org/\d+/")
HINT = "coordinates come from `kuzbass reconcile geonames` and `kuzbass reconcile accept`; never type them"


def _problem(ws: Workspace, message: str, iri: str, hint: str = HINT) -> Problem:
    where = locate_iri(ws, iri)
    return Problem("links", message, path=where[0] if where else None, line=where[1] if where else None,
                   focus=iri, hint=hint)


def _described(ws: Workspace, subject: ox.NamedNode, predicate: str) -> list[ox.NamedNode | ox.Literal]:
    return [q.object for q in ws.store.quads_for_pattern(subject, ox.NamedNode(predicate), None,  # type: ignore[misc]
                                                         DESCRIPTIONS_GRAPH)]


def check_coordinates(ws: Workspace) -> list[Problem]:
    problems: list[Problem] = []
    for predicate, limit in COORDINATES.items():
        for quad in ws.store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
            graph = quad.graph_name
            if graph == ONTOLOGY_GRAPH:
                continue
            subject = quad.subject.value
            if not isinstance(graph, ox.NamedNode) or not graph.value.startswith(LINK):
                problems.append(_problem(ws, f"<{subject}> has a coordinate ({predicate.rsplit('#', 1)[-1]}) "
                                         "outside a gazetteer link", subject))
                continue
            value = quad.object
            if not isinstance(value, ox.Literal) or value.datatype.value != XSD + "decimal" \
                    or not -limit <= float(value.value) <= limit:
                problems.append(_problem(ws, f"the coordinate of <{subject}> in <{graph.value}> must be a decimal "
                                         f"from -{limit:g} to {limit:g}", graph.value))
            matches = [q.object.value for q in ws.store.quads_for_pattern(
                quad.subject, ox.NamedNode(SKOS + "exactMatch"), None, graph)]
            runs = _described(ws, graph, PROV + "wasGeneratedBy")
            gazetteer_run = len(runs) == 1 and isinstance(runs[0], ox.NamedNode) \
                and len(_described(ws, runs[0], KZ + "dataVersion")) == 1
            if len(matches) != 1 or not _GEONAMES.fullmatch(matches[0]) or not gazetteer_run \
                    or len(_described(ws, graph, KZ + "matchedName")) != 1:
                problems.append(_problem(
                    ws, f"the coordinates in <{graph.value}> need one skos:exactMatch to a GeoNames feature, "
                    "a kz:matchedName and a run with its kz:dataVersion (a gazetteer reconciliation)", graph.value))
    return problems
