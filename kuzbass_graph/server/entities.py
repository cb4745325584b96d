"""/id/... and /ontology: every IRI dereferences (W3C "Cool URIs for the Semantic Web", the 303 pattern).

- A bare IRI (`/id/person/x`, `/ontology`) answers 303 See Other, chosen by `Accept` with q-values: the page
  (`/id/person/x/`) for browsers, a data document (`/id/person/x.ttl`, `.jsonld`, `.nt`, `.rdf`) for RDF
  clients; `Vary: Accept`; 406 when none of the five is acceptable.
- A document (`.ttl` ... suffix, or `/index.<ext>`, or the page's folder URL) answers 200 from the build's
  static tree (`site/`), with `Link: rel="alternate"` for the other formats and an ETag of the build.
- Statements and analysis measurements are described on request by a CONSTRUCT in the query pool, with
  the pool's guarantees (time limit, fairness).
- An unknown IRI answers 404: a page that says how to find what was meant, or plain text for RDF clients.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..publishing import media as m
from ..publishing.dumps import prefixes_for
from ..publishing.jsonld import Documents
from ..publishing.pages import ALTERNATES, Link
from ..publishing.static_tree import ON_REQUEST
from .pool import Job
from .responses import FileStream, not_modified, plain
from .site import locate
from .sparql import run_on_current_build

DOCUMENTS = (m.HTML, m.TURTLE, m.JSON_LD, m.N_TRIPLES, m.RDF_XML)
EXTENSION = {m.HTML: "html", m.TURTLE: "ttl", m.JSON_LD: "jsonld", m.N_TRIPLES: "nt", m.RDF_XML: "rdf"}
MEDIA_OF = {ext: media for media, ext in EXTENSION.items()}
EGO_DATA = "network-data.js"  # beside an entity page: its ego network
_ENV = jinja2.Environment(loader=jinja2.PackageLoader("kuzbass_graph.publishing", "templates"), autoescape=True)


def _links(document_base: str) -> str:
    """Link header: every format of this description."""
    parts = [f'<{document_base}/>; rel="alternate"; type="text/html"']
    parts += [f'<{document_base}.{ext}>; rel="alternate"; type="{media}"' for ext, _, media in ALTERNATES]
    return ", ".join(parts)


def _split(path: str) -> tuple[str, str | None, bool]:
    """(resource path, extension or None for the bare IRI, asked through the page folder or index file)."""
    if path.endswith("/"):
        return path[:-1], "html", True
    head, _, last = path.rpartition("/")
    if last.startswith("index.") and last[6:] in MEDIA_OF:
        return head, last[6:], True
    stem, dot, ext = last.rpartition(".")
    if dot and ext in MEDIA_OF and stem:
        return (f"{head}/{stem}" if head else stem), ext, False
    return path, None, False


def _negotiate(request: Request) -> str | None:
    choice = m.negotiate(request.headers.get("accept"), DOCUMENTS)
    return EXTENSION[choice.media_type] if choice.acceptable and choice.media_type else None


def _not_acceptable() -> Response:
    return plain(406, "this resource is available as " + ", ".join(DOCUMENTS), {"Vary": "Accept"})


async def resource(request: Request) -> Response:
    path = "id/" + request.path_params["path"]
    if path.endswith("/" + EGO_DATA):
        return _ego_data(request, path)
    return await _answer(request, path)


def _ego_data(request: Request, path: str) -> Response:
    """The ego network's data beside an entity page (kuzbass_graph.site.network), a script of the static tree."""
    build = request.app.state.switch.current.build
    found = locate(build.folder / "site", path)
    if found is None or not found.is_file():
        return plain(404, "not found")
    etag = build.etag("site/" + path)
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return FileStream(found, size=found.stat().st_size, media_type=m.with_charset("text/javascript"),
                      headers={"ETag": etag, "Cache-Control": "no-cache"})


async def ontology(request: Request) -> Response:
    rest = request.path_params.get("rest", "")
    return await _answer(request, "ontology" + rest)


async def _answer(request: Request, path: str) -> Response:
    base_path, ext, via_folder = _split(path)
    url_base = "/" + base_path
    build = request.app.state.switch.current.build
    on_request = base_path.startswith("id/") and base_path[3:].startswith(ON_REQUEST)
    if ext is None and not on_request and not (build.folder / "site" / base_path).is_dir():
        return _missing(request, base_path, "html" if _negotiate(request) == "html" else "ttl")
    if ext is None:  # the bare IRI: 303 to a document
        chosen = _negotiate(request)
        if chosen is None:
            return _not_acceptable()
        target = f"{url_base}/" if chosen == "html" else f"{url_base}.{chosen}"
        return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})
    if ext == "html" and not via_folder:
        return RedirectResponse(f"{url_base}/", status_code=303)
    file = build.folder / "site" / base_path / f"index.{ext}"
    if file.is_file():
        return _file(request, file, ext, url_base, build.etag(f"{base_path}.{ext}"))
    if on_request:
        return await _on_request(request, base_path, ext, url_base)
    return _missing(request, base_path, ext)


