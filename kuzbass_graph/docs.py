"""Generated documentation, rewritten by `python -m kuzbass_graph.docs` (make docs) and checked by tests:
the CLI reference from --help, the query catalogue from the .rq headers, and the coverage block of the README."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.testing import CliRunner

from .catalogue import catalogue_markdown, load_catalogue
from .cli import app
from .coverage import CoverageReport

ROOT = Path(__file__).resolve().parents[1]
CLI_REFERENCE = ROOT / "docs" / "cli.md"
QUERY_CATALOGUE = ROOT / "queries" / "README.md"
README = ROOT / "README.md"
COVERAGE_BLOCK = re.compile(r"(<!-- coverage:start -->\n)(.*?)(<!-- coverage:end -->)", re.DOTALL)


def coverage_block(report: CoverageReport, entities: int, claims: int) -> str:
    top = list(report.entities_per_class.items())[:8]
    lines = [f"The curated claims cite **{report.cited} of {len(report.sentences)}** content sentences of the source "
             f"(**{report.share:.1%}**; {len(report.excluded)} headings and captions are not counted). The graph has "
             f"{entities} entities and {claims} claims; the most common classes (a class counts its subclasses' "
             "members): " + ", ".join(f"{cls} {n}" for cls, n in top) + ".",
             "`kuzbass coverage` prints the full report; the build writes it to `dist/coverage.md`."]
    return "\n".join(lines) + "\n"


def readme_with_coverage(text: str, block: str) -> str:
    if not COVERAGE_BLOCK.search(text):
        raise ValueError("README.md has no <!-- coverage:start --> ... <!-- coverage:end --> block")
    return COVERAGE_BLOCK.sub(lambda m: m.group(1) + block + m.group(3), text)


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
    from rich.console import Console

    from .config import Settings
    from .coverage import measure_coverage
    from .pipeline import run_checks
    from .validation import Check

    outcome = run_checks(Settings.load(root=ROOT), skip=frozenset({Check.SHAPES, Check.REASONER}),
                         console=Console(quiet=True))
    report = measure_coverage(outcome.ws, outcome.compiled)
    block = coverage_block(report, outcome.compiled.counts["entities"], outcome.compiled.counts["claims"])
    README.write_text(readme_with_coverage(README.read_text(encoding="utf-8"), block), encoding="utf-8")
    print(f"wrote {CLI_REFERENCE}, {QUERY_CATALOGUE} and the coverage block of {README}")


if __name__ == "__main__":
    main()
