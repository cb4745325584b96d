"""The visitors' site: the static pages `kuzbass build` writes beside the entity pages in `site/`.

It owns the index, browse by class, the source reader, the timeline and the query catalogue (one module
per page kind, jinja2 templates and CSS as package data), the network pages (`network.py`), static search
(`search.py`) and SPARQL in the browser (`sparql.py`, which copies the server's vendored YASGUI as data).
It reads the compiled store and may import `namespaces`, `catalogue`, `sources` and `publishing`
(dates in words, page links); never `server` or `pipeline`, which call it.
"""
