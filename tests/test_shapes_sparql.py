"""The SHACL shapes as SPARQL queries on Oxigraph (the build's check) give pyshacl's results.

Corpora (tests/fixtures/shapes/): bad-data.trig breaks every constraint of ontology/shapes.ttl beside the
real ontology; more-shapes.ttl and more-data.ttl use the components, targets and paths that the project's
shapes do not use yet.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kuzbass_graph.compile import PROVENANCE_GRAPH, Compiled, compile_workspace
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import InputError, Severity
from kuzbass_graph.loader import ONTOLOGY_GRAPH, Workspace, load_workspace
from kuzbass_graph.locate import locate_iri
from kuzbass_graph.namespaces import KZ, RDF, SH
from kuzbass_graph.ontology import index_ontology
from kuzbass_graph.validation.line_index import LineIndex
from kuzbass_graph.validation.shacl_sparql import Finding, Shapes
from kuzbass_graph.validation.shapes import Engine, check_shapes, findings, load_shapes, problems_of
from tests.fixture_project import ROOT, WIDGET_WORKS, make_project

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SHAPES = ROOT / "ontology" / "shapes.ttl"
BAD = "https://w3id.org/kuzbass/id/bad/"
EX = "http://example.org/"


def ontology_store(data: Path | None = None) -> ox.Store:
    store = ox.Store()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != "shapes.ttl":
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
    if data is not None:
        store.load(path=str(data), format=ox.RdfFormat.TRIG)
    return store


def both(store: ox.Store, shapes: Shapes) -> tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]]]:
    sparql = Counter(f.key() for f in findings(store, shapes))
    reference = Counter(f.key() for f in findings(store, shapes, engine=Engine.PYSHACL))
    return sparql, reference


def uncovered(shapes: Shapes, found: list[Finding]) -> list[str]:
    """The constraints (source shape, component) that no finding breaks."""
    broken = {(f.shape, f.component) for f in found}
    return [f"{shape.name} sh:{c.parameter}" for shape, c in shapes.constraints()
            if (shape.name, c.component) not in broken]


def test_the_corpus_breaks_every_shape_and_every_constraint_of_the_project() -> None:
    shapes = load_shapes(SHAPES)
    found = findings(ontology_store(FIXTURES / "bad-data.trig"), shapes)
    assert uncovered(shapes, found) == []
    assert {s.name for s in shapes.targeted} == {f.shape.split(" sh:property ")[0] for f in found}
    assert len(shapes.targeted) >= 11 and sum(1 for _ in shapes.constraints()) >= 60


def test_sparql_and_pyshacl_give_the_same_results_on_the_bad_data_corpus() -> None:
    sparql, reference = both(ontology_store(FIXTURES / "bad-data.trig"), load_shapes(SHAPES))
    assert sum(sparql.values()) > 70
    assert sparql - reference == Counter() and reference - sparql == Counter()


def test_clean_nodes_of_the_corpus_give_no_result() -> None:
    focus = {f.focus for f in findings(ontology_store(FIXTURES / "bad-data.trig"), load_shapes(SHAPES))}
    for clean in ("good-person", "good-link", "run", "passage", "labelled-role", "ranged-quantity",
                  "several-quantity", "linked-statement"):
        assert ox.NamedNode(BAD + clean) not in focus
    assert ox.NamedNode(BAD + "half-range") in focus  # half a range and another hedge break sh:or


def test_sparql_and_pyshacl_agree_on_the_components_the_project_does_not_use_yet() -> None:
    shapes = load_shapes(FIXTURES / "more-shapes.ttl")
    store = ox.Store()
    store.load(path=str(FIXTURES / "more-data.ttl"), format=ox.RdfFormat.TURTLE)
    sparql, reference = both(store, shapes)
    assert sum(sparql.values()) > 50
    assert sparql - reference == Counter() and reference - sparql == Counter()
    found = findings(store, shapes)
    # sh:uniqueLang false holds whatever the data; every other constraint is broken at least once
    assert uncovered(shapes, found) == ["ex:ThingShape sh:property [sh:path ex:label] sh:uniqueLang"]
    assert {f.severity for f in found} == {SH + "Violation", SH + "Warning", SH + "Info"}
    assert not any(f.shape.startswith("ex:OffShape") for f in found)  # sh:deactivated
    names = [f for f in found if f.path == f"<{EX}name>"]
    assert names and {f.message for f in names} == {"names: English or German letters"}


@pytest.fixture(scope="module")
def real_compiled() -> tuple[Workspace, Compiled]:
    ws = load_workspace(Settings.load(root=ROOT))
    return ws, compile_workspace(ws, index_ontology(ws.store))


@pytest.mark.slow
def test_the_real_graph_has_no_result_with_either_engine(real_compiled: tuple[Workspace, Compiled]) -> None:
    _, compiled = real_compiled
    sparql, reference = both(compiled.store, load_shapes(SHAPES))
    assert sparql == Counter() and reference == Counter()


@pytest.mark.slow
def test_the_line_index_answers_as_locate_iri(real_compiled: tuple[Workspace, Compiled]) -> None:
    ws, compiled = real_compiled
    index = LineIndex.of(ws)
    subjects = sorted({q.subject.value for q in compiled.store if isinstance(q.subject, ox.NamedNode)})
    sample = subjects[::max(1, len(subjects) // 150)] + [KZ + "Person", KZ + "unit-person", "http://nowhere/x"]
    for iri in sample:
        assert index.locate(iri) == locate_iri(ws, iri), iri


def unsupported(tmp_path: Path, body: str) -> InputError:
    path = tmp_path / "shapes.ttl"
    path.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n" + body,
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_shapes(path)
    return caught.value


@pytest.mark.parametrize(("body", "named"), [
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q ] .",
     "ex:S sh:property [sh:path ex:p]: sh:equals is not supported"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .", "ex:S: sh:closed is not supported"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this {}' ] .",
     "ex:S: sh:sparql is not supported"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:minCount 1 .", "ex:S: sh:minCount needs a sh:path"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind sh:Thing .",
     "ex:S: <http://www.w3.org/ns/shacl#Thing> is not a SHACL node kind"),
    ("ex:S a sh:NodeShape, <http://www.w3.org/2000/01/rdf-schema#Class> ; sh:property [ sh:path ex:p ; "
     "sh:minCount 1 ] .", "ex:S: a shape that is also a class (an implicit class target) is not supported"),
    ("ex:S a sh:NodeShape ; sh:target [ a ex:Target ] .", "ex:S: sh:target is not supported"),
])
def test_a_component_the_translation_does_not_support_fails_naming_the_shape(
        tmp_path: Path, body: str, named: str) -> None:
    error = unsupported(tmp_path, body)
    assert named in str(error) and str(tmp_path / "shapes.ttl") in str(error)


def test_recursive_and_too_large_nested_shapes_fail_naming_the_shape(tmp_path: Path) -> None:
    store = ox.Store()
    recursive = tmp_path / "recursive.ttl"
    recursive.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
                         "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:S ] .\n",
                         encoding="utf-8")
    with pytest.raises(InputError, match="shape ex:S refers to itself"):
        findings(store, load_shapes(recursive))
    large = tmp_path / "large.ttl"
    large.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
                     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:path ex:p ; sh:minCount 9 ] ) .\n",
                     encoding="utf-8")
    with pytest.raises(InputError, match="sh:minCount 9 inside a nested shape"):
        findings(store, load_shapes(large))


def test_a_statement_without_citation_is_placed_at_the_line_of_its_subject(tmp_path: Path) -> None:
    """A compiled node that no curated line names (a reified statement) is placed at a node near it."""
    root = make_project(tmp_path / "p")
    ws = load_workspace(Settings.load(root=root))
    compiled = compile_workspace(ws, index_ontology(ws.store))
    store = compiled.store
    statement = next(q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "subject"),
                                                                 ox.NamedNode(WIDGET_WORKS), PROVENANCE_GRAPH))
    for quad in list(store.quads_for_pattern(statement, ox.NamedNode(KZ + "citation"), None, None)):
        store.remove(quad)
    problems = check_shapes(ws, compiled)
    assert [p.focus for p in problems] == [statement.value]
    assert "a statement needs a kz:citation" in problems[0].message and "(path kz:citation)" in problems[0].message
    assert (problems[0].path, problems[0].line) == locate_iri(ws, WIDGET_WORKS)
    assert problems[0].severity is Severity.ERROR
    assert problems[0].hint is not None and "kzsh:StatementShape" in problems[0].hint


def test_problems_name_the_value_and_a_warning_shape_gives_warnings(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    ws = load_workspace(Settings.load(root=root))
    shapes = load_shapes(FIXTURES / "more-shapes.ttl")
    store = ox.Store()
    store.load(path=str(FIXTURES / "more-data.ttl"), format=ox.RdfFormat.TURTLE)
    problems = problems_of(ws, store, shapes, findings(store, shapes))
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    assert warnings and all("ex:name" in p.message or "ex:part" in p.message for p in warnings)
    assert any('value "toolong"' in p.message for p in problems)


def test_the_build_check_does_not_import_pyshacl(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    code = ("import sys\nfrom pathlib import Path\nfrom kuzbass_graph.config import Settings\n"
            "from kuzbass_graph.loader import load_workspace\nfrom kuzbass_graph.ontology import index_ontology\n"
            "from kuzbass_graph.compile import compile_workspace\n"
            "from kuzbass_graph.validation.shapes import check_shapes\n"
            f"ws = load_workspace(Settings.load(root=Path({str(root)!r})))\n"
            "assert check_shapes(ws, compile_workspace(ws, index_ontology(ws.store))) == []\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyshacl', 'rdflib')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pyshacl" not in done.stdout
