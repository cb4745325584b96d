"""The query pool: worker processes (one query at a time each) behind a fair, bounded queue.

- Jobs wait in one queue per client and are served round-robin across clients, so a client with many
  queries waiting does not push the others back; each client may have at most `per_client` queries waiting
  or running, the whole queue at most `queue_limit`, and a job waits at most `queue_wait` seconds for a
  worker. Past any of these the answer is 503 with Retry-After.
- A query still running after `slow_after` seconds moves to the slow lane: its worker is reniced to the
  lowest CPU priority and a fresh worker takes its place, so long queries use only what fast ones leave.
  A client may have `per_client_slow` queries in the slow lane and the lane holds `max_slow`; a query that
  would exceed either is cancelled with 503. Every query is cancelled at `timeout`.
- Cancelling (time limit, client gone) kills the worker process; a dead worker is always replaced, with
  retries and a log line, so the pool never shrinks to zero. A replacement that cannot open the store is
  retried with a growing pause until it can or the pool is closed.
- Answers of up to `cache_bytes` in all are cached per pool; a pool serves one build, so the cache is
  never stale.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import signal
import struct
import sys
import tempfile
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("kuzbass.serve")
_LENGTH = struct.Struct(">I")
INLINE_BYTES = 1_000_000


@dataclass(frozen=True)
class Job:
    query: str
    media_type: str | None  # asked-for result media type; None: the default for the query form
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def frame(self) -> dict[str, Any]:
        return {"query": self.query, "media": self.media_type, "default_graphs": list(self.default_graphs),
                "named_graphs": list(self.named_graphs)}


@dataclass
class Answer:
    status: int
    media_type: str
    body: bytes = b""
    path: str | None = None  # a spooled body: stream this file, then delete it
    size: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    cached: bool = False


def error(status: int, message: str, *, retry_after: int | None = None) -> Answer:
    body = (message.rstrip() + "\n").encode("utf-8")
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return Answer(status, "text/plain; charset=utf-8", body, size=len(body), headers=headers)


@dataclass(frozen=True)
class PoolOptions:
    workers: int = max(2, os.cpu_count() or 2)
    timeout: float = 30.0
    max_bytes: int = 50_000_000
    queue_wait: float = 10.0
    queue_limit: int = 1000
    per_client: int = 64
    slow_after: float = 1.0
    per_client_slow: int = 2
    max_slow: int = 4
    cache_bytes: int = 32_000_000
    spare: int = 1
    worker_memory: int = 4_000_000_000
    slow_share: float = 0.2  # of the time, while other requests arrive, that slow-lane workers may run


class WorkerError(Exception):
    pass


class Activity:
    """When the server last started answering a request (any request: cached, static or a query)."""

    def __init__(self) -> None:
        self.last = 0.0

    def note(self) -> None:
        self.last = time.monotonic()

    def busy(self, within: float) -> bool:
        return time.monotonic() - self.last < within


class Worker:
    """One worker process and its pipes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.slow = False

    @classmethod
    async def spawn(cls, store: Path, options: PoolOptions, spool: Path) -> Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kuzbass_graph.server.worker", str(store), str(options.max_bytes),
            str(INLINE_BYTES), str(spool), str(options.worker_memory), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE)
        worker = cls(process)
        try:
            hello = await asyncio.wait_for(worker._read_header(), 60)
        except BaseException as exc:
            worker.kill()
            await asyncio.shield(process.wait())
            worker.release_pipes()
            if isinstance(exc, TimeoutError | asyncio.IncompleteReadError | ValueError):
                raise WorkerError(f"a query worker did not start ({type(exc).__name__})") from exc
            raise
        if not hello.get("ready"):
            worker.kill()
            await process.wait()
            worker.release_pipes()
            raise WorkerError(f"a query worker cannot open the store {store}: {hello.get('error')}")
        return worker

    async def _read_header(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        head = await self.process.stdout.readexactly(_LENGTH.size)
        (length,) = _LENGTH.unpack(head)
        return json.loads(await self.process.stdout.readexactly(length))  # type: ignore[no-any-return]

    async def run(self, job: Job) -> Answer:
        assert self.process.stdin is not None and self.process.stdout is not None
        data = json.dumps(job.frame()).encode("utf-8")
        self.process.stdin.write(_LENGTH.pack(len(data)) + data)
        await self.process.stdin.drain()
        header = await self._read_header()
        body = await self.process.stdout.readexactly(header["size"]) if header.get("inline") else b""
        return Answer(header["status"], header["media"], body, path=header.get("path"), size=header["size"])

    def signal(self, number: int) -> None:
        if self.process.returncode is None:
            try:
                os.kill(self.process.pid, number)
            except ProcessLookupError:
                pass

    def lower_priority(self) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)
        except OSError:  # the process is gone
            pass

    def kill(self) -> None:
        if self.process.returncode is None:
            try:
                self.process.kill()
            except ProcessLookupError:
                pass

    def release_pipes(self) -> None:
        """Close the transport of a process that has exited (its pipes and handle)."""
        transport = getattr(self.process, "_transport", None)
        if transport is not None:
            transport.close()

    async def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 2)
        except TimeoutError:
            self.kill()
            await self.process.wait()
        self.release_pipes()


