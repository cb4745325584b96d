"""The report (report.md and report.html, one list of blocks rendered twice), its figures (matplotlib,
PNG and SVG, each with its data as CSV beside it), and every other output file of `kuzbass analyze`."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from .exports import (
    flat_graph,
    flat_multigraph,
    fmt,
    measure_csvs,
    write_csv,
    write_edge_list,
    write_gexf,
    write_graphml,
)
from .projections import YEARS

Block = tuple  # ("h2", text) | ("p", text) | ("table", header, rows) | ("figure", name, caption)
PEOPLE_TOP = 15


def _figure_setup():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "kuzbass", "font.size": 9, "figure.dpi": 100})
    return plt


def _save(plt, fig, folder: Path, name: str, header, rows) -> list[Path]:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    fig.savefig(png, format="png", metadata={"Software": None})
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return [png, svg, write_csv(folder / f"{name}.csv", header, rows)]


def figures(a, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    import networkx as nx

    plt = _figure_setup()
    files: list[Path] = []
    ds = a.ds
    # 1. degree distribution of the entity network
    counts = sorted(Counter(v["degree"] for v in a.measures["entities"].nodes.values()).items())
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar([d for d, _ in counts], [c for _, c in counts], color="#4c72b0")
    ax.set_xlabel("degree"), ax.set_ylabel("entities"), ax.set_yscale("log")
    ax.set_title("Degree distribution, entity network")
    files += _save(plt, fig, folder, "degree-distribution", ("degree", "entities"), counts)
    # 2. centrality rankings of persons
    people = a.measures["person-person"].nodes
    entity_values = a.measures["entities"].nodes
    top = sorted((n for n in entity_values if ds.entities[n].is_a("Person")),
                 key=lambda n: (-entity_values[n]["betweenness"], n))[:PEOPLE_TOP]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5), sharey=True)
    labels = [ds.entities[n].label for n in top][::-1]
    axes[0].barh(labels, [entity_values[n]["betweenness"] for n in top][::-1], color="#dd8452")
    axes[0].set_title("betweenness (entity network)")
    axes[1].barh(labels, [entity_values[n]["pagerank"] for n in top][::-1], color="#55a868")
    axes[1].set_title("PageRank (entity network)")
    fig.tight_layout()
    files += _save(plt, fig, folder, "people-centrality", ("entity", "label", "betweenness", "pagerank",
                                                            "person_person_degree"),
                   [(n, ds.entities[n].label, entity_values[n]["betweenness"], entity_values[n]["pagerank"],
                     people.get(n, {}).get("degree")) for n in top])
    # 3. community sizes
    louvain = [len(c) for c in a.measures["entities"].communities["louvain"]]
    leiden = [len(c) for c in a.measures["entities"].communities["leiden"]]
    size = max(len(louvain), len(leiden))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(range(len(louvain)), louvain, "o-", label="Louvain", markersize=3)
    ax.plot(range(len(leiden)), leiden, "s-", label="Leiden", markersize=3)
    ax.set_xlabel("community (by size)"), ax.set_ylabel("entities"), ax.legend()
    ax.set_title("Community sizes, entity network")
    files += _save(plt, fig, folder, "community-sizes", ("community", "louvain_size", "leiden_size"),
                   [(i, louvain[i] if i < len(louvain) else None, leiden[i] if i < len(leiden) else None)
                    for i in range(size)])
    # 4. measures over the years
    years = sorted(a.yearly["entities"])
    rows = [(y, a.yearly["entities"][y].graph["nodes"], a.yearly["entities"][y].graph["edges"],
             a.yearly["entities"][y].graph["edges_certain"], a.yearly["entities"][y].graph["edges_uncertain"],
             a.yearly["entities"][y].graph["components"], a.yearly["entities"][y].graph["density"]) for y in years]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(years, [r[1] for r in rows], "o-", label="entities")
    ax.plot(years, [r[3] for r in rows], "s-", label="edges (certain)")
    ax.plot(years, [r[4] for r in rows], "^-", label="edges (uncertain)")
    ax.plot(years, [r[5] for r in rows], "d-", label="components")
    ax.set_xticks(years), ax.legend(), ax.set_title("Yearly snapshots of the entity network")
    files += _save(plt, fig, folder, "yearly-measures", ("year", "nodes", "edges", "edges_certain",
                                                         "edges_uncertain", "components", "density"), rows)
    # 5. small multiple of the yearly networks
    fig, axes = plt.subplots(3, 3, figsize=(10, 10))
    positions = []
    for ax, y in zip(axes.flat, YEARS, strict=False):
        g = a.snapshots["entities"][y].graph
        pos = nx.spring_layout(g, seed=42) if len(g) else {}
        colors = ["#c44e52" if ds.entities[n].is_a("Person") else "#4c72b0" if ds.entities[n].is_a("Organization")
                  else "#8c8c8c" for n in sorted(g)]
        certain = [(u, v) for u, v, d in g.edges(data=True) if not d["uncertain"]]
        uncertain = [(u, v) for u, v, d in g.edges(data=True) if d["uncertain"]]
        nx.draw_networkx_edges(g, pos, edgelist=certain, ax=ax, width=0.6, edge_color="#555555")
        nx.draw_networkx_edges(g, pos, edgelist=uncertain, ax=ax, width=0.6, edge_color="#bbbbbb", style="dashed")
        nx.draw_networkx_nodes(g, pos, nodelist=sorted(g), node_color=colors, node_size=14, ax=ax)
        ax.set_title(f"{y}: {len(g)} entities, {g.number_of_edges()} edges")
        ax.set_axis_off()
        positions += [(y, n, ds.entities[n].label, float(pos[n][0]), float(pos[n][1])) for n in sorted(g)]
    fig.suptitle("Entity network by year (red persons, blue organizations; dashed edges uncertain)")
    fig.tight_layout()
    files += _save(plt, fig, folder, "yearly-networks", ("year", "entity", "label", "x", "y"), positions)
    return files


def _people_table(a, network: str, measure: str, limit: int = PEOPLE_TOP) -> list[list[str]]:  # type: ignore[no-untyped-def]
    values = a.measures[network].nodes
    people = sorted((n for n in values if a.ds.entities[n].is_a("Person") and values[n][measure] is not None),
                    key=lambda n: (-values[n][measure], n))[:limit]
    return [[str(i), a.ds.entities[n].label, fmt(values[n][measure]), fmt(values[n]["degree"])]
            for i, n in enumerate(people, start=1)]


def blocks(a) -> list[Block]:  # type: ignore[no-untyped-def]
    ds = a.ds
    ent, pp = a.measures["entities"], a.measures["person-person"]
    out: list[Block] = [("h1", "Network analysis of the AIC Kuzbass graph")]
    out.append(("p", f"Dataset version (SHA-256 of the source): {ds.version}. Every edge rests on cited "
                     "statements; the edge lists and GraphML/GEXF files list the claims behind each edge."))
    out.append(("h2", "Method"))
    out += [("p", "Networks. entities: every domain entity (no provenance, ontology, quantity or role nodes), "
                  "a pair linked by any cited kz: relation, inverses and super-properties counted once; each "
                  "kz:Membership folded into one member-organization edge with its role and dates, each state, "
                  "comparison or ranking (kz:Assessment) into an edge between the entities it links; events and "
                  "works stay vertices. entities-events-folded: the same with each event folded too, into an "
                  "edge between every two entities it links. person-organization: persons and organizations "
                  "with any relation between them. person-person: persons linked directly (collaboration, "
                  "marriage, succession, advice, letters) or through a shared organization (both belong to it), "
                  "post, event, conflict or message; weight = number of such contexts."),
            ("p", "Time. An edge takes its interval from its dated n-ary node (a membership) or from its endpoints "
                  "that are events or works; relations between lasting things are undated, since the source "
                  "does not date them. An edge is in a yearly snapshot when its interval must overlap the year "
                  "(certain) or may overlap it (uncertain, drawn dashed); undated edges are in no snapshot and "
                  "are counted in the table of years."),
            ("p", "Measures (NetworkX unless stated): degree, weighted degree, betweenness and closeness by hops "
                  "(normalized), eigenvector (power iteration on A+I), PageRank (alpha 0.85, weighted), core "
                  "number, Burt's constraint and effective size (weighted), Louvain communities (seed fixed) "
                  "and Leiden communities (leidenalg on igraph, seed fixed) with their modularity, bridges, "
                  "articulation points, components, and attribute assortativity by nationality (first stated "
                  "country) and by class (the entity's most specific kz: class; the source records no social "
                  "class). Betweenness is exact here; at 100 times this size it is sampled (see bench/).")]
    out.append(("p", "Provenance. The values are published as RDF in the analysis named graph (analysis.nq, and "
                     "the build's dumps and store): one kz:MeasuredValue per value, with its measure, entity, "
                     "network and snapshot year, generated by a kz:AnalysisRun (PROV-O) that records the "
                     "software, versions, parameters and dataset version. It records no clock time, so that the "
                     "same input gives the same bytes; the build's run times are in build-report.json."))
    out.append(("table", ["parameter", "value"], [[k, fmt(v)] for k, v in sorted(a.parameters.items())]))
    out.append(("table", ["software", "version"], [[k, v] for k, v in sorted(a.versions.items())]))
    out.append(("h2", "Networks"))
    keys = ["nodes", "edges", "density", "components", "largest_component", "bridges", "articulation_points",
            "max_core", "louvain_communities", "louvain_modularity", "leiden_communities", "leiden_modularity",
            "assortativity_nationality", "assortativity_class"]
    out.append(("table", ["measure", *a.networks], [[k, *(fmt(a.measures[n].graph.get(k)) for n in a.networks)]
                                                   for k in keys]))
    out.append(("h2", "Who connected the colony"))
    out.append(("p", "Persons ranked by betweenness in the entity network (brokers between parts of the graph):"))
    out.append(("table", ["rank", "person", "betweenness", "degree"], _people_table(a, "entities", "betweenness")))
    out.append(("p", "Persons ranked by PageRank in the entity network:"))
    out.append(("table", ["rank", "person", "PageRank", "degree"], _people_table(a, "entities", "pagerank")))
    out.append(("p", "Persons ranked by weighted degree in the person-person network:"))
    out.append(("table", ["rank", "person", "weighted degree", "degree"],
                _people_table(a, "person-person", "weighted_degree")))
    out.append(("figure", "people-centrality", "Persons by betweenness and PageRank in the entity network"))
    out.append(("h2", "Brokers"))
    brokers = sorted((n for n, v in pp.nodes.items() if v["constraint"] is not None and v["degree"] >= 2),
                     key=lambda n: (pp.nodes[n]["constraint"], n))[:10]
    out.append(("p", "Lowest Burt's constraint in the person-person network (persons with two or more contacts): "
                     "their contacts are not linked to each other."))
    out.append(("table", ["person", "constraint", "effective size", "degree"],
                [[ds.entities[n].label, fmt(pp.nodes[n]["constraint"]), fmt(pp.nodes[n]["effective_size"]),
                  fmt(pp.nodes[n]["degree"])] for n in brokers]))
    points = [ds.entities[n].label for n in pp.articulation_points]
    out.append(("p", f"Articulation points of the person-person network ({len(points)}): {', '.join(points)}."))
    bridges = [f"{ds.entities[x].label} - {ds.entities[y].label}" for x, y in pp.bridges]
    out.append(("p", f"Bridges of the person-person network ({len(bridges)}): {'; '.join(bridges)}."))
    out.append(("h2", "Communities"))
    out.append(("figure", "community-sizes", "Community sizes in the entity network, Louvain and Leiden"))
    rows = []
    for algorithm in ("louvain", "leiden"):
        for i, c in enumerate(ent.communities[algorithm][:8]):
            labels = sorted(ds.entities[n].label for n in c)
            rows.append([algorithm, str(i), str(len(c)), ", ".join(labels[:12]) + (" ..." if len(c) > 12 else "")])
    out.append(("table", ["algorithm", "community", "size", "members (first 12 by name)"], rows))
    out.append(("h2", "The colony over the years"))
    changes = a.yearly_change("entities")
    year_rows = []
    for y in sorted(a.yearly["entities"]):
        gm = a.yearly["entities"][y].graph
        delta = changes.get(y, {})
        year_rows.append([str(y), fmt(gm["nodes"]), fmt(delta.get("nodes")), fmt(gm["edges"]),
                          fmt(delta.get("edges")), fmt(gm["edges_certain"]), fmt(gm["edges_uncertain"]),
                          fmt(gm["edges_undated"]), fmt(gm["components"]), fmt(gm.get("louvain_modularity"))])
    undated = [f"{n}: {a.snapshots[n][YEARS[0]].undated} of {a.networks[n].number_of_edges()}" for n in a.networks]
    out.append(("p", "Edges with no date at all, in no yearly snapshot (most relations of the source are not "
                     f"dated): {'; '.join(undated)}. The uncertain edges of a year are those whose dates only "
                     "may overlap it."))
    out.append(("table", ["year", "entities", "change", "edges", "change", "certain", "uncertain",
                          "undated (all years)", "components", "modularity"], year_rows))
    out.append(("figure", "yearly-measures", "Size of the yearly snapshots"))
    out.append(("figure", "yearly-networks", "The yearly snapshots of the entity network"))
    out.append(("figure", "degree-distribution", "Degree distribution of the entity network"))
    out.append(("h2", "Files"))
    out.append(("p", "csv/: one file per network and measure (entity IRI, label, class, value, rank), all measures "
                     "per network, graph measures, yearly measures with the change from the year before, yearly "
                     "node measures, communities. networks/: GraphML, GEXF and an edge list per network. "
                     "entities-typed.graphml is the typed multigraph (one directed edge per relation, with "
                     "its predicate, role, folded node, dates and claims). figures/: each figure as PNG and "
                     "SVG with its data as CSV. analysis.nq: the analysis graph."))
    return out


def render_markdown(items: list[Block]) -> str:
    lines: list[str] = []
    for item in items:
        if item[0] == "h1":
            lines += [f"# {item[1]}", ""]
        elif item[0] == "h2":
            lines += [f"## {item[1]}", ""]
        elif item[0] == "p":
            lines += [item[1], ""]
        elif item[0] == "table":
            header, rows = item[1], item[2]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
            lines.append("")
        elif item[0] == "figure":
            name, caption = item[1], item[2]
            lines += [f"![{caption}](figures/{name}.png)", "",
                      f"*{caption}* ([SVG](figures/{name}.svg), [data](figures/{name}.csv))", ""]
    return "\n".join(lines)


def render_html(items: list[Block]) -> str:
    e = html.escape
    body: list[str] = []
    for item in items:
        if item[0] in ("h1", "h2"):
            body.append(f"<{item[0]}>{e(item[1])}</{item[0]}>")
        elif item[0] == "p":
            body.append(f"<p>{e(item[1])}</p>")
        elif item[0] == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in item[1])
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in item[2])
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif item[0] == "figure":
            name, caption = item[1], item[2]
            body.append(f'<figure><img src="figures/{name}.png" alt="{e(caption)}"><figcaption>{e(caption)} '
                        f'(<a href="figures/{name}.svg">SVG</a>, <a href="figures/{name}.csv">data</a>)'
                        "</figcaption></figure>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}"
             "table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;"
             "padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}"
             "img{max-width:100%}figcaption{font-size:.9em;color:#444}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Network analysis of the AIC Kuzbass graph</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_outputs(a, folder: Path, quads: list[ox.Quad]) -> list[Path]:  # type: ignore[no-untyped-def]
    """Everything `kuzbass analyze` writes, into folder (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    csv_dir, net_dir = folder / "csv", folder / "networks"
    for name, g in a.networks.items():
        m = a.measures[name]
        files += measure_csvs(csv_dir, name, g, m, a.ds)
        flat = flat_graph(g, m)
        files.append(write_graphml(net_dir / f"{name}.graphml", flat))
        files.append(write_gexf(net_dir / f"{name}.gexf", flat))
        files.append(write_edge_list(net_dir / f"{name}-edges.csv", g, a.ds))
    files.append(write_graphml(net_dir / "entities-typed.graphml", flat_multigraph(a.multigraph)))
    files.append(write_csv(csv_dir / "graph-measures.csv", ("network", "measure", "value"),
                           [(n, k, v) for n in a.networks for k, v in sorted(a.measures[n].graph.items())]))
    rows = []
    for n in a.networks:
        changes = a.yearly_change(n)
        for y, m in sorted(a.yearly[n].items()):
            rows += [(n, y, k, v, changes.get(y, {}).get(k)) for k, v in sorted(m.graph.items())]
    files.append(write_csv(csv_dir / "yearly-graph-measures.csv", ("network", "year", "measure", "value", "change"),
                           rows))
    node_rows = []
    for n in a.networks:
        previous: dict[str, dict] = {}
        for y, m in sorted(a.yearly[n].items()):
            for node, v in sorted(m.nodes.items()):
                before = previous.get(node, {}).get("degree")
                node_rows.append((n, y, node, a.ds.entities[node].label, a.ds.entities[node].kind, v["degree"],
                                  None if before is None else v["degree"] - before, v["betweenness"], v["pagerank"],
                                  v["louvain"]))
            previous = m.nodes
    files.append(write_csv(csv_dir / "yearly-node-measures.csv", ("network", "year", "entity", "label", "class",
                                                                  "degree", "degree_change", "betweenness",
                                                                  "pagerank", "louvain"), node_rows))
    files.append(write_csv(csv_dir / "communities.csv", ("network", "algorithm", "community", "size", "entity",
                                                         "label"),
                           [(n, alg, i, len(c), node, a.ds.entities[node].label) for n in a.networks
                            for alg, cs in sorted(a.measures[n].communities.items())
                            for i, c in enumerate(cs) for node in c]))
    files += figures(a, folder / "figures")
    items = blocks(a)
    (folder / "report.md").write_text(render_markdown(items), encoding="utf-8")
    (folder / "report.html").write_text(render_html(items), encoding="utf-8")
    ox.serialize(quads, output=str(folder / "analysis.nq"), format=ox.RdfFormat.N_QUADS)
    files += [folder / "report.md", folder / "report.html", folder / "analysis.nq"]
    return files
