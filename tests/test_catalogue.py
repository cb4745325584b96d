"""The query catalogue: headers, golden results, and the generated catalogue page."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuzbass_graph.catalogue import (
    catalogue_markdown,
    from_tsv,
    is_ordered,
    load_catalogue,
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
    assert same_result(expected, actual, ordered=is_ordered(query)), f"{query.name}: result differs from golden"


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
    assert same_result(expected, [["a"], ["2"], ["1"]], ordered=False)
    assert not same_result(expected, [["a"], ["2"], ["1"]], ordered=True)
    assert not same_result(expected, [["b"], ["1"], ["2"]], ordered=False)


def test_catalogue_page_is_current() -> None:
    assert (QUERIES / "README.md").read_text(encoding="utf-8") == catalogue_markdown(CATALOGUE), \
        "run `make docs` to regenerate queries/README.md"
