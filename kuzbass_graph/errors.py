"""The one exception hierarchy of kuzbass-graph.

    KuzbassError                 base; the CLI prints it and exits with code 2
    ├── ConfigError              a bad option, setting or path
    ├── InputError               unreadable or malformed input (file, line and column when known)
    ├── OutputError              the build could not be written (disk full, read-only or bad --out)
    ├── ReasonerError            the OWL reasoner could not run (e.g. no Java)
    └── ValidationFailed         the data broke rules; carries the problems; exit code 1
"""

from __future__ import annotations

import errno
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
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

    @classmethod
    def not_utf8(cls, path: Path | str, data: bytes, exc: UnicodeDecodeError) -> InputError:
        """The error for a text file that is not UTF-8, at the line and column of the first bad byte."""
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return cls(f"not UTF-8: byte {data[exc.start:exc.start + 1]!r} cannot be decoded", path=Path(path),
                   line=line, column=column, hint="save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)")


def read_utf8(path: Path) -> str:
    """The text of a file, or an InputError naming the file (and the line of a byte that is not UTF-8)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path,
                         hint="check that the file exists and is readable") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.not_utf8(path, data, exc) from exc


class OutputError(KuzbassError):
    """The build could not be written."""

    @classmethod
    def from_os_error(cls, exc: OSError, out: Path) -> OutputError:
        where = f" ({exc.filename})" if exc.filename else ""
        reason = exc.strerror or str(exc)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left" in str(exc):
            hint = f"the disk holding {out.parent} is full: free some space (or pass another --out) and build again"
        elif exc.errno == errno.EROFS:
            hint = f"{out.parent} is on a read-only file system: pass a writable --out"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            hint = f"you may not write in {out.parent}: pass a writable --out or change its permissions"
        elif exc.errno in (errno.ENOTDIR, errno.EEXIST):
            hint = f"a part of {out} is a file, not a folder: pass another --out"
        else:
            hint = f"check that {out.parent} is a writable folder with free space, or pass another --out"
        return cls(f"cannot write the build to {out}: {reason}{where}; any previous build is left as it was",
                   hint=hint)


@contextmanager
def writing_build(out: Path) -> Iterator[None]:
    """Turn an OSError raised while writing the build into an OutputError that says what to do."""
    try:
        yield
    except OSError as exc:
        raise OutputError.from_os_error(exc, out) from exc


class ReasonerError(KuzbassError):
    """The OWL reasoner could not be run."""


class Severity(StrEnum):
    """An ERROR fails validation; a WARNING is printed and fails only with --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One broken rule: what, where, and how to fix it."""

    check: str
    message: str
    path: Path | None = None
    line: int | None = None
    focus: str | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def where(self) -> str:
        if self.path is not None:
            return f"{self.path}:{self.line}" if self.line else str(self.path)
        return self.focus or "(dataset)"

    def __str__(self) -> str:
        label = "warning: " if self.severity is Severity.WARNING else ""
        text = f"{self.where}: {label}[{self.check}] {self.message}"
        return text + (f"\n    fix: {self.hint}" if self.hint else "")


class ValidationFailed(KuzbassError):
    """The data broke one or more rules."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) found")
