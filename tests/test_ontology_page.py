"""The ontology's pyLODE page: made in its own process beside the other documents, kept in the cache by the
ontology's content, stopped when the build fails, and a pyLODE failure is an error naming the folder."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kuzbass_graph.errors import OutputError
from kuzbass_graph.namespaces import DEFAULT_BASE, OWL, RDF_TYPE
from kuzbass_graph.publishing.dumps import prefixes_for
from kuzbass_graph.publishing.static_tree import OntologyPage

ONTOLOGY = ox.NamedNode(DEFAULT_BASE + "ontology")
PERSON = ox.NamedNode(DEFAULT_BASE + "ontology#Person")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def ontology(*, titled: bool = True) -> list[ox.Triple]:
    triples = [ox.Triple(ONTOLOGY, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + "Ontology")),
               ox.Triple(PERSON, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + "Class")),
               ox.Triple(PERSON, LABEL, ox.Literal("Person of the colony", language="en"))]
    if titled:
        triples.append(ox.Triple(ONTOLOGY, TITLE, ox.Literal("Test ontology", language="en")))
    return triples


def test_the_page_is_made_then_taken_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = OntologyPage(tmp_path / "a" / "ontology", ontology(), prefixes_for(DEFAULT_BASE), ontology_cache=cache)
    assert first.process is not None  # pyLODE runs while the caller goes on
    first.finish()
    page = (tmp_path / "a" / "ontology" / "index.html").read_bytes()
    assert b"Person of the colony" in page and b"Test ontology" in page
    assert [p.read_bytes() for p in cache.glob("ontology-*.html")] == [page]
    again = OntologyPage(tmp_path / "b" / "ontology", ontology(), prefixes_for(DEFAULT_BASE), ontology_cache=cache)
    assert again.process is None  # the same ontology: no pyLODE
    again.finish()
    assert (tmp_path / "b" / "ontology" / "index.html").read_bytes() == page


def test_a_failed_build_stops_pylode_and_leaves_no_scratch(tmp_path: Path) -> None:
    page = OntologyPage(tmp_path / "ontology", ontology(), prefixes_for(DEFAULT_BASE), ontology_cache=None)
    process, scratch = page.process, page.scratch
    assert process is not None and scratch.is_dir()
    page.cancel()
    assert process.returncode is not None and not scratch.exists()
    page.finish()  # nothing left to wait for
    assert not (tmp_path / "ontology" / "index.html").exists()


def test_a_pylode_failure_names_the_folder_and_caches_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    page = OntologyPage(tmp_path / "ontology", ontology(titled=False), prefixes_for(DEFAULT_BASE),
                        ontology_cache=cache)
    with pytest.raises(OutputError, match="pyLODE could not document the ontology in .*ontology"):
        page.finish()
    assert not cache.exists() or not any(cache.iterdir())
    assert not page.scratch.exists()
