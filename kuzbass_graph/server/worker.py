"""A query worker: a process that opens the build's store read-only and answers one query at a time.

Run as `python -m kuzbass_graph.server.worker STORE MAX_BYTES INLINE_BYTES SPOOL_DIR [MEMORY]` by the pool;
MEMORY (bytes, 0 for none) caps the worker's address space. It reads
framed jobs on standard input and writes framed answers on its own copy of standard output (the real fd 1
is pointed at stderr, so nothing printed by a library can corrupt the protocol). A frame is a 4-byte
big-endian length and a JSON header; an answer header with "inline" true is followed by its body. Bodies
larger than INLINE_BYTES go to a file in SPOOL_DIR, which the server streams to the client and deletes.
"""

from __future__ import annotations

import io
import json
import os
import struct
import sys
import tempfile
from typing import IO, Any

_LENGTH = struct.Struct(">I")


class ResultTooLarge(Exception):
    pass


class CappedSpool(io.RawIOBase):
    """A writable body: in memory up to `inline` bytes, then a file in `folder`; refuses to pass `cap`."""

    def __init__(self, cap: int, inline: int, folder: str) -> None:
        super().__init__()
        self.cap, self.inline, self.folder = cap, inline, folder
        self.size = 0
        self.memory: io.BytesIO | None = io.BytesIO()
        self.file: IO[bytes] | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        n = len(data)
        if self.size + n > self.cap:
            raise ResultTooLarge()
        if self.file is None and self.size + n > self.inline:
            self.file = tempfile.NamedTemporaryFile(dir=self.folder, prefix="result-", delete=False)
            assert self.memory is not None
            self.file.write(self.memory.getvalue())
            self.memory = None
        (self.file or self.memory).write(data)  # type: ignore[union-attr]
        self.size += n
        return n

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            os.unlink(self.file.name)
            self.file = None


def read_frame(stream: IO[bytes]) -> dict[str, Any] | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    return json.loads(stream.read(length))  # type: ignore[no-any-return]


def write_frame(stream: IO[bytes], header: dict[str, Any], body: bytes = b"") -> None:
    data = json.dumps(header).encode("utf-8")
    stream.write(_LENGTH.pack(len(data)) + data + body)
    stream.flush()


def _formats() -> dict[str, dict[str, Any]]:
    import pyoxigraph as ox

    from ..publishing import media as m

    return {
        "results": {m.SPARQL_JSON: ox.QueryResultsFormat.JSON, m.SPARQL_XML: ox.QueryResultsFormat.XML,
                    m.CSV: ox.QueryResultsFormat.CSV, m.TSV: ox.QueryResultsFormat.TSV},
        "rdf": {m.TURTLE: ox.RdfFormat.TURTLE, m.N_TRIPLES: ox.RdfFormat.N_TRIPLES, m.JSON_LD: ox.RdfFormat.JSON_LD,
                m.RDF_XML: ox.RdfFormat.RDF_XML, m.N_QUADS: ox.RdfFormat.N_QUADS, m.TRIG: ox.RdfFormat.TRIG},
    }


def _error(status: int, message: str) -> tuple[dict[str, Any], bytes]:
    body = (message.rstrip() + "\n").encode("utf-8")
    return {"status": status, "media": "text/plain; charset=utf-8", "inline": True, "size": len(body)}, body


def execute(store: Any, job: dict[str, Any], *, cap: int, inline: int, folder: str,
            formats: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], bytes]:
    """Run one job; the answer header and its inline body (empty when spooled to a file)."""
    import pyoxigraph as ox

    from ..namespaces import PREFIXES
    from ..publishing.media import with_charset

    kwargs: dict[str, Any] = {}
    if job.get("default_graphs"):
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
    else:
        kwargs["use_default_graph_as_union"] = True
    if job.get("named_graphs"):
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    try:
        result = store.query(job["query"], prefixes=PREFIXES, **kwargs)
    except SyntaxError as exc:
        return _error(400, f"SPARQL syntax error: {exc}")
    except (RuntimeError, ValueError, OSError) as exc:
        return _error(400, f"query failed: {exc}")
    spool = CappedSpool(cap, inline, folder)
    sink: Any = spool  # a file-like object, as pyoxigraph accepts
    asked = job.get("media")
    try:
        if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
            media = asked if asked in formats["results"] else "application/sparql-results+json"
            result.serialize(sink, format=formats["results"][media])
        else:
            media = asked if asked in formats["rdf"] else "text/turtle"
            rdf_format = formats["rdf"][media]
            with_prefixes = rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)
            ox.serialize(result, sink, format=rdf_format, prefixes=PREFIXES if with_prefixes else None)
    except Exception as exc:  # pyoxigraph wraps the writer's exception in its own
        spool.discard()
        if isinstance(exc, ResultTooLarge) or isinstance(exc.__context__, ResultTooLarge) \
                or "ResultTooLarge" in repr(exc):
            return _error(500, f"the result is larger than the cap of {cap} bytes; add a LIMIT or narrow the query")
        return _error(500, f"query failed while writing results: {exc}")
    header: dict[str, Any] = {"status": 200, "media": with_charset(str(media)), "size": spool.size}
    if spool.file is not None:
        spool.file.close()
        header.update(inline=False, path=spool.file.name)
        return header, b""
    assert spool.memory is not None
    header["inline"] = True
    return header, spool.memory.getvalue()


def main(argv: list[str]) -> int:
    store_dir, cap, inline, folder = argv[0], int(argv[1]), int(argv[2]), argv[3]
    memory = int(argv[4]) if len(argv) > 4 else 0
    if memory > 0:  # a query that needs more address space fails here instead of taking the machine's memory
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to stderr, never into the protocol
    inp = sys.stdin.buffer
    try:
        import pyoxigraph as ox

        store = ox.Store.read_only(store_dir)
        formats = _formats()
    except Exception as exc:  # the store is missing or corrupt: tell the pool, which retries and logs
        write_frame(out, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    write_frame(out, {"ready": True, "pid": os.getpid()})
    while True:
        job = read_frame(inp)
        if job is None:
            return 0
        header, body = execute(store, job, cap=cap, inline=inline, folder=folder, formats=formats)
        write_frame(out, header, body)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
