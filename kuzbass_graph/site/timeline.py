"""The timeline: every dated event, document and other entity with a page, by year, each date in words
(EDTF uncertainty said as a reader would: "about 1923", "1921 or 1922", "summer 1921"), with the quotes
it rests on linked to the source reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..namespaces import ID, KZ
from ..publishing.dates_text import in_words
from .graph import SiteGraph
from .render import Link, entity_href, passage_href, write_page

LEFT_OUT = ("quantity/", "node/", "membership/")  # figures and states: their dates show on their subjects' pages
_DATE = re.compile(r"(\d{2}[\dX]{2})(?:-(\d{2}))?(?:-(\d{2}))?")  # 192X: the decade, at its start


@dataclass
class Quote:
    text: str
    href: str
    line: str


@dataclass
class Entry:
    when: str
    key: tuple[int, int, int]
    entity: Link
    relation: str
    kinds: list[str]
    quotes: list[Quote] = field(default_factory=list)


def sort_key(code: str) -> tuple[int, int, int]:
    """Year, month (seasons at their middle month), day of the first date in an EDTF string; undated last."""
    match = _DATE.search(code)
    if not match:
        return (9999, 0, 0)
    year, month, day = int(match.group(1).replace("X", "0")), int(match.group(2) or 0), int(match.group(3) or 0)
    if month > 12:  # EDTF seasons 21-24 (spring...winter) and 25-41
        month = ((month - 21) % 4) * 3 + 4
    return (year, month, day)


def entries(graph: SiteGraph, root: str) -> list[Entry]:
    specific = {(d.entity, d.code) for d in graph.dated if d.relation != KZ + "date"}
    found = []
    for d in graph.dated:
        if not graph.has_page(d.entity) or d.entity[len(ID):].startswith(LEFT_OUT):
            continue
        if d.relation == KZ + "date" and (d.entity, d.code) in specific:
            continue  # kz:date repeats a more specific date
        quotes = []
        for claim_iri in d.claims:
            claim = graph.claims.get(claim_iri)
            if claim is not None:
                quotes.append(Quote(claim.quote, passage_href(claim.passage, root), claim.passage.rsplit("/L", 1)[-1]
                                    .lstrip("0")))
        kinds = sorted(graph.classes.get(k, (k.rsplit("#", 1)[-1], ""))[0] for k in graph.kinds.get(d.entity, []))
        found.append(Entry(in_words(d.code), sort_key(d.code), Link(graph.label(d.entity), entity_href(d.entity, root)),
                           graph.label(d.relation), kinds, quotes))
    return sorted(found, key=lambda e: (e.key, e.entity.text.lower(), e.relation))


def write_timeline(graph: SiteGraph, site: Path) -> list[str]:
    years: list[tuple[str, list[Entry]]] = []
    for entry in entries(graph, "../"):
        year = str(entry.key[0]) if entry.key[0] != 9999 else "undated"
        if not years or years[-1][0] != year:
            years.append((year, []))
        years[-1][1].append(entry)
    write_page(site, "timeline/index.html", "timeline.html", years=years)
    return ["timeline/index.html"]
