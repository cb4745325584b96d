"""The interactive network pages: the whole network, each community, and each entity's ego network.

Each network is a pyvis Network (nodes at their positions, edges, vis-network options) drawn in the browser by
vis-network (vendored from npm under static/vendor/vis-network/, copied to `site/assets/vendor/vis-network/`,
never pyvis' inlined copy or its CDN links), beside the data of the viewer's side panel, computed here:

    site/network/index.html               the whole network (the analysis' `entities` projection)
    site/network/community-<n>.html       each Louvain community of three entities or more
    site/id/<kind>/<slug>/network-data.js the ego network (1-2 hops) drawn on the entity page
    site/assets/network/network.{js,css}  the viewer: legend, search by name and variants, class and
                                          relation filters, the year slider, the side panel
    site/assets/{page,site}.css           the site's stylesheets (the shared header)

The pages are pyvis' generate_html with the project's template (templates/network.html): pyvis' nodes, edges
and options and the panel's data go into the page as JSON data blocks (`<script type="application/json">`,
which no Content-Security-Policy blocks: nothing in them runs), read by the viewer. An ego network is a
classic script beside its entity page (`window.KZ_NETWORK`, `window.KZ_VIS`: loaded by `<script src>`, it works
from `file://` under `script-src 'self'`).

Positions are computed here (igraph Fruchterman-Reingold from a seeded start; the same input gives the
same bytes) and shipped with the nodes, physics off. Node size is PageRank; colour and shape the class;
edge colour the relation. Each edge carries, per year 1919-1927, whether it certainly (`c`) or possibly
(`u`) held, by the analysis' overlap rule, or `null` when undated. Text from the data is data: in the JSON
`<`, `>` and `&` are escaped, tooltips are plain text, and the viewer puts text in the page with
`textContent` only.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import markupsafe
import networkx as nx
import pyoxigraph as ox

from ..analysis.dataset import Citation, Entity, local_name
from ..analysis.intervals import Interval, Overlap
from ..analysis.projections import YEARS, Part
from ..namespaces import ID, KZ
from ..publishing.dates_text import MONTHS, in_words
from .render import TEMPLATES

if TYPE_CHECKING:
    from pyvis.network import Network

SEED = 42
EGO_LIMIT = 50  # entities in an ego network: all within one link, then those within two by PageRank
TWO_LINKS_CAP = 5000  # entities within two links are counted (for an ego network's note) up to this many
COMMUNITY_MIN = 3
BIG = 1500  # nodes: a large graph draws fewer labels, no hover, no edges while dragging or zooming
# (name, kz: class, colour, vis-network shape): an entity takes the first class it is an instance of.
CLASSES: tuple[tuple[str, str, str, str], ...] = (
    ("Person", "Person", "#e15759", "dot"),
    ("Group", "Group", "#f28e2b", "triangle"),
    ("Organization", "Organization", "#4e79a7", "square"),
    ("Place", "Place", "#59a14f", "diamond"),
    ("Facility", "Facility", "#76b7b2", "triangleDown"),
    ("Event", "Event", "#b07aa1", "star"),
    ("Work", "Work", "#edc948", "hexagon"),
    ("Quotation", "Quotation", "#ff9da7", "hexagon"),
    ("Thing", "PhysicalThing", "#9c755f", "square"),
    ("Idea", "Entity", "#8c8c8c", "dot"),  # concepts, policies, plans, anything else
)
RELATION_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                    "#bcbd22", "#7f7f7f", "#393b79", "#637939")
OTHER_RELATION = "#c7c7c7"
FOLDED_LABELS = {"membership": "membership", "state": "state", "comparison": "comparison", "ranking": "ranking",
                 "event": "in the same event"}
_ENV = jinja2.Environment(loader=TEMPLATES, autoescape=True,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                          undefined=jinja2.StrictUndefined)
# in the pages' JSON data blocks: `json` an object, `json_text` a JSON text (pyvis' options), both escaped
_ENV.filters["json"] = lambda value: markupsafe.Markup(_json(value))
_ENV.filters["json_text"] = lambda text: markupsafe.Markup(_json(json.loads(text)))


def broad_class(entity: Entity) -> int:
    for i, (_, cls, _, _) in enumerate(CLASSES):
        if entity.is_a(cls):
            return i
    return len(CLASSES) - 1


def short_id(iri: str) -> str:
    """person/bill-heywood: the entity's path under id/ (its page is id/<short>/index.html)."""
    return iri[len(ID):] if iri.startswith(ID) else local_name(iri)


