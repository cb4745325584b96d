"""Dumps: portable formats, base IRI rewriting, atomic replacement of the output folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.publishing.dumps import DumpFormat, atomic_folder
from kuzbass_graph.validation import Check

FAST = frozenset({Check.REASONER})


def test_build_writes_every_dump_and_a_report(settings: Settings) -> None:
    build_project(settings, skip=FAST)
    for fmt in DumpFormat:
        assert (settings.out / fmt.value).stat().st_size > 0
    report = json.loads((settings.out / "build-report.json").read_text())
    assert report["counts"]["claims"] == 4
    assert report["sources"]["mini"]["passages"] == 3


def test_dumps_load_in_rdflib_and_agree(settings: Settings) -> None:
    build_project(settings, skip=FAST)
    ttl = rdflib.Graph().parse(settings.out / "kuzbass.ttl", format="turtle")
    nt = rdflib.Graph().parse(settings.out / "kuzbass.nt", format="nt")
    assert len(ttl) == len(nt) > 0
    dataset = rdflib.Dataset()
    dataset.parse(settings.out / "kuzbass.nq", format="nquads")
    names = {str(g.identifier) for g in dataset.graphs()}
    assert {"https://w3id.org/kuzbass/graph/ontology", "https://w3id.org/kuzbass/graph/data",
            "https://w3id.org/kuzbass/graph/provenance"} <= names
    claims = rdflib.Dataset()
    claims.parse(settings.out / "kuzbass-claims.trig", format="trig")
    assert "https://w3id.org/kuzbass/id/claim/L003-alice-head" in {str(g.identifier) for g in claims.graphs()}


def test_base_iri_is_rewritten_everywhere(project: Path) -> None:
    settings = Settings.load(root=project, base_iri="https://example.org/kz/")
    build_project(settings, skip=FAST)
    text = (settings.out / "kuzbass.nt").read_text()
    assert "https://example.org/kz/id/person/alice-smith" in text
    assert "<https://w3id.org/kuzbass" not in text


def test_failed_build_leaves_the_previous_output_intact(project: Path, settings: Settings) -> None:
    build_project(settings, skip=FAST)
    before = (settings.out / "kuzbass.nt").read_bytes()
    path = project / "data" / "triples" / "mini.trig"
    path.write_text(path.read_text().replace('"who headed it until 1925"', '"who headed it until 1930"'))
    with pytest.raises(Exception, match="problem"):
        build_project(settings, skip=FAST)
    assert (settings.out / "kuzbass.nt").read_bytes() == before
    assert not list(settings.out.parent.glob(".dist.tmp-*"))


def test_atomic_folder_discards_partial_output_on_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_folder(out) as folder:
        (folder / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder(out) as folder:
        (folder / "new.txt").write_text("new")
        raise RuntimeError("half-way")
    assert (out / "old.txt").read_text() == "old" and not (out / "new.txt").exists()
    with atomic_folder(out) as folder:
        (folder / "new.txt").write_text("new")
    assert (out / "new.txt").exists() and not (out / "old.txt").exists()
