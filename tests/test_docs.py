"""Docs that cannot drift: the CLI reference is regenerated and compared."""

from __future__ import annotations

from kuzbass_graph.coverage import measure_coverage
from kuzbass_graph.docs import CLI_REFERENCE, COVERAGE_BLOCK, README, cli_reference, coverage_block
from kuzbass_graph.pipeline import Outcome


def test_cli_reference_is_current() -> None:
    assert CLI_REFERENCE.read_text(encoding="utf-8") == cli_reference(), "run `make docs` to regenerate docs/cli.md"


def test_readme_coverage_block_is_current(real: Outcome) -> None:
    report = measure_coverage(real.ws, real.compiled)
    expected = coverage_block(report, real.compiled.counts["entities"], real.compiled.counts["claims"])
    found = COVERAGE_BLOCK.search(README.read_text(encoding="utf-8"))
    assert found is not None and found.group(2) == expected, "run `make docs` to regenerate the README's coverage"
