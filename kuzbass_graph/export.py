"""Write the compiled dataset: dump formats, base IRI rewriting, and atomic replacement of the output."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import pyoxigraph as ox

from .compile import Compiled
from .errors import ConfigError
from .loader import DESCRIPTIONS_GRAPH, FIXED_GRAPHS, Workspace
from .namespaces import DEFAULT_BASE, PREFIXES


class DumpFormat(StrEnum):
    """Dump files the build writes: name and RDF syntax."""

    TURTLE = "kuzbass.ttl"
    NTRIPLES = "kuzbass.nt"
    NQUADS = "kuzbass.nq"
    TRIG = "kuzbass.trig"
    CLAIMS = "kuzbass-claims.trig"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        return {
            "kuzbass.ttl": ox.RdfFormat.TURTLE, "kuzbass.nt": ox.RdfFormat.N_TRIPLES,
            "kuzbass.nq": ox.RdfFormat.N_QUADS, "kuzbass.trig": ox.RdfFormat.TRIG,
            "kuzbass-claims.trig": ox.RdfFormat.TRIG,
        }[self.value]


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


def _claims_view(ws: Workspace) -> Iterator[ox.Quad]:
    """The curated form: claim graphs and, in the default graph, descriptions and claim metadata."""
    for quad in ws.store.quads_for_pattern(None, None, None, None):
        if quad.graph_name == DESCRIPTIONS_GRAPH:
            yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())
        elif quad.graph_name not in FIXED_GRAPHS:
            yield quad


def write_dumps(compiled: Compiled, ws: Workspace, folder: Path, *, base_iri: str) -> dict[str, int]:
    """Every dump format, and the on-disk store, from the compiled store with IRIs moved to base_iri."""
    move = rebase(base_iri)
    prefixes = prefixes_for(base_iri)
    quads = sorted((move(q) for q in compiled.store), key=str)
    triples = sorted({q.triple for q in quads}, key=str)
    sizes: dict[str, int] = {}
    for fmt in DumpFormat:
        target = folder / fmt.value
        use_prefixes = prefixes if fmt.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        if fmt in (DumpFormat.CLAIMS, DumpFormat.NQUADS, DumpFormat.TRIG):
            items = sorted((move(q) for q in _claims_view(ws)), key=str) if fmt is DumpFormat.CLAIMS else quads
            ox.serialize(items, output=str(target), format=fmt.rdf_format, prefixes=use_prefixes)
        else:
            ox.serialize(triples, output=str(target), format=fmt.rdf_format, prefixes=use_prefixes)
        sizes[fmt.value] = target.stat().st_size
    _write_store(folder / "store", quads)
    return sizes


def _write_store(folder: Path, quads: list[ox.Quad]) -> None:
    """An on-disk Oxigraph store of the dataset, for `kuzbass query`, `serve` and `oxigraph serve`."""
    store = ox.Store(str(folder))
    store.bulk_extend(quads)
    store.flush()
    store.optimize()
    del store


def write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder next to `out`; on success it replaces `out`, on failure it is removed."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"output {out} exists and is not a folder", hint="choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
