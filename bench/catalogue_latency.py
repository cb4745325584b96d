"""Latency of the query catalogue: embedded Oxigraph (pyoxigraph, in memory and the build's on-disk store,
as `kuzbass serve` opens it) against rdflib, side by side in one run; and the same catalogue on a graph N
times larger, to find the queries whose cost grows faster than their answer.

    python bench/catalogue_latency.py [--dataset dist] [--repeat 5] [--rdflib-timeout 20] [--no-rdflib]
                                      [--synthesize 100 | --scaled DIR] [--compare DIR] [--queries NAME...]

Both engines load the same dist/kuzbass.nq and query the union of its graphs. Each query runs once to warm
up, then --repeat times (fewer when one run takes over 2 s: at most 10 s a query); the median is reported.
rdflib gets a per-query time limit (SIGALRM), since its join order can make some queries take minutes; it
runs on the real graph only.

The scaled graph (--synthesize N) is made in a subprocess from bench/synthetic.py's root at N copies: the
build's own load and compile (no checks, no site), the analysis graph `kuzbass build` adds (with
betweenness and closeness sampled from 200 sources on networks above 5,000 vertices: the build's exact ones
take hours at 100x; below that, as the build), and the dataset's description, dumped as N-Quads and
bulk-loaded into an on-disk store: at 1x the quads of the build's kuzbass.nq, without building the site.
--scaled DIR reuses such a folder (or a build's dist/); --dataset takes such a folder too.
Per query the report gives the ratio of the scaled to the real latency and its exponent against the
growth of the data (log ratio / log of the quad ratio), beside the exponent of its answer's rows. A query
"grows with the data, not its answer" when its time grows over ten times while its rows at most double, and
"grows worse than the data" when its exponent exceeds that of n log n over the same quads by more than 0.15
(as bench/build_scale.py judges the build's steps); both only at 5 ms or more on the scaled graph.
--compare DIR times, in the same run, the queries of DIR (.rq files of the same names, e.g. the catalogue
before a rewrite) whose text differs from the catalogue's, and reports them beside the current ones.
Writes bench/results/catalogue-latency.{json,md}.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kuzbass_graph.catalogue import load_catalogue  # noqa: E402
from kuzbass_graph.namespaces import PREFIXES  # noqa: E402

RESULTS = ROOT / "bench" / "results"
GENERATOR = ROOT / "bench" / "synthetic.py"
BUDGET_SECONDS = 10.0
SCAN_RATIO, SCAN_ROWS = 10.0, 2.0
NLOGN_MARGIN = 0.15
MIN_MS = 5.0
SAMPLE_K, SAMPLE_ABOVE = 200, 5000


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout()


def _answer(store: ox.Store, text: str) -> int:
    """The number of rows (or triples) of a query's answer, read to the end."""
    result: Any = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
    return len(list(result))


def time_oxigraph(store: ox.Store, text: str, repeat: int) -> tuple[float, int]:
    started = time.perf_counter()
    rows = _answer(store, text)
    warm = time.perf_counter() - started
    times = []
    for _ in range(max(1, min(repeat, int(BUDGET_SECONDS / max(warm, 1e-9))))):
        started = time.perf_counter()
        _answer(store, text)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, rows


def time_rdflib(graph: Any, text: str, repeat: int, limit: int) -> tuple[float | str, int | None]:
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


# -- the scaled graph --------------------------------------------------------------------------------------

def _sampled_measures(measure: Callable[..., Any], g: Any, **options: Any) -> Any:
    """measure_graph with betweenness and closeness sampled on networks above SAMPLE_ABOVE vertices."""
    if len(g) > SAMPLE_ABOVE:
        options |= {"betweenness_k": SAMPLE_K, "closeness_k": SAMPLE_K}
    else:
        options |= {"betweenness_k": None}
    return measure(g, **options)


