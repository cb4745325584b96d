"""The network analysis on synthetic data shaped like ours, 1x, 10x and 100x: time and peak memory.

    python bench/analysis_scale.py [--dataset dist] [--scales 1 10 100] [--sample-k 200]

The generator copies the real dataset (entities, facts, memberships with their dates and citations) once
per scale unit, suffixing every IRI with the copy number, and rewires 5% of the facts (seeded) to the
same-kind entity of another copy, so the copies form one network, not 100 islands. Each scale runs in its
own process (peak RSS is per process). Above 5,000 vertices betweenness and closeness are sampled from
--sample-k sources with a fixed seed (the report says so); everything else is exact. The report, figures
and files are not part of the timing (they are drawn for the real graph only).
Writes bench/results/analysis-scale.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kuzbass_graph.analysis.dataset import Dataset, load_build, read_dataset  # noqa: E402
from kuzbass_graph.analysis.measures import measure_graph  # noqa: E402
from kuzbass_graph.analysis.projections import (  # noqa: E402
    YEARS,
    collapse,
    entity_multigraph,
    person_organization,
    person_person,
    snapshot,
)

SAMPLE_ABOVE = 5000
REWIRE = 0.05


def synthesize(ds: Dataset, copies: int, *, seed: int = 7) -> Dataset:
    """`copies` copies of ds, IRIs suffixed -c<copy>, 5% of the facts pointing into another copy."""
    if copies == 1:
        return ds
    rng = random.Random(seed)
    out = Dataset(claims=ds.claims, relation_labels=ds.relation_labels, inverses=ds.inverses,
                  version=f"{ds.version}x{copies}")

    def iri(base: str, c: int) -> str:
        return f"{base}-c{c}"

    for c in range(copies):
        for e in ds.entities.values():
            out.entities[iri(e.iri, c)] = replace(e, iri=iri(e.iri, c))
        for f in ds.facts:
            target = c if rng.random() >= REWIRE else rng.randrange(copies)
            out.facts.append(replace(f, subject=iri(f.subject, c), object=iri(f.object, target)))
        for m in ds.memberships.values():
            moved = replace(m, iri=iri(m.iri, c), member=iri(m.member, c) if m.member else None,
                            organization=iri(m.organization, c) if m.organization else None,
                            facts=tuple(replace(f, subject=iri(f.subject, c), object=iri(f.object, c))
                                        for f in m.facts))
            out.memberships[moved.iri] = moved
    return out


def run_one(dataset: Path, copies: int, sample_k: int) -> dict[str, object]:
    timings: dict[str, float] = {}

    def step(name: str, t: float) -> None:
        timings[name] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    ds = synthesize(read_dataset(load_build(dataset)), copies)
    step("read and synthesize", t)
    t = time.perf_counter()
    mg = entity_multigraph(ds)
    networks = {"entities": collapse(mg), "person-organization": person_organization(mg, ds),
                "person-person": person_person(mg, ds)}
    step("project", t)
    sizes = {name: [g.number_of_nodes(), g.number_of_edges()] for name, g in networks.items()}
    sampled: dict[str, bool] = {}
    breakdown: dict[str, float] = {}
    for name, g in networks.items():
        k = sample_k if len(g) > SAMPLE_ABOVE else None
        sampled[name] = k is not None
        t = time.perf_counter()
        measure_graph(g, betweenness_k=k, closeness_k=k, timings=breakdown if name == "entities" else None)
        step(f"measures: {name}", t)
    t = time.perf_counter()
    g = networks["entities"]
    for year in YEARS:
        s = snapshot(g, year).graph
        k = sample_k if len(s) > SAMPLE_ABOVE else None
        measure_graph(s, betweenness_k=k, closeness_k=k)
    step("yearly snapshots and measures (entities)", t)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"copies": copies, "sizes": sizes, "sampled": sampled, "seconds": timings,
            "entity_measures_seconds": {k: round(v, 2) for k, v in sorted(breakdown.items())},
            "total_seconds": round(sum(timings.values()), 2), "peak_rss_mb": round(peak_mb)}


def markdown(results: list[dict], sample_k: int) -> str:
    lines = ["# Network analysis at scale", "",
             "`python bench/analysis_scale.py`: the analysis code of `kuzbass_graph/analysis` on copies of the real "
             "dataset (5% of the facts rewired between copies, seeded), each scale in its own process. "
             f"Betweenness and closeness are sampled from {sample_k} sources (fixed seed) on networks above "
             f"{SAMPLE_ABOVE:,} vertices, exact below; every other measure is exact (Louvain and PageRank by "
             "NetworkX, Leiden by leidenalg on igraph, exact betweenness and closeness by igraph). Report, figures "
             "and exports are not timed.", "",
             f"Machine: {platform.machine()}, Python {platform.python_version()}, 2 cores shared with other jobs, "
             "so times are indicative (the same 100x measures run alone took: betweenness 5 s, Louvain 14 s). "
             "The 1x times include the first import of igraph and scipy (about 0.7 s).", "",
             "| scale | entity network (vertices, edges) | person-person | sampled | read + synthesize s | "
             "project s | measures, entities s | measures, person-org s | measures, person-person s | "
             "yearly s | total s | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        s, sec = r["sizes"], r["seconds"]
        sampled = ", ".join(n for n, v in r["sampled"].items() if v) or "none"
        lines.append(f"| {r['copies']}x | {s['entities'][0]:,}, {s['entities'][1]:,} | "
                     f"{s['person-person'][0]:,}, {s['person-person'][1]:,} | {sampled} | "
                     f"{sec['read and synthesize']} | {sec['project']} | {sec['measures: entities']} | "
                     f"{sec['measures: person-organization']} | {sec['measures: person-person']} | "
                     f"{sec['yearly snapshots and measures (entities)']} | {r['total_seconds']} | "
                     f"{r['peak_rss_mb']:,} |")
    measures = sorted(results[-1]["entity_measures_seconds"])
    lines += ["", "Seconds per measure on the entity network:", "",
              "| scale | " + " | ".join(measures) + " |", "|---|" + "---|" * len(measures)]
    for r in results:
        lines.append(f"| {r['copies']}x | " + " | ".join(str(r["entity_measures_seconds"].get(m, "")) for m in measures)
                     + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "dist")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--sample-k", type=int, default=200)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--report-only", action="store_true", help="Rewrite the .md from the .json.")
    args = parser.parse_args()
    if args.report_only:
        results = json.loads((ROOT / "bench" / "results" / "analysis-scale.json").read_text(encoding="utf-8"))
        (ROOT / "bench" / "results" / "analysis-scale.md").write_text(markdown(results, args.sample_k),
                                                                       encoding="utf-8")
        return
    if args.one:
        print(json.dumps(run_one(args.dataset, args.one, args.sample_k)))
        return
    results = []
    for copies in args.scales:
        done = subprocess.run([sys.executable, __file__, "--dataset", str(args.dataset), "--one", str(copies),
                               "--sample-k", str(args.sample_k)], capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(result), flush=True)
        results.append(result)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "analysis-scale.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out / "analysis-scale.md").write_text(markdown(results, args.sample_k), encoding="utf-8")


if __name__ == "__main__":
    main()
