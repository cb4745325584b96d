"""Validation: the checks a curated dataset must pass, each returning problems with file and line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from ..errors import Problem, Severity
from ..loader import Workspace
from ..ontology import OntologyIndex, index_ontology
from .coordinates import check_coordinates
from .declarations import check_dates, check_declarations
from .descriptions import check_descriptions
from .duplicates import check_duplicates
from .inverses import check_inverses
from .labels import check_labels
from .provenance import check_claims, check_links


class Check(StrEnum):
    CLAIMS = "claims"
    LINKS = "links"
    DECLARATIONS = "declarations"
    DATES = "dates"
    DUPLICATES = "duplicates"
    LABELS = "labels"
    DESCRIPTIONS = "descriptions"
    INVERSES = "inverses"
    SHAPES = "shapes"
    SYMMETRY = "symmetry"
    PROFILE = "profile"  # OWL 2 DL profile (OWL API, Java); skipped with the reasoner too
    REASONER = "reasoner"


@dataclass
class ValidationReport:
    """The problems found and the checks run. A warning fails validation only when strict."""

    problems: list[Problem] = field(default_factory=list)
    ran: list[Check] = field(default_factory=list)
    strict: bool = False
    reasoned: dict[str, object] | None = None  # what the OWL checks read (abox.AboxScope.describe)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not (self.problems if self.strict else self.errors)


def validate_curation(ws: Workspace, *, skip: frozenset[Check] = frozenset(),
                      onto: OntologyIndex | None = None) -> ValidationReport:
    """The checks that read the curated files directly (before compilation)."""
    onto = onto or index_ontology(ws.store)
    checks: list[tuple[Check, Callable[[], list[Problem]]]] = [
        (Check.CLAIMS, lambda: check_claims(ws)),
        (Check.LINKS, lambda: check_links(ws) + check_coordinates(ws)),
        (Check.DECLARATIONS, lambda: check_declarations(ws, onto)),
        (Check.DATES, lambda: check_dates(ws, onto)),
        (Check.DUPLICATES, lambda: check_duplicates(ws)),
        (Check.LABELS, lambda: check_labels(ws, onto)),
        (Check.DESCRIPTIONS, lambda: check_descriptions(ws, onto)),
        (Check.INVERSES, lambda: check_inverses(ws, onto)),
    ]
    report = ValidationReport(problems=list(ws.warnings))
    for name, run in checks:
        if name in skip:
            continue
        report.ran.append(name)
        report.problems.extend(run())
    return report
