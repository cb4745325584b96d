"""Descriptions of the dataset, with figures computed from the quads the dumps were written from.

- in the dataset itself (provenance graph): the dataset `<base>id/dataset/kuzbass` with its title,
  licence (CC BY 4.0), version and publisher (`dataset_quads`);
- `void.ttl`: VoID with triples, entities (IRIs under `void:uriSpace`, `<base>id/`), distinct subjects and
  objects, class and property partitions, a subset per named graph, example resources, vocabularies,
  the SPARQL endpoint and the dumps;
- `dcat.ttl`: a DCAT 3 dataset with one distribution per file (media type, byte size, SPDX SHA-256),
  temporal coverage (the earliest and latest day of the dated statements) and spatial coverage (the places
  the data locates something in), and the SPARQL endpoint as a data service;
- `dataset.jsonld`: the same as a schema.org `Dataset`, for embedding in pages.

Descriptive text comes from the data: the title is the project's name and the titles of the sources
(`data/sources/*.ttl`); nothing is typed here that the data does not say. The version is the package's
(`kuzbass_graph.__version__`, read from pyproject.toml).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..namespaces import DCTERMS, DEFAULT_BASE, KZ, RDF_TYPE, RDFS_LABEL, XSD
from .sorted_graphs import SortedGraphs

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
FORMATS = "http://www.w3.org/ns/formats/"
IANA = "https://www.iana.org/assignments/media-types/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PROJECT = "kuzbass-graph"
PUBLISHER = "the kuzbass-graph contributors"  # as the LICENSE file names them
EXAMPLE_KINDS = ("person", "organization", "place", "facility", "event", "document")
DESCRIPTION_PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "foaf": FOAF, "spdx": SPDX,
                        "xsd": XSD, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
# W3C format IRIs of the dumps (void:feature)
FORMAT_IRIS = {"kuzbass.nq": "N-Quads", "kuzbass.trig": "TriG", "kuzbass.ttl": "Turtle", "kuzbass.nt": "N-Triples",
               "kuzbass.jsonld": "JSON-LD", "kuzbass.rdf": "RDF_XML"}


def dataset_iri(base_iri: str) -> str:
    return base_iri + "id/dataset/kuzbass"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int, datatype: str = XSD + "integer") -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(datatype))


def dataset_quads(base_iri: str) -> list[ox.Quad]:
    """The dataset as a resource of the data (provenance graph): type, title, licence, version, publisher."""
    ds, graph = _n(dataset_iri(base_iri)), _n(base_iri + "graph/provenance")
    publisher = _n(dataset_iri(base_iri) + "#publisher")
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
               (ds, _n(RDF_TYPE), _n(DCAT + "Dataset")), (ds, _n(RDF_TYPE), _n(VOID + "Dataset")),
               (ds, _n(RDFS_LABEL), ox.Literal(PROJECT, language="en")),
               (ds, _n(DCTERMS + "title"), ox.Literal(PROJECT, language="en")),
               (ds, _n(DCTERMS + "license"), _n(LICENSE)), (ds, _n(DCAT + "version"), ox.Literal(__version__)),
               (ds, _n(DCTERMS + "publisher"), publisher), (publisher, _n(RDF_TYPE), _n(FOAF + "Agent")),
               (publisher, _n(FOAF + "name"), ox.Literal(PUBLISHER))]
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


def namespace_of(iri: str) -> str:
    """The vocabulary an IRI belongs to: everything up to its last '#', else its last '/'."""
    cut = iri.rfind("#")
    return iri[:cut + 1] if cut >= 0 else iri[:iri.rfind("/") + 1]


@dataclass
class Figures:
    """What the dumps contain, counted once from their quads."""

    triples: int = 0
    entities: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class -> distinct instances
    properties: dict[str, int] = field(default_factory=dict)  # property -> triples
    graphs: dict[str, int] = field(default_factory=dict)  # named graph -> quads
    vocabularies: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    earliest: str | None = None
    latest: str | None = None
    places: dict[str, str] = field(default_factory=dict)  # place -> label
    source_titles: list[str] = field(default_factory=list)


def _tokens(line: bytes) -> tuple[bytes, bytes, bytes]:
    """Subject, predicate and object of an N-Triples line, as their bytes (no term holds a space but a
    literal, and the literal is the last)."""
    subject, predicate, rest = line.split(b" ", 2)
    return subject, predicate, rest[:-3]  # " .\n"


def _values(lines: list[bytes]) -> list[ox.Triple]:
    return list(ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)) if lines else []  # type: ignore[arg-type]


def count(merged: Path, graphs: SortedGraphs, *, base_iri: str) -> Figures:
    """The figures of a dataset, in one pass over its distinct triples (`merged`, sorted N-Triples) and one
    over its data graph; terms are compared as their N-Triples bytes (one term, one text)."""
    kz = base_iri + KZ[len(DEFAULT_BASE):]
    uri_space = base_iri + "id/"
    entity_prefix = f"<{uri_space}".encode()
    type_token, title_token = f"<{RDF_TYPE}>".encode(), f"<{DCTERMS}title>".encode()
    source_prefix = f"<{uri_space}source/".encode()
    figures = Figures()
    objects: set[bytes] = set()
    instances: Counter[bytes] = Counter()
    properties: Counter[bytes] = Counter()
    titles: list[bytes] = []
    previous = b""
    with merged.open("rb") as handle:
        for line in handle:
            subject, predicate, obj = _tokens(line)
            figures.triples += 1
            if subject != previous:
                previous = subject
                figures.distinct_subjects += 1
                figures.entities += subject.startswith(entity_prefix)
            objects.add(obj)
            properties[predicate] += 1
            if predicate == type_token and obj.startswith(b"<"):
                instances[obj] += 1
            elif predicate == title_token and subject.startswith(source_prefix):
                titles.append(line)
    figures.distinct_objects = len(objects)
    del objects
    figures.classes = dict(sorted((c.decode()[1:-1], n) for c, n in instances.items()))
    figures.properties = dict(sorted((p.decode()[1:-1], n) for p, n in properties.items()))
    figures.graphs = {name: sum(1 for _ in graphs.lines(name)) for name in graphs.names}
    used = set(figures.properties) | set(figures.classes)
    figures.vocabularies = sorted({namespace_of(i) for i in used if not i.startswith(uri_space)})
    figures.source_titles = sorted({t.object.value for t in _values(titles)})
    best: dict[str, tuple[int, str]] = {}
    kinds = {kind: f"<{uri_space}{kind}/".encode() for kind in EXAMPLE_KINDS}
    wanted = {f"<{iri}>".encode() for iri in (kz + "earliest", kz + "latest", RDFS_LABEL, kz + "locatedIn")}
    place = f"<{kz}Place>".encode()
    chosen: list[bytes] = []
    places: set[bytes] = set()
    run, size = b"", 0

    def close(subject: bytes, n: int) -> None:
        for kind, prefix in kinds.items():
            if subject.startswith(prefix):
                value = subject.decode()[1:-1]
                if kind not in best or (-n, value) < best[kind]:
                    best[kind] = (-n, value)

    for line in graphs.lines(base_iri + "graph/data"):
        subject, predicate, obj = _tokens(line)
        if subject != run:
            close(run, size)
            run, size = subject, 0
        size += 1
        if predicate in wanted:
            chosen.append(line)
        elif predicate == type_token and obj == place:
            places.add(subject)
    close(run, size)
    figures.examples = [best[kind][1] for kind in EXAMPLE_KINDS if kind in best]
    days = defaultdict(list)
    labels: dict[str, str] = {}
    place_iris = {p.decode()[1:-1] for p in places}
    located: set[str] = set()
    for t in _values(chosen):
        if t.predicate.value in (kz + "earliest", kz + "latest") and isinstance(t.object, ox.Literal):
            days[t.predicate.value].append(t.object.value[:10])
        elif t.predicate.value == RDFS_LABEL and isinstance(t.object, ox.Literal):
            labels.setdefault(t.subject.value, t.object.value)
        elif t.predicate.value == kz + "locatedIn" and t.object.value in place_iris:
            located.add(t.object.value)
    figures.earliest = min(days[kz + "earliest"], default=None)
    figures.latest = max(days[kz + "latest"], default=None)
    figures.places = {p: labels.get(p, p) for p in sorted(located)}
    return figures


def title(figures: Figures) -> str:
    return f"{PROJECT}: {', '.join(figures.source_titles)}" if figures.source_titles else PROJECT


def description(figures: Figures) -> str:
    sources = ", ".join(f"“{t}”" for t in figures.source_titles) or "its sources"
    return (f"The claims of {sources} as linked data, each statement citing the passage and the exact quote "
            "it comes from, with an OWL ontology and the provenance of every statement.")


def download_url(base_iri: str, name: str) -> str:
    return f"{base_iri}dumps/{name}"


@dataclass(frozen=True)
class FileInfo:
    name: str  # relative to the build folder
    media_type: str
    compressed: bool
    size: int
    sha256: str


def file_infos(folder: Path, names: Iterable[str], media_types: dict[str, str]) -> list[FileInfo]:
    infos = []
    for name in sorted(names):
        path = folder / name
        compressed = name.endswith(".gz")
        inner = name[:-3] if compressed else name
        media_type = media_types.get(inner) or ("text/csv" if inner.endswith(".csv") else "application/octet-stream")
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        infos.append(FileInfo(name, media_type, compressed, path.stat().st_size, digest))
    return infos


def _serialize(triples: Iterable[tuple[object, object, object]], path: Path) -> None:
    items = sorted({ox.Triple(s, p, o) for s, p, o in triples}, key=str)  # type: ignore[arg-type]
    ox.serialize(items, output=str(path), format=ox.RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES)


def _common(ds: ox.NamedNode, figures: Figures) -> list[tuple[object, object, object]]:
    return [(ds, _n(DCTERMS + "title"), ox.Literal(title(figures), language="en")),
            (ds, _n(DCTERMS + "description"), ox.Literal(description(figures), language="en")),
            (ds, _n(DCTERMS + "license"), _n(LICENSE))]


def write_void(path: Path, figures: Figures, files: list[FileInfo], *, base_iri: str) -> None:
    ds = _n(dataset_iri(base_iri))
    triples = [(ds, _n(RDF_TYPE), _n(VOID + "Dataset")), *_common(ds, figures),
               (ds, _n(VOID + "triples"), _int(figures.triples)), (ds, _n(VOID + "entities"), _int(figures.entities)),
               (ds, _n(VOID + "distinctSubjects"), _int(figures.distinct_subjects)),
               (ds, _n(VOID + "distinctObjects"), _int(figures.distinct_objects)),
               (ds, _n(VOID + "classes"), _int(len(figures.classes))),
               (ds, _n(VOID + "properties"), _int(len(figures.properties))),
               (ds, _n(VOID + "uriSpace"), ox.Literal(base_iri + "id/")),
               (ds, _n(VOID + "sparqlEndpoint"), _n(base_iri + "sparql"))]
    triples += [(ds, _n(VOID + "vocabulary"), _n(v)) for v in figures.vocabularies]
    triples += [(ds, _n(VOID + "exampleResource"), _n(e)) for e in figures.examples]
    triples += [(ds, _n(VOID + "feature"), _n(FORMATS + f)) for f in sorted(set(FORMAT_IRIS.values()))]
    triples += [(ds, _n(VOID + "dataDump"), _n(download_url(base_iri, f.name))) for f in files
                if f.name.removesuffix(".gz") in FORMAT_IRIS]
    for index, (cls, members) in enumerate(figures.classes.items()):
        node = ox.BlankNode(f"class{index:04d}")
        triples += [(ds, _n(VOID + "classPartition"), node), (node, _n(VOID + "class"), _n(cls)),
                    (node, _n(VOID + "entities"), _int(members))]
    for index, (prop, n) in enumerate(figures.properties.items()):
        node = ox.BlankNode(f"property{index:04d}")
        triples += [(ds, _n(VOID + "propertyPartition"), node), (node, _n(VOID + "property"), _n(prop)),
                    (node, _n(VOID + "triples"), _int(n))]
    for graph, n in figures.graphs.items():
        triples += [(ds, _n(VOID + "subset"), _n(graph)), (_n(graph), _n(RDF_TYPE), _n(VOID + "Dataset")),
                    (_n(graph), _n(VOID + "triples"), _int(n))]
    _serialize(triples, path)


def write_dcat(path: Path, figures: Figures, files: list[FileInfo], *, base_iri: str) -> None:
    ds = _n(dataset_iri(base_iri))
    publisher = _n(dataset_iri(base_iri) + "#publisher")
    triples = [(ds, _n(RDF_TYPE), _n(DCAT + "Dataset")), *_common(ds, figures),
               (ds, _n(DCAT + "version"), ox.Literal(__version__)), (ds, _n(DCTERMS + "publisher"), publisher),
               (publisher, _n(RDF_TYPE), _n(FOAF + "Agent")), (publisher, _n(FOAF + "name"), ox.Literal(PUBLISHER)),
               (ds, _n(DCAT + "landingPage"), _n(base_iri))]
    if figures.earliest or figures.latest:
        period = _n(dataset_iri(base_iri) + "#temporal")
        triples += [(ds, _n(DCTERMS + "temporal"), period), (period, _n(RDF_TYPE), _n(DCTERMS + "PeriodOfTime"))]
        triples += [(period, _n(DCAT + prop), ox.Literal(day, datatype=_n(XSD + "date")))
                    for prop, day in (("startDate", figures.earliest), ("endDate", figures.latest)) if day]
    for place, label in figures.places.items():
        triples += [(ds, _n(DCTERMS + "spatial"), _n(place)), (_n(place), _n(RDF_TYPE), _n(DCTERMS + "Location")),
                    (_n(place), _n(RDFS_LABEL), ox.Literal(label, language="en"))]
    service = _n(base_iri + "sparql")
    triples += [(service, _n(RDF_TYPE), _n(DCAT + "DataService")), (service, _n(DCAT + "endpointURL"), service),
                (service, _n(DCAT + "servesDataset"), ds),
                (service, _n(DCTERMS + "conformsTo"), _n("https://www.w3.org/TR/sparql11-protocol/"))]
    for info in files:
        dist = _n(f"{dataset_iri(base_iri)}/distribution/{info.name}")
        checksum = _n(f"{dataset_iri(base_iri)}/distribution/{info.name}#sha256")
        triples += [(ds, _n(DCAT + "distribution"), dist), (dist, _n(RDF_TYPE), _n(DCAT + "Distribution")),
                    (dist, _n(DCTERMS + "title"), ox.Literal(info.name)),
                    (dist, _n(DCAT + "downloadURL"), _n(download_url(base_iri, info.name))),
                    (dist, _n(DCAT + "mediaType"), _n(IANA + info.media_type)),
                    (dist, _n(DCAT + "byteSize"), _int(info.size, XSD + "nonNegativeInteger")),
                    (dist, _n(DCTERMS + "license"), _n(LICENSE)), (dist, _n(SPDX + "checksum"), checksum),
                    (checksum, _n(RDF_TYPE), _n(SPDX + "Checksum")),
                    (checksum, _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256")),
                    (checksum, _n(SPDX + "checksumValue"), ox.Literal(info.sha256, datatype=_n(XSD + "hexBinary")))]
        if info.compressed:
            triples.append((dist, _n(DCAT + "compressFormat"), _n(IANA + "application/gzip")))
    _serialize(triples, path)


def schema_org(figures: Figures, files: list[FileInfo], *, base_iri: str) -> dict[str, object]:
    """The schema.org Dataset, as a JSON-LD object."""
    payload: dict[str, object] = {
        "@context": "https://schema.org/", "@type": "Dataset", "@id": dataset_iri(base_iri),
        "name": title(figures), "description": description(figures), "version": __version__, "license": LICENSE,
        "url": base_iri, "publisher": {"@type": "Organization", "name": PUBLISHER},
        "creator": {"@type": "Organization", "name": PUBLISHER},
        "distribution": [{"@type": "DataDownload", "contentUrl": download_url(base_iri, f.name),
                          "encodingFormat": GZIP_TYPE if f.compressed else f.media_type,
                          "contentSize": f"{f.size} B", "sha256": f.sha256} for f in files],
    }
    if figures.earliest or figures.latest:
        payload["temporalCoverage"] = f"{figures.earliest or '..'}/{figures.latest or '..'}"
    if figures.places:
        payload["spatialCoverage"] = [{"@type": "Place", "@id": place, "name": label}
                                      for place, label in figures.places.items()]
    return payload


GZIP_TYPE = "application/gzip"
VOID_FILE, DCAT_FILE, SCHEMA_FILE = "void.ttl", "dcat.ttl", "dataset.jsonld"


def describe_dataset(folder: Path, figures: Figures, file_names: Iterable[str], media_types: dict[str, str], *,
                     base_iri: str) -> dict[str, int]:
    """Write void.ttl, dcat.ttl and dataset.jsonld into the build folder; their sizes by name."""
    files = file_infos(folder, (n for n in file_names if n.endswith((".gz", ".csv")) or n in media_types),
                       media_types)
    write_void(folder / VOID_FILE, figures, files, base_iri=base_iri)
    write_dcat(folder / DCAT_FILE, figures, files, base_iri=base_iri)
    (folder / SCHEMA_FILE).write_text(json.dumps(schema_org(figures, files, base_iri=base_iri), indent=2,
                                                 ensure_ascii=False) + "\n", encoding="utf-8")
    return {name: (folder / name).stat().st_size for name in (VOID_FILE, DCAT_FILE, SCHEMA_FILE)}
