"""The per-file stage of the build: units, their cache, and the executors give the bytes of a clean build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kuzbass_graph.build.cache import UnitCache
from kuzbass_graph.build.executor import LocalExecutor, SerialExecutor, open_executor
from kuzbass_graph.compile import DATA_GRAPH, PROVENANCE_GRAPH, compile_workspace, file_units
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import ConfigError
from kuzbass_graph.loader import load_workspace
from kuzbass_graph.ontology import index_ontology
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.validation import Check
from tests.fixture_project import ALICE, CURATED, STAFF_CLAIM, make_project

FAST = frozenset({Check.REASONER, Check.PROFILE})
PREFIXES = CURATED[:CURATED.index("\nperson:alice-smith")]
SPLIT = CURATED.index("claim:L005-staff {")


def split_project(folder: Path) -> Path:
    """The fixture project with its claims in two files: mini.trig (entities, line 3) and staff.trig (line 5)."""
    make_project(folder, curated=CURATED[:SPLIT])
    (folder / "data" / "triples" / "staff.trig").write_text(PREFIXES + "\n" + CURATED[SPLIT:], encoding="utf-8")
    return folder


def edit_staff(folder: Path) -> None:
    path = folder / "data" / "triples" / "staff.trig"
    text = path.read_text(encoding="utf-8")
    line = "    person:bob-jones kz:led organization:widget-works .\n"
    assert line in text
    path.write_text(text.replace(line, line + "    person:alice-smith kz:led organization:widget-works .\n"),
                    encoding="utf-8")


def published_files(out: Path) -> dict[str, bytes]:
    """Every file of a build except its timings report and the store's own database files."""
    build = (out / "current").resolve()
    return {p.relative_to(build).as_posix(): p.read_bytes() for p in sorted(build.rglob("*"))
            if p.is_file() and p.name != "build-report.json" and "store" not in p.relative_to(build).parts}


def units_report(out: Path) -> dict[str, object]:
    return json.loads((out / "build-report.json").read_text())["units"]  # type: ignore[no-any-return]


def test_units_of_split_files_compile_to_the_graph_of_one_file(tmp_path: Path) -> None:
    one = Settings.load(root=make_project(tmp_path / "one"))
    two = Settings.load(root=split_project(tmp_path / "two"))
    whole = [compile_workspace(ws, index_ontology(ws.store)) for ws in (load_workspace(one), load_workspace(two))]
    graphs = [sorted(str(q) for q in c.store if q.graph_name in (DATA_GRAPH, PROVENANCE_GRAPH)) for c in whole]
    assert graphs[0] == graphs[1]
    assert whole[0].counts["data"] == whole[1].counts["data"] > 0


def test_a_build_after_editing_one_file_reuses_the_others_and_equals_a_clean_build(tmp_path: Path) -> None:
    project = split_project(tmp_path / "project")
    settings = Settings.load(root=project, out=tmp_path / "incremental", executor="serial")
    build_project(settings, skip=FAST)
    assert units_report(settings.out)["compiled"] == 2
    build_project(Settings.load(root=project, out=tmp_path / "before", executor="serial", cache=False), skip=FAST)
    edit_staff(project)
    summary = build_project(settings, skip=FAST)
    report = units_report(settings.out)
    assert (report["reused"], report["compiled"], report["compiled files"]) == (1, 1, ["staff.trig"])
    assert "files compiled 1, reused 1" in summary
    clean = Settings.load(root=project, out=tmp_path / "clean", executor="serial", cache=False)
    build_project(clean, skip=FAST)
    assert units_report(clean.out)["reused"] == 0
    incremental, fresh = published_files(settings.out), published_files(clean.out)
    assert incremental.keys() == fresh.keys() and len(fresh) > 20
    assert [name for name in fresh if incremental[name] != fresh[name]] == []
    mention = (f"<{ALICE}> <https://w3id.org/kuzbass/ontology#mentionedIn> <{STAFF_CLAIM}> .").encode()
    assert mention in fresh["kuzbass.nt"] and mention not in published_files(tmp_path / "before")["kuzbass.nt"]


