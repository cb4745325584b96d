"""EDTF dates: parsing and the earliest and latest day they allow.

The common forms are read by `_quick_bounds`, a regular-expression reader of the subset the curated data
uses: a day, month or year (`1923-05-01`, `1923-05`, `1923`), qualified as a whole (`1924~`, `1984?`,
`1984%`), with unspecified digits (`192X`, `19XX`, `1923-XX`, `1923-05-XX`), a season (`1921-22`), an
interval of those (`1925/1926`, `../1927`) and a run of consecutive dates in brackets (`[..1923-12-31]`,
`[1913..]`, `[1921-06-22..1921-07-12]`). Anything else, and any impossible calendar day, goes to the `edtf`
library, which stays the reference: `tests/test_dates.py` checks that both give the same bounds or the same
refusal on the library's own test strings and on a generated corpus. The library is imported only when a
string needs it (its grammar takes about 0.15 s to build and about 10 ms a date to parse)."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache


class EdtfError(ValueError):
    """Not a valid EDTF string."""


@dataclass(frozen=True)
class DateBounds:
    earliest: dt.date | None
    latest: dt.date | None


# The months of a season (EDTF 21-24), as the `edtf` library's SEASON_L2_MONTHS_RANGE has them.
_SEASON_MONTHS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 12)}

_POINT = re.compile(r"(?P<year>\d\d(?:\d\d|\dX|XX))(?:-(?P<month>\d\d|XX)(?:-(?P<day>\d\d|XX))?)?(?P<qualifier>[?~%])?")


def _point_bounds(text: str, *, in_range: bool = False, in_set: bool = False) -> tuple[dt.date, dt.date] | None:
    """The first and last day of one date of the subset, or None when it is outside the subset.

    In an interval (`in_range`) the subset has no season and no unspecified digit, and in a bracketed run
    (`in_set`) no qualifier either: the library refuses some of those there."""
    m = _POINT.fullmatch(text)
    if m is None or ((in_range or in_set) and ("X" in text or (m["month"] or "00") > "12")):
        return None
    if in_set and m["qualifier"]:
        return None
    year, month, day, qualifier = m["year"], m["month"], m["day"], m["qualifier"]
    if qualifier and "X" in text:
        return None
    low_year, high_year = int(year.replace("X", "0")), int(year.replace("X", "9"))
    if low_year < 1:
        return None
    if month is None:
        return dt.date(low_year, 1, 1), dt.date(high_year, 12, 31)
    if month == "XX":
        if day is not None and day != "XX":
            return None
        return dt.date(low_year, 1, 1), dt.date(high_year, 12, 31)
    number = int(month)
    if number in _SEASON_MONTHS:
        if day is not None or qualifier or "X" in year:
            return None
        first, last = _SEASON_MONTHS[number]
        return dt.date(low_year, first, 1), dt.date(high_year, last, calendar.monthrange(high_year, last)[1])
    if not 1 <= number <= 12:
        return None
    if day is None or day == "XX":
        return dt.date(low_year, number, 1), dt.date(high_year, number, calendar.monthrange(high_year, number)[1])
    if "X" in year or not 1 <= int(day) <= calendar.monthrange(low_year, number)[1]:
        return None
    return dt.date(low_year, number, int(day)), dt.date(low_year, number, int(day))


def _quick_bounds(text: str) -> DateBounds | None:
    """The bounds of a string of the common subset, or None when the `edtf` library must read it."""
    if text.startswith("[") and text.endswith("]") and text.count("..") == 1:
        first, last = text[1:-1].split("..")
        low = _point_bounds(first, in_set=True) if first else None
        high = _point_bounds(last, in_set=True) if last else None
        if (first and low is None) or (last and high is None) or not (first or last):
            return None
        return DateBounds(low[0] if low else None, high[1] if high else None)
    if "/" in text:
        first, _, last = text.partition("/")
        low = None if first == ".." else _point_bounds(first, in_range=True)
        high = None if last == ".." else _point_bounds(last, in_range=True)
        if (first != ".." and low is None) or (last != ".." and high is None) or first == last == "..":
            return None
        return DateBounds(low[0] if low else None, high[1] if high else None)
    point = _point_bounds(text)
    return None if point is None else DateBounds(*point)


def _library_bounds(text: str) -> DateBounds:
    import edtf  # only here: building its grammar takes about 0.15 s

    try:
        parsed = edtf.parse_edtf(text)
    except Exception as exc:  # the edtf parser raises several unrelated types
        raise EdtfError(f"{text!r} is not an EDTF date: {exc}") from exc
    try:
        lower, upper = parsed.lower_strict(), parsed.upper_strict()
    except Exception:  # open-ended sets and intervals
        lower, upper = None, None

    def day(value: object) -> dt.date | None:
        if value is None or (isinstance(value, float) and math.isinf(value)):
            return None
        try:
            return edtf.struct_time_to_date(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return None

    return DateBounds(day(lower), day(upper))


@lru_cache(maxsize=65536)
def parse_bounds(text: str) -> DateBounds:
    """The earliest and latest day an EDTF string allows (None where open or unknown).

    Each distinct string is read once per process (validation and compile both ask). Invalid strings
    raise every time: an exception is not cached."""
    if not text or text != text.strip():
        raise EdtfError(f"{text!r} is not an EDTF date (empty or padded with spaces)")
    quick = _quick_bounds(text)
    return quick if quick is not None else _library_bounds(text)
