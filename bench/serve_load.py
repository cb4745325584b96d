"""Load and attack benchmark of `kuzbass serve` against the Oxigraph server, side by side in one run.

    python bench/serve_load.py [--dataset dist] [--clients 50] [--requests 6000] [--deadline 90]

Both servers open the same build store read-only (`oxigraph serve-read-only --union-default-graph`), on
loopback, and get the same mix: every catalogue SELECT, a COUNT, a CONSTRUCT of one entity's statements, and
the editor page and entity documents (a DESCRIBE on the Oxigraph server), sent by `--clients` keep-alive
connections, each from its own loopback address (127.0.1.N), until `--requests` answers or `--deadline`
seconds. Scenarios, each against each server:
  1. the mix alone;
  2. the mix while three other clients (127.0.0.2-4) keep a pathological query running (resent when it ends);
  3. a burst of 200 new connections, one request each, opened at once.
Before the scenarios each distinct request is sent once, one at a time (a warm-up, reported).
Memory is the largest resident set of the server and its worker processes, sampled every 0.2 s.
`kuzbass serve` runs twice, with its answer cache (the default) and with `--cache-bytes 0`.
Writes bench/results/serve-load.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kuzbass_graph.catalogue import load_catalogue  # noqa: E402
from tests.engines import free_port, wait_for  # noqa: E402  (the test suite's loopback helpers)

RESULTS = ROOT / "bench" / "results"
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CONSTRUCT = ("CONSTRUCT { <https://w3id.org/kuzbass/id/organization/aic-kuzbass> ?p ?o } "
             "WHERE { <https://w3id.org/kuzbass/id/organization/aic-kuzbass> ?p ?o }")


@dataclass(frozen=True)
class Target:
    name: str
    base: str
    query_path: str
    page: str
    pids: tuple[int, ...] = ()


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    answered: int = 0

    def add(self, kind: str, seconds: float, status: int) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.answered += 1
        if status != 200:
            self.errors[str(status)] = self.errors.get(str(status), 0) + 1


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        children = Path(f"/proc/{current}/task/{current}/children")
        if children.is_file():
            todo += [int(c) for c in children.read_text().split()]
    return found


def _rss(pid: int) -> int:
    total = 0
    for p in _descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class MemoryWatch:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss(self.pid))
            time.sleep(0.2)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _request(target: Target, kind: str, text: str) -> bytes:
    host = target.base.split("//", 1)[1]
    if kind == "page":
        return f"GET {target.page} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n\r\n".encode()
    accept = "text/turtle" if kind == "construct" else "application/sparql-results+json"
    query = urllib.parse.urlencode({"query": text})
    return f"GET {target.query_path}?{query} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\n\r\n".encode()


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _client(target: Target, source: str, mix: list[tuple[str, bytes]], start: int, tally: Tally,
                  stop: asyncio.Event, limit: int) -> None:
    host, port = target.base.split("//", 1)[1].split(":")
    reader, writer = await asyncio.open_connection(host, int(port), local_addr=(source, 0), limit=2 ** 24)
    index = start
    try:
        while not stop.is_set() and tally.answered < limit:
            kind, payload = mix[index % len(mix)]
            index += 1
            started = time.perf_counter()
            writer.write(payload)
            try:
                status = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                tally.add(kind, time.perf_counter() - started, 0)
                writer.close()
                reader, writer = await asyncio.open_connection(host, int(port), local_addr=(source, 0),
                                                               limit=2 ** 24)
                continue
            tally.add(kind, time.perf_counter() - started, status)
    finally:
        writer.close()


async def _hog(target: Target, source: str, stop: asyncio.Event, answers: list[int]) -> None:
    host, port = target.base.split("//", 1)[1].split(":")
    payload = _request(target, "hog", PATHOLOGICAL)
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(host, int(port), local_addr=(source, 0))
            writer.write(payload)
            read = asyncio.ensure_future(_read_response(reader))
            waiter = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({read, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if read in done:
                answers.append(read.result())
            else:
                read.cancel()
            waiter.cancel()
            writer.close()
        except (ConnectionError, asyncio.IncompleteReadError):
            answers.append(0)
            await asyncio.sleep(0.1)


async def _load(target: Target, mix: list[tuple[str, bytes]], clients: int, requests: int, deadline: float,
                hogs: int) -> dict[str, object]:
    tally, stop = Tally(), asyncio.Event()
    hog_answers: list[int] = []
    hog_tasks = [asyncio.ensure_future(_hog(target, f"127.0.0.{2 + n}", stop, hog_answers)) for n in range(hogs)]
    if hogs:
        await asyncio.sleep(3)  # let the pathological queries get going
    started = time.perf_counter()
    tasks = [asyncio.ensure_future(_client(target, f"127.0.1.{1 + n}", mix, n * 7, tally, stop, requests))
             for n in range(clients)]
    done, pending = await asyncio.wait(tasks, timeout=deadline)
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*pending, *hog_tasks, return_exceptions=True)
    failures = [str(t.exception()) for t in done if t.exception() is not None]
    everything = [x for values in tally.latencies.values() for x in values]
    by_kind = {kind: {"n": len(v), "p50_ms": round(statistics.median(v) * 1000, 2),
                      "p99_ms": round(_percentile(v, 0.99) * 1000, 2)} for kind, v in sorted(tally.latencies.items())}
    return {"answered": tally.answered, "seconds": round(elapsed, 2),
            "throughput": round(tally.answered / elapsed, 1), "errors": tally.errors, "client_failures": failures,
            "p50_ms": round(statistics.median(everything) * 1000, 2) if everything else None,
            "p99_ms": round(_percentile(everything, 0.99) * 1000, 2) if everything else None,
            "by_kind": by_kind, "pathological_answers": _count(hog_answers)}


def _count(values: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        counts[str(v)] = counts.get(str(v), 0) + 1
    return counts


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _warm_up(target: Target, mix: list[tuple[str, bytes]]) -> float:
    """Send each distinct request of the mix once, one at a time (disk and answer caches warm, as in use)."""
    host, port = target.base.split("//", 1)[1].split(":")
    reader, writer = await asyncio.open_connection(host, int(port), limit=2 ** 24)
    started = time.perf_counter()
    for _, payload in dict.fromkeys(mix):
        writer.write(payload)
        await _read_response(reader)
    writer.close()
    return time.perf_counter() - started


async def _burst(target: Target, count: int) -> dict[str, object]:
    host, port = target.base.split("//", 1)[1].split(":")
    payload = _request(target, "select", "ASK { ?s ?p ?o }")

    async def one(n: int) -> int:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, int(port), local_addr=(f"127.0.2.{1 + n % 250}", 0)), 30)
            writer.write(payload)
            status = await asyncio.wait_for(_read_response(reader), 30)
            writer.close()
            return status
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            return 0

    started = time.perf_counter()
    codes = await asyncio.gather(*(one(n) for n in range(count)))
    return {"connections": count, "answered_200": sum(1 for c in codes if c == 200),
            "failed": sum(1 for c in codes if c != 200), "seconds": round(time.perf_counter() - started, 2)}


ENTITIES = ("person/sebald-rutgers", "organization/aic-kuzbass", "place/kemerovo", "facility/kuzbass-farm",
            "person/bill-heywood")


def _entity(target: Target, slug: str, html: bool) -> bytes:
    """An entity's page (kuzbass serve) or, for a server without pages, the DESCRIBE an RDF client would send."""
    host = target.base.split("//", 1)[1]
    if target.query_path == "/sparql":
        path = f"/id/{slug}/" if html else f"/id/{slug}.ttl"
        return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    query = urllib.parse.urlencode({"query": f"DESCRIBE <https://w3id.org/kuzbass/id/{slug}>"})
    return f"GET {target.query_path}?{query} HTTP/1.1\r\nHost: {host}\r\nAccept: text/turtle\r\n\r\n".encode()


