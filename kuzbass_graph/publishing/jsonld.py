"""JSON-LD of the dataset, compacted with the published context (`context.jsonld`: the project's prefixes).

The context holds only prefix definitions, so compaction is a pure function of each term: an IRI becomes
`prefix:local` under the longest matching namespace, a plain string stays a JSON string, and every other
literal is a value object. Nodes are grouped by named graph and subject, and written in sorted order, one
node per line: the same quads give the same bytes. PyLD's compaction gives the same triples in minutes
rather than the ~1 s this takes on the whole graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import RDF_TYPE, XSD

CONTEXT_FILE = "context.jsonld"
XSD_STRING = XSD + "string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
TERM_CACHE = 500_000  # texts of values kept for reuse


def context(prefixes: dict[str, str]) -> dict[str, object]:
    """The published context document: every prefix of the project (JSON-LD 1.1 prefix terms)."""
    return {"@context": dict(sorted(prefixes.items()))}


class Compactor:
    """Compact IRIs and terms against a prefix-only context."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self._namespaces = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda item: -len(item[0]))
        self._done: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        done = self._done.get(iri)
        if done is None:
            done = self._done[iri] = self._compact(iri)
        return done

    def _compact(self, iri: str) -> str:
        for namespace, prefix in self._namespaces:
            if iri.startswith(namespace) and len(iri) > len(namespace) and not iri[len(namespace):].startswith("//"):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    def node(self, term: ox.NamedNode | ox.BlankNode) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else self.iri(term.value)

    def value(self, term: object) -> object:
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == XSD_STRING:
                return term.value
            return {"@value": term.value, "@type": self.iri(term.datatype.value)}
        return {"@id": self.node(term)}  # type: ignore[arg-type]


class _Writer:
    """JSON text of nodes, each term's text computed once."""

    def __init__(self, compactor: Compactor) -> None:
        self.compactor = compactor
        self._keys: dict[ox.NamedNode, tuple[str, str]] = {}
        self._values: dict[object, str] = {}
        self._types: dict[object, str] = {}

    def key(self, predicate: ox.NamedNode) -> tuple[str, str]:
        done = self._keys.get(predicate)
        if done is None:
            compact = self.compactor.iri(predicate.value)
            done = self._keys[predicate] = (compact, json.dumps(compact, ensure_ascii=False))
        return done

    def value(self, term: object) -> str:
        done = self._values.get(term)
        if done is None:
            if len(self._values) >= TERM_CACHE:  # bounded: a dump's distinct values need not fit in memory
                self._values.clear()
            done = self._values[term] = json.dumps(self.compactor.value(term), ensure_ascii=False)
        return done

    def type(self, term: ox.NamedNode) -> str:
        done = self._types.get(term)
        if done is None:
            done = self._types[term] = json.dumps(self.compactor.node(term), ensure_ascii=False)
        return done

    def node(self, subject: ox.NamedNode | ox.BlankNode, quads: Iterable[ox.Quad] | Iterable[ox.Triple]) -> str:
        types: list[str] = []
        properties: dict[tuple[str, str], list[str]] = {}
        for q in quads:
            if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
                types.append(self.type(q.object))
            else:
                properties.setdefault(self.key(q.predicate), []).append(self.value(q.object))
        parts = ['"@id": ' + json.dumps(self.compactor.node(subject), ensure_ascii=False)]
        if types:
            parts.append('"@type": ' + (types[0] if len(types) == 1 else "[" + ", ".join(types) + "]"))
        for (_, key), values in sorted(properties.items()):
            parts.append(key + ": " + (values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"))
        return "{" + ", ".join(parts) + "}"


def write_jsonld(graphs: Iterable[tuple[str, Iterable[ox.Triple | ox.Quad]]], path: Path, *,
                 prefixes: dict[str, str]) -> None:
    """The dataset as compacted JSON-LD: one object per named graph (`@id`, `@graph`), its nodes by subject.
    graphs: each named graph's IRI and its triples, graphs sorted by IRI and triples sorted (by subject
    first), read once as they are written."""
    compactor = Compactor(prefixes)
    writer = _Writer(compactor)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"@context": ' + json.dumps(context(prefixes)["@context"], ensure_ascii=False) + ',\n"@graph": [')
        for g_index, (name, triples) in enumerate(graphs):
            out.write(",\n" if g_index else "\n")
            out.write('{"@id": ' + json.dumps(compactor.iri(name)) + ', "@graph": [\n')
            for n_index, (subject, group) in enumerate(groupby(triples, key=lambda t: t.subject)):
                node = writer.node(subject, group)  # type: ignore[arg-type]
                out.write(",\n" + node if n_index else node)
            out.write("\n]}")
        out.write("\n]}\n")


class Documents:
    """JSON-LD text of small graphs (one resource's description), compacted like the dump, the context inline
    so a document stands alone; the term texts are shared across documents."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self._context = json.dumps(context(prefixes)["@context"], ensure_ascii=False)
        self._writer = _Writer(Compactor(prefixes))

    def text(self, triples: Iterable[ox.Triple]) -> str:
        ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        nodes = ",\n".join(self._writer.node(subject, group)  # type: ignore[arg-type]
                            for subject, group in groupby(ordered, key=lambda t: t.subject))
        return '{"@context": ' + self._context + ',\n"@graph": [\n' + nodes + "\n]}\n"


def write_context(path: Path, *, prefixes: dict[str, str]) -> None:
    path.write_text(json.dumps(context(prefixes), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