def make_scaled(scale: int, into: Path) -> None:
    """Write into/kuzbass.nq and into/store of the synthetic root at `scale` (runs in its own process)."""
    from rich.console import Console

    from kuzbass_graph.analysis import run as run_module
    from kuzbass_graph.config import Settings
    from kuzbass_graph.namespaces import DEFAULT_BASE
    from kuzbass_graph.pipeline import run_checks
    from kuzbass_graph.publishing.describe_dataset import dataset_quads
    from kuzbass_graph.validation import Check

    seconds: dict[str, float] = {}
    root = into / "root"
    t = time.perf_counter()
    subprocess.run([sys.executable, str(GENERATOR), "--scale", str(scale), "--out", str(root)], check=True,
                   capture_output=True)
    seconds["generate"] = time.perf_counter() - t
    t = time.perf_counter()
    outcome = run_checks(Settings.load(root=root, out=into / "build"), skip=frozenset(Check),
                         console=Console(quiet=True))
    seconds["load and compile"] = time.perf_counter() - t
    print(f"loaded and compiled in {seconds['load and compile']:.0f} s", file=sys.stderr, flush=True)
    t = time.perf_counter()
    # the build measures betweenness and closeness exactly, O(vertices x edges): hours at 100x; sampled here
    # from SAMPLE_K sources above SAMPLE_ABOVE vertices, as bench/analysis_scale.py does
    run_module.measure_graph = functools.partial(_sampled_measures, run_module.measure_graph)
    store = outcome.compiled.store
    analysis = run_module.compute(store, betweenness_k=SAMPLE_K)
    store.extend(run_module.analysis_quads(analysis))
    del analysis
    seconds["analysis"] = time.perf_counter() - t
    print(f"analysis in {seconds['analysis']:.0f} s", file=sys.stderr, flush=True)
    t = time.perf_counter()
    nq = into / "kuzbass.nq"
    ox.serialize([*store, *dataset_quads(DEFAULT_BASE)], output=str(nq), format=ox.RdfFormat.N_QUADS)
    del outcome, store
    seconds["dump"] = time.perf_counter() - t
    t = time.perf_counter()
    disk = ox.Store(str(into / "store"))
    disk.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    disk.flush()
    disk.optimize()
    seconds["on-disk store"] = time.perf_counter() - t
    method = {"scale": scale, "method": "bench/synthetic.py root; kuzbass_graph.pipeline.run_checks with every "
              "check skipped (load and compile); the analysis graph of analysis.run.compute with betweenness and "
              f"closeness sampled from {SAMPLE_K} sources above {SAMPLE_ABOVE} vertices (the build computes them "
              "exactly); the dataset description; N-Quads dump, then Store(path).bulk_load",
              "seconds": {k: round(v, 1) for k, v in seconds.items()}}
    (into / "scaled.json").write_text(json.dumps(method, indent=2) + "\n", encoding="utf-8")


def synthesize(scale: int, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, __file__, "--make-scaled", str(scale), "--into", str(into)], check=True)
    return into


# -- measuring ---------------------------------------------------------------------------------------------

def open_dataset(folder: Path) -> tuple[ox.Store, ox.Store | None, float, Path]:
    dump = folder / "kuzbass.nq"
    if not dump.is_file():
        sys.exit(f"{dump} not found: run `kuzbass build` (or --synthesize) first")
    started = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    loaded = time.perf_counter() - started
    disk = ox.Store.read_only(str(folder / "store")) if (folder / "store").is_dir() else None
    return store, disk, loaded, dump


