"""Compile the curated workspace into the published graphs: ontology, data and provenance.

- data: the statements of every claim and the entity descriptions, blank nodes replaced by stable IRIs,
  plus materialized inferences (rule shortcuts, super-properties, inverses, types, date bounds,
  OWL-Time intervals, kz:mentionedIn);
- provenance: every cited statement reified as rdf:Statement with kz:citation to its claims; each claim
  as a W3C Web Annotation whose target is the passage with an oa:TextQuoteSelector; passages; sources.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .dates import EdtfError, parse_bounds
from .errors import read_utf8
from .loader import DESCRIPTIONS_GRAPH, ONTOLOGY_GRAPH, SOURCES_GRAPH, Workspace
from .namespaces import (
    CLAIM,
    GRAPH,
    ID,
    KZ,
    LINK,
    NODE,
    OA,
    RDF,
    RDF_TYPE,
    RDFS_LABEL,
    SOURCE,
    STATEMENT,
    TIME,
    XSD,
)
from .ontology import OntologyIndex
from .sources import passage_iri, source_iri

DATA_GRAPH = ox.NamedNode(GRAPH + "data")
PROVENANCE_GRAPH = ox.NamedNode(GRAPH + "provenance")

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE = _n(RDF_TYPE)
LABEL = _n(RDFS_LABEL)
PROVENANCE_SUBJECTS = (CLAIM, LINK, ID + "reconciliation/")
START_DATES = frozenset({KZ + "startDate", KZ + "foundingDate", KZ + "openingDate"})
END_DATES = frozenset({KZ + "endDate", KZ + "dissolutionDate", KZ + "terminationDate"})
HELPER_CLASSES = frozenset({KZ + "Locatable", KZ + "Location", KZ + "Collective", KZ + "Dated"})


@dataclass
class Compiled:
    """The published dataset: an Oxigraph store with the ontology, data and provenance graphs."""

    store: ox.Store
    counts: dict[str, int] = field(default_factory=dict)
    reasoner_input: list[ox.Triple] = field(default_factory=list)


def _digest(*parts: str, size: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


def _term_key(term: object) -> str:
    return "_" if isinstance(term, ox.BlankNode) else str(term)


def _skolem_map(quads: list[ox.Quad]) -> dict[str, ox.NamedNode]:
    """A stable IRI for each blank node, from what it says and what points to it."""
    facts: dict[str, list[str]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            facts[q.subject.value].append(f"> {q.predicate} {_term_key(q.object)}")
            if q.predicate.value == RDF_TYPE and q.object.value.startswith(KZ):
                kinds[q.subject.value] = q.object.value[len(KZ):].lower()
        if isinstance(q.object, ox.BlankNode):
            facts[q.object.value].append(f"< {_term_key(q.subject)} {q.predicate}")
    mapping: dict[str, ox.NamedNode] = {}
    for blank, lines in facts.items():
        kind = kinds.get(blank)
        base = f"{ID}{kind}/" if kind in ("quantity", "membership") else NODE
        mapping[blank] = _n(base + _digest(*sorted(lines)))
    return mapping


def _skolemize(term, mapping):  # type: ignore[no-untyped-def]
    return mapping[term.value] if isinstance(term, ox.BlankNode) else term


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


def statement_iri(s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode,
                  o: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode:
    return _n(STATEMENT + _digest(str(s), str(p), str(o), size=20))


class _Builder:
    def __init__(self, ws: Workspace, onto: OntologyIndex) -> None:
        self.ws = ws
        self.onto = onto
        self.data: set[Triple] = set()
        self.prov: list[Triple] = []
        self.citations: dict[Triple, set[str]] = defaultdict(set)

    def _add(self, triples: Iterable[Triple]) -> int:
        """Add the triples not yet in the data; how many were new."""
        before = len(self.data)
        self.data.update(triples)
        return len(self.data) - before

    # --- data -------------------------------------------------------------------------------

    def collect(self) -> None:
        store = self.ws.store
        claims = {g.value for g in self.ws.claim_graphs()} | {g.value for g in self.ws.link_graphs()}
        quads = [q for q in store.quads_for_pattern(None, None, None, None)
                 if q.graph_name == DESCRIPTIONS_GRAPH or q.graph_name.value in claims]
        mapping = _skolem_map(quads)
        for q in quads:
            triple: Triple = (_skolemize(q.subject, mapping), q.predicate, _skolemize(q.object, mapping))
            if q.graph_name == DESCRIPTIONS_GRAPH:
                if q.subject.value.startswith(PROVENANCE_SUBJECTS):
                    self.prov.append(triple)
                else:
                    self.data.add(triple)
            else:
                self.data.add(triple)
                self.citations[triple].add(q.graph_name.value)

    def apply_rules(self, rules_dir: Path) -> int:
        rules = sorted(rules_dir.glob("*.rq")) if rules_dir.is_dir() else []
        if not rules:
            return 0
        scratch = ox.Store()
        scratch.extend(ox.Quad(s, p, o, DATA_GRAPH) for s, p, o in self.data)
        scratch.extend(q for q in self.ws.store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH))
        added = 0
        for rule in rules:
            result = scratch.query(read_utf8(rule), use_default_graph_as_union=True)
            added += self._add((t.subject, t.predicate, t.object) for t in result)  # type: ignore[misc, union-attr]
        return added

    def _derive(self, make: Iterable[tuple[Triple, Triple]]) -> int:
        pairs = list(make)
        for source, derived in pairs:
            if source in self.citations:
                self.citations[derived] |= self.citations[source]
        return self._add(derived for _, derived in pairs)

    def super_properties(self) -> int:
        def pairs() -> Iterator[tuple[Triple, Triple]]:
            for s, p, o in list(self.data):
                for parent in self.onto.property_ancestors(p.value) - {p.value}:
                    if parent in self.onto.properties:
                        yield (s, p, o), (s, _n(parent), o)
        return self._derive(pairs())

    def inverses(self) -> int:
        def pairs() -> Iterator[tuple[Triple, Triple]]:
            for s, p, o in list(self.data):
                if isinstance(o, ox.Literal):
                    continue
                inverse = self.onto.inverses.get(p.value)
                if inverse:
                    yield (s, p, o), (o, _n(inverse), s)  # type: ignore[misc]
                if p.value in self.onto.symmetric:
                    yield (s, p, o), (o, p, s)  # type: ignore[misc]
        return self._derive(pairs())

    def types(self) -> int:
        return self._add([(s, TYPE, _n(parent)) for s, p, o in self.data if p == TYPE and o.value.startswith(KZ)
                          for parent in self.onto.ancestors(o.value) - {o.value} - HELPER_CLASSES])

    def dates(self) -> int:
        """kz:earliest/kz:latest and an OWL-Time interval from each entity's EDTF dates.

        Start-like properties bound only the beginning, end-like ones only the end; every other date
        property places the entity within an interval, and several such intervals intersect. When the
        constraints contradict each other, the bounds widen to the union of all of them.
        """
        date_props = {p for p in self.onto.datatype_properties if KZ + "date" in self.onto.property_ancestors(p)}
        date_props -= {KZ + "earliest", KZ + "latest"}
        bounds_of: dict[ox.NamedNode, list[tuple[str, object, object]]] = defaultdict(list)
        for s, p, o in self.data:
            if p.value in date_props and isinstance(o, ox.Literal):
                try:
                    b = parse_bounds(o.value)
                except EdtfError:
                    continue  # reported by validation
                kind = "start" if p.value in START_DATES else "end" if p.value in END_DATES else "within"
                bounds_of[s].append((kind, b.earliest, b.latest))  # type: ignore[index]
        added = 0
        for entity, bounds in bounds_of.items():
            earliest, latest = _combine(bounds)
            span = _n(entity.value + "#timespan")
            new: list[Triple] = [(entity, _n(KZ + "hasTimeSpan"), span), (span, TYPE, _n(KZ + "TimeSpan")),
                                 (span, TYPE, _n(TIME + "ProperInterval"))]
            for bound, day_value, link, prop in (("begin", earliest, "hasBeginning", "earliest"),
                                                  ("end", latest, "hasEnd", "latest")):
                if day_value is None:
                    continue
                day = day_start(day_value)  # type: ignore[arg-type]
                instant = _n(f"{entity.value}#{bound}")
                new += [(entity, _n(KZ + prop), day), (span, _n(TIME + link), instant),
                        (instant, TYPE, _n(TIME + "Instant")), (instant, _n(TIME + "inXSDDateTime"), day)]
            added += self._add(new)
        return added

    def mentions(self) -> int:
        mentioned = _n(KZ + "mentionedIn")
        return self._add([(term, mentioned, _n(claim)) for triple, claims in self.citations.items()
                          for term in (triple[0], triple[2])
                          if isinstance(term, ox.NamedNode) and term.value.startswith(ID)
                          and not term.value.startswith((CLAIM, SOURCE, STATEMENT))
                          for claim in claims if claim.startswith(CLAIM)])

    def node_labels(self) -> int:
        """Readable labels for unlabelled quantities and memberships, made from their parts."""
        by_subject: dict[ox.NamedNode, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in self.data:
            by_subject[s][p.value].append(o)  # type: ignore[index]
        vocabulary = {q.subject: q.object for q in self.ws.store.quads_for_pattern(None, LABEL, None, ONTOLOGY_GRAPH)}

        def label_of(term: object) -> str:
            if isinstance(term, ox.Literal):
                return term.value
            values = by_subject.get(term, {}).get(RDFS_LABEL)  # type: ignore[call-overload]
            if values:
                return values[0].value
            if term in vocabulary:
                return vocabulary[term].value  # type: ignore[index]
            return str(term).rsplit("/", 1)[-1].strip(">")

        labels: list[Triple] = []
        for subject, props in list(by_subject.items()):
            if RDFS_LABEL in props:
                continue
            types = {t.value for t in props.get(RDF_TYPE, [])}
            first = {k: v[0] for k, v in props.items()}
            if KZ + "Quantity" in types:
                value = (label_of(first[KZ + "value"]) if KZ + "value" in first else
                         f"{label_of(first.get(KZ + 'minValue', ''))}-{label_of(first.get(KZ + 'maxValue', ''))}"
                         if KZ + "minValue" in first else "")
                parts = [label_of(first[KZ + "hedge"]) if KZ + "hedge" in first else "", value,
                         label_of(first[KZ + "unit"]) if KZ + "unit" in first else ""]
                text = " ".join(p for p in parts if p)
                if KZ + "measure" in first:
                    text += f" ({label_of(first[KZ + 'measure'])})"
            elif KZ + "Membership" in types:
                role = first.get(KZ + "role") or first.get(KZ + "roleLabel")
                parts = [label_of(first[k]) for k in (KZ + "member",) if k in first]
                parts += [label_of(role)] if role is not None else []
                parts += [label_of(first[KZ + "organization"])] if KZ + "organization" in first else []
                text = ", ".join(parts[:2]) + (f" of {parts[2]}" if len(parts) > 2 else "")
            elif KZ + "Ranking" in types:
                text = " ".join(label_of(first[k]) for k in (KZ + "rank", KZ + "rankScope") if k in first)
                if KZ + "rankWithin" in first:
                    text += f" ({label_of(first[KZ + 'rankWithin'])})"
            elif KZ + "State" in types:
                text = label_of(first.get(KZ + "stateText", ""))
            elif KZ + "Comparison" in types:
                text = " ".join(label_of(first[k]) for k in (KZ + "comparison", KZ + "comparedWith") if k in first)
            else:
                continue
            labels.append((subject, LABEL, ox.Literal(text.strip(), language="en")))
        return self._add(labels)

    # --- provenance ---------------------------------------------------------------------------

    def provenance(self) -> None:
        prov = self.prov
        cited_claims = {c for claims in self.citations.values() for c in claims if c.startswith(CLAIM)}
        quotes = {s.value: o for s, p, o in prov if p.value == KZ + "quote"}
        passages = {s.value: o for s, p, o in prov if p.value == KZ + "passage"}
        for claim in sorted(cited_claims):
            node = _n(claim)
            target, selector = _n(claim + "#target"), _n(claim + "#selector")
            prov += [(node, TYPE, _n(KZ + "Claim")), (node, TYPE, _n(OA + "Annotation")),
                     (node, _n(OA + "motivatedBy"), _n(OA + "describing")),
                     (node, _n(OA + "hasTarget"), target), (target, TYPE, _n(OA + "SpecificResource")),
                     (target, _n(OA + "hasSelector"), selector), (selector, TYPE, _n(OA + "TextQuoteSelector"))]
            if claim in passages:
                prov.append((target, _n(OA + "hasSource"), passages[claim]))  # type: ignore[arg-type]
            if claim in quotes:
                prov.append((selector, _n(OA + "exact"), quotes[claim]))  # type: ignore[arg-type]
        statement_type = _n(RDF + "Statement")
        citation = _n(KZ + "citation")
        for (s, p, o), claims in self.citations.items():
            st = statement_iri(s, p, o)
            prov += [(st, TYPE, statement_type), (st, _n(RDF + "subject"), s), (st, _n(RDF + "predicate"), p),
                     (st, _n(RDF + "object"), o)]
            prov += [(st, citation, _n(c)) for c in sorted(claims)]
        for name, source in self.ws.sources.items():
            src = _n(source_iri(name))
            prov += [(src, TYPE, _n(KZ + "Source")), (src, _n(KZ + "sha256"), ox.Literal(source.sha256)),
                     (src, _n(KZ + "filePath"),
                      ox.Literal(source.path.relative_to(self.ws.settings.root).as_posix()
                                 if source.path.is_relative_to(self.ws.settings.root) else source.path.name))]
            for line, passage in source.passages.items():
                node = _n(passage_iri(name, line))
                prov += [(node, TYPE, _n(KZ + "Passage")), (node, _n(KZ + "inSource"), src),
                         (node, LABEL, ox.Literal(f"{name}, line {line}", language="en")),
                         (node, _n(KZ + "lineNumber"), ox.Literal(str(line), datatype=_n(XSD + "integer"))),
                         (node, _n(KZ + "passageText"), ox.Literal(passage.text.strip())),
                         (node, _n(KZ + "passageKind"), ox.Literal(passage.kind.value))]
                if passage.section:
                    prov.append((node, _n(KZ + "sectionTitle"), ox.Literal(passage.section)))
        prov.extend(q.triple for q in self.ws.store.quads_for_pattern(None, None, None, SOURCES_GRAPH))  # type: ignore[misc]
        prov.extend([(o, p, s) for s, p, o in prov  # symmetric statements between claims hold both ways
                     if p.value in self.onto.symmetric and not isinstance(o, ox.Literal)])  # type: ignore[misc]


def compile_workspace(ws: Workspace, onto: OntologyIndex) -> Compiled:
    builder = _Builder(ws, onto)
    builder.collect()
    counts = {"asserted": len(builder.data), "cited statements": len(builder.citations)}
    reasoner_input = [ox.Triple(s, p, o) for s, p, o in builder.data]
    counts["dates"] = builder.dates()  # before super-properties copy end dates into kz:date
    counts["rules"] = builder.apply_rules(ws.settings.rules_dir)
    counts["super-properties"] = builder.super_properties()
    counts["inverses"] = builder.inverses()
    counts["super-properties"] += builder.super_properties()
    counts["types"] = builder.types()
    counts["mentions"] = builder.mentions()
    counts["node labels"] = builder.node_labels()
    builder.provenance()
    store = ox.Store()
    store.extend(q for q in ws.store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH))
    store.extend(ox.Quad(s, p, o, DATA_GRAPH) for s, p, o in builder.data)
    store.extend(ox.Quad(s, p, o, PROVENANCE_GRAPH) for s, p, o in builder.prov)
    counts["ontology"] = sum(1 for _ in store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH))
    counts["data"] = len(builder.data)
    counts["provenance"] = len(set(builder.prov))
    counts["claims"] = len({c for cs in builder.citations.values() for c in cs if c.startswith(CLAIM)})
    counts["links"] = len({c for cs in builder.citations.values() for c in cs if c.startswith(LINK)})
    counts["entities"] = len({s for s, p, o in builder.data if p == LABEL and s.value.startswith(ID)
                              and not s.value.startswith(NODE)})  # n-ary helper nodes (rankings) are no entities
    return Compiled(store=store, counts=counts, reasoner_input=reasoner_input)


__all__ = ["Compiled", "DATA_GRAPH", "ONTOLOGY_GRAPH", "PROVENANCE_GRAPH", "compile_workspace", "day_start",
           "statement_iri"]
