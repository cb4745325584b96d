"""Shortest paths between two entities named by label or name variant, explained hop by hop."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass
from enum import StrEnum

import networkx as nx

from ..errors import InputError
from .dataset import Dataset
from .projections import Part


class PathFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class Hop:
    source: str
    source_label: str
    relation: str
    target: str
    target_label: str
    date: str
    quote: str
    line: int | None
    claim: str
    via: tuple[str, ...] = ()

    def sentence(self) -> str:
        return f"{self.source_label} {self.relation} {self.target_label}"


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def find_entity(ds: Dataset, name: str, *, within: set[str] | None = None) -> str:
    """The entity whose label or variant is `name` (case and accents ignored), else the only one containing
    it as a word sequence, else the only agent (person, group, organization) among those. Raises InputError
    naming the candidates when there are none or several."""
    wanted = _fold(name.strip())
    pool = [e for e in ds.entities.values() if within is None or e.iri in within]
    exact = sorted(e.iri for e in pool if wanted in {_fold(n) for n in (e.label, *e.variants)})
    if len(exact) == 1:
        return exact[0]
    partial = exact or sorted(e.iri for e in pool
                              if any(f" {wanted} " in f" {_fold(n)} " for n in (e.label, *e.variants)))
    if len(partial) == 1:
        return partial[0]
    agents = [i for i in partial if ds.entities[i].is_a("Agent")]
    if len(agents) == 1:
        return agents[0]
    if not partial:
        raise InputError(f"no entity is named {name!r}", hint="give a label or name variant, e.g. 'Rutgers'")
    names = "; ".join(f"{ds.entities[i].label} <{i}>" for i in partial[:8])
    raise InputError(f"{name!r} names {len(partial)} entities: {names}", hint="use a longer name or the IRI")


def _best(parts: tuple[Part, ...]) -> Part:
    """The part a hop rests on: one with a citation, preferring dated ones, then by relation name."""
    return sorted(parts, key=lambda p: (not p.claims, not p.interval.dated, p.relation, p.via, p.claims))[0]


def explain_hop(g: nx.Graph, ds: Dataset, a: str, b: str) -> Hop:
    part = _best(g.edges[a, b]["parts"])
    source, target = (part.source, part.target) if part.source else (a, b)
    relation = ds.relation_labels.get(f"https://w3id.org/kuzbass/ontology#{part.relation}", part.relation)
    if part.relation == "membership" and part.via and part.via[0] in ds.memberships:
        relation = f"held the post '{ds.memberships[part.via[0]].role or 'member'}' in"
    elif part.via and part.via[0] in ds.assessments:
        relation = f"is linked through a {part.relation} of the source to"
    elif part.via and part.via[0] in ds.entities:
        relation = f"{relation} ({ds.entities[part.via[0]].label})"
    citations = ds.citations(part.claims)
    quote = citations[0] if citations else None
    return Hop(source, ds.entities[source].label, relation, target, ds.entities[target].label,
               part.interval.text(), quote.quote if quote else "", quote.line if quote else None,
               quote.claim if quote else "", part.via)


def shortest_paths(g: nx.Graph, ds: Dataset, a: str, b: str, *, limit: int = 3) -> list[list[Hop]]:
    """Up to `limit` shortest paths from a to b (in a stable order), each as explained hops."""
    if a not in g or b not in g:
        raise InputError("an endpoint is not in the network", hint="both must be domain entities")
    try:
        paths = sorted(nx.all_shortest_paths(g, a, b))
    except nx.NetworkXNoPath:
        return []
    return [[explain_hop(g, ds, u, v) for u, v in zip(path, path[1:], strict=False)] for path in paths[:limit]]


def render(paths: list[list[Hop]], start: str, end: str, fmt: PathFormat) -> str:
    if fmt is PathFormat.JSON:
        return json.dumps({"from": start, "to": end, "paths": [[asdict(h) for h in p] for p in paths]},
                          indent=2, ensure_ascii=False) + "\n"
    lines: list[str] = []
    if not paths:
        return f"no path between {start} and {end}\n"
    for number, path in enumerate(paths, start=1):
        hops = len(path)
        if fmt is PathFormat.MARKDOWN:
            lines += [f"### Path {number} ({hops} hop{'s' * (hops != 1)})", "",
                      "| # | hop | date | quote | line |", "|---|---|---|---|---|"]
            for i, h in enumerate(path, start=1):
                quote = h.quote.replace("|", "\\|")
                lines.append(f"| {i} | {h.sentence()} | {h.date} | \"{quote}\" | {h.line or ''} |")
            lines.append("")
        else:
            lines.append(f"path {number} ({hops} hop{'s' * (hops != 1)}):")
            for i, h in enumerate(path, start=1):
                lines.append(f"  {i}. {h.sentence()} [{h.date}] \"{h.quote}\" (line {h.line})")
    return "\n".join(lines).rstrip("\n") + "\n"
