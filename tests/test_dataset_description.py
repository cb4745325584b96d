"""Dataset descriptions: every VoID and DCAT figure recomputed from the dumps, the licence in the data, the
schema.org Dataset, CITATION.cff and the one version."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest

from kuzbass_graph import __version__
from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.publishing.dumps import DumpFormat
from kuzbass_graph.validation import Check
from tests.fixture_project import ROOT, TOWN

FAST = frozenset({Check.REASONER})
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
DATASET = "https://w3id.org/kuzbass/id/dataset/kuzbass"


@pytest.fixture
def built(settings: Settings) -> Settings:
    build_project(settings, skip=FAST)
    return settings


def _store(path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=fmt)
    return store


def _one(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))[0].value)  # type: ignore[arg-type, index]


def _objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)}


def _value(store: ox.Store, subject: str, predicate: str) -> str:
    (value,) = _objects(store, subject, predicate)
    return value


def _merged(pattern: str, select: str = "*") -> str:
    """A count over the merged graph: the distinct triples of every named graph."""
    return f"SELECT (COUNT({select}) AS ?n) WHERE {{ {pattern} }}"


def test_void_figures_equal_what_the_dumps_hold(built: Settings) -> None:
    dumps = _store(built.out / "kuzbass.nq", ox.RdfFormat.N_QUADS)
    void = _store(built.out / "void.ttl")
    triples = "{ SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    assert int(_value(void, DATASET, VOID + "triples")) == _one(dumps, _merged(triples)) \
        == len((built.out / "kuzbass.nt").read_text(encoding="utf-8").splitlines())
    assert int(_value(void, DATASET, VOID + "distinctSubjects")) == _one(
        dumps, _merged("GRAPH ?g { ?s ?p ?o }", "DISTINCT ?s"))
    assert int(_value(void, DATASET, VOID + "distinctObjects")) == _one(
        dumps, _merged("GRAPH ?g { ?s ?p ?o }", "DISTINCT ?o"))
    space = _value(void, DATASET, VOID + "uriSpace")
    assert space == "https://w3id.org/kuzbass/id/"
    assert int(_value(void, DATASET, VOID + "entities")) == _one(dumps, _merged(
        f'GRAPH ?g {{ ?s ?p ?o }} FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{space}"))', "DISTINCT ?s"))
    assert int(_value(void, DATASET, VOID + "properties")) == _one(
        dumps, _merged("GRAPH ?g { ?s ?p ?o }", "DISTINCT ?p"))
    assert int(_value(void, DATASET, VOID + "classes")) == _one(
        dumps, _merged("GRAPH ?g { ?s a ?c } FILTER(isIRI(?c))", "DISTINCT ?c"))
    classes = {r["c"].value: int(r["n"].value) for r in dumps.query(  # type: ignore[index, union-attr]
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?c)) } GROUP BY ?c")}
    partitions = {r["c"].value: int(r["n"].value) for r in void.query(  # type: ignore[index, union-attr]
        f"SELECT ?c ?n WHERE {{ <{DATASET}> <{VOID}classPartition> [ <{VOID}class> ?c ; <{VOID}entities> ?n ] }}")}
    assert partitions == classes and "https://w3id.org/kuzbass/ontology#Person" in partitions
    properties = {r["p"].value: int(r["n"].value) for r in dumps.query(  # type: ignore[index, union-attr]
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {triples} }} GROUP BY ?p")}
    partitions = {r["p"].value: int(r["n"].value) for r in void.query(  # type: ignore[index, union-attr]
        f"SELECT ?p ?n WHERE {{ <{DATASET}> <{VOID}propertyPartition> [ <{VOID}property> ?p ; <{VOID}triples> ?n ] }}")}
    assert partitions == properties
    graphs = {r["g"].value: int(r["n"].value) for r in dumps.query(  # type: ignore[index, union-attr]
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    subsets = {r["g"].value: int(r["n"].value) for r in void.query(  # type: ignore[index, union-attr]
        f"SELECT ?g ?n WHERE {{ <{DATASET}> <{VOID}subset> ?g . ?g <{VOID}triples> ?n }}")}
    assert subsets == graphs and {"ontology", "data", "provenance", "analysis"} == {g.rsplit("/", 1)[1] for g in graphs}
    vocabularies = _objects(void, DATASET, VOID + "vocabulary")
    assert {"https://w3id.org/kuzbass/ontology#", "http://xmlns.com/foaf/0.1/", "https://schema.org/"} <= vocabularies
    for example in _objects(void, DATASET, VOID + "exampleResource"):
        assert _one(dumps, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{example}> ?p ?o }} }}") > 0
    assert _value(void, DATASET, VOID + "sparqlEndpoint") == "https://w3id.org/kuzbass/sparql"
    assert _value(void, DATASET, DCT + "license") == CC_BY
    dumped = {url.rsplit("/", 1)[1] for url in _objects(void, DATASET, VOID + "dataDump")}
    assert {"kuzbass.nq", "kuzbass.nq.gz", "kuzbass.ttl", "kuzbass.jsonld", "kuzbass.rdf"} <= dumped


def test_dcat_distributions_match_the_files(built: Settings) -> None:
    dcat = _store(built.out / "dcat.ttl")
    rows = list(dcat.query(f"""SELECT ?url ?type ?size ?sum WHERE {{ <{DATASET}> <{DCAT}distribution> ?d .
        ?d <{DCAT}downloadURL> ?url ; <{DCAT}mediaType> ?type ; <{DCAT}byteSize> ?size ;
           <{SPDX}checksum> [ <{SPDX}algorithm> <{SPDX}checksumAlgorithm_sha256> ; <{SPDX}checksumValue> ?sum ] }}"""))
    files = {row["url"].value.removeprefix("https://w3id.org/kuzbass/dumps/"): row for row in rows}  # type: ignore[index]
    expected = {f.value for f in DumpFormat} | {f"{f.value}.gz" for f in DumpFormat}
    expected |= {f"csv/{p.name}" for p in (built.out / "csv").glob("*.csv")}
    assert set(files) == expected
    for name, row in files.items():
        data = (built.out / name).read_bytes()
        assert int(row["size"].value) == len(data), name  # type: ignore[index]
        assert row["sum"].value == hashlib.sha256(data).hexdigest(), name  # type: ignore[index]
    assert files["kuzbass.nq"]["type"].value.endswith("/application/n-quads")  # type: ignore[index]
    assert files["kuzbass.nq.gz"]["type"].value.endswith("/application/n-quads")  # type: ignore[index]
    assert files["csv/person.csv"]["type"].value.endswith("/text/csv")  # type: ignore[index]
    assert _value(dcat, DATASET, DCAT + "version") == __version__
    assert _value(dcat, DATASET, DCT + "license") == CC_BY
    assert _value(dcat, DATASET + "#publisher", "http://xmlns.com/foaf/0.1/name") == "the kuzbass-graph contributors"
    dumps = _store(built.out / "kuzbass.nq", ox.RdfFormat.N_QUADS)
    kz = "https://w3id.org/kuzbass/ontology#"
    data = "https://w3id.org/kuzbass/graph/data"
    days = {bound: {r["d"].value[:10] for r in dumps.query(  # type: ignore[index, union-attr]
        f"SELECT ?d WHERE {{ GRAPH <{data}> {{ ?s <{kz}{bound}> ?d }} }}")} for bound in ("earliest", "latest")}
    assert _value(dcat, DATASET + "#temporal", DCAT + "startDate") == min(days["earliest"])
    assert _value(dcat, DATASET + "#temporal", DCAT + "endDate") == max(days["latest"])
    places = {r["p"].value for r in dumps.query(  # type: ignore[index, union-attr]
        f"SELECT DISTINCT ?p WHERE {{ GRAPH <{data}> {{ ?x <{kz}locatedIn> ?p . ?p a <{kz}Place> }} }}")}
    spatial = _objects(dcat, DATASET, DCT + "spatial")
    assert spatial == places == {TOWN}


def test_the_dataset_and_its_licence_are_in_the_data(built: Settings) -> None:
    dumps = _store(built.out / "kuzbass.nq", ox.RdfFormat.N_QUADS)
    assert bool(dumps.query(f"""ASK {{ GRAPH <https://w3id.org/kuzbass/graph/provenance> {{
        <{DATASET}> a <{DCAT}Dataset> ; <{DCT}license> <{CC_BY}> ; <{DCAT}version> "{__version__}" }} }}"""))


def test_schema_org_dataset_agrees_with_dcat(built: Settings) -> None:
    payload = json.loads((built.out / "dataset.jsonld").read_text(encoding="utf-8"))
    assert (payload["@type"], payload["@id"], payload["license"], payload["version"]) == (
        "Dataset", DATASET, CC_BY, __version__)
    dcat = _store(built.out / "dcat.ttl")
    sums = {q.object.value for q in dcat.quads_for_pattern(None, ox.NamedNode(SPDX + "checksumValue"), None)}
    assert {d["sha256"] for d in payload["distribution"]} == sums
    start = _value(dcat, DATASET + "#temporal", DCAT + "startDate")
    end = _value(dcat, DATASET + "#temporal", DCAT + "endDate")
    assert payload["temporalCoverage"] == f"{start}/{end}"
    assert [p["@id"] for p in payload["spatialCoverage"]] == [TOWN]


def test_base_iri_moves_the_descriptions(project: Path) -> None:
    settings = Settings.load(root=project, base_iri="https://example.org/kz/")
    build_project(settings, skip=FAST)
    void = _store(settings.out / "void.ttl")
    dataset = "https://example.org/kz/id/dataset/kuzbass"
    assert _value(void, dataset, VOID + "uriSpace") == "https://example.org/kz/id/"
    assert _value(void, dataset, VOID + "sparqlEndpoint") == "https://example.org/kz/sparql"
    assert "w3id.org/kuzbass" not in (settings.out / "dcat.ttl").read_text(encoding="utf-8")


def test_the_version_is_kept_in_pyproject_only() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert __version__ == pyproject["project"]["version"]
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert not any(line.startswith("version:") for line in citation.splitlines())  # no second copy to drift
    assert "cff-version: 1.2.0" in citation and "  - CC-BY-4.0" in citation
