"""Network measures on an undirected simple graph (a projection or a yearly snapshot). Pure functions.

Node measures: degree; weighted degree (sum of edge weights); betweenness (through igraph: exact, or
estimated from k sources drawn with a fixed seed when k is given) and closeness (Wasserman-Faust,
through igraph), both by hops and normalized; eigenvector centrality (leading eigenvector of A by scipy
from a fixed start, unit norm; per graph, not per component); PageRank (alpha 0.85, edge weights); core
number (k-core); Burt's constraint (edge weights) and effective size (unweighted: n - 2t/n, Borgatti);
community (Louvain with a fixed seed, and Leiden through leidenalg on igraph), numbered by size;
articulation point.

Graph measures: size, density, components, the largest component's share, modularity of each
partition, bridges, articulation points, and attribute assortativity (nationality, class) over the
nodes where the attribute is known.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import networkx as nx

SEED = 42
T = TypeVar("T")
NODE_MEASURES = ("degree", "weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank",
                 "core_number", "constraint", "effective_size", "louvain", "leiden", "articulation")


@dataclass
class Measures:
    nodes: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    graph: dict[str, float | int | str | None] = field(default_factory=dict)
    communities: dict[str, list[list[str]]] = field(default_factory=dict)
    bridges: list[tuple[str, str]] = field(default_factory=list)
    articulation_points: list[str] = field(default_factory=list)


def _clean(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return float(value)


def numbered(communities: Iterable[Iterable[str]]) -> list[list[str]]:
    """Communities as sorted lists, largest first, ties by their first member: a stable numbering."""
    return sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c[0]))


def louvain(g: nx.Graph, *, seed: int = SEED) -> list[list[str]]:
    if g.number_of_edges() == 0:
        return numbered([n] for n in g)
    return numbered(nx.community.louvain_communities(g, weight="weight", seed=seed))


def leiden(g: nx.Graph, *, seed: int = SEED) -> list[list[str]]:
    """Leiden (modularity, edge weights) through leidenalg on an igraph copy of g with sorted vertices."""
    import igraph as ig
    import leidenalg as la

    nodes = sorted(g)
    if g.number_of_edges() == 0:
        return numbered([n] for n in nodes)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted((min(index[a], index[b]), max(index[a], index[b]), float(d.get("weight", 1.0)))
                   for a, b, d in g.edges(data=True))
    h = ig.Graph(n=len(nodes), edges=[(a, b) for a, b, _ in edges])
    h.es["weight"] = [w for _, _, w in edges]
    partition = la.find_partition(h, la.ModularityVertexPartition, weights="weight", seed=seed)
    return numbered([nodes[i] for i in members] for members in partition)


def modularity(g: nx.Graph, communities: list[list[str]]) -> float | None:
    if g.number_of_edges() == 0:
        return None
    return float(nx.community.modularity(g, communities, weight="weight"))


def betweenness(g: nx.Graph, *, k: int | None = None, seed: int = SEED) -> dict[str, float]:
    """Normalized betweenness by hops through igraph: exact, or with k < n estimated from the shortest paths
    of k sources drawn with the seed, scaled by n/k (Brandes and Pich)."""
    n = len(g)
    if n < 3 or g.number_of_edges() == 0:
        return dict.fromkeys(g, 0.0)
    nodes, h = _igraph(g)
    scale = 2.0 / ((n - 1) * (n - 2))
    if k is not None and k < n:
        import random

        sources = sorted(random.Random(seed).sample(range(n), k))
        values = h.betweenness(directed=False, sources=sources, targets=range(n))  # type: ignore[attr-defined]
        scale *= n / k
    else:
        values = h.betweenness(directed=False)  # type: ignore[attr-defined]
    return {node: float(value) * scale for node, value in zip(nodes, values, strict=True)}


def _igraph(g: nx.Graph) -> tuple[list, object]:
    import igraph as ig

    nodes = sorted(g)
    index = {node: i for i, node in enumerate(nodes)}
    return nodes, ig.Graph(n=len(nodes), edges=sorted((index[a], index[b]) for a, b in g.edges()))


def closeness(g: nx.Graph, *, k: int | None = None, seed: int = SEED) -> dict[str, float]:
    """NetworkX's closeness (Wasserman-Faust: (r-1)/sum of distances, times (r-1)/(n-1), r the vertices
    reachable, the vertex included), computed through igraph. With k < n, the sum of distances of each
    vertex is estimated from k sources drawn with the seed (Eppstein and Wang), per component."""
    n = len(g)
    if n <= 1 or g.number_of_edges() == 0:
        return dict.fromkeys(g, 0.0)
    nodes, h = _igraph(g)
    component_of = [0] * n
    sizes = []
    for c, component in enumerate(h.connected_components()):  # type: ignore[attr-defined]
        sizes.append(len(component))
        for v in component:
            component_of[v] = c
    reach = [sizes[component_of[v]] for v in range(n)]
    if k is None or k >= n:
        values = h.closeness(normalized=True)  # type: ignore[attr-defined]
        return {node: 0.0 if reach[i] <= 1 or values[i] != values[i] else
                float(values[i]) * (reach[i] - 1) / (n - 1) for i, node in enumerate(nodes)}
    import random

    sources = sorted(random.Random(seed).sample(range(n), k))
    distances = h.distances(source=sources)  # type: ignore[attr-defined]
    sampled = [0] * len(sizes)
    for s in sources:
        sampled[component_of[s]] += 1
    totals = [0.0] * n
    for row, s in zip(distances, sources, strict=True):
        c = component_of[s]
        for v, d in enumerate(row):
            if component_of[v] == c:
                totals[v] += d
    out: dict[str, float] = {}
    for i, node in enumerate(nodes):
        c = component_of[i]
        if reach[i] <= 1 or sampled[c] == 0:
            out[node] = 0.0
            continue
        estimate = totals[i] * sizes[c] / sampled[c]
        out[node] = 0.0 if estimate <= 0 else (reach[i] - 1) / estimate * (reach[i] - 1) / (n - 1)
    return out


def effective_size(g: nx.Graph) -> dict[str, float | None]:
    """Burt's effective size, unweighted (Borgatti): degree - 2 * ties among the contacts / degree, the ties
    counted as triangles; None for an isolated vertex. (NetworkX copies an ego graph per vertex.)"""
    triangles = nx.triangles(g)
    return {v: (d - 2 * triangles[v] / d) if d else None for v, d in g.degree()}


def eigenvector(g: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality, unit Euclidean norm: the leading eigenvector of A (scipy's eigsh from a fixed
    start vector, so runs agree), or NetworkX's power iteration on A + I for graphs of under three vertices."""
    if g.number_of_edges() == 0:
        return dict.fromkeys(g, 0.0)
    if len(g) < 3:
        return nx.eigenvector_centrality(g, max_iter=10000, tol=1e-10)
    import numpy as np
    import scipy.sparse.linalg as sla

    nodes = sorted(g)
    a = nx.to_scipy_sparse_array(g, nodelist=nodes, weight=None, dtype=float)
    _, vectors = sla.eigsh(a, k=1, which="LA", v0=np.ones(len(nodes)))
    vector = np.abs(vectors[:, 0])
    vector = vector / np.linalg.norm(vector)
    return {node: float(value) for node, value in zip(nodes, vector, strict=True)}