def _file(request: Request, file: Path, ext: str, url_base: str, etag: str) -> Response:
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Link": _links(url_base)}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return FileStream(file, size=file.stat().st_size, media_type=m.with_charset(MEDIA_OF[ext]), headers=headers)


def _iri(request: Request, base_path: str) -> str:
    return request.app.state.switch.current.build.base_iri + base_path


async def _on_request(request: Request, base_path: str, ext: str, url_base: str) -> Response:
    iri = _iri(request, base_path)
    query = (f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?pi <{iri}> . ?o ?lp ?label . ?c ?cp ?cv . ?pa ?pp ?pv }} WHERE {{ "
             f"{{ <{iri}> ?p ?o OPTIONAL {{ ?o ?lp ?label FILTER(?lp = rdfs:label) }} }} UNION "
             f"{{ ?s ?pi <{iri}> }} UNION "
             f"{{ <{iri}> kz:citation ?c . ?c ?cp ?cv FILTER(?cp IN (kz:quote, kz:passage)) "
             f"OPTIONAL {{ ?c kz:passage ?pa . ?pa ?pp ?pv FILTER(?pp IN (kz:lineNumber, rdfs:label)) }} }} }}")
    generation, answer = await run_on_current_build(request, Job(query, m.N_TRIPLES))
    if answer is None:
        return plain(499, "client closed the request")
    if answer.status != 200:
        return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers=answer.headers)
    triples = sorted(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES), key=str)
    if not any(t.subject == ox.NamedNode(iri) for t in triples):
        return _missing(request, base_path, ext)
    headers = {"Link": _links(url_base), "ETag": generation.build.etag(f"{base_path}.{ext}"),
               "Cache-Control": "no-cache"}
    if ext == "html":
        return Response(_triples_page(request, iri, base_path, triples), media_type=m.with_charset(m.HTML),
                        headers=headers)
    if ext == "jsonld":
        body = Documents(prefixes_for(generation.build.base_iri)).text(triples).encode("utf-8")
    else:
        rdf_format = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}[ext]
        prefixes = prefixes_for(generation.build.base_iri) if ext != "nt" else None
        body = ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""
    return Response(body, media_type=m.with_charset(MEDIA_OF[ext]), headers=headers)


def _triples_page(request: Request, iri: str, base_path: str, triples: list[ox.Triple]) -> str:
    labels = {t.subject: t.object.value for t in triples if t.predicate.value.endswith("rdf-schema#label")
              and isinstance(t.object, ox.Literal)}
    id_space = request.app.state.switch.current.build.base_iri + "id/"
    root = "../" * (base_path.count("/") + 1)

    def cell(term: object) -> Link:
        if isinstance(term, ox.NamedNode):
            text = labels.get(term) or term.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            href = (root + "id/" + term.value[len(id_space):] + "/index.html") if term.value.startswith(id_space) \
                else term.value
            return Link(text, href)
        return Link(term.value if isinstance(term, ox.Literal) else str(term))

    rows = [[cell(t.subject), cell(t.predicate), cell(t.object)] for t in triples]
    page = {"iri": iri, "label": labels.get(ox.NamedNode(iri), base_path.rsplit("/", 1)[-1]), "root": root,
            "rows": rows, "alternates": [Link(label, f"index.{ext}", media) for ext, label, media in ALTERNATES]}
    return _ENV.get_template("triples.html").render(page=page)


def _missing(request: Request, base_path: str, ext: str) -> Response:
    iri = _iri(request, base_path)
    if ext != "html" and "text/html" not in (request.headers.get("accept") or ""):
        return plain(404, f"no resource <{iri}> in this build; identifiers look like "
                          f"{request.app.state.switch.current.build.base_iri}id/person/sebald-rutgers")
    root = "../" * (base_path.count("/") + 1)
    guess = base_path.rsplit("/", 1)[-1].replace("-", " ")[:60]
    example = request.app.state.switch.current.build.base_iri + "id/person/sebald-rutgers"
    page = {"iri": iri, "root": root, "guess": guess, "example": example}
    return Response(_ENV.get_template("missing.html").render(page=page), status_code=404,
                    media_type=m.with_charset(m.HTML))


async def site_file(request: Request) -> Response:
    """Other files of the build's static tree (assets/...)."""
    parts = [p for p in request.path_params["path"].split("/") if p not in ("", ".", "..")]
    build = request.app.state.switch.current.build
    file = build.folder / "site" / "assets" / Path(*parts) if parts else None
    if file is None or not file.is_file():
        return plain(404, "not found")
    media = {".css": "text/css", ".js": "text/javascript", ".png": "image/png", ".svg": "image/svg+xml",
             ".json": "application/json"}.get(file.suffix, "application/octet-stream")
    etag = build.etag("assets/" + "/".join(parts))
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return FileStream(file, size=file.stat().st_size, media_type=m.with_charset(media),
                      headers={"ETag": etag, "Cache-Control": "no-cache"})
