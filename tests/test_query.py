"""kuzbass query: resolving queries, binding parameters safely, output formats, local and remote runs."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kuzbass_graph.cli import app
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import ConfigError
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.query import Endpoint, EndpointError, OutputFormat, parse_term, run_remote, with_values
from kuzbass_graph.validation import Check
from tests.engines import free_port, oxigraph_server
from tests.fixture_project import ALICE

runner = CliRunner()
LABEL_QUERY = "SELECT ?label WHERE { ?who rdfs:label ?label }"


@pytest.fixture
def built(settings: Settings) -> Settings:
    build_project(settings, skip=frozenset({Check.REASONER}))
    return settings


def invoke(settings: Settings, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["query", *args, "--root", str(settings.root), "--dataset", str(settings.out)],
                           input=stdin)
    return result.exit_code, result.output


def test_parse_term_reads_iris_prefixed_names_literals_and_numbers() -> None:
    assert parse_term("person:alice-smith") == ox.NamedNode(ALICE)
    assert parse_term(f"<{ALICE}>") == ox.NamedNode(ALICE)
    assert parse_term('"Alice"@en') == ox.Literal("Alice", language="en")
    assert parse_term("1923") == ox.Literal("1923", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert parse_term("Alice Smith") == ox.Literal("Alice Smith")
    with pytest.raises(ConfigError):
        parse_term("<not closed")


def test_values_clause_escapes_what_it_binds() -> None:
    text = with_values("SELECT * WHERE { ?s ?p ?o }", {"o": ox.Literal('x" } ; DROP ALL #')})
    assert text.endswith('VALUES (?o) { ("x\\" } ; DROP ALL #") }\n')
    assert ox.Store().query(text) is not None  # still one valid query


def test_stdin_query_with_a_bound_parameter(built: Settings) -> None:
    code, output = invoke(built, "-", "--param", "who=person:alice-smith", "--format", "csv", stdin=LABEL_QUERY)
    assert code == 0, output
    assert output.splitlines() == ["label", "Alice Smith"]


def test_injection_through_a_parameter_stays_a_literal(built: Settings) -> None:
    code, output = invoke(built, "-", "--param", 'who="x" } ?a ?b ?c . {', "--format", "csv", stdin=LABEL_QUERY)
    assert code == 0 and output.splitlines() == ["label"]


def test_query_file_in_json_and_ask(built: Settings, tmp_path: Path) -> None:
    path = tmp_path / "ask.rq"
    path.write_text("ASK { ?x kz:foundedBy person:alice-smith }")
    code, output = invoke(built, str(path), "--format", "json")
    assert code == 0 and json.loads(output)["boolean"] is True


def test_construct_as_turtle(built: Settings) -> None:
    code, output = invoke(built, "-", "--format", "turtle",
                          stdin="CONSTRUCT { ?s kz:foundedBy ?o } WHERE { ?s kz:foundedBy ?o }")
    assert code == 0
    graph = ox.Store()
    graph.load(output.encode(), format=ox.RdfFormat.TURTLE)
    assert len(graph) == 1


def test_format_mismatch_and_unknown_query_are_errors(built: Settings) -> None:
    code, output = invoke(built, "-", "--format", "turtle", stdin=LABEL_QUERY)
    assert code == 2 and "CONSTRUCT" in output
    code, output = invoke(built, "no-such-query")
    assert code == 2 and "no query named" in output


def test_without_a_build_the_error_says_to_build(settings: Settings) -> None:
    code, output = invoke(settings, "-", stdin=LABEL_QUERY)
    assert code == 2 and "kuzbass build" in output


def test_unreachable_endpoint_fails_clearly() -> None:
    with pytest.raises(EndpointError, match="did not answer"):
        run_remote(Endpoint(f"http://127.0.0.1:{free_port()}/query", timeout=2, retries=1), "ASK {}", {},
                   OutputFormat.JSON)


@pytest.fixture
def oxigraph_endpoint(built: Settings) -> Iterator[str]:
    with oxigraph_server(built.out / "store", read_only=True) as base:
        yield f"{base}/query"


@pytest.mark.server
def test_remote_endpoint_gives_the_same_answer(built: Settings, oxigraph_endpoint: str) -> None:
    query = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + LABEL_QUERY)
    local = invoke(built, "-", "--param", "who=person:alice-smith", "--format", "csv", stdin=query)
    remote = invoke(built, "-", "--param", "who=person:alice-smith", "--format", "csv",
                    "--endpoint", oxigraph_endpoint, stdin=query)
    assert local[0] == remote[0] == 0, remote[1]
    assert local[1].split() == remote[1].replace("\r", "").split() == ["label", "Alice", "Smith"]
    code, output = invoke(built, "-", "--endpoint", oxigraph_endpoint, stdin=query.replace("?who", "<" + ALICE + ">"))
    assert code == 0 and "Alice Smith" in output


class _Recording(http.server.BaseHTTPRequestHandler):
    """Answers POST /sparql with one SPARQL JSON row (or 400 for a query with BAD), recording each request."""

    seen: list[tuple[dict[str, str], dict[str, list[str]]]] = []

    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.seen.append((dict(self.headers), form))
        if "BAD" in form["query"][0]:
            status, body = 400, b"Parse error: BAD"
        else:
            status, body = 200, json.dumps({"head": {"vars": ["label"]}, "results": {"bindings": [
                {"label": {"type": "literal", "value": "Alice Smith"}}]}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recording_endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recording)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recording.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_remote_query_is_a_form_post_with_accept_and_basic_auth(recording_endpoint: str) -> None:
    result = runner.invoke(app, ["query", "-", "--endpoint", recording_endpoint, "--user", "ann",
                                 "--password", "secret", "--param", "who=person:alice-smith"], input=LABEL_QUERY)
    assert result.exit_code == 0, result.output
    assert "Alice Smith" in result.output and "1 row(s)" in result.output
    headers, form = _Recording.seen[0]
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["Accept"] == "application/sparql-results+json"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"ann:secret").decode()
    assert form["query"][0].startswith(LABEL_QUERY) and f"<{ALICE}>" in form["query"][0]


def test_remote_syntax_error_is_rejected_without_retrying(recording_endpoint: str) -> None:
    result = runner.invoke(app, ["query", "-", "--endpoint", recording_endpoint], input="SELECT BAD")
    assert result.exit_code == 2
    assert "rejected the query (HTTP 400 Bad Request): Parse error: BAD" in result.output
    assert len(_Recording.seen) == 1