def _exponent(ratio: float | None, growth: float) -> float | None:
    if ratio is None or ratio <= 0 or growth <= 1:
        return None
    return round(math.log(ratio) / math.log(growth), 2)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def parse_query_text(text: str) -> str:
    """A query without its comment lines and blank lines: two versions differ when this differs."""
    return "\n".join(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "dist")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-timeout", type=int, default=20)
    parser.add_argument("--no-rdflib", action="store_true", help="Leave rdflib out.")
    parser.add_argument("--synthesize", type=int, metavar="N", help="Also time the catalogue at N copies.")
    parser.add_argument("--scaled", type=Path, metavar="DIR",
                        help="Folder of the scaled graph (kuzbass.nq, store/): made there by --synthesize, "
                             "else read from it.")
    parser.add_argument("--compare", type=Path, metavar="DIR",
                        help="Other versions of the queries (DIR/<name>.rq), timed beside the catalogue's.")
    parser.add_argument("--queries", nargs="+", help="Only these queries (names without .rq).")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--report-only", action="store_true", help="Rewrite the .md from the .json.")
    parser.add_argument("--make-scaled", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_scaled:
        make_scaled(args.make_scaled, args.into)
        return
    if args.report_only:
        data = json.loads((args.results / "catalogue-latency.json").read_text(encoding="utf-8"))
        summary, rows = data["summary"], data["queries"]
        summary["before"] = before_figures(rows)
        args.repeat, args.rdflib_timeout = summary["repeat"], summary.get("rdflib_timeout", args.rdflib_timeout)
        (args.results / "catalogue-latency.json").write_text(json.dumps(data, indent=2) + "\n")
        (args.results / "catalogue-latency.md").write_text(markdown(summary, rows, args))
        return

    scaled_dir: Path | None = args.scaled
    if args.synthesize:
        scaled_dir = synthesize(args.synthesize, scaled_dir or Path(tempfile.mkdtemp(prefix="kz-catalogue-")))
    store, disk, ox_load, dump = open_dataset(args.dataset)
    scaled = open_dataset(scaled_dir) if scaled_dir else None
    dataset = None
    rdf_load = None
    if not args.no_rdflib:
        import rdflib

        started = time.perf_counter()
        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(dump, format="nquads")
        rdf_load = time.perf_counter() - started
    others: dict[str, str] = {}
    if args.compare:
        others = {p.stem: p.read_text(encoding="utf-8") for p in sorted(args.compare.glob("*.rq"))}

    growth = len(scaled[0]) / len(store) if scaled else 1.0
    small, large = float(len(store)), float(len(scaled[0])) if scaled else 0.0
    worse_exponent = (1 + math.log(math.log(large) / math.log(small)) / math.log(growth) + NLOGN_MARGIN
                      if scaled and growth > 1 else math.inf)
    rows = []
    for query in load_catalogue(ROOT / "queries"):
        if args.queries and query.name not in args.queries:
            continue
        ox_ms, ox_rows = time_oxigraph(store, query.text, args.repeat)
        disk_ms = time_oxigraph(disk, query.text, args.repeat)[0] if disk is not None else None
        row: dict[str, Any] = {"query": query.name, "oxigraph_ms": round(ox_ms, 3), "rows": ox_rows,
                               "oxigraph_disk_ms": None if disk_ms is None else round(disk_ms, 3)}
        if dataset is not None:
            rdf_ms, rdf_rows = time_rdflib(dataset, query.text, args.repeat, args.rdflib_timeout)
            row |= {"rdflib_ms": round(rdf_ms, 3) if isinstance(rdf_ms, float) else rdf_ms, "rdflib_rows": rdf_rows}
        if scaled:
            big_ms, big_rows = time_oxigraph(scaled[0], query.text, args.repeat)
            big_disk = time_oxigraph(scaled[1], query.text, args.repeat)[0] if scaled[1] is not None else None
            ratio = big_ms / ox_ms if ox_ms > 0 else None
            row_ratio = big_rows / ox_rows if ox_rows else None
            row |= {"scaled_ms": round(big_ms, 3), "scaled_disk_ms": None if big_disk is None else round(big_disk, 3),
                    "scaled_rows": big_rows, "ratio": round(ratio, 2) if ratio else None,
                    "exponent": _exponent(ratio, growth), "rows_exponent": _exponent(row_ratio, growth)}
            row["grows_with_data_not_answer"] = bool(ratio and ratio >= SCAN_RATIO and big_ms >= MIN_MS
                                                     and (row_ratio or 0) <= SCAN_ROWS)
            row["grows_worse_than_data"] = bool(row["exponent"] and row["exponent"] > worse_exponent
                                                and big_ms >= MIN_MS)
        other = others.get(query.name)
        if other is not None and parse_query_text(other) != parse_query_text(query.text):
            row["compared_ms"], row["compared_rows"] = (round(v, 3) if isinstance(v, float) else v
                                                        for v in time_oxigraph(store, other, args.repeat))
            if scaled:
                row["compared_scaled_ms"], row["compared_scaled_rows"] = (
                    round(v, 3) if isinstance(v, float) else v for v in time_oxigraph(scaled[0], other, args.repeat))
        rows.append(row)
        shown = [f"{query.name:45s} oxigraph {ox_ms:8.2f} ms", f"on disk {disk_ms or 0:8.2f} ms"]
        if "rdflib_ms" in row:
            shown.append(f"rdflib {row['rdflib_ms']} ms")
        if scaled:
            shown.append(f"x{growth:.0f}: {row['scaled_ms']:9.2f} ms (ratio {row['ratio']})")
        print("   ".join(shown), flush=True)

    summary = summarize(rows, args, store=store, disk=disk, ox_load=ox_load, rdf_load=rdf_load,
                        scaled=scaled, scaled_dir=scaled_dir, growth=growth, worse_exponent=worse_exponent)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "catalogue-latency.json").write_text(json.dumps({"summary": summary, "queries": rows}, indent=2)
                                                         + "\n")
    (args.results / "catalogue-latency.md").write_text(markdown(summary, rows, args))
    print(json.dumps(summary, indent=2))


