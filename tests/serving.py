"""HTTP helpers for the server tests: urllib requests, raw sockets, and requests from chosen loopback
addresses (127.0.0.2, 127.0.0.3, ...) so that one test can play several clients."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlsplit


def fetch(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
          method: str | None = None, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def get_query(base: str, query: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    return fetch(f"{base}/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)


def query_from(base: str, query: str, source: str, *, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    """GET /sparql from the loopback address `source` (a client of its own)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def raw(base: str, payload: bytes, *, timeout: float = 10, read_all: bool = True) -> bytes:
    """Send bytes on a fresh connection; what came back until the server closed or `timeout` passed."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(payload)
        chunks: list[bytes] = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if not read_all:
                    break
        except TimeoutError:
            pass
        return b"".join(chunks)


def status(base: str) -> dict:  # type: ignore[type-arg]
    return json.loads(fetch(f"{base}/-/status")[2])
