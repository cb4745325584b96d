"""The analysis job: dataset -> projections -> measures (whole period and per year) -> outputs."""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from .. import __version__
from .dataset import Dataset, load_build, read_dataset
from .measures import NODE_MEASURES, SEED, Measures, change, measure_graph
from .projections import (
    YEARS,
    Snapshot,
    collapse,
    entity_multigraph,
    fold_events,
    person_organization,
    person_person,
    snapshot,
)
from .rdf import MEASURE_SLUGS, run_iri, run_quads, value_quads

NETWORKS = ("entities", "person-organization", "person-person")  # published as RDF; all are in the files
# Measures published as RDF for the agents of each network (all measures are in the CSV files).
RDF_MEASURES = tuple(m for m in NODE_MEASURES if m in MEASURE_SLUGS)
RDF_YEARLY_MEASURES = ("degree", "betweenness", "pagerank")


@dataclass
class Analysis:
    ds: Dataset
    multigraph: nx.MultiDiGraph
    networks: dict[str, nx.Graph]
    measures: dict[str, Measures]
    snapshots: dict[str, dict[int, Snapshot]]
    yearly: dict[str, dict[int, Measures]]
    parameters: dict[str, object]
    versions: dict[str, str]
    seconds: dict[str, float] = field(default_factory=dict)

    def yearly_change(self, network: str) -> dict[int, dict[str, float | None]]:
        out: dict[int, dict[str, float | None]] = {}
        years = sorted(self.yearly[network])
        for before, after in zip(years, years[1:], strict=False):
            out[after] = change(self.yearly[network][before].graph, self.yearly[network][after].graph)
        return out


def library_versions() -> dict[str, str]:
    names = ("networkx", "igraph", "leidenalg", "matplotlib", "numpy", "scipy", "pyoxigraph")
    versions = {name: package_version(name) for name in names}
    versions["kuzbass-graph"] = __version__
    versions["python"] = platform.python_version()
    return versions


def compute(store: ox.Store, *, seed: int = SEED, betweenness_k: int | None = None,
            years: tuple[int, ...] = YEARS) -> Analysis:
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    ds = read_dataset(store)
    seconds["read"] = time.perf_counter() - t
    t = time.perf_counter()
    mg = entity_multigraph(ds)
    networks = {"entities": collapse(mg), "entities-events-folded": collapse(fold_events(mg, ds)),
                "person-organization": person_organization(mg, ds), "person-person": person_person(mg, ds)}
    snapshots = {name: {y: snapshot(g, y) for y in years} for name, g in networks.items()}
    seconds["project"] = time.perf_counter() - t
    t = time.perf_counter()
    measures = {name: measure_graph(g, seed=seed, betweenness_k=betweenness_k) for name, g in networks.items()}
    yearly = {name: {y: measure_graph(s.graph, seed=seed, betweenness_k=betweenness_k) for y, s in snaps.items()}
              for name, snaps in snapshots.items()}
    for name, snaps in snapshots.items():
        for y, s in snaps.items():
            yearly[name][y].graph.update({f"edges_{k}": v for k, v in s.counts.items()})
    seconds["measure"] = time.perf_counter() - t
    parameters: dict[str, object] = {
        "seed": seed, "betweenness": f"sampled, k={betweenness_k}" if betweenness_k else "exact",
        "pagerank_alpha": 0.85, "louvain_resolution": 1.0, "leiden_partition": "ModularityVertexPartition",
        "years": [years[0], years[-1]], "overlap_rule": "certain: begin_hi <= Dec 31 and end_lo >= Jan 1; "
        "uncertain: may overlap; undated: in no snapshot", "edge_weight": "number of relations or contexts"}
    return Analysis(ds, mg, networks, measures, snapshots, yearly, parameters, library_versions(), seconds)


def analysis_quads(a: Analysis) -> list[ox.Quad]:
    """The analysis graph: the run, and the values of the agents of each network (whole period and yearly)."""
    run = run_iri(a.parameters, a.versions, a.ds.version)
    quads = list(run_quads(run, a.parameters, a.versions, a.ds.version))
    agents = {iri for iri, e in a.ds.entities.items() if e.is_a("Agent")}
    for network in NETWORKS:
        for node, values in sorted(a.measures[network].nodes.items()):
            if node not in agents:
                continue
            for measure in RDF_MEASURES:
                value = values.get(measure)
                if value is not None:
                    quads += value_quads(run, network, None, node, measure, float(value))
        for year, m in sorted(a.yearly[network].items()):
            for node, values in sorted(m.nodes.items()):
                if node in agents:
                    for measure in RDF_YEARLY_MEASURES:
                        quads += value_quads(run, network, year, node, measure, float(values[measure]))  # type: ignore[arg-type]
    return sorted(set(quads), key=str)


def analyze(out: Path, *, target: Path | None = None, seed: int = SEED, betweenness_k: int | None = None) -> str:
    """`kuzbass analyze`: analyse the build in `out` and write the outputs to target (default: its analysis/)."""
    from .report import write_outputs

    started = time.perf_counter()
    store = load_build(out)
    a = compute(store, seed=seed, betweenness_k=betweenness_k)
    folder = target or (out / "kuzbass.nq").resolve().parent / "analysis"
    files = write_outputs(a, folder, analysis_quads(a))
    total = time.perf_counter() - started
    g = a.networks["entities"]
    return (f"{g.number_of_nodes()} entities, {g.number_of_edges()} edges, "
            f"{a.networks['person-person'].number_of_nodes()} persons; {len(files)} files -> {folder} "
            f"in {total:.1f} s")


def explain_path(out: Path, start: str, end: str, *, fmt: str = "text", limit: int = 3) -> str:
    """`kuzbass path`: the shortest paths between two entities of the build in `out`, explained hop by hop."""
    from .paths import PathFormat, find_entity, render, shortest_paths

    ds = read_dataset(load_build(out))
    graph = collapse(entity_multigraph(ds))
    a, b = (s if s in ds.entities else find_entity(ds, s) for s in (start, end))
    return render(shortest_paths(graph, ds, a, b, limit=limit), ds.entities[a].label, ds.entities[b].label,
                  PathFormat(fmt))


@dataclass
class BuildAnalysis:
    """The analysis of a build: computed from the compiled store, its graph already added to that store."""

    analysis: Analysis
    quads: list[ox.Quad]

    def write(self, folder: Path, *, base_iri: str) -> dict[str, float]:
        """The report and files into folder (the build's analysis/), IRIs moved to base_iri."""
        from ..publishing.dumps import rebase
        from .report import write_outputs

        t = time.perf_counter()
        move = rebase(base_iri)
        write_outputs(self.analysis, folder, [move(q) for q in self.quads])
        return {**self.analysis.seconds, "write": time.perf_counter() - t}


def analyze_compiled(store: ox.Store, *, seed: int = SEED) -> BuildAnalysis:
    """`kuzbass build`: analyse the compiled dataset and add the analysis graph to its store (so the dumps
    and the on-disk store carry it)."""
    a = compute(store, seed=seed)
    quads = analysis_quads(a)
    store.extend(quads)
    return BuildAnalysis(a, quads)