@dataclass(eq=False)
class _Waiter:
    client: str
    future: asyncio.Future[Worker]


class FairQueue:
    """Waiters in one FIFO per client, taken round-robin across clients."""

    def __init__(self) -> None:
        self._queues: OrderedDict[str, deque[_Waiter]] = OrderedDict()
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def push(self, waiter: _Waiter) -> None:
        self._queues.setdefault(waiter.client, deque()).append(waiter)
        self._count += 1

    def pop(self) -> _Waiter | None:
        while self._queues:
            client, queue = next(iter(self._queues.items()))
            waiter = queue.popleft()
            self._count -= 1
            if queue:
                self._queues.move_to_end(client)  # its next waiter goes behind the other clients
            else:
                del self._queues[client]
            if not waiter.future.done():
                return waiter
        return None

    def remove(self, waiter: _Waiter) -> None:
        queue = self._queues.get(waiter.client)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            self._count -= 1
            if not queue:
                del self._queues[waiter.client]


class QueryPool:
    """Worker processes on one build's store. Create with `await QueryPool.start(...)`."""

    def __init__(self, store: Path, options: PoolOptions, activity: Activity | None = None) -> None:
        self.store = store
        self.options = options
        self.activity = activity or Activity()
        self._slow_workers: set[Worker] = set()
        self._governor: asyncio.Task[None] | None = None
        self.spool = Path(tempfile.mkdtemp(prefix="kuzbass-serve-"))
        self._idle: list[Worker] = []
        self._fast = 0  # workers counted against `options.workers` (idle or busy, not slow)
        self._spares: list[Worker] = []
        self._queue = FairQueue()
        self._active: dict[str, int] = {}  # client -> queries waiting or running
        self._slow: dict[str, int] = {}  # client -> queries in the slow lane
        self._slow_total = 0
        self._cache: OrderedDict[tuple[Any, ...], Answer] = OrderedDict()
        self._cache_size = 0
        self._closed = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._all: set[Worker] = set()
        self.stats = {"spawned": 0, "replaced": 0, "spawn_failures": 0, "cancelled": 0, "demoted": 0}

    @classmethod
    async def start(cls, store: Path, options: PoolOptions, activity: Activity | None = None) -> QueryPool:
        pool = cls(store, options, activity)
        try:
            workers = await asyncio.gather(*(Worker.spawn(store, options, pool.spool)
                                             for _ in range(max(1, options.workers) + options.spare)))
        except BaseException:
            shutil.rmtree(pool.spool, ignore_errors=True)
            raise
        pool.stats["spawned"] += len(workers)
        pool._spares = list(workers[max(1, options.workers):])
        pool._idle = list(workers[:max(1, options.workers)])
        pool._fast = len(pool._idle)
        for worker in workers:
            pool._watch(worker)
        return pool

    def _watch(self, worker: Worker) -> None:
        self._all.add(worker)
        self._watch_death(worker)

    def _watch_death(self, worker: Worker) -> None:
        """When a worker that is not running a query dies (killed from outside, out of memory), replace it."""
        def died(_: asyncio.Future[int]) -> None:
            self._all.discard(worker)
            worker.release_pipes()
            if self._closed:
                return
            spare = worker in self._spares
            if worker in self._idle:
                self._idle.remove(worker)
                self._fast -= 1
            elif spare:
                self._spares.remove(worker)
            else:
                return  # busy or retired: the code running it deals with it
            log.warning("a query worker (pid %d) died while idle; replacing it", worker.process.pid)
            self.stats["replaced"] += 1
            self._spawn_later(spare=spare)

        task = asyncio.ensure_future(worker.process.wait())
        task.add_done_callback(died)

    @property
    def busy(self) -> bool:
        return bool(self._queue) or self._fast > len(self._idle) or self._slow_total > 0

    # --- the queue ------------------------------------------------------------------------------

    async def _acquire(self, client: str) -> Worker | Answer:
        if self._idle and not self._queue:
            return self._idle.pop()
        if len(self._queue) >= self.options.queue_limit:
            return error(503, "the server is overloaded (its query queue is full); try again shortly", retry_after=2)
        waiter = _Waiter(client, asyncio.get_running_loop().create_future())
        self._queue.push(waiter)
        try:
            return await asyncio.wait_for(asyncio.shield(waiter.future), self.options.queue_wait)
        except TimeoutError:
            self._queue.remove(waiter)
            if waiter.future.done() and not waiter.future.cancelled():
                return waiter.future.result()
            waiter.future.cancel()
            return error(503, f"every query worker stayed busy for {self.options.queue_wait:g} s; try again shortly",
                         retry_after=max(1, round(self.options.queue_wait / 2)))
        except asyncio.CancelledError:
            self._queue.remove(waiter)
            if waiter.future.done() and not waiter.future.cancelled():
                self._release(waiter.future.result())
            else:
                waiter.future.cancel()
            raise

    def _release(self, worker: Worker) -> None:
        """A fast worker is free: give it to the next waiter (round-robin), else keep it idle."""
        while (waiter := self._queue.pop()) is not None:
            if not waiter.future.done():
                waiter.future.set_result(worker)
                return
        self._idle.append(worker)

    # --- running --------------------------------------------------------------------------------

    def _cache_key(self, job: Job) -> tuple[Any, ...]:
        return (job.query, job.media_type, job.default_graphs, job.named_graphs)

    @property
    def closed(self) -> bool:
        """Whether the pool has stopped taking queries (its build was replaced)."""
        return self._closed

    async def run(self, job: Job, client: str = "-") -> Answer:
        self.activity.note()
        if self._closed:
            return error(503, "the server is switching builds; try again", retry_after=1)
        key = self._cache_key(job)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return Answer(hit.status, hit.media_type, hit.body, size=hit.size, cached=True)
        if self._active.get(client, 0) >= self.options.per_client:
            return error(503, f"this client already has {self.options.per_client} queries waiting or running; "
                              "wait for their answers", retry_after=2)
        self._active[client] = self._active.get(client, 0) + 1
        try:
            acquired = await self._acquire(client)
            if isinstance(acquired, Answer):
                return acquired
            answer = await self._run_on(acquired, job, client)
        finally:
            self._active[client] -= 1
            if not self._active[client]:
                del self._active[client]
        if answer.status == 200 and answer.path is None and 0 < self.options.cache_bytes:
            self._remember(key, answer)
        return answer

    async def _run_on(self, worker: Worker, job: Job, client: str) -> Answer:
        task = asyncio.ensure_future(worker.run(job))
        in_slow_lane = False
        try:
            done, _ = await asyncio.wait({task}, timeout=min(self.options.slow_after, self.options.timeout))
            if not done and self.options.slow_after >= self.options.timeout:
                self._cancel(worker, task, fast=True)
                return self._timed_out()
            if not done:
                refused = self._slow_refusal(client)
                if refused is not None:
                    self._cancel(worker, task, fast=True)
                    return refused
                in_slow_lane = True
                self._demote(worker, client)
                done, _ = await asyncio.wait({task}, timeout=max(0.0, self.options.timeout - self.options.slow_after))
                if not done:
                    self._cancel(worker, task, fast=False)
                    return self._timed_out()
            try:
                answer = task.result()
            except (asyncio.IncompleteReadError, ConnectionError, OSError, ValueError, KeyError) as exc:
                try:
                    code = await asyncio.wait_for(asyncio.shield(worker.process.wait()), 2)
                except TimeoutError:
                    code = None
                self._cancel(worker, task, fast=not in_slow_lane)
                log.warning("a query worker stopped while running a query (%s, exit %s); replacing it",
                            type(exc).__name__, code)
                if code in (-6, 134) and self.options.worker_memory:  # SIGABRT: an allocation failed
                    return error(503, f"the query needed more memory than a query worker may use "
                                      f"({self.options.worker_memory // 1_000_000} MB); narrow it or add a LIMIT",
                                 retry_after=5)
                return error(500, "the query worker stopped unexpectedly while running this query; it has been "
                                  "replaced; if this repeats, report the query")
            if in_slow_lane:
                self._retire_slow(worker)
            else:
                self._release(worker)
            return answer
        except asyncio.CancelledError:  # the client went away: stop its query
            if not task.done():
                self.stats["cancelled"] += 1
                self._cancel(worker, task, fast=not in_slow_lane)
            elif in_slow_lane:
                self._retire_slow(worker)
            else:
                self._release(worker)
            raise
        finally:
            if in_slow_lane:
                self._slow[client] -= 1
                self._slow_total -= 1
                if not self._slow[client]:
                    del self._slow[client]

    def _timed_out(self) -> Answer:
        return error(503, f"the query was cancelled after {self.options.timeout:g} s (the server's time limit); "
                          "narrow it or add a LIMIT", retry_after=5)

    def _slow_refusal(self, client: str) -> Answer | None:
        if self._slow.get(client, 0) >= self.options.per_client_slow:
            return error(503, f"this client already has {self.options.per_client_slow} long-running queries; "
                              "wait for them before sending another, or narrow this one", retry_after=10)
        if self._slow_total >= self.options.max_slow:
            return error(503, f"the server is already running {self.options.max_slow} long queries; try again later "
                              "or narrow this one", retry_after=10)
        return None

    def _demote(self, worker: Worker, client: str) -> None:
        """Move a long query's worker to the slow lane and put a fresh worker in its place."""
        worker.slow = True
        worker.lower_priority()
        self._slow_workers.add(worker)
        if self._governor is None or self._governor.done():
            self._governor = asyncio.ensure_future(self._govern())
        self.stats["demoted"] += 1
        self._slow[client] = self._slow.get(client, 0) + 1
        self._slow_total += 1
        self._fast -= 1
        if self._spares:
            self._fast += 1
            self._release(self._spares.pop())
            self._spawn_later(spare=True)
        else:
            self._spawn_later(spare=False)

    def _cancel(self, worker: Worker, task: asyncio.Future[Answer], *, fast: bool) -> None:
        task.cancel()
        self._slow_workers.discard(worker)
        worker.kill()
        self.stats["replaced"] += 1
        if fast:
            self._fast -= 1
            self._spawn_later(spare=False)
        else:
            self._reap(worker)

    def _retire_slow(self, worker: Worker) -> None:
        """A slow-lane worker finished: it cannot get its priority back, so it goes; its place was refilled."""
        self._slow_workers.discard(worker)
        worker.kill()
        self._reap(worker)

    async def _govern(self) -> None:
        """While other requests keep arriving, let slow-lane workers run only `slow_share` of the time (they
        are stopped with SIGSTOP the rest of it): a low CPU priority alone still lets them take idle time and
        the shared caches of a core, slowing the short answers. When nothing else arrives they run freely."""
        tick = 0.02
        period = 10
        step = 0
        running = True
        try:
            while self._slow_workers and not self._closed:
                share = max(1, round(self.options.slow_share * period))
                allow = not self.activity.busy(0.25) or step % period < share
                if allow != running:
                    for worker in list(self._slow_workers):
                        worker.signal(signal.SIGCONT if allow else signal.SIGSTOP)
                    running = allow
                step += 1
                await asyncio.sleep(tick)
        finally:
            for worker in list(self._slow_workers):
                worker.signal(signal.SIGCONT)

    def _reap(self, worker: Worker) -> None:
        task = asyncio.ensure_future(worker.process.wait())
        task.add_done_callback(lambda _: None)

    def _spawn_later(self, *, spare: bool) -> None:
        if self._closed:
            return
        task = asyncio.ensure_future(self._spawn(spare=spare))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _spawn(self, *, spare: bool) -> None:
        """Start a worker, retrying with a growing pause (and a log line each time) until one starts."""
        pause = 0.1
        if not spare:
            self._fast += 1  # reserved now, so the pool never counts fewer workers than it will have
        while not self._closed:
            try:
                worker = await Worker.spawn(self.store, self.options, self.spool)
            except (WorkerError, OSError) as exc:
                self.stats["spawn_failures"] += 1
                log.warning("%s; retrying in %.1f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(5.0, pause * 2)
                continue
            self.stats["spawned"] += 1
            self._watch(worker)
            if self._closed:
                await worker.close()
            elif spare:
                self._spares.append(worker)
            else:
                self._release(worker)
            return
        if not spare:
            self._fast -= 1

    def _remember(self, key: tuple[Any, ...], answer: Answer) -> None:
        size = len(answer.body)
        if size > self.options.cache_bytes // 8:
            return
        self._cache[key] = Answer(answer.status, answer.media_type, answer.body, size=answer.size)
        self._cache_size += size
        while self._cache_size > self.options.cache_bytes and self._cache:
            _, old = self._cache.popitem(last=False)
            self._cache_size -= len(old.body)

    # --- shutting down --------------------------------------------------------------------------

    async def drain(self, seconds: float) -> None:
        """Wait (at most `seconds`) until no query is waiting or running."""
        deadline = time.monotonic() + seconds
        while self.busy and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        self._closed = True
        if self._governor is not None:
            self._governor.cancel()
            await asyncio.gather(self._governor, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        while (waiter := self._queue.pop()) is not None:
            waiter.future.cancel()
        workers, self._idle, self._spares = list(self._all), [], []
        await asyncio.gather(*(w.close() for w in workers), return_exceptions=True)
        await asyncio.sleep(0)  # let the death watchers release the pipes
        shutil.rmtree(self.spool, ignore_errors=True)

    def describe(self) -> dict[str, Any]:
        return {"workers": self.options.workers, "fast": self._fast, "idle": len(self._idle),
                "spares": len(self._spares), "slow": self._slow_total, "waiting": len(self._queue),
                "cached": len(self._cache), "pids": sorted(w.process.pid for w in self._idle + self._spares),
                "slow_pids": sorted(w.process.pid for w in self._slow_workers),
                **self.stats}