def before_figures(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The catalogue's medians and maxima had the compared versions run instead of the current ones."""
    if not any("compared_ms" in r for r in rows):
        return None
    real = [r.get("compared_ms", r["oxigraph_ms"]) for r in rows]
    figures: dict[str, Any] = {"queries": sum("compared_ms" in r for r in rows),
                               "median_of_medians_ms": _median(real), "max_ms": max(real)}
    if all("scaled_ms" in r for r in rows):
        scaled = [r.get("compared_scaled_ms", r["scaled_ms"]) for r in rows]
        figures |= {"scaled_median_of_medians_ms": _median(scaled), "scaled_max_ms": max(scaled)}
    return figures


def summarize(rows: list[dict[str, Any]], args: argparse.Namespace, *, store: ox.Store, disk: ox.Store | None,
              ox_load: float, rdf_load: float | None, scaled: tuple[ox.Store, ox.Store | None, float, Path] | None,
              scaled_dir: Path | None, growth: float, worse_exponent: float) -> dict[str, Any]:
    import rdflib

    finished = [r["rdflib_ms"] for r in rows if isinstance(r.get("rdflib_ms"), float)]
    ox_median = statistics.median(r["oxigraph_ms"] for r in rows)
    summary: dict[str, Any] = {
        "quads": len(store), "queries": len(rows), "repeat": args.repeat,
        "load_seconds": {"oxigraph": round(ox_load, 3), "rdflib": round(rdf_load, 3) if rdf_load else None},
        "median_of_medians_ms": {"oxigraph": round(ox_median, 3),
                                 "oxigraph_disk": _median([r["oxigraph_disk_ms"] for r in rows])
                                 if disk is not None else None,
                                 "rdflib": _median(finished)},
        "max_ms": {"oxigraph": max(r["oxigraph_ms"] for r in rows),
                   "oxigraph_disk": max(r["oxigraph_disk_ms"] for r in rows) if disk is not None else None,
                   "rdflib": max(finished) if finished else None},
        "queries_over_5ms_in_memory": sorted(r["query"] for r in rows if r["oxigraph_ms"] >= 5),
        "rdflib_timeouts": sum(1 for r in rows if r.get("rdflib_ms") == "timeout"),
        "rdflib_errors": sum(1 for r in rows if str(r.get("rdflib_ms")).startswith("error")),
        "before": before_figures(rows),
        "rdflib_timeout": args.rdflib_timeout,
        "target": "median per query under 5 ms on the embedded store",
        "target_met": ox_median < 5,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "pyoxigraph": ox.__version__,
                    "rdflib": rdflib.__version__ if rdf_load is not None else None,
                    "load_average": round(os.getloadavg()[0], 1)},
    }
    if scaled and scaled_dir:
        method_file = scaled_dir / "scaled.json"
        summary["scaled"] = {
            "quads": len(scaled[0]), "growth": round(growth, 2), "load_seconds": round(scaled[2], 3),
            "worse_than_data_above_exponent": round(worse_exponent, 3),
            "folder": str(scaled_dir),
            "made": json.loads(method_file.read_text(encoding="utf-8")) if method_file.is_file() else None,
            "median_of_medians_ms": {"oxigraph": _median([r["scaled_ms"] for r in rows]),
                                     "oxigraph_disk": _median([r["scaled_disk_ms"] for r in rows])
                                     if scaled[1] is not None else None},
            "max_ms": {"oxigraph": max(r["scaled_ms"] for r in rows),
                       "oxigraph_disk": max(r["scaled_disk_ms"] for r in rows) if scaled[1] is not None else None},
            "median_ratio": _median([r["ratio"] for r in rows if r["ratio"]]),
            "grow_with_data_not_answer": sorted(r["query"] for r in rows if r["grows_with_data_not_answer"]),
            "grow_worse_than_data": sorted(r["query"] for r in rows if r["grows_worse_than_data"]),
        }
    return summary


