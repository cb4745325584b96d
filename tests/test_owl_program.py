"""The OWL checks' Java program (validation/OwlChecks.java, run by owl_program.py): compiled once, it loads the
input once and answers the profile check and HermiT from one JVM, as the checks alone and owlready2 answer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kuzbass_graph.build.verdicts import VerdictCache
from kuzbass_graph.compile import Compiled, compile_workspace
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import ReasonerError
from kuzbass_graph.loader import Workspace, load_workspace
from kuzbass_graph.namespaces import KZ, ONTOLOGY_IRI, OWL
from kuzbass_graph.ontology import OntologyIndex, index_ontology
from kuzbass_graph.validation import owl_program
from kuzbass_graph.validation.abox import abox_scope
from kuzbass_graph.validation.reasoner import _ntriples, _run_hermit, check_owl
from tests.fixture_project import CURATED, make_project

PREFIXES = ("@prefix kz: <https://w3id.org/kuzbass/ontology#> .\n"
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
CHIMERA_CLASS = KZ + "Chimera"
UNSATISFIABLE = "kz:Chimera a owl:Class ; rdfs:subClassOf kz:Person, kz:Place .\n"
SAME_AS = "owl:sameAs a owl:ObjectProperty .\n"  # reserved vocabulary: a profile violation
INCONSISTENT = CURATED.replace("place:testtown a kz:Settlement", "place:testtown a kz:Settlement, kz:Person")


def project(tmp_path: Path, *, ontology: str | None = None,
            curated: str = CURATED) -> tuple[Workspace, Compiled, OntologyIndex]:
    root = make_project(tmp_path / "p", curated=curated)
    if ontology is not None:
        (root / "ontology" / "injected.ttl").write_text(PREFIXES + ontology, encoding="utf-8")
    ws = load_workspace(Settings.load(root=root))
    onto = index_ontology(ws.store)
    return ws, compile_workspace(ws, onto), onto


def nt_file(tmp_path: Path, ws: Workspace, compiled: Compiled) -> Path:
    path = tmp_path / "input.nt"
    path.write_bytes(_ntriples(abox_scope(ws, compiled).triples))
    return path


def owlready2_answer(nt: bytes) -> tuple[bool, list[str]]:
    """What owlready2's sync_reasoner answered, as the reasoner asked it before the program."""
    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner

    world = World()
    ontology = world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(nt), format="ntriples")
    try:
        with ontology:
            sync_reasoner(world, infer_property_values=False, debug=0)
    except OwlReadyInconsistentOntologyError:
        return False, []
    return True, sorted(c.iri for c in world.inconsistent_classes() if hasattr(c, "iri") and c.iri != OWL + "Nothing")


@pytest.mark.reasoner
def test_the_program_is_compiled_once_into_a_folder_named_by_its_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = owl_program.program_classes(tmp_path)
    assert (first / "OwlChecks.class").is_file() and first.parent == tmp_path
    monkeypatch.setattr(owl_program.shutil, "which", lambda name: None)  # no javac now: none is needed
    assert owl_program.program_classes(tmp_path) == first
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no work folder left behind


def test_builds_share_the_compiled_program_in_the_users_cache_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    first = Settings.load(root=root, out=tmp_path / "one").java_cache
    assert first == tmp_path / "xdg" / "kuzbass" / "java"
    assert Settings.load(root=root, out=tmp_path / "two").java_cache == first  # not under either OUT
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Settings.load(root=root).java_cache == tmp_path / "home" / ".cache" / "kuzbass" / "java"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert Settings.load(root=root).java_cache == tmp_path / "home" / ".cache" / "kuzbass" / "java"


@pytest.mark.reasoner
def test_an_unwritable_cache_folder_compiles_into_the_users_temporary_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    private = tmp_path / "private"
    private.mkdir()
    monkeypatch.setattr(owl_program, "_private_folder", lambda: private)
    classes = owl_program.program_classes(blocked / "java")
    assert classes.parent == private and (classes / "OwlChecks.class").is_file()


@pytest.mark.reasoner
def test_without_a_jdk_the_error_says_to_install_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws, compiled, _ = project(tmp_path)
    real_which = owl_program.shutil.which
    monkeypatch.setattr(owl_program.shutil, "which", lambda name: None if name == "javac" else real_which(name))
    with pytest.raises(ReasonerError, match="needs a JDK to compile OwlChecks.java") as error:
        owl_program.run_owl_program(nt_file(tmp_path, ws, compiled), profile=True, reason=True,
                                    cache=tmp_path / "classes")
    assert error.value.hint and "default-jdk-headless" in error.value.hint and "--skip profile" in error.value.hint
    monkeypatch.setattr(owl_program.shutil, "which", lambda name: None)
    with pytest.raises(ReasonerError, match="the OWL reasoner needs Java") as error:
        _run_hermit(b"", cache=tmp_path / "classes")
    assert error.value.hint and "--no-reason" in error.value.hint


@pytest.mark.reasoner
def test_a_file_java_cannot_read_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.nt"
    broken.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    with pytest.raises(ReasonerError, match=r"(?s)^the OWL 2 DL profile check failed: .*Parser") as error:
        owl_program.run_owl_program(broken, profile=True, reason=True)
    assert error.value.hint and "java -version" in error.value.hint
    with pytest.raises(ReasonerError, match=r"(?s)^HermiT failed: .*Parser") as error:
        owl_program.run_owl_program(broken, profile=False, reason=True)
    assert error.value.hint and "--no-reason" in error.value.hint


