"""The kuzbass command: exit codes 0 (ok), 1 (validation failed), 2 (error), with file and line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kuzbass_graph import __version__
from kuzbass_graph.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_validate_ok(project: Path) -> None:
    result = runner.invoke(app, ["validate", "--root", str(project), "--no-reason"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_validate_reports_problems_with_file_and_line_and_exits_1(project: Path) -> None:
    path = project / "data" / "triples" / "mini.trig"
    path.write_text(path.read_text().replace("kz:foundedBy", "kz:foundedBi"))
    result = runner.invoke(app, ["validate", "--root", str(project), "--no-reason"])
    assert result.exit_code == 1
    assert "mini.trig:" in result.output and "kz:foundedBi is not declared" in result.output


def test_syntax_error_exits_2_with_file_and_line(project: Path) -> None:
    path = project / "data" / "triples" / "mini.trig"
    path.write_text(path.read_text() + "\nperson:x a \n")
    result = runner.invoke(app, ["validate", "--root", str(project)])
    assert result.exit_code == 2
    assert "mini.trig:" in result.output and "error" in result.output


def test_build_writes_to_out(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "published"
    result = runner.invoke(app, ["build", "--root", str(project), "--out", str(out), "--skip", "reasoner"])
    assert result.exit_code == 0, result.output
    assert (out / "kuzbass.nq").is_file()


def test_missing_project_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "KUZBASS_ROOT" in result.output
