"""Network analysis of the built dataset.

Owns: reading the built dataset into plain records (`dataset`), time intervals and the yearly overlap
rule (`intervals`), projections to NetworkX graphs whose edges carry their statements, claims, quotes,
relations, interval and weight (`projections`), network measures and communities (`measures`),
explained shortest paths (`paths`), the analysis graph as RDF (`rdf`), the report and the network
exports (`report`, `exports`), and the job that runs it all (`run`).

May import: the standard library, networkx, igraph, leidenalg, matplotlib, pyoxigraph, and from this
package only `namespaces`, `dates`, `errors`, `config`, `__version__` and (to move IRIs to the base of
a build) `publishing.dumps.rebase`. Projections and measures are pure functions over graphs; only
`dataset` reads a store and only `run`, `report` and `exports` write files.
"""
