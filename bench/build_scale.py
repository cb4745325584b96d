"""Build time and memory at scale: full, incremental, distributed and on-disk builds of synthetic roots, per step.

    python bench/build_scale.py [--scales 1 10 100] [--with-1000]
                                [--modes full reference distributed on-disk incremental]
                                [--no-reason] [--without site --without analysis] [--work DIR] [--keep]
                                [--timeout SECONDS] [--report-only]

For each scale, bench/synthetic.py writes a synthetic root (N copies of the curated files), then, each
`kuzbass build` in its own subprocess with `--out` in a temporary folder:
- full: a clean build (every check, the reasoner too unless --no-reason);
- reference: pyoxigraph's bare load of that build's kuzbass.nq (`Store().bulk_load`), in a subprocess;
- distributed: a clean build with `--executor dask://...` against a local Dask cluster of two worker
  processes started by this script, if `kuzbass build --help` offers a Dask executor (else the report says
  "not available"); it also says whether its kuzbass.nq has the bytes of the full build's;
- on-disk: a clean build with `--memory-max-quads 0` (the compiled graphs in on-disk stores, as a build
  above that setting keeps them), and whether its kuzbass.nq has the full build's bytes;
- incremental: one claim appended to one file (a copy of 05-modernization.trig in the middle of the
  copies, quoting a passage another claim of that file cites), then a build into the full build's --out;
  the build report's "cache" or "units" section (what it reused) is recorded when it has one.
Each run records its wall time, the peak RSS of its largest process (wait4) and the peak of the summed
PSS of every process this script has started (sampled every second from /proc: the build, its workers,
Java, and the Dask workers), with the per-step seconds of dist/build-report.json. The growth exponent of
each step is the log-log slope of its seconds against the built graph's size (data + provenance
triples), between consecutive scales and fitted over all. A step grows worse than n log n when its
exponent between the two largest scales (where fixed costs weigh least) exceeds that of n log n there by
more than 0.15 (noise on two shared cores) and it takes a second or more at the largest scale.
Writes bench/results/build-scale.{json,md}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
KUZBASS = Path(sys.executable).with_name("kuzbass")
GENERATOR = ROOT / "bench" / "synthetic.py"
MODES = ("full", "reference", "distributed", "on-disk", "incremental")
FITTED = ("full", "incremental", "distributed", "on-disk")
EDITED_FILE = "05-modernization"
CLAIM = "https://w3id.org/kuzbass/id/claim/"
KZ = "https://w3id.org/kuzbass/ontology#"
NLOGN_MARGIN = 0.15
MIN_SECONDS = 1.0
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


# -- running a measured subprocess -------------------------------------------------------------------------

def _pss_mb(pid: str) -> float | None:
    """The proportional set size of a process: its private pages plus its share of pages it shares (a
    forked child's copy-on-write pages count once over the tree, not once per process as RSS would)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _descendants_pss_mb(root: int) -> float:
    """Summed PSS (RSS where PSS cannot be read) of every live descendant of `root` (not root itself)."""
    parents: dict[int, int] = {}
    rss: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry.name}/statm", "rb") as handle:
                pages = int(handle.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry.name)
        parents[pid], rss[pid] = int(stat[1]), pages * PAGE_MB
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        pss = _pss_mb(str(pid))
        total += pss if pss is not None else rss.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def _free_bytes(folder: Path) -> int:
    stat = os.statvfs(folder)
    return stat.f_bavail * stat.f_frsize


class TreeSampler(threading.Thread):
    """The peak summed PSS of this process's descendants while a run lasts, and the peak of the disk space
    it took on the file system of `folder` (free space at the start less the least free space seen: output,
    cache and scratch together, files deleted before the next sample aside)."""

    # a second: reading smaps_rollup walks the page tables, and at 0.2 s the sampling of a 4 GB build took a
    # fifth of a core from the build it measured
    def __init__(self, folder: Path, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.interval, self.peak_mb, self._done = interval, 0.0, threading.Event()
        self.folder, self.free_at_start = folder, _free_bytes(folder)
        self.least_free = self.free_at_start

    @property
    def disk_mb(self) -> float:
        return max(0, self.free_at_start - self.least_free) / 2**20

    def run(self) -> None:
        me = os.getpid()
        while not self._done.is_set():
            self.peak_mb = max(self.peak_mb, _descendants_pss_mb(me))
            self.least_free = min(self.least_free, _free_bytes(self.folder))
            self._done.wait(self.interval)

    def stop(self) -> float:
        self._done.set()
        self.join()
        return self.peak_mb


@dataclass
class Run:
    command: list[str]
    returncode: int
    wall_seconds: float
    peak_rss_mb: float  # the largest single process of the run's tree (wait4)
    peak_tree_rss_mb: float  # summed PSS of everything this script started, sampled (the name is the JSON's)
    stderr_tail: str = ""
    report: dict[str, Any] = field(default_factory=dict)
    output_mb: float = 0.0  # the build folder the run wrote (OUT/current)
    cache_mb: float = 0.0  # OUT/.cache after the run (units and the Java checks' answers)
    peak_disk_mb: float = 0.0  # the most disk space the run held at once (output, cache, scratch), sampled

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def measured(command: list[str], *, cwd: Path, log: Path, timeout: float | None,
             env: dict[str, str] | None = None) -> Run:
    """Run command, timing it and sampling its memory; stdout and stderr go to log."""
    sampler = TreeSampler(cwd)
    with log.open("wb") as out:
        started = time.perf_counter()
        sampler.start()
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL)) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    tree = sampler.stop()
    tail = log.read_text(encoding="utf-8", errors="replace")[-1500:] if proc.returncode else ""
    return Run(command, proc.returncode, round(wall, 3), round(usage.ru_maxrss / 1024, 1), round(tree, 1), tail,
               peak_disk_mb=round(sampler.disk_mb, 1))


