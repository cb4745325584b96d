"""The query catalogue: headers, golden results, and the generated catalogue page."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuzbass_graph.catalogue import (
    catalogue_markdown,
    from_tsv,
    load_catalogue,
    order_keys,
    parse_query_file,
    run_query,
    same_result,
    to_tsv,
)
from kuzbass_graph.errors import InputError
from kuzbass_graph.pipeline import Outcome
from tests.fixture_project import ROOT

QUERIES = ROOT / "queries"
CATALOGUE = load_catalogue(QUERIES)


def test_catalogue_is_large_enough() -> None:
    assert len(CATALOGUE) >= 60


@pytest.mark.slow
@pytest.mark.parametrize("query", CATALOGUE, ids=[q.name for q in CATALOGUE])
def test_query_returns_its_golden_result(query, real: Outcome, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    actual = run_query(real.compiled.store, query)
    assert len(actual) > 1, f"{query.name} returns no rows"
    if request.config.getoption("--update-goldens") or not query.golden_path.exists():
        if not request.config.getoption("--update-goldens"):
            pytest.fail(f"{query.golden_path} is missing: run pytest --update-goldens and review it")
        query.golden_path.parent.mkdir(exist_ok=True)
        query.golden_path.write_text(to_tsv(actual), encoding="utf-8")
    expected = from_tsv(query.golden_path.read_text(encoding="utf-8"))
    assert same_result(expected, actual, keys=order_keys(query)), f"{query.name}: result differs from golden"


def test_every_golden_belongs_to_a_query() -> None:
    names = {q.name for q in CATALOGUE}
    orphans = sorted(p.stem for p in (QUERIES / "expected").glob("*.tsv") if p.stem not in names)
    assert orphans == []


def test_header_without_a_question_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# title: x\n# description: y\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(InputError, match="lacks question"):
        parse_query_file(path)


def test_unknown_header_key_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# title: x\n# descripton: y\n# question: z\nASK {}\n")
    with pytest.raises(InputError, match=r"bad.rq:2"):
        parse_query_file(path)


def test_unordered_results_compare_as_sets() -> None:
    expected = [["a"], ["1"], ["2"]]
    assert same_result(expected, [["a"], ["2"], ["1"]], keys=None)
    assert not same_result(expected, [["a"], ["2"], ["1"]], keys=["a"])
    assert not same_result(expected, [["b"], ["1"], ["2"]], keys=None)
    assert not same_result(expected, [["a"], ["1"], ["3"]], keys=None)


def test_ordered_results_may_tie_and_concatenations_may_come_in_any_order() -> None:
    expected = [["line", "thing", "parts"], ["1", "x", "a; b"], ["1", "y", "c"], ["2", "z", "d, e"]]
    ties = [["line", "thing", "parts"], ["1", "y", "c"], ["1", "x", "b; a"], ["2", "z", "e, d"]]
    assert same_result(expected, ties, keys=["line"])
    assert not same_result(expected, ties, keys=["line", "thing"])
    assert not same_result(expected, [expected[0], expected[3], expected[1], expected[2]], keys=["line"])
    assert same_result(expected, ties, keys=["start", "line"])  # ordered first by a key not projected


def test_order_keys_are_read_from_the_order_by_clause() -> None:
    assert order_keys("SELECT ?a WHERE { ?a ?b ?c } ORDER BY DESC(?value) ?a LIMIT 5") == ["value", "a"]
    assert order_keys("SELECT ?a WHERE { ?a ?b ?c }  # ORDER BY ?a in a comment") is None
    assert order_keys("SELECT ?a WHERE { ?a ?b ?c }") is None


def test_catalogue_page_is_current() -> None:
    assert (QUERIES / "README.md").read_text(encoding="utf-8") == catalogue_markdown(CATALOGUE), \
        "run `make docs` to regenerate queries/README.md"
