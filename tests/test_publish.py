"""kuzbass publish against a real Oxigraph server on loopback: replace, and survive a failure half-way."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.publish import PublishError, Target, count, publish, read_dataset, update
from kuzbass_graph.validation import Check
from tests.engines import free_port, oxigraph_server

pytestmark = pytest.mark.server
GRAPH = "https://example.org/graph/kuzbass"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    """A read-write Oxigraph server (PyPI `oxigraph`) on loopback."""
    with oxigraph_server(tmp_path / "db") as base:
        yield base


@pytest.fixture
def dump(settings: Settings) -> Path:
    build_project(settings, skip=frozenset({Check.REASONER}))
    return settings.out / "kuzbass.nq"


class FailingProxy(ThreadingHTTPServer):
    """Forwards requests to `upstream`, but answers 500 to the `fail_at`-th INSERT DATA request and after."""

    def __init__(self, upstream: str, fail_at: int) -> None:
        self.upstream, self.fail_at, self.inserts = upstream, fail_at, 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if b"INSERT+DATA" in body:
                    proxy.inserts += 1
                    if proxy.inserts >= proxy.fail_at:
                        self.send_response(500)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                request = urllib.request.Request(proxy.upstream + self.path, data=body, method="POST",
                                                 headers={k: v for k, v in self.headers.items()
                                                          if k.lower() in ("content-type", "accept")})
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, payload, media = response.status, response.read(), response.headers["Content-Type"]
                except urllib.error.HTTPError as error:
                    status, payload, media = error.code, error.read(), "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", media or "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        super().__init__(("127.0.0.1", 0), Handler)


def target(base: str, **extra: object) -> Target:
    return Target(query_url=f"{base}/query", update_url=f"{base}/update", graph=GRAPH, **extra)  # type: ignore[arg-type]


def test_publish_by_update_replaces_the_graph(store: str, dump: Path) -> None:
    update(target(store), f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:old> <urn:p> <urn:o> }} }}")
    report = publish(target(store), dump, chunk=50)
    assert report.protocol == "SPARQL Update"
    assert count(target(store), GRAPH) == report.triples == len(read_dataset(dump))
    assert count(target(store), GRAPH + "-staging") == 0


def test_publish_by_graph_store_protocol(store: str, dump: Path) -> None:
    report = publish(target(store, store_url=f"{store}/store"), dump)
    assert report.protocol == "graph store protocol"
    assert count(target(store), GRAPH) == len(read_dataset(dump))


def test_failure_half_way_leaves_the_old_graph_intact(store: str, dump: Path) -> None:
    publish(target(store), dump, chunk=200)
    before = count(target(store), GRAPH)
    proxy = FailingProxy(store, fail_at=3)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        with pytest.raises(PublishError, match="500"):
            publish(target(f"http://127.0.0.1:{proxy.server_address[1]}"), dump, chunk=100)
        assert proxy.inserts >= 3  # two chunks went through before the failure
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert count(target(store), GRAPH) == before
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), 'staging')) }"
    body = urllib.request.urlopen(urllib.request.Request(
        f"{store}/query", data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "text/csv", "Content-Type": "application/x-www-form-urlencoded"})).read()
    assert body.decode().split() == ["n", "0"]  # the staging graph was dropped


def test_unreachable_store_is_a_clear_error(dump: Path) -> None:
    with pytest.raises(PublishError, match="failed"):
        publish(target(f"http://127.0.0.1:{free_port()}"), dump)