def test_a_changed_ontology_or_code_misses_every_unit(tmp_path: Path) -> None:
    project = split_project(tmp_path / "project")
    cache = UnitCache(tmp_path / "cache")
    ws = load_workspace(Settings.load(root=project))
    onto = index_ontology(ws.store)
    file_units(ws, onto, cache=cache)
    again = UnitCache(tmp_path / "cache")
    file_units(ws, onto, cache=again)
    assert (len(again.reused), len(again.compiled)) == (2, 0)
    with (project / "ontology" / "kuzbass.ttl").open("a", encoding="utf-8") as f:
        f.write("\n# a comment changes the ontology's bytes\n")
    ws = load_workspace(Settings.load(root=project))
    changed = UnitCache(tmp_path / "cache")
    file_units(ws, index_ontology(ws.store), cache=changed)
    assert (len(changed.reused), len(changed.compiled)) == (0, 2)
    assert len(list((tmp_path / "cache").glob("*.unit"))) == 2  # the entries of the old ontology are gone


def test_a_corrupt_cache_entry_is_compiled_again(tmp_path: Path) -> None:
    ws = load_workspace(Settings.load(root=split_project(tmp_path / "project")))
    onto = index_ontology(ws.store)
    first = file_units(ws, onto, cache=UnitCache(tmp_path / "cache"))
    for entry in (tmp_path / "cache").glob("*.unit"):
        entry.write_bytes(b"not a pickle")
    cache = UnitCache(tmp_path / "cache")
    assert file_units(ws, onto, cache=cache) == first
    assert len(cache.compiled) == 2


def test_the_local_pool_gives_the_units_of_one_process(tmp_path: Path) -> None:
    ws = load_workspace(Settings.load(root=split_project(tmp_path / "project")))
    onto = index_ontology(ws.store)
    assert file_units(ws, onto, executor=LocalExecutor(2)) == file_units(ws, onto, executor=SerialExecutor())


@pytest.mark.parametrize(("spec", "message"), [
    ("dask://nohost", "names no host and port"), ("local:two", "must be a number"), ("ray://x:1", "unknown executor"),
])
def test_a_bad_executor_names_the_fix(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        open_executor(spec)
    assert caught.value.hint


def test_an_unreachable_scheduler_says_so(tmp_path: Path) -> None:
    from tests.engines import free_port

    with pytest.raises(ConfigError, match="no Dask scheduler answers") as caught:
        open_executor(f"dask://127.0.0.1:{free_port()}")
    assert "--executor local" in (caught.value.hint or "")


@contextmanager
def dask_cluster(workers: int) -> Iterator[str]:
    """A Dask scheduler and `workers` single-threaded workers on loopback, started as a user would (the
    `dask` command), stopped afterwards; yields the scheduler's host:port once every worker has joined."""
    from tests.engines import free_port, wait_for

    port = free_port()
    address = f"127.0.0.1:{port}"
    dask = [str(Path(sys.executable).with_name("dask"))]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    started = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                **quiet)]  # type: ignore[call-overload]
    try:
        wait_for(port, seconds=60)
        started += [subprocess.Popen([*dask, "worker", f"tcp://{address}", "--nthreads", "1", "--no-dashboard",
                                      "--host", "127.0.0.1"], **quiet) for _ in range(workers)]  # type: ignore[call-overload]
        subprocess.run([sys.executable, "-c", "import sys; from distributed import Client; "
                        "c = Client(sys.argv[1]); c.wait_for_workers(int(sys.argv[2]), timeout=90); c.close()",
                        f"tcp://{address}", str(workers)], check=True, timeout=120, **quiet)
        yield address
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            process.wait(timeout=30)


