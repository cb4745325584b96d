"""The map: our places with accepted gazetteer links (data/links/geonames.trig) as markers on an offline
basemap, each with its label, entity page and provenance; and the places not on the map, with the reason
the review gives (not found in the gazetteer, or candidates not accepted) or their kind.

Drawn in the browser by Leaflet over Natural Earth countries (npm `world-atlas`, turned into GeoJSON by
`topojson-client`), all vendored under static/vendor/ with their licences and versions and copied to
`site/assets/vendor/`. No tile server, no CDN: the page loads only its own files, by <script src> (no
fetch, so it works from file://), and runs no inline script. The data goes to `map/map-data.js`, the
basemap to `map/world.js`, both as JSON assigned to a global; labels reach the page as text only.

Coordinates are read from the compiled store only (kz:latitude/kz:longitude, whose reified statements
cite the link); nothing here computes or types a coordinate.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import ID, KZ, PROV, RDF, RDFS, SKOS
from .render import entity_href, write_page

VENDOR = ("leaflet", "topojson-client", "world-atlas")
BASEMAP = "countries-50m.json"
REVIEW_FILE = "geonames-review.csv"  # the reviewed table, kept beside the links in data/links/


@dataclass
class Marker:
    entity: str
    label: str
    href: str
    lat: float
    lon: float
    gazetteer: str
    feature: str
    matched: str
    reviewer: str
    score: str


@dataclass
class Absent:
    label: str
    href: str
    kind: str
    why: str


def markers(store: ox.Store, root: str) -> list[Marker]:
    """Each place with coordinates, with the link its latitude statement cites (gazetteer, matched name,
    reviewer)."""
    query = f"""SELECT ?place ?label ?lat ?lon ?feature ?service ?matched ?by ?score WHERE {{
        ?place <{KZ}latitude> ?lat ; <{KZ}longitude> ?lon ; <{RDFS}label> ?label .
        ?st <{RDF}subject> ?place ; <{RDF}predicate> <{KZ}latitude> ; <{KZ}citation> ?link .
        ?link a <{KZ}Link> ; <{KZ}matchedName> ?matched ; <{KZ}acceptedBy> ?by ; <{KZ}score> ?score ;
              <{PROV}wasGeneratedBy>/<{KZ}service> ?service .
        OPTIONAL {{ ?place <{SKOS}exactMatch> ?feature FILTER(STRSTARTS(STR(?feature), "https://sws.geonames.org/")) }}
    }} ORDER BY ?label"""
    found: dict[str, Marker] = {}
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        iri = row["place"].value
        if iri in found:
            continue
        found[iri] = Marker(iri, row["label"].value, entity_href(iri, root), float(row["lat"].value),
                            float(row["lon"].value), row["service"].value,
                            row["feature"].value if row["feature"] is not None else "", row["matched"].value,
                            row["by"].value, row["score"].value)
    return sorted(found.values(), key=lambda m: m.label.casefold())


def review_reasons(review: Path | None) -> dict[str, str]:
    """Why each place of the reviewed table has no link: not found, or its candidates and the reviewer's note."""
    if review is None or not review.is_file():
        return {}
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with review.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row.get("entity", "")].append(row)
    reasons = {}
    for entity, group in rows.items():
        candidates = [r for r in group if r.get("candidate")]
        note = next((r["review_note"] for r in group if r.get("review_note")), "")
        if not candidates:
            reasons[entity] = group[0].get("reasons") or "not found in the gazetteer"
        else:
            best = candidates[0]
            reasons[entity] = (f"{len(candidates)} candidate(s) in the gazetteer (best: {best['candidate_name']}, "
                               f"{best['country']}, score {best['score']}), none accepted"
                               + (f": {note}" if note else ""))
    return reasons


def absent(store: ox.Store, placed: set[str], reasons: dict[str, str], root: str) -> list[Absent]:
    query = f"""SELECT DISTINCT ?place ?label ?kind WHERE {{
        ?place a <{KZ}Place> ; <{RDFS}label> ?label ; a ?kind . FILTER(STRSTARTS(STR(?kind), "{KZ}"))
        FILTER(STRSTARTS(STR(?place), "{ID}")) }}"""
    labels: dict[str, str] = {}
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        labels[row["place"].value] = row["label"].value
        kinds[row["place"].value].add(row["kind"].value[len(KZ):])
    found = [Absent(label, entity_href(iri, root), ", ".join(sorted(kinds[iri] - {"Entity", "Place"}) or ["Place"]),
                    reasons.get(iri, "not reconciled with the gazetteer yet"))
             for iri, label in labels.items() if iri not in placed]
    return sorted(found, key=lambda a: a.label.casefold())


def _script(name: str, value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"window.{name} = " + text.replace("<", "\\u003c") + ";\n"


def copy_assets(site: Path) -> None:
    """Leaflet, topojson-client and world-atlas (each with its licence and version) and the map's own
    script and style into site/assets/."""
    static = resources.files("kuzbass_graph.site") / "static"
    for name in VENDOR:
        target = site / "assets" / "vendor" / name
        target.mkdir(parents=True, exist_ok=True)
        for item in (static / "vendor" / name).iterdir():
            if item.is_file() and item.name != BASEMAP:
                (target / item.name).write_bytes(item.read_bytes())
    target = site / "assets" / "map"
    target.mkdir(parents=True, exist_ok=True)
    for item in (static / "map").iterdir():
        if item.is_file():
            (target / item.name).write_bytes(item.read_bytes())


def write_map(store: ox.Store, site: Path, *, review: Path | None = None) -> list[str]:
    """site/map/index.html with its data (map-data.js) and basemap (world.js); the paths written."""
    root = "../"
    placed = markers(store, root)
    missing = absent(store, {m.entity for m in placed}, review_reasons(review), root)
    folder = site / "map"
    if folder.is_dir():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    copy_assets(site)
    (folder / "map-data.js").write_text(_script("KUZBASS_MAP", {"markers": [asdict(m) for m in placed]}),
                                        encoding="utf-8")
    world = json.loads((resources.files("kuzbass_graph.site") / "static" / "vendor" / "world-atlas" / BASEMAP)
                       .read_bytes())
    (folder / "world.js").write_text(_script("KUZBASS_WORLD", world), encoding="utf-8")
    write_page(site, "map/index.html", "map.html", markers=placed, absent=missing)
    return ["map/index.html", "map/map-data.js", "map/world.js"]


__all__ = ["Absent", "Marker", "absent", "markers", "review_reasons", "write_map"]
