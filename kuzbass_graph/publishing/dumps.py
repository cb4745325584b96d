"""Write the compiled dataset: dump formats, base IRI rewriting, and atomic replacement of the output."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import pyoxigraph as ox

from ..compile import Compiled
from ..errors import ConfigError
from ..loader import DESCRIPTIONS_GRAPH, FIXED_GRAPHS, Workspace
from ..namespaces import DEFAULT_BASE, PREFIXES


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