def test_a_dask_cluster_of_two_workers_builds_the_bytes_of_the_local_pool(tmp_path: Path) -> None:
    project = split_project(tmp_path / "project")
    kuzbass = str(Path(sys.executable).with_name("kuzbass"))
    common = ["build", "--root", str(project), "--skip", "reasoner", "--skip", "profile", "--no-cache"]
    subprocess.run([kuzbass, *common, "--out", str(tmp_path / "local")], check=True, capture_output=True)
    with dask_cluster(2) as address:
        done = subprocess.run([kuzbass, *common, "--out", str(tmp_path / "dask"), "--executor", f"dask://{address}"],
                              check=True, capture_output=True, text=True)
    assert f"(dask (tcp://{address}, 2 workers))" in done.stdout
    assert units_report(tmp_path / "dask")["executor"] == f"dask (tcp://{address}, 2 workers)"
    assert str(units_report(tmp_path / "local")["executor"]).startswith("local (")
    assert published_files(tmp_path / "dask") == published_files(tmp_path / "local")


def test_the_cache_can_be_turned_off_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = split_project(tmp_path / "project")
    monkeypatch.setenv("KUZBASS_CACHE", "off")
    assert Settings.load(root=project).cache is False
    monkeypatch.setenv("KUZBASS_CACHE", "maybe")
    with pytest.raises(ConfigError, match="neither on nor off"):
        Settings.load(root=project)
    monkeypatch.setenv("KUZBASS_EXECUTOR", "serial")
    monkeypatch.setenv("KUZBASS_CACHE", "on")
    assert Settings.load(root=project).executor == "serial" and os.environ["KUZBASS_CACHE"] == "on"


def test_a_build_without_site_and_analysis_still_writes_the_checked_dumps_and_store(tmp_path: Path) -> None:
    from kuzbass_graph.build.parts import Part

    project = split_project(tmp_path / "project")
    whole = Settings.load(root=project, out=tmp_path / "whole")
    build_project(whole, skip=FAST)
    lean = Settings.load(root=project, out=tmp_path / "lean")
    summary = build_project(lean, skip=FAST, without=frozenset({Part.SITE, Part.ANALYSIS}))
    assert "without site; without analysis" in summary
    built = (lean.out / "current").resolve()
    assert not (built / "site").exists() and not (built / "analysis").exists() and (built / "store").is_dir()
    assert b"/graph/analysis>" in (whole.out / "kuzbass.nq").read_bytes()
    assert b"/graph/analysis>" not in (lean.out / "kuzbass.nq").read_bytes()
    assert (lean.out / "kuzbass.ttl").read_bytes() != b""
    with pytest.raises(ConfigError, match="drawn from the analysis"):
        build_project(lean, skip=FAST, without=frozenset({Part.ANALYSIS}))


def test_on_disk_stores_build_the_bytes_of_in_memory_ones_and_leave_no_scratch(tmp_path: Path) -> None:
    project = split_project(tmp_path / "project")
    memory = Settings.load(root=project, out=tmp_path / "memory", cache=False)
    disk = Settings.load(root=project, out=tmp_path / "disk", cache=False, memory_max_quads=0)
    stale = disk.scratch / "999999999-left"  # a scratch folder of a build whose process is gone
    (stale / "stores").mkdir(parents=True)
    build_project(memory, skip=FAST)
    build_project(disk, skip=FAST)
    assert (units_report(memory.out)["stores"], units_report(disk.out)["stores"]) == ("in memory", "on disk")
    assert list(disk.scratch.iterdir()) == []
    built_memory, built_disk = published_files(memory.out), published_files(disk.out)
    assert len(built_memory) > 20 and (disk.out / "current" / "site").is_dir()
    assert [name for name in built_memory if built_disk.get(name) != built_memory[name]] == []


def test_units_compiled_in_batches_are_those_of_one_batch(tmp_path: Path) -> None:
    from kuzbass_graph.compile import iter_file_units

    ws = load_workspace(Settings.load(root=split_project(tmp_path / "project")))
    onto = index_ontology(ws.store)
    one_by_one = list(iter_file_units(ws, onto, batch_bytes=1))
    assert len(one_by_one) == 2 and one_by_one == file_units(ws, onto)
