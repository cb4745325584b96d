"""Per-class CSV tables for spreadsheet users: `csv/<kind>.csv`, one row per entity of the data graph.

A table holds the entities whose IRI is `<base>id/<kind>/...` (person, organization, place, ...). Columns:
IRI, label, variants (skos:altLabel), type (the most specific classes), description, then one column per
property the entities of the table use (curators' editorial notes aside), named by the property's label
in the ontology (dates: the EDTF value), and earliest/latest (the day bounds the build computes from the
EDTF dates). A value that is an entity is written as its label. A statement implied by a more specific one
(kz:foundedBy implies schema:founder) is left out; several values share a cell, separated by " | ". Rows
are sorted by IRI and columns by name, so the same graph gives the same bytes.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import DCTERMS, DEFAULT_BASE, KZ, RDF_TYPE, RDFS, RDFS_LABEL, SKOS

SEPARATOR = " | "
# IRI kinds that are not entities: provenance, reification, helper nodes, the dataset itself
NOT_ENTITIES = frozenset({"claim", "link", "reconciliation", "source", "statement", "node", "analysis", "dataset"})
FIXED_COLUMNS = ("IRI", "label", "variants", "type", "description")
Statement = ox.Triple | ox.Quad  # a parsed N-Triples line is a quad of the default graph


def _label_of(values: list[ox.Literal]) -> str | None:
    english = [v.value for v in values if v.language in ("en", None)]
    return min(english) if english else (min(v.value for v in values) if values else None)


def _closure(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every strict ancestor of each node of a subClassOf/subPropertyOf graph."""
    result: dict[str, set[str]] = {}
    for start in edges:
        seen: set[str] = set()
        todo = list(edges[start])
        while todo:
            node = todo.pop()
            if node not in seen and node != start:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        result[start] = seen
    return result


def write_tables(ontology: Iterable[Statement], data: Callable[[], Iterable[Statement]], folder: Path, *,
                 base_iri: str) -> list[Path]:
    """Write one CSV per entity kind of the data graph into folder; the paths written, sorted.
    ontology: the ontology graph's triples; data: the data graph's triples, sorted (by subject first), each
    call a new pass (two are made: the labels, then the rows a subject at a time)."""
    kz = base_iri + KZ[len(DEFAULT_BASE):]
    id_space = base_iri + "id/"
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    super_properties: dict[str, set[str]] = defaultdict(set)
    super_classes: dict[str, set[str]] = defaultdict(set)
    for q in ontology:
        if q.predicate.value == RDFS_LABEL and isinstance(q.object, ox.Literal):
            labels[q.subject.value].append(q.object)
        elif q.predicate.value == RDFS + "subPropertyOf" and isinstance(q.object, ox.NamedNode):
            super_properties[q.subject.value].add(q.object.value)
        elif q.predicate.value == RDFS + "subClassOf" and isinstance(q.object, ox.NamedNode):
            super_classes[q.subject.value].add(q.object.value)
    for q in data():
        if q.predicate.value == RDFS_LABEL and isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
            labels[q.subject.value].append(q.object)
    property_ancestors = _closure(super_properties)
    class_ancestors = _closure(super_classes)
    date_properties = {p for p, ancestors in property_ancestors.items() if kz + "date" in ancestors}
    own = {RDF_TYPE, RDFS_LABEL, SKOS + "altLabel", DCTERMS + "description", kz + "earliest", kz + "latest",
           kz + "hasTimeSpan", kz + "mentionedIn", SKOS + "editorialNote"}  # curators' notes are not data

    def name_of(iri: str) -> str:
        return _label_of(labels.get(iri, [])) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def cell(values: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
        texts = {v.value if isinstance(v, ox.Literal) else name_of(v.value) for v in values}
        return SEPARATOR.join(sorted(texts))

    tables: dict[str, list[dict[str, str]]] = defaultdict(list)
    for term, group in groupby(data(), key=lambda t: t.subject):
        if not isinstance(term, ox.NamedNode):
            continue
        subject = term.value
        props: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
        for q in group:
            props.setdefault(q.predicate.value, []).append(q.object)  # type: ignore[arg-type]
        kind = subject[len(id_space):].split("/", 1)[0] if subject.startswith(id_space) else ""
        if not kind or kind in NOT_ENTITIES or RDFS_LABEL not in props or "/" not in subject[len(id_space):]:
            continue
        types = {t.value for t in props.get(RDF_TYPE, []) if isinstance(t, ox.NamedNode) and t.value.startswith(kz)}
        specific = {t for t in types if not any(t in class_ancestors.get(other, ()) for other in types)}
        row = {"IRI": subject, "label": cell(props[RDFS_LABEL]), "variants": cell(props.get(SKOS + "altLabel", [])),
               "type": SEPARATOR.join(sorted(name_of(t) for t in specific)),
               "description": cell(props.get(DCTERMS + "description", [])),
               "earliest": SEPARATOR.join(sorted(v.value[:10] for v in props.get(kz + "earliest", []))),
               "latest": SEPARATOR.join(sorted(v.value[:10] for v in props.get(kz + "latest", [])))}
        implied = {(ancestor, v) for p, values in props.items() for ancestor in property_ancestors.get(p, ())
                   if ancestor in props and p not in property_ancestors.get(ancestor, ()) for v in values}
        for predicate, values in props.items():
            if predicate in own:
                continue
            kept = [v for v in values if (predicate, v) not in implied]
            if kept:
                column = name_of(predicate) + (" (EDTF)" if predicate in date_properties else "")
                row[column] = cell(kept) if column not in row else SEPARATOR.join(sorted({row[column], cell(kept)}))
        tables[kind].append(row)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for kind, rows in sorted(tables.items()):
        rows.sort(key=lambda row: row["IRI"])
        extra = sorted({c for r in rows for c in r} - set(FIXED_COLUMNS) - {"earliest", "latest"}, key=str.lower)
        columns = [*FIXED_COLUMNS, *extra, "earliest", "latest"]
        path = folder / f"{kind}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written
