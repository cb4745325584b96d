"""Settings: every default in one registry, overridable by a KUZBASS_* environment variable or a flag."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .namespaces import DEFAULT_BASE


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return "KUZBASS_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("root", "", "Project folder holding ontology/, data/ and queries/ (default: found from the "
            "current folder upwards, else the folder the package was installed from)."),
    Setting("out", "dist", "Folder the build writes to, relative to the root unless absolute."),
    Setting("base_iri", DEFAULT_BASE, "Base IRI of the published graph; the curated files use the default "
            "and the build rewrites it."),
)


def setting(name: str) -> Setting:
    for item in SETTINGS:
        if item.name == name:
            return item
    raise KeyError(name)


def _from_env(name: str) -> str:
    item = setting(name)
    return os.environ.get(item.env, item.default)


def _find_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "ontology" / "kuzbass.ttl").is_file():
            return folder
    return None


@dataclass(frozen=True)
class Settings:
    """Where things are and how to publish them. Build with Settings.load()."""

    root: Path
    out: Path
    base_iri: str = DEFAULT_BASE

    @classmethod
    def load(cls, *, root: Path | None = None, out: Path | None = None, base_iri: str | None = None) -> Settings:
        root_text = str(root) if root else _from_env("root")
        found = Path(root_text) if root_text else (_find_root(Path.cwd()) or _find_root(Path(__file__).parent))
        if found is None or not (found / "ontology" / "kuzbass.ttl").is_file():
            raise ConfigError(
                f"no kuzbass-graph project at {found or Path.cwd()} (ontology/kuzbass.ttl not found)",
                hint="run from the repository folder, or pass --root / set KUZBASS_ROOT",
            )
        found = found.resolve()
        out_path = out or Path(_from_env("out"))
        base = base_iri or _from_env("base_iri")
        if not (base.startswith("http://") or base.startswith("https://")) or not base.endswith("/"):
            raise ConfigError(f"base IRI {base!r} must be an http(s) IRI ending in '/'",
                              hint=f"e.g. --base-iri {DEFAULT_BASE}")
        return cls(root=found, out=out_path if out_path.is_absolute() else found / out_path, base_iri=base)

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def rules_dir(self) -> Path:
        return self.ontology_dir / "rules"

    @property
    def sources_dir(self) -> Path:
        return self.root / "data" / "sources"

    @property
    def triples_dir(self) -> Path:
        return self.root / "data" / "triples"

    @property
    def links_dir(self) -> Path:
        return self.root / "data" / "links"

    def ontology_files(self) -> list[Path]:
        return sorted(p for p in self.ontology_dir.glob("*.ttl") if p.name != "shapes.ttl")

    def data_files(self) -> list[Path]:
        files = sorted(self.triples_dir.glob("*.trig"))
        if self.links_dir.is_dir():
            files += sorted(self.links_dir.glob("*.trig"))
        return files