def _mix(target: Target) -> list[tuple[str, bytes]]:
    mix: list[tuple[str, bytes]] = []
    for query in load_catalogue(ROOT / "queries"):
        mix.append(("catalogue", _request(target, "select", query.text)))
    for n in range(max(1, len(mix) // 10)):
        mix += [("count", _request(target, "count", COUNT)), ("construct", _request(target, "construct", CONSTRUCT)),
                ("page", _request(target, "page", "")),
                ("entity", _entity(target, ENTITIES[n % len(ENTITIES)], html=n % 2 == 0))]
    return mix


def _start_kuzbass(dataset: Path, cache: bool) -> tuple[subprocess.Popen[bytes], Target]:
    port = free_port()
    binary = shutil.which("kuzbass") or str(Path(sys.executable).parent / "kuzbass")
    args = [binary, "serve", "--dataset", str(dataset), "--port", str(port)]
    if not cache:
        args += ["--cache-bytes", "0"]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, 60)
    name = "kuzbass serve" + ("" if cache else " (no cache)")
    return process, Target(name, f"http://127.0.0.1:{port}", "/sparql", "/", (process.pid,))


def _start_oxigraph(dataset: Path) -> tuple[subprocess.Popen[bytes], Target]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    process = subprocess.Popen([binary, "serve-read-only", "--location", str((dataset / "store").resolve()),
                                "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, 60)
    return process, Target("oxigraph serve-read-only", f"http://127.0.0.1:{port}", "/query", "/", (process.pid,))


def run(dataset: Path, clients: int, requests: int, deadline: float) -> dict[str, object]:
    results: dict[str, object] = {}
    for start in (lambda: _start_oxigraph(dataset), lambda: _start_kuzbass(dataset, True),
                  lambda: _start_kuzbass(dataset, False)):
        process, target = start()
        try:
            mix = _mix(target)
            entry: dict[str, object] = {}
            with MemoryWatch(process.pid) as memory:
                idle = _rss(process.pid)
                entry["warm_up_seconds"] = round(asyncio.run(_warm_up(target, mix)), 2)
                entry["alone"] = asyncio.run(_load(target, mix, clients, requests, deadline, hogs=0))
                entry["with_three_pathological"] = asyncio.run(_load(target, mix, clients, requests, deadline, hogs=3))
                entry["burst"] = asyncio.run(_burst(target, 200))
            entry["memory_mb"] = {"idle": round(idle / 1e6, 1), "peak": round(memory.peak / 1e6, 1)}
            alone, hogged = entry["alone"], entry["with_three_pathological"]
            entry["kept_throughput_share"] = round(hogged["throughput"] / alone["throughput"], 3)  # type: ignore[index]
            results[target.name] = entry
            print(f"{target.name}: {alone['throughput']} req/s alone, {hogged['throughput']} with pathological "  # type: ignore[index]
                  f"queries, burst {entry['burst']}", file=sys.stderr)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    return results


def _targets(results: dict[str, dict]) -> list[tuple[str, str, bool]]:  # type: ignore[type-arg]
    ours, oxi = results["kuzbass serve"], results["oxigraph serve-read-only"]
    alone, hogged = ours["alone"], ours["with_three_pathological"]
    catalogue_p99 = alone["by_kind"]["catalogue"]["p99_ms"]
    hog_errors = sum(hogged["errors"].values())
    return [
        ("0 errors under the mix", f"{sum(alone['errors'].values())} errors", not alone["errors"]),
        ("throughput at least half of the Oxigraph server's",
         f"{alone['throughput']} vs {oxi['alone']['throughput']} req/s "
         f"({alone['throughput'] / oxi['alone']['throughput']:.0%})",
         alone["throughput"] >= 0.5 * oxi["alone"]["throughput"]),
        ("p99 under 100 ms for catalogue queries", f"{catalogue_p99} ms", catalogue_p99 < 100),
        ("with three pathological queries, others keep 80% of throughput and get no error",
         f"{ours['kept_throughput_share']:.0%} kept, {hog_errors} errors",
         ours["kept_throughput_share"] >= 0.8 and hog_errors == 0),
        ("a burst of 200 new connections is answered in full", f"{ours['burst']['answered_200']} of 200",
         ours["burst"]["answered_200"] == 200),
    ]


def write_report(results: dict[str, dict], settings: dict[str, object]) -> None:  # type: ignore[type-arg]
    RESULTS.mkdir(parents=True, exist_ok=True)
    targets = _targets(results)
    payload = {"settings": settings, "results": results,
               "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in targets]}
    (RESULTS / "serve-load.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    lines = ["# Serving under load and attack", "",
             f"`python bench/serve_load.py` on {settings['machine']}: {settings['clients']} keep-alive clients "
             f"(each its own loopback address), up to {settings['requests']} answers or {settings['deadline']} s per "
             "run, the same mix and the same build store for every server, after a warm-up that sends each distinct "
             "request once. The mix: every catalogue query, a COUNT "
             "of all triples, a CONSTRUCT of one entity's statements, the editor page, and entity documents (pages "
             "and Turtle from `kuzbass serve`; for the Oxigraph server, which has no pages, the DESCRIBE an RDF "
             "client would send). \"With three "
             "pathological\": three other clients keep a three-way cross product running, resent when it ends.",
             "", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in targets]
    lines += ["", "## Figures", "",
              "| server | scenario | req/s | p50 ms | p99 ms | catalogue p99 ms | errors | pathological answers |",
              "|---|---|---|---|---|---|---|---|"]
    for name, entry in results.items():
        for scenario in ("alone", "with_three_pathological"):
            r = entry[scenario]
            lines.append(f"| {name} | {scenario.replace('_', ' ')} | {r['throughput']} | {r['p50_ms']} | "
                         f"{r['p99_ms']} | {r['by_kind'].get('catalogue', {}).get('p99_ms')} | "
                         f"{r['errors'] or 0} | {r['pathological_answers'] or '-'} |")
    lines += ["", "| server | burst of 200 connections | memory idle MB | memory peak MB | kept throughput |",
              "|---|---|---|---|---|"]
    for name, entry in results.items():
        b = entry["burst"]
        lines.append(f"| {name} | {b['answered_200']} answered, {b['failed']} failed in {b['seconds']} s | "
                     f"{entry['memory_mb']['idle']} | {entry['memory_mb']['peak']} | "
                     f"{entry['kept_throughput_share']:.0%} |")
    lines += ["", "Latency by kind of request (alone):", "", "| server | kind | n | p50 ms | p99 ms |",
              "|---|---|---|---|---|"]
    for name, entry in results.items():
        for kind, r in entry["alone"]["by_kind"].items():
            lines.append(f"| {name} | {kind} | {r['n']} | {r['p50_ms']} | {r['p99_ms']} |")
    lines += ["", "Memory counts the server and its worker processes. The load client runs on the same two "
              "cores as the server, so absolute figures are lower than on a machine with a separate client; the "
              "comparison is what the run is for.", ""]
    (RESULTS / "serve-load.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=ROOT / "dist")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--deadline", type=float, default=60.0)
    args = parser.parse_args()
    if not (args.dataset / "store").is_dir():
        sys.exit(f"no build in {args.dataset}: run `kuzbass build` first")
    settings = {"clients": args.clients, "requests": args.requests, "deadline": args.deadline,
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    results = run(args.dataset, args.clients, args.requests, args.deadline)
    write_report(results, settings)
    print(f"wrote {RESULTS / 'serve-load.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