# --- dates in words -------------------------------------------------------------------------------------


def _day(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _span(lo: dt.date | None, hi: dt.date | None) -> str:
    """The words for 'somewhen between lo and hi'."""
    if lo is None and hi is None:
        return "an unknown date"
    if lo is None:
        return f"on or before {_day(hi)}"  # type: ignore[arg-type]
    if hi is None:
        return f"on or after {_day(lo)}"
    if lo == hi:
        return _day(lo)
    whole_months = lo.day == 1 and (hi + dt.timedelta(days=1)).day == 1
    if whole_months and lo.month == 1 and hi.month == 12:
        return str(lo.year) if lo.year == hi.year else f"between {lo.year} and {hi.year}"
    if whole_months:
        a, b = f"{MONTHS[lo.month - 1]} {lo.year}", f"{MONTHS[hi.month - 1]} {hi.year}"
        return a if a == b else f"between {a} and {b}"
    return f"between {_day(lo)} and {_day(hi)}"


def interval_words(iv: Interval) -> str:
    """An edge's interval as a reader would say it: '1922', 'July 1922', 'from 1922 to 1926', 'undated'."""
    if not iv.dated:
        return "undated"
    if (iv.begin_lo, iv.begin_hi) == (iv.end_lo, iv.end_hi):
        return _span(iv.begin_lo, iv.begin_hi)
    start = None if iv.begin_lo is None and iv.begin_hi is None else _span(iv.begin_lo, iv.begin_hi)
    end = None if iv.end_lo is None and iv.end_hi is None else _span(iv.end_lo, iv.end_hi)
    vague = ("between", "on or")
    if start and end and not start.startswith(vague) and not end.startswith(vague):
        return f"from {start} to {end}"
    words = [f"began {start}" if start.startswith(vague) else f"from {start}"] if start else []
    words += [f"ended {end}" if end.startswith(vague) else f"until {end}"] if end else []
    return ", ".join(words)


def years_code(parts: Iterable[Part], years: tuple[int, ...] = YEARS) -> str | None:
    """Per year: 'c' when one part certainly held in it, 'u' when one may have, '-' when none; None if undated."""
    parts = list(parts)
    if all(not p.interval.dated for p in parts):
        return None
    out = []
    for year in years:
        states = {p.interval.overlap(year) for p in parts}
        out.append("c" if Overlap.CERTAIN in states else "u" if Overlap.UNCERTAIN in states else "-")
    return "".join(out)


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def entity_dates(store: ox.Store, iris: Iterable[str]) -> dict[str, list[str]]:
    """Each entity's own EDTF dates in words ('founding date: about 1923'), from the compiled store."""
    wanted = set(iris)
    found: dict[str, set[str]] = {}
    query = (f"SELECT ?s ?p ?v WHERE {{ ?s ?p ?v FILTER(isLiteral(?v) && STRSTARTS(STR(?p), \"{KZ}\") "
             f"&& ?p NOT IN (<{KZ}earliest>, <{KZ}latest>)) }}")
    for s, p, v in store.query(query, use_default_graph_as_union=True):  # type: ignore[misc]
        name = local_name(p.value)
        if s.value in wanted and (name == "date" or name.endswith("Date")):
            words = _CAMEL.sub(" ", name).lower()
            found.setdefault(s.value, set()).add(f"{words}: {in_words(v.value)}")
    # a start or end date is also a kz:date (its super-property): keep the specific one
    out = {}
    for iri, texts in found.items():
        specific = {t.split(": ", 1)[1] for t in texts if not t.startswith("date: ")}
        out[iri] = sorted(t for t in texts if not (t.startswith("date: ") and t[6:] in specific))
    return out


# --- the network data -------------------------------------------------------------------------------------


@dataclass
class NetworkInput:
    """What the pages are made of: a collapsed graph (edges with `parts`), its entities and measures."""

    graph: nx.Graph
    entities: Mapping[str, Entity]
    centrality: Mapping[str, float]  # node size
    communities: list[list[str]]
    claims: Mapping[str, Citation]
    relation_labels: Mapping[str, str]  # local name -> label
    dates: Mapping[str, list[str]] = field(default_factory=dict)
    passages: Mapping[str, str] = field(default_factory=dict)  # claim -> the passage it quotes


def layout(nodes: Iterable[str], edges: Iterable[tuple[str, str]], *, seed: int = SEED, iterations: int = 500,
           start: Mapping[str, tuple[float, float]] | None = None) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold (igraph) from a seeded random start (or `start`), scaled to pixels; the same input
    gives the same positions. Large graphs use igraph's grid approximation."""
    import random

    import igraph as ig
    import numpy as np

    nodes = sorted(nodes)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(nodes)}
    h = ig.Graph(n=len(nodes), edges=sorted((min(index[a], index[b]), max(index[a], index[b])) for a, b in edges))
    if start is None:
        first = np.random.default_rng(seed).uniform(-1, 1, size=(len(nodes), 2)) * len(nodes) ** 0.5
    else:
        first = np.array([start[n] for n in nodes], dtype=float)
    grid = "nogrid" if len(nodes) < 1500 else "grid"
    ig.set_random_number_generator(random.Random(seed))  # igraph's moves are random too
    try:
        if len(nodes) <= 300:  # a community: Kamada-Kawai spreads a dense core more evenly
            coords = h.layout_kamada_kawai(seed=first.tolist())
        else:
            coords = h.layout_fruchterman_reingold(seed=first.tolist(), niter=iterations, grid=grid)
    finally:
        ig.set_random_number_generator(random)
    xy = np.array(coords.coords)
    xy -= xy.mean(axis=0)
    spread = float(np.abs(xy).max()) or 1.0
    scale = 45.0 * len(nodes) ** 0.5 / spread  # about 90 px a node along each axis
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in zip(nodes, xy, strict=True)}


