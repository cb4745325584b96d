"""The dataset on disk as one sorted N-Triples file per named graph: the form every dump is written from,
each in one streaming pass, so writing the dumps holds no graph in Python.

A graph without blank nodes is dumped by Oxigraph (in Rust) and its IRIs moved to the base IRI as bytes; a
graph with blank nodes (the ontology's class expressions) is read in Python, and all such graphs together get
their RDFC-1.0 canonical labels. Each file is then sorted with GNU `sort` in the C locale (byte order, which
is the order of the terms' `str()`: UTF-8 keeps code point order), in bounded memory, spilling to disk.

Two facts of N-Triples make the byte-level steps exact: a raw newline only ends a line (newlines in literals
are escaped), and a line ends with " .". So inserting " <g>" before the " ." of every line of a sorted file
gives its N-Quads lines still sorted, and merging sorted files (`sort -m`) gives the sorted whole.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import OutputError
from ..namespaces import DEFAULT_BASE

SORT_BUFFER = "1G"  # GNU sort's main memory; beyond it, sort spills to temporary files in the work folder
CHUNK = 1 << 24  # bytes read at a time by the line-wise byte transformations


def _sort(arguments: list[str], work: Path) -> None:
    command = shutil.which("sort")
    if command is None:
        raise OutputError("GNU sort is not on the PATH (the dumps are sorted with it)",
                          hint="install coreutils (Debian: apt-get install coreutils)")
    run = subprocess.run([command, "-S", SORT_BUFFER, "--parallel=2", "-T", str(work), *arguments],
                         env={**os.environ, "LC_ALL": "C"}, capture_output=True, check=False)
    if run.returncode != 0:
        raise OutputError(f"sorting the dumps failed: {run.stderr.decode(errors='replace').strip()}",
                          hint=f"check the free space of {work}, then build again")


def sort_file(source: Path, target: Path, work: Path) -> None:
    """target: the distinct lines of source in byte order."""
    _sort(["-u", "-o", str(target), str(source)], work)


def merge_files(sources: list[Path], target: Path, work: Path, *, unique: bool = False) -> None:
    """target: the lines of the sorted files, merged in byte order (distinct when unique)."""
    if not sources:
        target.write_bytes(b"")
        return
    _sort(["-m", *(["-u"] if unique else []), "-o", str(target), *map(str, sources)], work)


def transform_lines(source: Path, target: Path, change: Callable[[bytes], bytes]) -> None:
    """target: change applied to source's bytes, a block of whole lines at a time."""
    with source.open("rb") as src, target.open("wb") as out:
        rest = b""
        while block := src.read(CHUNK):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            out.write(change(block[:cut]))
        if rest:
            out.write(change(rest))


def _has(store: ox.Store, graph: ox.NamedNode, condition: str) -> bool:
    return bool(store.query(f"ASK {{ GRAPH <{graph.value}> {{ ?s ?p ?o FILTER({condition}) }} }}"))


def _moved(graph: ox.NamedNode, base_iri: str) -> str:
    value = graph.value
    return base_iri + value[len(DEFAULT_BASE):] if value.startswith(DEFAULT_BASE) else value


@dataclass(frozen=True)
class SortedGraphs:
    """One file per named graph (by graph IRI at the base IRI, sorted by name): the graph's distinct
    N-Triples lines in byte order."""

    work: Path
    files: dict[str, Path]
    blank: frozenset[str] = frozenset()  # the graphs with blank nodes (labelled canonically)

    @property
    def names(self) -> list[str]:
        return sorted(self.files)

    def lines(self, graph: str) -> Iterator[bytes]:
        path = self.files.get(graph)
        if path is None:
            return
        with path.open("rb") as handle:
            yield from handle

    def triples(self, graph: str) -> Iterator[ox.Quad]:
        """The graph's statements, parsed as they are read (as quads of the default graph: `subject`,
        `predicate`, `object`)."""
        path = self.files.get(graph)
        return iter(()) if path is None else ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)

    def quads_file(self, graph: str) -> Path:
        """The graph's sorted N-Quads lines (written on first use)."""
        target = self.work / f"{self.files[graph].stem}.nq"
        if not target.exists():
            suffix = f" <{graph}> .\n".encode()
            transform_lines(self.files[graph], target, lambda block: block.replace(b" .\n", suffix))
        return target

    def merged_triples(self, target: Path, graphs: Iterable[str] | None = None) -> Path:
        """target: the distinct triples of the graphs (all by default), sorted."""
        merge_files([self.files[g] for g in (self.names if graphs is None else graphs) if g in self.files],
                    target, self.work, unique=True)
        return target

    def merged_quads(self, target: Path) -> Path:
        """target: the quads of every graph, sorted."""
        merge_files([self.quads_file(g) for g in self.names], target, self.work)
        return target


