"""The curation checks: names in their quotes, descriptions supported by cited passages, inverse pairs
consistent with the data, symmetric statements both ways in the build."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rich.console import Console

from kuzbass_graph.compile import PROVENANCE_GRAPH
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import Problem
from kuzbass_graph.loader import load_workspace
from kuzbass_graph.ontology import index_ontology
from kuzbass_graph.pipeline import run_checks
from kuzbass_graph.validation import Check, validate_curation
from kuzbass_graph.validation.descriptions import stem, unsupported_words
from kuzbass_graph.validation.labels import fold
from kuzbass_graph.validation.symmetry import check_symmetry
from tests.fixture_project import ALICE, CURATED, FOUNDING_CLAIM, SPELLING_CLAIM, STAFF_CLAIM, make_project

NO_OWL = frozenset({Check.SHAPES, Check.REASONER})


def problems_for(tmp_path: Path, curated: str, *, extra_ontology: str | None = None) -> list[Problem]:
    root = make_project(tmp_path / f"p{len(list(tmp_path.iterdir()))}", curated=curated)
    if extra_ontology:
        (root / "ontology" / "test-extra.ttl").write_text(extra_ontology, encoding="utf-8")
    return validate_curation(load_workspace(Settings.load(root=root))).problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_the_fixture_passes_the_curation_checks(tmp_path: Path) -> None:
    assert problems_for(tmp_path, CURATED) == []


# --- labels -------------------------------------------------------------------------------------

def test_fold_ignores_case_quote_marks_and_spaces() -> None:
    assert fold("Lenin\u2019s  \u201cLetter\u201d") == fold("lenin's letter")


def test_a_variant_missing_from_its_quote_fails_at_its_line(tmp_path: Path) -> None:
    bad = CURATED.replace('skos:altLabel "Alice Smyth"@en', 'skos:altLabel "Alice Smythe"@en')
    problems = [p for p in problems_for(tmp_path, bad) if p.check == "labels"]
    assert len(problems) == 1 and "'Alice Smythe'" in problems[0].message and SPELLING_CLAIM in problems[0].message
    assert problems[0].line == line_of(bad, "Alice Smythe")


def test_a_variant_differing_only_in_case_and_quote_marks_passes(tmp_path: Path) -> None:
    ok = CURATED.replace('skos:altLabel "Alice Smyth"@en', 'skos:altLabel "\u201calice SMYTH\u201d"@en')
    assert [p for p in problems_for(tmp_path, ok) if p.check == "labels"] == []


def test_a_nickname_is_a_variant_too(tmp_path: Path) -> None:
    bad = CURATED.replace('skos:altLabel "Alice Smyth"@en', 'kz:nickname "The Widget Queen"@en')
    assert any(p.check == "labels" and "nickname" in p.message for p in problems_for(tmp_path, bad))


# --- descriptions -------------------------------------------------------------------------------

def test_stem_folds_plurals_verb_forms_and_irregulars() -> None:
    assert stem("headed") == stem("head") and stem("workers") == stem("worker") and stem("gave") == stem("given")
    assert stem("capitalist") != stem("capital")


def test_unsupported_words_are_the_content_words_missing_from_the_evidence() -> None:
    assert unsupported_words("Capital of Soviet Russia.", "blockade of Soviet Russia by capitalist governments") \
        == ["capital"]


def test_a_description_adding_general_knowledge_fails_at_its_line(tmp_path: Path) -> None:
    bad = CURATED.replace("Founded and headed Widget Works.", "Famous inventor who founded Widget Works.")
    problems = [p for p in problems_for(tmp_path, bad) if p.check == "descriptions"]
    assert len(problems) == 1 and problems[0].focus == ALICE
    assert "'famous', 'inventor'" in problems[0].message
    assert problems[0].line == line_of(bad, "Famous inventor")


def test_a_description_of_an_entity_no_claim_mentions_fails(tmp_path: Path) -> None:
    bad = CURATED + 'person:carol-white a kz:Person ; rdfs:label "Carol White"@en ;\n' \
        '    dcterms:description "Worker of Widget Works."@en .\n'
    assert any(p.check == "descriptions" and "no claim cites anything" in p.message
               for p in problems_for(tmp_path, bad))


def test_a_description_inside_a_claim_is_checked_against_that_claim(tmp_path: Path) -> None:
    described = '        kz:foundingDate "1923~" ;\n        dcterms:description "Founded in Testtown."@en .'
    ok = CURATED.replace('        kz:foundingDate "1923~" .', described)
    assert [p for p in problems_for(tmp_path, ok) if p.check == "descriptions"] == []
    bad = ok.replace("Founded in Testtown.", "Founded in Testtown, a port city.")
    problems = [p for p in problems_for(tmp_path, bad) if p.check == "descriptions"]
    assert len(problems) == 1 and "'port', 'city'" in problems[0].message
    assert problems[0].line == line_of(bad, "a port city")


# --- inverse pairs ------------------------------------------------------------------------------

WRONG_WAY = """@prefix kz: <https://w3id.org/kuzbass/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kz:testSuppliedBy a owl:ObjectProperty ; owl:inverseOf kz:testSupplied ; rdfs:label "supplied by"@en ;
    rdfs:domain kz:Entity .
