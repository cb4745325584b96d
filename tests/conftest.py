from __future__ import annotations

from pathlib import Path

import pytest

from kuzbass_graph.config import Settings
from tests.fixture_project import make_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def settings(project: Path) -> Settings:
    return Settings.load(root=project, out=project / "dist")
