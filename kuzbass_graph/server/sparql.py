"""/sparql: the SPARQL 1.1 Protocol, read-only. GET and POST (form or direct body), results by content
negotiation or `format=`, updates and Graph Store writes refused with 403, SERVICE refused with 400 unless
allowed, bad graph IRIs refused with 400, and a query cancelled when its client hangs up."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ..namespaces import PREFIXES
from ..publishing import media as m
from .guard import refusal
from .pool import Answer, Job
from .responses import FileStream, plain

OFFERED = m.RESULT_MEDIA_TYPES + m.RDF_MEDIA_TYPES


def refuse_update() -> Response:
    return plain(403, "this endpoint is read-only: SPARQL Update and Graph Store writes are refused")


async def _until_disconnected(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def run_or_cancel(request: Request, work: Any) -> Answer | None:
    """Await the query; cancel it (killing its worker) when the client disconnects first. None: client gone."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_until_disconnected(request))
    done, _ = await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        watcher.cancel()
        return task.result()  # type: ignore[no-any-return]
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    return None


async def run_on_current_build(request: Request, job: Job) -> tuple[Any, Answer | None]:
    """The job on the current build's pool, as run_or_cancel; a job that met its pool closing (a rebuild
    switched builds while it waited) runs again on the new build. Returns the build's generation too."""
    switch = request.app.state.switch
    client = request.client.host if request.client else "-"
    generation = switch.current
    answer = await run_or_cancel(request, generation.pool.run(job, client))
    if answer is not None and answer.status == 503 and generation.pool.closed and switch.current is not generation:
        generation = switch.current
        answer = await run_or_cancel(request, generation.pool.run(job, client))
    return generation, answer


def _graphs(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    graphs = tuple(params.get(name, ()))
    for graph in graphs:
        ox.NamedNode(graph)  # raises ValueError on a malformed IRI
    return graphs


async def endpoint(request: Request) -> Response:
    params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "POST":
        kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        body = (await request.body()).decode("utf-8", errors="replace")
        if kind == "application/sparql-update":
            return refuse_update()
        if kind == "application/sparql-query":
            params["query"] = [body]
        elif kind == "application/x-www-form-urlencoded":
            form = parse_qs(body, keep_blank_values=True)
            if "update" in form:
                return refuse_update()
            params = {**params, **form}
        else:
            return plain(400, "POST a query as application/sparql-query or as a form field 'query'")
    if "update" in params:
        return refuse_update()
    if "query" not in params:
        return await request.app.state.describe_service(request)
    text = params["query"][0]
    state = request.app.state
    if len(params["query"]) > 1:
        return plain(400, "give one query per request")
    choice = m.negotiate(request.headers.get("accept"), OFFERED, fmt=(params.get("format") or [""])[0] or None)
    if not choice.acceptable:
        return plain(406, "none of the requested media types is available; results come as "
                          + ", ".join(OFFERED), {"Vary": "Accept"})
    try:
        job = Job(text, choice.media_type if request.headers.get("accept") or params.get("format") else None,
                  _graphs(params, "default-graph-uri"), _graphs(params, "named-graph-uri"))
    except ValueError as exc:
        return plain(400, f"default-graph-uri and named-graph-uri must be absolute IRIs ({exc})")
    why = refusal(text, state.options.allow_service, PREFIXES)
    if why:
        return plain(400, why)
    generation, answer = await run_on_current_build(request, job)
    if answer is None:
        return plain(499, "client closed the request")
    headers = {"Vary": "Accept", **answer.headers, "X-Kuzbass-Build": generation.build.id}
    if answer.path is not None:
        return FileStream(answer.path, size=answer.size, media_type=answer.media_type, status_code=answer.status,
                          headers=headers, delete=True)
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers=headers)
