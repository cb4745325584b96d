"""Time intervals with uncertain bounds, and the rule that puts an edge into a yearly snapshot.

An interval is what the sources allow about when a relation held: it began somewhere in
[begin_lo, begin_hi] and ended somewhere in [end_lo, end_hi]. A missing bound is open (-inf for the
low bounds, +inf for the high ones). A point-like date ("1923-05", "1923~") is an interval whose begin
and end both lie within the date's bounds.

Overlap with a year Y = [Y-01-01, Y-12-31]:
- certain   when the relation must have held during Y: begin_hi <= Y-12-31 and end_lo >= Y-01-01;
- uncertain when it may have: (begin_lo open or <= Y-12-31) and (end_hi open or >= Y-01-01), not certain;
- absent otherwise.
An interval with no bound at all is undated: it is in no snapshot, and snapshots count it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Overlap(StrEnum):
    CERTAIN = "certain"
    UNCERTAIN = "uncertain"
    ABSENT = "absent"
    UNDATED = "undated"


@dataclass(frozen=True)
class Interval:
    begin_lo: dt.date | None = None
    begin_hi: dt.date | None = None
    end_lo: dt.date | None = None
    end_hi: dt.date | None = None

    @classmethod
    def point(cls, lo: dt.date | None, hi: dt.date | None) -> Interval:
        """Something that happened once, somewhere between lo and hi."""
        return cls(lo, hi, lo, hi)

    @property
    def dated(self) -> bool:
        return any(b is not None for b in (self.begin_lo, self.begin_hi, self.end_lo, self.end_hi))

    @property
    def earliest(self) -> dt.date | None:
        return self.begin_lo

    @property
    def latest(self) -> dt.date | None:
        return self.end_hi

    def overlap(self, year: int) -> Overlap:
        if not self.dated:
            return Overlap.UNDATED
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if self.begin_hi is not None and self.end_lo is not None and self.begin_hi <= last and self.end_lo >= first:
            return Overlap.CERTAIN
        if (self.begin_lo is None or self.begin_lo <= last) and (self.end_hi is None or self.end_hi >= first):
            return Overlap.UNCERTAIN
        return Overlap.ABSENT

    def text(self) -> str:
        """A short human form: '1922-01-01..1926-12-31', '1923-05-01..1923-05-31', 'undated'."""
        if not self.dated:
            return "undated"
        lo, hi = self.earliest, self.latest
        return f"{lo.isoformat() if lo else '..'}..{hi.isoformat() if hi else '..'}"


UNDATED = Interval()


def _max(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else max(a, b)


def _min(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


def _max_closed(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    """Max where None means +inf."""
    return None if a is None or b is None else max(a, b)


def _min_closed(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    """Min where None means -inf."""
    return None if a is None or b is None else min(a, b)


def intersect(a: Interval, b: Interval) -> Interval:
    """When both relations held: begins after both begin, ends before either ends.

    Open bounds stay open on the side where they widen (begin_hi, end_lo), so a dated relation met
    with an undated one gives an interval whose years are uncertain, never certain.
    """
    if not a.dated and not b.dated:
        return UNDATED
    return Interval(_max(a.begin_lo, b.begin_lo), _max_closed(a.begin_hi, b.begin_hi),
                    _min_closed(a.end_lo, b.end_lo), _min(a.end_hi, b.end_hi))


def from_dates(*, within: Iterable[tuple[dt.date | None, dt.date | None]] = (),
               starts: Iterable[tuple[dt.date | None, dt.date | None]] = (),
               ends: Iterable[tuple[dt.date | None, dt.date | None]] = ()) -> Interval:
    """An interval from the bounds of an entity's EDTF dates.

    `within` dates (kz:date and its kin) place the whole thing inside their bounds, and several of them
    intersect; start-like dates bound the beginning, end-like dates the end. An entity with only a start
    is open-ended (it may have lasted beyond its start year); one with only an end may have begun any
    time before it.
    """
    within, starts, ends = list(within), list(starts), list(ends)
    if not (within or starts or ends):
        return UNDATED
    w_lo = w_hi = None
    for lo, hi in within:
        w_lo, w_hi = _max(w_lo, lo), _min(w_hi, hi)
    if w_lo is not None and w_hi is not None and w_lo > w_hi:  # contradictory dates: take their union
        w_lo = min((lo for lo, _ in within if lo), default=None)
        w_hi = max((hi for _, hi in within if hi), default=None)
    begin_lo = w_lo
    for lo, _ in starts:
        begin_lo = _max(begin_lo, lo)
    begin_hi = min((hi for _, hi in starts if hi), default=None) if starts else w_hi
    end_hi = w_hi
    for _, hi in ends:
        end_hi = _min(end_hi, hi)
    if ends:
        end_lo = max((lo for lo, _ in ends if lo), default=None)
    else:
        end_lo = w_lo if within else begin_lo
    end_lo = _max(end_lo, begin_lo) if end_lo is not None else None
    begin_hi = _min(begin_hi, end_hi)  # it began before it ended
    return Interval(begin_lo, begin_hi, end_lo, end_hi)


def union(intervals: Iterable[Interval]) -> Interval:
    """The hull of several intervals, undated ones ignored: an edge's earliest and latest in the exports.

    Not an overlap rule: snapshots test each relation behind an edge on its own (projections.snapshot)."""
    dated = [i for i in intervals if i.dated]
    if not dated:
        return UNDATED

    def open_min(values: list[dt.date | None]) -> dt.date | None:  # None is -inf
        return None if any(v is None for v in values) else min(values)  # type: ignore[type-var]

    def open_max(values: list[dt.date | None]) -> dt.date | None:  # None is +inf
        return None if any(v is None for v in values) else max(values)  # type: ignore[type-var]

    def known_min(values: list[dt.date | None]) -> dt.date | None:  # None is +inf
        return min((v for v in values if v is not None), default=None)

    def known_max(values: list[dt.date | None]) -> dt.date | None:  # None is -inf
        return max((v for v in values if v is not None), default=None)

    return Interval(open_min([i.begin_lo for i in dated]), known_min([i.begin_hi for i in dated]),
                    known_max([i.end_lo for i in dated]), open_max([i.end_hi for i in dated]))
