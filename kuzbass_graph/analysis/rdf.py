"""The analysis as RDF: one kz:MeasuredValue node per value, in the analysis named graph.

Each value node has kz:metric, kz:measuredEntity, kz:inNetwork, kz:metricValue (xsd:decimal, six
decimals), kz:snapshotYear for yearly values, and prov:wasGeneratedBy the kz:AnalysisRun, which records
the software (kz:Software with kz:softwareVersion), the parameters (JSON) and the dataset version.
IRIs are digests of what they identify, and no clock time is written: the same input gives the same quads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import pyoxigraph as ox

from ..namespaces import GRAPH, ID, KZ, PROV, RDF_TYPE, RDFS_LABEL, XSD

ANALYSIS_GRAPH = ox.NamedNode(GRAPH + "analysis")
# measure name in measures.py -> slug of its kz:measure-... individual
MEASURE_SLUGS = {"degree": "degree", "weighted_degree": "weighted-degree", "betweenness": "betweenness",
                 "closeness": "closeness", "eigenvector": "eigenvector", "pagerank": "pagerank",
                 "core_number": "core-number", "constraint": "constraint", "effective_size": "effective-size",
                 "louvain": "louvain-community", "leiden": "leiden-community"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:20]


def run_iri(parameters: dict[str, object], versions: dict[str, str], dataset_version: str) -> ox.NamedNode:
    return _n(ID + "analysis/run/" + _digest(json.dumps(parameters, sort_keys=True),
                                             json.dumps(versions, sort_keys=True), dataset_version))


def decimal(value: float) -> ox.Literal:
    text = f"{value:.6f}"
    if text in ("-0.000000",):
        text = "0.000000"
    return ox.Literal(text, datatype=_n(XSD + "decimal"))


def run_quads(run: ox.NamedNode, parameters: dict[str, object], versions: dict[str, str],
              dataset_version: str) -> Iterator[ox.Quad]:
    g = ANALYSIS_GRAPH
    yield ox.Quad(run, _n(RDF_TYPE), _n(KZ + "AnalysisRun"), g)
    yield ox.Quad(run, _n(RDF_TYPE), _n(PROV + "Activity"), g)
    yield ox.Quad(run, _n(RDFS_LABEL), ox.Literal("network analysis of the dataset", language="en"), g)
    yield ox.Quad(run, _n(KZ + "parameters"), ox.Literal(json.dumps(parameters, sort_keys=True)), g)
    yield ox.Quad(run, _n(KZ + "datasetVersion"), ox.Literal(dataset_version), g)
    for name, version in sorted(versions.items()):
        software = _n(ID + "analysis/software/" + name.lower().replace(" ", "-") + "-" + version)
        yield ox.Quad(run, _n(PROV + "wasAssociatedWith"), software, g)
        yield ox.Quad(software, _n(RDF_TYPE), _n(KZ + "Software"), g)
        yield ox.Quad(software, _n(RDFS_LABEL), ox.Literal(f"{name} {version}", language="en"), g)
        yield ox.Quad(software, _n(KZ + "softwareVersion"), ox.Literal(version), g)


def value_quads(run: ox.NamedNode, network: str, year: int | None, entity: str, measure: str,
                value: float) -> Iterator[ox.Quad]:
    g = ANALYSIS_GRAPH
    node = _n(ID + "analysis/value/" + _digest(network, year if year is not None else "all", measure, entity))
    yield ox.Quad(node, _n(RDF_TYPE), _n(KZ + "MeasuredValue"), g)
    yield ox.Quad(node, _n(KZ + "metric"), _n(KZ + "measure-" + MEASURE_SLUGS[measure]), g)
    yield ox.Quad(node, _n(KZ + "measuredEntity"), _n(entity), g)
    yield ox.Quad(node, _n(KZ + "inNetwork"), _n(KZ + "network-" + network), g)
    yield ox.Quad(node, _n(KZ + "metricValue"), decimal(value), g)
    if year is not None:
        yield ox.Quad(node, _n(KZ + "snapshotYear"), ox.Literal(str(year), datatype=_n(XSD + "integer")), g)
    yield ox.Quad(node, _n(PROV + "wasGeneratedBy"), run, g)
