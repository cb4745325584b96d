"""Projection rules on a hand-made dataset: folding, canonical relations, contexts, weights, yearly snapshots."""

from __future__ import annotations

from kuzbass_graph.analysis import projections as P
from kuzbass_graph.analysis.dataset import canonical_triples
from kuzbass_graph.analysis.intervals import UNDATED, Overlap
from tests.analysis_fixture import (
    ANN,
    ANN_YEARS,
    BEN,
    C_ANN_HEAD,
    C_BEN_HEAD,
    C_COLLAB,
    C_LETTER,
    C_MEET,
    CAT,
    LETTER,
    MAY_1923,
    MEETING,
    MEMBERSHIP_ANN,
    ORG,
    TOWN,
    tiny,
)


def test_canonical_triples_drop_inverses_and_super_properties() -> None:
    w, a, c = "w", "a", "c"
    triples = {(w, "author", a), (a, "authorOf", w), (w, "creator", a), (a, "created", w),
               (a, "collaboratedWith", c), (c, "collaboratedWith", a)}
    inverses = {"author": "authorOf", "authorOf": "author", "creator": "created", "created": "creator"}
    kept = canonical_triples(triples, {"author": {"creator"}}, inverses, {"collaboratedWith"})
    assert kept == {(w, "author", a), (a, "collaboratedWith", c)}


def test_multigraph_folds_memberships_and_keeps_events_as_vertices() -> None:
    ds = tiny()
    mg = P.entity_multigraph(ds)
    assert set(mg) == {ANN, BEN, CAT, ORG, MEETING, LETTER, TOWN}
    assert MEMBERSHIP_ANN not in mg
    assert mg.number_of_edges() == 8  # 6 direct relations + 2 memberships
    (key, data), = mg.get_edge_data(ANN, ORG).items()
    assert data["relation"] == "membership" and data["role"] == "head"
    assert data["interval"] == ANN_YEARS and data["claims"] == (C_ANN_HEAD,)
    assert data["via"] == (MEMBERSHIP_ANN,) and len(data["statements"]) == 1


def test_a_direct_edge_is_dated_by_its_occurrent_endpoint_only() -> None:
    ds = tiny()
    mg = P.entity_multigraph(ds)
    assert mg.edges[MEETING, ANN, "participant"]["interval"] == MAY_1923
    assert mg.edges[ANN, CAT, "collaboratedWith"]["interval"] is UNDATED
    assert mg.edges[ANN, TOWN, "residedIn"]["interval"] is UNDATED


def test_collapse_counts_relations_per_pair() -> None:
    ds = tiny()
    mg = P.entity_multigraph(ds)
    mg.add_edge(ANN, CAT, key="extra", relation="advised", interval=UNDATED, claims=("x",), statements=(), via=())
    g = P.collapse(mg)
    assert g.number_of_edges() == 8
    assert g.edges[ANN, CAT]["weight"] == 2.0
    assert g.edges[ANN, CAT]["relations"] == ("advised", "collaboratedWith")
    assert g.edges[ANN, CAT]["claims"] == (C_COLLAB, "x")


def test_person_organization_is_bipartite() -> None:
    ds = tiny()
    g = P.person_organization(P.entity_multigraph(ds), ds)
    assert set(g) == {ANN, BEN, CAT, ORG}
    assert {frozenset(e) for e in g.edges()} == {frozenset((ANN, ORG)), frozenset((BEN, ORG))}
    assert {n: g.nodes[n]["bipartite"] for n in g} == {ANN: 0, BEN: 0, CAT: 0, ORG: 1}
    assert g.edges[ANN, ORG]["weight"] == 1.0


def test_person_person_contexts_and_weights() -> None:
    ds = tiny()
    g = P.person_person(P.entity_multigraph(ds), ds)
    assert set(g) == {ANN, BEN, CAT}
    assert sorted(tuple(sorted(e)) for e in g.edges()) == [(ANN, BEN), (ANN, CAT)]
    ab = g.edges[ANN, BEN]
    assert ab["relations"] == ("shared event", "shared post") and ab["weight"] == 2.0
    assert set(ab["claims"]) == {C_MEET, C_ANN_HEAD, C_BEN_HEAD}
    post = next(p for p in ab["parts"] if p.relation == "shared post")
    assert post.via == (ORG,)
    assert post.interval.overlap(1924) is Overlap.UNCERTAIN  # Ann's years, Ben's undated
    ac = g.edges[ANN, CAT]
    assert ac["relations"] == ("collaboratedWith", "correspondence") and ac["weight"] == 2.0
    assert C_LETTER in ac["claims"]


