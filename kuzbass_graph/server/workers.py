"""Query workers: processes that each open the store read-only, so a runaway query can be killed on timeout
while the other workers keep serving."""

from __future__ import annotations

import io
import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

QUERY_KINDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Job:
    query: str
    media_type: str | None  # asked-for result media type; None: the default for the query form
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str
    body: bytes


class ResultTooLarge(Exception):
    pass


class _CappedBuffer(io.BytesIO):
    """An in-memory body that refuses to grow past `cap` bytes."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.cap:
            raise ResultTooLarge()
        return super().write(data)


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def _execute(store: Any, job: Job, max_bytes: int, formats: dict[str, dict[str, Any]]) -> Answer:
    import pyoxigraph as ox

    from ..namespaces import PREFIXES

    kwargs: dict[str, Any] = {}
    if job.default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if job.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        result = store.query(job.query, prefixes=PREFIXES, **kwargs)
    except SyntaxError as exc:
        return _error(400, f"SPARQL syntax error: {exc}")
    except (RuntimeError, ValueError, OSError) as exc:
        return _error(400, f"query failed: {exc}")
    buffer = _CappedBuffer(max_bytes)
    try:
        if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
            media = job.media_type if job.media_type in formats["results"] else "application/sparql-results+json"
            result.serialize(buffer, format=formats["results"][media])
        else:
            media = job.media_type if job.media_type in formats["rdf"] else "text/turtle"
            rdf_format = formats["rdf"][media]
            with_prefixes = rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)
            ox.serialize(result, buffer, format=rdf_format, prefixes=PREFIXES if with_prefixes else None)
    except ResultTooLarge:
        return _error(500, f"the result is larger than the cap of {max_bytes} bytes; add a LIMIT or narrow the query")
    except (RuntimeError, ValueError, OSError) as exc:
        if isinstance(exc.__context__, ResultTooLarge) or "ResultTooLarge" in repr(exc):
            return _error(500, f"the result is larger than the cap of {max_bytes} bytes; add a LIMIT")
        return _error(500, f"query failed while writing results: {exc}")
    return Answer(200, str(media) + ("; charset=utf-8" if str(media).startswith("text/") else ""), buffer.getvalue())


def _formats() -> dict[str, dict[str, Any]]:
    import pyoxigraph as ox

    return {
        "results": {
            "application/sparql-results+json": ox.QueryResultsFormat.JSON,
            "application/sparql-results+xml": ox.QueryResultsFormat.XML,
            "text/csv": ox.QueryResultsFormat.CSV,
            "text/tab-separated-values": ox.QueryResultsFormat.TSV,
        },
        "rdf": {
            "text/turtle": ox.RdfFormat.TURTLE,
            "application/n-triples": ox.RdfFormat.N_TRIPLES,
            "application/ld+json": ox.RdfFormat.JSON_LD,
            "application/rdf+xml": ox.RdfFormat.RDF_XML,
            "application/n-quads": ox.RdfFormat.N_QUADS,
            "application/trig": ox.RdfFormat.TRIG,
        },
    }


def _worker_main(store_dir: str, max_bytes: int, conn: Connection) -> None:
    import pyoxigraph as ox

    store = ox.Store.read_only(store_dir)
    formats = _formats()
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(_execute(store, job, max_bytes, formats))


RESULT_MEDIA_TYPES = tuple(_formats()["results"])
RDF_MEDIA_TYPES = tuple(_formats()["rdf"])


class _Worker:
    def __init__(self, context: mp.context.SpawnContext, store_dir: Path, max_bytes: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(str(store_dir), max_bytes, child), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(60) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """A fixed number of worker processes; a job waits for a free one, and a job that runs past its
    timeout has its worker killed and replaced."""

    def __init__(self, store_dir: Path, *, workers: int = 2, timeout: float = 30.0,
                 max_bytes: int = 50_000_000) -> None:
        self.store_dir = store_dir
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._context = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        for _ in range(max(1, workers)):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context, self.store_dir, self.max_bytes)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def run(self, job: Job) -> Answer:
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _error(503, f"every query worker stayed busy for {self.timeout:g} s; try again later")
        remaining = max(0.1, self.timeout - (time.monotonic() - started))
        try:
            worker.conn.send(job)
            if worker.conn.poll(remaining):
                answer: Answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            pass
        self._retire(worker)
        return _error(503, f"the query was cancelled after {self.timeout:g} s (the server's time limit); "
                           "narrow it or add a LIMIT")

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        threading.Thread(target=self._add, daemon=True).start()

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            worker.kill()
