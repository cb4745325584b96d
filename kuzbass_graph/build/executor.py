"""Where the build's per-file tasks run, behind one interface.

    executor = open_executor("local")          # a process pool on this machine's cores (the default)
    executor = open_executor("serial")         # in this process, one task after another
    executor = open_executor("dask://host:8786")  # a Dask distributed cluster (pip install 'kuzbass-graph[dask]')
    results = executor.map(task, shared, items)   # [task(shared, *item) for item in items], in order

`shared` is sent once per worker (the ontology index), the items one by one. Results come back in the
order of the items whatever order the tasks finish in, so every executor gives the same build.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from ..errors import ConfigError

T = TypeVar("T")
Task = Callable[..., T]

_shared: Any = None  # set in each worker of a local pool by its initializer


class Executor(Protocol):
    description: str

    def map(self, task: Task[T], shared: object, items: Sequence[tuple[Any, ...]]) -> list[T]: ...

    def close(self) -> None: ...


class SerialExecutor:
    description = "serial (this process)"

    def map(self, task: Task[T], shared: object, items: Sequence[tuple[Any, ...]]) -> list[T]:
        return [task(shared, *item) for item in items]

    def close(self) -> None:
        return None


def _set_shared(shared: object) -> None:
    global _shared
    _shared = shared


def _call_with_shared(task: Task[T], item: tuple[Any, ...]) -> T:
    return task(_shared, *item)


class LocalExecutor:
    """A pool of `workers` processes (forked: no start-up import), or this process for a single task."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or len(os.sched_getaffinity(0)))
        self.description = f"local ({self.workers} processes)"

    def map(self, task: Task[T], shared: object, items: Sequence[tuple[Any, ...]]) -> list[T]:
        workers = min(self.workers, len(items))
        if workers <= 1:
            return SerialExecutor().map(task, shared, items)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_set_shared,
                                 initargs=(shared,)) as pool:
            return list(pool.map(_call_with_shared, [task] * len(items), items))

    def close(self) -> None:
        return None


class DaskExecutor:
    """Tasks on a Dask distributed scheduler at `address` (tcp://host:port)."""

    def __init__(self, address: str, *, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ConfigError("the Dask executor needs the distributed package",
                              hint="pip install 'kuzbass-graph[dask]' (or: pip install 'dask[distributed]')") from exc
        try:
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except OSError as exc:
            raise ConfigError(f"no Dask scheduler answers at {address}: {exc}",
                              hint="start one (dask scheduler; dask worker ADDRESS) or use --executor local") from exc
        workers = len(self.client.scheduler_info().get("workers", {}))
        self.description = f"dask ({address}, {workers} workers)"

    def map(self, task: Task[T], shared: object, items: Sequence[tuple[Any, ...]]) -> list[T]:
        if not items:
            return []
        shared_future = self.client.scatter(shared, broadcast=True)
        futures = [self.client.submit(task, shared_future, *item, pure=False) for item in items]
        return list(self.client.gather(futures))

    def close(self) -> None:
        self.client.close()


def open_executor(spec: str) -> Executor:
    """`local`, `local:N` (N processes), `serial`, or `dask://host:port`."""
    spec = spec.strip()
    if spec == "serial":
        return SerialExecutor()
    if spec == "local" or spec.startswith("local:"):
        count = spec.partition(":")[2]
        if count and not count.isdigit():
            raise ConfigError(f"executor {spec!r}: the process count must be a number", hint="e.g. --executor local:2")
        return LocalExecutor(int(count) if count else None)
    if spec.startswith("dask://"):
        parts = urlsplit(spec)
        if not parts.hostname or not parts.port:
            raise ConfigError(f"executor {spec!r} names no host and port", hint="e.g. --executor dask://127.0.0.1:8786")
        return DaskExecutor(f"tcp://{parts.hostname}:{parts.port}")
    raise ConfigError(f"unknown executor {spec!r}", hint="use local, local:N, serial or dask://host:port")


__all__ = ["DaskExecutor", "Executor", "LocalExecutor", "SerialExecutor", "open_executor"]
