"""The build's per-file stage and how it runs: file units, their cache, and the executors.

- `units`: one curated file compiled on its own (blank nodes named, super-properties, inverses, types,
  mentions, the file's provenance), a pure function of the file's bytes and the ontology;
- `cache`: file units kept between builds, keyed by the file's content, the ontology and the code;
- `executor`: where units run: in this process, a local process pool (the default), or a Dask cluster.

`compile.py` runs the units through an executor (reusing cached ones), merges them into one store and runs
the whole-graph steps (dates, rules, labels of helper nodes, sources). This package imports the ontology
index, dates and namespaces, never the pipeline, the validation or the publishing modules.
"""
