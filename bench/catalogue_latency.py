"""Latency of the query catalogue: embedded Oxigraph (pyoxigraph, in memory and the build's on-disk store,
as `kuzbass serve` opens it) against rdflib, side by side in one run.

    python bench/catalogue_latency.py [--dataset dist] [--repeat 5] [--rdflib-timeout 20]

Both engines load the same dist/kuzbass.nq and query the union of its graphs. Each query runs once to warm
up, then --repeat times; the median is reported. rdflib gets a per-query time limit (SIGALRM), since its
join order can make some queries take minutes. Writes bench/results/catalogue-latency.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import platform
import signal
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kuzbass_graph.catalogue import load_catalogue  # noqa: E402
from kuzbass_graph.namespaces import PREFIXES  # noqa: E402

RESULTS = ROOT / "bench" / "results"


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout()


def time_oxigraph(store: ox.Store, text: str, repeat: int) -> tuple[float, int]:
    rows = len(list(store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        list(store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES))
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, rows


def time_rdflib(graph: rdflib.Dataset, text: str, repeat: int, limit: int) -> tuple[float | str, int | None]:
    """Median ms, or "timeout" / "error: ..." when rdflib does not finish or fails on the query."""
    signal.signal(signal.SIGALRM, _alarm)
    times, rows = [], None
    try:
        for index in range(repeat + 1):
            signal.alarm(limit)
            started = time.perf_counter()
            result = list(graph.query(text))
            elapsed = time.perf_counter() - started
            signal.alarm(0)
            if index:
                times.append(elapsed)
            rows = len(result)
    except Timeout:
        return "timeout", rows
    except Exception as exc:  # rdflib's SPARQL engine fails on some valid queries
        return f"error: {type(exc).__name__}", rows
    finally:
        signal.alarm(0)
    return statistics.median(times) * 1000, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "dist")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-timeout", type=int, default=20)
    args = parser.parse_args()
    dump = args.dataset / "kuzbass.nq"
    if not dump.is_file():
        sys.exit(f"{dump} not found: run `kuzbass build` first")

    started = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    ox_load = time.perf_counter() - started
    disk = ox.Store.read_only(str(args.dataset / "store")) if (args.dataset / "store").is_dir() else None
    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    rdf_load = time.perf_counter() - started

    rows = []
    for query in load_catalogue(ROOT / "queries"):
        ox_ms, ox_rows = time_oxigraph(store, query.text, args.repeat)
        disk_ms = time_oxigraph(disk, query.text, args.repeat)[0] if disk is not None else None
        rdf_ms, rdf_rows = time_rdflib(dataset, query.text, args.repeat, args.rdflib_timeout)
        rows.append({"query": query.name, "oxigraph_ms": round(ox_ms, 3), "rows": ox_rows,
                     "oxigraph_disk_ms": None if disk_ms is None else round(disk_ms, 3),
                     "rdflib_ms": round(rdf_ms, 3) if isinstance(rdf_ms, float) else rdf_ms, "rdflib_rows": rdf_rows})
        shown = f"{rdf_ms:9.2f}" if isinstance(rdf_ms, float) else rdf_ms
        print(f"{query.name:45s} oxigraph {ox_ms:8.2f} ms   on disk {disk_ms or 0:8.2f} ms   rdflib {shown} ms",
              flush=True)

    ox_median = statistics.median(r["oxigraph_ms"] for r in rows)
    finished = [r["rdflib_ms"] for r in rows if isinstance(r["rdflib_ms"], float)]
    summary = {
        "quads": len(store), "queries": len(rows), "repeat": args.repeat,
        "load_seconds": {"oxigraph": round(ox_load, 3), "rdflib": round(rdf_load, 3)},
        "median_of_medians_ms": {"oxigraph": round(ox_median, 3),
                                 "oxigraph_disk": round(statistics.median(r["oxigraph_disk_ms"] for r in rows), 3)
                                 if disk is not None else None,
                                 "rdflib": round(statistics.median(finished), 3) if finished else None},
        "max_ms": {"oxigraph": max(r["oxigraph_ms"] for r in rows),
                   "oxigraph_disk": max(r["oxigraph_disk_ms"] for r in rows) if disk is not None else None,
                   "rdflib": max(finished) if finished else None},
        "queries_over_5ms_in_memory": sorted(r["query"] for r in rows if r["oxigraph_ms"] >= 5),
        "rdflib_timeouts": sum(1 for r in rows if r["rdflib_ms"] == "timeout"),
        "rdflib_errors": sum(1 for r in rows if str(r["rdflib_ms"]).startswith("error")),
        "target": "median per query under 5 ms on the embedded store",
        "target_met": ox_median < 5,
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                    "pyoxigraph": ox.__version__, "rdflib": rdflib.__version__},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "catalogue-latency.json").write_text(json.dumps({"summary": summary, "queries": rows}, indent=2) + "\n")
    lines = ["# Catalogue latency: embedded Oxigraph vs rdflib", "",
             f"Generated by `python bench/catalogue_latency.py` on {summary['quads']} quads, "
             f"{summary['queries']} queries, median of {args.repeat} runs after one warm-up.", "",
             f"- load: Oxigraph {ox_load:.2f} s, rdflib {rdf_load:.2f} s",
             f"- median of the per-query medians: Oxigraph {summary['median_of_medians_ms']['oxigraph']} ms "
             f"(on-disk store {summary['median_of_medians_ms']['oxigraph_disk']} ms), "
             f"rdflib {summary['median_of_medians_ms']['rdflib']} ms",
             f"- slowest query: Oxigraph {summary['max_ms']['oxigraph']} ms (on disk "
             f"{summary['max_ms']['oxigraph_disk']} ms), rdflib {summary['max_ms']['rdflib']} ms"
             f" ({summary['rdflib_timeouts']} rdflib queries over the {args.rdflib_timeout} s limit, "
             f"{summary['rdflib_errors']} failed in rdflib)",
             f"- target (median per query under 5 ms on the embedded store): "
             f"{'met' if summary['target_met'] else 'NOT met'}; queries of 5 ms or more in memory: "
             f"{', '.join(summary['queries_over_5ms_in_memory']) or 'none'}", "",
             "| query | rows | Oxigraph ms (memory) | Oxigraph ms (disk) | rdflib ms |", "|---|---|---|---|---|"]
    lines += [f"| {r['query']} | {r['rows']} | {r['oxigraph_ms']} | {r['oxigraph_disk_ms']} | {r['rdflib_ms']} |"
              for r in rows]
    (RESULTS / "catalogue-latency.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
