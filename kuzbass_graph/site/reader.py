"""The source reader: each source's full text, passage by passage, every quoted span highlighted as a link to
its claim, with the entities each claim is about; every passage has an anchor (`#L005`) that entity pages
link to.

    source/index.html           the sources, with counts
    source/<name>/index.html    the text of one source
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .graph import Claim, Passage, SiteGraph
from .render import Link, entity_href, write_page


@dataclass
class Segment:
    text: str
    href: str | None = None  # the innermost claim covering it
    title: str | None = None
    depth: int = 0  # how many quotes cover it


@dataclass
class ClaimItem:
    quote: str
    href: str
    entities: list[Link]
    found: bool
    position: int  # where the quote starts in the passage (the end of the text when not found)


@dataclass
class ShownPassage:
    anchor: str
    line: int
    kind: str
    segments: list[Segment]
    claims: list[ClaimItem] = field(default_factory=list)


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where the quote stands in the passage: verbatim but for runs of spaces (as the quotes check allows)."""
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(map(re.escape, words)), text)
    return (match.start(), match.end()) if match else None


def segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[Segment]:
    """Cut `text` at every quote's ends; each piece links to the shortest quote covering it."""
    cuts = sorted({0, len(text)} | {a for a, _, _, _ in spans} | {b for _, b, _, _ in spans})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in spans if s[0] <= a and s[1] >= b]
        if not covering:
            out.append(Segment(text[a:b]))
            continue
        inner = min(covering, key=lambda s: (s[1] - s[0], s[2]))
        out.append(Segment(text[a:b], inner[2], inner[3], len(covering)))
    return out


def _passage(graph: SiteGraph, passage: Passage, root: str) -> ShownPassage:
    spans: list[tuple[int, int, str, str]] = []
    items: list[ClaimItem] = []
    claims: list[Claim] = graph.claims_in(passage.iri)
    for claim in claims:
        href = entity_href(claim.iri, root)
        entities = sorted((Link(graph.label(e), entity_href(e, root) if graph.has_page(e) else None)
                           for e in claim.entities), key=lambda link: link.text.lower())
        where = find_quote(claim.quote, passage.text)
        if where is not None:
            about = ", ".join(e.text for e in entities)
            spans.append((where[0], where[1], href, f"claim: {about}" if about else "claim"))
        items.append(ClaimItem(claim.quote, href, entities, where is not None,
                               where[0] if where is not None else len(passage.text)))
    items.sort(key=lambda i: (i.position, i.href))
    return ShownPassage(passage.anchor, passage.line, passage.kind, segments(passage.text, spans), items)


def write_reader(graph: SiteGraph, site: Path) -> list[str]:
    """Write the reader of every source and the list of sources; the pages written."""
    by_source: dict[str, list[Passage]] = {}
    for passage in graph.passages:
        by_source.setdefault(passage.source, []).append(passage)
    written = []
    summaries = []
    for name, passages in sorted(by_source.items()):
        path = f"source/{name}/index.html"
        root = "../../"
        sections: list[tuple[str | None, list[ShownPassage]]] = []
        for passage in passages:
            if not sections or passage.section != sections[-1][0]:
                sections.append((passage.section, []))
            sections[-1][1].append(_passage(graph, passage, root))
        quoted = sum(len(p.claims) for _, shown in sections for p in shown)
        source_iri = passages[0].iri.rsplit("/", 1)[0]
        write_page(site, path, "reader.html", name=name, sections=sections, claims=quoted,
                   passages=len(passages), source=Link(graph.label(source_iri), entity_href(source_iri, root)))
        written.append(path)
        summaries.append((Link(graph.label(source_iri), f"{name}/index.html"), len(passages), quoted))
    write_page(site, "source/index.html", "sources.html", sources=summaries)
    return written + ["source/index.html"]
