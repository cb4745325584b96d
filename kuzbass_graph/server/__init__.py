"""`kuzbass serve`: the built dataset behind a read-only SPARQL endpoint with a query editor, on loopback.

Owns the HTTP side (uvicorn + Starlette; `app` routes to one module per page kind: `sparql`, `editor`,
`dumps`), the query worker pool (`pool`, `worker`), the build switch (`builds`) and the request guards
(`guard`, `middleware`, `protocol`). May import the package's core modules and `publishing`; nothing imports
the server but the CLI.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..catalogue import load_catalogue
from ..config import Settings
from ..errors import ConfigError
from .app import AppState, create_app
from .builds import BuildSwitch
from .middleware import MAX_BODY_BYTES
from .pool import PoolOptions
from .protocol import GuardedHttpToolsProtocol

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_WORKERS = max(2, os.cpu_count() or 2)
log = logging.getLogger("kuzbass.serve")


@dataclass(frozen=True)
class ServeOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = DEFAULT_WORKERS
    timeout: float = 30.0
    max_bytes: int = 50_000_000
    queue_wait: float = 10.0
    per_client: int = 64
    slow_after: float = 1.0
    per_client_slow: int = 2
    max_slow: int = 4
    cache_bytes: int = 32_000_000
    worker_memory: int = 4_000_000_000
    allow_service: frozenset[str] = field(default_factory=frozenset)
    max_connections: int = 1000
    backlog: int = 2048
    keep_alive: int = 5
    max_body: int = MAX_BODY_BYTES
    reload_interval: float = 1.0
    forwarded_allow_ips: str | None = None

    def pool_options(self) -> PoolOptions:
        return PoolOptions(workers=self.workers, timeout=self.timeout, max_bytes=self.max_bytes,
                           queue_wait=self.queue_wait, per_client=self.per_client, slow_after=self.slow_after,
                           per_client_slow=self.per_client_slow, max_slow=self.max_slow,
                           cache_bytes=self.cache_bytes, worker_memory=self.worker_memory)


def catalogue_entries(settings: Settings) -> list[dict[str, str]]:
    folder = settings.root / "queries"
    if not folder.is_dir():
        return []
    return [{"name": q.name, "title": q.title, "question": q.header.get("question", ""),
             "description": q.header.get("description", ""), "query": q.text} for q in load_catalogue(folder)]


def _listen(options: ServeOptions) -> socket.socket:
    family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((options.host, options.port))
        sock.listen(options.backlog)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {options.host}:{options.port}: {exc.strerror}",
                          hint="choose another --port, or stop the program using it") from exc
    sock.setblocking(False)
    return sock


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency; asyncio's loop works too
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()  # type: ignore[no-any-return]


class Server:
    """The pieces of one running server; `run()` serves until `stop()` (or SIGINT/SIGTERM)."""

    def __init__(self, settings: Settings, options: ServeOptions) -> None:
        import uvicorn

        self.settings, self.options = settings, options
        self.switch = BuildSwitch(settings.out, options.pool_options())
        self.state = AppState(self.switch, options.allow_service, options.max_body, catalogue_entries(settings))
        self.sock = _listen(options)
        self.address = self.sock.getsockname()[:2]
        self.config = uvicorn.Config(
            create_app(self.state), http=GuardedHttpToolsProtocol, lifespan="off", access_log=False, log_config=None,
            timeout_keep_alive=options.keep_alive, limit_concurrency=options.max_connections,
            backlog=options.backlog, proxy_headers=options.forwarded_allow_ips is not None,
            forwarded_allow_ips=options.forwarded_allow_ips, server_header=False,
            headers=[("server", "kuzbass-graph")], timeout_graceful_shutdown=5)
        self.uvicorn = uvicorn.Server(self.config)
        self.ready = threading.Event()
        self.error: BaseException | None = None

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    async def main(self) -> None:
        wake = asyncio.Event()
        try:
            await self.switch.start()
        except BaseException as exc:
            self.error = exc
            self.ready.set()
            self.sock.close()
            raise
        watcher = asyncio.ensure_future(self.switch.watch(self.options.reload_interval, wake))
        if threading.current_thread() is threading.main_thread():
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, wake.set)
        self.uvicorn.config.load()
        self.ready.set()
        try:
            await self.uvicorn.serve(sockets=[self.sock])
        finally:
            watcher.cancel()
            await self.switch.close()
            self.sock.close()

    def run(self) -> None:
        with asyncio.Runner(loop_factory=_new_loop) as runner:
            runner.run(self.main())

    def stop(self) -> None:
        self.uvicorn.should_exit = True


@contextmanager
def running(settings: Settings, options: ServeOptions) -> Iterator[str]:
    """The server in a background thread (for tests and embedding); yields its base URL."""
    server = Server(settings, options)
    thread = threading.Thread(target=_run_quietly, args=(server,), daemon=True)
    thread.start()
    server.ready.wait(120)
    if server.error is not None:
        thread.join(10)
        raise server.error
    try:
        yield server.url
    finally:
        server.stop()
        thread.join(30)


def _run_quietly(server: Server) -> None:
    try:
        server.run()
    except BaseException:  # reported through server.error to the caller of running()
        pass


def make_server(settings: Settings, options: ServeOptions) -> Server:
    return Server(settings, options)


def serve(settings: Settings, options: ServeOptions) -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    server = Server(settings, options)
    print(f"kuzbass-graph: site {server.url}/, SPARQL editor and endpoint {server.url}/sparql (read-only, "
          f"{options.workers} query workers, {options.timeout:g} s limit; Ctrl-C stops)", file=sys.stderr, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServeOptions", "Server", "make_server", "running", "serve"]


