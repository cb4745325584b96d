"""The whole catalogue gives the same answers on the embedded store, the Oxigraph server and Virtuoso,
the real dataset having been published to each server with `kuzbass publish`."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rich.console import Console

from kuzbass_graph.catalogue import load_catalogue, normalize_cell
from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.publish import Target, count, publish, read_dataset
from kuzbass_graph.validation import Check
from tests.engines import oxigraph_server, virtuoso_server
from tests.fixture_project import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.server]
GRAPH = "https://w3id.org/kuzbass/graph/kuzbass"
CATALOGUE = load_catalogue(ROOT / "queries")


def rows_from_json(body: bytes) -> list[tuple[str, ...]]:
    document = json.loads(body)
    if "boolean" in document:
        return [(str(document["boolean"]).lower(),)]
    names = document["head"]["vars"]
    return sorted(tuple(normalize_cell(b.get(n, {}).get("value", "")) for n in names)
                  for b in document["results"]["bindings"])


def ask(url: str, query: str) -> list[tuple[str, ...]]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(), headers={
        "Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return rows_from_json(response.read())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings.load(root=ROOT, out=tmp_path_factory.mktemp("engines") / "dist")
    build_project(settings, skip=frozenset({Check.REASONER, Check.SHAPES}), console=Console(quiet=True))
    return settings


@pytest.fixture(scope="module")
def embedded(built: Settings) -> dict[str, list[tuple[str, ...]]]:
    store = ox.Store.read_only(str(built.out / "store"))
    answers = {}
    for query in CATALOGUE:
        body = store.query(query.text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
        answers[query.name] = rows_from_json(body or b"{}")
    return answers


@pytest.fixture(scope="module")
def engines(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Both servers, each with the dataset published to GRAPH by kuzbass publish."""
    expected = len(read_dataset(built.out / "kuzbass.nq"))
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as oxi, \
            virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as virtuoso:
        oxi_target = Target(f"{oxi}/query", f"{oxi}/update", GRAPH, store_url=f"{oxi}/store")
        virtuoso_target = Target(virtuoso, virtuoso, GRAPH)
        for target in (oxi_target, virtuoso_target):
            publish(target, built.out / "kuzbass.nq", chunk=500)
            assert count(target, GRAPH) == expected
        # Oxigraph's default graph is its own; name ours. Virtuoso's default graph is the union of graphs.
        yield {"oxigraph": f"{oxi}/query?default-graph-uri=" + urllib.parse.quote(GRAPH, safe=""),
               "virtuoso": virtuoso + "?default-graph-uri=" + urllib.parse.quote(GRAPH, safe="")}


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_catalogue_gives_the_same_answers_on_every_engine(engine: str, engines: dict[str, str],
                                                          embedded: dict[str, list[tuple[str, ...]]]) -> None:
    differing = []
    for query in CATALOGUE:
        try:
            answer = ask(engines[engine], query.text)
        except Exception as exc:  # report every failing query at once
            differing.append(f"{query.name}: {exc}")
            continue
        if answer != embedded[query.name]:
            differing.append(f"{query.name}: {len(answer)} rows vs {len(embedded[query.name])} embedded")
    assert differing == [], "\n".join(differing)


def test_both_engines_hold_the_whole_dataset(built: Settings, engines: dict[str, str]) -> None:
    expected = len(read_dataset(built.out / "kuzbass.nq"))
    assert expected > 40_000
    for url in engines.values():
        assert ask(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [(normalize_cell(str(expected)),)]
