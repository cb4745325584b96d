"""EDTF dates in words, for pages: "about 1923", "1921 or 1922", "spring 1925", "the 1920s", never raw codes.

Covers the EDTF levels 0-2 forms the curated data uses: dates of year, month or day; qualifiers `?`
(uncertain), `~` (approximate) and `%` (both); unspecified digits (`192X`, `1923-XX`); seasons (21-24);
intervals (`a/b`, open `../b`, `a/..`); sets (`[a,b]` one of, `{a,b}` all of, `[..a]` on or before).
A string it does not know is returned as it is, marked as a date code.
"""

from __future__ import annotations

import re

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
_DATE = re.compile(r"^(?P<year>-?[0-9X]{4})(?:-(?P<month>[0-9X]{2}))?(?:-(?P<day>[0-9X]{2}))?(?P<q>[?~%])?$")


def _qualify(text: str, qualifier: str | None) -> str:
    return {"~": f"about {text}", "?": f"{text} (uncertain)", "%": f"about {text} (uncertain)"}.get(qualifier or "",
                                                                                                    text)


def _one(text: str) -> str | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    year, month, day, q = match["year"], match["month"], match["day"], match["q"]
    if "X" in year:
        stem = year.rstrip("X")
        width = 4 - len(stem)
        if width == 1:
            words = f"the {stem}0s"
        elif width == 2:
            words = f"the {int(stem) + 1}th century" if stem else "an unknown year"
        else:
            words = "an unknown year"
        return _qualify(words, q)
    if month is None or "X" in month:
        return _qualify(year.lstrip("0") or "0", q)
    number = int(month)
    if number in SEASONS:
        return _qualify(f"{SEASONS[number]} {year}", q)
    if not 1 <= number <= 12:
        return None
    if day is None or "X" in day:
        return _qualify(f"{MONTHS[number - 1]} {year}", q)
    return _qualify(f"{int(day)} {MONTHS[number - 1]} {year}", q)


def in_words(code: str) -> str:
    """The EDTF string as a reader would say it."""
    text = code.strip()
    if text.startswith("[") and text.endswith("]") or text.startswith("{") and text.endswith("}"):
        inner = text[1:-1]
        joiner = " or " if text.startswith("[") else " and "
        if inner.startswith(".."):
            rest = _one(inner[2:])
            return f"on or before {rest}" if rest else _code(code)
        if inner.endswith(".."):
            rest = _one(inner[:-2])
            return f"on or after {rest}" if rest else _code(code)
        parts = []
        for item in inner.split(","):
            if ".." in item:
                start, _, end = item.partition("..")
                a, b = _one(start), _one(end)
                if not (a and b):
                    return _code(code)
                parts.append(f"{a} to {b}")
            else:
                words = _one(item)
                if words is None:
                    return _code(code)
                parts.append(words)
        return joiner.join(parts)
    if "/" in text:
        start, _, end = text.partition("/")
        a = None if start in ("", "..") else _one(start)
        b = None if end in ("", "..") else _one(end)
        if start not in ("", "..") and a is None or end not in ("", "..") and b is None:
            return _code(code)
        if a and b:
            return f"from {a} to {b}"
        if a:
            return f"from {a}" + (" (end unknown)" if end == "" else " onwards")
        if b:
            return f"until {b}" + (" (start unknown)" if start == "" else "")
        return "at an unknown time"
    words = _one(text)
    return words if words is not None else _code(code)


def _code(code: str) -> str:
    return f"{code} (EDTF)"
