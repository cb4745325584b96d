"""The SPARQL 1.1 Service Description of /sparql (https://www.w3.org/TR/sparql11-service-description/)."""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ..publishing import media as m

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
                  "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG")
RDF_FORMAT = {m.TURTLE: ox.RdfFormat.TURTLE, m.N_TRIPLES: ox.RdfFormat.N_TRIPLES, m.JSON_LD: ox.RdfFormat.JSON_LD,
              m.RDF_XML: ox.RdfFormat.RDF_XML}


def service_description(request: Request, media_type: str) -> Response:
    build = request.app.state.switch.current.build
    endpoint = ox.NamedNode(str(request.url.replace(query="", fragment="")).rstrip("?"))
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    t = ox.Triple
    n = ox.NamedNode
    triples = [
        t(service, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(SD + "Service")),
        t(service, n(SD + "endpoint"), endpoint),
        t(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        t(service, n(SD + "feature"), n(SD + "UnionDefaultGraph")),
        t(service, n(SD + "feature"), n(SD + "BasicFederatedQuery")) if request.app.state.options.allow_service
        else None,
        t(service, n(SD + "defaultDataset"), dataset),
        t(dataset, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(SD + "Dataset")),
        t(dataset, n(SD + "defaultGraph"), default),
        t(default, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(SD + "Graph")),
        t(dataset, n("http://rdfs.org/ns/void#inDataset"), n(build.base_iri + "id/dataset/kuzbass")),
    ]
    triples += [t(service, n(SD + "resultFormat"), n(FORMATS + name)) for name in RESULT_FORMATS]
    body = ox.serialize([x for x in triples if x is not None], format=RDF_FORMAT[media_type],
                        prefixes={"sd": SD} if media_type in (m.TURTLE, m.RDF_XML) else None) or b""
    return Response(body, media_type=m.with_charset(media_type), headers={"Vary": "Accept"})
