"""Static full-text search: search/index.html finds entities by label and every variant ("Haywood" finds
Heywood), by description, and the source's passages by their words, with no server.

The build writes the documents to search (`assets/search/documents.js`, a script that sets
`window.KUZBASS_SEARCH`, so that it loads from file:// where fetch() of a local file is refused) and the
page indexes them with MiniSearch (npm `minisearch`, vendored under static/vendor/minisearch/) when it
opens: a few hundred milliseconds for the real graph. Results link to entity pages and to the passages
in the source reader; the page writes data into the document with textContent only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import ID, PREFIXES
from .graph import SiteGraph
from .render import entity_href, passage_href, write_page

PAGE = "search/index.html"
ASSETS = "assets/search"
VARIANTS = ("rdfs:label", "skos:prefLabel", "skos:altLabel", "skos:hiddenLabel")
SNIPPET = 240  # characters of a description or passage kept to show under a result


@dataclass(frozen=True)
class Document:
    """One searchable thing: an entity (its label, variants, classes and description) or a passage."""

    id: str
    kind: str  # "entity" | "passage"
    title: str
    variants: str  # every other name, one per line
    classes: str
    text: str
    href: str  # relative to the site's root


def variants_of(graph: SiteGraph) -> dict[str, list[str]]:
    """Every name of every entity in any language (labels, preferred, alternative and hidden labels)."""
    found: dict[str, list[str]] = {}
    query = ("SELECT ?e ?v WHERE { ?e a kz:Entity ; " + "|".join(VARIANTS) + " ?v } ORDER BY ?e ?v")
    result = graph.store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    for entity, name in result:
        if isinstance(entity, ox.NamedNode) and isinstance(name, ox.Literal):
            if name.value not in found.setdefault(entity.value, []):
                found[entity.value].append(name.value)
    return found


def documents(graph: SiteGraph) -> list[Document]:
    """The entities with a page, then the passages of the source, in a stable order."""
    names = variants_of(graph)
    found: list[Document] = []
    for entity in sorted(e for e in graph.kinds if graph.has_page(e)):
        label = graph.label(entity)
        classes = ", ".join(graph.classes.get(c, (c.rsplit("#", 1)[-1], ""))[0] for c in graph.kinds[entity])
        found.append(Document(entity[len(ID):], "entity", label,
                              "\n".join(n for n in names.get(entity, []) if n != label), classes,
                              graph.descriptions.get(entity, ""), entity_href(entity, "")))
    for passage in graph.passages:
        where = f"{graph.label(ID + 'source/' + passage.source)}, line {passage.line}"
        found.append(Document(passage.iri[len(ID):], "passage", where, "", passage.section or "", passage.text,
                              passage_href(passage.iri, "")))
    return found


def assign_script(name: str, value: object, *, comment: str) -> str:
    """A classic script setting `window.<name>` to `value` as JSON. JSON escapes what could end a string;
    `<`, `>` and `&` are escaped too, so that the text stays inert even if pasted into a page."""
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"// {comment}\nwindow.{name} = {body};\n"


def script_of(docs: list[Document]) -> str:
    """The documents as a classic script (window.KUZBASS_SEARCH), so that they load from file://."""
    return assign_script("KUZBASS_SEARCH", {"documents": [asdict(d) for d in docs]},
                         comment="The search documents of kuzbass-graph, written by `kuzbass build`.")


def _copy(site: Path, *names: str) -> None:
    static = resources.files("kuzbass_graph.site") / "static"
    for name in names:
        target = site / ASSETS / name.rsplit("/", 1)[-1]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(static.joinpath(*name.split("/")).read_bytes())


def write_search_page(site: Path, docs: list[Document]) -> list[str]:
    """The page, its script and styles, MiniSearch with its licence, and the documents."""
    _copy(site, "search.js", "search.css", "vendor/minisearch/minisearch.umd.js", "vendor/minisearch/LICENSE.txt")
    (site / ASSETS / "VERSION.txt").write_bytes(
        resources.files("kuzbass_graph.site").joinpath("static", "vendor", "minisearch", "VERSION").read_bytes())
    (site / ASSETS / "documents.js").write_text(script_of(docs), encoding="utf-8")
    entities = sum(1 for d in docs if d.kind == "entity")
    write_page(site, PAGE, "search.html", entities=entities, passages=len(docs) - entities)
    return [PAGE]


def write_search(graph: SiteGraph, site: Path) -> list[str]:
    """search/index.html for the compiled graph (a step of the site build)."""
    return write_search_page(site, documents(graph))

