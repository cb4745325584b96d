"""Every measure on small graphs whose values are computed by hand in the comments."""

from __future__ import annotations

import networkx as nx
import pytest

from kuzbass_graph.analysis import measures as M


def path3() -> nx.Graph:
    g = nx.Graph()
    g.add_edge("a", "b", weight=1.0)
    g.add_edge("b", "c", weight=3.0)
    return g


def barbell() -> nx.Graph:
    """Two triangles x1-x2-x3 and y1-y2-y3 joined by the bridge x3-y1 (7 edges)."""
    g = nx.Graph()
    g.add_edges_from([("x1", "x2"), ("x2", "x3"), ("x1", "x3"), ("y1", "y2"), ("y2", "y3"), ("y1", "y3"),
                      ("x3", "y1")], weight=1.0)
    return g


def test_degree_weighted_degree_betweenness_closeness_on_a_path() -> None:
    m = M.measure_graph(path3())
    assert [m.nodes[n]["degree"] for n in "abc"] == [1, 2, 1]
    assert [m.nodes[n]["weighted_degree"] for n in "abc"] == [1.0, 4.0, 3.0]
    # b lies on the only a-c path: 1 of (n-1)(n-2)/2 = 1 pair
    assert [m.nodes[n]["betweenness"] for n in "abc"] == [0.0, 1.0, 0.0]
    # closeness = (n-1) / sum of distances: b 2/2, a and c 2/3
    assert m.nodes["b"]["closeness"] == 1.0
    assert m.nodes["a"]["closeness"] == pytest.approx(2 / 3)
    assert [m.nodes[n]["core_number"] for n in "abc"] == [1, 1, 1]
    assert m.articulation_points == ["b"] and m.bridges == [("a", "b"), ("b", "c")]
    assert [m.nodes[n]["articulation"] for n in "abc"] == [0, 1, 0]


def test_exact_betweenness_by_igraph_equals_networkx_and_sampling_is_seeded() -> None:
    g = nx.karate_club_graph()
    exact = M.betweenness(g)
    reference = nx.betweenness_centrality(g)
    assert all(exact[n] == pytest.approx(reference[n]) for n in g)
    assert M.betweenness(g, k=10, seed=7) == M.betweenness(g, k=10, seed=7)
    assert M.betweenness(g, k=10, seed=7) != exact
    assert M.betweenness(g, k=len(g)) == exact  # k >= n: exact


def test_eigenvector_and_pagerank_on_a_triangle_and_a_star() -> None:
    triangle = nx.complete_graph(["p", "q", "r"])
    eig = M.eigenvector(triangle)
    assert all(v == pytest.approx(3 ** -0.5) for v in eig.values())
    star = nx.star_graph(3)  # centre 0, leaves 1..3
    m = M.measure_graph(star)
    # PageRank of the centre of K1,3 with alpha 0.85: x = (1-a)/4 + a*3*y, y = (1-a)/4 + a*x/3
    a = 0.85
    y = ((1 - a) / 4 + a * (1 - a) / 12) / (1 - a * a)
    x = (1 - a) / 4 + 3 * a * y
    assert m.nodes[0]["pagerank"] == pytest.approx(x, abs=1e-6)
    assert m.nodes[1]["pagerank"] == pytest.approx(y, abs=1e-6)
    assert m.nodes[0]["eigenvector"] > m.nodes[1]["eigenvector"]


def test_burt_constraint_and_effective_size() -> None:
    star = M.measure_graph(nx.star_graph(3))
    # centre: three unlinked contacts, p = 1/3 each: c = 3 * (1/3)^2 = 1/3; effective size 3
    assert star.nodes[0]["constraint"] == pytest.approx(1 / 3)
    assert star.nodes[0]["effective_size"] == pytest.approx(3.0)
    # a leaf depends on one contact: c = 1; effective size 1
    assert star.nodes[1]["constraint"] == pytest.approx(1.0)
    triangle = M.measure_graph(nx.complete_graph(3))
    # p = 1/2 direct, 1/2 * 1/2 through the third: (1/2 + 1/4)^2 * 2 = 9/8; effective size 2 - 2*1/2 = 1
    assert triangle.nodes[0]["constraint"] == pytest.approx(9 / 8)
    assert triangle.nodes[0]["effective_size"] == pytest.approx(1.0)
    isolated = nx.Graph()
    isolated.add_node("z")
    assert M.measure_graph(isolated).nodes["z"]["constraint"] is None  # undefined, not NaN


def test_communities_modularity_cores_bridges_on_a_barbell() -> None:
    m = M.measure_graph(barbell())
    expected = [["x1", "x2", "x3"], ["y1", "y2", "y3"]]
    assert m.communities["louvain"] == expected and m.communities["leiden"] == expected
    # Q = sum over communities of L_c/m - (d_c/2m)^2 = 2 * (3/7 - (7/14)^2) = 6/7 - 1/2
    assert m.graph["louvain_modularity"] == pytest.approx(6 / 7 - 1 / 2)
    assert m.graph["leiden_modularity"] == pytest.approx(6 / 7 - 1 / 2)
    assert {m.nodes[n]["louvain"] for n in ("x1", "x2", "x3")} == {0}
    assert {m.nodes[n]["leiden"] for n in ("y1", "y2", "y3")} == {1}
    assert {m.nodes[n]["core_number"] for n in m.nodes} == {2}
    assert m.bridges == [("x3", "y1")] and m.articulation_points == ["x3", "y1"]
    assert m.graph["components"] == 1 and m.graph["largest_component_share"] == 1.0
    assert m.graph["density"] == pytest.approx(7 / 15)


