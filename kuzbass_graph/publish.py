"""Publish the build to a remote triplestore without ever leaving it half-updated.

1. upload the dataset's triples into a fresh staging graph (SPARQL 1.1 Graph Store HTTP Protocol when a
   store endpoint is given, else SPARQL Update INSERT DATA in chunks);
2. count the staging graph's triples and compare with the local count;
3. only then `MOVE` the staging graph onto the target graph (one SPARQL Update operation).
A failure before step 3 drops the staging graph and leaves the target graph as it was.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import ConfigError, KuzbassError

DEFAULT_CHUNK = 1_000  # Virtuoso refuses much larger INSERT DATA requests


class PublishError(KuzbassError):
    """The remote store refused or failed; the target graph is unchanged unless the message says otherwise."""


@dataclass(frozen=True)
class Target:
    query_url: str
    update_url: str
    graph: str
    store_url: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 120.0


@dataclass(frozen=True)
class PublishReport:
    graph: str
    triples: int
    seconds: float
    protocol: str


def _request(target: Target, url: str, *, data: bytes, content_type: str, method: str = "POST",
             accept: str | None = None) -> bytes:
    headers = {"Content-Type": content_type}
    if accept:
        headers["Accept"] = accept
    if target.user:
        token = base64.b64encode(f"{target.user}:{target.password or ''}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=target.timeout) as response:
            return response.read()  # type: ignore[no-any-return]
    except urllib.error.HTTPError as exc:
        body = exc.read()[:300].decode("utf-8", errors="replace")
        raise PublishError(f"{method} {url} answered {exc.code}: {body.strip()}",
                           hint="check the endpoint URL, the credentials and the user's write permission") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise PublishError(f"{method} {url} failed: {exc}", hint="check that the store is up and reachable") from exc


def update(target: Target, text: str) -> None:
    _request(target, target.update_url, data=urllib.parse.urlencode({"update": text}).encode(),
             content_type="application/x-www-form-urlencoded")


def count(target: Target, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    body = _request(target, target.query_url, data=urllib.parse.urlencode({"query": query}).encode(),
                    content_type="application/x-www-form-urlencoded", accept="application/sparql-results+json")
    try:
        bindings = json.loads(body)["results"]["bindings"]
        return int(bindings[0]["n"]["value"]) if bindings else 0
    except (ValueError, KeyError, IndexError) as exc:
        raise PublishError(f"cannot read the count from {target.query_url}: {body[:200]!r}") from exc


def _chunks(triples: list[ox.Triple], size: int) -> list[list[ox.Triple]]:
    """Triples with blank nodes first and together (a blank node label is local to one request)."""
    blank = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
    plain = [t for t in triples if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))]
    chunks = [blank] if blank else []
    chunks += [plain[i:i + size] for i in range(0, len(plain), size)]
    return chunks


def upload(target: Target, graph: str, triples: list[ox.Triple], *, chunk: int = DEFAULT_CHUNK) -> str:
    if target.store_url:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        separator = "&" if "?" in target.store_url else "?"
        _request(target, f"{target.store_url}{separator}graph={urllib.parse.quote(graph, safe='')}",
                 data=data, content_type="application/n-triples", method="PUT")
        return "graph store protocol"
    for part in _chunks(triples, chunk):
        body = (ox.serialize(part, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in part):
            # some stores (Virtuoso) refuse blank nodes in INSERT DATA; a template with an empty WHERE
            # inserts them once, with one fresh node per label
            update(target, f"INSERT {{ GRAPH <{graph}> {{\n{body}}} }} WHERE {{}}")
        else:
            update(target, f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}")
    return "SPARQL Update"


def read_dataset(dump: Path) -> list[ox.Triple]:
    if not dump.is_file():
        raise ConfigError(f"{dump} not found", hint="run `kuzbass build` first")
    return sorted({q.triple for q in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS)}, key=str)


def publish(target: Target, dump: Path, *, chunk: int = DEFAULT_CHUNK) -> PublishReport:
    """Replace the target graph by the dataset's triples, or leave it untouched and raise."""
    started = time.perf_counter()
    triples = read_dataset(dump)
    staging = f"{target.graph}-staging-{int(time.time() * 1000)}"
    try:
        protocol = upload(target, staging, triples, chunk=chunk)
        found = count(target, staging)
        if found != len(triples):
            raise PublishError(f"the staging graph holds {found} triples, expected {len(triples)}; "
                               f"<{target.graph}> was left unchanged",
                               hint="check the store's limits (e.g. a maximum request size) and publish again")
    except BaseException:
        try:
            update(target, f"DROP SILENT GRAPH <{staging}>")
        except PublishError:
            pass
        raise
    update(target, f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{target.graph}>")
    return PublishReport(target.graph, len(triples), round(time.perf_counter() - started, 3), protocol)
