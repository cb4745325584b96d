"""Publishing: what the graph looks like to the outside. Owns the dumps and the atomic build folders
(`dumps`), the JSON-LD context and compaction (`jsonld`), the CSV tables (`csv_tables`), the dataset
descriptions (`describe_dataset`: VoID, DCAT, schema.org), the table of media types and the content
negotiation rules shared by `kuzbass serve` and the static tree. May import the package's core modules
(namespaces, config, errors, compile, loader); never the server."""
