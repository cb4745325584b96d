"""What the OWL checks (HermiT, the OWL 2 DL profile) reason over: the whole ontology (TBox), and the data
(ABox) whole or, above a limit, in curated-file modules.

The ontology always goes in full. The data graph goes in full while it has at most `limit` triples
(setting `reason_max_triples`; 0 means no limit). Above the limit, the ABox is the union of the modules
of some curated files, taken in a fixed order (the SHA-256 of each file's path relative to the project)
while they fit under the limit; a module too large for what is left is skipped, and after three such the
remaining files are left out unread. A module is

- the data statements that the file's claims cite (their reified statements in the provenance graph),
- the data statements about the subjects the file describes outside its claims (labels, types,
  descriptions, and what the build derives about them), and
- the rdf:type and rdfs:label statements of every IRI that those statements name.

So the reasoner's cost is bounded by the limit whatever the size of the data, and so is the choice: two
SPARQL queries per module read and two index lookups per IRI it names, and no more modules read than fill
the limit, plus three. Disjoint types outside the chosen modules are still found: `reasoner.check_reasoner`
checks the asserted types, domains and ranges of all the data against the ontology's disjoint classes
whenever the ABox is bounded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..compile import DATA_GRAPH, PROVENANCE_GRAPH, Compiled
from ..loader import ONTOLOGY_GRAPH, CuratedFile, Workspace
from ..namespaces import KZ, RDF, RDF_TYPE, RDFS_LABEL

CITATION = ox.NamedNode(KZ + "citation")
SUBJECT, PREDICATE, OBJECT = (ox.NamedNode(RDF + name) for name in ("subject", "predicate", "object"))
TYPE, LABEL = ox.NamedNode(RDF_TYPE), ox.NamedNode(RDFS_LABEL)
STOP_AFTER_MISSES = 3  # modules that did not fit, after which the rest are left out without being read


@dataclass
class AboxScope:
    """The triples given to the OWL checks, and a description of them for the build report."""

    limit: int  # 0: no limit
    ontology: list[ox.Triple]
    data: list[ox.Triple]  # the ABox reasoned over
    data_total: int  # triples of the data graph
    modules: list[str] = field(default_factory=list)  # curated files whose modules are in `data` (bounded)
    left_out: list[str] = field(default_factory=list)  # curated files whose modules are not

    @property
    def bounded(self) -> bool:
        return len(self.data) < self.data_total

    @property
    def triples(self) -> list[ox.Triple]:
        return self.ontology + self.data

    def describe(self) -> dict[str, object]:
        """For build-report.json: what the reasoner and the profile check read."""
        described: dict[str, object] = {
            "ontology triples": len(self.ontology), "data triples": len(self.data),
            "data triples in the graph": self.data_total, "limit": self.limit or None,
        }
        if not self.modules and not self.left_out:
            described["abox"] = "all the data graph"
        else:
            described["abox"] = (f"the modules of {len(self.modules)} of {len(self.modules) + len(self.left_out)} "
                                 "curated files (statements their claims cite, statements about the subjects they "
                                 "describe, types and labels of the IRIs these name), taken by the SHA-256 of "
                                 "their paths while under the limit")
            described["modules"] = self.modules
            described["left out"] = self.left_out
        return described


def _name(ws: Workspace, record: CuratedFile) -> str:
    root = ws.settings.root
    return record.path.relative_to(root).as_posix() if record.path.is_relative_to(root) else record.path.name


def file_order(ws: Workspace) -> list[CuratedFile]:
    """The curated files in the order their modules are taken: by the SHA-256 of their relative paths."""
    return sorted(ws.files, key=lambda f: hashlib.sha256(_name(ws, f).encode("utf-8")).hexdigest())


def _values(iris: list[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def module(store: ox.Store, record: CuratedFile) -> set[ox.Triple]:
    """The data triples of one curated file's module (see the module docstring)."""
    found: set[ox.Triple] = set()
    data, provenance = DATA_GRAPH.value, PROVENANCE_GRAPH.value
    queries = []
    if record.claims:
        queries.append(f"""SELECT ?s ?p ?o WHERE {{ VALUES ?claim {{ {_values(sorted(record.claims))} }}
            GRAPH <{provenance}> {{ ?statement <{CITATION.value}> ?claim ; <{SUBJECT.value}> ?s ;
                <{PREDICATE.value}> ?p ; <{OBJECT.value}> ?o }}
            GRAPH <{data}> {{ ?s ?p ?o }} }}""")
    if record.described:
        queries.append(f"""SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {_values(sorted(record.described))} }}
            GRAPH <{data}> {{ ?s ?p ?o }} }}""")
    for query in queries:
        found.update(ox.Triple(row["s"], row["p"], row["o"]) for row in store.query(query))  # type: ignore[arg-type, index]
    named = {term for t in found for term in (t.subject, t.object) if isinstance(term, ox.NamedNode)}
    for iri in named:  # index lookups: a join with the whole data graph in SPARQL would read all of it
        for predicate in (TYPE, LABEL):
            found.update(q.triple for q in store.quads_for_pattern(iri, predicate, None, DATA_GRAPH))
    return found


def abox_scope(ws: Workspace, compiled: Compiled, *, limit: int | None = None) -> AboxScope:
    """The ontology and the data (whole, or modules under the limit) for the OWL checks."""
    limit = ws.settings.reason_max_triples if limit is None else limit
    store = compiled.store
    ontology = [q.triple for q in store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH)]
    data_total = sum(1 for _ in store.quads_for_pattern(None, None, None, DATA_GRAPH))
    if not limit or data_total <= limit:
        data = [q.triple for q in store.quads_for_pattern(None, None, None, DATA_GRAPH)]
        return AboxScope(limit=limit, ontology=ontology, data=data, data_total=data_total)
    chosen: set[ox.Triple] = set()
    modules, left_out = [], []
    misses = 0
    for record in file_order(ws):
        part = module(store, record) - chosen if misses < STOP_AFTER_MISSES else None
        if part is not None and len(chosen) + len(part) <= limit:
            chosen |= part
            modules.append(_name(ws, record))
        else:
            misses += 1
            left_out.append(_name(ws, record))
    data = sorted(chosen, key=str)
    return AboxScope(limit=limit, ontology=ontology, data=data, data_total=data_total, modules=modules,
                     left_out=left_out)
