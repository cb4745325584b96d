"""The quick EDTF reader gives the `edtf` library's bounds, or leaves the string to the library.

The library is the reference: wherever the quick reader answers, its answer must be the library's, and it
must not accept a string the library refuses. Checked on the library's own test strings
(`fixtures/edtf_library_examples.json`) and on a generated corpus of dates, qualifiers, unspecified digits,
seasons, impossible days, intervals and bracketed runs."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from kuzbass_graph.dates import DateBounds, EdtfError, _library_bounds, _quick_bounds, parse_bounds
from tests.fixture_project import ROOT

FIXTURES = Path(__file__).parent / "fixtures"
KZ_DATE_PROPERTIES = ("date", "Date", "startDate", "endDate")

YEARS = ("1921", "1924", "1900", "2000", "0001", "0000", "192X", "19XX", "1XXX", "-0999")
MONTHS = (None, "01", "02", "12", "00", "13", "XX", "21", "22", "24", "25", "33")
DAYS = (None, "01", "29", "30", "31", "32", "00", "XX")


def library(text: str) -> DateBounds | str:
    try:
        return _library_bounds(text)
    except EdtfError:
        return "refused"


def generated_corpus() -> list[str]:
    points = [year + (f"-{month}" if month else "") + (f"-{day}" if day else "")
              for year, month in itertools.product(YEARS, MONTHS) for day in (DAYS if month else (None,))]
    qualified = [p + q for p in points[::3] for q in "?~%"]
    every = points + qualified
    rng = random.Random(1921)
    corpus = list(every)
    corpus += [f"{rng.choice(every)}/{rng.choice(every)}" for _ in range(300)]
    corpus += [f"[{rng.choice(every)}..{rng.choice(every)}]" for _ in range(150)]
    for p in every[::5]:
        corpus += [f"../{p}", f"{p}/..", f"[..{p}]", f"[{p}..]", f"/{p}", f"{p}/", f"[{p}]", f"{{{p}}}"]
    return corpus


def library_examples() -> list[str]:
    return json.loads((FIXTURES / "edtf_library_examples.json").read_text(encoding="utf-8"))["strings"]


@pytest.mark.parametrize("corpus", ["library", "generated"])
def test_the_quick_reader_agrees_with_the_library_wherever_it_answers(corpus: str) -> None:
    strings = library_examples() if corpus == "library" else generated_corpus()
    answered = [(s, q) for s in strings if (q := _quick_bounds(s)) is not None]
    disagreements = [(s, q, library(s)) for s, q in answered if library(s) != q]
    assert disagreements == []
    # the corpus exercises the quick reader, not only the library
    assert len(answered) >= (9 if corpus == "library" else 250)


def test_the_library_examples_the_quick_reader_answers() -> None:
    answered = {s for s in library_examples() if _quick_bounds(s) is not None}
    assert {"2001-02-03", "2008-12", "2008", "1964/2008", "2004-02-01/2005", "1984?", "1984%", "199X",
            "19XX", "1999-XX"} <= answered
    # refused by the library, so never answered here
    assert not answered & {"", "2016-13-08", "2016-02-39", "not a edtf string"}


@pytest.mark.parametrize(("text", "earliest", "latest"), [
    ("1923-05-01", dt.date(1923, 5, 1), dt.date(1923, 5, 1)),
    ("1924-02", dt.date(1924, 2, 1), dt.date(1924, 2, 29)),
    ("1924~", dt.date(1924, 1, 1), dt.date(1924, 12, 31)),
    ("192X", dt.date(1920, 1, 1), dt.date(1929, 12, 31)),
    ("1923-05-XX", dt.date(1923, 5, 1), dt.date(1923, 5, 31)),
    ("1921-22", dt.date(1921, 6, 1), dt.date(1921, 8, 31)),  # summer 1921
    ("1925/1926", dt.date(1925, 1, 1), dt.date(1926, 12, 31)),
    ("../1927-06", None, dt.date(1927, 6, 30)),
    ("[..1923-12-31]", None, dt.date(1923, 12, 31)),
    ("[1913..]", dt.date(1913, 1, 1), None),
    ("[1921-06-22..1921-07-12]", dt.date(1921, 6, 22), dt.date(1921, 7, 12)),
])
def test_quick_bounds_worked_out_by_hand(text: str, earliest: dt.date | None, latest: dt.date | None) -> None:
    assert _quick_bounds(text) == DateBounds(earliest, latest)
    assert parse_bounds(text) == DateBounds(earliest, latest)


@pytest.mark.parametrize("text", ["1923-02-29", "0000", "1923-05~-01", "{1923,1925}", "/1923"])
def test_strings_outside_the_subset_go_to_the_library(text: str) -> None:
    assert _quick_bounds(text) is None
    assert parse_bounds(text) == _library_bounds(text)


def test_an_impossible_day_is_the_librarys_to_refuse() -> None:
    assert _quick_bounds("1923-06-31") is None
    with pytest.raises(EdtfError, match="1923-06-31"):
        parse_bounds("1923-06-31")


@pytest.mark.parametrize("text", ["", " 1923", "1923-13", "1923-01-32", "May 1923"])
def test_a_string_that_is_not_edtf_raises_with_its_text(text: str) -> None:
    with pytest.raises(EdtfError, match="is not an EDTF date"):
        parse_bounds(text)


def test_every_date_of_the_curated_data_is_read_without_the_library() -> None:
    dates = {q.object.value for path in sorted((ROOT / "data" / "triples").glob("*.trig"))
             for q in ox.parse(path=path, format=ox.RdfFormat.TRIG)
             if isinstance(q.object, ox.Literal) and q.predicate.value.endswith(KZ_DATE_PROPERTIES)
             and q.predicate.value.startswith("https://w3id.org/kuzbass/")}
    assert len(dates) > 40
    assert sorted(d for d in dates if _quick_bounds(d) is None) == []