def assortativity(g: nx.Graph, attribute: Callable[[dict], str | None]) -> float | None:
    """Attribute assortativity over the edges whose two ends have the attribute; None when undefined."""
    h = nx.Graph()
    for n, data in g.nodes(data=True):
        value = attribute(data)
        if value:
            h.add_node(n, value=value)
    h.add_edges_from((a, b) for a, b in g.edges() if a in h and b in h)
    if h.number_of_edges() == 0 or len({d["value"] for _, d in h.nodes(data=True)}) < 2:
        return None
    return _clean(nx.attribute_assortativity_coefficient(h, "value"))


def first_nationality(data: dict) -> str | None:
    values = data.get("nationality") or ()
    return values[0] if values else None


def node_class(data: dict) -> str | None:
    return data.get("kind")


def measure_graph(g: nx.Graph, *, seed: int = SEED, betweenness_k: int | None = None,
                  closeness_k: int | None = None, communities: bool = True,
                  timings: dict[str, float] | None = None) -> Measures:
    """Every measure of the module on g; `timings`, when given, receives the seconds each one took."""
    clock = timings if timings is not None else {}

    def timed(name: str, compute: Callable[[], T]) -> T:
        started = time.perf_counter()
        value = compute()
        clock[name] = clock.get(name, 0.0) + time.perf_counter() - started
        return value

    m = Measures()
    nodes = sorted(g)
    n = len(nodes)
    k = betweenness_k if betweenness_k is not None and betweenness_k < n else None
    between = timed("betweenness", lambda: betweenness(g, k=k, seed=seed))
    close = timed("closeness", lambda: closeness(g, k=closeness_k, seed=seed))
    eig = timed("eigenvector", lambda: eigenvector(g))
    pagerank = timed("pagerank", lambda: nx.pagerank(g, alpha=0.85, weight="weight") if n else {})
    core = timed("core_number", lambda: nx.core_number(g) if n else {})
    constraint = timed("constraint", lambda: nx.constraint(g, weight="weight") if n else {})
    effective = timed("effective_size", lambda: effective_size(g))
    m.articulation_points = timed("articulation", lambda: sorted(nx.articulation_points(g)))
    m.bridges = timed("bridges", lambda: sorted((min(a, b), max(a, b)) for a, b in nx.bridges(g)))
    parts: dict[str, list[list[str]]] = {}
    if communities:
        parts = {"louvain": timed("louvain", lambda: louvain(g, seed=seed)),
                 "leiden": timed("leiden", lambda: leiden(g, seed=seed))}
    m.communities = parts
    member_of = {name: {node: i for i, c in enumerate(cs) for node in c} for name, cs in parts.items()}
    articulation = set(m.articulation_points)
    for node in nodes:
        m.nodes[node] = {
            "degree": g.degree(node), "weighted_degree": float(g.degree(node, weight="weight")),
            "betweenness": float(between[node]), "closeness": float(close[node]),
            "eigenvector": float(eig[node]), "pagerank": float(pagerank[node]), "core_number": core[node],
            "constraint": _clean(constraint.get(node)), "effective_size": _clean(effective.get(node)),
            "louvain": member_of.get("louvain", {}).get(node), "leiden": member_of.get("leiden", {}).get(node),
            "articulation": int(node in articulation)}
    components = sorted((len(c) for c in nx.connected_components(g)), reverse=True)
    m.graph = {
        "nodes": n, "edges": g.number_of_edges(), "density": float(nx.density(g)) if n > 1 else 0.0,
        "components": len(components), "largest_component": components[0] if components else 0,
        "largest_component_share": components[0] / n if n else 0.0,
        "bridges": len(m.bridges), "articulation_points": len(m.articulation_points),
        "max_core": max(core.values(), default=0),
        "assortativity_nationality": timed("assortativity", lambda: assortativity(g, first_nationality)),
        "assortativity_class": timed("assortativity", lambda: assortativity(g, node_class)),
        "betweenness_sampled_sources": k if k else "all",
        "closeness_sampled_sources": closeness_k if closeness_k is not None and closeness_k < n else "all",
    }
    for name, cs in parts.items():
        m.graph[f"{name}_communities"] = len(cs)
        m.graph[f"{name}_modularity"] = timed(name, lambda cs=cs: modularity(g, cs))  # type: ignore[misc]
    return m


def change(before: dict[str, float | int | str | None], after: dict[str, float | int | str | None]
           ) -> dict[str, float | None]:
    """The change of each numeric graph measure from one snapshot to the next (after - before)."""
    out: dict[str, float | None] = {}
    for key, value in after.items():
        old = before.get(key)
        if isinstance(value, int | float) and isinstance(old, int | float):
            out[key] = float(value) - float(old)
        elif isinstance(value, int | float) or isinstance(old, int | float):
            out[key] = None
    return out
