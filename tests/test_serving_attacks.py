"""kuzbass serve under load and attack: each finding of the hostile test, on loopback, bounded.

Clients are told apart by their loopback address (127.0.0.2, 127.0.0.3, ...), as the server tells them apart.
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest

from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.server import ServeOptions, protocol, responses, running
from kuzbass_graph.validation import Check
from tests.engines import free_port
from tests.serving import fetch, get_query, query_from, raw, status

pytestmark = pytest.mark.server
LABELS = "SELECT ?label WHERE { person:alice-smith rdfs:label ?label }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
OPTIONS = ServeOptions(port=0, workers=2, timeout=8.0, slow_after=0.5, queue_wait=3.0, reload_interval=0.2)


@pytest.fixture
def built(settings: Settings) -> Settings:
    build_project(settings, skip=frozenset({Check.REASONER}))
    return settings


@pytest.fixture
def server(built: Settings) -> Iterator[str]:
    with running(built, OPTIONS) as base:
        yield base


def _wait_until(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


# --- fairness -----------------------------------------------------------------------------------

def test_three_slow_queries_do_not_stop_other_clients(server: str) -> None:
    with ThreadPoolExecutor(max_workers=3) as executor:
        slow = [executor.submit(query_from, server, RUNAWAY, f"127.0.0.{n}") for n in (2, 3, 4)]
        assert _wait_until(lambda: status(server)["pool"]["slow"] == 3, 5)
        timings = []
        for _ in range(30):
            started = time.monotonic()
            code, _, body = query_from(server, LABELS, "127.0.0.9")
            timings.append(time.monotonic() - started)
            assert code == 200 and b"Alice Smith" in body
        assert max(timings) < 3.0 and sorted(timings)[15] < 0.5, timings  # blocked, they would wait 8 s
        answers = [f.result(timeout=30) for f in slow]
    assert all(code == 503 and b"cancelled after 8 s" in body for code, _, body in answers)


def test_a_client_over_its_share_of_slow_queries_is_refused(built: Settings) -> None:
    with running(built, replace(OPTIONS, per_client_slow=1)) as base:
        with ThreadPoolExecutor(max_workers=2) as executor:
            first = executor.submit(query_from, base, RUNAWAY, "127.0.0.2")
            assert _wait_until(lambda: status(base)["pool"]["slow"] == 1, 5)
            started = time.monotonic()
            code, headers, body = query_from(base, RUNAWAY, "127.0.0.2")
            assert code == 503 and b"long-running" in body and int(headers["retry-after"]) > 0
            assert time.monotonic() - started < 3
            assert query_from(base, LABELS, "127.0.0.3")[0] == 200  # another client is served meanwhile
            assert first.result(timeout=30)[0] == 503


def test_a_client_that_hangs_up_cancels_its_query(server: str) -> None:
    parts = urlsplit(server)
    sock = socket.create_connection((parts.hostname, parts.port))
    sock.sendall(f"GET /sparql?{urllib.parse.urlencode({'query': RUNAWAY})} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert _wait_until(lambda: status(server)["pool"]["slow"] == 1, 5)
    sock.close()
    assert _wait_until(lambda: status(server)["pool"]["slow"] == 0, 3)
    assert status(server)["pool"]["cancelled"] == 1


def test_a_full_queue_is_a_503_with_retry_after(built: Settings) -> None:
    with running(built, replace(OPTIONS, workers=1, slow_after=30.0, queue_wait=0.5)) as base:
        with ThreadPoolExecutor(max_workers=1) as executor:
            hog = executor.submit(query_from, base, RUNAWAY, "127.0.0.2")
            time.sleep(0.3)
            code, headers, body = query_from(base, LABELS, "127.0.0.3")
            assert code == 503 and int(headers["retry-after"]) >= 1 and b"busy" in body
            hog.result(timeout=30)


# --- no SSRF ------------------------------------------------------------------------------------

def _listener() -> tuple[socket.socket, list[object]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.settimeout(0.2)
    hits: list[object] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = sock.accept()
                hits.append(connection)
            except TimeoutError:
                continue
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return sock, hits


def test_service_is_refused_and_opens_no_connection(server: str) -> None:
    listener, hits = _listener()
    open_port, closed_port = listener.getsockname()[1], free_port()
    try:
        answers = []
        for port in (open_port, closed_port):
            query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}"
            code, _, body = get_query(server, query)
            answers.append((code, body.replace(str(port).encode(), b"PORT")))
        time.sleep(0.5)
    finally:
        listener.close()
    assert hits == []
    assert answers[0] == answers[1] and answers[0][0] == 400 and b"SERVICE" in answers[0][1]


@pytest.mark.parametrize("query", [
    "select * { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
    "SELECT * { BIND(<http://127.0.0.1:9/> AS ?u) SERVICE ?u { ?s ?p ?o } }",
    "SELECT * { { SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }",
])
def test_every_spelling_of_service_is_refused(server: str, query: str) -> None:
    code, _, body = get_query(server, query)
    assert code == 400 and b"refused" in body


def test_service_words_in_strings_comments_and_names_are_not_service(server: str) -> None:
    query = ('SELECT ?service WHERE { person:alice-smith rdfs:label ?service '
             'FILTER(?service != "SERVICE <http://127.0.0.1:9/>") } # SERVICE <http://127.0.0.1:9/>')
    code, _, body = get_query(server, query)
    assert code == 200 and b"Alice Smith" in body


def test_an_allowed_service_endpoint_is_called(built: Settings) -> None:
    with running(built, replace(OPTIONS)) as remote:
        target = f"{remote}/sparql"
        with running(built, replace(OPTIONS, allow_service=frozenset({target}))) as base:
            query = f"SELECT ?label WHERE {{ SERVICE <{target}> {{ person:alice-smith rdfs:label ?label }} }}"
            code, _, body = get_query(base, query)
            assert code == 200 and b"Alice Smith" in body
            assert get_query(base, query.replace(target, target + "2"))[0] == 400


# --- bad parameters and worker health -----------------------------------------------------------

def test_a_malformed_graph_iri_is_a_400_and_kills_no_worker(server: str) -> None:
    for name in ("default-graph-uri", "named-graph-uri"):
        url = f"{server}/sparql?" + urllib.parse.urlencode({"query": LABELS, name: "not an iri"})
        code, _, body = fetch(url)
        assert code == 400 and b"absolute IRIs" in body
    assert status(server)["pool"]["replaced"] == 0
    assert get_query(server, LABELS)[0] == 200


def test_the_pool_heals_when_replacements_cannot_open_the_store(server: str, built: Settings) -> None:
    store = Path(status(server)["folder"]) / "store"
    away = store.with_name("store.away")
    os.rename(store, away)
    try:
        for pid in status(server)["pool"]["pids"]:
            os.kill(pid, 9)
        assert _wait_until(lambda: status(server)["pool"]["spawn_failures"] >= 2, 10)
        code, headers, _ = get_query(server, LABELS)
        assert code == 503 and "retry-after" in headers
    finally:
        os.rename(away, store)
    assert _wait_until(lambda: get_query(server, LABELS)[0] == 200, 15)
    assert status(server)["pool"]["fast"] == OPTIONS.workers


# --- reloads ------------------------------------------------------------------------------------

ALICE_BY_LABEL = ('SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l '
                  'FILTER(STR(?l) = "Alice Smith") }')


def test_a_rebuild_switches_every_answer_to_the_new_build(built: Settings) -> None:
    other = Settings(root=built.root, out=built.out, base_iri="https://example.org/kz/")
    seen: list[tuple[str, bytes]] = []
    stop = threading.Event()
    with running(built, OPTIONS) as base:
        first = status(base)["build"]

        def poll() -> None:
            while not stop.is_set():
                code, headers, body = get_query(base, ALICE_BY_LABEL, Accept="text/csv")
                assert code == 200, body[:300]
                seen.append((headers["x-kuzbass-build"], body))

        thread = threading.Thread(target=poll)
        thread.start()
        try:
            build_project(other, skip=frozenset({Check.REASONER}))
            assert _wait_until(lambda: status(base)["build"] != first, 10)
            second = status(base)["build"]
            time.sleep(0.3)
        finally:
            stop.set()
            thread.join(30)
        code, headers, dump = fetch(f"{base}/dumps/kuzbass.nt")
        assert code == 200 and headers["x-kuzbass-build"] == second and b"https://example.org/kz/" in dump
        # a failing build leaves the server where it was
        broken = built.triples_dir / "zz-broken.trig"
        broken.write_text("this is not TriG", encoding="utf-8")
        with pytest.raises(Exception):  # noqa: B017 - any failure of the build will do
            build_project(other, skip=frozenset({Check.REASONER}))
        broken.unlink()
        time.sleep(0.5)
        assert status(base)["build"] == second
    by_build = {build: {body for b, body in seen if b == build} for build, _ in seen}
    assert set(by_build) == {first, second}
    assert all(b"https://w3id.org/kuzbass/" in body for body in by_build[first])
    assert all(b"https://example.org/kz/" in body and b"w3id.org" not in body for body in by_build[second])


# --- HTTP ---------------------------------------------------------------------------------------

def _head(base: str) -> bytes:
    return f"Host: {urlsplit(base).netloc}\r\n".encode()


def test_negative_and_malformed_content_length_are_400(server: str) -> None:
    for length in (b"-1", b"abc"):
        answer = raw(server, b"POST /sparql HTTP/1.1\r\n" + _head(server) + b"Content-Type: application/sparql-query"
                     b"\r\nContent-Length: " + length + b"\r\n\r\n" + LABELS.encode())
        assert answer.startswith(b"HTTP/1.1 400"), answer[:200]


def test_bodies_over_the_cap_are_413_chunked_or_not(server: str) -> None:
    answer = raw(server, b"POST /sparql HTTP/1.1\r\n" + _head(server) +
                 b"Content-Type: application/sparql-query\r\nContent-Length: 100000000\r\n\r\n", read_all=False)
    assert answer.startswith(b"HTTP/1.1 413")
    chunk = b"#" + b"x" * 65_534 + b"\n"
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17))  # 1.1 MB, never finished
    answer = raw(server, b"POST /sparql HTTP/1.1\r\n" + _head(server) + b"Content-Type: application/sparql-query\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n" + body, read_all=False)
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_chunked_query_is_read_as_its_body(server: str) -> None:
    parts = urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    pieces = [LABELS[:10].encode(), LABELS[10:].encode()]
    connection.request("POST", "/sparql", body=iter(pieces), encode_chunked=True,
                       headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    response = connection.getresponse()
    assert response.status == 200 and b"Alice Smith" in response.read()
    connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": LABELS}), headers={"Accept": "text/csv"})
    assert b"Alice Smith" in connection.getresponse().read()  # the same connection, the next request
    connection.close()


def test_head_then_get_on_one_connection(server: str) -> None:
    parts = urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("HEAD", "/dumps/kuzbass.ttl")
    head = connection.getresponse()
    assert head.status == 200 and int(head.headers["content-length"]) > 1000 and head.read() == b""
    connection.request("GET", "/queries.json")
    response = connection.getresponse()
    assert response.status == 200 and response.read().startswith(b"[")
    connection.close()


def test_long_paths_are_answered(server: str) -> None:
    assert fetch(f"{server}/{'a' * 300}")[0] == 404
    answer = raw(server, b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\n" + _head(server) + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 414")


def test_a_silent_connection_is_closed_with_408(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol.GuardedHttpToolsProtocol, "header_timeout", 0.5)
    parts = urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        started = time.monotonic()
        answer = sock.recv(1000)
    assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 3


def test_a_burst_of_200_new_connections_is_answered_in_full(server: str) -> None:
    def one(_: int) -> int:
        return get_query(server, LABELS)[0]

    with ThreadPoolExecutor(max_workers=200) as executor:
        codes = list(executor.map(one, range(200)))
    assert codes == [200] * 200


def test_cors_preflight_and_security_headers(server: str) -> None:
    code, headers, _ = fetch(f"{server}/sparql", method="OPTIONS",
                             headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                      "Access-Control-Request-Headers": "content-type"})
    assert code == 204 and headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"] and headers["access-control-allow-headers"]
    _, headers, _ = get_query(server, LABELS)
    assert headers["access-control-allow-origin"] == "*" and headers["x-content-type-options"] == "nosniff"
    _, headers, _ = fetch(f"{server}/")
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]


def test_dumps_and_pages_carry_etags_from_the_build(server: str) -> None:
    code, headers, _ = fetch(f"{server}/dumps/kuzbass.nq")
    etag = headers["etag"]
    assert code == 200 and status(server)["build"] in etag
    assert fetch(f"{server}/dumps/kuzbass.nq", headers={"If-None-Match": etag})[0] == 304
    code, headers, _ = fetch(f"{server}/")
    assert code == 200 and fetch(f"{server}/", headers={"If-None-Match": headers["etag"]})[0] == 304


# --- memory -------------------------------------------------------------------------------------

def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def test_clients_that_never_read_a_large_result_do_not_grow_memory(tmp_path: Path, built: Settings,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "big"
    out.mkdir()
    store = ox.Store(str(out / "store"))
    filler = "x" * 200
    store.bulk_extend(ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("https://example.org/p"),
                              ox.Literal(f"{i} {filler}"), ox.DefaultGraph()) for i in range(100_000))
    store.flush()
    del store
    monkeypatch.setattr(responses, "SEND_TIMEOUT", 3.0)
    big = Settings(root=built.root, out=out)
    with running(big, replace(OPTIONS, timeout=30.0, slow_after=10.0)) as base:
        parts = urlsplit(base)
        request = f"GET /sparql?{urllib.parse.urlencode({'query': 'SELECT * WHERE { ?s ?p ?o }'})} HTTP/1.1\r\n" \
                  "Host: x\r\n\r\n"
        before = _rss()
        socks = []
        for n in range(10):
            sock = socket.create_connection((parts.hostname, parts.port), source_address=(f"127.0.0.{n + 2}", 0))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(request.encode())
            socks.append(sock)
        assert _wait_until(lambda: status(base)["pool"]["idle"] == OPTIONS.workers, 30)  # every query answered
        grown = _rss() - before
        assert grown < 80_000_000, f"server memory grew by {grown / 1e6:.0f} MB"
        assert get_query(base, "ASK { ?s ?p ?o }")[0] == 200
        for sock in socks:
            sock.close()
    assert not list((Path(os.environ.get("TMPDIR", "/tmp"))).glob("kuzbass-serve-*/result-*"))




def test_connections_past_the_cap_get_503(built: Settings) -> None:
    with running(built, replace(OPTIONS, max_connections=4)) as base:
        parts = urlsplit(base)
        idle = [socket.create_connection((parts.hostname, parts.port)) for _ in range(4)]
        try:
            time.sleep(0.2)
            answer = raw(base, b"GET /queries.json HTTP/1.1\r\n" + _head(base) + b"\r\n", read_all=False)
            assert answer.startswith(b"HTTP/1.1 503")
        finally:
            for sock in idle:
                sock.close()
        assert _wait_until(lambda: fetch(f"{base}/queries.json")[0] == 200, 5)


def test_a_query_past_the_worker_memory_cap_fails_alone(built: Settings) -> None:
    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"
    with running(built, replace(OPTIONS, worker_memory=900_000_000, timeout=60.0, slow_after=30.0)) as base:
        code, headers, body = get_query(base, hungry)
        assert code == 503 and b"more memory" in body and "retry-after" in headers
        assert get_query(base, LABELS)[0] == 200
        assert _wait_until(lambda: status(base)["pool"]["fast"] == OPTIONS.workers, 10)


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_slow_lane_queries_are_held_back_while_requests_arrive(server: str) -> None:
    with ThreadPoolExecutor(max_workers=1) as executor:
        slow = executor.submit(query_from, server, RUNAWAY, "127.0.0.2")
        assert _wait_until(lambda: len(status(server)["pool"]["slow_pids"]) == 1, 5)
        pid = status(server)["pool"]["slow_pids"][0]
        states = []
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:  # a steady stream of short requests
            assert query_from(server, LABELS, "127.0.0.3")[0] == 200
            states.append(_state(pid))
        time.sleep(0.6)  # no more requests: the slow query runs freely again
        free = {_state(pid) for _ in range(5)}
        assert "T" in states and "T" not in free, (states, free)
        assert slow.result(timeout=30)[0] == 503
