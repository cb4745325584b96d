"""Reconciliation with Wikidata: candidates for our persons, places and organizations, a review table,
and accepted rows written as links with the provenance of the run.

No identifier is ever typed by hand: a candidate comes from the endpoint, and a link exists only when a
person marked its row as accepted. The run is recorded (endpoint, time, tool version) and each link keeps
its score and reasons.

Scoring (0 to 1; the reasons column says which rules applied):
- name: the candidate's English label equals our preferred label (+0.5), or one of our variants (+0.4),
  or the name matched only an alias of the candidate (+0.3);
- type: a person whose candidate is an instance of "human" (+0.3; a candidate of another type -0.4);
  a place whose candidate has coordinates (+0.3); an organization whose candidate is not a human (+0.1);
  a place or organization whose candidate is a human (-0.4);
- dates (persons): alive during the period (+0.2), else born after or died before it (-0.4).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .errors import ConfigError, InputError
from .namespaces import ID, KZ, LINK, PREFIXES, PROV, RECONCILIATION
from .query import Endpoint, OutputFormat, run_remote

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
HUMAN = WD + "Q5"  # the Wikidata class "human", the type checked for persons
INSTANCE_OF, BIRTH, DEATH, COORDINATES = (WDT + p for p in ("P31", "P569", "P570", "P625"))
KINDS = {"person": KZ + "Person", "place": KZ + "Place", "organization": KZ + "Organization"}
REVIEW_COLUMNS = ["entity", "entity_label", "kind", "candidate", "candidate_label", "description", "score",
                  "reasons", "service", "run_started", "accept"]
ACCEPTED = {"yes", "y", "true", "1", "x", "accept", "accepted"}


@dataclass(frozen=True)
class Subject:
    iri: str
    kind: str
    label: str
    variants: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass
class Candidate:
    subject: Subject
    item: str
    label: str = ""
    description: str = ""
    via: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    births: set[int] = field(default_factory=set)
    deaths: set[int] = field(default_factory=set)
    has_coordinates: bool = False
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


def subjects_of(store: ox.Store, kinds: Iterable[str]) -> list[Subject]:
    """Entities of the built dataset of the given kinds, with their labels and variants."""
    values = " ".join(f'(<{KINDS[k]}> "{k}")' for k in kinds)
    query = f"""SELECT ?e ?kind ?label ?alt WHERE {{
        VALUES (?class ?kind) {{ {values} }}
        ?e a ?class ; <http://www.w3.org/2000/01/rdf-schema#label> ?label .
        OPTIONAL {{ ?e <http://www.w3.org/2004/02/skos/core#altLabel> ?alt }}
        FILTER(STRSTARTS(STR(?e), "{ID}")) }}"""
    found: dict[str, tuple[str, str, set[str]]] = {}
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        iri = row["e"].value
        entry = found.setdefault(iri, (row["kind"].value, row["label"].value, set()))
        if row["alt"] is not None:
            entry[2].add(row["alt"].value)
    return [Subject(iri, kind, label, tuple(sorted(alts - {label})))
            for iri, (kind, label, alts) in sorted(found.items())]


def candidates_query(names: Iterable[str]) -> str:
    values = " ".join(str(ox.Literal(n, language="en")) for n in sorted(set(names)))
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX wdt: <{WDT}>
SELECT ?name ?item ?itemLabel ?description ?type ?birth ?death ?coordinates ?via WHERE {{
  VALUES ?name {{ {values} }}
  {{ ?item rdfs:label ?name . BIND("label" AS ?via) }} UNION {{ ?item skos:altLabel ?name . BIND("alias" AS ?via) }}
  OPTIONAL {{ ?item rdfs:label ?itemLabel FILTER(LANG(?itemLabel) = "en") }}
  OPTIONAL {{ ?item schema:description ?description FILTER(LANG(?description) = "en") }}
  OPTIONAL {{ ?item wdt:P31 ?type }}
  OPTIONAL {{ ?item wdt:P569 ?birth }}
  OPTIONAL {{ ?item wdt:P570 ?death }}
  OPTIONAL {{ ?item wdt:P625 ?coordinates }}
}}"""


def _year(value: str) -> int | None:
    match = re.match(r"^(-?\d{1,4})-", value)
    return int(match.group(1)) if match else None


def score(candidate: Candidate, period: tuple[int, int]) -> None:
    s, reasons = 0.0, list[str]()
    subject = candidate.subject
    if candidate.label == subject.label:
        s, reasons = s + 0.5, reasons + ["label equals our label"]
    elif candidate.label in subject.variants:
        s, reasons = s + 0.4, reasons + ["label equals one of our name variants"]
    elif "alias" in candidate.via:
        s, reasons = s + 0.3, reasons + ["one of our names is an alias of the candidate"]
    is_human = HUMAN in candidate.types
    if subject.kind == "person":
        if is_human:
            s, reasons = s + 0.3, reasons + ["a human"]
        elif candidate.types:
            s, reasons = s - 0.4, reasons + ["not a human"]
        start, end = period
        if candidate.births or candidate.deaths:
            born = min(candidate.births) if candidate.births else None
            died = max(candidate.deaths) if candidate.deaths else None
            if (born is None or born <= end) and (died is None or died >= start):
                s, reasons = s + 0.2, reasons + [f"alive during {start}-{end}"]
            else:
                s, reasons = s - 0.4, reasons + [f"not alive during {start}-{end}"]
    elif is_human:
        s, reasons = s - 0.4, reasons + ["a human, not a " + subject.kind]
    elif subject.kind == "place" and candidate.has_coordinates:
        s, reasons = s + 0.3, reasons + ["has coordinates"]
    elif subject.kind == "organization":
        s, reasons = s + 0.1, reasons + ["not a human"]
    candidate.score = round(max(0.0, min(1.0, s)), 2)
    candidate.reasons = reasons


def find_candidates(subjects: list[Subject], endpoint: Endpoint, *, batch: int = 20, pause: float = 0.0,
                    period: tuple[int, int] = (1921, 1927)) -> list[Candidate]:
    by_name: dict[str, list[Subject]] = defaultdict(list)
    for subject in subjects:
        for name in subject.names:
            by_name[name].append(subject)
    names = sorted(by_name)
    found: dict[tuple[str, str], Candidate] = {}
    for start in range(0, len(names), batch):
        body = run_remote(endpoint, candidates_query(names[start:start + batch]), {}, OutputFormat.JSON)
        try:
            bindings = json.loads(body)["results"]["bindings"]
        except (ValueError, KeyError) as exc:
            raise InputError(f"{endpoint.url} did not return SPARQL JSON results: {body[:200]!r}") from exc
        for row in bindings:
            item = row["item"]["value"]
            for subject in by_name.get(row["name"]["value"], []):
                c = found.setdefault((subject.iri, item), Candidate(subject, item))
                c.label = row.get("itemLabel", {}).get("value", c.label)
                c.description = row.get("description", {}).get("value", c.description)
                c.via.add(row["via"]["value"])
                if "type" in row:
                    c.types.add(row["type"]["value"])
                for key, years in (("birth", c.births), ("death", c.deaths)):
                    year = _year(row.get(key, {}).get("value", ""))
                    if year is not None:
                        years.add(year)
                c.has_coordinates |= "coordinates" in row
        if pause:
            time.sleep(pause)
    for candidate in found.values():
        score(candidate, period)
    return sorted(found.values(), key=lambda c: (c.subject.iri, -c.score, c.item))


def write_review(path: Path, candidates: list[Candidate], *, service: str, started: str, min_score: float) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [c for c in candidates if c.score >= min_score]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REVIEW_COLUMNS)
        writer.writeheader()
        for c in rows:
            writer.writerow({"entity": c.subject.iri, "entity_label": c.subject.label, "kind": c.subject.kind,
                             "candidate": c.item, "candidate_label": c.label, "description": c.description,
                             "score": f"{c.score:.2f}", "reasons": "; ".join(c.reasons), "service": service,
                             "run_started": started, "accept": ""})
    return len(rows)


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- accepting --------------------------------------------------------------------------------------------

_SLUG = re.compile(r"[^a-z0-9]+")


def _link_iri(entity: str, item: str) -> str:
    kind, _, slug = entity[len(ID):].partition("/")
    return f"{LINK}{kind}-{slug}-{_SLUG.sub('', item.rsplit('/', 1)[-1].lower())}"


def _run_iri(service: str, started: str) -> str:
    host = _SLUG.sub("-", re.sub(r"^https?://", "", service).split("/")[0]).strip("-")
    return f"{RECONCILIATION}{host}-{_SLUG.sub('', started.lower())}"


def read_accepted(review: Path) -> list[dict[str, str]]:
    try:
        with review.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise InputError(f"cannot read the review table: {exc}", path=review) from exc
    accepted = []
    for number, row in enumerate(rows, start=2):
        missing = [c for c in REVIEW_COLUMNS if c not in row]
        if missing:
            raise InputError(f"the review table lacks the column(s) {', '.join(missing)}", path=review, line=1,
                             hint="accept a table written by `kuzbass reconcile wikidata`")
        if (row["accept"] or "").strip().lower() not in ACCEPTED:
            continue
        if not row["entity"].startswith(ID) or not row["candidate"].startswith(WD):
            raise InputError(f"row {number} does not link one of our entities to a Wikidata item", path=review,
                             line=number, hint="do not edit the entity and candidate columns")
        try:
            float(row["score"])
            dt.datetime.fromisoformat(row["run_started"].replace("Z", "+00:00"))
        except ValueError as exc:
            raise InputError(f"row {number}: bad score or run time ({exc})", path=review, line=number) from exc
        accepted.append(row)
    return accepted


def links_trig(rows: list[dict[str, str]], *, accepted_by: str) -> str:
    """The links file: one named graph per link, with the run and the score in the default graph."""
    p = PREFIXES
    lines = [f"@prefix {name}: <{p[name]}> ." for name in ("kz", "skos", "owl", "prov", "xsd", "link",
                                                            "reconciliation", "wd")]
    lines += ["", "# Written by `kuzbass reconcile accept` from a reviewed table; do not type identifiers here.", ""]
    runs: dict[str, tuple[str, str]] = {}
    for row in sorted(rows, key=lambda r: (r["entity"], r["candidate"])):
        link = _link_iri(row["entity"], row["candidate"])
        run = _run_iri(row["service"], row["run_started"])
        runs[run] = (row["service"], row["run_started"])
        match = f"skos:exactMatch <{row['candidate']}> ; owl:sameAs <{row['candidate']}>"
        lines += [f"<{link}> {{ <{row['entity']}> {match} . }}",
                  f"<{link}> a kz:Link ; prov:wasGeneratedBy <{run}> ; kz:score {float(row['score']):.2f} ;",
                  f"    kz:reasons {json.dumps(row['reasons'])} ; kz:acceptedBy {json.dumps(accepted_by)} .", ""]
    for run, (service, started) in sorted(runs.items()):
        lines += [f"<{run}> a kz:Reconciliation ; kz:service {json.dumps(service)} ;",
                  f"    prov:startedAtTime \"{started}\"^^xsd:dateTime ; kz:toolVersion \"{__version__}\" .", ""]
    return "\n".join(lines)


def accept(review: Path, links_file: Path, *, accepted_by: str, known: set[str]) -> int:
    """Add the accepted rows of a review table to the links file (keeping the links already there)."""
    rows = read_accepted(review)
    unknown = sorted({r["entity"] for r in rows} - known)
    if unknown:
        raise ConfigError(f"the review table accepts links for entities not in the graph: {', '.join(unknown[:5])}",
                          hint="rebuild with `kuzbass build` and reconcile again")
    previous = _existing_rows(links_file)
    merged = {(r["entity"], r["candidate"]): r for r in previous + rows}
    links_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = links_file.with_suffix(".tmp")
    tmp.write_text(links_trig(list(merged.values()), accepted_by=accepted_by), encoding="utf-8")
    tmp.replace(links_file)
    return len(rows)


def _existing_rows(links_file: Path) -> list[dict[str, str]]:
    if not links_file.is_file():
        return []
    store = ox.Store()
    store.load(path=str(links_file), format=ox.RdfFormat.TRIG)
    query = f"""PREFIX kz: <{KZ}> PREFIX prov: <{PROV}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?entity ?candidate ?score ?reasons ?service ?started WHERE {{
          GRAPH ?link {{ ?entity skos:exactMatch ?candidate }}
          ?link kz:score ?score ; kz:reasons ?reasons ; prov:wasGeneratedBy ?run .
          ?run kz:service ?service ; prov:startedAtTime ?started }}"""
    return [{"entity": r["entity"].value, "candidate": r["candidate"].value, "score": r["score"].value,
             "reasons": r["reasons"].value, "service": r["service"].value, "run_started": r["started"].value}
            for r in store.query(query)]  # type: ignore[union-attr]


__all__ = ["WIKIDATA_ENDPOINT", "Candidate", "Subject", "accept", "find_candidates", "now", "subjects_of",
           "write_review"]