def sort_graphs(store: ox.Store, work: Path, *, base_iri: str, extra: Iterable[ox.Quad] = (),
                move: Callable[[ox.Quad], ox.Quad], canonicalize: Callable[[Iterable[ox.Quad]], list[ox.Quad]]
                ) -> SortedGraphs:
    """The store's named graphs (IRIs moved by `move`, to base_iri) plus `extra` (already at the base IRI), as
    SortedGraphs in work. `canonicalize` labels the blank nodes of the graphs that have any."""
    if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None:
        raise ValueError("the dumps hold only named graphs")
    work.mkdir(parents=True, exist_ok=True)
    extras: dict[str, list[ox.Quad]] = {}
    for quad in extra:
        extras.setdefault(quad.graph_name.value, []).append(quad)  # type: ignore[union-attr]
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)  # type: ignore[union-attr]
    blank = [g for g in graphs if _has(store, g, "isBLANK(?s) || isBLANK(?o)")]  # type: ignore[arg-type]
    unsorted: dict[str, Path] = {}

    def new_file() -> Path:
        return work / f"graph-{len(unsorted):03d}.unsorted.nt"

    canonical = canonicalize([*(move(q) for g in blank for q in store.quads_for_pattern(None, None, None, g)),
                              *(q for g in blank for q in extras.pop(_moved(g, base_iri), []))])  # type: ignore[arg-type]
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in canonical:
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)  # type: ignore[union-attr]
    for name, triples in sorted(by_graph.items()):
        path = unsorted[name] = new_file()
        ox.serialize(triples, output=path, format=ox.RdfFormat.N_TRIPLES)
    rebase = _byte_rebase(base_iri)
    for graph in graphs:
        if graph in blank:
            continue
        name = _moved(graph, base_iri)  # type: ignore[arg-type]
        path = unsorted[name] = new_file()
        if rebase is None:
            store.dump(path, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        elif _has(store, graph, f'isLITERAL(?o) && CONTAINS(STR(?o), "<{DEFAULT_BASE}")'):  # type: ignore[arg-type]
            # a literal holds the text of an IRI the bytes would move: term by term instead
            ox.serialize((move(q).triple for q in store.quads_for_pattern(None, None, None, graph)),
                         output=path, format=ox.RdfFormat.N_TRIPLES)
        else:
            raw = work / "dumped.nt"
            store.dump(raw, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            transform_lines(raw, path, rebase)
            raw.unlink()
    for name, quads in sorted(extras.items()):
        path = unsorted.setdefault(name, new_file())
        with path.open("ab") as handle:
            handle.write(ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES) or b"")
    files: dict[str, Path] = {}
    for name, path in sorted(unsorted.items()):
        if path.stat().st_size:
            files[name] = path.with_name(path.name.replace(".unsorted", ""))
            sort_file(path, files[name], work)
        path.unlink()
    return SortedGraphs(work=work, files=files, blank=frozenset(by_graph) & set(files))


def _byte_rebase(base_iri: str) -> Callable[[bytes], bytes] | None:
    """Move IRIs under the default base to base_iri in N-Triples bytes (IRIs and datatype IRIs are the only
    places `<` + the default base appears, unless a literal holds it: sort_graphs checks that first)."""
    if base_iri == DEFAULT_BASE:
        return None
    old, new = f"<{DEFAULT_BASE}".encode(), f"<{base_iri}".encode()
    return lambda block: block.replace(old, new)
