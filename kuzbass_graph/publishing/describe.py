"""The description of each resource, the document its IRI dereferences to.

For a resource R (an entity, claim, passage, source, statement...) the description is its concise bounded
description (every statement with R as subject, following blank nodes) plus what a reader needs: the
statements with R as object, the labels and kz: types of every linked resource, and for each cited statement
its rdf:Statement node, the claims citing it, their quotes and the passages with their line numbers.
The analysis graph's measurements are left out: each is described on request, and SPARQL ranks by them.
`Index` reads the dataset once; `describe` then costs a few dictionary lookups per statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import DEFAULT_BASE, KZ, RDF, RDF_TYPE, RDFS_LABEL, SKOS

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Subject = ox.NamedNode | ox.BlankNode

_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = RDF + "subject", RDF + "predicate", RDF + "object"
_CITATION, _QUOTE, _PASSAGE, _LINE = KZ + "citation", KZ + "quote", KZ + "passage", KZ + "lineNumber"


@dataclass
class Index:
    """The dataset, indexed for descriptions. Built with Index.of(quads, base_iri=...)."""

    base_iri: str
    out: dict[Subject, list[tuple[ox.NamedNode, Term]]] = field(default_factory=lambda: defaultdict(list))
    into: dict[Term, list[tuple[Subject, ox.NamedNode]]] = field(default_factory=lambda: defaultdict(list))
    statement_of: dict[tuple[Subject, ox.NamedNode, Term], ox.NamedNode] = field(default_factory=dict)
    ontology: dict[Subject, list[tuple[ox.NamedNode, Term]]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[Term, str] = field(default_factory=dict)
    by_predicate: dict[tuple[Subject, str], list[Term]] = field(default_factory=lambda: defaultdict(list))
    _citations: dict[tuple[Subject, ox.NamedNode, Term], list[Citation]] = field(default_factory=dict)

    @property
    def id_space(self) -> str:
        return self.base_iri + "id/"

    @classmethod
    def of(cls, quads: Iterable[ox.Quad], *, base_iri: str = DEFAULT_BASE) -> Index:
        index = cls(base_iri)
        ontology_graph = base_iri + "graph/ontology"
        analysis_graph = ox.NamedNode(base_iri + "graph/analysis")
        parts: dict[ox.NamedNode, dict[str, Term]] = defaultdict(dict)
        seen: set[tuple[Subject, ox.NamedNode, Term]] = set()
        for quad in quads:
            if quad.graph_name == analysis_graph:
                continue  # measurements: described on request, and not listed as links of every entity
            s: Subject = quad.subject  # type: ignore[assignment]  # RDF 1.1 data: no triple terms
            p, o = quad.predicate, quad.object
            assert not isinstance(o, ox.Triple)
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value == ontology_graph:
                index.ontology[s].append((p, o))
                if p.value == RDFS_LABEL and isinstance(o, ox.Literal) and (o.language or "en") == "en":
                    index.labels.setdefault(s, o.value)
                continue
            if (s, p, o) in seen:
                continue  # the same triple in two graphs
            seen.add((s, p, o))
            index.out[s].append((p, o))
            index.by_predicate[(s, p.value)].append(o)
            if p.value == RDFS_LABEL and isinstance(o, ox.Literal) and s not in index.labels:
                index.labels[s] = o.value
            if not isinstance(o, ox.Literal):
                index.into[o].append((s, p))
            if p.value in (_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT) and isinstance(s, ox.NamedNode):
                parts[s][p.value] = o
        for statement, spo in parts.items():
            if len(spo) == 3:
                index.statement_of[(spo[_RDF_SUBJECT], spo[_RDF_PREDICATE], spo[_RDF_OBJECT])] = statement  # type: ignore[index]
        return index

    # --- lookups --------------------------------------------------------------------------------

    def values(self, subject: Subject, predicate: str) -> list[Term]:
        return self.by_predicate.get((subject, predicate), [])

    def value(self, subject: Subject, predicate: str) -> Term | None:
        found = self.values(subject, predicate)
        return found[0] if found else None

    def label(self, term: Term) -> str:
        if isinstance(term, ox.Literal):
            return term.value
        found = self.labels.get(term)
        if found is not None:
            return found
        text = term.value if isinstance(term, ox.NamedNode) else str(term)
        return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def resources(self) -> list[ox.NamedNode]:
        """Every IRI of the instance space that is described (as subject), without fragments, sorted."""
        found = {s for s in self.out if isinstance(s, ox.NamedNode) and s.value.startswith(self.id_space)
                 and "#" not in s.value}
        return sorted(found, key=lambda n: n.value)

    def citations(self, s: Subject, p: ox.NamedNode, o: Term) -> list[Citation]:
        key = (s, p, o)
        if key not in self._citations:
            self._citations[key] = self._cite(s, p, o)
        return self._citations[key]

    def _cite(self, s: Subject, p: ox.NamedNode, o: Term) -> list[Citation]:
        statement = self.statement_of.get((s, p, o))
        if statement is None:
            return []
        cited = []
        for claim in self.values(statement, _CITATION):
            if not isinstance(claim, ox.NamedNode):
                continue
            quote = self.value(claim, _QUOTE)
            passage = self.value(claim, _PASSAGE)
            line = self.value(passage, _LINE) if isinstance(passage, ox.NamedNode) else None
            cited.append(Citation(claim, quote.value if isinstance(quote, ox.Literal) else "",
                                  passage if isinstance(passage, ox.NamedNode) else None,
                                  int(line.value) if isinstance(line, ox.Literal) else None))
        return sorted(cited, key=lambda c: (c.line or 0, c.claim.value))

    # --- descriptions ---------------------------------------------------------------------------

    def describe(self, resource: ox.NamedNode) -> list[ox.Triple]:
        triples: set[ox.Triple] = set()
        todo: list[Subject] = [resource]
        done: set[Subject] = set()
        about: list[tuple[Subject, ox.NamedNode, Term]] = []
        while todo:  # the concise bounded description: outgoing, following blank nodes and hash IRIs
            node = todo.pop()
            if node in done:
                continue
            done.add(node)
            for p, o in self.out.get(node, ()):
                triples.add(ox.Triple(node, p, o))
                about.append((node, p, o))
                if isinstance(o, ox.BlankNode) or (isinstance(o, ox.NamedNode) and o.value.startswith(
                        resource.value + "#")):
                    todo.append(o)  # type: ignore[arg-type]
        for s, p in self.into.get(resource, ()):
            if p.value in (_RDF_SUBJECT, _RDF_OBJECT, _CITATION):
                continue  # reification and citations are added per statement below
            triples.add(ox.Triple(s, p, resource))
            about.append((s, p, resource))
        linked: set[Subject] = set()
        for s, p, o in about:
            for node in (s, o):  # type: ignore[assignment]
                if isinstance(node, ox.NamedNode | ox.BlankNode) and node != resource and p.value != RDF_TYPE:
                    linked.add(node)
            statement = self.statement_of.get((s, p, o))
            if statement is None:
                continue
            for sp, so in self.out.get(statement, ()):
                triples.add(ox.Triple(statement, sp, so))
            for claim in self.values(statement, _CITATION):
                if not isinstance(claim, ox.NamedNode):
                    continue
                for cp, co in self.out.get(claim, ()):
                    if cp.value in (_QUOTE, _PASSAGE, RDFS_LABEL, RDF_TYPE):
                        triples.add(ox.Triple(claim, cp, co))
                        if cp.value == _PASSAGE:
                            linked.add(co)  # type: ignore[arg-type]
                            for line in self.values(co, _LINE):  # type: ignore[arg-type]
                                triples.add(ox.Triple(co, ox.NamedNode(_LINE), line))  # type: ignore[arg-type]
        for node in linked:
            for p, o in self.out.get(node, ()):
                if p.value in (RDFS_LABEL, SKOS + "prefLabel") or (
                        p.value == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value.startswith(KZ)):
                    triples.add(ox.Triple(node, p, o))
        return sorted(triples, key=str)


@dataclass(frozen=True)
class Citation:
    claim: ox.NamedNode
    quote: str
    passage: ox.NamedNode | None
    line: int | None
