"""Read the ontology and the curated files into one in-memory Oxigraph store.

Graphs of the store:
- GRAPH/ontology: ontology/*.ttl
- GRAPH/descriptions: the default graphs of the curated files (entity declarations, claim metadata)
- GRAPH/sources: data/sources/*.ttl (descriptions of the sources)
- one graph per claim (named claim:...), and one per link to an external identifier (named link:...)

Only regular files are read: a FIFO, socket, device or folder named like a data file would block or fail
the build, so it is skipped with a warning (Workspace.warnings).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from .config import Settings
from .errors import ConfigError, InputError, Problem, Severity
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
    warnings: list[Problem] = field(default_factory=list)

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


def _kind(path: Path) -> str | None:
    """What a path is when it is not a regular file (following symlinks), else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "a broken link" if path.is_symlink() else "unreadable"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a device"


def regular_files(paths: Iterable[Path], warnings: list[Problem]) -> list[Path]:
    """The paths that are regular files; each other one adds a warning and is skipped (reading a FIFO
    would block the build)."""
    kept: list[Path] = []
    for path in paths:
        kind = _kind(path)
        if kind is None:
            kept.append(path)
        else:
            warnings.append(Problem("files", f"skipped: {kind}, not a regular file", path=path,
                                    severity=Severity.WARNING,
                                    hint="remove it or replace it with a regular file; only regular files are read"))
    return kept


def _into(graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    for quad in quads:
        yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def load_workspace(settings: Settings) -> Workspace:
    store = ox.Store()
    warnings: list[Problem] = []
    ontology_files: list[CuratedFile] = []
    for path in regular_files(settings.ontology_files(), warnings):
        quads, prefixes = _parse(path, ox.RdfFormat.TURTLE)
        store.extend(_into(ONTOLOGY_GRAPH, quads))
        ontology_files.append(CuratedFile(path, prefixes, quads=len(quads)))
    if not ontology_files:
        raise ConfigError(f"no ontology files in {settings.ontology_dir}")

    found = discover_sources(settings.sources_dir)
    readable = set(regular_files((s.path for s in found.values()), warnings))
    sources = {name: source for name, source in found.items() if source.path in readable}
    for source in sources.values():
        for extra in (source.description_path, source.structure_path):
            if extra.exists() and not extra.is_file():
                regular_files([extra], warnings)
        if source.description_path.is_file():
            quads, _ = _parse(source.description_path, ox.RdfFormat.TURTLE)
            store.extend(_into(SOURCES_GRAPH, quads))

    files: list[CuratedFile] = []
    for path in regular_files(settings.data_files(), warnings):
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
    return Workspace(settings=settings, store=store, files=files, sources=sources, ontology_files=ontology_files,
                     warnings=warnings)
