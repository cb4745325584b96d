"""What the pages read from the compiled store, fetched once with a few SPARQL queries: entities with labels
and classes, passages, claims with their quotes and the entities they mention, dated statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import ID, PREFIXES

ON_REQUEST = ("statement/", "analysis/")  # described by `kuzbass serve` on request, no page file


@dataclass
class Passage:
    iri: str
    source: str
    line: int
    text: str
    kind: str
    section: str | None

    @property
    def anchor(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class Claim:
    iri: str
    quote: str
    passage: str
    entities: list[str] = field(default_factory=list)


@dataclass
class Dated:
    entity: str
    relation: str
    code: str
    claims: list[str] = field(default_factory=list)


@dataclass
class SiteGraph:
    labels: dict[str, str]
    classes: dict[str, tuple[str, str]]  # class IRI -> (label, comment)
    members: dict[str, list[str]]  # class IRI -> entity IRIs
    kinds: dict[str, list[str]]  # entity IRI -> its own kz: classes (most specific asserted)
    descriptions: dict[str, str]
    passages: list[Passage]
    claims: dict[str, Claim]
    dated: list[Dated]
    store: ox.Store

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def has_page(self, iri: str) -> bool:
        return iri.startswith(ID) and "#" not in iri and not iri[len(ID):].startswith(ON_REQUEST)

    def claims_in(self, passage: str) -> list[Claim]:
        return self._by_passage.get(passage, [])

    def __post_init__(self) -> None:
        self._by_passage: dict[str, list[Claim]] = defaultdict(list)
        for claim in sorted(self.claims.values(), key=lambda c: c.iri):
            self._by_passage[claim.passage].append(claim)


def _rows(store: ox.Store, query: str) -> list[list[str | None]]:
    result = store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [[None if s[n] is None else s[n].value for n in names] for s in result]  # type: ignore[union-attr]


def read_graph(store: ox.Store) -> SiteGraph:
    labels: dict[str, str] = {}
    for iri, label in _rows(store, "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), 'en') "
                                   "|| LANG(?l) = '') }"):
        if iri is not None and label is not None:
            labels.setdefault(iri, label)
    classes: dict[str, tuple[str, str]] = {}
    for iri, label, comment in _rows(store, "SELECT ?c ?l ?comment WHERE { ?c a owl:Class "
                                            "FILTER(STRSTARTS(STR(?c), STR(kz:))) OPTIONAL { ?c rdfs:label ?l } "
                                            "OPTIONAL { ?c rdfs:comment ?comment } }"):
        if iri is not None and iri not in classes:
            name = label or iri.rsplit("#", 1)[-1]
            classes[iri] = (name[:1].upper() + name[1:], comment or "")  # a heading: "Person", "State enterprise"
    members: dict[str, list[str]] = defaultdict(list)
    for entity, cls in _rows(store, "SELECT DISTINCT ?e ?c WHERE { ?e a kz:Entity ; a ?c "
                                    "FILTER(STRSTARTS(STR(?c), STR(kz:)) && ?c != kz:Entity) }"):
        if entity is not None and cls is not None:
            members[cls].append(entity)
    parents: dict[str, set[str]] = defaultdict(set)
    for cls, parent in _rows(store, "SELECT ?c ?p WHERE { ?c rdfs:subClassOf ?p FILTER(isIRI(?p)) }"):
        if cls is not None and parent is not None:
            parents[cls].add(parent)
    above: dict[str, set[str]] = {}

    def ancestors(cls: str) -> set[str]:
        if cls not in above:
            above[cls] = set()  # a cycle stops here
            found = set(parents.get(cls, ()))
            for parent in list(found):
                found |= ancestors(parent)
            above[cls] = found - {cls}
        return above[cls]

    types: dict[str, set[str]] = defaultdict(set)
    for cls, entities in members.items():
        for entity in entities:
            types[entity].add(cls)
    kinds = {e: sorted(c for c in cs if not any(c in ancestors(d) for d in cs if d != c)) for e, cs in types.items()}
    descriptions = {e: d for e, d in _rows(store, "SELECT ?e ?d WHERE { ?e a kz:Entity ; dcterms:description ?d }")
                    if e is not None and d is not None}
    passages = [Passage(p, s.rsplit("/", 1)[-1], int(n), t, k or "", sec)  # type: ignore[arg-type]
                for p, s, n, t, k, sec in _rows(store, (
                    "SELECT ?p ?s ?n ?t ?k ?sec WHERE { ?p a kz:Passage ; kz:inSource ?s ; kz:lineNumber ?n ; "
                    "kz:passageText ?t OPTIONAL { ?p kz:passageKind ?k } OPTIONAL { ?p kz:sectionTitle ?sec } } "
                    "ORDER BY ?s ?n"))]
    claims: dict[str, Claim] = {}
    for claim, quote, passage in _rows(store, "SELECT ?c ?q ?p WHERE { ?c kz:passage ?p ; kz:quote ?q }"):
        if claim is not None and quote is not None and passage is not None:
            claims[claim] = Claim(claim, quote, passage)
    for entity, claim in _rows(store, "SELECT ?e ?c WHERE { ?e kz:mentionedIn ?c } ORDER BY ?e"):
        if claim in claims and entity is not None and entity not in claims[claim].entities:
            claims[claim].entities.append(entity)
    cited: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for s, p, o, c in _rows(store, "SELECT ?s ?p ?o ?c WHERE { ?st rdf:subject ?s ; rdf:predicate ?p ; "
                                   "rdf:object ?o ; kz:citation ?c FILTER(isLiteral(?o)) }"):
        cited[(s, p, o)].append(c)  # type: ignore[index, arg-type]
    dated = [Dated(e, p, d, sorted(cited.get((e, p, d), [])))  # type: ignore[arg-type]
             for e, p, d in _rows(store, (
                 "SELECT DISTINCT ?e ?p ?d WHERE { ?e a kz:Entity ; ?p ?d FILTER(isLiteral(?d) && "
                 "STRSTARTS(STR(?p), STR(kz:)) && (?p = kz:date || STRENDS(STR(?p), 'Date'))) }"))]
    return SiteGraph(labels, classes, dict(members), dict(kinds), descriptions, passages, claims, dated, store)