def test_a_shared_organization_without_a_shared_role_is_not_a_post() -> None:
    ds = tiny()
    from dataclasses import replace
    ds.memberships = {k: replace(m, role="treasurer" if m.member == BEN else m.role) for k, m in ds.memberships.items()}
    g = P.person_person(P.entity_multigraph(ds), ds)
    assert g.edges[ANN, BEN]["relations"] == ("shared event", "shared organization")


def test_yearly_snapshots_mark_uncertain_and_count_undated() -> None:
    ds = tiny()
    g = P.person_person(P.entity_multigraph(ds), ds)
    snaps = P.yearly_snapshots(g)
    assert set(snaps) == set(range(1919, 1928))
    # 1923: the meeting makes Ann-Ben certain; Ann-Cat rests only on undated relations
    s1923 = snaps[1923]
    assert sorted(s1923.graph.edges()) == [(ANN, BEN)] and s1923.graph.edges[ANN, BEN]["uncertain"] is False
    assert s1923.counts == {"certain": 1, "uncertain": 0, "undated": 1, "absent": 0}
    assert s1923.graph.edges[ANN, BEN]["weight"] == 2.0
    # 1925: only the shared post, which may overlap: uncertain
    s1925 = snaps[1925]
    assert s1925.graph.edges[ANN, BEN]["uncertain"] is True
    assert s1925.graph.edges[ANN, BEN]["relations"] == ("shared post",)
    assert s1925.counts == {"certain": 0, "uncertain": 1, "undated": 1, "absent": 0}
    # 1919: before Ann's post and the meeting: absent; Cat is in no snapshot
    assert snaps[1919].graph.number_of_edges() == 0 and snaps[1919].counts["absent"] == 1
    assert all(CAT not in s.graph for s in snaps.values())


def test_supporting_an_organization_is_not_sharing_it() -> None:
    from kuzbass_graph.analysis.dataset import Fact
    from kuzbass_graph.namespaces import KZ

    ds = tiny()
    ds.facts.append(Fact(CAT, KZ + "supported", ORG, ("st",), ("claim-support",)))
    ds.facts.append(Fact(CAT, KZ + "led", ORG, ("st2",), ("claim-led",)))
    without_led = tiny()
    without_led.facts.append(Fact(CAT, KZ + "supported", ORG, ("st",), ("claim-support",)))
    g = P.person_person(P.entity_multigraph(without_led), without_led)
    assert g.edges[ANN, CAT]["relations"] == ("collaboratedWith", "correspondence")  # no shared organization
    assert not g.has_edge(BEN, CAT)
    led = P.person_person(P.entity_multigraph(ds), ds)
    assert led.edges[BEN, CAT]["relations"] == ("shared organization",)
    assert set(led.edges[BEN, CAT]["claims"]) == {C_BEN_HEAD, "claim-led"}  # not the support claim


def test_fold_events_links_what_an_event_links() -> None:
    ds = tiny()
    folded = P.fold_events(P.entity_multigraph(ds), ds)
    assert MEETING not in folded and LETTER in folded  # a letter is a work, not an event
    (key, data), = folded.get_edge_data(ANN, BEN).items()
    assert key == "event:meeting" and data["relation"] == "event" and data["via"] == (MEETING,)
    assert data["role"] == "participant" and data["interval"] == MAY_1923 and data["claims"] == (C_MEET,)
    assert folded.number_of_edges() == 8 - 2 + 1  # two participant edges become one event edge
    g = P.collapse(folded)
    assert g.edges[ANN, BEN]["relations"] == ("event",)
    assert g.edges[ANN, ORG]["relations"] == ("membership",)


def test_a_dated_state_is_folded_into_an_edge_between_what_it_links() -> None:
    import datetime as dt

    from kuzbass_graph.analysis.dataset import AssessmentNode
    from kuzbass_graph.analysis.intervals import Interval
    from kuzbass_graph.namespaces import ID
    from tests.analysis_fixture import fact

    ds = tiny()
    state, CLAIM_STATE = ID + "node/org-state-1924", ID + "claim/L007-state"
    in_1924 = Interval.point(dt.date(1924, 1, 1), dt.date(1924, 12, 31))
    ds.assessments[state] = AssessmentNode(state, "State", in_1924, (
        fact(ORG, "hasState", state, CLAIM_STATE), fact(state, "concerned", TOWN, CLAIM_STATE)))
    mg = P.entity_multigraph(ds)
    assert state not in mg
    (key, data), = mg.get_edge_data(ORG, TOWN).items()
    assert data["relation"] == "state" and data["via"] == (state,) and data["role"] == "concerned+hasState"
    assert data["interval"] == in_1924 and data["claims"] == (CLAIM_STATE,)
    assert P.snapshot(P.collapse(mg), 1924).graph.has_edge(ORG, TOWN)
