"""Validation: the checks a curated dataset must pass, each returning problems with file and line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from ..errors import Problem
from ..loader import Workspace
from ..ontology import OntologyIndex, index_ontology
from .declarations import check_dates, check_declarations
from .provenance import check_claims, check_links


class Check(StrEnum):
    CLAIMS = "claims"
    LINKS = "links"
    DECLARATIONS = "declarations"
    DATES = "dates"
    SHAPES = "shapes"
    REASONER = "reasoner"


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)
    ran: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_curation(ws: Workspace, *, skip: frozenset[Check] = frozenset(),
                      onto: OntologyIndex | None = None) -> ValidationReport:
    """The checks that read the curated files directly (before compilation)."""
    onto = onto or index_ontology(ws.store)
    checks: list[tuple[Check, Callable[[], list[Problem]]]] = [
        (Check.CLAIMS, lambda: check_claims(ws)),
        (Check.LINKS, lambda: check_links(ws)),
        (Check.DECLARATIONS, lambda: check_declarations(ws, onto)),
        (Check.DATES, lambda: check_dates(ws, onto)),
    ]
    report = ValidationReport()
    for name, run in checks:
        if name in skip:
            continue
        report.ran.append(name)
        report.problems.extend(run())
    return report
