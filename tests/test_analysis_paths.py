"""Finding entities by name or variant, and explained shortest paths: on the tiny dataset and the real graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kuzbass_graph.analysis import projections as P
from kuzbass_graph.analysis.paths import PathFormat, find_entity, render, shortest_paths
from kuzbass_graph.cli import app
from kuzbass_graph.errors import InputError
from kuzbass_graph.pipeline import Outcome
from tests.analysis_fixture import ANN, BEN, C_ANN_HEAD, C_MEET, CAT, tiny
from tests.fixture_project import ROOT


def test_find_by_label_variant_case_and_accents() -> None:
    ds = tiny()
    assert find_entity(ds, "ann archer") == ANN
    assert find_entity(ds, "Benn Baars") == BEN  # a variant
    assert find_entity(ds, "Calvért") == CAT  # accents ignored, a word of the label
    with pytest.raises(InputError, match="no entity"):
        find_entity(ds, "Zed")


def test_an_ambiguous_name_prefers_the_only_agent_else_lists_the_candidates() -> None:
    from dataclasses import replace

    from tests.analysis_fixture import ORG

    ds = tiny()
    assert find_entity(ds, "the") == ORG  # 'the meeting', 'the letter', 'The Org': one agent
    ds.entities[ANN] = replace(ds.entities[ANN], label="Ann the Archer")
    with pytest.raises(InputError, match=r"names 4 entities: .*The Org.*Ann the Archer"):
        find_entity(ds, "the")


def test_paths_explained_hop_by_hop_on_the_tiny_dataset() -> None:
    ds = tiny()
    g = P.collapse(P.entity_multigraph(ds))
    paths = shortest_paths(g, ds, BEN, ANN)
    assert len(paths) == 2  # through the meeting and through the organization
    by_org, by_meeting = sorted(paths, key=lambda p: p[0].target)
    assert [h.claim for h in by_org] == [ID_BEN_HEAD_CLAIM, C_ANN_HEAD]
    assert by_org[1].relation == "held the post 'head' in" and by_org[1].date == "1922-01-01..1926-12-31"
    assert by_meeting[0].claim == C_MEET and by_meeting[0].line == 1 and by_meeting[0].date == "1923-05-01..1923-05-31"
    text = render(paths, "Ben Baars", "Ann Archer", PathFormat.TEXT)
    assert ("Ann Archer held the post 'head' in The Org [1922-01-01..1926-12-31] "
            '"Ann headed the Org from 1922 to 1926." (line 2)') in text
    md = render(paths, "Ben Baars", "Ann Archer", PathFormat.MARKDOWN)
    assert md.count("| # | hop | date | quote | line |") == 2
    data = json.loads(render(paths, "Ben Baars", "Ann Archer", PathFormat.JSON))
    assert data["paths"][0][0]["quote"] and data["from"] == "Ben Baars"


ID_BEN_HEAD_CLAIM = tiny().memberships[[k for k in tiny().memberships if "ben" in k][0]].facts[0].claims[0]


@pytest.fixture(scope="module")
def real_build(real: Outcome, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real graph as a build folder (kuzbass.nq only), for the commands."""
    folder = tmp_path_factory.mktemp("build")
    ox.serialize(real.compiled.store, output=str(folder / "kuzbass.nq"), format=ox.RdfFormat.N_QUADS)
    return folder


SOURCE = (ROOT / "data" / "sources" / "aic-kuzbass.txt").read_text(encoding="utf-8").splitlines()


@pytest.mark.slow
def test_path_from_a_colonist_to_lenin_shows_the_quotes(real_build: Path) -> None:
    result = CliRunner().invoke(app, ["path", "Haywood", "Lenin", "--dataset", str(real_build), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["from"] == "Bill Heywood" and data["to"] == "V.I. Lenin"
    paths = data["paths"]
    assert paths and all(len(p) == 2 for p in paths)  # Heywood -> the Colony -> Lenin
    first = paths[0]
    assert first[0]["relation"] == "held the post 'representative' in"
    assert first[0]["target_label"] == "Autonomous Industrial Colony Kuzbass"
    assert "remained in Moscow as AIC representative" in first[0]["quote"] and first[0]["line"] == 69
    assert first[1]["source_label"] == "V.I. Lenin" and first[1]["relation"] == "conducted"  # line 7: "conducted"
    for hop in (h for p in paths for h in p):  # every quote is in the source line it cites
        assert hop["quote"] in SOURCE[hop["line"] - 1]
    text = CliRunner().invoke(app, ["path", "Haywood", "Lenin", "--dataset", str(real_build), "--max", "1"])
    assert re.search(r'1\. Bill Heywood held the post .* "remained in Moscow as AIC representative.*" \(line 69\)',
                     text.output)


@pytest.mark.slow
def test_path_with_an_unknown_name_exits_2(real_build: Path) -> None:
    result = CliRunner().invoke(app, ["path", "Nobody Atall", "Lenin", "--dataset", str(real_build)])
    assert result.exit_code == 2 and "no entity is named" in result.output


def test_a_hop_through_a_folded_state_says_so() -> None:
    import datetime as dt

    from kuzbass_graph.analysis.dataset import AssessmentNode, Citation
    from kuzbass_graph.analysis.intervals import Interval
    from kuzbass_graph.namespaces import ID
    from tests.analysis_fixture import ORG, TOWN, fact

    ds = tiny()
    state, claim = ID + "node/org-state", ID + "claim/L007-state"
    ds.claims[claim] = Citation(claim, "By 1924 the Org fed the Town.", 7)
    ds.assessments[state] = AssessmentNode(state, "State", Interval.point(dt.date(1924, 1, 1), dt.date(1924, 12, 31)),
                                           (fact(ORG, "hasState", state, claim), fact(state, "concerned", TOWN, claim)))
    g = P.collapse(P.entity_multigraph(ds))
    (hop,), = shortest_paths(g, ds, ORG, TOWN)
    assert hop.relation == "is linked through a state of the source to"
    assert hop.quote == "By 1924 the Org fed the Town." and hop.line == 7 and hop.date == "1924-01-01..1924-12-31"