class Viewer:
    """Draws subgraphs of the input (the panel's data and pyvis Networks), with the class and relation tables
    shared."""

    def __init__(self, data: NetworkInput) -> None:
        self.data = data
        counts: Counter[str] = Counter(r for _, _, d in data.graph.edges(data=True) for r in _relations(d))
        self.relations = sorted(counts, key=lambda r: (-counts[r], r))
        self.relation_index = {r: i for i, r in enumerate(self.relations)}
        self.relation_counts = counts
        top = max((data.centrality.get(n, 0.0) for n in data.graph), default=0.0) or 1.0
        # the square root: PageRank is skewed (one hub), and the area of a node then grows with it
        self.size = {n: round(100 * (data.centrality.get(n, 0.0) / top) ** 0.5, 2) for n in data.graph}
        self.classes = {n: broad_class(data.entities[n]) for n in data.graph}
        self._edges: dict[tuple[str, str], tuple[list[int], str | None, list[tuple[dict[str, object],
                                                                             tuple[str, ...]]]]] = {}
        self.table = self.relation_table()
        self._node_rows: dict[str, dict[str, object]] = {}
        self._quote_rows: dict[str, list[object] | None] = {}
        self._vis_nodes: dict[tuple[str, bool], dict[str, object]] = {}
        self._vis_edge_cache: dict[tuple[str, str], dict[str, object]] = {}
        self.edge_colours = [_translucent(str(r["colour"])) for r in self.table]

    def _edge(self, a: str, b: str) -> tuple[list[int], str | None, list[tuple[dict[str, object], tuple[str, ...]]]]:
        """The edge a-b (a before b): its relations, years code and parts with their claims (memoized)."""
        found = self._edges.get((a, b))
        if found is None:
            d = self.data.graph.adj[a][b]
            parts: list[tuple[dict[str, object], tuple[str, ...]]] = []
            for p in d["parts"]:
                forward = 1 if p.source == a else 0 if p.source == b else 2  # 2: no direction (a shared context)
                via = [self.data.entities[v].label for v in p.via if v in self.data.entities]
                parts.append(({"r": self.relation_index[p.relation], "f": forward, "d": interval_words(p.interval),
                               **({"via": via} if via else {})}, p.claims))
            found = (sorted({int(part["r"]) for part, _ in parts}), years_code(d["parts"]), parts)  # type: ignore[call-overload]
            self._edges[(a, b)] = found
        return found

    def relation_table(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for i, r in enumerate(self.relations):
            colour = RELATION_COLOURS[i] if i < len(RELATION_COLOURS) else OTHER_RELATION
            label = self.data.relation_labels.get(r) or FOLDED_LABELS.get(r) or r
            out.append({"name": r, "label": label, "colour": colour})
        return out

    def draw(self, nodes: list[str], *, title: str, focus: str | None = None,
             positions: Mapping[str, tuple[float, float]] | None = None, note: str = "") -> Drawing:
        """The network of `nodes`: the panel's data and the pyvis Network that vis-network draws. Positions:
        `positions`, else the radial layout around `focus`, else computed here."""
        graph = self.data.graph
        order = sorted(nodes)
        index = {n: i for i, n in enumerate(order)}
        pairs: list[tuple[int, int]] = []
        for a in order:  # the links among `nodes`, through the smaller of each one's neighbours and `nodes`
            near, i = graph.adj[a], index[a]
            pairs += ((i, index[b]) for b in (order if len(near) > len(order) else near)
                      if b in near and b in index and i < index[b])
        pairs.sort()
        if positions is None and focus is not None:
            labels = {n: self.data.entities[n].label for n in order}
            positions = radial(order, pairs, focus, self.classes, labels)
        elif positions is None:
            positions = layout(order, [(order[a], order[b]) for a, b in pairs])
        quotes: list[list[object]] = []
        quote_index: dict[str, int] = {}

        def quote(claim: str) -> int | None:
            if claim not in quote_index:
                row = self._quote_row(claim)
                if row is None:
                    return None
                quote_index[claim] = len(quotes)
                quotes.append(row)
            return quote_index[claim]

        node_rows = [self._node_row(n) for n in order]
        edges = [self._edge(order[i], order[j]) for i, j in pairs]
        used = sorted({r for relations, _, _ in edges for r in relations})  # the panel's relations: this network's
        local = {r: k for k, r in enumerate(used)}
        edge_rows = []
        for (i, j), (relations, years, parts) in zip(pairs, edges, strict=True):
            rows = [{**part, "r": local[part["r"]], "q": [k for k in (quote(c) for c in claims) if k is not None]}  # type: ignore[index]
                    for part, claims in parts]
            edge_rows.append({"a": i, "b": j, "r": [local[r] for r in relations], "y": years, "p": rows})
        panel: dict[str, object] = {"title": title, "focus": short_id(focus) if focus else None, "note": note,
                                    "years": [YEARS[0], YEARS[-1]],
                                    "classes": [{"name": name, "colour": colour, "shape": shape}
                                                for name, _, colour, shape in CLASSES],
                                    "relations": [self.table[r] for r in used], "nodes": node_rows, "edges": edge_rows,
                                    "quotes": quotes}
        network = self.vis_network(order, pairs, positions, focus=index.get(focus) if focus else None)
        return Drawing(panel, network)

    def _node_row(self, n: str) -> dict[str, object]:
        """An entity in the panel: its id, label, class, kind, variants, dates in words, size (memoized)."""
        found = self._node_rows.get(n)
        if found is None:
            e = self.data.entities[n]
            found = self._node_rows[n] = {"id": short_id(n), "label": e.label, "c": self.classes[n], "kind": e.kind,
                                          "v": list(e.variants), "d": list(self.data.dates.get(n, ())),
                                          "s": self.size[n]}
        return found

    def _quote_row(self, claim: str) -> list[object] | None:
        """A claim's quote, line, id and passage, or None for a claim without a citation (memoized)."""
        if claim not in self._quote_rows:
            c = self.data.claims.get(claim)
            passage = self.data.passages.get(claim)
            self._quote_rows[claim] = None if c is None else [c.quote, c.line, short_id(claim),
                                                              short_id(passage) if passage else None]
        return self._quote_rows[claim]

    def vis_network(self, order: list[str], pairs: list[tuple[int, int]],
                    positions: Mapping[str, tuple[float, float]], *, focus: int | None) -> Network:
        """The pyvis Network of `order` and `pairs` (node ids their indexes in `order`, edge ids in `pairs`, as in
        the panel's rows): each node at its position, shaped and coloured by class (a vis-network group), sized by
        PageRank, its tooltip plain text; each edge coloured by its first relation, dotted when undated, as wide
        as its statements are many; the focus (of an ego network) with a thick border."""
        from pyvis.network import Network

        big = len(order) > BIG
        # directed: pyvis then skips its check for a duplicate edge (a pass over every edge for each edge added,
        # minutes at 10,000 links); the pairs are unique, and an edge gets no arrow (arrows="")
        net = Network(directed=True)
        options = vis_options(big=big, classes=(self.classes[n] for n in order))
        net.set_options(json.dumps(options))
        # on a large graph only the 400 largest nodes are labelled on the canvas (measuring every label is most
        # of a first draw); every name stays in the tooltip, the search and the panel
        floor = -1.0
        if big:
            floor = sorted((self.size[n] for n in order), reverse=True)[min(400, len(order) - 1)]
        add_node, add_edge, vis_node, vis_edge = net.add_node, net.add_edge, self._vis_node, self._vis_edge
        for i, n in enumerate(order):
            x, y = positions[n]
            if i == focus:
                add_node(i, x=x, y=y, borderWidth=4, **vis_node(n, big))
            else:
                add_node(i, x=x, y=y, **vis_node(n, big))
            if big and self.size[n] <= floor:
                del net.get_node(i)["label"]  # pyvis labels a node by its id when it is given no label
        for k, (i, j) in enumerate(pairs):
            add_edge(i, j, id=k, arrows="", **vis_edge(order[i], order[j]))
        return net

    def _vis_node(self, n: str, big: bool) -> dict[str, object]:
        """A node's label, shape, class (its vis-network group), tooltip and size, the same in every network of
        its kind, large or not (memoized)."""
        found = self._vis_nodes.get((n, big))
        if found is None:
            e, size = self.data.entities[n], self.size[n]
            name, _, _, shape = CLASSES[self.classes[n]]
            found = {"label": e.label, "shape": shape, "group": name, "title": f"{e.label} ({e.kind})"}
            if big:  # sizes given directly: vis-network's value scaling costs a fifth of a first draw
                found |= {"size": round(5 + size * 0.35, 2), "font": {"size": round(10 + size * 0.3, 2)}}
            else:
                found["value"] = round(size + 1, 2)
            self._vis_nodes[(n, big)] = found
        return found

    def _vis_edge(self, a: str, b: str) -> dict[str, object]:
        """An edge's colour, tooltip, width and dashes (dotted when undated), the same in every network (memoized)."""
        found = self._vis_edge_cache.get((a, b))
        if found is None:
            relations, years, parts = self._edge(a, b)
            names = ", ".join(str(self.table[r]["label"]) for r in relations)
            entities = self.data.entities
            found = self._vis_edge_cache[(a, b)] = {
                "color": self.edge_colours[relations[0]],
                "title": f"{entities[a].label} — {names} — {entities[b].label}",
                "width": min(round(1 + len(parts) * 0.6, 2), 5), **({"dashes": [2, 4]} if years is None else {})}
        return found


@dataclass
class Drawing:
    """One network: `panel`, what the viewer's side panel, search, filters and year slider read (its rows in
    the order of vis-network's node and edge ids), and `network`, the pyvis Network of what vis-network draws."""

    panel: dict[str, object]
    network: Network


def vis_options(*, big: bool, classes: Iterable[int] = range(len(CLASSES))) -> dict[str, object]:
    """vis-network's options: physics off (the positions come with the nodes), the colours of `classes` as
    groups; on a large graph no hover and no edges while dragging or zooming (sizes are then given per node)."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "interaction": {"hover": not big, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "navigationButtons": False, "keyboard": False, "multiselect": False},
        "nodes": {"borderWidth": 1,
                  "scaling": {"min": 7, "max": 48, "label": {"enabled": True, "min": 9, "max": 40,
                                                            "drawThreshold": 5, "maxVisible": 28}},
                  "font": {"size": 12, "face": "system-ui,sans-serif", "color": "#1f2328", "strokeWidth": 3,
                           "strokeColor": "#ffffff"}},
        "edges": {"smooth": False, "selectionWidth": 3, "hoverWidth": 1},
        "groups": {CLASSES[c][0]: {"color": {"background": CLASSES[c][2], "border": "#333333",
                                             "highlight": {"background": CLASSES[c][2], "border": "#000000"}}}
                   for c in sorted(set(classes))},
    }


def _translucent(colour: str, opacity: float = 0.75) -> str:
    """#1f77b4 as rgba(31,119,180,0.75): an edge's colour, normal, selected or hovered (vis-network takes a
    colour given as a string for all three)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{opacity})"


