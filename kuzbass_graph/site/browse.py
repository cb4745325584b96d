"""Browse by class: browse/index.html lists every class of the ontology with members and its count (a class
counts its subclasses' members), browse/<class>/index.html lists its entities with links to their pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .graph import SiteGraph
from .render import Link, entity_href, write_page


@dataclass
class ClassRow:
    link: Link
    count: int
    comment: str


@dataclass
class EntityRow:
    link: Link
    kinds: list[str]
    description: str


def class_slug(iri: str) -> str:
    """kz:StateEnterprise -> state-enterprise."""
    local = iri.rsplit("#", 1)[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", local).lower()


def class_rows(graph: SiteGraph, root: str) -> list[ClassRow]:
    rows = []
    for iri, entities in graph.members.items():
        label, comment = graph.classes.get(iri, (iri.rsplit("#", 1)[-1], ""))
        pages = [e for e in entities if graph.has_page(e)]
        if pages:
            rows.append(ClassRow(Link(label, f"{root}browse/{class_slug(iri)}/index.html"), len(pages), comment))
    return sorted(rows, key=lambda r: r.link.text.lower())


def write_browse(graph: SiteGraph, site: Path) -> list[str]:
    written = []
    for iri, entities in graph.members.items():
        pages = sorted((e for e in entities if graph.has_page(e)), key=lambda e: (graph.label(e).lower(), e))
        if not pages:
            continue
        root = "../../"
        rows = [EntityRow(Link(graph.label(e), entity_href(e, root)),
                          sorted(graph.classes.get(k, (k.rsplit("#", 1)[-1], ""))[0] for k in graph.kinds.get(e, [])),
                          graph.descriptions.get(e, "")) for e in pages]
        label, comment = graph.classes.get(iri, (iri.rsplit("#", 1)[-1], ""))
        path = f"browse/{class_slug(iri)}/index.html"
        write_page(site, path, "browse_class.html", label=label, comment=comment, rows=rows)
        written.append(path)
    write_page(site, "browse/index.html", "browse.html", classes=class_rows(graph, "../"))
    return written + ["browse/index.html"]
