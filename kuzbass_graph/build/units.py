"""One curated file compiled on its own: the per-file stage of the build.

A file unit holds what a file contributes to the published graphs, computed from the file's bytes and the
ontology index alone:
- `asserted`: the file's statements and entity descriptions, blank nodes replaced by stable IRIs;
- `data`: those plus what follows from each statement by itself (super-properties, inverses, symmetric
  statements, super-classes, `kz:mentionedIn` from the citations);
- `provenance`: the file's claim metadata, a Web Annotation for each claim it cites, and an
  `rdf:Statement` with `kz:citation`s for every cited statement (derived ones keep their citations);
- `dates`: each entity's EDTF date constraints as day bounds, combined across files by the merge.

These derivations are made triple by triple, so the union of the units equals the derivation over the
union: a build from units (cached or fresh, in any order, on any machine) gives the same graphs as one
pass over every file. What needs the whole graph (date intervals of an entity dated in several files,
rules joining statements, labels of helper nodes from their parts' labels, the sources) is left to the
merge in `compile.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..dates import EdtfError, parse_bounds
from ..namespaces import CLAIM, ID, KZ, LINK, NODE, OA, RDF, RDF_TYPE, SOURCE, STATEMENT
from ..ontology import OntologyIndex

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]
DateBound = tuple[str, str, dt.date | None, dt.date | None]  # entity IRI, kind, earliest, latest

TYPE = ox.NamedNode(RDF_TYPE)
PROVENANCE_SUBJECTS = (CLAIM, LINK, ID + "reconciliation/")
START_DATES = frozenset({KZ + "startDate", KZ + "foundingDate", KZ + "openingDate"})
END_DATES = frozenset({KZ + "endDate", KZ + "dissolutionDate", KZ + "terminationDate"})
HELPER_CLASSES = frozenset({KZ + "Locatable", KZ + "Location", KZ + "Collective", KZ + "Dated"})


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def digest(*parts: str, size: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


def statement_iri(s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode,
                  o: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode:
    return _n(STATEMENT + digest(str(s), str(p), str(o), size=20))


def _term_key(term: object) -> str:
    return "_" if isinstance(term, ox.BlankNode) else str(term)


def skolem_map(quads: Iterable[ox.Quad]) -> dict[str, ox.NamedNode]:
    """A stable IRI for each blank node, from what it says and what points to it. Blank nodes never cross
    a file, so a file's map is the same whether it is made alone or with every other file."""
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
        mapping[blank] = _n(base + digest(*sorted(lines)))
    return mapping


def _skolemize(term, mapping):  # type: ignore[no-untyped-def]
    return mapping[term.value] if isinstance(term, ox.BlankNode) else term


@dataclass
class Derivation:
    """Triples with the claims citing each, closed under the ontology's triple-by-triple consequences."""

    onto: OntologyIndex
    data: set[Triple] = field(default_factory=set)
    citations: dict[Triple, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, triples: Iterable[Triple]) -> int:
        """Add the triples not yet in the data; how many were new."""
        before = len(self.data)
        self.data.update(triples)
        return len(self.data) - before

    def _derive(self, make: Iterable[tuple[Triple, Triple]]) -> int:
        pairs = list(make)
        for source, derived in pairs:
            if source in self.citations:
                self.citations[derived] |= self.citations[source]
        return self.add(derived for _, derived in pairs)

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
        return self.add([(s, TYPE, _n(parent)) for s, p, o in self.data if p == TYPE and o.value.startswith(KZ)
                         for parent in self.onto.ancestors(o.value) - {o.value} - HELPER_CLASSES])

    def close(self) -> dict[str, int]:
        """Super-properties, inverses and symmetric statements, super-properties of those, super-classes."""
        counts = {"super-properties": self.super_properties(), "inverses": self.inverses()}
        counts["super-properties"] += self.super_properties()
        counts["types"] = self.types()
        return counts

    def mentions(self) -> int:
        mentioned = _n(KZ + "mentionedIn")
        return self.add([(term, mentioned, _n(claim)) for triple, claims in self.citations.items()
                         for term in (triple[0], triple[2])
                         if isinstance(term, ox.NamedNode) and term.value.startswith(ID)
                         and not term.value.startswith((CLAIM, SOURCE, STATEMENT))
                         for claim in claims if claim.startswith(CLAIM)])


def date_bounds(triples: Iterable[Triple], onto: OntologyIndex) -> list[DateBound]:
    """Each dated entity's constraints: start-like properties bound the beginning, end-like ones the end,
    every other date property places the entity within an interval (combined in compile.py)."""
    date_props = {p for p in onto.datatype_properties if KZ + "date" in onto.property_ancestors(p)}
    date_props -= {KZ + "earliest", KZ + "latest"}
    bounds: list[DateBound] = []
    for s, p, o in triples:
        if p.value in date_props and isinstance(o, ox.Literal):
            try:
                b = parse_bounds(o.value)
            except EdtfError:
                continue  # reported by validation
            kind = "start" if p.value in START_DATES else "end" if p.value in END_DATES else "within"
            bounds.append((s.value, kind, b.earliest, b.latest))
    return sorted(bounds, key=lambda b: (b[0], b[1], str(b[2]), str(b[3])))


