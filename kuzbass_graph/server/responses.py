"""Responses the pages share: a file streamed in chunks with a per-chunk send deadline (a client that stops
reading is dropped, and memory stays bounded), conditional requests on ETags, and plain-text errors."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

log = logging.getLogger("kuzbass.serve")
CHUNK = 65_536
SEND_TIMEOUT = 30.0


class FileStream(Response):
    """Stream `path` (and delete it afterwards when `delete`); HEAD sends the headers only."""

    def __init__(self, path: Path | str, *, size: int, media_type: str, status_code: int = 200,
                 headers: dict[str, str] | None = None, delete: bool = False) -> None:
        super().__init__(status_code=status_code, media_type=media_type, headers=headers)
        self.path, self.delete = Path(path), delete
        self.headers["content-length"] = str(size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            if scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b""})
                return
            with open(self.path, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    try:
                        await asyncio.wait_for(send({"type": "http.response.body", "body": chunk, "more_body": True}),
                                               SEND_TIMEOUT)
                    except TimeoutError:
                        log.warning("dropped a client that took no data for %g s", SEND_TIMEOUT)
                        return  # uvicorn closes a connection whose response was left incomplete
            await send({"type": "http.response.body", "body": b""})
        finally:
            if self.delete:
                try:
                    os.unlink(self.path)
                except OSError:
                    pass


def not_modified(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match")
    return bool(wanted) and (wanted.strip() == "*" or etag in [t.strip() for t in wanted.split(",")])


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)
