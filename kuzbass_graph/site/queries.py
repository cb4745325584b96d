"""The query catalogue: queries/index.html shows each query of `queries/*.rq` with its question, its SPARQL
and its results as a table, computed at build time on the compiled store (the union of the named graphs,
as `kuzbass query` reads it)."""

from __future__ import annotations

import json
import subprocess
import sys
import weakref
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..catalogue import CatalogueQuery, load_catalogue
from ..errors import KuzbassError
from ..namespaces import PREFIXES
from .graph import SiteGraph
from .render import Link, entity_href, write_page

MAX_ROWS = 50  # rows shown per query; the count says how many there are


@dataclass
class Shown:
    name: str
    title: str
    question: str
    description: str
    answer: str
    sparql: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Link]] = field(default_factory=list)
    total: int = 0
    error: str | None = None


def _compact(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


Raw = tuple[str, str] | None  # ("iri" | "literal" | "blank", value) or unbound


@dataclass
class Result:
    name: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Raw]] = field(default_factory=list)
    total: int = 0
    error: str | None = None


def _raw(term: object) -> Raw:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value)
    return ("blank", str(term))


def run_query(store: ox.Store, query: CatalogueQuery) -> Result:
    """One query on the store, as the catalogue reads it (the union of the graphs), MAX_ROWS rows kept."""
    found = Result(query.name)
    try:
        result = store.query(query.text, use_default_graph_as_union=True)
    except (SyntaxError, OSError, ValueError) as exc:
        found.error = str(exc)
        return found
    if isinstance(result, ox.QueryBoolean):
        found.columns, found.rows, found.total = ["result"], [[("literal", "yes" if result else "no")]], 1
    elif isinstance(result, ox.QuerySolutions):
        found.columns = [v.value for v in result.variables]
        for solution in result:
            found.total += 1
            if found.total <= MAX_ROWS:
                found.rows.append([_raw(solution[name]) for name in found.columns])
    else:
        triples = sorted(result, key=str)
        found.columns, found.total = ["subject", "predicate", "object"], len(triples)
        found.rows = [[_raw(t.subject), _raw(t.predicate), _raw(t.object)] for t in triples[:MAX_ROWS]]
    return found


def run_catalogue(store: ox.Store, folder: Path) -> tuple[list[CatalogueQuery], list[Result], str | None]:
    """Every query of the catalogue folder on the store; a header the catalogue cannot read is reported."""
    try:
        catalogue = load_catalogue(folder) if folder.is_dir() else []
    except KuzbassError as exc:  # a bad header is the catalogue test's business; the page says so
        return [], [], str(exc)
    return catalogue, [run_query(store, q) for q in catalogue], None


class CatalogueRun:
    """The catalogue run by a child process (`python -m kuzbass_graph.site.queries STORE QUERIES`) on the
    build's on-disk store, started as soon as the store is written, so that its slowest query overlaps the
    rest of the build instead of adding to it. The child prints the results as JSON."""

    def __init__(self, store_dir: Path, folder: Path) -> None:
        self.folder = folder
        self._child = subprocess.Popen([sys.executable, "-m", __name__, str(store_dir), str(folder)],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        weakref.finalize(self, _stop, self._child)  # a build that fails before asking: the child is stopped

    def result(self, fallback: ox.Store) -> tuple[list[CatalogueQuery], list[Result], str | None]:
        """The child's answer; computed on the compiled store in this process if the child failed."""
        try:
            out, _ = self._child.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.communicate()
            return run_catalogue(fallback, self.folder)
        try:
            answer = json.loads(out)
            queries = load_catalogue(self.folder) if self.folder.is_dir() else []
            results = [Result(r["name"], r["columns"], [[None if c is None else (c[0], c[1]) for c in row]
                                                         for row in r["rows"]], r["total"], r["error"])
                       for r in answer["results"]]
        except (ValueError, KeyError, TypeError, KuzbassError):
            return run_catalogue(fallback, self.folder)
        if self._child.returncode != 0 or [q.name for q in queries] != [r.name for r in results]:
            return run_catalogue(fallback, self.folder)
        return queries, results, answer["problem"]


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.kill()
    child.communicate()


def _main(store_dir: str, folder: str) -> None:
    _, results, problem = run_catalogue(ox.Store.read_only(store_dir), Path(folder))
    json.dump({"results": [asdict(r) for r in results], "problem": problem}, sys.stdout)


def cell(graph: SiteGraph, term: Raw, root: str) -> Link:
    if term is None:
        return Link("")
    kind, value = term
    if kind == "iri":
        if graph.has_page(value):
            return Link(graph.label(value), entity_href(value, root))
        return Link(graph.labels.get(value) or _compact(value))
    return Link(value)


def write_queries(graph: SiteGraph, site: Path, catalogue: tuple[list[CatalogueQuery], list[Result], str | None]
                  ) -> list[str]:
    """The catalogue page, from the queries and their results."""
    queries, results, problem = catalogue
    themes: dict[str, list[Shown]] = {}
    for query, result in zip(queries, results, strict=True):
        header = query.header
        shown = Shown(query.name, query.title, header.get("question", ""), header.get("description", ""),
                      header.get("answer", ""), query.text, result.columns,
                      [[cell(graph, term, "../") for term in row] for row in result.rows], result.total, result.error)
        themes.setdefault(header.get("theme", "competency questions"), []).append(shown)
    write_page(site, "queries/index.html", "queries.html", themes=sorted(themes.items()), problem=problem,
               count=len(queries), max_rows=MAX_ROWS)
    return ["queries/index.html"]


if __name__ == "__main__":
    _main(sys.argv[1], sys.argv[2])
