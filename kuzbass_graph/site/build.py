"""Write the visitors' site into the build's `site/` folder, beside the entity pages."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from .browse import write_browse
from .graph import read_graph
from .home import write_home
from .queries import CatalogueRun, run_catalogue, write_queries
from .reader import write_reader
from .search import write_search
from .sparql import DUMP, write_sparql
from .timeline import write_timeline


def write_site(store: ox.Store, site: Path, *, queries: Path, counts: dict[str, int],
               catalogue: CatalogueRun | None = None) -> dict[str, float]:
    """Every page kind of the site from the compiled store; the query catalogue's results come from `catalogue`
    when it was started earlier (see CatalogueRun), else are computed here. Seconds per step."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    graph = read_graph(store)
    timings["read"] = time.perf_counter() - started
    written: list[str] = []
    for name, step in (("browse", write_browse), ("reader", write_reader), ("timeline", write_timeline),
                       ("search", write_search)):
        t = time.perf_counter()
        written += step(graph, site)
        timings[name] = time.perf_counter() - t
    t = time.perf_counter()
    results = catalogue.result(store) if catalogue is not None else run_catalogue(store, queries)
    timings["queries (waited)"] = time.perf_counter() - t
    written += write_queries(graph, site, results)
    written += write_home(graph, site, counts)
    if (site.parent / DUMP).is_file():  # the build's dump, loaded by the in-browser SPARQL page
        t = time.perf_counter()
        written += write_sparql(site, dump=site.parent / DUMP, queries=queries)
        timings["sparql"] = time.perf_counter() - t
    assets = site / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    (assets / "site.css").write_bytes((resources.files("kuzbass_graph.site") / "static" / "site.css").read_bytes())
    timings["total"] = time.perf_counter() - started
    timings["pages"] = len(written)
    return {k: round(v, 3) for k, v in timings.items()}
