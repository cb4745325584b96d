"""Generated documentation: the CLI reference from --help. `python -m kuzbass_graph.docs` rewrites it."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from .catalogue import catalogue_markdown, load_catalogue
from .cli import app

ROOT = Path(__file__).resolve().parents[1]
CLI_REFERENCE = ROOT / "docs" / "cli.md"
QUERY_CATALOGUE = ROOT / "queries" / "README.md"


def cli_reference() -> str:
    runner = CliRunner()
    command = typer.main.get_command(app)
    sections = ["# CLI reference", "",
                "Generated from `kuzbass --help` by `make docs`; a test fails when it drifts.", ""]
    for name in [None, *sorted(getattr(command, "commands", {}))]:
        args = [name, "--help"] if name else ["--help"]
        result = runner.invoke(app, args, prog_name="kuzbass", terminal_width=100,
                               env={"COLUMNS": "100", "TERM": "dumb"})
        sections += [f"## kuzbass {name}" if name else "## kuzbass", "", "```", result.output.rstrip(), "```", ""]
    return "\n".join(sections)


def main() -> None:
    CLI_REFERENCE.parent.mkdir(exist_ok=True)
    CLI_REFERENCE.write_text(cli_reference(), encoding="utf-8")
    QUERY_CATALOGUE.write_text(catalogue_markdown(load_catalogue(QUERY_CATALOGUE.parent)), encoding="utf-8")
    print(f"wrote {CLI_REFERENCE} and {QUERY_CATALOGUE}")


if __name__ == "__main__":
    main()
