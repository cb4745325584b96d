"""The OWL 2 DL profile of the published ontology + data graph, checked by the OWL API.

The OWL API 3.4 that owlready2 ships inside HermiT.jar has `OWL2DLProfile`; `OwlChecks.java` (run by
`owl_program`, which compiles it once: it needs a JDK) loads one N-Triples file with it and prints each
violation with its axiom, and each use of an XSD/RDF datatype outside the OWL 2 datatype map (which the OWL
API lets pass and HermiT rejects). The same JVM runs HermiT when the reasoner is asked for too
(`reasoner.check_owl`). The provenance graph is not checked: its reified statements and Web Annotations are
RDF outside OWL by design. The check reads the whole ontology and the ABox of `abox.abox_scope` (all the data
graph up to the limit `reason_max_triples`, else the modules of some curated files), as the reasoner does.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..build.verdicts import VerdictCache, canonical_key
from ..compile import Compiled
from ..errors import Problem
from ..loader import Workspace
from ..namespaces import OWL, RDF, RDFS, XSD
from . import owl_program
from .abox import AboxScope, abox_scope
from .line_index import LineIndex

ABBREVIATIONS = {"owl:": OWL, "rdf:": RDF, "rdfs:": RDFS, "xsd:": XSD}
_TERM = re.compile(r"<([^>\s]+)>|\b(owl|rdfs|rdf|xsd):([A-Za-z][\w-]*)")
DL_RESTRICTIONS = "https://www.w3.org/TR/owl2-syntax/#Global_Restrictions_on_Axioms_in_OWL_2_DL"


def run_checker(nt_file: Path, *, cache: Path | None = None) -> list[tuple[str, str]]:
    """(kind, axiom) for each violation that OwlChecks.java reports on an N-Triples file (the compiled program
    kept under `cache`, see `owl_program`)."""
    return owl_program.run_owl_program(nt_file, profile=True, reason=False, cache=cache).violations or []


def profile_key(scope: AboxScope, verdicts: VerdictCache, *, lines: bytes | None = None) -> str:
    """The key of the profile check's answer on the scope ("" without a cache; `lines`: the scope's
    `canonical_lines`, when already made)."""
    return (canonical_key("profile", scope.triples, tool=owl_program.PROGRAM.read_bytes(), lines=lines)
            if verdicts.folder is not None else "")


def kept_violations(verdicts: VerdictCache, key: str) -> list[tuple[str, str]] | None:
    answer = verdicts.get("profile", key) if key else None
    return [(str(kind), str(axiom)) for kind, axiom in answer] if isinstance(answer, list) else None


def keep_violations(verdicts: VerdictCache, key: str, violations: list[tuple[str, str]]) -> None:
    if key:
        verdicts.put("profile", key, [list(v) for v in violations])


def first_term(axiom: str) -> str | None:
    """The first IRI an axiom names (the property or entity a violation is about), abbreviations expanded."""
    match = _TERM.search(axiom)
    if match is None:
        return None
    return match.group(1) or ABBREVIATIONS[match.group(2) + ":"] + match.group(3)


def hint_for(kind: str, term: str | None) -> str:
    name = f"<{term}>" if term else "the term"
    if kind.startswith("UseOfUndeclared"):
        what = kind.removeprefix("UseOfUndeclared")
        return (f"declare {name} with its OWL type in ontology/kuzbass.ttl (as its vocabulary defines it: "
                f"owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty or owl:Class; OWL API: "
                f"undeclared {what}), or import its vocabulary")
    if kind.startswith("UseOfReservedVocabulary"):
        return f"{name} is built-in OWL/RDF vocabulary: remove the axiom that declares or redefines it"
    if kind == "UseOfDatatypeOutsideOWL2DatatypeMap":
        return ("use a datatype of the OWL 2 datatype map (xsd:dateTime, xsd:string, xsd:integer, "
                "xsd:decimal, xsd:boolean, ...): xsd:date, xsd:time and the xsd:g* types are not in it")
    return f"make the axiom fit the OWL 2 DL restrictions ({DL_RESTRICTIONS})"


def check_profile(ws: Workspace, compiled: Compiled, *, scope: AboxScope | None = None,
                  verdicts: VerdictCache | None = None, java_cache: Path | None = None) -> list[Problem]:
    """One error per OWL 2 DL violation in the ontology + the ABox of the scope (by default `abox_scope`),
    naming the axiom. With `verdicts`, the checker's answer for the same input is taken from the cache; the
    compiled checker is kept under `java_cache`."""
    scope = scope or abox_scope(ws, compiled)
    verdicts = verdicts or VerdictCache(None)
    key = profile_key(scope, verdicts)
    violations = kept_violations(verdicts, key)
    if violations is None:
        with tempfile.TemporaryDirectory(prefix="kuzbass-profile-") as folder:
            nt_file = Path(folder) / "ontology-and-data.nt"
            nt_file.write_bytes(ox.serialize(scope.triples, format=ox.RdfFormat.N_TRIPLES) or b"")
            violations = run_checker(nt_file, cache=java_cache)
        keep_violations(verdicts, key, violations)
    return profile_problems(ws, violations)


def profile_problems(ws: Workspace, violations: list[tuple[str, str]]) -> list[Problem]:
    """One error per violation, placed at the file and line of the term it is about."""
    places: dict[str, tuple[Path, int] | None] = {}
    lines = LineIndex.of(ws) if violations else None
    problems = []
    for kind, axiom in violations:
        term = first_term(axiom)
        if term is not None and term not in places and lines is not None:
            places[term] = lines.locate(term)
        where = places.get(term) if term is not None else None
        shown = axiom if len(axiom) <= 400 else axiom[:400] + "..."
        problems.append(Problem("profile", f"not OWL 2 DL ({kind}): {shown}", path=where[0] if where else None,
                                line=where[1] if where else None, focus=term, hint=hint_for(kind, term)))
    return problems
