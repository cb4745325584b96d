/* kuzbass-graph network viewer: draws a network written by kuzbass_graph/site/network.py with vis-network
   into #kz-network. vis-network's nodes, edges and options come from pyvis (positions included, physics off);
   the panel's data (labels, variants, dates, relations per year, quotes) beside them, in the same order. A
   network page carries both as JSON data blocks (#kz-vis-data, #kz-panel-data); an entity page loads its ego
   network as a script (window.KZ_VIS, window.KZ_NETWORK). Every text from the data goes into the page through
   textContent or as a vis-network string title (plain text); never innerHTML. */
(function () {
  "use strict";
  var host = document.getElementById("kz-network");
  function block(id) { var e = document.getElementById(id); return e ? JSON.parse(e.textContent) : null; }
  var data = block("kz-panel-data") || window.KZ_NETWORK;
  var drawn = block("kz-vis-data") || window.KZ_VIS;
  if (!host || !data || !drawn || !window.vis) { return; }
  var root = host.getAttribute("data-root") || "";
  var mode = host.getAttribute("data-mode") || "whole";
  var YEAR_ALL = data.years[0] - 1;
  var state = { year: YEAR_ALL, undated: true, classes: {}, relations: {} };
  data.classes.forEach(function (_, i) { state.classes[i] = true; });
  data.relations.forEach(function (_, i) { state.relations[i] = true; });

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function entityHref(id) { return root + "id/" + id + "/index.html"; }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* --- the layout of the viewer ----------------------------------------------------------------- */
  var bar = el("div", { "class": "kz-bar" });
  var searchBox = el("div", { "class": "kz-search" });
  var searchId = "kz-search-" + mode;
  searchBox.appendChild(el("label", { "for": searchId }, "Find by name"));
  var search = el("input", { id: searchId, type: "search", autocomplete: "off", placeholder: "Heywood, Kemerovo…",
                             "aria-controls": "kz-results" });
  searchBox.appendChild(search);
  var results = el("ul", { id: "kz-results", "class": "kz-results" });
  searchBox.appendChild(results);
  bar.appendChild(searchBox);

  var yearBox = el("div", { "class": "kz-year" });
  yearBox.appendChild(el("label", { "for": "kz-year-" + mode }, "Year"));
  var slider = el("input", { id: "kz-year-" + mode, type: "range", min: String(YEAR_ALL), max: String(data.years[1]),
                             step: "1", value: String(YEAR_ALL) });
  yearBox.appendChild(slider);
  var yearText = el("output", { "for": "kz-year-" + mode, "class": "kz-year-text" }, "all years");
  yearBox.appendChild(yearText);
  var undatedLabel = el("label", { "class": "kz-undated" });
  var undated = el("input", { type: "checkbox", checked: "checked" });
  undatedLabel.appendChild(undated);
  undatedLabel.appendChild(document.createTextNode(" undated links"));
  yearBox.appendChild(undatedLabel);
  bar.appendChild(yearBox);

  var filters = el("details", { "class": "kz-filters" });
  filters.appendChild(el("summary", {}, "Classes and relations"));
  var classList = el("fieldset", { "class": "kz-classes" });
  classList.appendChild(el("legend", {}, "Classes"));
  var classCounts = {};
  data.nodes.forEach(function (n) { classCounts[n.c] = (classCounts[n.c] || 0) + 1; });
  data.classes.forEach(function (c, i) {
    if (!classCounts[i]) { return; }
    var label = el("label", { "class": "kz-class" });
    var box = el("input", { type: "checkbox", checked: "checked", "data-class": String(i) });
    box.addEventListener("change", function () { state.classes[i] = box.checked; apply(); });
    label.appendChild(box);
    label.appendChild(swatch(c));
    label.appendChild(document.createTextNode(" " + c.name + " (" + classCounts[i] + ")"));
    classList.appendChild(label);
  });
  filters.appendChild(classList);
  var relationList = el("fieldset", { "class": "kz-relations" });
  relationList.appendChild(el("legend", {}, "Relations"));
  var relationCounts = {};
  data.edges.forEach(function (e) { e.r.forEach(function (r) { relationCounts[r] = (relationCounts[r] || 0) + 1; }); });
  var allRelations = el("button", { type: "button", "class": "kz-all" }, "all / none");
  relationList.appendChild(allRelations);
  var relationBoxes = [];
  data.relations.forEach(function (r, i) {
    if (!relationCounts[i]) { return; }
    var label = el("label", { "class": "kz-relation" });
    var box = el("input", { type: "checkbox", checked: "checked", "data-relation": r.name });
    box.addEventListener("change", function () { state.relations[i] = box.checked; apply(); });
    relationBoxes.push([i, box]);
    label.appendChild(box);
    var line = el("span", { "class": "kz-line" });
    line.style.background = r.colour;
    label.appendChild(line);
    label.appendChild(document.createTextNode(" " + r.label + " (" + relationCounts[i] + ")"));
    relationList.appendChild(label);
  });
  allRelations.addEventListener("click", function () {
    var on = !relationBoxes.every(function (b) { return b[1].checked; });
    relationBoxes.forEach(function (b) { b[1].checked = on; state.relations[b[0]] = on; });
    apply();
  });
  filters.appendChild(relationList);
  bar.appendChild(filters);
  host.appendChild(bar);

  var stage = el("div", { "class": "kz-stage" });
  var canvasBox = el("div", { "class": "kz-canvas", role: "application", "aria-label": data.title });
  stage.appendChild(canvasBox);
  var panel = el("section", { "class": "kz-panel", "aria-live": "polite", "aria-label": "selected entity or link" });
  stage.appendChild(panel);
  function placeholder() {
    panel.textContent = "";
    panel.appendChild(el("p", { "class": "kz-hint" }, "Select an entity or a link to read the quotes it rests on."));
  }
  placeholder();
  host.appendChild(stage);
  var status = el("p", { "class": "kz-status" });
  host.appendChild(status);

  var legend = el("div", { "class": "kz-legend" });
  data.classes.forEach(function (c, i) {
    if (!classCounts[i]) { return; }
    var item = el("span", { "class": "kz-legend-item" });
    item.appendChild(swatch(c));
    item.appendChild(document.createTextNode(" " + c.name));
    legend.appendChild(item);
  });
  var shown = data.relations.filter(function (r, i) { return relationCounts[i] && r.colour !== "#c7c7c7"; });
  shown.forEach(function (r) {
    var item = el("span", { "class": "kz-legend-item" });
    var line = el("span", { "class": "kz-line" });
    line.style.background = r.colour;
    item.appendChild(line);
    item.appendChild(document.createTextNode(" " + r.label));
    legend.appendChild(item);
  });
  var other = el("span", { "class": "kz-legend-item" });
  var otherLine = el("span", { "class": "kz-line" });
  otherLine.style.background = "#c7c7c7";
  other.appendChild(otherLine);
  other.appendChild(document.createTextNode(" other relations"));
  legend.appendChild(other);
  var dash = el("span", { "class": "kz-legend-item" });
  dash.appendChild(el("span", { "class": "kz-line kz-dashed" }));
  dash.appendChild(document.createTextNode(" may have held that year"));
  legend.appendChild(dash);
  var dot = el("span", { "class": "kz-legend-item" });
  dot.appendChild(el("span", { "class": "kz-line kz-dotted" }));
  dot.appendChild(document.createTextNode(" undated"));
  legend.appendChild(dot);
  host.appendChild(legend);

  function swatch(c) {
    var svgNS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("class", "kz-swatch");
    svg.setAttribute("aria-hidden", "true");
    var shapes = {
      dot: "M10 2a8 8 0 1 0 0.01 0z", square: "M3 3h14v14H3z", diamond: "M10 1l9 9-9 9-9-9z",
      triangle: "M10 2l8 15H2z", triangleDown: "M2 3h16l-8 15z", star: "M10 1l2.6 6 6.4.6-4.9 4.2 1.5 6.3L10 15l-5.6 3.1 1.5-6.3L1 7.6l6.4-.6z",
      hexagon: "M5 2h10l5 8-5 8H5l-5-8z"
    };
    var path = document.createElementNS(svgNS, "path");
    path.setAttribute("d", shapes[c.shape] || shapes.dot);
    path.setAttribute("fill", c.colour);
    svg.appendChild(path);
    return svg;
  }

  /* --- the network ----------------------------------------------------------------------------------- */
  var big = data.nodes.length > 1500;  /* as in network.py: there, fewer labels, no hover; here, no second fit */
  var focusIndex = data.focus ? data.nodes.findIndex(function (n) { return n.id === data.focus; }) : -1;
  var neighbours = data.nodes.map(function () { return []; });
  data.edges.forEach(function (e, i) { neighbours[e.a].push(i); neighbours[e.b].push(i); });
  var nodes = new vis.DataSet(drawn.nodes);
  var edges = new vis.DataSet(drawn.edges);
  var options = drawn.options;
  var started = performance.now();
  var network = new vis.Network(canvasBox, { nodes: nodes, edges: edges }, options);
  window.kzNetwork = { network: network, nodes: nodes, edges: edges, data: data, select: selectNode, state: state };
  network.once("afterDrawing", function () {
    window.kzFirstDraw = performance.now();
    window.kzDrawMs = window.kzFirstDraw - started;
    host.setAttribute("data-drawn", "true");
    /* fit again once the page has its final layout (the first fit can see the canvas before its styles) */
    if (!big) { window.requestAnimationFrame(function () { network.fit({ animation: false }); }); }
  });

  /* --- what is shown: classes, relations, year, undated ------------------------------------------- */
  function edgeLook(e) {
    if (!state.classes[data.nodes[e.a].c] || !state.classes[data.nodes[e.b].c]) { return null; }
    if (!e.r.some(function (r) { return state.relations[r]; })) { return null; }
    if (e.y === null) { return state.undated ? [2, 4] : null; }
    if (state.year === YEAR_ALL) { return false; }
    var s = e.y.charAt(state.year - data.years[0]);
    return s === "c" ? false : s === "u" ? [8, 5] : null;
  }
  /* what each item looks like now: only the changes go to vis-network */
  var edgeShown = drawn.edges.map(function (item) { return String(item.dashes || false); });
  var nodeShown = drawn.nodes.map(function () { return false; });
  function apply() {
    var seen = data.nodes.map(function () { return false; });
    var edgeUpdates = [];
    var visibleEdges = 0;
    data.edges.forEach(function (e, i) {
      var look = edgeLook(e);
      var hidden = look === null;
      if (!hidden) { seen[e.a] = true; seen[e.b] = true; visibleEdges += 1; }
      var key = hidden ? "hidden" : String(look);
      if (key !== edgeShown[i]) {
        edgeShown[i] = key;
        edgeUpdates.push({ id: i, hidden: hidden, dashes: hidden ? false : look });
      }
    });
    var visibleNodes = 0;
    var nodeUpdates = [];
    data.nodes.forEach(function (n, i) {
      var hidden = !state.classes[n.c] || (state.year !== YEAR_ALL && !seen[i] && i !== focusIndex);
      if (!hidden) { visibleNodes += 1; }
      if (hidden !== nodeShown[i]) { nodeShown[i] = hidden; nodeUpdates.push({ id: i, hidden: hidden }); }
    });
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    host.setAttribute("data-visible-edges", String(visibleEdges));
    status.textContent = visibleNodes + " entities and " + visibleEdges + " links shown" +
      (state.year === YEAR_ALL ? " (all years)." : " in " + state.year + " (solid: held that year; dashed: may have).") +
      (mode === "ego" && data.note ? " " + data.note + "." : "");
  }
  slider.addEventListener("input", function () {
    state.year = Number(slider.value);
    yearText.textContent = state.year === YEAR_ALL ? "all years" : String(state.year);
    apply();
  });
  undated.addEventListener("change", function () { state.undated = undated.checked; apply(); });

  /* --- search by name and variants ----------------------------------------------------------------- */
  var names = data.nodes.map(function (n) { return [n.label].concat(n.v).map(fold); });
  function find(text) {
    var q = fold(text.trim());
    if (!q) { return []; }
    var found = [];
    names.forEach(function (list, i) {
      var best = 9;
      list.forEach(function (name, k) {
        var rank = name === q ? 0 : (name.indexOf(q) === 0 ? 1 : ((" " + name).indexOf(" " + q) >= 0 ? 2 :
          (name.indexOf(q) >= 0 ? 3 : 9)));
        if (rank < 9 && k > 0) { rank += 0.5; }  /* a variant ranks just after the label */
        best = Math.min(best, rank);
      });
      if (best < 9) { found.push([best, -data.nodes[i].s, data.nodes[i].label, i]); }
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); });
    return found.slice(0, 8).map(function (f) { return f[3]; });
  }
  function showResults() {
    results.textContent = "";
    find(search.value).forEach(function (i) {
      var n = data.nodes[i];
      var li = el("li", {});
      var button = el("button", { type: "button" }, n.label);
      var matched = n.v.filter(function (v) { return fold(v).indexOf(fold(search.value.trim())) >= 0; });
      if (matched.length && fold(n.label).indexOf(fold(search.value.trim())) < 0) {
        button.appendChild(el("span", { "class": "kz-also" }, " also written " + matched.join(", ")));
      }
      button.addEventListener("click", function () { selectNode(i); results.textContent = ""; });
      li.appendChild(button);
      results.appendChild(li);
    });
  }
  search.addEventListener("input", showResults);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      var hits = find(search.value);
      if (hits.length) { selectNode(hits[0]); results.textContent = ""; }
    } else if (ev.key === "Escape") {
      results.textContent = "";
    }
  });

  function selectNode(i) {
    var n = data.nodes[i];
    if (!state.classes[n.c]) {
      state.classes[n.c] = true;
      var box = classList.querySelector("input[data-class='" + n.c + "']");
      if (box) { box.checked = true; }
      apply();
    }
    if (nodeShown[i]) { nodeShown[i] = false; nodes.update({ id: i, hidden: false }); }
    network.selectNodes([i]);
    network.focus(i, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showNode(i);
    host.setAttribute("data-selected", n.id);
  }

  /* --- the side panel --------------------------------------------------------------------------------- */
  function quoteBlock(q) {
    var item = data.quotes[q];
    var block = el("blockquote", { "class": "quote" }, "“" + item[0] + "”");
    var cite = el("cite", {});
    /* as on the entity pages: the line links to its passage, then the claim */
    if (item[3]) {
      cite.appendChild(el("a", { href: entityHref(item[3]) }, item[1] ? "line " + item[1] : "passage"));
      cite.appendChild(document.createTextNode(" · "));
    } else if (item[1]) {
      cite.appendChild(document.createTextNode("line " + item[1] + " · "));
    }
    cite.appendChild(el("a", { href: entityHref(item[2]) }, "claim"));
    block.appendChild(cite);
    return block;
  }
  function partBlock(e, p) {
    var box = el("div", { "class": "kz-part" });
    var a = data.nodes[e.a].label, b = data.nodes[e.b].label;
    var rel = data.relations[p.r].label;
    var text = p.f === 1 ? a + " — " + rel + " → " + b : p.f === 0 ? b + " — " + rel + " → " + a : rel + ": " + a + ", " + b;
    if (p.via && p.via.length) { text += " (through " + p.via.join(", ") + ")"; }
    box.appendChild(el("p", { "class": "kz-rel" }, text));
    box.appendChild(el("p", { "class": "date" }, p.d));
    p.q.forEach(function (q) { box.appendChild(quoteBlock(q)); });
    return box;
  }
  function heading(text) {
    panel.textContent = "";
    var close = el("button", { type: "button", "class": "kz-close", "aria-label": "close" }, "×");
    close.addEventListener("click", function () { placeholder(); panel.classList.remove("open"); });
    panel.appendChild(close);
    panel.appendChild(el("h2", {}, text));
    panel.classList.add("open");
  }
  function showNode(i) {
    var n = data.nodes[i];
    heading(n.label);
    panel.appendChild(el("p", { "class": "kinds" }, n.kind === data.classes[n.c].name ? n.kind :
                                                    n.kind + " · " + data.classes[n.c].name));
    if (n.v.length) { panel.appendChild(el("p", { "class": "kz-variants" }, "Also written: " + n.v.join("; "))); }
    n.d.forEach(function (d) { panel.appendChild(el("p", { "class": "date" }, d)); });
    var page = el("p", {});
    page.appendChild(el("a", { href: entityHref(n.id), "class": "kz-page" }, "The page of " + n.label + " →"));
    panel.appendChild(page);
    var list = neighbours[i].slice().sort(function (x, y) {
      var ox = data.edges[x].a === i ? data.edges[x].b : data.edges[x].a;
      var oy = data.edges[y].a === i ? data.edges[y].b : data.edges[y].a;
      return data.nodes[ox].label.localeCompare(data.nodes[oy].label);
    });
    panel.appendChild(el("h3", {}, list.length + (list.length === 1 ? " link" : " links") + " here"));
    list.slice(0, 40).forEach(function (k) {
      var e = data.edges[k];
      var o = e.a === i ? e.b : e.a;
      var section = el("section", { "class": "kz-link" });
      var go = el("button", { type: "button", "class": "kz-neighbour" }, data.nodes[o].label);
      go.addEventListener("click", function () { selectNode(o); });
      section.appendChild(go);
      e.p.forEach(function (p) { section.appendChild(partBlock(e, p)); });
      panel.appendChild(section);
    });
    if (list.length > 40) {
      panel.appendChild(el("p", {}, (list.length - 40) + " more links are on the entity page."));
    }
  }
  function showEdge(k) {
    var e = data.edges[k];
    heading(data.nodes[e.a].label + " — " + data.nodes[e.b].label);
    [e.a, e.b].forEach(function (i) {
      var p = el("p", {});
      p.appendChild(el("a", { href: entityHref(data.nodes[i].id) }, data.nodes[i].label));
      p.appendChild(document.createTextNode(" · " + data.nodes[i].kind));
      panel.appendChild(p);
    });
    e.p.forEach(function (p) { panel.appendChild(partBlock(e, p)); });
    host.setAttribute("data-selected-edge", String(k));
  }
  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); host.setAttribute("data-selected", data.nodes[params.nodes[0]].id); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
  });

  apply();
}());
