"""Read the ontology and the curated files into one in-memory Oxigraph store.

Graphs of the store:
- GRAPH/ontology: ontology/*.ttl
- GRAPH/descriptions: the default graphs of the curated files (entity declarations, claim metadata)
- GRAPH/sources: data/sources/*.ttl (descriptions of the sources)
- one graph per claim (named claim:...), and one per link to an external identifier (named link:...)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from .config import Settings
from .errors import ConfigError, InputError
from .namespaces import CLAIM, GRAPH, LINK
from .sources import Source, discover_sources

ONTOLOGY_GRAPH = ox.NamedNode(GRAPH + "ontology")
DESCRIPTIONS_GRAPH = ox.NamedNode(GRAPH + "descriptions")
SOURCES_GRAPH = ox.NamedNode(GRAPH + "sources")
FIXED_GRAPHS = frozenset({ONTOLOGY_GRAPH, DESCRIPTIONS_GRAPH, SOURCES_GRAPH})


@dataclass
class CuratedFile:
    """What one curated file defined, kept to point problems at files and lines."""

    path: Path
    prefixes: dict[str, str] = field(default_factory=dict)
    claims: set[str] = field(default_factory=set)
    described: set[str] = field(default_factory=set)
    quads: int = 0

    @cached_property
    def lines(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").splitlines()


@dataclass
class Workspace:
    """The loaded project: the store plus what is needed to explain problems."""

    settings: Settings
    store: ox.Store
    files: list[CuratedFile]
    sources: dict[str, Source]
    ontology_files: list[CuratedFile]

    def curated_graphs(self) -> list[ox.NamedNode | ox.BlankNode]:
        return [g for g in self.store.named_graphs() if g not in FIXED_GRAPHS]

    def claim_graphs(self) -> list[ox.NamedNode]:
        return [g for g in self.curated_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(CLAIM)]

    def link_graphs(self) -> list[ox.NamedNode]:
        return [g for g in self.curated_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(LINK)]

    def file_of_claim(self, claim: str) -> CuratedFile | None:
        return next((f for f in self.files if claim in f.claims), None)


def _parse(path: Path, fmt: ox.RdfFormat) -> tuple[list[ox.Quad], dict[str, str]]:
    try:
        parser = ox.parse(path=str(path), format=fmt)
        quads = list(parser)
    except SyntaxError as exc:
        raise InputError(
            exc.msg if hasattr(exc, "msg") else str(exc), path=path, line=exc.lineno, column=exc.offset,
            hint="fix the Turtle/TriG syntax at that position",
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", path=path) from exc
    return quads, dict(parser.prefixes)


def _into(graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    for quad in quads:
        yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def load_workspace(settings: Settings) -> Workspace:
    store = ox.Store()
    ontology_files: list[CuratedFile] = []
    for path in settings.ontology_files():
        quads, prefixes = _parse(path, ox.RdfFormat.TURTLE)
        store.extend(_into(ONTOLOGY_GRAPH, quads))
        ontology_files.append(CuratedFile(path, prefixes, quads=len(quads)))
    if not ontology_files:
        raise ConfigError(f"no ontology files in {settings.ontology_dir}")

    sources = discover_sources(settings.sources_dir)
    for source in sources.values():
        if source.description_path.is_file():
            quads, _ = _parse(source.description_path, ox.RdfFormat.TURTLE)
            store.extend(_into(SOURCES_GRAPH, quads))

    files: list[CuratedFile] = []
    for path in settings.data_files():
        quads, prefixes = _parse(path, ox.RdfFormat.TRIG)
        record = CuratedFile(path, prefixes, quads=len(quads))
        batch: list[ox.Quad] = []
        for quad in quads:
            if isinstance(quad.graph_name, ox.DefaultGraph):
                batch.append(ox.Quad(quad.subject, quad.predicate, quad.object, DESCRIPTIONS_GRAPH))
                if isinstance(quad.subject, ox.NamedNode):
                    record.described.add(quad.subject.value)
            else:
                if isinstance(quad.graph_name, ox.NamedNode):
                    record.claims.add(quad.graph_name.value)
                batch.append(quad)
        store.extend(batch)
        files.append(record)
    return Workspace(settings=settings, store=store, files=files, sources=sources, ontology_files=ontology_files)