def radial(order: list[str], pairs: list[tuple[int, int]], focus: str, classes: Mapping[str, int],
           labels: Mapping[str, str]) -> dict[str, tuple[float, float]]:
    """The ego layout, in pixels: the focus in the middle, its neighbours on a ring (by class, then label),
    the entities two links away on an outer ring, each in the sector of the first neighbour it hangs from."""
    import math

    adjacent: dict[int, set[int]] = {i: set() for i in range(len(order))}
    for a, b in pairs:
        adjacent[a].add(b)
        adjacent[b].add(a)
    centre = order.index(focus)
    ring = sorted(adjacent[centre], key=lambda i: (classes[order[i]], labels[order[i]].lower(), order[i]))
    place = {i: k for k, i in enumerate(ring)}
    children: dict[int, list[int]] = {i: [] for i in ring}
    for i in range(len(order)):
        if i != centre and i not in place:
            parents = sorted(place[j] for j in adjacent[i] if j in place)
            children[ring[parents[0]] if parents else ring[0]].append(i)
    outer = sum(len(c) for c in children.values())
    r1 = max(160.0, len(ring) * 70 / (2 * math.pi))
    r2 = max(r1 + 170.0, outer * 55 / (2 * math.pi))
    out = {focus: (0.0, 0.0)}
    sector = 2 * math.pi / max(len(ring), 1)
    m = 0
    for k, i in enumerate(ring):
        angle = k * sector
        out[order[i]] = (round(r1 * math.cos(angle), 1), round(r1 * math.sin(angle), 1))
        for j in sorted(children[i], key=lambda j: (classes[order[j]], labels[order[j]].lower())):
            theta = 2 * math.pi * (m + 0.5) / outer - sector / 2  # the outer ring in the order of the parents
            r = r2 + (m % 2) * 70.0  # two radii in turn, so that neighbours' labels do not collide
            out[order[j]] = (round(r * math.cos(theta), 1), round(r * math.sin(theta), 1))
            m += 1
    return out


