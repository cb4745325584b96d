"""Media types we produce, their short names (`format=` aliases and file suffixes), and content negotiation
by `Accept` with q-values (RFC 9110 section 12.5.1)."""

from __future__ import annotations

from dataclasses import dataclass

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
TRIG = "application/trig"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"
HTML = "text/html"
JSON = "application/json"

RESULT_MEDIA_TYPES = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
RDF_MEDIA_TYPES = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG)

# `format=` values and file suffixes -> media type
ALIASES = {
    "json": SPARQL_JSON, "srj": SPARQL_JSON, "xml": SPARQL_XML, "srx": SPARQL_XML, "csv": CSV, "tsv": TSV,
    "turtle": TURTLE, "ttl": TURTLE, "ntriples": N_TRIPLES, "nt": N_TRIPLES, "nquads": N_QUADS, "nq": N_QUADS,
    "trig": TRIG, "jsonld": JSON_LD, "rdfxml": RDF_XML, "rdf": RDF_XML, "html": HTML,
}
# Types clients send that mean one of ours
SYNONYMS = {JSON: SPARQL_JSON, "application/xml": SPARQL_XML, "text/xml": SPARQL_XML,
            "application/x-turtle": TURTLE, "text/plain": N_TRIPLES}


@dataclass(frozen=True)
class Choice:
    """The outcome of negotiation: a media type we produce, or none acceptable (`acceptable` False: 406)."""

    media_type: str | None
    acceptable: bool = True


def parse_accept(accept: str) -> list[tuple[float, int, str]]:
    """(-quality, position, media range) for each range of an Accept header, best first."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for p in pieces[1:]:
            if p.replace(" ", "").startswith("q="):
                try:
                    quality = max(0.0, min(1.0, float(p.split("=", 1)[1])))
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, media))
    return sorted(ranked)


def negotiate(accept: str | None, offered: tuple[str, ...], *, fmt: str | None = None) -> Choice:
    """The best of `offered` for an Accept header or an explicit `format=` alias.

    No header, or a wildcard the first offer satisfies, gives the first offer; ranges with q=0 are refused;
    nothing acceptable gives Choice(None, acceptable=False)."""
    if fmt:
        media = ALIASES.get(fmt.lower(), fmt.lower())
        media = SYNONYMS.get(media, media)
        return Choice(media, media in offered)
    if not accept or not accept.strip():
        return Choice(offered[0] if offered else None)
    refused = {m for q, _, m in parse_accept(accept) if q == 0.0}
    for quality, _, media in parse_accept(accept):
        if quality == 0.0:
            continue
        media = SYNONYMS.get(media, media)
        if media == "*/*":
            for candidate in offered:
                if candidate not in refused:
                    return Choice(candidate)
        elif media.endswith("/*"):
            for candidate in offered:
                if candidate.startswith(media[:-1]) and candidate not in refused:
                    return Choice(candidate)
        elif media in offered:
            return Choice(media)
    return Choice(None, acceptable=False)


def with_charset(media: str) -> str:
    """The Content-Type header value: text types get charset=utf-8."""
    return f"{media}; charset=utf-8" if media.startswith("text/") or media == JSON else media
