"""IRIs of the ontology, the instance space and the vocabularies the project uses."""

from __future__ import annotations

DEFAULT_BASE = "https://w3id.org/kuzbass/"

KZ = DEFAULT_BASE + "ontology#"
ONTOLOGY_IRI = DEFAULT_BASE + "ontology"
ID = DEFAULT_BASE + "id/"
CLAIM = ID + "claim/"
LINK = ID + "link/"
RECONCILIATION = ID + "reconciliation/"
SOURCE = ID + "source/"
STATEMENT = ID + "statement/"
NODE = ID + "node/"
GRAPH = DEFAULT_BASE + "graph/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
TIME = "http://www.w3.org/2006/time#"
SH = "http://www.w3.org/ns/shacl#"

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"

PREFIXES: dict[str, str] = {
    "kz": KZ,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "oa": OA,
    "time": TIME,
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "person": ID + "person/",
    "group": ID + "group/",
    "organization": ID + "organization/",
    "document": ID + "document/",
    "work": ID + "work/",
    "facility": ID + "facility/",
    "place": ID + "place/",
    "event": ID + "event/",
    "thing": ID + "thing/",
    "plan": ID + "plan/",
    "policy": ID + "policy/",
    "concept": ID + "concept/",
    "quotation": ID + "quotation/",
    "membership": ID + "membership/",
    "quantity": ID + "quantity/",
    "role": ID + "role/",
    "claim": CLAIM,
    "link": LINK,
    "reconciliation": RECONCILIATION,
    "wd": "http://www.wikidata.org/entity/",
    "statement": STATEMENT,
    "node": NODE,
}

# Predicates that may stand in the default graph of a curated file: they describe an entity or a
# claim and inherit the entity's citations. Every other statement must sit in a claim graph.
UNCITED_PREDICATES = frozenset({
    RDF_TYPE, RDFS_LABEL, RDFS + "comment", DCTERMS + "description",
    SKOS + "editorialNote", SKOS + "scopeNote", SKOS + "note",
    KZ + "quote", KZ + "passage", KZ + "conflictsWith",
    # the provenance of links and reconciliation runs (data/links/)
    PROV + "wasGeneratedBy", PROV + "startedAtTime", KZ + "service", KZ + "toolVersion", KZ + "score",
    KZ + "reasons", KZ + "acceptedBy", KZ + "matchedName", KZ + "dataVersion",
})
