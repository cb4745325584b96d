"""The curated-file checks: claims, quotes, declarations, datatypes, domains and ranges, dates."""

from __future__ import annotations

from pathlib import Path

from kuzbass_graph.config import Settings
from kuzbass_graph.errors import Problem
from kuzbass_graph.loader import load_workspace
from kuzbass_graph.validation import validate_curation
from tests.fixture_project import CURATED, make_project


def problems_for(tmp_path: Path, curated: str) -> list[Problem]:
    root = make_project(tmp_path / "p", curated=curated)
    return validate_curation(load_workspace(Settings.load(root=root))).problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_fixture_is_valid(tmp_path: Path) -> None:
    assert problems_for(tmp_path, CURATED) == []


def test_quote_not_in_its_passage_fails_with_file_and_line(tmp_path: Path) -> None:
    bad = CURATED.replace('"who headed it until 1925"', '"who headed it until 1926"')
    problems = problems_for(tmp_path, bad)
    assert [p.check for p in problems] == ["quotes"]
    assert problems[0].path is not None and problems[0].path.name == "mini.trig"
    assert problems[0].line == line_of(bad, "until 1926")


def test_misquote_points_at_its_kz_quote_line_not_at_a_label_with_the_same_words(tmp_path: Path) -> None:
    # The wrong quote repeats the membership's label word for word: the problem is at the kz:quote.
    bad = CURATED.replace('kz:quote "who headed it until 1925"', 'kz:quote "Alice Smith, head of Widget Works"')
    problems = problems_for(tmp_path, bad)
    assert [p.check for p in problems] == ["quotes"]
    assert line_of(bad, '"Alice Smith, head of Widget Works"@en') != line_of(bad, 'kz:quote "Alice Smith, head')
    assert problems[0].line == line_of(bad, 'kz:quote "Alice Smith, head of Widget Works"')


def test_misquote_on_a_continuation_line_points_at_that_line(tmp_path: Path) -> None:
    # "Alice Smyth" also opens the kz:quote of claim:L005-staff, written earlier in the file.
    bad = CURATED.replace('claim:L005-smyth-spelling kz:passage src:L005 ; kz:quote "Alice Smyth" .',
                          'claim:L005-smyth-spelling kz:passage src:L005 ;\n    kz:quote "Alice Smyth, and" .')
    problems = problems_for(tmp_path, bad)
    assert [p.check for p in problems] == ["quotes"]
    assert problems[0].line == line_of(bad, 'kz:quote "Alice Smyth, and"')


def test_quote_from_another_line_says_where_it_is(tmp_path: Path) -> None:
    bad = CURATED.replace('src:L005 ; kz:quote "Alice Smyth"', 'src:L003 ; kz:quote "Alice Smyth"')
    bad = bad.replace("L005-smyth-spelling", "L003-smyth-spelling")
    problems = problems_for(tmp_path, bad)
    assert len(problems) == 1 and "line(s) 5" in (problems[0].hint or "")


def test_statement_outside_a_claim_fails(tmp_path: Path) -> None:
    bad = CURATED + "person:bob-jones kz:occupation \"clerk\" .\n"
    problems = problems_for(tmp_path, bad)
    assert len(problems) == 1 and "cites no claim" in problems[0].message


def test_claim_without_quote_and_misnamed_claim_fail(tmp_path: Path) -> None:
    bad = CURATED.replace('claim:L003-alice-head kz:passage src:L003 ; kz:quote "who headed it until 1925" .', "")
    bad = bad.replace("claim:L005-staff", "claim:staff")
    messages = " | ".join(p.message for p in problems_for(tmp_path, bad))
    assert "0 kz:quote and 0 kz:passage" in messages
    assert "is not claim:L<line>-<slug>" in messages


def test_claim_named_for_another_line_fails(tmp_path: Path) -> None:
    bad = CURATED.replace("claim:L005-smyth-spelling", "claim:L004-smyth-spelling")
    assert any("named for line 4 but cites line 5" in p.message for p in problems_for(tmp_path, bad))


