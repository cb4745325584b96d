"""Which build the server answers from, and switching to a new one between queries.

`kuzbass build` writes each build into `OUT/builds/<id>/` and then switches the `OUT/current` pointer
(a symlink replaced atomically). The server resolves the pointer to a real folder, opens that folder's
store in a fresh worker pool, and serves every request from the pool and files of one folder. When the
pointer moves (checked every `reload_interval` seconds, or at once on SIGHUP), it starts a pool on the new
build, switches new requests to it, lets the old pool finish the requests it already has, and closes it.
While serving, it records the build it uses in `OUT/.serving/<pid>`, so a build does not delete it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..namespaces import DEFAULT_BASE
from .pool import Activity, PoolOptions, QueryPool, WorkerError

log = logging.getLogger("kuzbass.serve")


@dataclass(frozen=True)
class Build:
    """One complete build folder (resolved, never through the pointer)."""

    folder: Path
    id: str
    base_iri: str = DEFAULT_BASE

    @property
    def store(self) -> Path:
        return self.folder / "store"

    def etag(self, name: str) -> str:
        return f'"{self.id}-{name}"'


def resolve_build(out: Path) -> Build:
    """The build `out` points at: `out/current` when the build is versioned, else `out` itself."""
    pointer = out / "current"
    folder = pointer.resolve() if pointer.is_symlink() or pointer.is_dir() else out.resolve()
    if not (folder / "store").is_dir():
        raise ConfigError(f"no built store in {out}", hint="run `kuzbass build` first")
    report = folder / "build-report.json"
    stamp = int(report.stat().st_mtime_ns) if report.is_file() else int((folder / "store").stat().st_mtime_ns)
    build_id = folder.name if folder.parent.name == "builds" else f"{stamp:x}"
    base_iri = DEFAULT_BASE
    if report.is_file():
        try:
            base_iri = json.loads(report.read_text(encoding="utf-8")).get("base_iri", DEFAULT_BASE)
        except (OSError, ValueError):
            pass
    return Build(folder, build_id, base_iri)


@dataclass
class Generation:
    """A build and the pool answering from it."""

    build: Build
    pool: QueryPool


class BuildSwitch:
    """The current generation, and the switch to a new build."""

    def __init__(self, out: Path, options: PoolOptions) -> None:
        self.out = out
        self.options = options
        self.activity = Activity()
        self.current: Generation | None = None
        self._lock = asyncio.Lock()
        self._marker = out / ".serving" / str(os.getpid())

    async def start(self) -> Generation:
        build = resolve_build(self.out)
        try:
            pool = await QueryPool.start(build.store, self.options, self.activity)
        except WorkerError as exc:
            raise ConfigError(str(exc), hint="run `kuzbass build` again; the store may be damaged") from exc
        self.current = Generation(build, pool)
        self._mark(build)
        return self.current

    def _mark(self, build: Build) -> None:
        try:
            self._marker.parent.mkdir(exist_ok=True)
            self._marker.write_text(build.folder.name + "\n", encoding="utf-8")
        except OSError:  # a read-only output folder: serving works, builds just may not see us
            pass

    async def check(self) -> bool:
        """Switch when the pointer names another build; True when it switched."""
        async with self._lock:
            assert self.current is not None
            try:
                build = resolve_build(self.out)
            except ConfigError:
                return False  # between a build's steps, or the output was removed: keep serving the old one
            if build.folder == self.current.build.folder:
                return False
            try:
                pool = await QueryPool.start(build.store, self.options, self.activity)
            except (WorkerError, OSError) as exc:
                log.warning("cannot switch to build %s (%s); still serving %s", build.id, exc, self.current.build.id)
                return False
            old, self.current = self.current, Generation(build, pool)
            self._mark(build)
            log.info("switched from build %s to build %s", old.build.id, build.id)
        await old.pool.drain(self.options.timeout + self.options.queue_wait + 5)
        await old.pool.close()
        return True

    async def watch(self, interval: float, wake: asyncio.Event) -> None:
        while True:
            try:
                await asyncio.wait_for(wake.wait(), interval)
            except TimeoutError:
                pass
            wake.clear()
            try:
                await self.check()
            except Exception:  # never let the watcher die
                log.exception("checking for a new build failed")

    async def close(self) -> None:
        if self.current is not None:
            await self.current.pool.close()
        try:
            self._marker.unlink()
        except OSError:
            pass
