"""Point a problem at the file and line of the curated text it comes from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .loader import CuratedFile, Workspace

_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def _forms(iri: str, prefixes: dict[str, str]) -> list[str]:
    forms = [f"<{iri}>"]
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace):]):
            forms.append(f"{prefix}:{iri[len(namespace):]}")
    return forms


def _search(files: Iterable[CuratedFile], patterns: list[re.Pattern[str]]) -> tuple[Path, int] | None:
    for record in files:
        for number, line in enumerate(record.lines, start=1):
            if line.lstrip().startswith("#"):
                continue
            if any(p.search(line) for p in patterns):
                return record.path, number
    return None


def locate_iri(ws: Workspace, iri: str, *, declared_first: bool = True) -> tuple[Path, int] | None:
    """The first line that writes the IRI, looking first in the files that describe it."""
    files = list(ws.files) + list(ws.ontology_files)
    if declared_first:
        files.sort(key=lambda f: iri not in f.described and iri not in f.claims)
    for record in files:
        patterns = [re.compile(r"(?<![\w:/#-])" + re.escape(form) + r"(?![\w-])") for form in
                    _forms(iri, record.prefixes)]
        found = _search([record], patterns)
        if found:
            return found
    return None


def locate_metadata(ws: Workspace, subject: str, predicate: str) -> tuple[Path, int] | None:
    """The line writing a statement of the default graph (a claim's kz:quote, an entity's label): the
    predicate's first line in a block that starts with the subject (and opens no graph), up to the next
    line starting at the left margin."""
    for record in ws.files:
        if subject not in record.described:
            continue
        subjects = [re.compile(r"^\s*" + re.escape(f) + r"(?![\w-])(?!\s*\{)")
                    for f in _forms(subject, record.prefixes)]
        predicates = [re.compile(r"(?<![\w:/#-])" + re.escape(f) + r"(?![\w-])")
                      for f in _forms(predicate, record.prefixes)]
        inside = False
        for number, line in enumerate(record.lines, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if any(s.search(line) for s in subjects):
                inside = True
            elif not line[0].isspace():
                inside = False
            if inside and any(p.search(line) for p in predicates):
                return record.path, number
    return None


def locate_statement(ws: Workspace, graph: str | None, subject: str, predicate: str) -> tuple[Path, int] | None:
    """The line writing a statement: the predicate's first line after the start of its claim graph
    (or of its subject's description), falling back to the subject."""
    for record in ws.files:
        if graph is not None and graph not in record.claims:
            continue
        if graph is None and subject not in record.described:
            continue
        anchors = [re.compile(r"(?<![\w:/#-])" + re.escape(f) + r"(?![\w-])")
                   for f in _forms(graph if graph else subject, record.prefixes)]
        predicates = [re.compile(r"(?<![\w:/#-])" + re.escape(f) + r"(?![\w-])")
                      for f in _forms(predicate, record.prefixes)]
        start = None
        for number, line in enumerate(record.lines, start=1):
            if start is None:
                if any(a.search(line) for a in anchors) and (graph is None or "{" in line):
                    start = number
                else:
                    continue
            if any(p.search(line) for p in predicates):
                return record.path, number
        if start is not None:
            return record.path, start
    return locate_iri(ws, subject)
