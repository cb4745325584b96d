from __future__ import annotations

from pathlib import Path

import pytest

from kuzbass_graph.config import SETTINGS, Settings
from kuzbass_graph.errors import ConfigError


def test_defaults_and_flags(project: Path) -> None:
    s = Settings.load(root=project)
    assert s.out == project / "dist"
    assert s.base_iri == "https://w3id.org/kuzbass/"
    assert Settings.load(root=project, out=Path("/tmp/elsewhere")).out == Path("/tmp/elsewhere")


def test_environment_overrides_defaults(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUZBASS_BASE_IRI", "https://example.org/kz/")
    monkeypatch.setenv("KUZBASS_OUT", "public")
    s = Settings.load(root=project)
    assert s.base_iri == "https://example.org/kz/"
    assert s.out == project / "public"
    assert Settings.load(root=project, base_iri="https://flag.example/").base_iri == "https://flag.example/"


def test_bad_base_iri_is_a_config_error(project: Path) -> None:
    with pytest.raises(ConfigError, match="must be an http"):
        Settings.load(root=project, base_iri="urn:x")


def test_missing_project_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ontology/kuzbass.ttl not found"):
        Settings.load(root=tmp_path)


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for item in SETTINGS:
        assert item.env in readme, f"{item.env} is not documented in README.md"
