"""The site's index: what the colony was (its description and statements about it in the source's words,
each with its quote, line and claim), the dataset summary from the build, the ways in, and the licences."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..namespaces import ID
from .browse import class_rows
from .graph import SiteGraph
from .render import Link, entity_href, passage_href, write_page

COLONY = ID + "organization/aic-kuzbass"
IN_WORDS = 6  # quotes on the colony shown on the index
SHORTEST = 60  # characters: headings and names say little on their own


@dataclass
class Cited:
    quote: str
    passage: Link
    claim: str


def cited_statements(graph: SiteGraph, entity: str, root: str) -> list[Cited]:
    """The longer quotes of the claims about `entity`, in the order of the source, one per passage."""
    line_of = {p.iri: p for p in graph.passages}
    found: dict[str, Cited] = {}
    for claim in sorted((c for c in graph.claims.values() if entity in c.entities and c.passage in line_of
                         and len(c.quote) >= SHORTEST), key=lambda c: (line_of[c.passage].line, c.iri)):
        if claim.passage not in found:
            passage = line_of[claim.passage]
            found[claim.passage] = Cited(claim.quote, Link(f"line {passage.line}", passage_href(passage.iri, root)),
                                         entity_href(claim.iri, root))
    return list(found.values())[:IN_WORDS]


def write_home(graph: SiteGraph, site: Path, counts: dict[str, int]) -> list[str]:
    colony = Link(graph.label(COLONY), entity_href(COLONY, "")) if COLONY in graph.labels else None
    sources = sorted({p.source for p in graph.passages})
    summary = {"entities": sum(1 for e in graph.kinds if graph.has_page(e)), "claims": len(graph.claims),
               "passages": len(graph.passages), "sources": len(sources),
               "data triples": counts.get("data", 0), "provenance triples": counts.get("provenance", 0),
               "dated statements": len(graph.dated)}
    classes = sorted(class_rows(graph, ""), key=lambda r: -r.count)
    write_page(site, "index.html", "index.html", colony=colony, description=graph.descriptions.get(COLONY),
               cited=cited_statements(graph, COLONY, ""), summary=summary, classes=classes[:12],
               sources=[Link(graph.label(ID + "source/" + s), f"source/{s}/index.html") for s in sources])
    return ["index.html"]
