"""The OWL 2 DL profile of the published ontology + data graph, checked by the OWL API.

The OWL API 3.4 that owlready2 ships inside HermiT.jar has `OWL2DLProfile`; `OwlProfile.java` (package
data beside this module) loads one N-Triples file with it and prints each violation with its axiom, and
each use of an XSD/RDF datatype outside the OWL 2 datatype map (which the OWL API lets pass and HermiT
rejects). Java runs the single-file program directly (`java -cp HermiT.jar OwlProfile.java file.nt`), so
it needs a JDK (`javac`), not only a runtime. The provenance graph is not checked: its reified statements
and Web Annotations are RDF outside OWL by design. The check reads the whole ontology and the ABox of
`abox.abox_scope` (all the data graph up to the limit `reason_max_triples`, else the modules of some
curated files), as the reasoner does.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..build.verdicts import VerdictCache, canonical_key
from ..compile import Compiled
from ..errors import Problem, ReasonerError
from ..loader import Workspace
from ..namespaces import OWL, RDF, RDFS, XSD
from .abox import AboxScope, abox_scope
from .line_index import LineIndex

CHECKER = Path(__file__).with_name("OwlProfile.java")
TIMEOUT_SECONDS = 300
ABBREVIATIONS = {"owl:": OWL, "rdf:": RDF, "rdfs:": RDFS, "xsd:": XSD}
_TERM = re.compile(r"<([^>\s]+)>|\b(owl|rdfs|rdf|xsd):([A-Za-z][\w-]*)")
DL_RESTRICTIONS = "https://www.w3.org/TR/owl2-syntax/#Global_Restrictions_on_Axioms_in_OWL_2_DL"


def hermit_jar() -> Path:
    """The HermiT jar of the installed owlready2 (it holds the OWL API)."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise ReasonerError("the OWL 2 DL profile check needs owlready2, which is not installed",
                            hint="pip install owlready2, or skip the check with --skip profile")
    jar = Path(spec.origin).parent / "hermit" / "HermiT.jar"
    if not jar.is_file():
        raise ReasonerError(f"owlready2 has no HermiT jar at {jar}",
                            hint="reinstall owlready2, or skip the check with --skip profile")
    return jar


def run_checker(nt_file: Path) -> list[tuple[str, str]]:
    """(kind, axiom) for each violation that OwlProfile.java reports on an N-Triples file."""
    if shutil.which("java") is None:
        raise ReasonerError("the OWL 2 DL profile check needs Java, and no 'java' is on the PATH",
                            hint="install a JDK (apt-get install default-jdk-headless), or skip the check "
                                 "with --skip profile")
    # C1 only: a short run, where the optimizing compiler's threads cost more CPU than they save (-40%)
    command = ["java", "-XX:TieredStopAtLevel=1", "-cp", str(hermit_jar()), str(CHECKER), str(nt_file)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                              timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ReasonerError(f"the OWL 2 DL profile check took more than {TIMEOUT_SECONDS} s",
                            hint="skip it with --skip profile and report the slowness") from exc
    if done.returncode != 0 or not done.stdout.rstrip().splitlines()[-1:][0].startswith("checked "):
        detail = (done.stderr or done.stdout).strip()[-500:]
        hint = ("a Java runtime without a compiler cannot run a source file: install a JDK "
                "(apt-get install default-jdk-headless)" if "jdk.compiler" in detail or "javac" in detail
                else "check that 'java -version' works; skip the check with --skip profile")
        raise ReasonerError(f"the OWL 2 DL profile check failed: {detail}", hint=hint)
    violations = []
    for line in done.stdout.splitlines():
        kind, tab, axiom = line.partition("\t")
        if tab:
            violations.append((kind, axiom))
    return violations


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
                  verdicts: VerdictCache | None = None) -> list[Problem]:
    """One error per OWL 2 DL violation in the ontology + the ABox of the scope (by default `abox_scope`),
    naming the axiom. With `verdicts`, the checker's answer for the same input is taken from the cache."""
    scope = scope or abox_scope(ws, compiled)
    verdicts = verdicts or VerdictCache(None)
    key = canonical_key("profile", scope.triples, tool=CHECKER.read_bytes()) if verdicts.folder is not None else ""
    answer = verdicts.get("profile", key) if key else None
    if isinstance(answer, list):
        violations = [(str(kind), str(axiom)) for kind, axiom in answer]
    else:
        with tempfile.TemporaryDirectory(prefix="kuzbass-profile-") as folder:
            nt_file = Path(folder) / "ontology-and-data.nt"
            nt_file.write_bytes(ox.serialize(scope.triples, format=ox.RdfFormat.N_TRIPLES) or b"")
            violations = run_checker(nt_file)
        if key:
            verdicts.put("profile", key, [list(v) for v in violations])
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
