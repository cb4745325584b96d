"""Read the built dataset (an Oxigraph store of the build) into plain records for the projections.

Only SPARQL on pyoxigraph; no rdflib. What is read:
- entities: every labelled kz:Entity under the instance space except the n-ary and value nodes
  (kz:Membership, kz:Quantity) and roles, with their most specific kz: class, label, name variants,
  nationality and the interval of their own EDTF dates;
- facts: every *cited* data triple between two entities (or an entity and a membership) by a kz: object
  property, with its rdf:Statement IRIs and the claims that cite it. Materialized inverses and
  super-properties are removed (each relation is kept once, in one canonical direction), and uncited
  triples (the shortcuts the build's rules derive from memberships and messages) are left out because
  the projections fold those n-ary nodes themselves, with their citations;
- memberships: member, organization, role, interval and the facts behind them;
- assessments (kz:State, kz:Comparison, kz:Ranking n-ary nodes): kind, interval and the facts touching them;
- claims: quote and source line of every claim.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..dates import EdtfError, parse_bounds
from ..errors import InputError
from ..namespaces import CLAIM, ID, KZ, OWL, RDF, RDFS, SKOS
from .intervals import UNDATED, Interval, from_dates

START_DATES = frozenset({KZ + "startDate", KZ + "foundingDate", KZ + "openingDate"})
END_DATES = frozenset({KZ + "endDate", KZ + "dissolutionDate", KZ + "terminationDate"})
NOT_VERTICES = frozenset({KZ + "Membership", KZ + "Quantity", KZ + "Role", KZ + "TimeSpan", KZ + "Assessment"})
# Classes whose own date is the date of the relations they take part in (an event, a document).
OCCURRENT_CLASSES = frozenset({KZ + "Event", KZ + "Work"})

PREFIXES = (f"PREFIX kz: <{KZ}>\nPREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX skos: <{SKOS}>\n"
            f"PREFIX owl: <{OWL}>\n")


@dataclass(frozen=True)
class Citation:
    claim: str
    quote: str
    line: int | None


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    kind: str  # most specific kz: class, local name ("Person", "Organization", ...)
    classes: frozenset[str] = frozenset()
    variants: tuple[str, ...] = ()
    nationality: tuple[str, ...] = ()  # labels of the countries
    interval: Interval = UNDATED

    def is_a(self, cls: str) -> bool:
        return KZ + cls in self.classes


@dataclass(frozen=True)
class Fact:
    subject: str
    predicate: str
    object: str
    statements: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class MembershipNode:
    iri: str
    label: str
    member: str | None
    organization: str | None
    role: str | None  # role label or kz:roleLabel text
    interval: Interval = UNDATED
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class AssessmentNode:
    """An n-ary kz:Assessment node (a kz:State, kz:Comparison, kz:Ranking): not an entity of its own."""

    iri: str
    kind: str  # local name of its most specific class: "State", "Comparison", "Ranking"
    interval: Interval = UNDATED
    facts: tuple[Fact, ...] = ()


@dataclass
class Dataset:
    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    memberships: dict[str, MembershipNode] = field(default_factory=dict)
    assessments: dict[str, AssessmentNode] = field(default_factory=dict)
    claims: dict[str, Citation] = field(default_factory=dict)
    relation_labels: dict[str, str] = field(default_factory=dict)  # property IRI -> rdfs:label
    inverses: dict[str, str] = field(default_factory=dict)
    version: str = ""  # the dataset version: sha256 of the sources, as the build records them

    def citations(self, claims: tuple[str, ...]) -> list[Citation]:
        return [self.claims[c] for c in claims if c in self.claims]


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


Bounds = tuple[dt.date | None, dt.date | None]
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@lru_cache(maxsize=4096)
def _bounds(text: str) -> tuple[dt.date | None, dt.date | None] | None:
    """The bounds of an EDTF date: plain years, months and days directly (the EDTF parser takes ~10 ms
    a date), anything else through kuzbass_graph.dates."""
    match = _ISO.match(text)
    if match:
        year = int(match.group(1))
        try:
            if match.group(3):
                day = dt.date(year, int(match.group(2)), int(match.group(3)))
                return day, day
            if match.group(2):
                month = int(match.group(2))
                following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
                return dt.date(year, month, 1), following - dt.timedelta(days=1)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        except ValueError:
            return None
    try:
        b = parse_bounds(text)
    except EdtfError:
        return None
    return b.earliest, b.latest


def _select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT as the values of their terms ("" when unbound)."""
    rows = []
    for solution in store.query(PREFIXES + query, use_default_graph_as_union=True):
        rows.append(tuple("" if v is None else v.value for v in solution))
    return rows


