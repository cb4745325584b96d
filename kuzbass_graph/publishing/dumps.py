"""Write the compiled dataset: every dump format streamed from the dataset sorted on disk (one N-Triples file
per graph, `sorted_graphs.py`), base IRI rewriting, canonical blank nodes, deterministic gzip, and atomic
replacement of the output.

Two builds of the same input give byte-identical dumps: the quads are sorted, blank nodes get their
RDFC-1.0 canonical labels, and gzip records no file name and no time.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from isal import igzip

from ..compile import DATA_GRAPH, ONTOLOGY_GRAPH, Compiled
from ..errors import ConfigError, OutputError
from ..loader import DESCRIPTIONS_GRAPH, FIXED_GRAPHS, Workspace
from ..namespaces import DEFAULT_BASE, PREFIXES
from . import media
from .csv_tables import write_tables
from .describe_dataset import Figures, count, dataset_quads, describe_dataset
from .jsonld import CONTEXT_FILE, write_context, write_jsonld
from .sorted_graphs import SortedGraphs, sort_graphs


class DumpFormat(StrEnum):
    """Dump files the build writes: name and RDF syntax. Each also has a `.gz` beside it."""

    TURTLE = "kuzbass.ttl"
    NTRIPLES = "kuzbass.nt"
    NQUADS = "kuzbass.nq"
    TRIG = "kuzbass.trig"
    JSONLD = "kuzbass.jsonld"
    RDFXML = "kuzbass.rdf"
    CLAIMS = "kuzbass-claims.trig"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        return {
            "kuzbass.ttl": ox.RdfFormat.TURTLE, "kuzbass.nt": ox.RdfFormat.N_TRIPLES,
            "kuzbass.nq": ox.RdfFormat.N_QUADS, "kuzbass.trig": ox.RdfFormat.TRIG,
            "kuzbass.jsonld": ox.RdfFormat.JSON_LD, "kuzbass.rdf": ox.RdfFormat.RDF_XML,
            "kuzbass-claims.trig": ox.RdfFormat.TRIG,
        }[self.value]

    @property
    def media_type(self) -> str:
        return {
            "kuzbass.ttl": media.TURTLE, "kuzbass.nt": media.N_TRIPLES, "kuzbass.nq": media.N_QUADS,
            "kuzbass.trig": media.TRIG, "kuzbass.jsonld": media.JSON_LD, "kuzbass.rdf": media.RDF_XML,
            "kuzbass-claims.trig": media.TRIG,
        }[self.value]

    @property
    def description(self) -> str:
        return {
            "kuzbass.ttl": "the merged graph in Turtle", "kuzbass.nt": "the merged graph in N-Triples",
            "kuzbass.nq": "the dataset with its named graphs in N-Quads",
            "kuzbass.trig": "the dataset with its named graphs in TriG",
            "kuzbass.jsonld": "the dataset with its named graphs in JSON-LD, compacted with context.jsonld",
            "kuzbass.rdf": "the ontology and data graphs in RDF/XML (opens in Protégé)",
            "kuzbass-claims.trig": "the curated claims, one named graph per claim, in TriG",
        }[self.value]


GZIP = "application/gzip"
T = TypeVar("T")


def rebase(base_iri: str) -> Callable[[ox.Quad], ox.Quad]:
    """A function moving every IRI under the default base to base_iri."""
    if base_iri == DEFAULT_BASE:
        return lambda quad: quad

    def term(t):  # type: ignore[no-untyped-def]
        if isinstance(t, ox.NamedNode) and t.value.startswith(DEFAULT_BASE):
            return ox.NamedNode(base_iri + t.value[len(DEFAULT_BASE):])
        if isinstance(t, ox.Literal) and t.datatype.value.startswith(DEFAULT_BASE):
            return ox.Literal(t.value, datatype=term(t.datatype))
        return t

    return lambda q: ox.Quad(term(q.subject), term(q.predicate), term(q.object), term(q.graph_name))


def prefixes_for(base_iri: str) -> dict[str, str]:
    return {k: (base_iri + v[len(DEFAULT_BASE):] if v.startswith(DEFAULT_BASE) else v) for k, v in PREFIXES.items()}


def canonical_blank_nodes(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with every blank node relabelled by RDFC-1.0. Only the quads that touch a blank node take
    part in its canonical label, so only those are canonicalized."""
    plain: list[ox.Quad] = []
    blank: list[ox.Quad] = []
    for q in quads:
        touches = isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) \
            or isinstance(q.graph_name, ox.BlankNode)
        (blank if touches else plain).append(q)
    if blank:
        dataset = ox.Dataset(blank)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        plain.extend(dataset)
    return plain