def test_typo_in_a_property_fails_at_its_line(tmp_path: Path) -> None:
    bad = CURATED.replace("kz:foundedBy person:alice-smith", "kz:foundedby person:alice-smith")
    problems = problems_for(tmp_path, bad)
    assert len(problems) == 1 and "kz:foundedby is not declared" in problems[0].message
    assert problems[0].line == line_of(bad, "kz:foundedby")


def test_typo_in_an_entity_iri_fails(tmp_path: Path) -> None:
    bad = CURATED.replace("kz:led organization:widget-works", "kz:led organization:widget-work")
    problems = problems_for(tmp_path, bad)
    assert any("widget-work> is used but never declared" in p.message for p in problems)


def test_unknown_class_and_unit_fail(tmp_path: Path) -> None:
    bad = CURATED.replace("a kz:Company", "a kz:Compnay").replace("kz:unit-person", "kz:unit-persons")
    messages = " | ".join(p.message for p in problems_for(tmp_path, bad))
    assert "class kz:Compnay is not declared" in messages
    assert "kz:unit-persons is not a term of the ontology" in messages


def test_language_tag_on_a_string_property_fails_at_the_statement(tmp_path: Path) -> None:
    bad = CURATED.replace('kz:measure "workers"', 'kz:measure "workers"@en')
    problems = problems_for(tmp_path, bad)
    assert len(problems) == 1 and "without a language tag" in (problems[0].hint or "")
    assert problems[0].line == line_of(bad, '"workers"@en')


def test_value_against_the_range_fails_at_the_statement(tmp_path: Path) -> None:
    bad = CURATED.replace("kz:locatedIn place:testtown", "kz:locatedIn person:bob-jones")
    problems = problems_for(tmp_path, bad)
    assert len(problems) == 1 and "expects its value to be a kz:Location" in problems[0].message
    assert problems[0].line == line_of(bad, "kz:locatedIn person:bob-jones")


def test_literal_for_an_object_property_fails(tmp_path: Path) -> None:
    bad = CURATED.replace("kz:locatedIn place:testtown", 'kz:locatedIn "Testtown"')
    assert any("links to things" in p.message for p in problems_for(tmp_path, bad))


def test_invalid_edtf_date_fails(tmp_path: Path) -> None:
    bad = CURATED.replace('kz:foundingDate "1923~"', 'kz:foundingDate "about 1923"')
    problems = problems_for(tmp_path, bad)
    assert [p.check for p in problems] == ["dates"]
    assert problems[0].line == line_of(bad, "about 1923")


LINKS = """@prefix kz: <https://w3id.org/kuzbass/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/kuzbass/id/link/person-alice-smith-q1> {
    <https://w3id.org/kuzbass/id/person/alice-smith> skos:exactMatch <http://www.wikidata.org/entity/Q1> ;
        kz:occupation "engineer" .
}
<https://w3id.org/kuzbass/id/link/person-alice-smith-q1> a kz:Link ; kz:score 1.5 ;
    prov:wasGeneratedBy <https://w3id.org/kuzbass/id/reconciliation/run> .
"""


def test_links_must_hold_only_links_with_a_run_and_a_score(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "data" / "links").mkdir()
    (root / "data" / "links" / "wikidata.trig").write_text(LINKS)
    problems = validate_curation(load_workspace(Settings.load(root=root))).problems
    messages = " | ".join(p.message for p in problems if p.check == "links")
    assert "score" in messages and "kz:Reconciliation" in messages and "holds only" in messages.replace(
        "links hold only", "holds only")
    assert all(p.path is not None and p.path.name == "wikidata.trig" for p in problems if p.check == "links")


def test_a_graph_that_is_neither_claim_nor_link_fails(tmp_path: Path) -> None:
    bad = CURATED + '<https://example.org/g> { <https://w3id.org/kuzbass/id/person/bob-jones> kz:occupation "x" . }\n'
    assert any("neither a claim nor a link" in p.message for p in problems_for(tmp_path, bad))
