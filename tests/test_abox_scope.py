"""What the OWL checks read: the whole ontology, and the data whole up to `reason_max_triples`, else the
modules of some curated files; a disjointness clash is found either way, and the build report says which."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rich.console import Console

from kuzbass_graph.compile import DATA_GRAPH, Compiled, compile_workspace
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import ConfigError
from kuzbass_graph.loader import Workspace, load_workspace
from kuzbass_graph.namespaces import ID
from kuzbass_graph.ontology import OntologyIndex, index_ontology
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.validation import Check, abox, reasoner
from kuzbass_graph.validation.abox import abox_scope, file_order, module
from kuzbass_graph.validation.reasoner import _run_hermit as run_hermit
from kuzbass_graph.validation.reasoner import check_reasoner, published_owl
from tests.fixture_project import ALICE, ROOT, TOWN, make_project

CHIMERA = ID + "person/chimera"
# a second curated file whose one claim types an entity as both a person and a settlement (disjoint); the
# other file's entities do not name it
CLASH = """@prefix kz: <https://w3id.org/kuzbass/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix person: <https://w3id.org/kuzbass/id/person/> .
@prefix place: <https://w3id.org/kuzbass/id/place/> .
@prefix claim: <https://w3id.org/kuzbass/id/claim/> .
@prefix src: <https://w3id.org/kuzbass/id/source/mini/> .

person:chimera rdfs:label "Chimera"@en .

claim:L005-chimera {
    person:chimera a kz:Person, kz:Settlement ; kz:expelledFrom place:testtown .
}
claim:L005-chimera kz:passage src:L005 ; kz:quote "Bob Jones" .
"""


def clash_file(*, first: bool) -> str:
    """A name for the clash file whose module comes before (or after) mini.trig's in the file order."""
    def key(name: str) -> str:
        return hashlib.sha256(f"data/triples/{name}".encode()).hexdigest()

    return next(name for name in (f"chimera-{i}.trig" for i in range(100))
                if (key(name) < key("mini.trig")) == first)


def project(tmp_path: Path, *, clash: bool = True, clash_first: bool = True,
            limit: int | None = None) -> tuple[Workspace, Compiled, OntologyIndex]:
    root = make_project(tmp_path / "p")
    if clash:
        (root / "data" / "triples" / clash_file(first=clash_first)).write_text(CLASH, encoding="utf-8")
    ws = load_workspace(Settings.load(root=root, reason_max_triples=limit))
    onto = index_ontology(ws.store)
    return ws, compile_workspace(ws, onto), onto


def data_triples(compiled: Compiled) -> set[ox.Triple]:
    return {q.triple for q in compiled.store.quads_for_pattern(None, None, None, DATA_GRAPH)}


def test_under_the_limit_the_whole_data_graph_goes_to_the_checks(tmp_path: Path) -> None:
    ws, compiled, _ = project(tmp_path, clash=False)
    scope = abox_scope(ws, compiled)
    assert not scope.bounded and scope.limit == 50_000
    assert sorted(map(str, scope.triples)) == sorted(map(str, published_owl(compiled)))
    described = scope.describe()
    assert described["abox"] == "all the data graph" and "modules" not in described
    assert described["data triples"] == described["data triples in the graph"] == len(data_triples(compiled))
    assert abox_scope(ws, compiled, limit=0).data_total == len(scope.data)  # 0: no limit


def test_a_module_holds_what_a_file_cites_and_describes_and_the_types_of_what_it_names(tmp_path: Path) -> None:
    ws, compiled, _ = project(tmp_path)
    [chimera_file] = [f for f in ws.files if f.path.name.startswith("chimera-")]
    part = module(compiled.store, chimera_file)
    subjects = {t.subject.value for t in part}
    assert CHIMERA in subjects and TOWN in subjects  # Testtown: named by the claim, so its types and label
    assert {t.predicate.value.rsplit("#", 1)[-1] for t in part if t.subject.value == TOWN} == {"type", "label"}
    assert ALICE not in subjects  # the other file's entity, not named here
    assert part <= data_triples(compiled)


