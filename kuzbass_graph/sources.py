"""Source texts and their passages: a passage is a non-empty line, identified by its line number."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from .errors import InputError, read_utf8
from .namespaces import SOURCE

_SPACE = re.compile(r"\s+")


def fold_space(text: str) -> str:
    """Fold every run of white space to one space and trim: the only liberty a quote may take."""
    return _SPACE.sub(" ", text).strip()


class PassageKind(StrEnum):
    CONTENT = "content"
    HEADING = "heading"
    CAPTION = "caption"


@dataclass(frozen=True)
class Passage:
    source: str
    line: int
    text: str
    kind: PassageKind
    section: str

    @property
    def iri(self) -> str:
        return passage_iri(self.source, self.line)


def source_iri(name: str) -> str:
    return f"{SOURCE}{name}"


def passage_iri(name: str, line: int) -> str:
    return f"{SOURCE}{name}/L{line:03d}"


_PASSAGE_IRI = re.compile(re.escape(SOURCE) + r"([A-Za-z0-9_-]+)/L(\d+)$")


def parse_passage_iri(iri: str) -> tuple[str, int] | None:
    match = _PASSAGE_IRI.match(iri)
    return (match.group(1), int(match.group(2))) if match else None


@dataclass(frozen=True)
class Source:
    """A source text with its structure file (headings and captions)."""

    name: str
    path: Path

    @cached_property
    def text(self) -> str:
        return read_utf8(self.path)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @property
    def structure_path(self) -> Path:
        return self.path.with_name(self.name + ".structure.tsv")

    @property
    def description_path(self) -> Path:
        return self.path.with_name(self.name + ".ttl")

    @cached_property
    def kinds(self) -> dict[int, PassageKind]:
        kinds: dict[int, PassageKind] = {}
        if not self.structure_path.is_file():
            return kinds
        with io.StringIO(read_utf8(self.structure_path), newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
                try:
                    kinds[int(row["line"])] = PassageKind(row["kind"].strip())
                except (KeyError, ValueError, TypeError) as exc:
                    raise InputError(
                        f"bad row {row!r}: {exc}", path=self.structure_path, line=row_number,
                        hint="each row is '<line number>\\t<heading|caption>'",
                    ) from exc
        return kinds

    @cached_property
    def passages(self) -> dict[int, Passage]:
        passages: dict[int, Passage] = {}
        section = ""
        for number, raw in enumerate(self.text.splitlines(), start=1):
            if not raw.strip():
                continue
            kind = self.kinds.get(number, PassageKind.CONTENT)
            if kind is PassageKind.HEADING:
                section = fold_space(raw)
            passages[number] = Passage(self.name, number, raw, kind, section)
        for number in self.kinds:
            if number not in passages:
                raise InputError(f"line {number} is listed as a {self.kinds[number]} but is blank",
                                 path=self.structure_path, hint="list only non-empty lines")
        return passages

    @cached_property
    def folded(self) -> dict[int, str]:
        return {line: fold_space(p.text) for line, p in self.passages.items()}

    def quote_in_passage(self, quote: str, line: int) -> bool:
        folded = fold_space(quote)
        return bool(folded) and line in self.folded and folded in self.folded[line]

    def lines_containing(self, quote: str) -> list[int]:
        folded = fold_space(quote)
        return [line for line, text in self.folded.items() if folded and folded in text]


def discover_sources(sources_dir: Path) -> dict[str, Source]:
    return {path.stem: Source(path.stem, path) for path in sorted(sources_dir.glob("*.txt"))}
