"""kuzbass query: resolving queries, binding parameters safely, output formats, local and remote runs."""

from __future__ import annotations

import json
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
