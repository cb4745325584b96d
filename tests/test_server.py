"""kuzbass serve: SPARQL 1.1 Protocol, content negotiation, read-only, time limit, result cap, pages."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from kuzbass_graph.config import Settings
from kuzbass_graph.errors import ConfigError
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.publishing.media import negotiate
from kuzbass_graph.server import ServeOptions, make_server, running
from kuzbass_graph.validation import Check
from tests.serving import fetch, get_query

pytestmark = pytest.mark.server
LABELS = "SELECT ?label WHERE { person:alice-smith rdfs:label ?label }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    build_project(settings, skip=frozenset({Check.REASONER}))
    with running(settings, ServeOptions(port=0, workers=2, timeout=3.0, max_bytes=200_000)) as base:
        yield base


def test_get_query_answers_json_by_default(server: str) -> None:
    status, headers, body = get_query(server, LABELS)
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["label"]["value"] == "Alice Smith"


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv", "text/csv"), ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/html;q=0.9, text/csv;q=0.5", "text/csv"),
])
def test_content_negotiation_for_select(server: str, accept: str, expected: str) -> None:
    status, headers, body = get_query(server, LABELS, Accept=accept)
    assert status == 200 and headers["content-type"].startswith(expected) and b"Alice Smith" in body
    assert headers["vary"] == "Accept"


def test_unavailable_media_type_is_406(server: str) -> None:
    status, _, body = get_query(server, LABELS, Accept="image/png")
    assert status == 406 and b"text/csv" in body


def test_construct_in_rdf_formats(server: str) -> None:
    query = "CONSTRUCT { ?s kz:foundedBy ?o } WHERE { ?s kz:foundedBy ?o }"
    for accept, marker in (("text/turtle", b"kz:foundedBy"), ("application/n-triples", b"<https://w3id.org/"),
                           ("application/ld+json", b"@id")):
        status, headers, body = get_query(server, query, Accept=accept)
        assert status == 200 and headers["content-type"].startswith(accept) and marker in body


def test_post_forms_of_the_protocol(server: str) -> None:
    form = urllib.parse.urlencode({"query": LABELS}).encode()
    status, _, body = fetch(f"{server}/sparql", data=form,
                            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert status == 200 and b"Alice Smith" in body
    status, _, body = fetch(f"{server}/sparql", data=LABELS.encode(),
                            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and b"Alice Smith" in body


def test_updates_and_writes_are_refused(server: str) -> None:
    form = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    assert fetch(f"{server}/sparql", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert fetch(f"{server}/sparql", data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})[0] == 403
    assert fetch(f"{server}/sparql", data=b"x", method="PUT")[0] == 403
    assert fetch(f"{server}/store", data=b"x", method="DELETE")[0] == 403
    assert get_query(server, LABELS)[0] == 200  # the data is still there


def test_syntax_error_is_a_400_with_a_message(server: str) -> None:
    status, _, body = get_query(server, "SELECT WHERE {")
    assert status == 400 and b"syntax error" in body


def test_runaway_query_is_cancelled_while_others_are_served(server: str) -> None:
    with ThreadPoolExecutor(max_workers=2) as executor:
        slow = executor.submit(get_query, server, RUNAWAY)
        time.sleep(0.3)
        started = time.monotonic()
        status, _, _ = get_query(server, LABELS)
        assert status == 200 and time.monotonic() - started < 2.5
        status, headers, body = slow.result(timeout=30)
    assert status == 503 and b"cancelled after 3 s" in body and int(headers["retry-after"]) > 0
    assert get_query(server, LABELS)[0] == 200  # the pool replaced the killed worker


def test_result_size_is_capped(server: str) -> None:
    status, _, body = get_query(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 500 and b"larger than the cap" in body


def test_editor_catalogue_and_dumps(server: str) -> None:
    status, headers, body = fetch(f"{server}/sparql", headers={"Accept": "text/html"})  # the editor moved from /
    assert status == 200 and headers["content-type"].startswith("text/html") and b"yasgui.min.js" in body
    status, headers, body = fetch(f"{server}/")  # the visitors' site (tests/test_site_pages.py)
    assert status == 200 and headers["content-type"].startswith("text/html") and b"Ways in" in body
    status, _, body = fetch(f"{server}/static/vendor/yasgui/yasgui.min.js")
    assert status == 200 and len(body) > 500_000
    status, headers, body = fetch(f"{server}/dumps/kuzbass.ttl")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert int(headers["content-length"]) == len(body) > 1000
    assert fetch(f"{server}/dumps/../pyproject.toml")[0] == 404
    assert fetch(f"{server}/static/../../cli.py")[0] == 404
    assert fetch(f"{server}/static/%2e%2e/%2e%2e/cli.py")[0] == 404


def test_negotiation_prefers_the_highest_quality() -> None:
    offered = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv")
    assert negotiate("text/csv;q=0.2, application/sparql-results+xml", offered).media_type == \
        "application/sparql-results+xml"
    assert negotiate("*/*", offered).media_type == "application/sparql-results+json"
    assert negotiate("text/*", offered).media_type == "text/csv"
    assert negotiate(None, offered, fmt="csv").media_type == "text/csv"
    assert not negotiate("image/png", offered).acceptable
    assert not negotiate("text/csv;q=0", ("text/csv",)).acceptable
    assert negotiate("application/json", offered).media_type == "application/sparql-results+json"


def test_serving_without_a_build_says_to_build(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="kuzbass build"):
        with running(settings, ServeOptions(port=0)):
            pass


def test_a_taken_port_is_a_clear_error(settings: Settings, server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    with pytest.raises(ConfigError, match="cannot listen"):
        make_server(settings, ServeOptions(port=port))
