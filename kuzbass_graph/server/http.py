"""The HTTP side of `kuzbass serve`: one origin for /sparql (SPARQL 1.1 Protocol, read-only), the query
editor, the query catalogue, and the files of the build."""

from __future__ import annotations

import json
import logging
import mimetypes
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .workers import RDF_MEDIA_TYPES, RESULT_MEDIA_TYPES, Answer, Job, QueryPool

log = logging.getLogger("kuzbass.serve")

MAX_REQUEST_BYTES = 1_000_000
FORMAT_ALIASES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "ntriples": "application/n-triples", "nt": "application/n-triples", "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml", "nquads": "application/n-quads", "trig": "application/trig",
}
DOWNLOADS = ("kuzbass.ttl", "kuzbass.nt", "kuzbass.nq", "kuzbass.trig", "kuzbass-claims.trig", "build-report.json",
             "coverage.json", "coverage.md")


def negotiate(accept: str | None, fmt: str | None) -> str | None:
    """The best media type we produce for an Accept header (or a format= alias); None when any will do."""
    if fmt:
        return FORMAT_ALIASES.get(fmt.lower(), fmt)
    if not accept:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        quality = 1.0
        for p in pieces[1:]:
            if p.startswith("q="):
                try:
                    quality = float(p[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, pieces[0].lower()))
    for _, _, media in sorted(ranked):
        if media in RESULT_MEDIA_TYPES or media in RDF_MEDIA_TYPES:
            return media
        if media in ("application/json",):
            return "application/sparql-results+json"
    return None


class KuzbassServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], *, pool: QueryPool, dataset: Path, catalogue: list[dict[str, str]]):
        super().__init__(address, RequestHandler)
        self.pool = pool
        self.dataset = dataset
        self.catalogue = catalogue


class RequestHandler(BaseHTTPRequestHandler):
    server: KuzbassServer
    server_version = "kuzbass-graph"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # requests are logged once, with their status and timing, in _send

    # --- routing --------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        self._started = time.perf_counter()
        url = urlsplit(self.path)
        path = unquote(url.path)
        if path == "/sparql":
            params = parse_qs(url.query, keep_blank_values=True)
            if "update" in params:
                return self._refuse_update()
            if "query" not in params:
                return self._static("index.html")
            return self._query(params["query"][0], params)
        if path in ("/", "/index.html"):
            return self._static("index.html")
        if path == "/queries.json":
            return self._send(200, "application/json", json.dumps(self.server.catalogue).encode("utf-8"))
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        if path.startswith("/dumps/") and path[len("/dumps/"):] in DOWNLOADS:
            return self._file(self.server.dataset / path[len("/dumps/"):])
        return self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def do_HEAD(self) -> None:  # noqa: N802
        self._head_only = True
        self.do_GET()

    def do_POST(self) -> None:  # noqa: N802
        self._started = time.perf_counter()
        path = urlsplit(self.path).path
        if path != "/sparql":
            return self._send(405, "text/plain; charset=utf-8", b"only /sparql accepts POST\n", allow="GET, HEAD")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            return self._send(413, "text/plain; charset=utf-8", b"request body too large\n")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        if kind == "application/sparql-update":
            return self._refuse_update()
        if kind == "application/sparql-query":
            return self._query(body, params)
        if kind == "application/x-www-form-urlencoded":
            form = parse_qs(body, keep_blank_values=True)
            if "update" in form:
                return self._refuse_update()
            if "query" in form:
                return self._query(form["query"][0], {**params, **form})
        return self._send(400, "text/plain; charset=utf-8",
                          b"POST a query as application/sparql-query or as a form field 'query'\n")

    def do_PUT(self) -> None:  # noqa: N802
        self._started = time.perf_counter()
        self._refuse_update()

    do_DELETE = do_PUT
    do_PATCH = do_PUT

    # --- answers --------------------------------------------------------------------------------

    def _refuse_update(self) -> None:
        self._send(403, "text/plain; charset=utf-8",
                   b"this endpoint is read-only: SPARQL Update and Graph Store writes are refused\n")

    def _query(self, text: str, params: dict[str, list[str]]) -> None:
        media = negotiate(self.headers.get("Accept"), (params.get("format") or [""])[0] or None)
        job = Job(text, media, tuple(params.get("default-graph-uri", ())), tuple(params.get("named-graph-uri", ())))
        answer: Answer = self.server.pool.run(job)
        self._send(answer.status, answer.media_type, answer.body)

    def _static(self, name: str) -> None:
        root = resources.files("kuzbass_graph.server") / "static"
        target = root.joinpath(*[p for p in name.split("/") if p not in ("", ".", "..")])
        if not target.is_file():
            return self._send(404, "text/plain; charset=utf-8", b"not found\n")
        media = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if media.startswith("text/") or media.endswith("javascript"):
            media += "; charset=utf-8"
        self._send(200, media, target.read_bytes(), cache="public, max-age=3600")

    def _file(self, path: Path) -> None:
        if not path.is_file():
            return self._send(404, "text/plain; charset=utf-8", b"not in this build\n")
        media = {".ttl": "text/turtle", ".nt": "application/n-triples", ".nq": "application/n-quads",
                 ".trig": "application/trig", ".json": "application/json", ".md": "text/markdown"}[path.suffix]
        self._send(200, media + "; charset=utf-8", path.read_bytes())

    def _send(self, status: int, media: str, body: bytes, *,
              allow: str | None = None, cache: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        self.send_header("X-Content-Type-Options", "nosniff")
        if allow:
            self.send_header("Allow", allow)
        if cache:
            self.send_header("Cache-Control", cache)
        self.end_headers()
        if not getattr(self, "_head_only", False):
            self.wfile.write(body)
        elapsed = (time.perf_counter() - getattr(self, "_started", time.perf_counter())) * 1000
        log.info('%s "%s %s" %d %d %.1fms', self.client_address[0], self.command,
                 self.path[:200], status, len(body), elapsed)

