"""Every IRI dereferences: entities, claims, passages, statements and the ontology, over HTTP against
`kuzbass serve` and in the static tree through its rewrite rules (.htaccess), with the same answers."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.server import ServeOptions, running
from kuzbass_graph.validation import Check
from tests.fixture_project import ALICE, ALICE_HEAD, FOUNDING_CLAIM, PASSAGE_3, TOWN, WIDGET_WORKS
from tests.serving import fetch

pytestmark = pytest.mark.server
RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
             "application/rdf+xml": "xml"}
OX_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
              "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/rdf+xml": ox.RdfFormat.RDF_XML}
KZ = "https://w3id.org/kuzbass/ontology#"
RESOURCES = [ALICE, WIDGET_WORKS, TOWN, ALICE_HEAD, FOUNDING_CLAIM, PASSAGE_3]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from tests.fixture_project import make_project

    root = make_project(tmp_path_factory.mktemp("deref") / "project")
    settings = Settings.load(root=root, out=root / "dist")
    build_project(settings, skip=frozenset({Check.REASONER}))
    return settings


@pytest.fixture(scope="module")
def server(built: Settings) -> Iterator[str]:
    with running(built, ServeOptions(port=0, workers=2, timeout=10.0)) as base:
        yield base


def _path(iri: str) -> str:
    return "/" + iri[len("https://w3id.org/kuzbass/"):]


def _follow(base: str, iri: str, accept: str) -> tuple[int, dict[str, str], bytes, str]:
    """GET the IRI without following redirects, then the 303's target: (status, headers, body, location)."""
    import http.client

    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", _path(iri), headers={"Accept": accept})
    response = connection.getresponse()
    response.read()
    location = response.headers.get("location", "")
    first = response.status
    assert first == 303, (iri, accept, first)
    assert "Accept" in response.headers.get("vary", "")
    connection.close()
    status, headers, body = fetch(urllib.parse.urljoin(base + "/", location), headers={"Accept": accept})
    return status, headers, body, location


@pytest.mark.parametrize("iri", RESOURCES)
@pytest.mark.parametrize("accept", list(RDF_TYPES))
def test_each_rdf_type_parses_and_holds_the_statements_and_quotes(server: str, iri: str, accept: str) -> None:
    status, headers, body, location = _follow(server, iri, accept)
    assert status == 200 and headers["content-type"].startswith(accept), (location, headers)
    assert 'rel="alternate"' in headers["link"]
    graph = rdflib.Graph().parse(data=body, format=RDF_TYPES[accept], publicID=iri)
    triples = list(ox.parse(body, format=OX_FORMATS[accept], base_iri=iri))
    assert len(graph) == len(triples) > 3
    subject = rdflib.URIRef(iri)
    assert (subject, None, None) in graph
    if iri in (ALICE, WIDGET_WORKS, TOWN):  # entities: their cited statements come with claim, quote and line
        quotes = set(graph.objects(None, rdflib.URIRef(KZ + "quote")))
        assert any("Widget Works was founded in Testtown" in q for q in quotes)
        assert set(graph.objects(None, rdflib.URIRef(KZ + "lineNumber")))


def test_the_entity_description_holds_outgoing_incoming_and_linked_labels(server: str) -> None:
    _, _, body, _ = _follow(server, ALICE, "application/n-triples")
    graph = rdflib.Graph().parse(data=body, format="nt")
    alice, works = rdflib.URIRef(ALICE), rdflib.URIRef(WIDGET_WORKS)
    assert (works, rdflib.URIRef(KZ + "foundedBy"), alice) in graph  # incoming
    assert (works, rdflib.RDFS.label, rdflib.Literal("Widget Works", lang="en")) in graph  # the linked label
    assert any(graph.triples((alice, None, None)))


def test_browsers_get_the_page_and_rdf_clients_the_data(server: str) -> None:
    status, headers, body, location = _follow(server, ALICE, "text/html,application/xhtml+xml,*/*;q=0.8")
    assert location.endswith("/id/person/alice-smith/") and status == 200
    assert headers["content-type"].startswith("text/html")
    text = body.decode()
    assert "Alice Smith" in text and "Widget Works was founded in Testtown" in text
    assert '<script type="application/ld+json">' in text and 'rel="alternate" type="text/turtle"' in text
    _, _, _, location = _follow(server, ALICE, "application/rdf+xml, text/turtle;q=0.9")
    assert location.endswith(".rdf")
    _, _, _, location = _follow(server, ALICE, "text/turtle;q=0.5, application/ld+json")
    assert location.endswith(".jsonld")


def test_suffixes_answer_directly(server: str) -> None:
    for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
                       ("rdf", "application/rdf+xml")):
        status, headers, _ = fetch(f"{server}{_path(ALICE)}.{ext}")
        assert status == 200 and headers["content-type"].startswith(media)
    status, _, body = fetch(f"{server}{_path(ALICE)}.html")  # follows the 303 to the page
    assert status == 200 and b"Alice Smith" in body


def test_unknown_iris_and_unacceptable_types(server: str) -> None:
    status, headers, body = fetch(f"{server}/id/person/nobody-at-all", headers={"Accept": "text/html"})
    assert status == 404 and headers["content-type"].startswith("text/html") and b"nobody at all" in body
    status, headers, body = fetch(f"{server}/id/person/nobody-at-all", headers={"Accept": "text/turtle"})
    assert status == 404 and headers["content-type"].startswith("text/plain")
    status, _, body = fetch(f"{server}{_path(ALICE)}", headers={"Accept": "image/png"})
    assert status == 406 and b"text/turtle" in body