def _ontology(store: ox.Store) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, str], set[str],
                                        dict[str, str]]:
    class_parents: dict[str, set[str]] = defaultdict(set)
    for c, parent in _select(store, "SELECT ?c ?p WHERE { ?c rdfs:subClassOf ?p FILTER(isIRI(?p)) }"):
        class_parents[c].add(parent)
    prop_parents: dict[str, set[str]] = defaultdict(set)
    for p, parent in _select(store, "SELECT ?c ?p WHERE { ?c rdfs:subPropertyOf ?p }"):
        prop_parents[p].add(parent)
    inverses: dict[str, str] = {}
    for p, q in _select(store, "SELECT ?p ?q WHERE { ?p owl:inverseOf ?q }"):
        inverses[p], inverses[q] = q, p
    symmetric = {p for (p,) in _select(store, "SELECT ?p WHERE { ?p a owl:SymmetricProperty }")}
    labels = {p: label for p, label in _select(store, """SELECT ?p ?l WHERE {
        ?p a owl:ObjectProperty ; rdfs:label ?l FILTER(STRSTARTS(STR(?p), STR(kz:))) }""")}
    return class_parents, prop_parents, inverses, symmetric, labels


def _ancestors(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _intervals(store: ox.Store, date_props: set[str]) -> dict[str, Interval]:
    """Each dated node's interval from its most specific date properties (kz:date copies of end dates dropped)."""
    by_node: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, value in _select(store, """SELECT ?s ?p ?v WHERE { GRAPH ?g { ?s ?p ?v }
            FILTER(isLiteral(?v) && STRSTARTS(STR(?p), STR(kz:)) && ?p NOT IN (kz:earliest, kz:latest)) }"""):
        if p in date_props:
            by_node[s].append((p, value))
    out: dict[str, Interval] = {}
    for node, dates in by_node.items():
        specific = {v for p, v in dates if p != KZ + "date"}
        within: list[Bounds] = []
        starts: list[Bounds] = []
        ends: list[Bounds] = []
        for p, value in sorted(set(dates)):
            if p == KZ + "date" and value in specific:
                continue  # a super-property copy of a start or end date
            bounds = _bounds(value)
            if bounds is None:
                continue
            (starts if p in START_DATES else ends if p in END_DATES else within).append(bounds)
        out[node] = from_dates(within=within, starts=starts, ends=ends)
    return out


def read_dataset(store: ox.Store) -> Dataset:
    """The records the projections need, from a store holding the build's named graphs."""
    class_parents, prop_parents, inverses, symmetric, relation_labels = _ontology(store)
    date_props = {p for p in prop_parents if KZ + "date" in _ancestors(p, prop_parents)} | {KZ + "date"}
    intervals = _intervals(store, date_props)

    labels: dict[str, str] = {}
    classes: dict[str, set[str]] = defaultdict(set)
    for s, label in _select(store, "SELECT ?s ?l WHERE { ?s a kz:Entity ; rdfs:label ?l }"):
        if s.startswith(ID) and not s.startswith(CLAIM):
            labels[s] = min(labels.get(s, label), label)
    for s, c in _select(store, "SELECT ?s ?c WHERE { ?s a kz:Entity , ?c FILTER(STRSTARTS(STR(?c), STR(kz:))) }"):
        if s in labels:
            classes[s].add(c)
    variants: dict[str, set[str]] = defaultdict(set)
    for s, v in _select(store, "SELECT ?s ?v WHERE { ?s skos:altLabel ?v }"):
        variants[s].add(v)
    nationality: dict[str, set[str]] = defaultdict(set)
    for s, n in _select(store, "SELECT ?s ?l WHERE { ?s kz:nationality ?n . ?n rdfs:label ?l }"):
        nationality[s].add(n)

    def kind_of(cs: set[str]) -> str:
        specific = [c for c in cs if not any(c != d and c in _ancestors(d, class_parents) for d in cs)]
        return local_name(sorted(specific)[0]) if specific else "Entity"

    ds = Dataset(relation_labels=relation_labels, inverses=inverses)
    member_nodes = {s for s, cs in classes.items() if KZ + "Membership" in cs}
    for iri in sorted(labels):
        cs = classes[iri]
        if cs & NOT_VERTICES:
            continue
        ds.entities[iri] = Entity(iri, labels[iri], kind_of(cs), frozenset(cs), tuple(sorted(variants[iri])),
                                  tuple(sorted(nationality[iri])), intervals.get(iri, UNDATED))

    for claim, quote, line in _select(store, """SELECT ?c ?q ?n WHERE { ?c a kz:Claim ; kz:quote ?q .
            OPTIONAL { ?c kz:passage/kz:lineNumber ?n } }"""):
        ds.claims[claim] = Citation(claim, quote, int(line) if line else None)

    cited: dict[tuple[str, str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for st, s, p, o, claim in _select(store, """SELECT ?st ?s ?p ?o ?c WHERE {
            ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kz:citation ?c
            FILTER(isIRI(?o) && STRSTARTS(STR(?p), STR(kz:))) }"""):
        statements, claims = cited[(s, p, o)]
        statements.add(st)
        claims.add(claim)
    assessment_kinds: dict[str, set[str]] = defaultdict(set)
    for a, c in _select(store, "SELECT ?a ?c WHERE { ?a a kz:Assessment , ?c FILTER(STRSTARTS(STR(?c), STR(kz:))) }"):
        assessment_kinds[a].add(c)
    nodes = set(ds.entities) | member_nodes | set(assessment_kinds)
    triples = {t for t in cited if t[0] in nodes and t[2] in nodes and t[1] in relation_labels}
    kept = canonical_triples(triples, prop_parents, inverses, symmetric)

    def fact(t: tuple[str, str, str]) -> Fact:
        s, p, o = t
        statements, claims = set(cited[t][0]), set(cited[t][1])
        twin = (o, inverses[p], s) if p in inverses else (o, p, s) if p in symmetric else None
        if twin and twin in cited:
            statements |= cited[twin][0]
            claims |= cited[twin][1]
        return Fact(s, p, o, tuple(sorted(statements)), tuple(sorted(claims)))

    membership_facts: dict[str, list[Fact]] = defaultdict(list)
    assessment_facts: dict[str, list[Fact]] = defaultdict(list)
    for t in sorted(kept):
        f = fact(t)
        if f.subject in assessment_kinds or f.object in assessment_kinds:
            for end in (f.subject, f.object):
                if end in assessment_kinds:
                    assessment_facts[end].append(f)
        elif f.subject in member_nodes or f.object in member_nodes:
            for end in (f.subject, f.object):
                if end in member_nodes:
                    membership_facts[end].append(f)
        else:
            ds.facts.append(f)
    role_labels = {s: label for s, label in _select(store, "SELECT ?s ?l WHERE { ?s a kz:Role ; rdfs:label ?l }")}
    parts: dict[str, dict[str, str]] = defaultdict(dict)
    for m, p, o in _select(store, """SELECT ?m ?p ?o WHERE { ?m a kz:Membership ; ?p ?o
            VALUES ?p { kz:member kz:organization kz:role kz:roleLabel } }"""):
        parts[m][p] = o
    for m in sorted(member_nodes):
        got = parts.get(m, {})
        role = got.get(KZ + "role")
        ds.memberships[m] = MembershipNode(
            m, labels.get(m, local_name(m)), got.get(KZ + "member"), got.get(KZ + "organization"),
            role_labels.get(role, local_name(role)) if role else got.get(KZ + "roleLabel"),
            intervals.get(m, UNDATED), tuple(membership_facts.get(m, ())))
    for a, cs in sorted(assessment_kinds.items()):
        ds.assessments[a] = AssessmentNode(a, kind_of(cs), intervals.get(a, UNDATED), tuple(assessment_facts[a]))
    for (source,) in _select(store, "SELECT ?h WHERE { ?src a kz:Source ; kz:sha256 ?h } ORDER BY ?h"):
        ds.version += ("+" if ds.version else "") + str(source)
    return ds


def canonical_triples(triples: set[tuple[str, str, str]], prop_parents: dict[str, set[str]],
                      inverses: dict[str, str], symmetric: set[str]) -> set[tuple[str, str, str]]:
    """Each relation once: drop triples implied by another (a super-property, or the inverse of one), then
    keep one triple of each inverse or symmetric pair, the one whose (predicate, subject) sorts first."""
    def twin(t: tuple[str, str, str]) -> tuple[str, str, str] | None:
        s, p, o = t
        return (o, inverses[p], s) if p in inverses else (o, p, s) if p in symmetric else None

    def implied(t: tuple[str, str, str]) -> set[tuple[str, str, str]]:
        s, p, o = t
        out = set()
        for a in _ancestors(p, prop_parents) - {p}:
            out.add((s, a, o))
            if a in inverses:
                out.add((o, inverses[a], s))
        return out

    redundant = set()
    for t in triples:
        for u in implied(t):
            if u in triples and u != t and u != twin(t):
                redundant.add(u)
    kept = set()
    for t in triples - redundant:
        other = twin(t)
        if other is not None and other in triples and (other[1], other[0]) < (t[1], t[0]):
            continue
        kept.add(t)
    return kept


def load_build(out: Path) -> ox.Store:
    """An in-memory store of a build's kuzbass.nq (a copy: later builds may replace the folder meanwhile)."""
    dump = (out / "kuzbass.nq").resolve()
    if not dump.is_file():
        raise InputError(f"no build at {out}: {dump.name} is missing", hint="run `kuzbass build` first")
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    return store
