"""Integration: the real curated data validates, covers the source, and answers as the README says."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from kuzbass_graph.config import Settings
from kuzbass_graph.coverage import measure_coverage
from kuzbass_graph.pipeline import Outcome, run_checks
from kuzbass_graph.validation import Check
from tests.fixture_project import ROOT

pytestmark = pytest.mark.slow


def test_real_data_passes_every_curation_check_and_the_shapes(real: Outcome) -> None:
    assert real.report.ok
    assert {Check.CLAIMS, Check.DECLARATIONS, Check.DATES, Check.SHAPES} <= set(real.report.ran)


@pytest.mark.reasoner
def test_real_data_is_owl2_dl_and_consistent_for_hermit() -> None:
    """The published ontology + data graph: no OWL 2 DL profile violation, and HermiT, unfiltered, is happy."""
    outcome = run_checks(Settings.load(root=ROOT), skip=frozenset({Check.SHAPES}), console=Console(quiet=True))
    assert {Check.PROFILE, Check.REASONER} <= set(outcome.report.ran) and outcome.report.ok


def test_coverage_of_the_source_is_at_least_95_percent(real: Outcome) -> None:
    report = measure_coverage(real.ws, real.compiled)
    assert len(report.sentences) > 450
    assert report.share >= 0.95, [f"{s.line}: {s.text[:60]}" for s in report.uncited]


def test_the_graph_is_of_the_expected_size(real: Outcome) -> None:
    counts = real.compiled.counts
    assert counts["entities"] >= 300
    assert counts["claims"] >= 500


def test_name_variants_of_the_source_are_labels(real: Outcome) -> None:
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?alt WHERE { ?x skos:altLabel ?alt }"""
    variants = {row["alt"].value for row in real.compiled.store.query(query, use_default_graph_as_union=True)}
    for expected in ("Bill Haywood", "Herbert Calver", "Bayer"):
        assert expected in variants


def test_readme_sparql_example_answers_with_a_quote(real: Outcome) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = re.search(r"```sparql\n(.*?)```", readme, re.DOTALL)
    assert query is not None
    rows = list(real.compiled.store.query(query.group(1), use_default_graph_as_union=True))
    assert rows, "the README's provenance example returns nothing"
    assert all(row["quote"].value for row in rows)
