"""The checks on the compiled graph: SHACL shapes and OWL consistency with HermiT."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from kuzbass_graph.build.parts import Part
from kuzbass_graph.compile import compile_workspace
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import Problem, ValidationFailed
from kuzbass_graph.loader import load_workspace
from kuzbass_graph.ontology import index_ontology
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.validation.reasoner import check_reasoner
from kuzbass_graph.validation.shapes import check_shapes
from tests.fixture_project import BOB, CURATED, make_project


def compiled_checks(tmp_path: Path, curated: str, *, reason: bool = False) -> list[Problem]:
    root = make_project(tmp_path / "p", curated=curated)
    ws = load_workspace(Settings.load(root=root))
    onto = index_ontology(ws.store)
    compiled = compile_workspace(ws, onto)
    return check_reasoner(ws, compiled, onto) if reason else check_shapes(ws, compiled)


def test_fixture_conforms_to_the_shapes(tmp_path: Path) -> None:
    assert compiled_checks(tmp_path, CURATED) == []


def test_entity_without_provenance_fails_shacl(tmp_path: Path) -> None:
    bad = CURATED + 'person:carol-king a kz:Person ; rdfs:label "Carol King"@en .\n'
    problems = compiled_checks(tmp_path, bad)
    assert len(problems) == 1
    assert "carol-king" in problems[0].message and "no provenance" in problems[0].message
    assert problems[0].path is not None and problems[0].line is not None


def test_two_english_labels_fail_shacl(tmp_path: Path) -> None:
    bad = CURATED.replace('rdfs:label "Bob Jones"@en', 'rdfs:label "Bob Jones"@en, "Robert Jones"@en')
    problems = compiled_checks(tmp_path, bad)
    assert [p.focus for p in problems] == [BOB]


def test_incomplete_membership_fails_shacl(tmp_path: Path) -> None:
    bad = CURATED.replace("kz:organization organization:widget-works ; kz:role role:head ;", "")
    assert any("exactly one kz:organization" in p.message for p in compiled_checks(tmp_path, bad))


def test_quantity_without_unit_fails_shacl(tmp_path: Path) -> None:
    bad = CURATED.replace("kz:unit kz:unit-person ;", "")
    assert any("kz:unit" in p.message for p in compiled_checks(tmp_path, bad))


@pytest.mark.reasoner
def test_fixture_is_consistent(tmp_path: Path) -> None:
    assert compiled_checks(tmp_path, CURATED, reason=True) == []


@pytest.mark.reasoner
def test_disjoint_types_are_inconsistent_and_explained(tmp_path: Path) -> None:
    bad = CURATED.replace("place:testtown a kz:Settlement", "place:testtown a kz:Settlement, kz:Person")
    problems = compiled_checks(tmp_path, bad, reason=True)
    assert problems and problems[0].check == "reasoner"
    assert "testtown" in problems[0].message and "disjoint" in problems[0].message


@pytest.mark.reasoner
def test_unsatisfiable_class_is_reported(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "ontology" / "broken.ttl").write_text(
        "@prefix kz: <https://w3id.org/kuzbass/ontology#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "kz:Chimera a owl:Class ; rdfs:subClassOf kz:Person, kz:Place .\n")
    ws = load_workspace(Settings.load(root=root))
    onto = index_ontology(ws.store)
    problems = check_reasoner(ws, compile_workspace(ws, onto), onto)
    assert [p.focus for p in problems] == ["https://w3id.org/kuzbass/ontology#Chimera"]


@pytest.mark.reasoner
def test_a_build_the_reasoner_fails_leaves_the_previous_build_current(tmp_path: Path) -> None:
    """The Java checks run beside the writing of the dumps: their errors still fail the build, before it is
    switched in."""
    root = make_project(tmp_path / "p")
    out = tmp_path / "out"
    settings = Settings.load(root=root, out=out)
    build_project(settings, without=frozenset(Part), console=Console(file=io.StringIO()))
    first = (out / "current").resolve()
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert {"profile", "reasoner"} <= set(report["checks"]) and "profile and reasoner" in report["seconds"]
    triples = root / "data" / "triples" / "mini.trig"
    triples.write_text(CURATED.replace("place:testtown a kz:Settlement", "place:testtown a kz:Settlement, kz:Person"),
                       encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        build_project(settings, without=frozenset(Part), console=Console(file=io.StringIO()))
    assert any(p.check == "reasoner" and "testtown" in p.message for p in failed.value.problems)
    assert (out / "current").resolve() == first
    assert [p.name for p in (out / "builds").iterdir() if p.name.startswith(".tmp-")] == []