CALIBRATION = "sum(i * i % 7 for i in range(3_000_000))"


def calibration_seconds() -> float:
    """The seconds of a fixed pure-Python loop in a fresh process: how fast this shared machine runs now
    (timings of identical builds move with it)."""
    done = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); "
                           f"{CALIBRATION}; print(time.perf_counter() - t)"],
                          capture_output=True, text=True, check=True)
    return round(float(done.stdout), 3)


def build_env() -> dict[str, str]:
    """The environment of a build: this one without KUZBASS_* settings, so the flags alone decide."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KUZBASS_")}


def build(root: Path, out: Path, log: Path, *, no_reason: bool, timeout: float | None,
          extra: list[str] | None = None, without: tuple[str, ...] = ()) -> Run:
    command = [str(KUZBASS), "build", "--root", str(root), "--out", str(out)]
    command += (["--no-reason"] if no_reason else []) + [f"--without={part}" for part in without] + (extra or [])
    run = measured(command, cwd=root, log=log, timeout=timeout, env=build_env())
    report = out / "build-report.json"
    if run.ok and report.is_file():
        data = json.loads(report.read_text(encoding="utf-8"))
        run.report = {key: data[key] for key in ("seconds", "dump seconds", "counts", "cache", "units") if key in data}
        run.output_mb = round(_tree_bytes((out / "current").resolve()) / 2**20, 1)
        run.cache_mb = round(_tree_bytes(out / ".cache") / 2**20, 1)
    return run


def _tree_bytes(folder: Path) -> int:
    """The bytes of the files under folder (0 when there is none)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) \
        if folder.is_dir() else 0


REFERENCE = """
import json, sys, time
import pyoxigraph as ox
started = time.perf_counter()
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": round(seconds, 3), "quads": len(store)}))
"""


def reference_load(nq: Path, log: Path, timeout: float | None) -> dict[str, Any]:
    run = measured([sys.executable, "-c", REFERENCE, str(nq)], cwd=nq.parent, log=log, timeout=timeout)
    result: dict[str, Any] = {"returncode": run.returncode, "wall_seconds": run.wall_seconds,
                              "peak_rss_mb": run.peak_rss_mb, "nq_bytes": nq.stat().st_size}
    if run.ok:
        result |= json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
    return result


# -- the one-file edit of the incremental mode -------------------------------------------------------------

def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def append_claim(path: Path, suffix: str) -> str:
    """Append to a curated file a claim quoting the passage of its first claim: the subject of that claim
    kz:statedThat the quoted words. Returns the new claim's IRI."""
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    meta: dict[str, dict[str, ox.NamedNode | ox.Literal]] = {}
    for quad in quads:
        if quad.graph_name == ox.DefaultGraph() and quad.predicate.value in (KZ + "passage", KZ + "quote"):
            meta.setdefault(quad.subject.value, {})[quad.predicate.value] = quad.object  # type: ignore[assignment]
    for quad in quads:
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(CLAIM) and \
                isinstance(quad.subject, ox.NamedNode) and len(meta.get(graph.value, {})) == 2:
            passage, quote = meta[graph.value][KZ + "passage"], meta[graph.value][KZ + "quote"]
            line = int(passage.value.rsplit("/L", 1)[1])
            claim = f"{CLAIM}L{line:03d}-bench-edit{suffix}"
            text = (f"\n# Appended by bench/build_scale.py (incremental mode).\n"
                    f"<{claim}> {{ <{quad.subject.value}> <{KZ}statedThat> {_literal(quote.value)} . }}\n"
                    f"<{claim}> <{KZ}passage> <{passage.value}> ; <{KZ}quote> {_literal(quote.value)} .\n")
            with path.open("a", encoding="utf-8") as handle:
                handle.write(text)
            return claim
    raise SystemExit(f"{path} has no claim to quote again")


