"""Publishing: what the graph looks like to the outside. Owns the table of media types and the content
negotiation rules shared by `kuzbass serve` and the static tree. May import the package's core modules
(namespaces, config, errors); never the server."""
