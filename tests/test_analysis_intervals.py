"""The yearly overlap rule: certain, uncertain, absent and undated intervals, built from EDTF bounds."""

from __future__ import annotations

import datetime as dt

from kuzbass_graph.analysis.intervals import UNDATED, Interval, Overlap, from_dates, intersect, union
from kuzbass_graph.dates import parse_bounds


def d(y: int, m: int = 1, day: int = 1) -> dt.date:
    return dt.date(y, m, day)


def bounds(text: str) -> tuple[dt.date | None, dt.date | None]:
    b = parse_bounds(text)
    return b.earliest, b.latest


def test_a_dated_point_is_certain_in_its_year_only() -> None:
    may = from_dates(within=[bounds("1923-05")])
    assert may == Interval(d(1923, 5), d(1923, 5, 31), d(1923, 5), d(1923, 5, 31))
    assert [may.overlap(y) for y in (1922, 1923, 1924)] == [Overlap.ABSENT, Overlap.CERTAIN, Overlap.ABSENT]


def test_a_decade_date_is_uncertain_in_each_of_its_years() -> None:
    decade = from_dates(within=[bounds("192X")])
    assert decade.overlap(1919) is Overlap.ABSENT
    assert {decade.overlap(y) for y in range(1920, 1928)} == {Overlap.UNCERTAIN}


def test_start_and_end_make_the_years_between_certain() -> None:
    held = from_dates(starts=[bounds("1922")], ends=[bounds("1926")])
    assert [held.overlap(y) for y in range(1921, 1928)] == [
        Overlap.ABSENT, Overlap.CERTAIN, Overlap.CERTAIN, Overlap.CERTAIN, Overlap.CERTAIN, Overlap.CERTAIN,
        Overlap.ABSENT]


def test_a_start_alone_is_certain_in_its_year_and_uncertain_after() -> None:
    started = from_dates(starts=[bounds("1922")])
    assert started.end_hi is None
    assert [started.overlap(y) for y in (1921, 1922, 1923, 1927)] == [
        Overlap.ABSENT, Overlap.CERTAIN, Overlap.UNCERTAIN, Overlap.UNCERTAIN]


def test_an_end_alone_is_certain_in_its_year_and_uncertain_before() -> None:
    ended = from_dates(ends=[bounds("1926")])
    assert [ended.overlap(y) for y in (1919, 1926, 1927)] == [Overlap.UNCERTAIN, Overlap.CERTAIN, Overlap.ABSENT]


def test_an_open_edtf_bound_is_uncertain_before_it() -> None:
    by_end_of_1923 = from_dates(within=[bounds("[..1923-12-31]")])
    assert [by_end_of_1923.overlap(y) for y in (1919, 1923, 1924)] == [
        Overlap.UNCERTAIN, Overlap.UNCERTAIN, Overlap.ABSENT]


def test_no_date_is_undated_in_every_year() -> None:
    assert from_dates() is UNDATED
    assert not UNDATED.dated
    assert {UNDATED.overlap(y) for y in range(1919, 1928)} == {Overlap.UNDATED}


def test_several_within_dates_intersect_and_contradictory_ones_unite() -> None:
    assert from_dates(within=[bounds("192X"), bounds("1923")]) == from_dates(within=[bounds("1923")])
    both = from_dates(within=[bounds("1921"), bounds("1925")])
    assert (both.earliest, both.latest) == (d(1921), d(1925, 12, 31))
    assert both.overlap(1923) is Overlap.UNCERTAIN


def test_intersection_with_an_undated_interval_is_never_certain() -> None:
    held = from_dates(starts=[bounds("1922")], ends=[bounds("1926")])
    met = intersect(held, UNDATED)
    assert met.dated
    assert [met.overlap(y) for y in (1921, 1922, 1924, 1926, 1927)] == [
        Overlap.ABSENT, Overlap.UNCERTAIN, Overlap.UNCERTAIN, Overlap.UNCERTAIN, Overlap.ABSENT]
    assert intersect(UNDATED, UNDATED) is UNDATED


def test_intersection_of_two_dated_intervals() -> None:
    a = from_dates(starts=[bounds("1922")], ends=[bounds("1926")])
    b = from_dates(starts=[bounds("1924")], ends=[bounds("1927")])
    both = intersect(a, b)
    assert both == Interval(d(1924), d(1924, 12, 31), d(1926), d(1926, 12, 31))
    assert [both.overlap(y) for y in (1923, 1924, 1925, 1926, 1927)] == [
        Overlap.ABSENT, Overlap.CERTAIN, Overlap.CERTAIN, Overlap.CERTAIN, Overlap.ABSENT]


def test_union_is_the_hull_and_ignores_undated() -> None:
    a = Interval.point(d(1921, 4), d(1921, 4, 30))
    b = Interval.point(d(1924, 1), d(1924, 1, 31))
    hull = union([a, UNDATED, b])
    assert hull == Interval(d(1921, 4), d(1921, 4, 30), d(1924, 1), d(1924, 1, 31))
    assert union([UNDATED]) is UNDATED
    assert hull.text() == "1921-04-01..1924-01-31"
