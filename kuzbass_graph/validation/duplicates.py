"""Duplicates: a second entity with the label and class of another is a warning (an error with --strict).

Two entities with one name and one class are most often one entity minted twice. When the source does
speak of two (two people of one name), an editorial note (skos:editorialNote) on one of them names the
other, by IRI or prefixed name, and says why they are kept apart; the pair is then accepted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pyoxigraph as ox

from ..errors import Problem, Severity
from ..loader import DESCRIPTIONS_GRAPH, Workspace
from ..locate import locate_iri, locate_metadata
from ..namespaces import CLAIM, LINK, PREFIXES, RDF_TYPE, RDFS_LABEL, SKOS
from ..sources import fold_space

EDITORIAL_NOTE = SKOS + "editorialNote"


def names_of(iri: str) -> list[str]:
    """The ways a note may name an entity: its IRI, <IRI>, and its prefixed names."""
    forms = [iri]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            forms.append(f"{prefix}:{iri[len(namespace):]}")
    return forms


def names(note: str, iri: str) -> bool:
    """Whether a note names the entity (a whole prefixed name or IRI, not the start of a longer one)."""
    return any(re.search(r"(?<![\w:/#.-])" + re.escape(form) + r"(?![\w-])", note) for form in names_of(iri))


def _values(ws: Workspace, predicate: str) -> dict[str, list[ox.NamedNode | ox.Literal]]:
    found: dict[str, list[ox.NamedNode | ox.Literal]] = defaultdict(list)
    for quad in ws.store.quads_for_pattern(None, ox.NamedNode(predicate), None, DESCRIPTIONS_GRAPH):
        if isinstance(quad.subject, ox.NamedNode) and not quad.subject.value.startswith((CLAIM, LINK)):
            found[quad.subject.value].append(quad.object)  # type: ignore[arg-type]
    return found


def _order(at: tuple[Path, int] | None) -> tuple[str, int]:
    return (str(at[0]), at[1]) if at else ("~", 0)


def _short(iri: str) -> str:
    return next((form for form in names_of(iri)[1:]), f"<{iri}>")


def check_duplicates(ws: Workspace) -> list[Problem]:
    types = _values(ws, RDF_TYPE)
    notes = {iri: [n.value for n in values] for iri, values in _values(ws, EDITORIAL_NOTE).items()}
    groups: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    for iri, labels in _values(ws, RDFS_LABEL).items():
        for term in labels:
            if not isinstance(term, ox.Literal):
                continue
            key = fold_space(term.value).casefold(), term.language or ""
            for cls in types.get(iri, []):
                groups[(*key, cls.value)][iri] = term.value

    problems: list[Problem] = []
    for (_, _, class_iri), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        where = {iri: locate_metadata(ws, iri, RDFS_LABEL) or locate_iri(ws, iri) for iri in members}
        keys = {iri: _order(where[iri]) for iri in members}
        ordered = sorted(members, key=keys.__getitem__)
        for first, second in combinations(ordered, 2):
            if any(names(note, first) for note in notes.get(second, [])) or \
                    any(names(note, second) for note in notes.get(first, [])):
                continue
            at_first, at_second = where[first], where[second]
            problems.append(Problem(
                "duplicates",
                f"{_short(second)} has the label {members[second]!r} and the class {_short(class_iri)} of "
                f"{_short(first)}" + (f" ({at_first[0]}:{at_first[1]})" if at_first else ""),
                path=at_second[0] if at_second else None, line=at_second[1] if at_second else None,
                focus=second, severity=Severity.WARNING,
                hint=f"if they are one entity, keep one IRI (an old one stays as owl:sameAs); if the source speaks "
                     f"of two, say why in a skos:editorialNote on one of them that names the other "
                     f"(e.g. \"Distinct from {_short(first)}: ...\")"))
    return problems
