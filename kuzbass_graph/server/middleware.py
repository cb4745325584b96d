"""ASGI middleware around every route: request body limits (Content-Length and chunked), security and
CORS headers, OPTIONS, and one log line per request. Pure ASGI (no per-request task), for speed."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

log = logging.getLogger("kuzbass.serve")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 1_000_000
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
               "frame-ancestors 'none'")
# The static site's SPARQL page compiles Oxigraph's WebAssembly module from bytes, which a policy allows only
# with 'wasm-unsafe-eval' (it permits WebAssembly compilation, not eval of JavaScript); that page alone has it.
WASM_PAGES = frozenset({"/sparql/", "/sparql/index.html"})
WASM_PAGE_POLICY = PAGE_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", 1)


async def _plain(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (message + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse bodies over `limit` bytes with 413, whether announced by Content-Length or sent chunked, and a
    malformed Content-Length with 400. The body is read here (it is small) and replayed to the app."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None:
            if not length.isdigit():
                return await _plain(send, 400, "Content-Length must be a number of bytes")
            if int(length) > self.limit:
                return await _plain(send, 413, f"the request body is larger than {self.limit} bytes",
                                    [(b"connection", b"close")])
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            if size > self.limit:
                return await _plain(send, 413, f"the request body is larger than {self.limit} bytes",
                                    [(b"connection", b"close")])
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class Headers:
    """CORS on every answer (the server is read-only), OPTIONS (preflight or not) answered with 204,
    `nosniff` and `no-referrer` everywhere, a Content-Security-Policy and frame denial on HTML pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] == "OPTIONS":
            asked = next((v for k, v in scope["headers"] if k == b"access-control-request-headers"), b"")
            await send({"type": "http.response.start", "status": 204, "headers": [
                (b"allow", ALLOWED_METHODS.encode()), (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
                (b"access-control-allow-headers", asked or b"Accept, Content-Type"),
                (b"access-control-max-age", b"86400"), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                media = next((v for k, v in headers if k == b"content-type"), b"")
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                            (b"access-control-allow-origin", b"*"),
                            (b"access-control-expose-headers", b"Content-Location, Link, ETag, Retry-After")]
                if media.startswith(b"text/html"):
                    policy = WASM_PAGE_POLICY if scope["path"] in WASM_PAGES else PAGE_POLICY
                    headers += [(b"content-security-policy", policy.encode()), (b"x-frame-options", b"DENY")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class AccessLog:
    """One line per request: client, method, path, status, bytes sent, milliseconds; and `activity.note()`
    for each (the query pool holds long queries back while requests keep coming)."""

    def __init__(self, app: ASGIApp, activity: Any = None) -> None:
        self.app = app
        self.activity = activity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        if self.activity is not None:
            self.activity.note()
        status, sent = 0, 0

        async def counting(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting)
        finally:
            if log.isEnabledFor(logging.INFO):
                client = (scope.get("client") or ("-",))[0]
                path = scope.get("path", "")[:200]
                log.info('%s "%s %s" %d %d %.1fms', client, scope["method"], path, status, sent,
                         (time.perf_counter() - started) * 1000)