# -- the distributed mode ----------------------------------------------------------------------------------

def dask_support() -> str | None:
    """None when `kuzbass build` offers a Dask executor, else why not."""
    help_text = subprocess.run([str(KUZBASS), "build", "--help"], capture_output=True, text=True,
                               env=build_env() | {"COLUMNS": "200"}).stdout
    if "--executor" not in help_text:
        return "not available: `kuzbass build --help` offers no --executor"
    if "dask://" not in help_text:
        return "not available: `kuzbass build --executor` names no dask:// executor"
    try:
        import distributed  # noqa: F401
    except ImportError:
        return "not available: the distributed package is not installed (pip install 'dask[distributed]')"
    return None


def start_cluster() -> Any:
    from distributed import LocalCluster

    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                        host="127.0.0.1", silence_logs=40)


# -- one scale ---------------------------------------------------------------------------------------------

def _digest(path: Path) -> str | None:
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot(work: Path) -> Path:
    """A copy of this project's ontology, queries and data, so that every scale of a run copies the same files
    (curators may edit data/ while a run lasts)."""
    source = work / "source"
    shutil.rmtree(source, ignore_errors=True)
    for folder in ("ontology", "queries", "data"):
        shutil.copytree(ROOT / folder, source / folder)
    return source


def revision() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD"),
            "uncommitted_inputs": bool(git("status", "--porcelain", "--", "data", "ontology", "queries",
                                           "kuzbass_graph"))}


def run_scale(scale: int, work: Path, source: Path, modes: list[str], *, no_reason: bool, timeout: float | None,
              rewire: float, without: tuple[str, ...] = (), repeats: int = 1) -> dict[str, Any]:
    folder = work / f"scale-{scale}"
    root, logs = folder / "root", folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"scale": scale}
    started = time.perf_counter()
    subprocess.run([sys.executable, str(GENERATOR), "--scale", str(scale), "--out", str(root),
                    "--rewire", str(rewire), "--from", str(source)], check=True, capture_output=True)
    result["generate_seconds"] = round(time.perf_counter() - started, 2)
    result["synthetic"] = json.loads((root / "synthetic.json").read_text(encoding="utf-8"))
    print(f"[{scale}x] generated in {result['generate_seconds']} s: {result['synthetic']['files']} files",
          flush=True)

    out = folder / "dist"
    shutil.rmtree(out, ignore_errors=True)  # a clean build: no output, no cache of units
    full = build(root, out, logs / "full.log", no_reason=no_reason, timeout=timeout, without=without)
    result["full"] = asdict(full)
    _say(scale, "full", full)
    if not full.ok:
        return result
    if repeats > 1:  # more clean builds, each timed alone: the median is the figure the target is held to
        again = []
        for i in range(1, repeats):
            repeat_out = folder / "dist-again"
            shutil.rmtree(repeat_out, ignore_errors=True)
            run = build(root, repeat_out, logs / f"full-{i + 1}.log", no_reason=no_reason, timeout=timeout,
                        without=without)
            again.append({"wall_seconds": run.wall_seconds, "returncode": run.returncode,
                          "total": run.report.get("seconds", {}).get("total")})
            shutil.rmtree(repeat_out, ignore_errors=True)
        result["full_repeats"] = [{"wall_seconds": full.wall_seconds, "returncode": full.returncode,
                                   "total": full.report.get("seconds", {}).get("total")}, *again]
        print(f"[{scale}x] {repeats} clean builds: " + ", ".join(
            f"{r['wall_seconds']} s" for r in result["full_repeats"]), flush=True)
    nq = out / "kuzbass.nq"
    full_digest = _digest(nq)
    if "reference" in modes and nq.is_file():
        result["reference"] = reference_load(nq, logs / "reference.log", timeout)
        print(f"[{scale}x] reference load {result['reference'].get('seconds')} s, "
              f"{result['reference']['peak_rss_mb']} MB", flush=True)
    if "distributed" in modes:
        why_not = dask_support()
        if why_not:
            result["distributed"] = {"available": False, "reason": why_not}
            print(f"[{scale}x] distributed: {why_not}", flush=True)
        else:
            cluster = start_cluster()
            try:
                address = "dask://" + cluster.scheduler_address.split("://", 1)[1]
                dist_out = folder / "dist-dask"
                run = build(root, dist_out, logs / "distributed.log", no_reason=no_reason, timeout=timeout,
                            without=without, extra=["--executor", address, "--no-cache"])
            finally:
                cluster.close()
            result["distributed"] = asdict(run) | {"available": True, "workers": 2,
                                                   "same_nq_as_full": _digest(dist_out / "kuzbass.nq") == full_digest}
            _say(scale, "distributed", run)
            shutil.rmtree(dist_out, ignore_errors=True)
    if "on-disk" in modes:
        disk_out = folder / "dist-disk"
        run = build(root, disk_out, logs / "on-disk.log", no_reason=no_reason, timeout=timeout, without=without,
                    extra=["--memory-max-quads", "0", "--no-cache"])
        result["on-disk"] = asdict(run) | {"same_nq_as_full": _digest(disk_out / "kuzbass.nq") == full_digest}
        _say(scale, "on-disk", run)
        shutil.rmtree(disk_out, ignore_errors=True)
    if "incremental" in modes:
        copy = scale // 2
        edited = root / "data" / "triples" / (f"{EDITED_FILE}-c{copy}.trig" if copy else f"{EDITED_FILE}.trig")
        claim = append_claim(edited, f"-c{copy}" if copy else "")
        run = build(root, out, logs / "incremental.log", no_reason=no_reason, timeout=timeout, without=without)
        result["incremental"] = asdict(run) | {"edited": edited.relative_to(root).as_posix(), "appended": claim}
        _say(scale, "incremental", run)
    return result


