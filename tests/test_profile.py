"""The OWL 2 DL profile check (OWL API's OWL2DLProfile in a single-file Java program) of ontology + data."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuzbass_graph.cli import app
from kuzbass_graph.compile import compile_workspace
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import Problem
from kuzbass_graph.loader import load_workspace
from kuzbass_graph.namespaces import KZ, OWL
from kuzbass_graph.ontology import index_ontology
from kuzbass_graph.validation.profile import check_profile, first_term, hint_for
from tests.fixture_project import make_project

PREFIXES = ("@prefix kz: <https://w3id.org/kuzbass/ontology#> .\n"
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
NOTE = "http://example.org/vocabulary#note"


def project_with(tmp_path: Path, extra_ontology: str | None = None) -> Path:
    root = make_project(tmp_path / "p")
    if extra_ontology is not None:
        (root / "ontology" / "injected.ttl").write_text(PREFIXES + extra_ontology, encoding="utf-8")
    return root


def profile_problems(root: Path) -> list[Problem]:
    ws = load_workspace(Settings.load(root=root))
    return check_profile(ws, compile_workspace(ws, index_ontology(ws.store)))


def test_first_term_expands_the_abbreviations_of_the_owl_api() -> None:
    assert first_term("Declaration(ObjectProperty(owl:sameAs))") == OWL + "sameAs"
    assert first_term(f"AnnotationAssertion(<{NOTE}> <{KZ}Person> <{KZ}Place>)") == NOTE
    assert "remove the axiom" in hint_for("UseOfReservedVocabularyForObjectPropertyIRI", OWL + "sameAs")


@pytest.mark.reasoner
def test_clean_fixture_is_owl2_dl(tmp_path: Path) -> None:
    assert profile_problems(project_with(tmp_path)) == []


@pytest.mark.reasoner
def test_redeclared_same_as_is_reported_with_its_axiom_file_and_line(tmp_path: Path) -> None:
    root = project_with(tmp_path, "owl:sameAs a owl:ObjectProperty .\n")
    [problem] = profile_problems(root)
    assert problem.check == "profile" and problem.focus == OWL + "sameAs"
    assert "UseOfReservedVocabularyForObjectPropertyIRI" in problem.message
    assert "Declaration(ObjectProperty(owl:sameAs))" in problem.message
    assert problem.path == root / "ontology" / "injected.ttl" and problem.line == 4
    assert problem.hint and "built-in" in problem.hint


@pytest.mark.reasoner
def test_undeclared_annotation_property_is_reported_with_its_axiom(tmp_path: Path) -> None:
    root = project_with(tmp_path, f"kz:Person <{NOTE}> kz:Place .\n")
    [problem] = profile_problems(root)
    assert "UseOfUndeclaredAnnotationProperty" in problem.message
    assert f"AnnotationAssertion(<{NOTE}> <{KZ}Person> <{KZ}Place>)" in problem.message
    assert problem.focus == NOTE and problem.hint and "declare" in problem.hint


@pytest.mark.reasoner
def test_datatype_outside_the_owl2_datatype_map_is_reported(tmp_path: Path) -> None:
    root = project_with(tmp_path, 'kz:probe a owl:NamedIndividual ; kz:earliest "1923-01-01"^^xsd:date .\n')
    problems = profile_problems(root)
    assert [p.message.split(":")[0] for p in problems] == ["not OWL 2 DL (UseOfDatatypeOutsideOWL2DatatypeMap)"]
    assert '"1923-01-01"^^xsd:date' in problems[0].message and "xsd:dateTime" in (problems[0].hint or "")


@pytest.mark.reasoner
def test_validate_fails_on_a_violation_naming_the_axiom_and_skips_on_request(tmp_path: Path) -> None:
    root = project_with(tmp_path, "owl:sameAs a owl:ObjectProperty .\n")
    runner = CliRunner()
    result = runner.invoke(app, ["validate", "--root", str(root)])
    assert result.exit_code == 1, result.output
    assert "[profile]" in result.output and "Declaration(ObjectProperty(owl:sameAs))" in result.output
    assert "injected.ttl:4" in result.output
    skipped = runner.invoke(app, ["validate", "--root", str(root), "--skip", "profile", "--no-reason"])
    assert skipped.exit_code == 0, skipped.output
    assert "profile" not in skipped.output.split("checks:")[1]
