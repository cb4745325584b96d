"""`kuzbass serve`: the built dataset behind a read-only SPARQL endpoint with a query editor, on loopback."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..catalogue import load_catalogue
from ..config import Settings
from ..errors import ConfigError
from .http import KuzbassServer
from .workers import QueryPool

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class ServeOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 2
    timeout: float = 30.0
    max_bytes: int = 50_000_000


def catalogue_entries(settings: Settings) -> list[dict[str, str]]:
    folder = settings.root / "queries"
    if not folder.is_dir():
        return []
    return [{"name": q.name, "title": q.title, "question": q.header.get("question", ""),
             "description": q.header.get("description", ""), "query": q.text} for q in load_catalogue(folder)]


def make_server(settings: Settings, options: ServeOptions) -> KuzbassServer:
    store_dir = settings.out / "store"
    if not store_dir.is_dir():
        raise ConfigError(f"no built store in {settings.out}", hint="run `kuzbass build` first")
    pool = QueryPool(store_dir, workers=options.workers, timeout=options.timeout, max_bytes=options.max_bytes)
    try:
        return KuzbassServer((options.host, options.port), pool=pool, dataset=settings.out,
                             catalogue=catalogue_entries(settings))
    except OSError as exc:
        pool.close()
        raise ConfigError(f"cannot listen on {options.host}:{options.port}: {exc.strerror}",
                          hint="choose another --port, or stop the program using it") from exc


@contextmanager
def running(settings: Settings, options: ServeOptions) -> Iterator[str]:
    """The server in a background thread (for tests and embedding); yields its base URL."""
    server = make_server(settings, options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        server.pool.close()


def serve(settings: Settings, options: ServeOptions) -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    server = make_server(settings, options)
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else host
    print(f"kuzbass-graph: SPARQL endpoint http://{host}:{port}/sparql, editor http://{host}:{port}/ "
          f"(read-only; Ctrl-C stops)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.pool.close()


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServeOptions", "make_server", "running", "serve"]
