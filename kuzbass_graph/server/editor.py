"""The query editor (YASGUI from local files) at /, the query catalogue at /queries.json, and /static/."""

from __future__ import annotations

import mimetypes
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response

from ..publishing.media import with_charset
from .responses import not_modified, plain

STATIC = resources.files("kuzbass_graph.server") / "static"


def _static(name: str, request: Request, *, cache: str) -> Response:
    parts = [p for p in name.split("/") if p not in ("", ".", "..")]
    target = STATIC.joinpath(*parts) if parts else None
    if target is None or not target.is_file():
        return plain(404, "not found")
    data = target.read_bytes()
    etag = f'"{request.app.state.version}-{len(data)}"'
    headers = {"ETag": etag, "Cache-Control": cache}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media.endswith("javascript"):
        media = "text/javascript"
    return Response(data, media_type=with_charset(media), headers=headers)


async def index(request: Request) -> Response:
    return _static("index.html", request, cache="no-cache")


async def static(request: Request) -> Response:
    return _static(request.path_params["path"], request, cache="public, max-age=3600")


async def catalogue(request: Request) -> Response:
    state = request.app.state
    headers = {"ETag": state.catalogue_etag, "Cache-Control": "no-cache"}
    if not_modified(request, state.catalogue_etag):
        return Response(status_code=304, headers=headers)
    return Response(state.catalogue_json, media_type="application/json", headers=headers)
