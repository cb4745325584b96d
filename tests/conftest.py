from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from kuzbass_graph.analysis.run import analyze_compiled
from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import Outcome, run_checks
from kuzbass_graph.validation import Check
from tests.fixture_project import ROOT, make_project


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="Rewrite queries/expected/*.tsv from the current results (review the diff!).")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def settings(project: Path) -> Settings:
    return Settings.load(root=project, out=project / "dist")


@pytest.fixture(scope="session")
def real() -> Outcome:
    """The real project, validated (shapes included, reasoner in its own test) and compiled once, with the
    analysis graph that the build adds (analysis.run.analyze_compiled)."""
    outcome = run_checks(Settings.load(root=ROOT), skip=frozenset({Check.REASONER}), console=Console(quiet=True))
    analyze_compiled(outcome.compiled.store)
    return outcome