def _annotations(cited: Iterable[str], quotes: dict[str, ox.Literal], passages: dict[str, ox.NamedNode],
                 statements: dict[Triple, set[str]]) -> list[Triple]:
    prov: list[Triple] = []
    for claim in sorted(set(cited)):
        node = _n(claim)
        target, selector = _n(claim + "#target"), _n(claim + "#selector")
        prov += [(node, TYPE, _n(KZ + "Claim")), (node, TYPE, _n(OA + "Annotation")),
                 (node, _n(OA + "motivatedBy"), _n(OA + "describing")),
                 (node, _n(OA + "hasTarget"), target), (target, TYPE, _n(OA + "SpecificResource")),
                 (target, _n(OA + "hasSelector"), selector), (selector, TYPE, _n(OA + "TextQuoteSelector"))]
    for claim, passage in passages.items():  # a claim with a passage is cited (validation fails otherwise)
        if claim.startswith(CLAIM):
            prov.append((_n(claim + "#target"), _n(OA + "hasSource"), passage))
    for claim, quote in quotes.items():
        if claim.startswith(CLAIM):
            prov.append((_n(claim + "#selector"), _n(OA + "exact"), quote))
    statement_type = _n(RDF + "Statement")
    citation = _n(KZ + "citation")
    for (s, p, o), claims in statements.items():
        st = statement_iri(s, p, o)
        prov += [(st, TYPE, statement_type), (st, _n(RDF + "subject"), s), (st, _n(RDF + "predicate"), p),
                 (st, _n(RDF + "object"), o)]
        prov += [(st, citation, _n(c)) for c in sorted(claims)]
    return prov


def symmetric_closure(prov: list[Triple], symmetric: set[str]) -> list[Triple]:
    """Symmetric statements between claims (kz:conflictsWith) held both ways."""
    return prov + [(o, p, s) for s, p, o in prov  # type: ignore[misc]
                   if p.value in symmetric and not isinstance(o, ox.Literal)]


@dataclass
class FileUnit:
    """What one curated file contributes, as N-Triples (sorted lines) plus its date bounds."""

    path: str
    asserted: bytes
    data: bytes
    provenance: bytes
    dates: list[DateBound]
    counts: dict[str, int]


def _ntriples(triples: Iterable[Triple]) -> bytes:
    lines = sorted({f"{s} {p} {o} .\n" for s, p, o in triples})
    return "".join(lines).encode("utf-8")


def compile_file(path: str, content: bytes, onto: OntologyIndex) -> FileUnit:
    """The unit of one curated TriG file (its syntax was checked when the workspace loaded)."""
    quads = [q for q in ox.parse(content, format=ox.RdfFormat.TRIG)
             if isinstance(q.graph_name, ox.DefaultGraph)
             or (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith((CLAIM, LINK)))]
    mapping = skolem_map(quads)
    derivation = Derivation(onto)
    prov: list[Triple] = []
    for q in quads:
        triple: Triple = (_skolemize(q.subject, mapping), q.predicate, _skolemize(q.object, mapping))
        if isinstance(q.graph_name, ox.DefaultGraph):
            if q.subject.value.startswith(PROVENANCE_SUBJECTS):
                prov.append(triple)
            else:
                derivation.data.add(triple)
        else:
            derivation.data.add(triple)
            derivation.citations[triple].add(q.graph_name.value)
    asserted = _ntriples(derivation.data)
    dates = date_bounds(derivation.data, onto)
    counts = {"asserted": len(derivation.data)}
    counts |= derivation.close()
    counts["mentions"] = derivation.mentions()
    quotes = {s.value: o for s, p, o in prov if p.value == KZ + "quote"}
    passages = {s.value: o for s, p, o in prov if p.value == KZ + "passage"}
    cited = [c for claims in derivation.citations.values() for c in claims if c.startswith(CLAIM)]
    prov += _annotations(cited, quotes, passages, derivation.citations)  # type: ignore[arg-type]
    prov = symmetric_closure(prov, onto.symmetric)
    return FileUnit(path=path, asserted=asserted, data=_ntriples(derivation.data), provenance=_ntriples(prov),
                    dates=dates, counts=counts)


__all__ = ["DateBound", "Derivation", "FileUnit", "HELPER_CLASSES", "Triple", "compile_file", "date_bounds",
           "digest", "skolem_map", "statement_iri", "symmetric_closure"]
