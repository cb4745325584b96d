"""File units kept between builds, so a build after editing one file compiles only that file again.

A unit's key is the SHA-256 of the file's bytes, the ontology's bytes (every ontology file, in order) and the
code that makes units (the package version and the source of the modules a unit depends on). Anything that
could change a unit changes its key; a changed key is a miss, never a stale hit. Entries are pickles under
`<out>/.cache/units/`, written atomically; an entry that cannot be read is treated as a miss and rewritten.
After a build, entries no current file uses are removed, so the cache holds one build's units.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from .units import FileUnit

_CODE = ("build/units.py", "dates.py", "namespaces.py", "ontology.py")


def code_fingerprint() -> str:
    """The package version and the source of the modules that make a unit."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(__version__.encode())
    for name in _CODE:
        h.update((package / name).read_bytes())
    return h.hexdigest()


def ontology_fingerprint(files: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def unit_key(content: bytes, *, ontology: str, code: str) -> str:
    return hashlib.sha256(b"\0".join([code.encode(), ontology.encode(), content])).hexdigest()


@dataclass
class UnitCache:
    """Units by key in `folder` (None: no cache, every unit is compiled)."""

    folder: Path | None
    reused: list[str] = field(default_factory=list)
    compiled: list[str] = field(default_factory=list)

    def get(self, key: str) -> FileUnit | None:
        if self.folder is None:
            return None
        try:
            with (self.folder / f"{key}.unit").open("rb") as f:
                unit = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return None
        return unit if isinstance(unit, FileUnit) else None

    def put(self, key: str, unit: FileUnit) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".unit-")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(unit, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / f"{key}.unit")
        except OSError:
            return  # a cache that cannot be written only costs time next build

    def keep_only(self, keys: set[str]) -> None:
        """Remove the entries (and stray temporary files) no key of this build names."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name.startswith(".unit-") or (path.suffix == ".unit" and path.stem not in keys):
                path.unlink(missing_ok=True)

    def summary(self) -> dict[str, object]:
        return {"cache": "on" if self.folder else "off", "reused": len(self.reused),
                "compiled": len(self.compiled), "compiled files": sorted(self.compiled)}


__all__ = ["UnitCache", "code_fingerprint", "ontology_fingerprint", "unit_key"]
