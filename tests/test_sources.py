from __future__ import annotations

from pathlib import Path

import pytest

from kuzbass_graph.errors import InputError
from kuzbass_graph.sources import PassageKind, Source, fold_space, parse_passage_iri, passage_iri
from tests.fixture_project import PASSAGE_3


def test_passages_are_non_empty_lines_with_kinds_and_sections(project: Path) -> None:
    source = Source("mini", project / "data" / "sources" / "mini.txt")
    assert sorted(source.passages) == [1, 3, 5]
    assert source.passages[1].kind is PassageKind.HEADING
    assert source.passages[3].kind is PassageKind.CONTENT
    assert source.passages[5].section == "Widget Works"
    assert source.passages[3].iri == PASSAGE_3


def test_quote_must_be_in_the_cited_line_with_only_spaces_folded(project: Path) -> None:
    source = Source("mini", project / "data" / "sources" / "mini.txt")
    assert source.quote_in_passage("founded in  Testtown", 3)
    assert not source.quote_in_passage("founded in Testtown", 5)
    assert not source.quote_in_passage("founded in testtown", 3)
    assert not source.quote_in_passage("   ", 3)
    assert source.lines_containing("Bob Jones") == [5]


def test_fold_space() -> None:
    assert fold_space("  a \t b\n c ") == "a b c"


def test_passage_iri_round_trip() -> None:
    assert parse_passage_iri(passage_iri("aic-kuzbass", 42)) == ("aic-kuzbass", 42)
    assert parse_passage_iri("https://example.org/x") is None


def test_structure_listing_a_blank_line_is_an_error(project: Path) -> None:
    (project / "data" / "sources" / "mini.structure.tsv").write_text("line\tkind\n2\theading\n")
    source = Source("mini", project / "data" / "sources" / "mini.txt")
    with pytest.raises(InputError, match="blank"):
        _ = source.passages


def test_structure_with_a_bad_kind_names_the_row(project: Path) -> None:
    (project / "data" / "sources" / "mini.structure.tsv").write_text("line\tkind\n1\ttitle\n")
    source = Source("mini", project / "data" / "sources" / "mini.txt")
    with pytest.raises(InputError, match=r"mini.structure.tsv:2"):
        _ = source.kinds
