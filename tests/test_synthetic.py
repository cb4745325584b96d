"""bench/synthetic.py: synthetic project roots are deterministic, keep the curated quads, and validate."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rich.console import Console

from kuzbass_graph.config import Settings
from kuzbass_graph.loader import load_workspace
from kuzbass_graph.namespaces import ID, KZ, RDFS_LABEL, SOURCE
from kuzbass_graph.ontology import index_ontology
from kuzbass_graph.pipeline import run_checks
from kuzbass_graph.validation.labels import check_labels
from kuzbass_graph.validation.provenance import check_claims
from tests.fixture_project import ROOT

GENERATOR = ROOT / "bench" / "synthetic.py"
COPY_SUFFIX = re.compile(r"-c1$")
NAMED_IN_COPY = re.compile(r"(?<=[a-z0-9])-c1(?![\w-])")


def generate(out: Path, scale: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(GENERATOR), "--scale", str(scale), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)


def curated_quads(root: Path) -> list[ox.Quad]:
    files = sorted((root / "data" / "triples").glob("*.trig")) + sorted((root / "data" / "links").glob("*.trig"))
    return [q for path in files for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)]


def without_blank_nodes(quads: list[ox.Quad]) -> set[ox.Quad]:
    return {q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def strip_copy(term: Any) -> Any:
    """A term of copy 1 as the curated files have it."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(ID):
        return ox.NamedNode(COPY_SUFFIX.sub("", term.value))
    if isinstance(term, ox.Literal) and term.language:  # labels, and notes naming entities of the copy
        return ox.Literal(NAMED_IN_COPY.sub("", term.value.removesuffix(" (c1)")), language=term.language)
    return term


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "kz-2"
    done = generate(out, 2)
    assert done.returncode == 0, done.stderr
    return out


def test_same_bytes_twice(two: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert generate(again, 2).returncode == 0
    first, second = files_of(two), files_of(again)
    assert first == second
    assert len([name for name in first if name.startswith("data/triples/")]) == \
        2 * len(list((ROOT / "data" / "triples").glob("*.trig")))


def test_one_copy_parses_to_the_curated_quads(tmp_path: Path) -> None:
    assert generate(tmp_path / "kz-1", 1).returncode == 0
    real, copy = curated_quads(ROOT), curated_quads(tmp_path / "kz-1")
    assert len(copy) == len(real)
    assert without_blank_nodes(copy) == without_blank_nodes(real)
    blank_objects = [sum(isinstance(q.object, ox.BlankNode) for q in quads) for quads in (copy, real)]
    assert blank_objects[0] == blank_objects[1] > 0


def test_copies_are_renamed_and_rewired(two: Path) -> None:
    real = without_blank_nodes(curated_quads(ROOT))
    copy_files = sorted((two / "data" / "triples").glob("*-c1.trig"))
    copy1 = [q for path in copy_files for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)]
    both = curated_quads(two)
    assert len(both) == 2 * len(curated_quads(ROOT))
    # undoing copy 1's renaming gives back the curated statements, nothing else
    stripped = {ox.Quad(strip_copy(q.subject), q.predicate, strip_copy(q.object), strip_copy(q.graph_name))
                for q in without_blank_nodes(both)}
    assert stripped == real
    # copy 1 declares its own entities and claims, with its own labels, and cites the same passages
    subjects = {q.subject.value for q in copy1 if isinstance(q.subject, ox.NamedNode)}
    assert subjects and all(s.endswith("-c1") for s in subjects)
    labels = [q.object.value for q in copy1 if q.predicate.value == RDFS_LABEL and q.graph_name == ox.DefaultGraph()]
    assert labels and all(label.endswith(" (c1)") for label in labels)
    passages = {q.object.value for q in copy1 if q.predicate.value == KZ + "passage"}
    assert passages and all(p.startswith(SOURCE) for p in passages)
    # some statements of each copy point into the other copy
    into_copy0 = [q for q in copy1 if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(ID)
                  and not q.object.value.startswith(SOURCE) and not q.object.value.endswith("-c1")]
    assert into_copy0 and all(q.graph_name.value.endswith("-c1") for q in into_copy0)


def test_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    done = generate(tmp_path, 2)
    assert done.returncode != 0 and "not empty" in done.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.slow
@pytest.mark.reasoner
def test_two_copies_pass_every_check_strictly(two: Path) -> None:
    outcome = run_checks(Settings.load(root=two, out=two / "dist"), skip=frozenset(), console=Console(quiet=True),
                         strict=True)
    assert outcome.report.problems == []
    assert {str(c) for c in outcome.report.ran} >= {"claims", "duplicates", "labels", "descriptions", "shapes",
                                                    "reasoner"}
    assert outcome.compiled.counts["claims"] == 2 * len({q.subject.value for q in curated_quads(ROOT)
                                                          if q.predicate.value == KZ + "quote"})


def test_the_benchmark_edit_appends_a_claim_that_passes_the_claim_checks(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """bench/build_scale.py's incremental mode appends a claim to one file: a new claim, quote-valid."""
    spec = importlib.util.spec_from_file_location("build_scale", ROOT / "bench" / "build_scale.py")
    assert spec and spec.loader
    build_scale = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_scale", build_scale)  # its dataclasses look their module up
    spec.loader.exec_module(build_scale)
    root = tmp_path / "kz-2"
    assert generate(root, 2).returncode == 0
    edited = root / "data" / "triples" / "05-modernization-c1.trig"
    claim = build_scale.append_claim(edited, "-c1")
    assert claim.endswith("-bench-edit-c1")
    ws = load_workspace(Settings.load(root=root, out=root / "dist"))
    record = next(f for f in ws.files if f.path.name == edited.name)
    assert claim in record.claims
    problems = check_claims(ws) + check_labels(ws, index_ontology(ws.store))
    assert problems == []
