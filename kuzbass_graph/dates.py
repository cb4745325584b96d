"""EDTF dates: parsing and the earliest and latest day they allow."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

import edtf


class EdtfError(ValueError):
    """Not a valid EDTF string."""


@dataclass(frozen=True)
class DateBounds:
    earliest: dt.date | None
    latest: dt.date | None


def _to_date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return None
    try:
        return edtf.struct_time_to_date(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


@lru_cache(maxsize=65536)
def parse_bounds(text: str) -> DateBounds:
    """The earliest and latest day an EDTF string allows (None where open or unknown).

    Each distinct string is parsed once per process (the `edtf` parser takes about 9 ms a date; a dataset
    repeats few distinct strings many times, and validation and compile both ask). Invalid strings raise
    every time: an exception is not cached."""
    if not text or text != text.strip():
        raise EdtfError(f"{text!r} is not an EDTF date (empty or padded with spaces)")
    try:
        parsed = edtf.parse_edtf(text)
    except Exception as exc:  # the edtf parser raises several unrelated types
        raise EdtfError(f"{text!r} is not an EDTF date: {exc}") from exc
    try:
        lower, upper = parsed.lower_strict(), parsed.upper_strict()
    except Exception:  # open-ended sets and intervals
        lower, upper = None, None
    return DateBounds(_to_date(lower), _to_date(upper))