def _claims_view(ws: Workspace) -> Iterator[ox.Quad]:
    """The curated form: claim graphs and, in the default graph, descriptions and claim metadata."""
    for quad in ws.store.quads_for_pattern(None, None, None, None):
        if quad.graph_name == DESCRIPTIONS_GRAPH:
            yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())
        elif quad.graph_name not in FIXED_GRAPHS:
            yield quad


GZIP_LEVEL = 2  # ISA-L's default: ~14x zlib's level 6 in speed, files ~25% larger


def gzip_file(path: Path) -> Path:
    """PATH.gz beside PATH, deterministic: no file name, modification time 0. Compressed by ISA-L (`isal`), which
    writes standard gzip at about 1.5 GB/s where zlib writes 110 MB/s, and releases the GIL while it works."""
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as source, target.open("wb") as raw, \
            igzip.IGzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as packed:
        shutil.copyfileobj(source, packed, 1 << 20)
    return target


@dataclass(frozen=True)
class Dumps:
    """What write_dumps wrote: the figures of the dataset (for its descriptions) and each file written (dumps,
    their .gz, context.jsonld, csv/*.csv) with its size in bytes, by path relative to the build."""

    figures: Figures
    sizes: dict[str, int]
    base_iri: str
    seconds: dict[str, float] = field(default_factory=dict)  # by part; the forked ones overlap the others


def sorted_lines(terms: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: ox.RdfFormat, *, unique: bool = False) -> bytes:
    """N-Quads or N-Triples of the terms, lines in byte order: the order of their `str()` (UTF-8 keeps code
    point order), sorted as bytes after one serialization in Rust instead of one `str()` per term."""
    lines = (ox.serialize(terms, format=fmt) or b"").splitlines(keepends=True)
    return b"".join(sorted(set(lines)) if unique else sorted(lines))


def write_dumps(compiled: Compiled, ws: Workspace, folder: Path, *, base_iri: str) -> Dumps:
    """Every dump format, the JSON-LD context, the CSV tables and the on-disk store, from the compiled store
    (plus the dataset's own description) with IRIs moved to base_iri: each streamed from the dataset sorted
    on disk, one file per graph (sorted_graphs.py), in a work folder beside the build."""
    work = Path(tempfile.mkdtemp(prefix=".dumps-", dir=folder.parent))
    try:
        started = time.perf_counter()
        graphs = sort_graphs(compiled.store, work, base_iri=base_iri, extra=dataset_quads(base_iri),
                             move=rebase(base_iri), canonicalize=canonical_blank_nodes)
        seconds = {"sort": round(time.perf_counter() - started, 3)}
        return _write_formats(graphs, ws, folder, base_iri=base_iri, seconds=seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    """function(*args) and the seconds it took (in whichever process ran it)."""
    started = time.perf_counter()
    result = function(*args)
    return result, round(time.perf_counter() - started, 3)


class _Child:
    """function(*args) in a forked process (its input shared copy-on-write, not pickled), its result and
    seconds pickled to a file of the work folder; `result()` waits for it."""

    def __init__(self, work: Path, name: str, function: Callable[..., object], *args: object) -> None:
        self.name, self.answer = name, work / f"{name}.result"
        self.process = multiprocessing.get_context("fork").Process(
            target=_run_child, args=(self.answer, function, *args), daemon=True)
        self.process.start()

    def result(self) -> tuple[Any, float]:
        self.process.join()
        if self.process.exitcode != 0 or not self.answer.is_file():
            raise OutputError(f"writing the {self.name} failed (its process exited with {self.process.exitcode})",
                              hint="run the build again; the error is printed above")
        with self.answer.open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]


def _run_child(answer: Path, function: Callable[..., object], *args: object) -> None:
    done = _timed(function, *args)
    with answer.open("wb") as handle:
        pickle.dump(done, handle)