def _relations(d: Mapping[str, object]) -> Iterable[str]:
    return {p.relation for p in d["parts"]}  # type: ignore[attr-defined]


def ego_nodes(g: nx.Graph, node: str, centrality: Mapping[str, float], *, limit: int = EGO_LIMIT,
              by_centrality: dict[str, list[str]] | None = None) -> list[str]:
    """The entity, every neighbour (the strongest first, up to the limit), then those two links away by
    centrality while there is room. `by_centrality` (each vertex's neighbours, the most central first, filled
    as needed) lets every ego network read only the first few neighbours of each neighbour: the most central
    of a union are among the most central of its parts, so the choice is the same as over every vertex two
    links away, at a cost bounded by the limit instead of by the degree of the hubs nearby."""
    def rank(n: str) -> tuple[float, float, str]:
        return (-g[node][n].get("weight", 1.0) if n in g[node] else 0.0, -centrality.get(n, 0.0), n)

    def central(n: str) -> tuple[float, str]:
        return (-centrality.get(n, 0.0), n)

    neighbours = by_centrality if by_centrality is not None else {}
    first = sorted(g[node], key=rank)[:limit - 1]
    chosen = [node, *first]
    seen = set(chosen)
    if len(chosen) < limit:
        room = limit - len(chosen)
        candidates: set[str] = set()
        for n in first:
            if n not in neighbours:
                neighbours[n] = sorted(g[n], key=central)
            candidates.update(neighbours[n][:room + len(chosen)])
        chosen += sorted(candidates - seen, key=central)[:room]
    return chosen


