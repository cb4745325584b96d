"""OWL 2 DL consistency with HermiT (owlready2, system Java) of the published ontology + data graph,
unfiltered, and no unsatisfiable classes.

HermiT reads the whole ontology and the ABox of `abox.abox_scope`: all the data graph up to the limit
`reason_max_triples`, else the modules of some curated files. When the ABox is bounded, the types that the
data asserts or implies (by the domains and ranges of its properties) are also checked against the
ontology's disjoint classes for all the data, so a disjointness clash outside the modules is still found.
"""

from __future__ import annotations

import io
import shutil
from collections import defaultdict

import pyoxigraph as ox

from ..build.verdicts import VerdictCache, canonical_key
from ..compile import DATA_GRAPH, Compiled
from ..errors import Problem, ReasonerError
from ..loader import ONTOLOGY_GRAPH, Workspace
from ..namespaces import KZ, ONTOLOGY_IRI, OWL, RDF, RDF_TYPE
from ..ontology import OntologyIndex
from .abox import AboxScope, abox_scope
from .line_index import LineIndex


def published_owl(compiled: Compiled) -> list[ox.Triple]:
    """The graphs published as OWL 2 DL: ontology and data. The provenance graph (reified statements,
    Web Annotations) is RDF outside OWL by design and is not given to the reasoner or the profile check.
    The checks read `abox.abox_scope`, which is this unless the data is over the limit."""
    return [q.triple for graph in (ONTOLOGY_GRAPH, DATA_GRAPH)
            for q in compiled.store.quads_for_pattern(None, None, None, graph)]


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _run_hermit(nt: bytes) -> tuple[bool, list[str]]:
    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner

    world = World()
    ontology = world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(nt), format="ntriples")
    try:
        with ontology:
            sync_reasoner(world, infer_property_values=False, debug=0)
    except OwlReadyInconsistentOntologyError:
        return False, []
    return True, sorted(c.iri for c in world.inconsistent_classes()
                        if hasattr(c, "iri") and c.iri != OWL + "Nothing")


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


def check_reasoner(ws: Workspace, compiled: Compiled, onto: OntologyIndex, *,
                   scope: AboxScope | None = None, verdicts: VerdictCache | None = None) -> list[Problem]:
    """HermiT on the ontology and the ABox of the scope (by default `abox_scope`); unsatisfiable classes and
    inconsistency, explained by the entities whose types clash where possible. With `verdicts`, HermiT's
    answer for the same input is taken from the cache."""
    scope = scope or abox_scope(ws, compiled)
    verdicts = verdicts or VerdictCache(None)
    key = canonical_key("reasoner", scope.triples) if verdicts.folder is not None else ""
    answer = verdicts.get("reasoner", key) if key else None
    if isinstance(answer, list) and len(answer) == 2:
        consistent, unsatisfiable = bool(answer[0]), [str(c) for c in answer[1]]
    else:
        if shutil.which("java") is None:
            raise ReasonerError("the OWL reasoner needs Java, and no 'java' is on the PATH",
                                hint="install a Java runtime (apt-get install default-jre-headless), "
                                     "or skip the reasoner with --no-reason")
        try:
            consistent, unsatisfiable = _run_hermit(_ntriples(scope.triples))
        except Exception as exc:  # owlready2 wraps Java failures in several types
            raise ReasonerError(f"HermiT failed: {str(exc).strip()[:500]}",
                                hint="check that 'java -version' works; run with --no-reason to skip") from exc
        if key:
            verdicts.put("reasoner", key, [consistent, unsatisfiable])
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