def test_statements_are_described_on_request(server: str, built: Settings) -> None:
    store = ox.Store.read_only(str(built.out / "store"))
    statement = next(iter(store.query(
        f"SELECT ?s WHERE {{ ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{WIDGET_WORKS}> ; "
        f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <{KZ}foundedBy> }}",
        use_default_graph_as_union=True)))["s"].value
    del store
    status, headers, body, _ = _follow(server, statement, "text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert status == 200 and (rdflib.URIRef(statement), rdflib.RDF.subject, rdflib.URIRef(WIDGET_WORKS)) in graph
    assert any("Widget Works was founded" in q for q in graph.objects(None, rdflib.URIRef(KZ + "quote")))
    status, headers, body, _ = _follow(server, statement, "text/html")
    assert status == 200 and b"Widget Works" in body


def test_the_ontology_dereferences(server: str) -> None:
    _, headers, body, location = _follow(server, "https://w3id.org/kuzbass/ontology", "text/html")
    assert location == "/ontology/" and b"Membership" in body and headers["content-type"].startswith("text/html")
    for accept in RDF_TYPES:
        status, headers, body, _ = _follow(server, "https://w3id.org/kuzbass/ontology", accept)
        graph = rdflib.Graph().parse(data=body, format=RDF_TYPES[accept])
        assert status == 200 and (rdflib.URIRef(KZ + "Person"), rdflib.RDF.type, rdflib.OWL.Class) in graph


# --- the static tree, through its rewrite rules ---------------------------------------------------

class Rewrites:
    """The subset of Apache mod_rewrite our .htaccess uses: RewriteCond %{HTTP_ACCEPT} regex, RewriteRule
    with [L] and [R=303,L]; DirectoryIndex index.html; AddType."""

    def __init__(self, site: Path) -> None:
        self.site = site
        text = (site / ".htaccess").read_text()
        self.types = dict((m[2], m[1]) for m in re.finditer(r"^AddType (\S+) \.(\w+)$", text, re.M))
        self.rules: list[tuple[str | None, str, str, str]] = []
        condition = None
        for line in text.splitlines():
            if line.startswith("RewriteCond %{HTTP_ACCEPT} "):
                condition = line.split(" ", 2)[2]
            elif line.startswith("RewriteRule "):
                _, pattern, target, flags = line.split(" ")
                self.rules.append((condition, pattern, target, flags))
                condition = None

    def get(self, path: str, accept: str) -> tuple[int, str, bytes]:
        """(status, Location or Content-Type, body) for a request of `path` (no leading slash)."""
        for condition, pattern, target, flags in self.rules:
            if condition is not None and not re.search(condition, accept):
                continue
            match = re.match(pattern, path)
            if match:
                path = match.expand(target.replace("$", "\\"))
                if "R=303" in flags:
                    return 303, "/" + path, b""
                break
        file = self.site / path
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            return 404, "", b""
        return 200, self.types.get(file.suffix[1:], "text/html"), file.read_bytes()


@pytest.mark.parametrize("iri", [ALICE, FOUNDING_CLAIM, PASSAGE_3, "https://w3id.org/kuzbass/ontology"])
@pytest.mark.parametrize("accept", ["text/html", *RDF_TYPES])
def test_the_static_tree_answers_as_the_server(server: str, built: Settings, iri: str, accept: str) -> None:
    rules = Rewrites(built.out / "current" / "site")
    status, location, _ = rules.get(_path(iri)[1:], accept)
    served = _follow(server, iri, accept)
    assert status == 303 and location == served[3]
    status, media, body = rules.get(location[1:], accept)
    assert status == 200 and served[1]["content-type"].startswith(media) and body == served[2]


def test_void_service_description_and_every_dump(server: str, built: Settings) -> None:
    for path in ("/void", "/.well-known/void"):
        status, headers, body = fetch(server + path, headers={"Accept": "text/turtle"})
        graph = rdflib.Graph().parse(data=body, format="turtle")
        assert status == 200 and headers["content-type"].startswith("text/turtle")
        assert (None, rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), None) in graph
    status, headers, body = fetch(f"{server}/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert status == 200 and (None, rdflib.URIRef(sd + "endpoint"), rdflib.URIRef(f"{server}/sparql")) in graph
    assert (None, rdflib.URIRef(sd + "supportedLanguage"), rdflib.URIRef(sd + "SPARQL11Query")) in graph
    assert fetch(f"{server}/sparql", headers={"Accept": "text/html"})[2].startswith(b"<!doctype html>")
    folder = built.out / "current"
    names = [p.name for p in folder.iterdir() if p.is_file()] + [f"csv/{p.name}" for p in (folder / "csv").iterdir()]
    assert any(n.endswith(".gz") for n in names) and any(n.startswith("csv/") for n in names)
    for name in names:
        status, headers, body = fetch(f"{server}/dumps/{name}")
        assert status == 200 and body == (folder / name).read_bytes(), name
    for forbidden in ("store/CURRENT", "site/.htaccess", "../pyproject.toml", ".cache"):
        assert fetch(f"{server}/dumps/{forbidden}")[0] == 404
