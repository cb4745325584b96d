"""The main jobs: validate the project, and build it into the output folder."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from . import __version__
from .build.cache import UnitCache
from .build.executor import open_executor
from .build.parts import Part
from .build.scratch import scratch_folder
from .build.verdicts import VerdictCache
from .compile import Compiled, compile_workspace
from .config import Settings
from .coverage import CoverageReport, measure_coverage
from .errors import ConfigError, ValidationFailed, writing_build
from .loader import Workspace, load_workspace
from .ontology import OntologyIndex, index_ontology
from .publishing.dumps import atomic_folder, rebase, write_descriptions, write_dumps, write_json
from .validation import Check, Problem, ValidationReport, validate_curation
from .validation.abox import abox_scope
from .validation.reasoner import check_owl, check_reasoner
from .validation.shapes import check_shapes
from .validation.symmetry import check_symmetry

if TYPE_CHECKING:  # the analysis and the site are imported when a build makes them (networkx, jinja2)
    from .analysis.run import BuildAnalysis


@dataclass
class Outcome:
    ws: Workspace
    compiled: Compiled
    report: ValidationReport
    timings: dict[str, float] = field(default_factory=dict)
    pending: Future[list[Problem]] | None = None  # the Java checks, when they run beside the build's writing
    console: Console | None = None
    verdicts: VerdictCache | None = None

    def finish(self) -> None:
        """Wait for the Java checks running beside the build, if any; raise ValidationFailed on their errors
        (before the build is switched in), print their warnings otherwise."""
        if self.pending is None:
            return
        problems, self.pending = self.pending.result(), None
        self.report.problems += problems
        if self.verdicts is not None:
            self.compiled.units["java checks reused"] = sorted(self.verdicts.reused)
        if not self.report.ok:
            raise ValidationFailed(self.report.problems)
        for problem in problems:
            if self.console is not None and problem in self.report.warnings:
                self.console.print(str(problem), markup=False, highlight=False)

    def summary(self) -> str:
        c = self.compiled.counts
        warnings = len(self.report.warnings)
        return (f"{len(self.ws.files)} files, {c['claims']} claims, {c['entities']} entities, "
                f"{c['data']} data + {c['provenance']} provenance triples; checks: {', '.join(self.report.ran)}"
                + (f"; {warnings} warning(s)" if warnings else ""))


def run_checks(settings: Settings, *, skip: frozenset[Check], console: Console, strict: bool = False,
               cache: bool = False, scratch: Path | None = None, beside: bool = False) -> Outcome:
    """Load, validate the curated files, compile (through the settings' executor, reusing cached file units
    when `cache` and the settings allow; into on-disk stores in `scratch` when the curated files hold more
    quads than the settings keep in memory), then validate the compiled graph. Raises ValidationFailed on an
    error (or, when strict, on a warning); prints the warnings otherwise. With `beside`, the Java checks (OWL
    profile, HermiT) run in a thread while the caller goes on, and `Outcome.finish` waits for their answer."""
    timings: dict[str, float] = {}

    def step(name: str, started: float) -> None:
        timings[name] = round(time.perf_counter() - started, 3)

    with console.status("loading") as status:
        t = time.perf_counter()
        ws = load_workspace(settings)
        onto = index_ontology(ws.store)
        step("load", t)
        status.update("checking claims, quotes, declarations and dates")
        t = time.perf_counter()
        report = validate_curation(ws, onto=onto, skip=skip)
        report.strict = strict
        step("curation checks", t)
        if not report.ok:
            raise ValidationFailed(report.problems)
        status.update("compiling")
        t = time.perf_counter()
        executor = open_executor(settings.executor)
        quads = sum(f.quads for f in ws.files)
        on_disk = scratch is not None and (settings.memory_max_quads == 0 or quads > settings.memory_max_quads)
        try:
            compiled = compile_workspace(ws, onto, executor=executor,
                                         cache=UnitCache(settings.units_cache if cache and settings.cache else None),
                                         folder=scratch / "stores" if on_disk and scratch else None)
        finally:
            executor.close()
        compiled.units["stores"] = "on disk" if on_disk else "in memory"
        step("compile", t)
        if Check.SYMMETRY not in skip:
            report.ran.append(Check.SYMMETRY)
            report.problems += check_symmetry(ws, compiled, onto)
        shapes = Check.SHAPES not in skip
        if shapes:
            report.ran.append(Check.SHAPES)
        verdicts = VerdictCache(settings.verdicts_cache if cache and settings.cache else None)
        java_cache = settings.java_cache if cache else None  # the compiled OWL checks; else a temporary folder

        def owl_checks() -> Callable[[], list[Problem]] | None:
            return _owl_checks(ws, compiled, onto, report, skip=skip, verdicts=verdicts, java_cache=java_cache,
                               timings=timings) if report.ok else None

        pending: Future[list[Problem]] | None = None
        if beside and (owl := owl_checks()) is not None:
            # the JVM runs beside the shapes and the build's writing; Outcome.finish waits for it
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="owl-checks")
            pending = pool.submit(owl)
            pool.shutdown(wait=False)  # the thread ends with the checks
        if shapes:
            status.update("checking SHACL shapes")
            t = time.perf_counter()
            report.problems += check_shapes(ws, compiled)
            step("shapes", t)
        if not beside and (owl := owl_checks()) is not None:
            status.update("checking the OWL 2 DL profile and reasoning with HermiT")
            report.problems += owl()
            compiled.units["java checks reused"] = sorted(verdicts.reused)
    if not report.ok:
        _cancel(pending)
        raise ValidationFailed(report.problems)
    for problem in report.warnings:
        console.print(str(problem), markup=False, highlight=False)
    return Outcome(ws, compiled, report, timings, pending=pending, console=console, verdicts=verdicts)


def _cancel(pending: Future[list[Problem]] | None) -> None:
    """Wait for checks running beside a build that has already failed (their answer no longer matters)."""
    if pending is not None:
        try:
            pending.result()
        except Exception:  # noqa: BLE001 - the build's first failure is the one reported
            pass


def _owl_checks(ws: Workspace, compiled: Compiled, onto: OntologyIndex, report: ValidationReport, *,
                skip: frozenset[Check], verdicts: VerdictCache, java_cache: Path | None,
                timings: dict[str, float]) -> Callable[[], list[Problem]] | None:
    """The Java checks to run (the OWL 2 DL profile and HermiT in one JVM, or HermiT alone), as a function
    giving their problems, or None when none is asked for. Records in `report` what they read and ran."""
    both = Check.PROFILE not in skip and Check.REASONER not in skip
    if not both and Check.REASONER in skip:
        return None
    report.ran += [Check.PROFILE, Check.REASONER] if both else [Check.REASONER]
    scope = abox_scope(ws, compiled)  # what the profile check and the reasoner read (validation/abox.py)
    report.reasoned = scope.describe()

    def run() -> list[Problem]:
        started = time.perf_counter()
        if not both:
            problems = check_reasoner(ws, compiled, onto, scope=scope, verdicts=verdicts, java_cache=java_cache)
            timings["reasoner"] = round(time.perf_counter() - started, 3)
            return problems
        # one JVM; HermiT's answer counts only when the data is in the OWL 2 DL profile
        profile_problems, reasoner_problems = check_owl(ws, compiled, onto, scope=scope, verdicts=verdicts,
                                                        java_cache=java_cache)
        timings["profile and reasoner"] = round(time.perf_counter() - started, 3)
        if reasoner_problems is None:  # the profile's problems explain what HermiT would refuse
            report.ran.remove(Check.REASONER)
            return profile_problems
        return profile_problems + reasoner_problems

    return run


def validate_project(settings: Settings, *, skip: frozenset[Check] = frozenset(),
                     console: Console | None = None, strict: bool = False) -> str:
    with tempfile.TemporaryDirectory(prefix="kuzbass-validate-") as scratch:
        outcome = run_checks(settings, skip=skip, console=console or Console(stderr=True), strict=strict,
                             scratch=Path(scratch))
        return outcome.summary()


def build_project(settings: Settings, *, skip: frozenset[Check] = frozenset(),
                  console: Console | None = None, strict: bool = False,
                  without: frozenset[Part] = frozenset()) -> str:
    if Part.ANALYSIS in without and Part.SITE not in without:
        raise ConfigError("the site's network pages are drawn from the analysis",
                          hint="leave out both (--without analysis --without site), or neither")
    console = console or Console(stderr=True)
    with ExitStack() as stack:
        with writing_build(settings.out):  # OUT/.scratch is the first thing a build writes
            scratch = stack.enter_context(scratch_folder(settings.scratch))
        return _build(settings, skip=skip, console=console, strict=strict, without=without, scratch=scratch)


def _build(settings: Settings, *, skip: frozenset[Check], console: Console, strict: bool, without: frozenset[Part],
           scratch: Path) -> str:
    started = time.perf_counter()
    outcome = run_checks(settings, skip=skip, console=console, strict=strict, cache=True, scratch=scratch,
                         beside=True)
    analysis = None
    if Part.ANALYSIS not in without:
        with console.status("analysing the network"):
            t = time.perf_counter()
            from .analysis.run import analyze_compiled

            analysis = analyze_compiled(outcome.compiled.store)  # adds the analysis graph to the dumps
            outcome.timings["analysis"] = round(time.perf_counter() - t, 3)
    with writing_build(settings.out), console.status("writing dumps"), atomic_folder(settings.out) as folder:
        t = time.perf_counter()
        dumps = write_dumps(outcome.compiled, outcome.ws, folder, base_iri=settings.base_iri)
        outcome.timings["dumps"] = round(time.perf_counter() - t, 3)
        t_described = time.perf_counter()
        sizes = dumps.sizes | write_descriptions(folder, dumps)
        outcome.timings["dataset description"] = round(time.perf_counter() - t_described, 3)
        if analysis is not None:
            outcome.timings["analysis files"] = round(
                analysis.write(folder / "analysis", base_iri=settings.base_iri)["write"], 3)
        if analysis is not None and Part.SITE not in without:
            _write_site(settings, outcome, analysis, folder)
        coverage = measure_coverage(outcome.ws, outcome.compiled)
        write_json(folder / "coverage.json", coverage.as_dict())
        (folder / "coverage.md").write_text(coverage.as_markdown(), encoding="utf-8")
        t_java = time.perf_counter()
        outcome.finish()  # the Java checks' errors fail the build here, before it is switched in
        outcome.timings["waiting for the Java checks"] = round(time.perf_counter() - t_java, 3)
        outcome.timings["write"] = round(time.perf_counter() - t, 3)
        outcome.timings["total"] = round(time.perf_counter() - started, 3)
        write_json(folder / "build-report.json", {
            "version": __version__, "base_iri": settings.base_iri, "counts": outcome.compiled.counts,
            "checks": [str(c) for c in outcome.report.ran], "seconds": outcome.timings, "files": sizes,
            "dump seconds": dumps.seconds,
            "units": outcome.compiled.units, "reasoned": outcome.report.reasoned,
            "coverage": {"content_sentences": len(coverage.sentences), "cited": coverage.cited,
                         "share": round(coverage.share, 4)},
            "sources": {name: {"sha256": s.sha256, "passages": len(s.passages)}
                        for name, s in outcome.ws.sources.items()},
        })
    units = outcome.compiled.units
    left_out = "".join(f"; without {part}" for part in Part if part in without)
    java = units.get("java checks reused") or []
    reused_java = f"; Java checks' answers reused: {', '.join(map(str, java))}" if java else ""  # type: ignore[call-overload]
    return (f"{outcome.summary()}{left_out}; coverage {coverage.share:.1%}; files compiled {units['compiled']}, "
            f"reused {units['reused']} ({units['executor']}){reused_java} -> {settings.out} in "
            f"{outcome.timings['total']:.1f} s")


def _write_site(settings: Settings, outcome: Outcome, analysis: BuildAnalysis, folder: Path) -> None:
    """dist/site: entity documents with their ego networks, the network pages, the map and the site pages."""
    from .publishing.static_tree import write_documents
    from .site.build import write_site
    from .site.map import write_map
    from .site.network import NetworkSite, network_input
    from .site.queries import CatalogueRun

    catalogue = CatalogueRun(folder / "store", settings.root / "queries")  # overlaps what follows
    t_network = time.perf_counter()
    network = NetworkSite(network_input(analysis.analysis, outcome.compiled.store))
    outcome.timings["network data"] = round(time.perf_counter() - t_network, 3)
    documents = write_documents(map(rebase(settings.base_iri), outcome.compiled.store), folder / "site",
                                base_iri=settings.base_iri, ontology_cache=settings.out / ".cache",
                                networks=network.ego_folders)
    outcome.timings["documents"] = round(sum(documents.values()), 3)
    t_map = time.perf_counter()
    write_map(outcome.compiled.store, folder / "site", review=settings.links_dir / "geonames-review.csv")
    outcome.timings["map"] = round(time.perf_counter() - t_map, 3)
    outcome.timings["network pages"] = round(sum(network.write(folder / "site").values()), 3)
    site_seconds = write_site(outcome.compiled.store, folder / "site", queries=settings.root / "queries",
                              counts=outcome.compiled.counts, catalogue=catalogue)
    outcome.timings["site"] = site_seconds["total"]


def coverage_project(settings: Settings, *, console: Console | None = None) -> CoverageReport:
    """Coverage of the sources by the claims; validates the curated files first (no shapes, no reasoner)."""
    with tempfile.TemporaryDirectory(prefix="kuzbass-coverage-") as scratch:
        outcome = run_checks(settings, skip=frozenset({Check.SHAPES, Check.REASONER}),
                             console=console or Console(stderr=True), scratch=Path(scratch))
        return measure_coverage(outcome.ws, outcome.compiled)
