"""Files for other tools: CSV per measure, GraphML and GEXF (Gephi, Cytoscape, igraph), edge lists."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import networkx as nx

from .dataset import Dataset
from .measures import NODE_MEASURES, Measures


def fmt(value: object) -> str:
    """One text form for every value, so that files are byte-identical from run to run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = f"{value:.6f}"
        return "0.000000" if text == "-0.000000" else text
    if isinstance(value, list | tuple):
        return "; ".join(fmt(v) for v in value)
    return str(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([fmt(v) for v in row])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def measure_csvs(folder: Path, network: str, g: nx.Graph, m: Measures, ds: Dataset) -> list[Path]:
    """One CSV per measure (entity, label, class, value, rank) and one with all measures of the network."""
    files = []
    nodes = sorted(m.nodes)
    for measure in NODE_MEASURES:
        ranked = sorted(nodes, key=lambda n: (-(m.nodes[n][measure] or 0), n))
        rows = [(n, ds.entities[n].label, ds.entities[n].kind, m.nodes[n][measure], rank)
                for rank, n in enumerate(ranked, start=1)]
        files.append(write_csv(folder / f"{network}-{measure}.csv", ("entity", "label", "class", measure, "rank"),
                               rows))
    files.append(write_csv(folder / f"{network}-measures.csv", ("entity", "label", "class", *NODE_MEASURES),
                           [(n, ds.entities[n].label, ds.entities[n].kind, *(m.nodes[n][k] for k in NODE_MEASURES))
                            for n in nodes]))
    return files


def flat_graph(g: nx.Graph, m: Measures | None = None) -> nx.Graph:
    """A copy with only scalar attributes (strings and numbers), as GraphML and GEXF need."""
    out = nx.Graph()
    for n, data in sorted(g.nodes(data=True)):
        interval = data.get("interval")
        attrs: dict[str, object] = {"label": data.get("label", n), "class": data.get("kind", ""),
                                    "variants": fmt(data.get("variants", ())),
                                    "nationality": fmt(data.get("nationality", ())),
                                    "earliest": fmt(interval.earliest) if interval else "",
                                    "latest": fmt(interval.latest) if interval else ""}
        if m is not None and n in m.nodes:
            for k in NODE_MEASURES:
                value = m.nodes[n][k]
                attrs[k] = -1 if value is None and k in ("louvain", "leiden") else (
                    float(value) if isinstance(value, float) else value if value is not None else "")
        out.add_node(n, **attrs)
    for a, b, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        interval = data["interval"]
        out.add_edge(a, b, relations=fmt(data.get("relations", ())), weight=float(data.get("weight", 1.0)),
                     earliest=fmt(interval.earliest), latest=fmt(interval.latest),
                     claims=" ".join(data.get("claims", ())), statements=len(data.get("statements", ())),
                     uncertain=int(bool(data.get("uncertain", False))))
    return out


def flat_multigraph(mg: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The typed multigraph with scalar attributes: one directed edge per relation, in its canonical direction."""
    out = nx.MultiDiGraph()
    for n, data in sorted(mg.nodes(data=True)):
        interval = data["interval"]
        out.add_node(n, label=data["label"], **{"class": data["kind"]}, variants=fmt(data["variants"]),
                     nationality=fmt(data["nationality"]), earliest=fmt(interval.earliest),
                     latest=fmt(interval.latest))
    for a, b, key, data in sorted(mg.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        interval = data["interval"]
        out.add_edge(a, b, key=key, relation=data["relation"], predicate=data["predicate"],
                     role=data.get("role", ""), via=" ".join(data.get("via", ())), earliest=fmt(interval.earliest),
                     latest=fmt(interval.latest), claims=" ".join(data["claims"]), weight=float(data["weight"]))
    return out


def write_graphml(path: Path, g: nx.Graph) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(g, path, encoding="utf-8", prettyprint=True)
    return path


def write_gexf(path: Path, g: nx.Graph) -> Path:
    """GEXF 1.2 without the writer's date stamp (lastmodifieddate), so the file depends on the data only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    nx.write_gexf(g, buffer, encoding="utf-8", prettyprint=True)
    text = re.sub(r' lastmodifieddate="[^"]*"', "", buffer.getvalue().decode("utf-8"))
    path.write_text(text, encoding="utf-8")
    return path


def write_edge_list(path: Path, g: nx.Graph, ds: Dataset) -> Path:
    rows = []
    for a, b, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        interval = data["interval"]
        rows.append((a, ds.entities[a].label, b, ds.entities[b].label, data.get("relations", ()),
                     data.get("weight", 1.0), interval.earliest, interval.latest, data.get("claims", ())))
    return write_csv(path, ("source", "source_label", "target", "target_label", "relations", "weight",
                            "earliest", "latest", "claims"), rows)
