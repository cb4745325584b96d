"""Network pages: generation time and time to first draw in headless Chromium.

    .venv/bin/python bench/site_draw.py [--dist dist] [--runs 3]

For the real graph (the build in --dist, analysed again here) and synthetic graphs of 1,000 and 5,000
entities (preferential attachment, two links each, kuzbass_graph.site.network.synthetic): the seconds to
compute the layout and write the pages (pyvis Networks, the pages by pyvis' generate_html), the whole
network page's size (its data inline), and, opened from file:// in Debian's Chromium (Playwright), the time
from navigation start to vis-network's first `afterDrawing` (median of --runs loads, a new page each).
Writes bench/results/site-draw.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kuzbass_graph.site.network import NetworkInput, NetworkSite, network_input, synthetic  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
TARGET_MS = 2000


def real_input(dist: Path) -> NetworkInput:
    from kuzbass_graph.analysis.dataset import load_build
    from kuzbass_graph.analysis.run import compute

    store = load_build(dist)
    return network_input(compute(store), store)


def draw_times(page_url: str, runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    first, own = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_url)
            page.wait_for_selector(".kz-network[data-drawn=true]", timeout=60000)
            first.append(page.evaluate("window.kzFirstDraw"))
            own.append(page.evaluate("window.kzDrawMs"))
            page.close()
        browser.close()
    return first, own


def measure(name: str, data: NetworkInput, runs: int, scratch: Path) -> dict[str, Any]:
    site = scratch / name
    started = time.perf_counter()
    steps = NetworkSite(data).write(site)
    seconds = time.perf_counter() - started
    first, own = draw_times((site / "network" / "index.html").as_uri(), runs)
    return {"name": name, "nodes": data.graph.number_of_nodes(), "edges": data.graph.number_of_edges(),
            "write": seconds, "steps": steps, "size": (site / "network" / "index.html").stat().st_size,
            "first": statistics.median(first), "own": statistics.median(own), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "site-draw.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        t = time.perf_counter()
        real = real_input(args.dist)
        prepare = time.perf_counter() - t
        rows.append(measure("real graph", real, args.runs, Path(scratch)))
        for n in (1000, 5000):
            rows.append(measure(f"synthetic {n:,}", synthetic(n), args.runs, Path(scratch)))
    lines = ["# Network pages: generation and first draw", "",
             f"`bench/site_draw.py`, {platform.node()}, Python {platform.python_version()}, Chromium headless "
             f"(Playwright, file://, 1280x900), median of {args.runs} loads. Write: layout, the whole network, "
             "the community pages and one ego network per linked entity, each a pyvis Network. First draw: from "
             "navigation start to vis-network's first `afterDrawing` (parsing vis-network and the page with its "
             "data included); vis: from "
             "`new vis.Network` to that draw. Target: first draw under 2 s at 5,000 nodes.", "",
             "| graph | nodes | edges | write (s) | layout / whole / communities / egos (s) | index.html (KB) | "
             "first draw (ms) | vis (ms) | target |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        split = " / ".join(f"{r['steps'][k]:.2f}" for k in ("layout", "whole", "communities", "egos"))
        ok = "ok" if r["first"] < TARGET_MS else "MISSED"
        lines.append(f"| {r['name']} | {r['nodes']:,} | {r['edges']:,} | {r['write']:.2f} | {split} | "
                     f"{r['size'] / 1024:.0f} | {r['first']:.0f} | {r['own']:.0f} | {ok} |")
    lines += ["", f"Reading the real build's analysis for the pages (not counted above): {prepare:.1f} s. "
              "The machine is shared (2 cores, four people): figures vary by a factor of two between runs.", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