def _say(scale: int, mode: str, run: Run) -> None:
    state = "ok" if run.ok else f"FAILED ({run.returncode})"
    print(f"[{scale}x] {mode}: {state} in {run.wall_seconds} s, peak {run.peak_rss_mb} MB (process), "
          f"{run.peak_tree_rss_mb} MB (tree)", flush=True)
    if not run.ok:
        print(run.stderr_tail, flush=True)


# -- exponents and targets ---------------------------------------------------------------------------------

def size_of(result: dict[str, Any]) -> float | None:
    counts = result.get("full", {}).get("report", {}).get("counts", {})
    if "data" in counts and "provenance" in counts:
        return float(counts["data"] + counts["provenance"])
    return None


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of log y against log x (None without two positive points)."""
    points = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(points) < 2:
        return None
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    var = sum((p[0] - mx) ** 2 for p in points)
    return None if var == 0 else round(sum((p[0] - mx) * (p[1] - my) for p in points) / var, 3)


def exponents(results: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    rows = [r for r in results if r.get(mode, {}).get("returncode") == 0 and size_of(r)]
    if len(rows) < 2:
        return {}
    sizes = [size_of(r) or 0.0 for r in rows]
    nlogn = slope(sizes, [n * math.log(n) for n in sizes])
    top_nlogn = slope(sizes[-2:], [n * math.log(n) for n in sizes[-2:]])
    series: dict[str, list[float]] = {"wall": [r[mode]["wall_seconds"] for r in rows],
                                      "peak tree PSS": [r[mode]["peak_tree_rss_mb"] for r in rows]}
    steps = [s for s in rows[-1][mode]["report"].get("seconds", {}) if all(
        s in r[mode]["report"].get("seconds", {}) for r in rows)]
    for step in steps:
        series[step] = [float(r[mode]["report"]["seconds"][step]) for r in rows]
    out: dict[str, Any] = {"scales": [r["scale"] for r in rows], "sizes": sizes, "n_log_n": nlogn,
                           "n_log_n_between_largest": top_nlogn, "series": {}}
    for name, ys in series.items():
        pairs = [slope(sizes[i:i + 2], ys[i:i + 2]) for i in range(len(rows) - 1)]
        fitted = slope(sizes, ys)
        top = pairs[-1]  # between the two largest scales: fixed costs weigh least there
        worse = (name != "peak tree PSS" and top is not None and top_nlogn is not None
                 and top > top_nlogn + NLOGN_MARGIN and ys[-1] >= MIN_SECONDS)
        out["series"][name] = {"values": ys, "between": pairs, "fitted": fitted, "worse_than_n_log_n": worse}
    return out


# the targets of the issue, as the report names them
REAL_5S = "real graph (1x) full build under 5 s"
HUNDRED_60S = "100x full build under 60 s"
HUNDRED_3GB = "100x full build under 3 GB"
THOUSAND = "1000x full build completes"
ONE_FILE_10S = "one-file change at 100x rebuilds under 10 s"
N_LOG_N = "no step grows worse than n log n"

BESIDE = ("total", "write", "profile and reasoner")  # sums, and the Java checks that run beside the dumps


def _largest(seconds: dict[str, float], n: int = 3, *, skip: tuple[str, ...] = BESIDE) -> str:
    """The n largest of a build's step seconds, as "step X s" (the Java checks beside the dumps count by the
    build's wait for them)."""
    steps = sorted(((v, k) for k, v in seconds.items() if k not in skip), reverse=True)[:n]
    return ", ".join(f"{k} {v:,.1f} s" for v, k in steps)