def _jsonld(graphs: SortedGraphs, target: Path, prefixes: dict[str, str]) -> None:
    write_jsonld(((name, graphs.triples(name)) for name in graphs.names), target, prefixes=prefixes)


def _tables_and_figures(graphs: SortedGraphs, merged: Path, folder: Path, base_iri: str) -> tuple[list[Path], Figures]:
    tables = write_tables(graphs.triples(base_iri + "graph/ontology"), lambda: graphs.triples(base_iri + "graph/data"),
                          folder / "csv", base_iri=base_iri)
    return tables, count(merged, graphs, base_iri=base_iri)


def _serialize(source: Path, syntax: ox.RdfFormat, target: Path, fmt: ox.RdfFormat,
               prefixes: dict[str, str] | None) -> None:
    ox.serialize(ox.parse(path=source, format=syntax), output=target, format=fmt, prefixes=prefixes)


def _write_formats(graphs: SortedGraphs, ws: Workspace, folder: Path, *, base_iri: str,
                   seconds: dict[str, float]) -> Dumps:
    prefixes = prefixes_for(base_iri)
    owl_graphs = [base_iri + g.value[len(DEFAULT_BASE):] for g in (ONTOLOGY_GRAPH, DATA_GRAPH)]
    started = time.perf_counter()
    nt = graphs.merged_triples(folder / DumpFormat.NTRIPLES.value)
    nq = graphs.merged_quads(folder / DumpFormat.NQUADS.value)
    owl = graphs.merged_triples(graphs.work / "owl.nt", owl_graphs)
    seconds["merge"] = round(time.perf_counter() - started, 3)
    sizes: dict[str, int] = {}
    # in forked processes: the pure Python writers (JSON-LD; CSV and the figures), beside the formats
    # Oxigraph serializes here
    jsonld = _Child(graphs.work, "JSON-LD dump", _jsonld, graphs, folder / DumpFormat.JSONLD.value, prefixes)
    described = _Child(graphs.work, "CSV tables", _tables_and_figures, graphs, nt, folder, base_iri)
    # the store is loaded last, alone in this process: loaded in a thread beside the Turtle, TriG and RDF/XML
    # writers, it took twice as long at 100x and the build's memory grew by 0.5 GB (data-build benchmark)
    with ThreadPoolExecutor(max_workers=2) as packing:  # zlib releases the GIL: gzip beside the writing
        packed = [packing.submit(_timed, gzip_file, folder / name) for name in (nt.name, nq.name)]
        for fmt in (DumpFormat.TURTLE, DumpFormat.TRIG, DumpFormat.RDFXML, DumpFormat.CLAIMS):
            target = folder / fmt.value
            started = time.perf_counter()
            if fmt is DumpFormat.CLAIMS:
                claims = sorted_lines(canonical_blank_nodes(rebase(base_iri)(q) for q in _claims_view(ws)),
                                      ox.RdfFormat.N_QUADS)
                ox.serialize(ox.parse(claims, format=ox.RdfFormat.N_QUADS), output=target, format=fmt.rdf_format,
                             prefixes=prefixes)
            else:
                source, syntax = {DumpFormat.TURTLE: (nt, ox.RdfFormat.N_TRIPLES),
                                  DumpFormat.TRIG: (nq, ox.RdfFormat.N_QUADS),
                                  DumpFormat.RDFXML: (owl, ox.RdfFormat.N_TRIPLES)}[fmt]
                _serialize(source, syntax, target, fmt.rdf_format, prefixes)
            seconds[str(fmt.rdf_format.name).lower().replace("_", "/") if fmt is not DumpFormat.CLAIMS
                    else "claims"] = round(time.perf_counter() - started, 3)
            packed.append(packing.submit(_timed, gzip_file, target))
        write_context(folder / CONTEXT_FILE, prefixes=prefixes)
        started = time.perf_counter()  # here, not forked: Oxigraph's on-disk store starts threads, and a fork of
        _write_store(folder / "store", graphs)  # a process that ran Rust threads before can hang in them
        seconds["store"] = round(time.perf_counter() - started, 3)
        seconds["json-ld"] = jsonld.result()[1]
        packed.append(packing.submit(_timed, gzip_file, folder / DumpFormat.JSONLD.value))
        (tables, figures), seconds["csv and figures"] = described.result()
        seconds["gzip"] = 0.0
        for future in packed:
            path, took = future.result()
            seconds["gzip"] = round(seconds["gzip"] + took, 3)
            sizes[path.name] = path.stat().st_size
    for path in [*(folder / fmt.value for fmt in DumpFormat), folder / CONTEXT_FILE, *tables]:
        sizes[path.relative_to(folder).as_posix()] = path.stat().st_size
    return Dumps(figures=figures, sizes=dict(sorted(sizes.items())), base_iri=base_iri, seconds=seconds)