@pytest.mark.reasoner
@pytest.mark.parametrize("clash_in_sample", [True, False])
def test_a_disjointness_clash_in_one_file_is_found_when_the_abox_is_bounded(
        tmp_path: Path, clash_in_sample: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """HermiT finds the clash when the file's module is in the sample; the check of all the data's types
    against the disjoint classes finds it when not."""
    hermit_said: list[bool] = []

    def spy(nt: bytes, **options: Path | None) -> tuple[bool, list[str]]:
        consistent, unsatisfiable = run_hermit(nt, **options)
        hermit_said.append(consistent)
        return consistent, unsatisfiable

    monkeypatch.setattr(reasoner, "_run_hermit", spy)
    ws, compiled, onto = project(tmp_path, clash_first=clash_in_sample)
    order = file_order(ws)
    assert order[0].path.name.startswith("chimera-") == clash_in_sample
    first, second = (module(compiled.store, f) for f in order)
    limit = len(first)  # room for the first module in the order, not for both
    assert limit < len(first | second) < len(data_triples(compiled))
    scope = abox_scope(ws, compiled, limit=limit)
    assert scope.bounded and len(scope.data) == limit
    names = [f.path.relative_to(ws.settings.root).as_posix() for f in order]
    assert (scope.modules, scope.left_out) == ([names[0]], [names[1]])
    problems = check_reasoner(ws, compiled, onto, scope=scope)
    assert [p.focus for p in problems] == [CHIMERA]
    assert problems[0].message.endswith("would be both kz:Agent and kz:Place, which are disjoint")
    assert hermit_said == [not clash_in_sample]
    assert problems[0].path is not None and problems[0].path.name.startswith("chimera-")


@pytest.mark.reasoner
def test_the_build_report_names_what_was_reasoned_over(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "data" / "triples" / "extra.trig").write_text(CLASH.replace(", kz:Settlement", ""), encoding="utf-8")
    ws = load_workspace(Settings.load(root=root))
    compiled = compile_workspace(ws, index_ontology(ws.store))
    limit = max(len(module(compiled.store, f)) for f in ws.files)
    settings = Settings.load(root=root, out=tmp_path / "dist", reason_max_triples=limit)
    build_project(settings, skip=frozenset({Check.SHAPES}), console=Console(quiet=True))
    report = json.loads((tmp_path / "dist" / "build-report.json").read_text(encoding="utf-8"))
    assert {"profile", "reasoner"} <= set(report["checks"])
    reasoned = report["reasoned"]
    assert reasoned["limit"] == limit and 0 < reasoned["data triples"] <= limit
    assert reasoned["data triples in the graph"] == report["counts"]["data"]
    assert reasoned["ontology triples"] == report["counts"]["ontology"]
    assert len(reasoned["modules"]) == 1 and len(reasoned["left out"]) == 1
    assert set(reasoned["modules"] + reasoned["left out"]) == {"data/triples/extra.trig", "data/triples/mini.trig"}
    assert "modules of 1 of 2 curated files" in reasoned["abox"]


def test_the_limit_comes_from_the_flag_then_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    assert Settings.load(root=root).reason_max_triples == 50_000
    monkeypatch.setenv("KUZBASS_REASON_MAX_TRIPLES", "5000")
    assert Settings.load(root=root).reason_max_triples == 5000
    assert Settings.load(root=root, reason_max_triples=0).reason_max_triples == 0
    monkeypatch.setenv("KUZBASS_REASON_MAX_TRIPLES", "lots")
    with pytest.raises(ConfigError, match="KUZBASS_REASON_MAX_TRIPLES='lots' is not a whole number"):
        Settings.load(root=root)


@pytest.mark.slow
def test_the_real_graph_is_reasoned_over_in_full() -> None:
    ws = load_workspace(Settings.load(root=ROOT))
    compiled = compile_workspace(ws, index_ontology(ws.store))
    scope = abox_scope(ws, compiled)
    assert not scope.bounded and scope.data_total < scope.limit
    assert len(scope.triples) == len(published_owl(compiled))


def test_after_three_modules_too_large_the_rest_are_left_out_unread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    for i in range(4):
        (root / "data" / "triples" / f"more-{i}.trig").write_text(CLASH.replace("chimera", f"chimera-{i}"),
                                                                  encoding="utf-8")
    ws = load_workspace(Settings.load(root=root))
    compiled = compile_workspace(ws, index_ontology(ws.store))
    read: list[str] = []

    def counting(store: ox.Store, record: object) -> set[ox.Triple]:
        read.append(record.path.name)  # type: ignore[attr-defined]
        return module(store, record)  # type: ignore[arg-type]

    monkeypatch.setattr(abox, "module", counting)
    scope = abox_scope(ws, compiled, limit=1)
    assert scope.bounded and scope.data == [] and scope.modules == []
    assert read == [f.path.name for f in file_order(ws)][:3] and len(scope.left_out) == 5
    assert scope.describe()["abox"].startswith("the modules of 0 of 5 curated files")  # type: ignore[union-attr]
