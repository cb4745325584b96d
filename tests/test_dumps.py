"""Dumps: every format from one graph and agreeing, byte-identical builds, gzip, JSON-LD, CSV tables, base IRI
rewriting, atomic replacement of the output folder."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from kuzbass_graph.config import Settings
from kuzbass_graph.namespaces import DEFAULT_BASE
from kuzbass_graph.pipeline import Outcome, build_project
from kuzbass_graph.publishing.describe_dataset import dataset_quads
from kuzbass_graph.publishing.dumps import (
    DumpFormat,
    atomic_folder,
    canonical_blank_nodes,
    prefixes_for,
    rebase,
    sorted_lines,
    write_dumps,
)
from kuzbass_graph.publishing.sorted_graphs import sort_graphs
from kuzbass_graph.validation import Check
from tests.fixture_project import ALICE, BOB, WIDGET_WORKS

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


DUMPS = [fmt.value for fmt in DumpFormat]


# Not compared: build-report.json (its timings), the binary store, and the static site (publishing.static_tree,
# whose own tests cover it).
NOT_COMPARED = ("store", "site")


def _digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of a build but those above."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name != "build-report.json"
            and path.relative_to(folder).parts[0] not in NOT_COMPARED}


def test_two_builds_are_byte_identical(project: Path) -> None:
    first = Settings.load(root=project, out=project / "first")
    second = Settings.load(root=project, out=project / "second")
    build_project(first, skip=FAST)
    build_project(second, skip=FAST)
    a, b = _digests((first.out / "current").resolve()), _digests((second.out / "current").resolve())
    assert a == b
    assert {*DUMPS, *(f"{name}.gz" for name in DUMPS), "context.jsonld", "void.ttl", "dcat.ttl",
            "dataset.jsonld", "csv/person.csv"} <= set(a)
    assert "_:" in (first.out / "kuzbass.ttl").read_text()  # the ontology's blank nodes, canonically labelled
    reports = [json.loads((s.out / "build-report.json").read_text()) for s in (first, second)]
    assert reports[0].pop("seconds").keys() == reports[1].pop("seconds").keys()
    assert reports[0].pop("dump seconds").keys() == reports[1].pop("dump seconds").keys()
    assert reports[0] == reports[1]  # the report differs only in its timings


def test_gzip_copies_are_deterministic_and_hold_the_dump(settings: Settings) -> None:
    build_project(settings, skip=FAST)
    for name in DUMPS:
        packed = (settings.out / f"{name}.gz").read_bytes()
        assert packed[4:8] == b"\0\0\0\0" and not packed[3] & 0x08  # mtime 0, no file name
        assert gzip.decompress(packed) == (settings.out / name).read_bytes()


def _triples(path: Path, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(path=str(path), format=fmt)}


def _rdflib_triples(path: Path, fmt: str) -> set[tuple[object, object, object]]:
    dataset = rdflib.Dataset()
    dataset.parse(path, format=fmt)
    return {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}


def test_every_dump_holds_the_same_triples(settings: Settings) -> None:
    build_project(settings, skip=FAST)
    out = settings.out
    merged = _triples(out / "kuzbass.nt", ox.RdfFormat.N_TRIPLES)
    for name in ("kuzbass.ttl", "kuzbass.nq", "kuzbass.trig", "kuzbass.jsonld"):
        assert _triples(out / name, DumpFormat(name).rdf_format) == merged, name
    quads = list(ox.parse(path=str(out / "kuzbass.nq"), format=ox.RdfFormat.N_QUADS))
    jsonld = list(ox.parse(path=str(out / "kuzbass.jsonld"), format=ox.RdfFormat.JSON_LD))
    assert {str(q) for q in jsonld} == {str(q) for q in quads}  # named graphs too (no blank nodes in the fixture's)
    owl = {q.triple for q in quads if q.graph_name.value.endswith(("/graph/ontology", "/graph/data"))}
    assert _triples(out / "kuzbass.rdf", ox.RdfFormat.RDF_XML) == owl
    reference = _rdflib_triples(out / "kuzbass.nq", "nquads")
    for name, fmt in (("kuzbass.trig", "trig"), ("kuzbass.jsonld", "json-ld")):
        assert rdflib.compare.isomorphic(rdflib.Graph().__iadd__(_rdflib_triples(out / name, fmt)),  # type: ignore
                                         rdflib.Graph().__iadd__(reference)), name
    ttl = rdflib.Graph().parse(out / "kuzbass.ttl", format="turtle")
    assert rdflib.compare.isomorphic(ttl, rdflib.Graph().__iadd__(reference))
    rdf = rdflib.Graph().parse(out / "kuzbass.rdf", format="xml")
    assert len(rdf) == len(owl)


def test_jsonld_is_compacted_with_the_published_context(settings: Settings) -> None:
    build_project(settings, skip=FAST)
    context = json.loads((settings.out / "context.jsonld").read_text())
    document = json.loads((settings.out / "kuzbass.jsonld").read_text())
    assert document["@context"] == context["@context"]
    assert context["@context"]["person"] == "https://w3id.org/kuzbass/id/person/"
    data = next(g for g in document["@graph"] if g["@id"] == "https://w3id.org/kuzbass/graph/data")
    alice = next(n for n in data["@graph"] if n["@id"] == "person:alice-smith")
    assert "kz:Person" in alice["@type"] and alice["rdfs:label"] == {"@value": "Alice Smith", "@language": "en"}


def test_csv_tables_have_one_row_per_entity(settings: Settings) -> None:
    build_project(settings, skip=FAST)
    folder = settings.out / "csv"
    tables = {p.stem for p in folder.glob("*.csv")}
    assert {"person", "organization", "place", "membership", "quantity"} <= tables
    assert not tables & {"claim", "statement", "source", "dataset"}
    with (folder / "person.csv").open(encoding="utf-8", newline="") as handle:
        people = {row["IRI"]: row for row in csv.DictReader(handle)}
    assert set(people) == {ALICE, BOB}
    alice = people[ALICE]
    assert (alice["label"], alice["variants"], alice["type"]) == ("Alice Smith", "Alice Smyth", "person")
    assert alice["founded"] == "Widget Works"
    with (folder / "organization.csv").open(encoding="utf-8", newline="") as handle:
        works = next(row for row in csv.DictReader(handle) if row["IRI"] == WIDGET_WORKS)
    assert works["founding date (EDTF)"] == "1923~" and works["earliest"] == "1923-01-01"
    assert works["founded by"] == "Alice Smith" and works["located in"] == "Testtown"
    assert "founder" not in works  # schema:founder is implied by kz:foundedBy


def _without_blank_nodes(triples: set[tuple[object, object, object]]) -> tuple[set[str], int]:
    """The triples free of blank nodes (N-Triples text), and how many others there are: each parse names blank
    nodes its own way."""
    plain = {" ".join(t.n3() for t in triple) for triple in triples  # type: ignore[attr-defined]
             if not any(isinstance(t, rdflib.BNode) for t in triple)}
    return plain, len(triples) - len(plain)


def _rdflib_parse(path: Path, fmt: str, graphs: tuple[str, ...] = ()) -> set[tuple[object, object, object]]:
    dataset = rdflib.Dataset()
    dataset.parse(path, format=fmt)
    return {(s, p, o) for s, p, o, g in dataset.quads((None, None, None, None))
            if not graphs or str(getattr(g, "identifier", g)).endswith(graphs)}


@pytest.mark.slow
def test_every_dump_of_the_real_graph_parses_in_rdflib_and_pyoxigraph_and_agrees(real: Outcome,
                                                                                 tmp_path: Path) -> None:
    write_dumps(real.compiled, real.ws, tmp_path, base_iri=real.ws.settings.base_iri)
    owl_graphs = ("/graph/ontology", "/graph/data")
    quads = _in_memory(real)
    merged = {q.triple for q in quads}
    owl = {q.triple for q in quads if q.graph_name.value.endswith(owl_graphs)}
    reference = _without_blank_nodes(_rdflib_parse(tmp_path / "kuzbass.nq", "nquads"))
    owl_reference = _without_blank_nodes(_rdflib_parse(tmp_path / "kuzbass.nq", "nquads", owl_graphs))
    assert reference[0] and reference[1] == sum(1 for t in merged if "_:" in str(t))
    rdflib_formats = {"kuzbass.ttl": "turtle", "kuzbass.nt": "nt", "kuzbass.trig": "trig",
                      "kuzbass.jsonld": "json-ld", "kuzbass.rdf": "xml"}
    for name, rdflib_format in rdflib_formats.items():
        assert _triples(tmp_path / name, DumpFormat(name).rdf_format) == (owl if name == "kuzbass.rdf" else merged)
        parsed = _without_blank_nodes(_rdflib_parse(tmp_path / name, rdflib_format))
        assert parsed == (owl_reference if name == "kuzbass.rdf" else reference), name
    world = owlready2.World()  # an OWL tool reads the RDF/XML: the ontology with the data's individuals
    world.get_ontology((tmp_path / "kuzbass.rdf").as_uri()).load()
    colony = world["https://w3id.org/kuzbass/id/organization/aic-kuzbass"]
    assert colony is not None and world["https://w3id.org/kuzbass/ontology#Organization"] in colony.is_a


def _in_memory(outcome: Outcome, base_iri: str = DEFAULT_BASE) -> list[ox.Quad]:
    """The dataset the dumps hold, made in memory: the compiled store and the dataset's description, IRIs at
    the base IRI, blank nodes labelled canonically."""
    move = rebase(base_iri)
    return canonical_blank_nodes([*(move(q) for q in outcome.compiled.store), *dataset_quads(base_iri)])


@pytest.mark.slow
@pytest.mark.parametrize("base_iri", [DEFAULT_BASE, "https://example.org/kz/"])
def test_streamed_dumps_are_the_bytes_of_the_dataset_in_memory(real: Outcome, tmp_path: Path, base_iri: str) -> None:
    """The dumps, streamed from sorted files on disk, are byte for byte what serializing the whole dataset in
    memory gives: sorted N-Quads and N-Triples, and Turtle and TriG of the sorted statements."""
    write_dumps(real.compiled, real.ws, tmp_path, base_iri=base_iri)
    quads = _in_memory(real, base_iri)
    nquads = sorted_lines(quads, ox.RdfFormat.N_QUADS)
    ntriples = sorted_lines((q.triple for q in quads), ox.RdfFormat.N_TRIPLES, unique=True)
    assert (tmp_path / "kuzbass.nq").read_bytes() == nquads
    assert (tmp_path / "kuzbass.nt").read_bytes() == ntriples
    prefixes = prefixes_for(base_iri)
    for name, fmt, text, syntax in (("kuzbass.ttl", ox.RdfFormat.TURTLE, ntriples, ox.RdfFormat.N_TRIPLES),
                                    ("kuzbass.trig", ox.RdfFormat.TRIG, nquads, ox.RdfFormat.N_QUADS)):
        expected = ox.serialize(ox.parse(text, format=syntax), format=fmt, prefixes=prefixes)
        assert (tmp_path / name).read_bytes() == expected, name
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert sorted_lines(store, ox.RdfFormat.N_QUADS) == nquads  # blank nodes keep the dumps' labels


def test_a_literal_holding_the_default_base_iri_keeps_it_under_another_base(tmp_path: Path) -> None:
    """Moving IRIs to another base as bytes would also change a literal that quotes an IRI of the default base;
    such a graph is moved term by term."""
    graph = ox.NamedNode(DEFAULT_BASE + "graph/data")
    quoted = ox.Literal(f"see <{DEFAULT_BASE}id/person/x>")
    store = ox.Store()
    store.extend([ox.Quad(ox.NamedNode(DEFAULT_BASE + "id/person/x"), ox.NamedNode(DEFAULT_BASE + "ontology#note"),
                          quoted, graph),
                  ox.Quad(ox.NamedNode(DEFAULT_BASE + "id/person/y"), ox.NamedNode(DEFAULT_BASE + "ontology#n"),
                          ox.Literal("1", datatype=ox.NamedNode(DEFAULT_BASE + "ontology#count")), graph)])
    base = "https://example.org/kz/"
    graphs = sort_graphs(store, tmp_path / "work", base_iri=base, move=rebase(base), canonicalize=canonical_blank_nodes)
    triples = {q.triple for q in graphs.triples(base + "graph/data")}
    assert ox.Triple(ox.NamedNode(base + "id/person/x"), ox.NamedNode(base + "ontology#note"), quoted) in triples
    assert ox.Triple(ox.NamedNode(base + "id/person/y"), ox.NamedNode(base + "ontology#n"),
                     ox.Literal("1", datatype=ox.NamedNode(base + "ontology#count"))) in triples