def _why(goal: str, results: list[dict[str, Any]], fits: dict[str, Any], machine: dict[str, Any]) -> str:
    """Why a target is not met (or not measured), from the run's own figures."""
    by_scale = {r["scale"]: r for r in results}
    if goal == REAL_5S:
        full = by_scale[1]["full"]
        seconds = full["report"].get("seconds", {})
        return (f"first build: total {seconds.get('total', 0):.1f} s of {full['wall_seconds']:.1f} s wall (the "
                f"rest: starting Python and the imports); largest steps: {_largest(seconds)}")
    hundred = by_scale.get(100, {})
    if goal == HUNDRED_60S:
        seconds = hundred["full"]["report"].get("seconds", {})
        dumps = hundred["full"]["report"].get("dump seconds", {})
        ref = hundred.get("reference", {})
        said = f"largest steps: {_largest(seconds)}"
        if dumps:
            said += (f"; in the dumps: {_largest(dumps, 4, skip=())} (the parts' own seconds add up to "
                     f"{sum(dumps.values()):,.0f} s; the forked writers and the store's thread share "
                     f"{machine.get('cpus', 2)} cores)")
        if ref.get("seconds"):
            said += (f"; pyoxigraph's bare load of the same {ref['nq_bytes'] / 2**30:.1f} GB kuzbass.nq alone takes "
                     f"{ref['seconds']:.0f} s")
        if hundred["full"].get("output_mb"):
            said += (f"; the build writes {hundred['full']['output_mb'] / 1024:.1f} GB (7 formats and their gzip, "
                     "the CSV tables, the store)")
        return said
    if goal == HUNDRED_3GB:
        full, ref = hundred["full"], hundred.get("reference", {})
        said = (f"largest process {full['peak_rss_mb'] / 1024:.2f} GB, all processes "
                f"{full['peak_tree_rss_mb'] / 1024:.2f} GB")
        if ref.get("peak_rss_mb"):
            said += (f"; an in-memory pyoxigraph store of the same {ref.get('quads', 0):,} quads alone peaks at "
                     f"{ref['peak_rss_mb'] / 1024:.2f} GB")
        return said
    if goal == ONE_FILE_10S:
        inc = hundred["incremental"]
        seconds = inc["report"].get("seconds", {})
        return (f"one file compiled again, the rest reused, but the whole-graph steps run again: "
                f"{_largest(seconds, 4)}; every dump is one whole-dataset file, so one edit rewrites them all")
    top = by_scale[max(by_scale)] if by_scale else None
    if goal == THOUSAND and top is not None and top["scale"] >= 10:
        between = fits.get("full", {}).get("series", {}).get("wall", {}).get("between") or [None]
        wall = between[-1]  # between the two largest scales, where the fixed costs weigh least
        said = "not run"
        if wall and top["full"].get("wall_seconds"):
            estimate = top["full"]["wall_seconds"] * (1000 / top["scale"]) ** wall
            said += f": about {estimate / 3600:.1f} h by the wall's exponent between the two largest scales " \
                    f"({wall:.2f})"
        peak = max(top["full"]["peak_rss_mb"], top["full"]["peak_tree_rss_mb"]) / 1024
        said += (f"; in memory the {top['scale']}x build peaked at {peak:.1f} GB, so about "
                 f"{peak * 1000 / top['scale']:.0f} GB at 1000x against {machine.get('memory_gb', 0):.0f} GB here: "
                 "it would need the on-disk stores")
        written = top["full"].get("output_mb", 0) + top["full"].get("cache_mb", 0)
        held = max((top.get(mode, {}).get("peak_disk_mb") or 0, mode) for mode in ("full", "on-disk"))
        if held[0]:
            need = held[0] * 1000 / top["scale"] / 1024
            said += (f"; the {top['scale']}x build{' with the on-disk stores' if held[1] == 'on-disk' else ''} "
                     f"held up to {held[0] / 1024:.1f} GB of disk at once (output, cache, scratch), so about "
                     f"{need:.0f} GB at 1000x against {machine.get('disk_free_gb', 0):.0f} GB free on the work disk")
        elif written:
            need = written * 1000 / top["scale"] / 1024
            said += (f"; the {top['scale']}x build wrote {written / 1024:.1f} GB (output and cache), so about "
                     f"{need:.0f} GB at 1000x plus its scratch, against {machine.get('disk_free_gb', 0):.0f} GB free "
                     "on the work disk")
        return said
    return ""