def test_components_of_a_disconnected_graph() -> None:
    g = barbell()
    g.add_edge("u", "v", weight=1.0)
    g.add_node("w")
    m = M.measure_graph(g)
    assert m.graph["components"] == 3 and m.graph["largest_component"] == 6
    assert m.graph["largest_component_share"] == pytest.approx(6 / 9)


def test_assortativity_by_nationality_and_class() -> None:
    g = nx.Graph()
    for n, nat in (("a", "US"), ("b", "US"), ("c", "NL"), ("d", "NL"), ("e", None)):
        g.add_node(n, nationality=(nat,) if nat else (), kind="Person" if n in "ab" else "Group")
    g.add_edges_from([("a", "b"), ("c", "d"), ("a", "e")])
    # edges between known nationalities join equals only: r = 1; the edge to e (unknown) is left out
    assert M.assortativity(g, M.first_nationality) == pytest.approx(1.0)
    h = nx.Graph()
    for n, kind in (("a", "Person"), ("b", "Person"), ("c", "Group"), ("d", "Group")):
        h.add_node(n, kind=kind)
    h.add_edges_from([("a", "c"), ("b", "d")])
    assert M.assortativity(h, M.node_class) == pytest.approx(-1.0)  # only mixed edges
    assert M.assortativity(nx.Graph(), M.node_class) is None


def test_numbering_is_by_size_then_first_member() -> None:
    assert M.numbered([{"c"}, {"b", "a"}, {"d"}]) == [["a", "b"], ["c"], ["d"]]


def test_change_between_years() -> None:
    assert M.change({"nodes": 3, "density": 0.5, "name": "x"}, {"nodes": 5, "density": 0.25, "name": "y"}) == {
        "nodes": 2.0, "density": -0.25}
    assert M.change({"modularity": None}, {"modularity": 0.3}) == {"modularity": None}


def test_empty_and_edgeless_graphs_do_not_fail() -> None:
    empty = M.measure_graph(nx.Graph())
    assert empty.graph["nodes"] == 0 and empty.nodes == {}
    lone = nx.Graph()
    lone.add_nodes_from(["a", "b"])
    m = M.measure_graph(lone)
    assert m.graph["louvain_modularity"] is None and m.communities["leiden"] == [["a"], ["b"]]


def test_closeness_and_eigenvector_agree_with_networkx_on_a_disconnected_graph() -> None:
    g = nx.relabel_nodes(nx.karate_club_graph(), str)
    g.add_edges_from([("p", "q"), ("q", "r")])
    g.add_node("alone")
    close = M.closeness(g)
    reference = nx.closeness_centrality(g)
    assert all(close[n] == pytest.approx(reference[n]) for n in g)
    assert close["alone"] == 0.0
    k = nx.karate_club_graph()
    eig, ref = M.eigenvector(k), nx.eigenvector_centrality_numpy(k)
    assert all(eig[n] == pytest.approx(ref[n], abs=1e-9) for n in k)
    assert M.eigenvector(k) == eig  # same start vector, same result


def test_fast_date_bounds_equal_the_edtf_parser() -> None:
    from kuzbass_graph.analysis.dataset import _bounds
    from kuzbass_graph.dates import parse_bounds

    for text in ("1923", "1923-02", "1924-02", "1923-12", "1923-05-07", "192X", "1923~", "[..1923-12-31]"):
        b = parse_bounds(text)
        assert _bounds(text) == (b.earliest, b.latest), text


def test_sampled_closeness_is_seeded_and_close_to_exact() -> None:
    g = nx.relabel_nodes(nx.karate_club_graph(), str)
    exact = M.closeness(g)
    sampled = M.closeness(g, k=17, seed=3)
    assert sampled == M.closeness(g, k=17, seed=3)
    assert sampled != exact
    errors = [abs(sampled[n] - exact[n]) / exact[n] for n in g]
    assert sum(errors) / len(errors) < 0.15
    assert M.closeness(g, k=len(g)) == exact
    m = M.measure_graph(g, betweenness_k=10, closeness_k=10)
    assert m.graph["betweenness_sampled_sources"] == 10 and m.graph["closeness_sampled_sources"] == 10


def test_sampled_betweenness_estimates_the_total() -> None:
    g = nx.relabel_nodes(nx.connected_watts_strogatz_graph(400, 6, 0.1, seed=1), str)
    exact, sampled = M.betweenness(g), M.betweenness(g, k=100, seed=5)
    assert sum(sampled.values()) == pytest.approx(sum(exact.values()), rel=0.1)


def test_effective_size_equals_networkx() -> None:
    g = nx.relabel_nodes(nx.karate_club_graph(), str)
    g.add_node("alone")
    ours, reference = M.effective_size(g), nx.effective_size(g)
    assert ours["alone"] is None
    assert all(ours[n] == pytest.approx(reference[n]) for n in g if n != "alone")


def test_measure_graph_reports_the_time_of_each_measure() -> None:
    timings: dict[str, float] = {}
    M.measure_graph(barbell(), timings=timings)
    assert {"betweenness", "closeness", "eigenvector", "pagerank", "louvain", "leiden", "constraint"} <= set(timings)
    assert all(v >= 0 for v in timings.values())
