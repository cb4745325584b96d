"""Generation time of the whole static site for the real graph, from the build's own step timings.

    python bench/site_build.py [--runs 3]

Builds the real project (no reasoner) `--runs` times into a temporary folder and reads `build-report.json`:
the site is the entity and ontology documents, the pages (index, browse, reader, timeline, catalogue, search,
in-browser SPARQL), the network pages and the map. Target: the whole site for the real graph in under 10 s.
Writes bench/results/site-build.md (the network pages' first draw is in site-draw.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SITE_STEPS = ("documents", "site", "network pages", "map")
TARGET = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    binary = shutil.which("kuzbass") or str(Path(sys.executable).parent / "kuzbass")
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.runs):
            out = Path(scratch) / "dist"
            subprocess.run([binary, "build", "--no-reason", "--out", str(out)], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            runs.append(json.loads((out / "build-report.json").read_text())["seconds"])
    median = {step: statistics.median(r.get(step, 0.0) for r in runs) for step in (*SITE_STEPS, "total")}
    site = sum(median[s] for s in SITE_STEPS)
    lines = ["# The static site: generation time for the real graph", "",
             f"`python bench/site_build.py` on {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}: the build without the reasoner, {args.runs} runs, medians of the "
             "build's own step timings (`build-report.json`).", "",
             "| step | seconds |", "|---|---|"]
    lines += [f"| {step} | {median[step]:.2f} |" for step in SITE_STEPS]
    lines += [f"| **whole site** | **{site:.2f}** |", f"| whole build, for reference | {median['total']:.2f} |", "",
              f"Target: the whole site in under {TARGET:g} s: {'met' if site < TARGET else '**not met**'}.", ""]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "site-build.md").write_text("\n".join(lines), encoding="utf-8")
    payload = {"runs": runs, "median": median, "site": site}
    (RESULTS / "site-build.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"whole site {site:.2f} s (target {TARGET:g} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