def within_two_links(g: nx.Graph, node: str, *, cap: int) -> int | None:
    """How many entities are within two links of node (itself included), or None when more than cap (counting
    stops there: near a hub the exact number would cost the hub's degree for every entity)."""
    found = {node, *g.adj[node]}
    if len(found) > cap:
        return None
    for n in g.adj[node]:
        for m in g.adj[n]:
            found.add(m)
            if len(found) > cap:
                return None
    return len(found)


def _json(document: object) -> str:
    """JSON that nothing can take for markup or for the end of a script element (in a page's data block or in a
    script), nor for a line end in a script: ASCII (U+2028 and U+2029 escaped too), `<`, `>` and `&` escaped."""
    text = json.dumps(document, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def script(drawing: Drawing) -> str:
    """An ego network's data as a classic script beside its entity page: the panel's data and vis-network's
    nodes, edges and options (from the pyvis Network)."""
    nodes, edges, _, _, _, options = drawing.network.get_network_data()
    vis = {"nodes": nodes, "edges": edges, "options": json.loads(options)}
    return f"window.KZ_NETWORK = {_json(drawing.panel)};\nwindow.KZ_VIS = {_json(vis)};\n"


# --- writing ---------------------------------------------------------------------------------------------


@dataclass
class NetworkSite:
    data: NetworkInput
    seed: int = SEED

    @property
    def ego_folders(self) -> frozenset[str]:
        """The entity pages that embed an ego network: id/<kind>/<slug> (a vertex with a link)."""
        g = self.data.graph
        return frozenset("id/" + short_id(n) for n in g if g.degree(n) > 0)

    def write(self, site: Path) -> dict[str, float]:
        """The pages, the ego networks and the assets they load into `site`; seconds per step."""
        seconds: dict[str, float] = {}
        t = time.perf_counter()
        viewer = Viewer(self.data)
        g = self.data.graph
        positions = layout(g, g.edges, seed=self.seed)
        seconds["layout"] = time.perf_counter() - t
        t = time.perf_counter()
        copy_assets(site)
        folder = site / "network"
        folder.mkdir(parents=True, exist_ok=True)
        communities = [c for c in self.data.communities if len(c) >= COMMUNITY_MIN]
        listing = []
        for number, members in enumerate(communities, start=1):
            top = sorted(members, key=lambda n: (-self.data.centrality.get(n, 0.0), n))[:3]
            name = ", ".join(self.data.entities[n].label for n in top)
            listing.append({"href": f"community-{number}.html", "number": number, "size": len(members),
                            "name": name})
        whole = viewer.draw(sorted(g), title="The whole network", positions=positions,
                            note=f"{g.number_of_nodes()} entities and {g.number_of_edges()} links")
        _page(folder / "index.html", whole, title="The network", mode="whole", heading="The network of the Colony",
              communities=listing)
        seconds["whole"] = time.perf_counter() - t
        t = time.perf_counter()
        for item, members in zip(listing, communities, strict=True):
            drawing = viewer.draw(members, title=f"Community {item['number']}: {item['name']}",
                                  note=f"{len(members)} entities (Louvain community {item['number']} of the whole "
                                       f"network)")
            _page(folder / str(item["href"]), drawing, title=f"Community {item['number']}", mode="community",
                  heading=str(drawing.panel["title"]), communities=listing)
        seconds["communities"] = time.perf_counter() - t
        t = time.perf_counter()
        by_centrality: dict[str, list[str]] = {}
        for node in sorted(g):
            if g.degree(node) == 0:
                continue
            members = ego_nodes(g, node, self.data.centrality, by_centrality=by_centrality)
            two = within_two_links(g, node, cap=TWO_LINKS_CAP) if len(members) >= EGO_LIMIT else len(members)
            degree = g.degree(node)
            if degree >= len(members):
                note = (f"{len(members) - 1} of its {degree} direct links, the strongest (then the most central) "
                        f"first; the whole network has them all")
            elif two is None:
                note = (f"{len(members)} of the more than {TWO_LINKS_CAP:,} entities within two links: every direct "
                        f"link, then the most central")
            elif two > len(members):
                note = (f"{len(members)} of the {two} entities within two links: every direct link, then the most "
                        f"central")
            else:
                note = f"{len(members)} entities within two links"
            drawing = viewer.draw(members, title=f"The network around {self.data.entities[node].label}",
                                  focus=node, note=note)
            target = site / "id" / short_id(node) / "network-data.js"
            target.parent.mkdir(parents=True, exist_ok=True)
            _write(target, script(drawing))
        seconds["egos"] = time.perf_counter() - t
        return {k: round(v, 3) for k, v in seconds.items()}


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _page(path: Path, drawing: Drawing, *, title: str, mode: str, heading: str,
          communities: list[dict[str, object]]) -> None:
    """A network page by pyvis' generate_html, with the project's template (templates/network.html, rendered
    by our environment: autoescaping, the site's header) instead of pyvis' own. pyvis gives the template its
    nodes, edges, options and heading; the page's own names come as the template's globals, which jinja2
    updates on the loaded template at each get_template (every page sets the same names)."""
    net = drawing.network
    net.heading = heading
    net.templateEnv, net.path = _ENV, "network.html"  # what pyvis' set_template_dir sets
    _ENV.get_template("network.html", globals={"title": title, "mode": mode, "root": "../", "communities": communities,
                                               "note": drawing.panel["note"], "panel": drawing.panel,
                                               "pyvis_version": metadata.version("pyvis")})
    _write(path, net.generate_html())


def copy_assets(site: Path) -> None:
    """What the network pages load from site/assets/: the site's stylesheets (page.css, the entity pages' look,
    and site.css, the site's: the header's navigation), vis-network (with its licences and version) and the
    viewer. The site's build writes the same stylesheets; here they make a network site written alone whole."""
    package = resources.files("kuzbass_graph")
    assets = site / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for sheet in (package / "publishing" / "static" / "page.css", package / "site" / "static" / "site.css"):
        (assets / sheet.name).write_bytes(sheet.read_bytes())
    static = package / "site" / "static"
    for source, target in (("vendor/vis-network", "vendor/vis-network"), ("network", "network")):
        folder = assets / target
        folder.mkdir(parents=True, exist_ok=True)
        for item in static.joinpath(*source.split("/")).iterdir():
            if item.is_file():
                with resources.as_file(item) as file:
                    shutil.copyfile(file, folder / item.name)


def network_input(analysis: object, store: ox.Store | None = None) -> NetworkInput:
    """The pages' input from the build's analysis (kuzbass_graph.analysis.run.Analysis): the `entities`
    network, PageRank, Louvain communities; entity dates from the compiled store when given."""
    a = analysis
    g = a.networks["entities"]  # type: ignore[attr-defined]
    measures = a.measures["entities"]  # type: ignore[attr-defined]
    ds = a.ds  # type: ignore[attr-defined]
    labels = {local_name(p): label for p, label in ds.relation_labels.items()}
    centrality = {n: float(v.get("pagerank") or 0.0) for n, v in measures.nodes.items()}
    return NetworkInput(g, ds.entities, centrality, measures.communities.get("louvain", []), ds.claims, labels,
                        entity_dates(store, g) if store is not None else {},
                        claim_passages(store) if store is not None else {})


def claim_passages(store: ox.Store) -> dict[str, str]:
    """Each claim's passage (its page is where the entity pages link a quote's line)."""
    query = f"SELECT ?c ?p WHERE {{ ?c <{KZ}passage> ?p }}"
    return {c.value: p.value for c, p in store.query(query, use_default_graph_as_union=True)}  # type: ignore[misc]


def write_network_pages(analysis: object, store: ox.Store | None, site: Path) -> dict[str, float]:
    """`kuzbass build`: the network pages of this build into `site` (its site/ folder)."""
    t = time.perf_counter()
    pages = NetworkSite(network_input(analysis, store))
    prepared = time.perf_counter() - t
    return {"prepare": round(prepared, 3), **pages.write(site)}


def synthetic(n: int, *, seed: int = SEED, labels: Mapping[int, str] | None = None) -> NetworkInput:
    """A made-up network of n entities (preferential attachment, two links a node, dated relations with
    quotes) for benchmarks and tests; `labels` replaces some labels (e.g. with markup, to test escaping)."""
    import random

    from ..analysis.intervals import UNDATED

    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    kinds = [cls for _, cls, _, _ in CLASSES[:-1]] + ["Concept"]
    entities = {}
    for i in range(n):
        iri = f"{ID}synthetic/e{i:05d}"
        kind = kinds[i % len(kinds)]
        label = (labels or {}).get(i, f"Entity {i}")
        entities[iri] = Entity(iri, label, kind, frozenset({KZ + "Entity", KZ + kind}), (f"Variant {i}",))
    relations = ["memberOf", "locatedIn", "participant", "about", "led", "founded", "author", "suppliedTo"]
    claims: dict[str, Citation] = {}
    g = nx.Graph()
    g.add_nodes_from(sorted(entities))
    for k, (a, b) in enumerate(sorted(base.edges)):
        u, v = f"{ID}synthetic/e{a:05d}", f"{ID}synthetic/e{b:05d}"
        claim = f"{ID}claim/s{k:06d}"
        claims[claim] = Citation(claim, f"A quote behind link {k}, between {entities[u].label} and "
                                        f"{entities[v].label}.", k + 1)
        year = rng.choice((None, 1919, 1920, 1921, 1922, 1923, 1924, 1925, 1926, 1927))
        if year is None:
            interval = UNDATED
        elif rng.random() < 0.3:
            interval = Interval(None, dt.date(year, 12, 31), dt.date(year, 1, 1), None)
        else:
            interval = Interval.point(dt.date(year, 1, 1), dt.date(year, 12, 31))
        part = Part(rng.choice(relations), interval, (claim,), (), (), u, v)
        g.add_edge(min(u, v), max(u, v), parts=(part,), relations=(part.relation,), claims=(claim,),
                   statements=(), interval=interval, weight=1.0)
    centrality = nx.pagerank(g)
    communities = [sorted(c) for c in nx.community.louvain_communities(g, seed=seed)]
    communities.sort(key=lambda c: (-len(c), c[0]))
    names = {r: _CAMEL.sub(" ", r).lower() for r in relations}
    return NetworkInput(g, entities, centrality, communities, claims, names)
