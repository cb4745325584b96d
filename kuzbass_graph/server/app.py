"""The ASGI application of `kuzbass serve`: routes from one module per page kind, wrapped in the shared
middleware (body limits, headers, access log)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from ..publishing.media import HTML, JSON_LD, N_TRIPLES, RDF_XML, TURTLE, negotiate
from . import dumps, editor, entities, site, sparql
from .builds import BuildSwitch
from .middleware import AccessLog, BodyLimit, Headers
from .responses import plain
from .service import service_description


@dataclass
class AppState:
    """What every page reads: the options, the build switch and the catalogue."""

    switch: BuildSwitch
    allow_service: frozenset[str]
    max_body: int
    catalogue: list[dict[str, str]] = field(default_factory=list)
    version: str = __version__

    def __post_init__(self) -> None:
        self.catalogue_json = json.dumps(self.catalogue).encode("utf-8")
        self.catalogue_etag = '"q-' + hashlib.sha256(self.catalogue_json).hexdigest()[:16] + '"'

    async def describe_service(self, request: Request) -> Response:
        """GET /sparql without a query: the SPARQL 1.1 Service Description for RDF clients, else the editor."""
        choice = negotiate(request.headers.get("accept"), (HTML, TURTLE, N_TRIPLES, JSON_LD, RDF_XML))
        if choice.media_type in (None, HTML) or not choice.acceptable:
            return await editor.index(request)
        return service_description(request, choice.media_type)


async def _refuse_write(request: Request) -> Response:
    return sparql.refuse_update()


async def _only_get(request: Request) -> Response:
    return plain(405, "only /sparql accepts POST", {"Allow": "GET, HEAD, OPTIONS"})


async def _status(request: Request) -> Response:
    """/-/status, for operators on this machine: the build served and the pool's counters."""
    client = request.client.host if request.client else ""
    if client not in ("127.0.0.1", "::1"):
        return plain(404, "not found")
    generation = request.app.state.switch.current
    return JSONResponse({"build": generation.build.id, "folder": str(generation.build.folder),
                         "pool": generation.pool.describe(), "version": __version__},
                        headers={"Cache-Control": "no-store"})


async def _not_found(request: Request) -> Response:
    return plain(404, "not found")


def create_app(state: AppState) -> Any:
    routes = [
        Route("/sparql", sparql.endpoint, methods=["GET", "HEAD", "POST"]),
        Route("/", site.index, methods=["GET", "HEAD"]),  # the visitors' site; the editor is at GET /sparql
        Route("/queries.json", editor.catalogue, methods=["GET", "HEAD"]),
        Route("/static/{path:path}", editor.static, methods=["GET", "HEAD"]),
        Route("/dumps/{name:path}", dumps.dump, methods=["GET", "HEAD"]),
        Route("/void", dumps.void, methods=["GET", "HEAD"]),
        Route("/.well-known/void", dumps.void, methods=["GET", "HEAD"]),
        Route("/-/status", _status, methods=["GET"]),
        Route("/id/{path:path}", entities.resource, methods=["GET", "HEAD"]),
        Route("/ontology", entities.ontology, methods=["GET", "HEAD"]),
        Route("/ontology{rest:path}", entities.ontology, methods=["GET", "HEAD"]),
        Route("/assets/{path:path}", entities.site_file, methods=["GET", "HEAD"]),
        Route("/{path:path}", site.site_file, methods=["GET", "HEAD"]),  # the site's other pages
        Route("/{path:path}", _refuse_write, methods=["PUT", "DELETE", "PATCH"]),
        Route("/{path:path}", _only_get, methods=["POST"]),
        Route("/{path:path}", _not_found, methods=["GET", "HEAD"]),
    ]
    app = Starlette(routes=routes)
    app.state.switch = state.switch
    app.state.options = state
    app.state.version = state.version
    app.state.catalogue_json = state.catalogue_json
    app.state.catalogue_etag = state.catalogue_etag
    app.state.describe_service = state.describe_service
    return AccessLog(Headers(BodyLimit(app, state.max_body)), state.switch.activity)