kz:testSupplied a owl:ObjectProperty ; rdfs:label "supplied"@en ; rdfs:domain kz:Agent ; rdfs:range kz:Entity .
"""


def test_an_inverse_pair_declared_inconsistently_fails_in_the_ontology(tmp_path: Path) -> None:
    extra = WRONG_WAY.replace('rdfs:domain kz:Entity .', 'rdfs:domain kz:Entity ; rdfs:range kz:Place .')
    problems = [p for p in problems_for(tmp_path, CURATED, extra_ontology=extra) if p.check == "inverses"]
    assert problems and all(p.path is not None and p.path.name == "test-extra.ttl" for p in problems)
    assert any("is not the range of kz:testSupplied" in p.message or "is not the range of kz:testSuppliedBy"
               in p.message for p in problems)


def test_a_product_where_the_inverse_expects_an_agent_fails(tmp_path: Path) -> None:
    bad = CURATED.replace("    person:bob-jones kz:led organization:widget-works .",
                          "    person:bob-jones kz:led organization:widget-works .\n"
                          "    organization:widget-works kz:testSuppliedBy place:testtown .")
    problems = [p for p in problems_for(tmp_path, bad, extra_ontology=WRONG_WAY) if p.check == "inverses"]
    assert len(problems) == 1 and "should be a kz:Agent" in problems[0].message and "testtown" in problems[0].message
    assert problems[0].line == line_of(bad, "kz:testSuppliedBy place:testtown")


def test_the_real_ontology_has_no_supplied_by_inverse_of_supplied_to(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    onto = index_ontology(load_workspace(Settings.load(root=root)).store)
    kz = "https://w3id.org/kuzbass/ontology#"
    assert onto.inverses.get(kz + "suppliedBy") != kz + "suppliedTo"


# --- symmetric properties -------------------------------------------------------------------------

def test_a_one_way_conflict_between_claims_holds_both_ways_in_the_build(tmp_path: Path) -> None:
    curated = CURATED + f"<{STAFF_CLAIM}> kz:conflictsWith <{FOUNDING_CLAIM}> .\n"
    root = make_project(tmp_path / "p", curated=curated)
    outcome = run_checks(Settings.load(root=root), skip=NO_OWL, console=Console(quiet=True))
    assert Check.SYMMETRY in outcome.report.ran
    store = outcome.compiled.store
    conflicts = ox.NamedNode("https://w3id.org/kuzbass/ontology#conflictsWith")
    assert next(store.quads_for_pattern(ox.NamedNode(FOUNDING_CLAIM), conflicts, ox.NamedNode(STAFF_CLAIM),
                                        PROVENANCE_GRAPH), None) is not None


def test_the_symmetry_check_reports_a_one_way_statement(tmp_path: Path) -> None:
    curated = CURATED + f"<{STAFF_CLAIM}> kz:conflictsWith <{FOUNDING_CLAIM}> .\n"
    root = make_project(tmp_path / "p", curated=curated)
    outcome = run_checks(Settings.load(root=root), skip=NO_OWL, console=Console(quiet=True))
    conflicts = ox.NamedNode("https://w3id.org/kuzbass/ontology#conflictsWith")
    outcome.compiled.store.remove(ox.Quad(ox.NamedNode(FOUNDING_CLAIM), conflicts, ox.NamedNode(STAFF_CLAIM),
                                          PROVENANCE_GRAPH))
    problems = check_symmetry(outcome.ws, outcome.compiled, index_ontology(outcome.ws.store))
    assert len(problems) == 1 and problems[0].check == "symmetry" and "not the other way round" in problems[0].message
    assert problems[0].path is not None and problems[0].path.name == "mini.trig"
