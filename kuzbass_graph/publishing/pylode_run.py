"""pyLODE with reproducible output: `python -m kuzbass_graph.publishing.pylode_run ONTOLOGY.ttl -o OUT`.

pyLODE 3.3.4 collects the members of a union or intersection class in a `set` of HTML elements, which
hash by identity, so the members' order changes from run to run. Hashing the elements by their rendered
text (with PYTHONHASHSEED fixed by the caller) gives the same page for the same ontology every time.
"""

from __future__ import annotations

import runpy
import sys

from dominate.dom_tag import dom_tag


def main() -> None:
    dom_tag.__hash__ = lambda self: hash(self.render())  # type: ignore[method-assign, assignment]
    sys.argv = ["pylode", *sys.argv[1:]]
    runpy.run_module("pylode", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
