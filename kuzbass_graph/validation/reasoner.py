"""OWL 2 DL consistency with HermiT (the jar of owlready2, system Java) of the published ontology + data
graph, unfiltered, and no unsatisfiable classes.

HermiT runs in `OwlChecks.java` (`owl_program`) through the OWL API, on owlready2's classpath, answering as
owlready2's `sync_reasoner` does; with the profile check asked for too (`check_owl`), one JVM loads the
input once for both. HermiT reads the whole ontology and the ABox of `abox.abox_scope`: all the data graph
up to the limit `reason_max_triples`, else the modules of some curated files. When the ABox is bounded, the
types that the data asserts or implies (by the domains and ranges of its properties) are also checked
against the ontology's disjoint classes for all the data, so a disjointness clash outside the modules is
still found.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from ..build.verdicts import VerdictCache, canonical_key, canonical_lines
from ..compile import DATA_GRAPH, Compiled
from ..errors import Problem
from ..loader import ONTOLOGY_GRAPH, Workspace
from ..namespaces import KZ, ONTOLOGY_IRI, OWL, RDF, RDF_TYPE
from ..ontology import OntologyIndex
from . import owl_program
from .abox import AboxScope, abox_scope
from .line_index import LineIndex
from .profile import keep_violations, kept_violations, profile_key, profile_problems


def published_owl(compiled: Compiled) -> list[ox.Triple]:
    """The graphs published as OWL 2 DL: ontology and data. The provenance graph (reified statements,
    Web Annotations) is RDF outside OWL by design and is not given to the reasoner or the profile check.
    The checks read `abox.abox_scope`, which is this unless the data is over the limit."""
    return [q.triple for graph in (ONTOLOGY_GRAPH, DATA_GRAPH)
            for q in compiled.store.quads_for_pattern(None, None, None, graph)]


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _run_hermit(nt: bytes, *, cache: Path | None = None) -> tuple[bool, list[str]]:
    """HermiT on N-Triples: whether they are consistent, and if so the IRIs of the unsatisfiable classes but
    owl:Nothing, sorted (the compiled program kept under `cache`, see `owl_program`). As under owlready2, the
    owl:imports statements are left out: HermiT reads these triples only."""
    if f"<{OWL}imports>".encode() in nt:
        nt = _ntriples([t for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES) if t.predicate.value != OWL + "imports"])
    with tempfile.TemporaryDirectory(prefix="kuzbass-reasoner-") as folder:
        nt_file = Path(folder) / "ontology-and-data.nt"
        nt_file.write_bytes(nt)
        answers = owl_program.run_owl_program(nt_file, profile=False, reason=True, cache=cache)
    if answers.reasoning is None:
        raise owl_program.hermit_error(answers.hermit_failed or "no answer")
    return answers.reasoning


def _disjoint_sets(ws: Workspace) -> list[set[str]]:
    query = f"""SELECT ?d ?m WHERE {{ GRAPH <{ONTOLOGY_GRAPH.value}> {{
        ?d a <{OWL}AllDisjointClasses> ; <{OWL}members>/<{RDF}rest>*/<{RDF}first> ?m }} }}"""
    groups: dict[str, set[str]] = defaultdict(set)
    for row in ws.store.query(query):
        groups[str(row["d"])].add(row["m"].value)
    return list(groups.values())


def explain_clashes(ws: Workspace, onto: OntologyIndex, triples: list[ox.Triple]) -> list[Problem]:
    """Entities whose asserted types, or the domains and ranges of their properties, are disjoint."""
    implied: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        s, p, o = t.subject.value, t.predicate.value, t.object
        if p == RDF_TYPE:
            implied[s].add(o.value)
            continue
        implied[s] |= {d for d in onto.domains.get(p, ()) if d.startswith(KZ)}
        if isinstance(o, ox.NamedNode) and p in onto.object_properties:
            implied[o.value] |= {r for r in onto.ranges.get(p, ()) if r.startswith(KZ)}
    problems = []
    groups = _disjoint_sets(ws)
    lines: LineIndex | None = None
    for entity, classes in sorted(implied.items()):
        above = set().union(*(onto.ancestors(c) for c in classes))
        for group in groups:
            hits = sorted(group & above)
            if len(hits) > 1:
                lines = lines or LineIndex.of(ws)
                where = lines.locate(entity)
                problems.append(Problem(
                    "reasoner", f"<{entity}> would be both " + " and ".join(h.replace(KZ, "kz:") for h in hits)
                    + ", which are disjoint", path=where[0] if where else None, line=where[1] if where else None,
                    focus=entity, hint="fix its type, or the property that implies the other class"))
                break
    return problems


def reasoner_key(scope: AboxScope, verdicts: VerdictCache, *, lines: bytes | None = None) -> str:
    """The key of HermiT's answer on the scope ("" without a cache; `lines`: the scope's `canonical_lines`,
    when already made)."""
    return (canonical_key("reasoner", scope.triples, tool=owl_program.PROGRAM.read_bytes(), lines=lines)
            if verdicts.folder is not None else "")


def kept_reasoning(verdicts: VerdictCache, key: str) -> tuple[bool, list[str]] | None:
    answer = verdicts.get("reasoner", key) if key else None
    if isinstance(answer, list) and len(answer) == 2:
        return bool(answer[0]), [str(c) for c in answer[1]]
    return None


def keep_reasoning(verdicts: VerdictCache, key: str, answer: tuple[bool, list[str]]) -> None:
    if key:
        verdicts.put("reasoner", key, list(answer))


def check_reasoner(ws: Workspace, compiled: Compiled, onto: OntologyIndex, *,
                   scope: AboxScope | None = None, verdicts: VerdictCache | None = None,
                   java_cache: Path | None = None) -> list[Problem]:
    """HermiT on the ontology and the ABox of the scope (by default `abox_scope`); unsatisfiable classes and
    inconsistency, explained by the entities whose types clash where possible. With `verdicts`, HermiT's
    answer for the same input is taken from the cache; the compiled program is kept under `java_cache`."""
    scope = scope or abox_scope(ws, compiled)
    verdicts = verdicts or VerdictCache(None)
    key = reasoner_key(scope, verdicts)
    answer = kept_reasoning(verdicts, key)
    if answer is None:
        answer = _run_hermit(_ntriples(scope.triples), cache=java_cache)
        keep_reasoning(verdicts, key, answer)
    return reasoner_problems(ws, compiled, onto, scope, answer)


def check_owl(ws: Workspace, compiled: Compiled, onto: OntologyIndex, *, scope: AboxScope | None = None,
              verdicts: VerdictCache | None = None,
              java_cache: Path | None = None) -> tuple[list[Problem], list[Problem] | None]:
    """The OWL 2 DL profile check and HermiT in one JVM, on the ontology and the ABox of the scope: the
    profile's problems (as `profile.check_profile`), and HermiT's (as `check_reasoner`), None when the profile
    has violations: HermiT's answer counts only on OWL 2 DL, and is not sought then. With `verdicts`, kept
    answers are reused, and no JVM starts when they answer all."""
    scope = scope or abox_scope(ws, compiled)
    verdicts = verdicts or VerdictCache(None)
    lines = canonical_lines(scope.triples) if verdicts.folder is not None else None  # for both keys
    profile_at, reasoner_at = profile_key(scope, verdicts, lines=lines), reasoner_key(scope, verdicts, lines=lines)
    violations = kept_violations(verdicts, profile_at)
    answer = kept_reasoning(verdicts, reasoner_at) if not violations else None
    failed = None
    if violations is None or (answer is None and not violations):
        with tempfile.TemporaryDirectory(prefix="kuzbass-owl-") as folder:
            nt_file = Path(folder) / "ontology-and-data.nt"
            nt_file.write_bytes(_ntriples(scope.triples))
            ran = owl_program.run_owl_program(nt_file, profile=violations is None, reason=answer is None,
                                              cache=java_cache)
        if violations is None:
            violations = ran.violations or []
            keep_violations(verdicts, profile_at, violations)
        if ran.reasoning is not None:
            answer = ran.reasoning
            keep_reasoning(verdicts, reasoner_at, answer)
        failed = ran.hermit_failed
    problems = profile_problems(ws, violations)
    if violations:
        return problems, None
    if answer is None:
        raise owl_program.hermit_error(failed or "no answer")
    return problems, reasoner_problems(ws, compiled, onto, scope, answer)


def reasoner_problems(ws: Workspace, compiled: Compiled, onto: OntologyIndex, scope: AboxScope,
                      answer: tuple[bool, list[str]]) -> list[Problem]:
    """HermiT's answer as problems: one per unsatisfiable class; for an inconsistency, the entities whose types
    clash, else one problem; on a bounded ABox, the clashes of the types in all the data."""
    consistent, unsatisfiable = answer
    problems = [Problem("reasoner", f"class <{c}> is unsatisfiable (it can have no members)", focus=c,
                        path=ws.ontology_files[0].path, hint="check its subclass and disjointness axioms")
                for c in unsatisfiable]
    if not consistent:
        explained = explain_clashes(ws, onto, compiled.reasoner_input)
        problems += explained or [Problem(
            "reasoner", "HermiT found the ontology and data inconsistent", focus=ONTOLOGY_IRI,
            hint="look for an entity with disjoint types, or a value against a property's range")]
    elif scope.bounded:  # the data HermiT did not read: its types against the disjoint classes
        problems += explain_clashes(ws, onto, compiled.reasoner_input)
    return problems
