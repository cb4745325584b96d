"""The kuzbass command: parses arguments, calls one function per command, maps errors to exit codes.

Exit codes: 0 ok, 1 validation failed, 2 error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import __version__
from .config import Settings
from .errors import KuzbassError, ValidationFailed
from .validation import Check

app = typer.Typer(help="kuzbass-graph: build, validate and query the AIC Kuzbass knowledge graph.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

RootOption = Annotated[Path | None, typer.Option("--root", help="Project folder [env: KUZBASS_ROOT].")]
SkipOption = Annotated[list[Check] | None, typer.Option(
    "--skip", help="Skip a check (repeatable). --no-reason is --skip reasoner.")]
NoReasonOption = Annotated[bool, typer.Option("--no-reason", help="Skip the OWL reasoner (HermiT).")]


def _skipped(skip: list[Check] | None, no_reason: bool) -> frozenset[Check]:
    return frozenset(skip or ()) | ({Check.REASONER} if no_reason else set())


def _version(value: bool) -> None:
    if value:
        out.print(f"kuzbass-graph {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """kuzbass-graph: build, validate and query the AIC Kuzbass knowledge graph."""


def _fail(exc: KuzbassError) -> typer.Exit:
    if isinstance(exc, ValidationFailed):
        for problem in exc.problems:
            err.print(str(problem), markup=False, highlight=False)
        err.print(f"[bold red]validation failed:[/] {len(exc.problems)} problem(s)")
    else:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
    return typer.Exit(exc.exit_code)


@app.command()
def validate(
    root: RootOption = None,
    skip: SkipOption = None,
    no_reason: NoReasonOption = False,
) -> None:
    """Check the ontology and the curated data: syntax, declarations, quotes, SHACL shapes, OWL consistency."""
    from .pipeline import validate_project

    try:
        summary = validate_project(Settings.load(root=root), skip=_skipped(skip, no_reason), console=err)
    except KuzbassError as exc:
        raise _fail(exc) from None
    out.print(f"[green]valid:[/] {summary}")


@app.command()
def build(
    root: RootOption = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Output folder [env: KUZBASS_OUT; default: dist].")] = None,
    base_iri: Annotated[str | None, typer.Option("--base-iri", help="Base IRI of the published graph "
                                                 "[env: KUZBASS_BASE_IRI].")] = None,
    skip: SkipOption = None,
    no_reason: NoReasonOption = False,
) -> None:
    """Validate, materialize inferences and write the dumps to the output folder (atomically)."""
    from .pipeline import build_project

    try:
        summary = build_project(Settings.load(root=root, out=out_dir, base_iri=base_iri),
                                skip=_skipped(skip, no_reason), console=err)
    except KuzbassError as exc:
        raise _fail(exc) from None
    out.print(f"[green]built:[/] {summary}")
