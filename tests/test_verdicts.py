"""The Java checks' answers kept by their exact input (build/verdicts.py): reused when the input is the same
(blank nodes named anew by every load), a miss when the ontology or the data in scope changes, and a cached
answer reports the same problems as the run it was kept from."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuzbass_graph.build.verdicts import VerdictCache, canonical_key
from kuzbass_graph.compile import compile_workspace
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import ValidationFailed
from kuzbass_graph.loader import load_workspace
from kuzbass_graph.ontology import index_ontology
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.validation.abox import abox_scope
from tests.fixture_project import CURATED, make_project

BROKEN = CURATED.replace("place:testtown a kz:Settlement", "place:testtown a kz:Settlement, kz:Person")


def _key(root: Path) -> str:
    ws = load_workspace(Settings.load(root=root))
    compiled = compile_workspace(ws, index_ontology(ws.store))
    return canonical_key("reasoner", abox_scope(ws, compiled).triples)


def test_the_key_is_the_input_not_the_load(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    assert _key(root) == _key(root)  # the ontology's blank nodes get new names on each load
    other = make_project(tmp_path / "q", curated=BROKEN)
    assert _key(other) != _key(root)
    (root / "ontology" / "extra.ttl").write_text(
        "@prefix kz: <https://w3id.org/kuzbass/ontology#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "kz:Extra a owl:Class .\n")
    assert _key(root) != _key(make_project(tmp_path / "r"))


def test_an_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    cache.put("reasoner", "k", [True, []])
    assert cache.get("reasoner", "k") == [True, []] and cache.reused == ["reasoner"]
    (tmp_path / "reasoner-k.json").write_text("{not json")
    assert cache.get("reasoner", "k") is None
    assert VerdictCache(None).get("reasoner", "k") is None


@pytest.mark.reasoner
def test_a_second_build_starts_no_jvm_and_reports_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    settings = Settings.load(root=root, out=tmp_path / "out")
    first = build_project(settings, without=frozenset(), skip=frozenset())
    assert "Java checks' answers reused" not in first

    def no_java(*args: object, **kwargs: object) -> object:
        raise AssertionError("a JVM was started for an input whose answer is kept")

    monkeypatch.setattr("kuzbass_graph.validation.owl_program.run_owl_program", no_java)
    monkeypatch.setattr("kuzbass_graph.validation.reasoner._run_hermit", no_java)
    monkeypatch.setattr("kuzbass_graph.validation.profile.run_checker", no_java)
    second = build_project(settings, without=frozenset(), skip=frozenset())
    assert "Java checks' answers reused: profile, reasoner" in second


@pytest.mark.reasoner
def test_a_kept_inconsistency_is_reported_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p", curated=BROKEN)
    settings = Settings.load(root=root, out=tmp_path / "out")
    with pytest.raises(ValidationFailed) as first:
        build_project(settings, without=frozenset(), skip=frozenset())
    monkeypatch.setattr("kuzbass_graph.validation.owl_program.run_owl_program",
                        lambda *args, **options: pytest.fail("a JVM started again"))
    with pytest.raises(ValidationFailed) as second:
        build_project(settings, without=frozenset(), skip=frozenset())
    assert [str(p) for p in second.value.problems] == [str(p) for p in first.value.problems]
    assert any("testtown" in str(p) for p in second.value.problems)
