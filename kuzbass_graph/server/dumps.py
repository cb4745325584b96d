"""/dumps/NAME: the files of the build being served, with an ETag naming the build."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..publishing.media import with_charset
from .responses import FileStream, not_modified, plain

DOWNLOADS = {
    "kuzbass.ttl": "text/turtle", "kuzbass.nt": "application/n-triples", "kuzbass.nq": "application/n-quads",
    "kuzbass.trig": "application/trig", "kuzbass-claims.trig": "application/trig",
    "build-report.json": "application/json", "coverage.json": "application/json", "coverage.md": "text/markdown",
}


async def dump(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in DOWNLOADS:
        return plain(404, "not a dump of this build; see the links on /")
    build = request.app.state.switch.current.build
    path = build.folder / name
    if not path.is_file():
        return plain(404, "not in this build")
    etag = build.etag(name)
    headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Kuzbass-Build": build.id}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return FileStream(path, size=path.stat().st_size, media_type=with_charset(DOWNLOADS[name]), headers=headers)