def markdown(summary: dict[str, Any], rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    med, top = summary["median_of_medians_ms"], summary["max_ms"]
    lines = ["# Catalogue latency: embedded Oxigraph vs rdflib, real graph and scaled", "",
             f"Generated by `python bench/catalogue_latency.py` on {summary['quads']} quads, "
             f"{summary['queries']} queries, median of {args.repeat} runs after one warm-up "
             f"(load average {summary['machine']['load_average']} on {summary['machine']['cpus']} cores).", "",
             f"- load: Oxigraph {summary['load_seconds']['oxigraph']:.2f} s"
             + (f", rdflib {summary['load_seconds']['rdflib']:.2f} s" if summary["load_seconds"]["rdflib"] else ""),
             f"- median of the per-query medians: Oxigraph {med['oxigraph']} ms (on-disk store {med['oxigraph_disk']} "
             f"ms)" + (f", rdflib {med['rdflib']} ms" if med["rdflib"] is not None else ""),
             f"- slowest query: Oxigraph {top['oxigraph']} ms (on disk {top['oxigraph_disk']} ms)"
             + (f", rdflib {top['rdflib']} ms ({summary['rdflib_timeouts']} rdflib queries over the "
                f"{args.rdflib_timeout} s limit, {summary['rdflib_errors']} failed in rdflib)"
                if top["rdflib"] is not None else ""),
             f"- target (median per query under 5 ms on the embedded store): "
             f"{'met' if summary['target_met'] else 'NOT met'}; queries of 5 ms or more in memory: "
             f"{', '.join(summary['queries_over_5ms_in_memory']) or 'none'}"]
    big = summary.get("scaled")
    if big:
        made = big.get("made") or {}
        lines += [
            f"- scaled graph: {big['quads']} quads ({big['growth']}x the real graph)"
            + (f", {made['scale']} copies made by {made['method']}" if made else f", from {big['folder']}")
            + f"; loaded in memory in {big['load_seconds']:.1f} s",
            f"- scaled, median of the per-query medians: {big['median_of_medians_ms']['oxigraph']} ms in memory "
            f"({big['median_of_medians_ms']['oxigraph_disk']} ms on disk), slowest {big['max_ms']['oxigraph']} ms "
            f"({big['max_ms']['oxigraph_disk']} ms on disk); median ratio {big['median_ratio']}",
            "- grow with the data, not their answer (time over 10x, rows at most 2x, 5 ms or more scaled): "
            + (", ".join(big["grow_with_data_not_answer"]) or "none")
            + (" (a query that counts or ranks over the whole graph, GROUP BY or ORDER BY ... LIMIT over every "
               "value, reads all of it whatever its answer: no rewrite makes it flat, a stored ranking would)"
               if big["grow_with_data_not_answer"] else ""),
            f"- grow worse than the data (exponent over {big['worse_than_data_above_exponent']}: n log n's and "
            f"{NLOGN_MARGIN}, 5 ms or more scaled): "
            + (", ".join(big["grow_worse_than_data"]) or "none")]
    head = ["query", "rows", "Oxigraph ms (memory)", "Oxigraph ms (disk)"]
    if summary["load_seconds"]["rdflib"]:
        head.append("rdflib ms")
    if big:
        head += ["scaled rows", "scaled ms (memory)", "scaled ms (disk)", "ratio", "exponent", "rows exponent"]
    compared = summary.get("before")
    if compared:
        head += ["before ms", "before rows"] + (["before scaled ms", "before scaled rows"] if big else [])
        lines += [f"- before: {compared['queries']} queries timed again in the version of `--compare` (the "
                  "catalogue before a rewrite), same run, same stores; with them instead of the current ones, the "
                  f"median of the per-query medians would be {compared['median_of_medians_ms']} ms (slowest "
                  f"{compared['max_ms']} ms)"
                  + (f", and {compared['scaled_median_of_medians_ms']} ms on the scaled graph (slowest "
                     f"{compared['scaled_max_ms']} ms)" if "scaled_median_of_medians_ms" in compared else "")]
    lines += ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["query"], r["rows"], r["oxigraph_ms"], r["oxigraph_disk_ms"]]
        if summary["load_seconds"]["rdflib"]:
            cells.append(r.get("rdflib_ms"))
        if big:
            flag = " (data, not answer)" if r["grows_with_data_not_answer"] else ""
            flag += " (worse than data)" if r["grows_worse_than_data"] else ""
            cells += [r["scaled_rows"], r["scaled_ms"], r["scaled_disk_ms"], f"{r['ratio']}{flag}", r["exponent"],
                      r["rows_exponent"]]
        if compared:
            cells += [r.get("compared_ms"), r.get("compared_rows")]
            if big:
                cells += [r.get("compared_scaled_ms"), r.get("compared_scaled_rows")]
        lines.append("| " + " | ".join("" if c is None else str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
