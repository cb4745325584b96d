"""Compile the curated workspace into the published graphs: ontology, data and provenance.

- data: the statements of every claim and the entity descriptions, blank nodes replaced by stable IRIs,
  plus materialized inferences (rule shortcuts, super-properties, inverses, types, date bounds,
  OWL-Time intervals, kz:mentionedIn);
- provenance: every cited statement reified as rdf:Statement with kz:citation to its claims; each claim
  as a W3C Web Annotation whose target is the passage with an oa:TextQuoteSelector; passages; sources.

Each curated file is compiled on its own into a file unit (`build/units.py`), through an executor (a local
process pool by default, or Dask) and a cache that reuses the units of unchanged files. The merge loads the
units into one store and runs the steps that need the whole graph: an entity's date interval from all its
dates, the rules (SPARQL CONSTRUCT over the asserted statements and the dates) and what follows from
both, labels of helper nodes (quantities, memberships, rankings, states, comparisons) from their parts,
and the sources with their passages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .build.cache import UnitCache, code_fingerprint, ontology_fingerprint, unit_key
from .build.executor import Executor, SerialExecutor
from .build.units import DateBound, Derivation, FileUnit, Triple, compile_file, statement_iri, symmetric_closure
from .errors import read_utf8
from .loader import ONTOLOGY_GRAPH, SOURCES_GRAPH, Workspace
from .namespaces import CLAIM, GRAPH, ID, KZ, LINK, NODE, RDF, RDF_TYPE, RDFS_LABEL, TIME, XSD
from .ontology import OntologyIndex
from .sources import passage_iri, source_iri

DATA_GRAPH = ox.NamedNode(GRAPH + "data")
PROVENANCE_GRAPH = ox.NamedNode(GRAPH + "provenance")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE = _n(RDF_TYPE)
LABEL = _n(RDFS_LABEL)
HELPER_NODE_TYPES = ("Quantity", "Membership", "Ranking", "State", "Comparison")


@dataclass
class Compiled:
    """The published dataset: an Oxigraph store with the ontology, data and provenance graphs; the asserted
    statements (before any inference) in a store of their own; and how the file units were obtained."""

    store: ox.Store
    counts: dict[str, int] = field(default_factory=dict)
    asserted: ox.Store = field(default_factory=ox.Store)
    units: dict[str, object] = field(default_factory=dict)

    @property
    def reasoner_input(self) -> list[ox.Triple]:
        """The asserted statements (the data the curators wrote), as triples."""
        return [q.triple for q in self.asserted]


def _combine(bounds: list[tuple[str, object, object]]) -> tuple[object, object]:
    """Earliest and latest day allowed by all the date constraints of one entity (see _Builder.dates)."""
    within = [(low, high) for kind, low, high in bounds if kind == "within"]
    starts = [low for kind, low, _ in bounds if kind == "start" and low is not None]
    ends = [high for kind, _, high in bounds if kind == "end" and high is not None]
    lows = [low for low, _ in within if low is not None] + ([min(starts)] if starts else [])  # type: ignore[type-var]
    highs = [high for _, high in within if high is not None] + ([max(ends)] if ends else [])  # type: ignore[type-var]
    earliest = max(lows) if lows else None  # type: ignore[type-var]
    latest = min(highs) if highs else None  # type: ignore[type-var]
    if earliest is not None and latest is not None and earliest > latest:  # type: ignore[operator]
        every_low = [b[1] for b in bounds if b[1] is not None]
        every_high = [b[2] for b in bounds if b[2] is not None]
        earliest = min(every_low) if every_low else None  # type: ignore[type-var]
        latest = max(every_high) if every_high else None  # type: ignore[type-var]
    return earliest, latest


def day_start(day: dt.date) -> ox.Literal:
    """A computed day bound as an OWL 2 datatype: xsd:dateTime at midnight starting the day, no time zone
    (xsd:date is not in the OWL 2 datatype map; the sources give days, never a time or a zone)."""
    return ox.Literal(f"{day.isoformat()}T00:00:00", datatype=_n(XSD + "dateTime"))


def _dates(bounds: Iterable[DateBound]) -> list[Triple]:
    """kz:earliest/kz:latest and an OWL-Time interval for each dated entity, from all its constraints.

    Start-like properties bound only the beginning, end-like ones only the end; every other date
    property places the entity within an interval, and several such intervals intersect. When the
    constraints contradict each other, the bounds widen to the union of all of them.
    """
    bounds_of: dict[str, list[tuple[str, object, object]]] = defaultdict(list)
    for iri, kind, low, high in bounds:
        bounds_of[iri].append((kind, low, high))
    triples: list[Triple] = []
    for iri, entity_bounds in sorted(bounds_of.items()):
        entity = _n(iri)
        first_day, last_day = _combine(entity_bounds)
        span = _n(iri + "#timespan")
        triples += [(entity, _n(KZ + "hasTimeSpan"), span), (span, TYPE, _n(KZ + "TimeSpan")),
                    (span, TYPE, _n(TIME + "ProperInterval"))]
        for bound, day_value, link, prop in (("begin", first_day, "hasBeginning", "earliest"),
                                              ("end", last_day, "hasEnd", "latest")):
            if day_value is None:
                continue
            day = day_start(day_value)  # type: ignore[arg-type]
            instant = _n(f"{iri}#{bound}")
            triples += [(entity, _n(KZ + prop), day), (span, _n(TIME + link), instant),
                        (instant, TYPE, _n(TIME + "Instant")), (instant, _n(TIME + "inXSDDateTime"), day)]
    return triples


def _rules(rules_dir: Path, asserted: ox.Store, dates: list[Triple], ontology: Iterable[ox.Quad]) -> list[Triple]:
    """What the rules (SPARQL CONSTRUCT, ontology/rules/*.rq) make of the asserted statements and dates."""
    rules = sorted(rules_dir.glob("*.rq")) if rules_dir.is_dir() else []
    if not rules:
        return []
    scratch_dates, scratch_ontology = _n(GRAPH + "scratch/dates"), _n(GRAPH + "scratch/ontology")
    asserted.extend(ox.Quad(s, p, o, scratch_dates) for s, p, o in dates)
    asserted.extend(ox.Quad(q.subject, q.predicate, q.object, scratch_ontology) for q in ontology)
    try:
        made: list[Triple] = []
        for rule in rules:
            result = asserted.query(read_utf8(rule), use_default_graph_as_union=True)
            made += [(t.subject, t.predicate, t.object) for t in result]  # type: ignore[misc, union-attr]
        return made
    finally:
        asserted.remove_graph(scratch_dates)
        asserted.remove_graph(scratch_ontology)


def _node_labels(store: ox.Store, vocabulary: dict[ox.NamedNode, ox.Literal]) -> list[Triple]:
    """Readable labels for unlabelled quantities, memberships, rankings, states and comparisons, made from
    their parts (the first value of each property, in term order)."""
    def values(subject: object, predicate: str) -> list:  # type: ignore[type-arg]
        found = [q.object for q in store.quads_for_pattern(subject, _n(predicate), None, DATA_GRAPH)]  # type: ignore[arg-type]
        return sorted(found, key=str)

    def label_of(term: object) -> str:
        if isinstance(term, ox.Literal):
            return term.value
        labels = values(term, RDFS_LABEL) if isinstance(term, ox.NamedNode) else []
        if labels:
            return labels[0].value  # type: ignore[no-any-return]
        if term in vocabulary:
            return vocabulary[term].value  # type: ignore[index]
        return str(term).rsplit("/", 1)[-1].strip(">")

    def first(subject: ox.NamedNode, name: str) -> object | None:
        found = values(subject, KZ + name)
        return found[0] if found else None

    subjects: dict[ox.NamedNode, set[str]] = defaultdict(set)
    for kind in HELPER_NODE_TYPES:
        for q in store.quads_for_pattern(None, TYPE, _n(KZ + kind), DATA_GRAPH):
            subjects[q.subject].add(kind)  # type: ignore[index]
    labels: list[Triple] = []
    for subject, kinds in sorted(subjects.items(), key=lambda item: str(item[0])):
        if next(store.quads_for_pattern(subject, LABEL, None, DATA_GRAPH), None) is not None:
            continue
        if "Quantity" in kinds:
            value = first(subject, "value")
            low = first(subject, "minValue")
            text = label_of(value) if value is not None else (
                f"{label_of(low)}-{label_of(first(subject, 'maxValue') or '')}" if low is not None else "")
            hedge, unit = first(subject, "hedge"), first(subject, "unit")
            text = " ".join(part for part in [label_of(hedge) if hedge is not None else "", text,
                                              label_of(unit) if unit is not None else ""] if part)
            measure = first(subject, "measure")
            if measure is not None:
                text += f" ({label_of(measure)})"
        elif "Membership" in kinds:
            role = first(subject, "role") or first(subject, "roleLabel")
            member, organization = first(subject, "member"), first(subject, "organization")
            parts = [label_of(member)] if member is not None else []
            parts += [label_of(role)] if role is not None else []
            parts += [label_of(organization)] if organization is not None else []
            text = ", ".join(parts[:2]) + (f" of {parts[2]}" if len(parts) > 2 else "")
        elif "Ranking" in kinds:
            text = " ".join(label_of(v) for v in (first(subject, "rank"), first(subject, "rankScope")) if v is not None)
            within = first(subject, "rankWithin")
            if within is not None:
                text += f" ({label_of(within)})"
        elif "State" in kinds:
            text = label_of(first(subject, "stateText") or "")
        else:
            text = " ".join(label_of(v) for v in (first(subject, "comparison"), first(subject, "comparedWith"))
                            if v is not None)
        labels.append((subject, LABEL, ox.Literal(text.strip(), language="en")))
    return labels


def _sources(ws: Workspace, onto: OntologyIndex) -> list[Triple]:
    """The sources (with their SHA-256) and every passage, plus the sources' own descriptions."""
    prov: list[Triple] = []
    for name, source in ws.sources.items():
        src = _n(source_iri(name))
        prov += [(src, TYPE, _n(KZ + "Source")), (src, _n(KZ + "sha256"), ox.Literal(source.sha256)),
                 (src, _n(KZ + "filePath"),
                  ox.Literal(source.path.relative_to(ws.settings.root).as_posix()
                             if source.path.is_relative_to(ws.settings.root) else source.path.name))]
        for line, passage in source.passages.items():
            node = _n(passage_iri(name, line))
            prov += [(node, TYPE, _n(KZ + "Passage")), (node, _n(KZ + "inSource"), src),
                     (node, LABEL, ox.Literal(f"{name}, line {line}", language="en")),
                     (node, _n(KZ + "lineNumber"), ox.Literal(str(line), datatype=_n(XSD + "integer"))),
                     (node, _n(KZ + "passageText"), ox.Literal(passage.text.strip())),
                     (node, _n(KZ + "passageKind"), ox.Literal(passage.kind.value))]
            if passage.section:
                prov.append((node, _n(KZ + "sectionTitle"), ox.Literal(passage.section)))
    prov.extend(q.triple for q in ws.store.quads_for_pattern(None, None, None, SOURCES_GRAPH))  # type: ignore[misc]
    return symmetric_closure(prov, onto.symmetric)


def _unit_task(onto: OntologyIndex, path: str, content: bytes) -> FileUnit:
    return compile_file(path, content, onto)


BATCH_BYTES = 32 << 20  # curated bytes compiled per executor call: units in memory stay bounded


def iter_file_units(ws: Workspace, onto: OntologyIndex, *, executor: Executor | None = None,
                    cache: UnitCache | None = None, batch_bytes: int = BATCH_BYTES) -> Iterator[FileUnit]:
    """A unit per curated file, in file order: from the cache where the file, the ontology and the code are
    unchanged, compiled through the executor otherwise (and then cached). Files go to the executor in
    batches of about `batch_bytes` of curated input, so only one batch's units are held at a time."""
    cache = cache or UnitCache(None)
    ontology = ontology_fingerprint(f.path for f in ws.ontology_files)
    code = code_fingerprint()
    keys: set[str] = set()
    start = 0
    while start < len(ws.files):
        end, size = start, 0
        while end < len(ws.files) and (end == start or size < batch_bytes):
            size += ws.files[end].path.stat().st_size
            end += 1
        batch = ws.files[start:end]
        contents = [f.path.read_bytes() for f in batch]
        batch_keys = [unit_key(content, ontology=ontology, code=code) for content in contents]
        keys.update(batch_keys)
        units: dict[int, FileUnit] = {}
        todo: list[int] = []
        for i, key in enumerate(batch_keys):
            unit = cache.get(key)
            if unit is None:
                todo.append(i)
            else:
                units[i] = unit
                cache.reused.append(batch[i].path.name)
        made = (executor or SerialExecutor()).map(_unit_task, onto, [(str(batch[i].path), contents[i]) for i in todo])
        for i, unit in zip(todo, made, strict=True):
            units[i] = unit
            cache.put(batch_keys[i], unit)
            cache.compiled.append(batch[i].path.name)
        del contents, made
        for i in range(len(batch)):
            yield units.pop(i)
        start = end
    cache.keep_only(keys)


def file_units(ws: Workspace, onto: OntologyIndex, *, executor: Executor | None = None,
               cache: UnitCache | None = None) -> list[FileUnit]:
    """Every file's unit (iter_file_units), as a list."""
    return list(iter_file_units(ws, onto, executor=executor, cache=cache))


def _count(store: ox.Store, query: str) -> int:
    rows = list(store.query(query))  # type: ignore[arg-type]
    return int(rows[0][0].value) if rows else 0  # type: ignore[index]


class _Graphs:
    """Where the units' N-Triples go: loaded into the in-memory stores unit by unit, or, for on-disk stores,
    appended to one file per graph in `folder` and bulk-loaded once at the end (one bulk load per graph
    instead of one transaction per unit)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        if folder is None:
            self.store, self.asserted = ox.Store(), ox.Store()
            self.spools: dict[str, BinaryIO] = {}
        else:
            folder.mkdir(parents=True, exist_ok=True)
            self.store, self.asserted = ox.Store(str(folder / "compiled")), ox.Store(str(folder / "asserted"))
            self.spools = {name: (folder / f"{name}.nt").open("wb") for name in ("asserted", "data", "provenance")}

    def add(self, unit: FileUnit) -> None:
        if self.folder is None:
            self.asserted.load(unit.asserted, format=ox.RdfFormat.N_TRIPLES, to_graph=DATA_GRAPH)
            self.store.load(unit.data, format=ox.RdfFormat.N_TRIPLES, to_graph=DATA_GRAPH)
            self.store.load(unit.provenance, format=ox.RdfFormat.N_TRIPLES, to_graph=PROVENANCE_GRAPH)
            return
        for name, lines in (("asserted", unit.asserted), ("data", unit.data), ("provenance", unit.provenance)):
            self.spools[name].write(lines)

    def load(self) -> None:
        """Bulk-load the spooled files (on-disk stores) and remove them."""
        for name, spool in self.spools.items():
            spool.close()
            target = self.asserted if name == "asserted" else self.store
            target.bulk_load(path=spool.name, format=ox.RdfFormat.N_TRIPLES,
                             to_graph=PROVENANCE_GRAPH if name == "provenance" else DATA_GRAPH)
            Path(spool.name).unlink()
        self.spools = {}

    def extend(self, store: ox.Store, quads: Iterable[ox.Quad]) -> None:
        (store.extend if self.folder is None else store.bulk_extend)(quads)


def compile_workspace(ws: Workspace, onto: OntologyIndex, *, executor: Executor | None = None,
                      cache: UnitCache | None = None, folder: Path | None = None) -> Compiled:
    """The published graphs of the workspace, in in-memory stores, or, with `folder`, in on-disk stores
    there (memory bounded by a batch of units, not by the size of the graph; the caller removes the
    folder)."""
    cache = cache or UnitCache(None)
    graphs = _Graphs(folder)
    store, asserted = graphs.store, graphs.asserted
    ontology_quads = list(ws.store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH))
    graphs.extend(store, ontology_quads)
    all_dates: list[DateBound] = []
    unit_counts = dict.fromkeys(("super-properties", "inverses", "types", "mentions"), 0)
    for unit in iter_file_units(ws, onto, executor=executor, cache=cache):
        graphs.add(unit)
        all_dates += unit.dates
        for name in unit_counts:  # summed over the file units
            unit_counts[name] += unit.counts.get(name, 0)
    graphs.load()
    counts: dict[str, int] = {"asserted": len(asserted)}
    counts |= unit_counts

    # whole-graph steps: dates, rules, and what follows from both triple by triple
    dates = _dates(all_dates)
    made = _rules(ws.settings.rules_dir, asserted, dates, ontology_quads)
    derivation = Derivation(onto, data=set(dates) | set(made))
    derived = derivation.close()
    before = len(store)
    graphs.extend(store, (ox.Quad(s, p, o, DATA_GRAPH) for s, p, o in derivation.data))
    counts["dates"], counts["rules"] = len(dates), len(made)
    counts["derived from dates and rules"] = len(store) - before
    for name, added in derived.items():
        counts[name] += added
    vocabulary = {q.subject: q.object for q in ws.store.quads_for_pattern(None, LABEL, None, ONTOLOGY_GRAPH)}
    labels = _node_labels(store, vocabulary)  # type: ignore[arg-type]
    graphs.extend(store, (ox.Quad(s, p, o, DATA_GRAPH) for s, p, o in labels))
    counts["node labels"] = len(labels)
    graphs.extend(store, (ox.Quad(s, p, o, PROVENANCE_GRAPH) for s, p, o in _sources(ws, onto)))

    data, prov = f"GRAPH <{DATA_GRAPH.value}>", f"GRAPH <{PROVENANCE_GRAPH.value}>"
    counts["cited statements"] = _count(store, f"SELECT (COUNT(*) AS ?n) {{ {prov} {{ ?s a <{RDF}Statement> }} }}")
    counts["ontology"] = len(ontology_quads)
    counts["data"] = _count(store, f"SELECT (COUNT(*) AS ?n) {{ {data} {{ ?s ?p ?o }} }}")
    counts["provenance"] = _count(store, f"SELECT (COUNT(*) AS ?n) {{ {prov} {{ ?s ?p ?o }} }}")
    for name, prefix in (("claims", CLAIM), ("links", LINK)):
        counts[name] = _count(store, f"SELECT (COUNT(DISTINCT ?c) AS ?n) {{ {prov} {{ ?s <{KZ}citation> ?c }} "
                                     f"FILTER(STRSTARTS(STR(?c), \"{prefix}\")) }}")
    counts["entities"] = _count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ {data} {{ ?s <{RDFS_LABEL}> ?l }} "
                                       f"FILTER(STRSTARTS(STR(?s), \"{ID}\") && !STRSTARTS(STR(?s), \"{NODE}\")) }}")
    return Compiled(store=store, counts=counts, asserted=asserted,
                    units={"executor": (executor or SerialExecutor()).description, **cache.summary()})


__all__ = ["Compiled", "DATA_GRAPH", "ONTOLOGY_GRAPH", "PROVENANCE_GRAPH", "compile_workspace", "day_start",
           "file_units", "statement_iri"]
