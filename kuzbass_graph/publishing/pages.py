"""Entity pages: the HTML document of each resource, from its description, with jinja2 templates.

A page shows the label, the name variants with the passages they come from, the types, the description,
every statement grouped by relation with its date (in words) and the quote and line it rests on, the
incoming links, the alternates in RDF, and the description itself embedded as JSON-LD. Every text from
the data goes through jinja2's autoescaping; the JSON-LD is escaped for a script element.
Links are relative, so the pages work from `file://` and from any server.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jinja2
import pyoxigraph as ox

from ..namespaces import DCTERMS, KZ, RDF_TYPE, RDFS, RDFS_LABEL, SKOS
from .dates_text import in_words
from .describe import Citation, Index, Subject, Term
from .dumps import prefixes_for
from .jsonld import Documents

ALTERNATES = (("ttl", "Turtle", "text/turtle"), ("jsonld", "JSON-LD", "application/ld+json"),
              ("nt", "N-Triples", "application/n-triples"), ("rdf", "RDF/XML", "application/rdf+xml"))
HIDDEN = {RDF_TYPE, RDFS_LABEL, SKOS + "altLabel", DCTERMS + "description", RDFS + "comment", KZ + "passageText",
          KZ + "quote"}  # shown in the page's head
NOT_DATES = {KZ + "earliest", KZ + "latest"}
_ENV = jinja2.Environment(loader=jinja2.PackageLoader("kuzbass_graph.publishing", "templates"),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@dataclass
class Link:
    text: str
    href: str | None = None
    title: str | None = None


@dataclass
class Source:
    quote: str
    line: int | None
    passage: str | None
    claim: str | None


@dataclass
class Mention:
    """A passage of the source that a claim about the resource quotes, as a place in the source reader."""

    line: int | None
    section: str | None
    href: str
    quotes: list[str] = field(default_factory=list)


@dataclass
class Row:
    value: Link
    dates: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass
class Group:
    relation: Link
    rows: list[Row]


@dataclass
class Page:
    iri: str
    label: str
    root: str
    kinds: list[Link]
    descriptions: list[str]
    variants: list[Row]
    groups: list[Group]
    aligned: list[Group]
    incoming: list[Group]
    alternates: list[Link]
    jsonld: str
    passage_text: str | None = None
    quote: str | None = None
    mentions: list[Mention] = field(default_factory=list)  # the passages quoted about it, in the reader
    reader: str | None = None  # a passage's place in the source reader
    network: bool = False  # an ego network beside the page (network-data.js, kuzbass_graph.site.network)


def _row_order(row: Row) -> tuple[str, str, str]:
    """Rows by their text, then by what they link to: the same order whatever order the store gave them."""
    return row.value.text.lower(), row.value.href or "", row.value.title or ""


class PageMaker:
    """Builds the page of any resource of an Index; `href` places every document in the static tree."""

    def __init__(self, index: Index, *, networks: frozenset[str] = frozenset()) -> None:
        self.index = index
        self.networks = networks  # folders (id/<kind>/<slug>) whose page embeds its ego network
        self.ontology_iri = index.base_iri + "ontology"
        self.prefixes = prefixes_for(index.base_iri)
        self._date_cache: dict[Term, list[str]] = {}
        self.documents = Documents(self.prefixes)
        self.template = _ENV.get_template("entity.html")

    # --- where things are -----------------------------------------------------------------------

    def folder(self, resource: ox.NamedNode) -> str:
        """The page's folder in the static tree, e.g. id/person/sebald-rutgers."""
        return "id/" + resource.value[len(self.index.id_space):]

    def href(self, target: Term, here: str) -> str | None:
        if not isinstance(target, ox.NamedNode):
            return None
        value = target.value
        base, _, fragment = value.partition("#")
        root = "../" * (here.count("/") + 1)
        if base.startswith(self.index.id_space):
            path = root + "id/" + base[len(self.index.id_space):] + "/index.html"
            return path + (f"#{fragment}" if fragment else "")
        if base == self.ontology_iri:
            return root + "ontology/index.html" + (f"#{fragment}" if fragment else "")
        if value.startswith(("http://", "https://")):
            return value
        return None

    def link(self, target: Term, here: str) -> Link:
        if isinstance(target, ox.Literal):
            return Link(target.value)
        return Link(self.index.label(target), self.href(target, here), target.value if isinstance(
            target, ox.NamedNode) else None)

    # --- pieces -----------------------------------------------------------------------------------

    def _sources(self, citations: list[Citation], here: str) -> list[Source]:
        return [Source(c.quote, c.line, self.href(c.passage, here) if c.passage else None, self.href(c.claim, here))
                for c in citations]

    def _dates(self, target: Term) -> list[str]:
        if not isinstance(target, ox.NamedNode | ox.BlankNode):
            return []
        if target not in self._date_cache:
            words = []
            for p, o in self.index.out.get(target, ()):
                if isinstance(o, ox.Literal) and p.value not in NOT_DATES and _is_date_property(p.value):
                    words.append(f"{self.index.label(p)}: {in_words(o.value)}")
            self._date_cache[target] = sorted(words)
        return self._date_cache[target]

    def reader_href(self, passage: ox.NamedNode, here: str) -> str | None:
        """The passage in the source reader (kuzbass_graph.site.reader): source/<name>/index.html#L005."""
        path = passage.value[len(self.index.id_space):]
        if not path.startswith("source/") or path.count("/") != 2:
            return None
        name, anchor = path[len("source/"):].split("/")
        return "../" * (here.count("/") + 1) + f"source/{name}/index.html#{anchor}"

    def _mentions(self, resource: ox.NamedNode, here: str) -> list[Mention]:
        found: dict[ox.NamedNode, Mention] = {}
        for claim in self.index.values(resource, KZ + "mentionedIn"):
            if not isinstance(claim, ox.NamedNode):
                continue
            passage = self.index.value(claim, KZ + "passage")
            href = self.reader_href(passage, here) if isinstance(passage, ox.NamedNode) else None
            if href is None or not isinstance(passage, ox.NamedNode):
                continue
            if passage not in found:
                line, section = self.index.value(passage, KZ + "lineNumber"), self.index.value(passage,
                                                                                              KZ + "sectionTitle")
                found[passage] = Mention(int(line.value) if isinstance(line, ox.Literal) else None,
                                         section.value if isinstance(section, ox.Literal) else None, href)
            quote = self.index.value(claim, KZ + "quote")
            if isinstance(quote, ox.Literal) and quote.value not in found[passage].quotes:
                found[passage].quotes.append(quote.value)
        return sorted(found.values(), key=lambda m: (m.line or 0, m.href))

    def _row(self, s: Subject, p: ox.NamedNode, o: Term, shown: Term, here: str) -> Row:
        value = self.link(shown, here)
        dates = self._dates(shown)
        if isinstance(shown, ox.Literal) and _is_date_property(p.value) and p.value not in NOT_DATES:
            value = Link(in_words(shown.value), None, f"EDTF {shown.value}")
        return Row(value, dates, self._sources(self.index.citations(s, p, o), here))

    def _groups(self, rows: dict[ox.NamedNode, list[Row]], here: str) -> tuple[list[Group], list[Group]]:
        ours: list[Group] = []
        aligned: list[Group] = []
        for predicate in sorted(rows, key=lambda p: (self.index.label(p).lower(), p.value)):
            group = Group(self.link(predicate, here), sorted(rows[predicate], key=_row_order))
            (ours if predicate.value.startswith((KZ, SKOS, RDFS, DCTERMS)) else aligned).append(group)
        return ours, aligned

    # --- the page ---------------------------------------------------------------------------------

    def page(self, resource: ox.NamedNode, description: list[ox.Triple], jsonld: str | None = None) -> Page:
        index, here = self.index, self.folder(resource)
        outgoing: dict[ox.NamedNode, list[Row]] = {}
        for p, o in index.out.get(resource, ()):
            if p.value not in HIDDEN:
                outgoing.setdefault(p, []).append(self._row(resource, p, o, o, here))
        incoming: dict[ox.NamedNode, list[Row]] = {}
        for s, p in index.into.get(resource, ()):
            if p.value not in HIDDEN and not p.value.startswith("http://www.w3.org/1999/02/22-rdf-syntax-ns#") \
                    and p.value != KZ + "citation":
                incoming.setdefault(p, []).append(self._row(s, p, resource, s, here))
        groups, aligned = self._groups(outgoing, here)
        incoming_groups, _ = self._groups(incoming, here)
        incoming_groups += _
        variants = [Row(Link(o.value), [], self._sources(index.citations(resource, ox.NamedNode(SKOS + "altLabel"), o),
                                                         here))
                    for o in index.values(resource, SKOS + "altLabel") if isinstance(o, ox.Literal)]
        types = [t for t in index.values(resource, RDF_TYPE) if isinstance(t, ox.NamedNode)]
        ours = [t for t in types if t.value.startswith(KZ) and t.value not in (KZ + "Entity",)]
        kinds = sorted((self.link(t, here) for t in (ours or types)), key=lambda k: k.text.lower())
        descriptions = [o.value for o in index.values(resource, DCTERMS + "description") + index.values(
            resource, RDFS + "comment") if isinstance(o, ox.Literal)]
        passage_text = index.value(resource, KZ + "passageText")
        quote = index.value(resource, KZ + "quote")

        return Page(
            iri=resource.value, label=index.label(resource), root="../" * (here.count("/") + 1), kinds=kinds,
            descriptions=descriptions, variants=sorted(variants, key=lambda r: r.value.text), groups=groups,
            aligned=aligned, incoming=incoming_groups,
            alternates=[Link(label, f"index.{ext}", media) for ext, label, media in ALTERNATES],
            jsonld=script_json(jsonld if jsonld is not None else self.documents.text(description)),
            passage_text=passage_text.value if isinstance(passage_text, ox.Literal) else None,
            mentions=self._mentions(resource, here),
            reader=self.reader_href(resource, here) if passage_text is not None else None,
            quote=quote.value if isinstance(quote, ox.Literal) else None, network=here in self.networks)

    def render(self, page: Page) -> str:
        return self.template.render(page=page)


def _is_date_property(iri: str) -> bool:
    local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return iri.startswith(KZ) and (local == "date" or local.endswith("Date"))


def script_json(text: str) -> str:
    """JSON text for a <script type="application/ld+json"> element: nothing in it can close the element."""
    return (text
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
