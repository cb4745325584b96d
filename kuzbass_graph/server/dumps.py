"""/dumps/NAME: the files of the build being served (dumps, their .gz, CSV tables, dataset descriptions,
reports), with an ETag naming the build; /void and /.well-known/void: the VoID description."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..publishing import media as m
from .responses import FileStream, not_modified, plain

MEDIA = {
    ".ttl": m.TURTLE, ".nt": m.N_TRIPLES, ".nq": m.N_QUADS, ".trig": m.TRIG, ".jsonld": m.JSON_LD,
    ".rdf": m.RDF_XML, ".json": m.JSON, ".md": "text/markdown", ".csv": m.CSV, ".gz": "application/gzip",
    ".html": m.HTML, ".png": "image/png", ".svg": "image/svg+xml", ".graphml": "application/xml",
    ".gexf": "application/xml",
}
NOT_DUMPS = ("store", "site")


async def dump(request: Request) -> Response:
    parts = [p for p in request.path_params["name"].split("/") if p]
    if not parts or any(p in (".", "..") or p.startswith(".") for p in parts) or parts[0] in NOT_DUMPS:
        return plain(404, "not a file of this build; see the links on /")
    build = request.app.state.switch.current.build
    path = build.folder.joinpath(*parts)
    suffix = path.suffix
    if not path.is_file() or suffix not in MEDIA:
        return plain(404, "not in this build")
    name = "/".join(parts)
    return _send(request, path, MEDIA[suffix], build.etag(name), build.id)


def _send(request: Request, path, media: str, etag: str, build_id: str) -> Response:  # type: ignore[no-untyped-def]
    headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Kuzbass-Build": build_id}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return FileStream(path, size=path.stat().st_size, media_type=m.with_charset(media), headers=headers)


async def void(request: Request) -> Response:
    build = request.app.state.switch.current.build
    path = build.folder / "void.ttl"
    if not path.is_file():
        return plain(404, "this build has no VoID description")
    choice = m.negotiate(request.headers.get("accept"), (m.TURTLE,))
    if not choice.acceptable and "html" not in (request.headers.get("accept") or ""):
        return plain(406, "the VoID description is available as text/turtle", {"Vary": "Accept"})
    return _send(request, path, m.TURTLE, build.etag("void.ttl"), build.id)
