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
    Setting("executor", "local", "Where the build compiles the curated files: local (a process per core), "
            "local:N, serial, or dask://HOST:PORT (a Dask distributed scheduler)."),
    Setting("cache", "on", "Reuse the compiled units of unchanged files from OUT/.cache/units (on or off)."),
    Setting("reason_max_triples", "50000", "At most this many data triples go to the OWL reasoner and the OWL 2 "
            "DL profile check (0: no limit). The ontology always goes in full; above the limit, the data goes as "
            "the modules of some curated files (the build report names them)."),
    Setting("memory_max_quads", "1000000", "The build keeps the compiled graphs in memory while the curated files "
            "hold at most this many quads; above, in on-disk Oxigraph stores under OUT/.scratch, removed after the "
            "build (memory bounded whatever the size; 0: always on disk)."),
)


def setting(name: str) -> Setting:
    for item in SETTINGS:
        if item.name == name:
            return item
    raise KeyError(name)


def _from_env(name: str) -> str:
    item = setting(name)
    return os.environ.get(item.env, item.default)


def _count(name: str, given: int | None) -> int:
    """A setting that is a whole number, 0 or more: the flag's value, else the environment's, else the default."""
    text = str(given) if given is not None else _from_env(name).strip()
    if not text.isdigit():
        item = setting(name)
        raise ConfigError(f"{item.env}={text!r} is not a whole number (0 or more)",
                          hint=f"set {item.env} to a number such as {item.default}, or 0 for no limit")
    return int(text)


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
    executor: str = "local"
    cache: bool = True
    reason_max_triples: int = 50_000
    memory_max_quads: int = 1_000_000

    @classmethod
    def load(cls, *, root: Path | None = None, out: Path | None = None, base_iri: str | None = None,
             executor: str | None = None, cache: bool | None = None,
             reason_max_triples: int | None = None, memory_max_quads: int | None = None) -> Settings:
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
        cache_text = _from_env("cache").strip().lower()
        if cache is None and cache_text not in ("on", "off"):
            raise ConfigError(f"{setting('cache').env}={cache_text!r} is neither on nor off",
                              hint=f"set {setting('cache').env}=on or off, or pass --no-cache")
        return cls(root=found, out=out_path if out_path.is_absolute() else found / out_path, base_iri=base,
                   executor=executor or _from_env("executor"), cache=cache if cache is not None else cache_text == "on",
                   reason_max_triples=_count("reason_max_triples", reason_max_triples),
                   memory_max_quads=_count("memory_max_quads", memory_max_quads))

    @property
    def units_cache(self) -> Path:
        """Where the build keeps the compiled units of the curated files between builds."""
        return self.out / ".cache" / "units"

    @property
    def verdicts_cache(self) -> Path:
        """Where the build keeps the Java checks' answers by their input (build/verdicts.py)."""
        return self.out / ".cache" / "verdicts"

    @property
    def java_cache(self) -> Path:
        """Where builds keep the compiled Java program of the OWL checks (validation/owl_program.py): this
        user's cache folder (`$XDG_CACHE_HOME/kuzbass/java`, else `~/.cache/kuzbass/java`), shared by every
        build of the user, since the program depends on the package and the jar, not on the project."""
        xdg = Path(os.environ.get("XDG_CACHE_HOME") or ".")
        home = xdg if xdg.is_absolute() else Path.home() / ".cache"  # a relative one is ignored, as the spec says
        return home / "kuzbass" / "java"

    @property
    def scratch(self) -> Path:
        """Where a build keeps its on-disk stores while it runs (build/scratch.py)."""
        return self.out / ".scratch"

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
