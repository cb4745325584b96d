"""Projections of the dataset to NetworkX graphs. Pure functions: records in, graphs out.

Every edge carries `statements` and `claims` (the rdf:Statement and claim IRIs behind it), `relation`
(or `relations`), `interval` (an Interval; `earliest`/`latest` in the exports) and `weight`.

- entity_multigraph: a MultiDiGraph of the domain entities, one edge per relation, in its canonical
  direction. n-ary nodes are folded: a kz:Membership becomes one `membership` edge from the member to
  the organization, with the role, the membership's dates and the citations of all its parts; a
  succession between memberships becomes a `succeeded` edge between their members; a kz:Assessment
  node (a dated kz:State, a kz:Comparison, a kz:Ranking) becomes a `state` (`comparison`, `ranking`)
  edge between every two entities it links, with its dates and citations. Events and works stay
  vertices (they have places, dates and quotes of their own); fold_events and the person-person
  projection fold the events. Quantities, roles and provenance are not vertices. A direct edge takes its
  interval from its endpoints that are occurrents (events, works): the intersection of their intervals;
  between two lasting things (persons, organizations, places) an edge is undated, since the source dates
  neither.
- fold_events: the same with each event folded into `event` edges between the entities it links.
- collapse: the undirected simple graph of a multigraph; an edge per pair with all its relations as
  `parts` (relation, interval, claims); weight = number of parts; interval = their hull.
- person_organization: the bipartite graph of persons and organizations (kz:Organization), collapsed.
- person_person: persons linked by direct relations and by the contexts they share, each a `context`:
  shared organization (both belong to one organization: membership, leading, founding, coordinating,
  studying; supporting or funding it is not belonging), shared post (the same role in the
  same organization), shared event, conflict (a kz:Conflict event), correspondence (author and recipient
  of one message); weight = number of contexts; a shared context's interval is the intersection of the
  two persons' intervals in it.
- snapshot: the part of a collapsed graph in one year, by the overlap rule of `intervals`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from ..namespaces import KZ
from .dataset import OCCURRENT_CLASSES, Dataset, Entity, local_name
from .intervals import UNDATED, Interval, Overlap, intersect, union

YEARS = tuple(range(1919, 1928))
MEMBERSHIP = "membership"
# Relations by which a person belongs to an organization (for the shared-organization context).
AFFILIATIONS = frozenset({MEMBERSHIP, "memberOf", "hasMember", "led", "ledBy", "founded", "foundedBy",
                          "coordinated", "coordinatedBy", "educatedAt", "employedBy", "worksFor"})


@dataclass(frozen=True)
class Part:
    """One relation behind an edge of a collapsed graph."""

    relation: str
    interval: Interval
    claims: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    via: tuple[str, ...] = ()  # the folded or shared node(s) it goes through
    source: str = ""  # the relation's subject (its direction), for explanations
    target: str = ""


def _node_attrs(e: Entity) -> dict[str, object]:
    return {"label": e.label, "kind": e.kind, "variants": e.variants, "nationality": e.nationality,
            "interval": e.interval}


def _occurrent(e: Entity | None) -> bool:
    return e is not None and bool(e.classes & OCCURRENT_CLASSES)


def edge_interval(a: Entity | None, b: Entity | None) -> Interval:
    """The interval of a direct relation between a and b: that of its occurrent endpoints, intersected."""
    dated = [e.interval for e in (a, b) if _occurrent(e) and e.interval.dated]  # type: ignore[union-attr]
    if not dated:
        return UNDATED
    return dated[0] if len(dated) == 1 else intersect(dated[0], dated[1])


def entity_multigraph(ds: Dataset) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for iri, e in sorted(ds.entities.items()):
        g.add_node(iri, **_node_attrs(e))
    for f in ds.facts:
        s, o = ds.entities.get(f.subject), ds.entities.get(f.object)
        if s is None or o is None or f.subject == f.object:
            continue
        g.add_edge(f.subject, f.object, key=local_name(f.predicate), relation=local_name(f.predicate),
                   predicate=f.predicate, label=ds.relation_labels.get(f.predicate, local_name(f.predicate)),
                   statements=f.statements, claims=f.claims, interval=edge_interval(s, o), weight=1.0, via=())
    members: dict[str, str] = {}
    for m in ds.memberships.values():
        if m.member is None:
            continue
        members[m.iri] = m.member
        if m.organization is None or m.member not in ds.entities or m.organization not in ds.entities:
            continue
        parts = [f for f in m.facts if f.predicate in (KZ + "holds", KZ + "member", KZ + "organization", KZ + "role")]
        g.add_edge(m.member, m.organization, key=f"{MEMBERSHIP}:{local_name(m.iri)}", relation=MEMBERSHIP,
                   predicate=KZ + "Membership", label=f"{m.role or 'member'}", role=m.role or "",
                   statements=tuple(sorted({s for f in parts for s in f.statements})),
                   claims=tuple(sorted({c for f in parts for c in f.claims})),
                   interval=m.interval, weight=1.0, via=(m.iri,))
    for m in ds.memberships.values():
        for f in m.facts:
            if f.subject in members and f.object in members and f.subject == m.iri:
                a, b = members[f.subject], members[f.object]
                if a == b or a not in ds.entities or b not in ds.entities:
                    continue
                g.add_edge(a, b, key=f"{local_name(f.predicate)}:{local_name(f.subject)}",
                           relation=local_name(f.predicate), predicate=f.predicate,
                           label=ds.relation_labels.get(f.predicate, local_name(f.predicate)),
                           statements=f.statements, claims=f.claims,
                           interval=union([ds.memberships[f.subject].interval, ds.memberships[f.object].interval]),
                           weight=1.0, via=(f.subject, f.object))
    for node in ds.assessments.values():
        linked: dict[str, list] = defaultdict(list)
        for f in node.facts:
            other = f.object if f.subject == node.iri else f.subject
            if other in ds.entities:
                linked[other].append(f)
        for x, y in combinations(sorted(linked), 2):
            facts = linked[x] + linked[y]
            g.add_edge(x, y, key=f"{node.kind.lower()}:{local_name(node.iri)}", relation=node.kind.lower(),
                       predicate=KZ + node.kind, label=node.kind.lower(),
                       role="+".join(sorted({local_name(f.predicate) for f in facts})),
                       statements=tuple(sorted({s for f in facts for s in f.statements})),
                       claims=tuple(sorted({c for f in facts for c in f.claims})),
                       interval=node.interval, weight=1.0, via=(node.iri,))
    return g


def fold_events(mg: nx.MultiDiGraph, ds: Dataset) -> nx.MultiDiGraph:
    """The typed multigraph with events folded too: each event vertex gives way to one `event` edge between
    every two entities it links (participants, organizers, places, outcomes...), with the event as `via`,
    its interval, the two relations as `role` ("organizer+participant") and the claims of both."""
    events = {n for n in mg if ds.entities[n].is_a("Event")}
    out = nx.MultiDiGraph()
    out.add_nodes_from(sorted((n, d) for n, d in mg.nodes(data=True) if n not in events))
    for u, v, key, data in mg.edges(keys=True, data=True):
        if u not in events and v not in events:
            out.add_edge(u, v, key=key, **data)
    for event in sorted(events):
        linked: dict[str, list[dict]] = defaultdict(list)
        for u, v, data in list(mg.in_edges(event, data=True)) + list(mg.out_edges(event, data=True)):
            other = u if v == event else v
            if other not in events:
                linked[other].append(data)
        for a, b in combinations(sorted(linked), 2):
            relations = "+".join(sorted({d["relation"] for d in linked[a]} | {d["relation"] for d in linked[b]}))
            out.add_edge(a, b, key=f"event:{local_name(event)}", relation="event", predicate=KZ + "Event",
                         label=f"both in {ds.entities[event].label}", role=relations,
                         statements=tuple(sorted({s for d in linked[a] + linked[b] for s in d["statements"]})),
                         claims=tuple(sorted({c for d in linked[a] + linked[b] for c in d["claims"]})),
                         interval=ds.entities[event].interval, weight=1.0, via=(event,))
    return out


def _part(u: str, v: str, data: dict) -> Part:
    return Part(data["relation"], data["interval"], tuple(data["claims"]), tuple(data["statements"]),
                tuple(data.get("via", ())), u, v)


def collapse_parts(g: nx.Graph, pairs: dict[tuple[str, str], list[Part]]) -> nx.Graph:
    """A simple undirected graph with one edge per pair, from the parts behind each pair."""
    out = nx.Graph()
    out.add_nodes_from(sorted(g.nodes(data=True)))
    for (a, b), parts in sorted(pairs.items()):
        parts = sorted(set(parts), key=lambda p: (p.relation, p.via, p.source, p.claims))
        out.add_edge(a, b, parts=tuple(parts), relations=tuple(sorted({p.relation for p in parts})),
                     claims=tuple(sorted({c for p in parts for c in p.claims})),
                     statements=tuple(sorted({s for p in parts for s in p.statements})),
                     interval=union(p.interval for p in parts), weight=float(len(parts)))
    return out


def collapse(mg: nx.MultiDiGraph, nodes: Iterable[str] | None = None) -> nx.Graph:
    """The undirected simple graph of mg (restricted to nodes), weight = number of relations per pair."""
    keep = set(mg.nodes) if nodes is None else set(nodes)
    pairs: dict[tuple[str, str], list[Part]] = defaultdict(list)
    for u, v, data in mg.edges(data=True):
        if u in keep and v in keep and u != v:
            pairs[(min(u, v), max(u, v))].append(_part(u, v, data))
    return collapse_parts(mg.subgraph(keep), pairs)


def person_organization(mg: nx.MultiDiGraph, ds: Dataset) -> nx.Graph:
    persons = {n for n in mg if ds.entities[n].is_a("Person")}
    orgs = {n for n in mg if ds.entities[n].is_a("Organization")}
    pairs: dict[tuple[str, str], list[Part]] = defaultdict(list)
    for u, v, data in mg.edges(data=True):
        if (u in persons and v in orgs) or (u in orgs and v in persons):
            p, o = (u, v) if u in persons else (v, u)
            pairs[(p, o)].append(_part(u, v, data))
    bip = collapse_parts(mg.subgraph(persons | orgs), pairs)
    for n in bip:
        bip.nodes[n]["bipartite"] = 0 if n in persons else 1
    return bip


def person_person(mg: nx.MultiDiGraph, ds: Dataset) -> nx.Graph:
    persons = {n for n in mg if ds.entities[n].is_a("Person")}
    pairs: dict[tuple[str, str], list[Part]] = defaultdict(list)

    def key(a: str, b: str) -> tuple[str, str]:
        return (min(a, b), max(a, b))

    # who is linked to each non-person node, and how (relation parts per person)
    around: dict[str, dict[str, list[Part]]] = defaultdict(lambda: defaultdict(list))
    for u, v, data in mg.edges(data=True):
        if u in persons and v in persons:
            pairs[key(u, v)].append(_part(u, v, data))
        elif u in persons or v in persons:
            person, other = (u, v) if u in persons else (v, u)
            around[other][person].append(_part(u, v, data))
    for hub in sorted(around):
        e = ds.entities[hub]
        linked = around[hub]
        for a, b in combinations(sorted(linked), 2):
            pa, pb = linked[a], linked[b]
            claims = tuple(sorted({c for p in pa + pb for c in p.claims}))
            statements = tuple(sorted({s for p in pa + pb for s in p.statements}))
            interval = intersect(union(p.interval for p in pa), union(p.interval for p in pb))
            if e.is_a("Organization"):
                pa, pb = [p for p in pa if p.relation in AFFILIATIONS], [p for p in pb if p.relation in AFFILIATIONS]
                if not (pa and pb):
                    continue  # supporting or funding an organization is not belonging to it
                claims = tuple(sorted({c for p in pa + pb for c in p.claims}))
                statements = tuple(sorted({s for p in pa + pb for s in p.statements}))
                interval = intersect(union(p.interval for p in pa), union(p.interval for p in pb))
                roles_a = {p.via for p in pa if p.relation == MEMBERSHIP}
                shared_role = _shared_roles(ds, roles_a, {p.via for p in pb if p.relation == MEMBERSHIP})
                kind = "shared post" if shared_role else "shared organization"
            elif e.is_a("Conflict"):
                kind = "conflict"
            elif e.is_a("Event"):
                kind = "shared event"
            elif e.is_a("Message"):
                rel_a, rel_b = {p.relation for p in pa}, {p.relation for p in pb}
                if not (("author" in rel_a and "recipient" in rel_b) or ("author" in rel_b and "recipient" in rel_a)):
                    continue
                kind = "correspondence"
            else:
                continue
            pairs[key(a, b)].append(Part(kind, interval, claims, statements, (hub,), a, b))
    return collapse_parts(mg.subgraph(persons), pairs)


def _shared_roles(ds: Dataset, a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> bool:
    roles_a = {ds.memberships[m[0]].role for m in a if m and m[0] in ds.memberships}
    roles_b = {ds.memberships[m[0]].role for m in b if m and m[0] in ds.memberships}
    return bool(roles_a & roles_b - {None})


@dataclass
class Snapshot:
    year: int
    graph: nx.Graph
    certain: int = 0
    uncertain: int = 0
    undated: int = 0  # edges of the whole graph with no date at all: in no snapshot
    absent: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def snapshot(g: nx.Graph, year: int) -> Snapshot:
    """The edges of a collapsed graph in `year`: an edge is in when one of its parts overlaps the year,
    marked `uncertain` when none of them certainly does; only the nodes of those edges are kept."""
    out = nx.Graph()
    snap = Snapshot(year, out)
    for a, b, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        states = {p: p.interval.overlap(year) for p in data["parts"]}
        if all(s is Overlap.UNDATED for s in states.values()):
            snap.undated += 1
            continue
        inside = [p for p, s in states.items() if s in (Overlap.CERTAIN, Overlap.UNCERTAIN)]
        if not inside:
            snap.absent += 1
            continue
        uncertain = not any(states[p] is Overlap.CERTAIN for p in inside)
        snap.uncertain += uncertain
        snap.certain += not uncertain
        for n in (a, b):
            if n not in out:
                out.add_node(n, **g.nodes[n])
        out.add_edge(a, b, **{**data, "parts": tuple(inside), "weight": float(len(inside)),
                              "relations": tuple(sorted({p.relation for p in inside})),
                              "claims": tuple(sorted({c for p in inside for c in p.claims})),
                              "interval": union(p.interval for p in inside), "uncertain": uncertain})
    snap.counts = {"certain": snap.certain, "uncertain": snap.uncertain, "undated": snap.undated,
                   "absent": snap.absent}
    return snap


def yearly_snapshots(g: nx.Graph, years: Iterable[int] = YEARS) -> dict[int, Snapshot]:
    return {year: snapshot(g, year) for year in years}
