"""The one exception hierarchy of kuzbass-graph.

    KuzbassError                 base; the CLI prints it and exits with code 2
    ├── ConfigError              a bad option, setting or path
    ├── InputError               unreadable or malformed input (file, line and column when known)
    ├── ReasonerError            the OWL reasoner could not run (e.g. no Java)
    └── ValidationFailed         the data broke rules; carries the problems; exit code 1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class KuzbassError(Exception):
    """Base of every error kuzbass-graph raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  fix: {self.hint}"


class ConfigError(KuzbassError):
    """A bad option, setting or path."""


class InputError(KuzbassError):
    """Input that cannot be read or parsed."""

    def __init__(
        self, message: str, *, path: Path | None = None, line: int | None = None,
        column: int | None = None, hint: str | None = None,
    ) -> None:
        where = ""
        if path is not None:
            where = str(path) + (f":{line}" if line else "") + (f":{column}" if line and column else "")
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.path, self.line, self.column = path, line, column


class ReasonerError(KuzbassError):
    """The OWL reasoner could not be run."""


@dataclass(frozen=True)
class Problem:
    """One broken rule: what, where, and how to fix it."""

    check: str
    message: str
    path: Path | None = None
    line: int | None = None
    focus: str | None = None
    hint: str | None = None

    @property
    def where(self) -> str:
        if self.path is not None:
            return f"{self.path}:{self.line}" if self.line else str(self.path)
        return self.focus or "(dataset)"

    def __str__(self) -> str:
        text = f"{self.where}: [{self.check}] {self.message}"
        return text + (f"\n    fix: {self.hint}" if self.hint else "")


class ValidationFailed(KuzbassError):
    """The data broke one or more rules."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) found")
