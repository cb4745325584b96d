from __future__ import annotations

from pathlib import Path

import pytest

from kuzbass_graph.config import Settings
from kuzbass_graph.errors import InputError
from kuzbass_graph.loader import load_workspace
from tests.fixture_project import FOUNDING_CLAIM


def test_loads_claims_and_records_their_file(settings: Settings) -> None:
    ws = load_workspace(settings)
    assert FOUNDING_CLAIM in {g.value for g in ws.claim_graphs()}
    record = ws.file_of_claim(FOUNDING_CLAIM)
    assert record is not None and record.path.name == "mini.trig"


def test_broken_trig_names_file_line_and_column(project: Path, settings: Settings) -> None:
    path = project / "data" / "triples" / "mini.trig"
    lines = path.read_text().splitlines()
    lines[20] = lines[20] + " kz:oops"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        load_workspace(settings)
    assert caught.value.path == path
    assert caught.value.line is not None and 20 <= caught.value.line <= 23
    assert f"mini.trig:{caught.value.line}:" in str(caught.value)


def test_broken_ontology_names_its_file(project: Path, settings: Settings) -> None:
    (project / "ontology" / "extra.ttl").write_text("@prefix : <http://x/> .\n:a :b .\n")
    with pytest.raises(InputError, match=r"extra.ttl:2"):
        load_workspace(settings)
