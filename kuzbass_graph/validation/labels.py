"""Names in claims: every label and name variant a claim asserts occurs in the claim's quote."""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..errors import Problem
from ..loader import DESCRIPTIONS_GRAPH, Workspace
from ..locate import locate_statement
from ..namespaces import KZ, RDFS_LABEL, SKOS
from ..ontology import OntologyIndex

QUOTE = ox.NamedNode(KZ + "quote")
NAME_ROOTS = frozenset({RDFS_LABEL, SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel"})
_QUOTE_MARKS = re.compile(r"[\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a]")
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Text compared without case, quote marks and runs of white space."""
    return _SPACE.sub(" ", _QUOTE_MARKS.sub("", text.casefold())).strip()


def name_properties(onto: OntologyIndex) -> set[str]:
    """The label properties and every property declared below them (kz:nickname...)."""
    return set(NAME_ROOTS) | {p for p in onto.properties if onto.property_ancestors(p) & NAME_ROOTS}


def check_labels(ws: Workspace, onto: OntologyIndex) -> list[Problem]:
    names = name_properties(onto)
    problems: list[Problem] = []
    for claim in sorted(ws.claim_graphs(), key=lambda g: g.value):
        quotes = [q.object.value for q in ws.store.quads_for_pattern(claim, QUOTE, None, DESCRIPTIONS_GRAPH)]
        if len(quotes) != 1:
            continue  # reported by the claims check
        quote = fold(quotes[0])
        for quad in ws.store.quads_for_pattern(None, None, None, claim):
            if quad.predicate.value not in names or not isinstance(quad.object, ox.Literal):
                continue
            if fold(quad.object.value) in quote:
                continue
            where = locate_statement(ws, claim.value, quad.subject.value, quad.predicate.value)
            short = quad.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            problems.append(Problem(
                "labels", f"the name {quad.object.value!r} ({short}) of <{quad.subject.value}> is not in the quote "
                f"of <{claim.value}>: {quotes[0][:80]!r}", path=where[0] if where else None,
                line=where[1] if where else None, focus=quad.subject.value,
                hint="quote the words that give the name (the quote must contain it, case and quote marks aside), "
                     "or cite the passage where it occurs; a name the source does not give is no variant"))
    return problems
