"""Where each IRI is first written in the curated files: one pass over their lines, then lookups in
constant time.

`LineIndex.locate` gives the answer of `locate.locate_iri` (the first line writing the IRI, as `<iri>` or
as a prefixed name of that file, looking first in the files that describe it or hold its claim graph),
which scans every line of every file for each IRI it is asked about: quadratic when many problems are
located. Comment lines are skipped as there.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from ..loader import CuratedFile, Workspace

# <iri>, or prefix:local (the prefix may be empty); a local name may hold dots, but a dot ending it is
# punctuation, so every shorter name ending before one of its dots is indexed too
_TOKEN = re.compile(r"<([^<>\s\"{}|^`\\]+)>|(?<![\w:/#-])([A-Za-z][\w.-]*)?:([A-Za-z0-9_][A-Za-z0-9_.-]*)")


def _iris(line: str, prefixes: dict[str, str]) -> list[str]:
    found = []
    for match in _TOKEN.finditer(line):
        if match.group(1) is not None:
            found.append(match.group(1))
            continue
        namespace = prefixes.get(match.group(2) or "")
        if namespace is None:
            continue
        local = match.group(3)
        found.append(namespace + local)
        found += [namespace + local[:i] for i, char in enumerate(local) if char == "." and i > 0]
    return found


class LineIndex:
    """The first line of each curated file (data, then ontology) that writes each IRI."""

    def __init__(self, files: list[CuratedFile]) -> None:
        self.files = files
        self.occurrences: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for position, record in enumerate(files):
            seen: set[str] = set()
            for number, line in enumerate(record.lines, start=1):
                if line.lstrip().startswith("#"):
                    continue
                for iri in _iris(line, record.prefixes):
                    if iri not in seen:
                        seen.add(iri)
                        self.occurrences[iri].append((position, number))

    @classmethod
    def of(cls, ws: Workspace) -> LineIndex:
        return cls(list(ws.files) + list(ws.ontology_files))

    def locate(self, iri: str) -> tuple[Path, int] | None:
        places = self.occurrences.get(iri)
        if not places:
            return None
        for position, number in places:
            record = self.files[position]
            if iri in record.described or iri in record.claims:
                return record.path, number
        position, number = places[0]
        return self.files[position].path, number