def write_descriptions(folder: Path, dumps: Dumps) -> dict[str, int]:
    """void.ttl, dcat.ttl and dataset.jsonld for the files write_dumps wrote; their sizes by name."""
    media_types = {fmt.value: fmt.media_type for fmt in DumpFormat}
    return describe_dataset(folder, dumps.figures, dumps.sizes, media_types, base_iri=dumps.base_iri)


def _write_store(folder: Path, graphs: SortedGraphs) -> None:
    """An on-disk Oxigraph store of the dataset, for `kuzbass query`, `serve` and `oxigraph serve`: each graph
    bulk-loaded from its sorted file; the graphs with blank nodes inserted term by term, so their blank nodes
    keep the dumps' canonical labels (loading a file would rename them)."""
    store = ox.Store(str(folder))
    for name in graphs.names:
        if name in graphs.blank:
            store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
                              for t in graphs.triples(name))
        else:
            store.bulk_load(path=graphs.files[name], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    store.flush()
    store.optimize()
    del store


def write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


KEEP_BUILDS = 3


def _build_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _prepare(out: Path) -> Path:
    """The builds folder of `out`, converting an output written before builds were versioned."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"output {out} exists and is not a folder", hint="choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    builds = out / "builds"
    if not (out / "current").is_symlink():
        legacy = [p for p in out.iterdir() if p.name not in ("builds", ".serving") and not p.name.startswith(".")]
        if legacy and not (out / "build-report.json").is_file():
            raise ConfigError(f"output {out} holds files that are not a kuzbass build",
                              hint="choose another --out, or empty the folder")
        for path in legacy:  # an unversioned build: replaced by links into the first versioned one
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    builds.mkdir(exist_ok=True)
    return builds


def _serving(out: Path) -> set[str]:
    """Build folders a running `kuzbass serve` uses (OUT/.serving/<pid> holds the folder's name)."""
    names: set[str] = set()
    for marker in (out / ".serving").glob("*") if (out / ".serving").is_dir() else ():
        try:
            os.kill(int(marker.name), 0)
            names.add(marker.read_text(encoding="utf-8").strip())
        except (ValueError, ProcessLookupError):
            marker.unlink(missing_ok=True)
        except (OSError, PermissionError):
            names.add(marker.read_text(encoding="utf-8").strip())
    return names


def _switch(out: Path, build: Path) -> None:
    """Point OUT/current at the build (one atomic rename), link each of its files from OUT, drop old builds."""
    link = out / f".current.tmp-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(Path("builds") / build.name, link)
    os.replace(link, out / "current")
    names = {p.name for p in build.iterdir()}
    for name in names:
        entry = out / name
        if not entry.is_symlink() and not entry.exists():
            os.symlink(Path("current") / name, entry)
    for entry in out.iterdir():
        if entry.is_symlink() and entry.name != "current" and os.readlink(entry).startswith("current/") \
                and entry.name not in names:
            entry.unlink()
    keep = _serving(out) | {build.name}
    done = sorted((p for p in (out / "builds").iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    for old in done[:-KEEP_BUILDS]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Yield a fresh folder for a new build of `out`; on success it becomes `OUT/builds/<id>` and `OUT/current`
    points at it (the files are also reachable as `OUT/<name>`), on failure it is removed and the previous
    build stays current. The last builds are kept, and any build a running server uses."""
    builds = _prepare(out)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=builds))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    final = builds / _build_id()
    os.replace(tmp, final)
    os.chmod(final, 0o755)
    _switch(out, final)
