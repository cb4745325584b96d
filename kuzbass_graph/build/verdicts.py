"""What the Java checks (the OWL 2 DL profile check and HermiT) answered, kept between builds by the exact
input they read, so a build whose reasoner input is unchanged starts no JVM.

The key is the SHA-256 of the check's name, the package version, the versions of the tools (owlready2, and
the OWL checks' Java source), and the input in canonical form: the N-Triples lines of the ontology and the
ABox the check reads, sorted, blank nodes labelled by RDFC-1.0 (the store names them anew on every load).
Any change to the ontology, to the ABox in scope (`validation/abox.py`: a change to a file outside the
sampled modules leaves it as it was) or to the tools is a miss. Entries are JSON under
`<out>/.cache/verdicts/`, written atomically; an entry that cannot be read is a miss. Only the last
`KEEP` entries of each check are kept.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import __version__

KEEP = 8


def canonical_lines(triples: list[ox.Triple]) -> bytes:
    """The triples in canonical form: their N-Triples lines sorted, blank nodes labelled by RDFC-1.0."""
    from ..publishing.dumps import canonical_blank_nodes, sorted_lines  # the dumps' canonical form

    return sorted_lines((q.triple for q in canonical_blank_nodes(ox.Quad(*t) for t in triples)),
                        ox.RdfFormat.N_TRIPLES, unique=True)


def canonical_key(check: str, triples: list[ox.Triple], *, tool: bytes = b"", lines: bytes | None = None) -> str:
    """The key of a check's run on these triples (`lines`: their `canonical_lines`, when already made for the
    key of another check on the same input)."""
    lines = canonical_lines(triples) if lines is None else lines
    return hashlib.sha256(b"\0".join([check.encode(), __version__.encode(),
                                      importlib.metadata.version("owlready2").encode(), tool, lines])).hexdigest()


@dataclass
class VerdictCache:
    """Answers by key in `folder` (None: no cache, every check runs)."""

    folder: Path | None
    reused: list[str] = field(default_factory=list)

    def get(self, check: str, key: str) -> object | None:
        if self.folder is None:
            return None
        try:
            entry = json.loads((self.folder / f"{check}-{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        self.reused.append(check)
        return entry.get("answer")

    def put(self, check: str, key: str, answer: object) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"key": key, "answer": answer}, out)
        target = self.folder / f"{check}-{key}.json"
        os.replace(name, target)
        entries = sorted(self.folder.glob(f"{check}-*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-KEEP]:
            if old != target:
                old.unlink(missing_ok=True)