@pytest.mark.reasoner
def test_one_run_answers_the_profile_and_hermit(tmp_path: Path) -> None:
    ws, compiled, _ = project(tmp_path, ontology=UNSATISFIABLE)
    answers = owl_program.run_owl_program(nt_file(tmp_path, ws, compiled), profile=True, reason=True)
    assert answers == owl_program.OwlAnswers([], (True, [CHIMERA_CLASS]))


@pytest.mark.reasoner
def test_hermit_does_not_run_on_a_profile_violation(tmp_path: Path) -> None:
    ws, compiled, _ = project(tmp_path, ontology=SAME_AS)
    answers = owl_program.run_owl_program(nt_file(tmp_path, ws, compiled), profile=True, reason=True)
    assert answers.reasoning is None and answers.hermit_failed is None
    assert answers.violations == [("UseOfReservedVocabularyForObjectPropertyIRI",
                                   "Declaration(ObjectProperty(owl:sameAs))")]


@pytest.mark.reasoner
def test_check_owl_reports_an_unsatisfiable_class_and_a_clean_profile(tmp_path: Path) -> None:
    ws, compiled, onto = project(tmp_path, ontology=UNSATISFIABLE)
    profile, reasoner = check_owl(ws, compiled, onto)
    assert profile == [] and reasoner is not None
    assert [(p.check, p.focus) for p in reasoner] == [("reasoner", CHIMERA_CLASS)]
    assert "is unsatisfiable" in reasoner[0].message


@pytest.mark.reasoner
def test_check_owl_finds_and_explains_an_inconsistency(tmp_path: Path) -> None:
    ws, compiled, onto = project(tmp_path, curated=INCONSISTENT)
    profile, reasoner = check_owl(ws, compiled, onto)
    assert profile == [] and reasoner
    assert "testtown" in reasoner[0].message and "disjoint" in reasoner[0].message


@pytest.mark.reasoner
def test_check_owl_reports_the_profile_and_leaves_hermit_out(tmp_path: Path) -> None:
    ws, compiled, onto = project(tmp_path, ontology=SAME_AS)
    profile, reasoner = check_owl(ws, compiled, onto)
    assert reasoner is None
    assert [p.focus for p in profile] == [OWL + "sameAs"] and "Declaration(ObjectProperty(owl:sameAs))" in \
        profile[0].message


@pytest.mark.reasoner
def test_a_datatype_hermit_rejects_is_a_profile_problem_with_both_and_a_hermit_error_alone(tmp_path: Path) -> None:
    ws, compiled, onto = project(tmp_path, ontology='kz:probe a owl:NamedIndividual ; '
                                                    'kz:earliest "1923-01-01"^^xsd:date .\n')
    profile, reasoner = check_owl(ws, compiled, onto)
    assert reasoner is None and [p.message.split(":")[0] for p in profile] == [
        "not OWL 2 DL (UseOfDatatypeOutsideOWL2DatatypeMap)"]
    with pytest.raises(ReasonerError, match="HermiT failed: .*UnsupportedDatatypeException.*XMLSchema#date"):
        _run_hermit(_ntriples(abox_scope(ws, compiled).triples))


@pytest.mark.reasoner
def test_kept_answers_start_no_jvm_and_a_missing_one_asks_for_it_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws, compiled, onto = project(tmp_path, ontology=UNSATISFIABLE)
    verdicts = VerdictCache(tmp_path / "verdicts")
    first = check_owl(ws, compiled, onto, verdicts=verdicts)
    asked: list[tuple[bool, bool]] = []
    run = owl_program.run_owl_program

    def spy(nt: Path, *, profile: bool, reason: bool, cache: Path | None = None) -> owl_program.OwlAnswers:
        asked.append((profile, reason))
        return run(nt, profile=profile, reason=reason, cache=cache)

    monkeypatch.setattr(owl_program, "run_owl_program", spy)
    assert check_owl(ws, compiled, onto, verdicts=VerdictCache(tmp_path / "verdicts")) == first and asked == []
    for entry in (tmp_path / "verdicts").glob("reasoner-*.json"):
        entry.unlink()
    again = VerdictCache(tmp_path / "verdicts")
    assert check_owl(ws, compiled, onto, verdicts=again) == first
    assert asked == [(False, True)] and again.reused == ["profile"]


@pytest.mark.reasoner
@pytest.mark.parametrize("case", ["consistent", "unsatisfiable", "inconsistent"])
def test_hermit_answers_as_owlready2_did(tmp_path: Path, case: str) -> None:
    ws, compiled, _ = project(tmp_path, ontology=UNSATISFIABLE if case == "unsatisfiable" else None,
                              curated=INCONSISTENT if case == "inconsistent" else CURATED)
    nt = _ntriples(abox_scope(ws, compiled).triples)
    answer = _run_hermit(nt)
    assert answer == owlready2_answer(nt)
    assert answer == {"consistent": (True, []), "unsatisfiable": (True, [CHIMERA_CLASS]),
                      "inconsistent": (False, [])}[case]