def targets(results: list[dict[str, Any]], fits: dict[str, Any],
            machine: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    by_scale = {r["scale"]: r for r in results}

    def verdict(ok: bool | None, figure: str) -> dict[str, Any]:
        return {"met": ok, "figure": figure}

    out: dict[str, dict[str, Any]] = {}
    one = by_scale.get(1, {}).get("full")
    repeats = [r for r in by_scale.get(1, {}).get("full_repeats", []) if r["returncode"] == 0]
    if repeats:
        walls = sorted(r["wall_seconds"] for r in repeats)
        median = statistics.median(walls)
        totals = [r["total"] for r in repeats if r.get("total") is not None]
        out[REAL_5S] = verdict(median < 5, f"median {median:.2f} s wall of {len(walls)} clean builds "
                               f"({walls[0]:.2f}-{walls[-1]:.2f} s"
                               + (f"; build total median {statistics.median(totals):.2f} s" if totals else "") + ")")
    else:
        out[REAL_5S] = verdict(one["wall_seconds"] < 5, f"{one['wall_seconds']} s") \
            if one and one["returncode"] == 0 else verdict(None, "not run" if not one else "build failed")
    hundred = by_scale.get(100, {}).get("full")
    if hundred and hundred["returncode"] == 0:
        out[HUNDRED_60S] = verdict(hundred["wall_seconds"] < 60, f"{hundred['wall_seconds']} s")
        peak = max(hundred["peak_tree_rss_mb"], hundred["peak_rss_mb"])
        out[HUNDRED_3GB] = verdict(peak < 3 * 1024, f"{peak / 1024:.2f} GB")
    else:
        figure = "not run" if not hundred else "build failed"
        out[HUNDRED_60S] = out[HUNDRED_3GB] = verdict(None, figure)
    disk = by_scale.get(100, {}).get("on-disk")
    if disk and disk["returncode"] == 0:
        peak = max(disk["peak_tree_rss_mb"], disk["peak_rss_mb"])
        out[HUNDRED_3GB]["figure"] += f"; on disk {peak / 1024:.2f} GB in {disk['wall_seconds']} s"
        out[HUNDRED_3GB]["met"] = bool(out[HUNDRED_3GB]["met"]) or peak < 3 * 1024
    thousand = by_scale.get(1000, {}).get("full")
    out[THOUSAND] = verdict(
        thousand["returncode"] == 0, f"{thousand['wall_seconds']} s, exit {thousand['returncode']}") \
        if thousand else verdict(None, "not run")
    inc = by_scale.get(100, {}).get("incremental")
    out[ONE_FILE_10S] = verdict(inc["wall_seconds"] < 10, f"{inc['wall_seconds']} s") \
        if inc and inc["returncode"] == 0 else verdict(None, "not run" if not inc else "build failed")
    worse = [name for name, s in fits.get("full", {}).get("series", {}).items() if s["worse_than_n_log_n"]]
    if fits.get("full"):
        scales = fits["full"]["scales"]
        out[N_LOG_N] = verdict(
            not worse, (", ".join(worse) if worse else "none") + f" (between {scales[-2]}x and {scales[-1]}x)")
    else:
        out[N_LOG_N] = verdict(None, "fewer than two scales built")
    for name, goal in out.items():
        if goal["met"] is not True:
            try:
                goal["why"] = _why(name, results, fits, machine or {})
            except KeyError:  # a run the reason needs is missing
                goal["why"] = ""
    return out


# -- report ------------------------------------------------------------------------------------------------

def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _reuse(report: dict[str, Any]) -> str:
    """What the build says it reused: the counts of its "cache" (or "units") section, and the files it redid."""
    section = report.get("cache") or report.get("units")
    if not section:
        return ""
    said = [f"{k} {v}" for k, v in section.items() if isinstance(v, int | float) and not isinstance(v, bool)]
    named = [v for v in section.values() if isinstance(v, list) and 0 < len(v) <= 3]
    return ", ".join(said) + "".join(f" ({', '.join(map(str, v))})" for v in named)


def _calibration(machine: dict[str, Any]) -> str:
    seconds = machine.get("calibration_seconds")
    if not seconds:
        return ""
    return (f"; a fixed Python loop (`{CALIBRATION}`) took {' s and '.join(f'{v:.2f}' for v in seconds)} s at the "
            "start and the end of the run: compare runs by it")


def markdown(data: dict[str, Any]) -> str:
    results, fits, goals = data["results"], data["exponents"], data["targets"]
    options = data["options"]
    lines = ["# Build at scale", "",
             "`python bench/build_scale.py`: synthetic roots from `bench/synthetic.py` (N copies of the curated "
             f"files, {options['rewire']:.0%} of the entity links rewired across copies), each `kuzbass build` "
             "in its own process"
             + (" with `--no-reason`" if options["no_reason"] else ", every check and the reasoner")
             + "".join(f", `--without {part}`" for part in options.get("without", []))
             + f". Figures from one run on {data['machine']['started']}; {data['machine']['cpus']} cores shared "
             "with other jobs, so times are indicative. Peak process: the largest process of the build (wait4); "
             "peak tree: summed PSS (proportional set size: pages shared by forked processes counted once) of the "
             "build's processes (workers, Java, Dask workers), sampled every second. "
             f"Inputs: commit {data['machine'].get('commit', '')[:10]}"
             + (" with uncommitted changes to the code or data" if data["machine"].get("uncommitted_inputs") else "")
             + f"; load average at the end of the run {data['machine'].get('load_average_at_end', 0):.1f}"
             + _calibration(data["machine"]) + ".", "",
             "## Targets", "", "| target | figure | met | why not |", "|---|---|---|---|"]
    for name, goal in goals.items():
        met = {True: "met", False: "**not met**", None: "not measured"}[goal["met"]]
        lines.append(f"| {name} | {goal['figure']} | {met} | {goal.get('why', '')} |")

    for mode in ("full", "distributed", "on-disk", "incremental"):
        rows = [r for r in results if mode in r]
        if not rows:
            continue
        lines += ["", f"## {mode}", ""]
        unavailable = [r for r in rows if r[mode].get("available") is False]
        if unavailable:
            lines.append(f"Not measured: {unavailable[0][mode]['reason']}.")
            continue
        if mode == "incremental":
            lines.append(f"One claim appended to `{rows[0][mode]['edited']}` (of the {rows[0]['scale']}x root; "
                         "the middle copy of that file at each scale), then a build into the full build's output.")
            lines.append("")
        if mode == "distributed":
            lines.append("`--executor dask://...` against a local Dask cluster of 2 worker processes "
                         "(started by the benchmark, not timed), `--no-cache`, clean output.")
            lines.append("")
        if mode == "on-disk":
            lines.append("`--memory-max-quads 0`: the compiled graphs in on-disk Oxigraph stores instead of memory "
                         "(what a build above the setting does), `--no-cache`, clean output.")
            lines.append("")
        head = ("| scale | claims | data + provenance triples | wall s | build total s | peak process MB | "
                "peak tree MB | peak disk MB |")
        rule = "|---|---|---|---|---|---|---|---|"
        if mode == "incremental":
            head, rule = head + " reused |", rule + "---|"
        if mode in ("distributed", "on-disk"):
            head, rule = head + " kuzbass.nq as full |", rule + "---|"
        lines += [head, rule]
        for r in rows:
            run = r[mode]
            report = run.get("report", {})
            counts = r["full"].get("report", {}).get("counts", {})
            size = size_of(r)
            cells = [f"{r['scale']}x", _fmt(counts.get("claims")), _fmt(int(size) if size else None),
                     _fmt(run["wall_seconds"]) + ("" if run["returncode"] == 0 else f" (exit {run['returncode']})"),
                     _fmt(report.get("seconds", {}).get("total")), _fmt(run["peak_rss_mb"]),
                     _fmt(run["peak_tree_rss_mb"]), _fmt(run.get("peak_disk_mb"))]
            if mode == "incremental":
                cells.append(_reuse(report))
            if mode in ("distributed", "on-disk"):
                cells.append("same bytes" if run.get("same_nq_as_full") else "differs")
            lines.append("| " + " | ".join(cells) + " |")
        again = [r for r in rows if mode == "full" and len(r.get("full_repeats", [])) > 1]
        for r in again:
            lines += ["", f"{len(r['full_repeats'])} clean builds of the {r['scale']}x root, one after another "
                      "(wall s / build total s): " + ", ".join(
                          f"{x['wall_seconds']:.2f} / {x['total'] if x.get('total') is not None else '-'}"
                          for x in r["full_repeats"]) + "; the first is the row above."]
        fit = fits.get(mode)
        steps = list(rows[-1][mode].get("report", {}).get("seconds", {}))
        if steps:
            scales = [r["scale"] for r in rows]
            lines += ["", "Seconds per step (build-report.json) and growth exponents (log-log slope against the "
                      "data + provenance triples" + (f"; n log n: {fit['n_log_n']} fitted, "
                                                     f"{fit['n_log_n_between_largest']} between the two largest "
                                                     "scales" if fit else "") + "):", "",
                      "| step | " + " | ".join(f"{s}x" for s in scales) + " | exponent between scales | fitted | "
                      "worse than n log n |", "|---|" + "---|" * len(scales) + "---|---|---|"]
            for step in ["wall", "peak tree PSS", *steps]:
                values = []
                for r in rows:
                    if step == "wall":
                        values.append(_fmt(r[mode]["wall_seconds"]))
                    elif step == "peak tree PSS":
                        values.append(_fmt(r[mode]["peak_tree_rss_mb"]) + " MB")
                    else:
                        values.append(_fmt(r[mode].get("report", {}).get("seconds", {}).get(step)))
                s = (fit or {}).get("series", {}).get(step, {})
                between = ", ".join(_fmt(v) for v in s.get("between", []) if v is not None)
                worse = "yes" if s.get("worse_than_n_log_n") else ("no" if s else "")
                lines.append(f"| {step} | " + " | ".join(values)
                             + f" | {between} | {_fmt(s.get('fitted'))} | {worse} |")

    refs = [r for r in results if "reference" in r]
    if refs:
        lines += ["", "## Reference: pyoxigraph bare load of the build's kuzbass.nq", "",
                  "`pyoxigraph.Store().bulk_load(path=..., format=N_QUADS)` in a subprocess, timed inside it.", "",
                  "| scale | quads | kuzbass.nq MB | load s | peak MB | full build wall / load |",
                  "|---|---|---|---|---|---|"]
        for r in refs:
            ref = r["reference"]
            ratio = r["full"]["wall_seconds"] / ref["seconds"] if ref.get("seconds") else None
            lines.append(f"| {r['scale']}x | {_fmt(ref.get('quads'))} | {_fmt(ref['nq_bytes'] / 2**20)} | "
                         f"{_fmt(ref.get('seconds'))} | {_fmt(ref['peak_rss_mb'])} | {_fmt(ratio)} |")
    lines += ["", "## Synthetic roots", "", "| scale | files | curated quads | claims | entity links in claims | "
              "rewired | generate s |", "|---|---|---|---|---|---|---|"]
    for r in results:
        s = r["synthetic"]
        lines.append(f"| {r['scale']}x | {_fmt(s['files'])} | {_fmt(s['curated_quads'])} | {_fmt(s['claims'])} | "
                     f"{_fmt(s['entity_references_in_claims'])} | {_fmt(s['references_rewired'])} | "
                     f"{_fmt(r['generate_seconds'])} |")
    lines += ["", f"A step grows worse than n log n when its exponent between the two largest scales exceeds n log "
              f"n's there by more than {NLOGN_MARGIN} and it takes {MIN_SECONDS:.0f} s or more at the largest scale."]
    return "\n".join(lines) + "\n"


def write_report(data: dict[str, Any], results_dir: Path) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "build-scale.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (results_dir / "build-scale.md").write_text(markdown(data), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--with-1000", action="store_true", help="Add the 1000x scale (hours today).")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES),
                        help="full always runs (the others start from it).")
    parser.add_argument("--no-reason", action="store_true", help="Build with --no-reason (no HermiT, no profile).")
    parser.add_argument("--without", action="append", default=[], choices=["site", "analysis"],
                        help="Build with --without PART (repeatable): the data build alone at large scales.")
    parser.add_argument("--work", type=Path, help="Folder for the roots and builds (default: a temporary one).")
    parser.add_argument("--keep", action="store_true", help="Keep the work folder.")
    parser.add_argument("--timeout", type=float, help="Seconds a build may take before it is killed.")
    parser.add_argument("--rewire", type=float, default=0.05, help="Share of entity links rewired across copies.")
    parser.add_argument("--repeat-1x", type=int, default=5,
                        help="Clean builds of the 1x root (the target is held to their median wall time).")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Where build-scale.{json,md} go.")
    parser.add_argument("--report-only", action="store_true", help="Rewrite the .md from the .json.")
    args = parser.parse_args()
    if args.report_only:
        data = json.loads((args.results / "build-scale.json").read_text(encoding="utf-8"))
        data["exponents"] = {mode: exponents(data["results"], mode) for mode in FITTED}
        data["targets"] = targets(data["results"], data["exponents"], data["machine"])
        write_report(data, args.results)
        return
    scales = sorted(set(args.scales + ([1000] if args.with_1000 else [])))
    work = args.work or Path(tempfile.mkdtemp(prefix="kz-build-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M")
    disk_free_gb = round(shutil.disk_usage(work).free / 2**30, 1)
    results = []
    inputs = revision()
    calibration = [calibration_seconds()]
    try:
        source = snapshot(work)
        for scale in scales:
            results.append(run_scale(scale, work, source, args.modes, no_reason=args.no_reason, timeout=args.timeout,
                                     rewire=args.rewire, without=tuple(args.without),
                                     repeats=args.repeat_1x if scale == 1 else 1))
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    calibration.append(calibration_seconds())
    fits = {mode: exponents(results, mode) for mode in FITTED}
    data = {
        "machine": {"started": started, "python": platform.python_version(), "cpus": len(os.sched_getaffinity(0)),
                    "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                    "pyoxigraph": ox.__version__, "load_average_at_end": os.getloadavg()[0],
                    "disk_free_gb": disk_free_gb, "calibration_seconds": calibration} | inputs,
        "options": {"scales": scales, "modes": args.modes, "no_reason": args.no_reason, "rewire": args.rewire,
                    "without": args.without},
        "results": results, "exponents": fits,
    }
    data["targets"] = targets(results, fits, data["machine"])
    write_report(data, args.results)
    print(json.dumps(data["targets"], indent=2))


if __name__ == "__main__":
    main()
