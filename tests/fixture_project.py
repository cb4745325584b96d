"""A tiny project for unit tests: the real ontology, a four-line source and one curated file.

Its IRIs are named constants so that tests say what they check.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kuzbass_graph.namespaces import ID

ROOT = Path(__file__).resolve().parents[1]

ALICE = ID + "person/alice-smith"
BOB = ID + "person/bob-jones"
WIDGET_WORKS = ID + "organization/widget-works"
TOWN = ID + "place/testtown"
FOUNDING_CLAIM = ID + "claim/L003-widget-works-founded"
HEAD_CLAIM = ID + "claim/L003-alice-head"
STAFF_CLAIM = ID + "claim/L005-staff"
SPELLING_CLAIM = ID + "claim/L005-smyth-spelling"
ALICE_HEAD = ID + "membership/alice-head-of-widget-works"
PASSAGE_3 = ID + "source/mini/L003"

SOURCE_TEXT = """Widget Works

Widget Works was founded in Testtown in about 1923 by Alice Smith, who headed it until 1925.

Alice Smyth and Bob Jones led more than 40 workers there.
"""

STRUCTURE = "line\tkind\n1\theading\n"

CURATED = """@prefix kz: <https://w3id.org/kuzbass/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix person: <https://w3id.org/kuzbass/id/person/> .
@prefix organization: <https://w3id.org/kuzbass/id/organization/> .
@prefix place: <https://w3id.org/kuzbass/id/place/> .
@prefix membership: <https://w3id.org/kuzbass/id/membership/> .
@prefix role: <https://w3id.org/kuzbass/id/role/> .
@prefix claim: <https://w3id.org/kuzbass/id/claim/> .
@prefix src: <https://w3id.org/kuzbass/id/source/mini/> .

person:alice-smith a kz:Person ; rdfs:label "Alice Smith"@en ;
    dcterms:description "Founded and headed Widget Works."@en .
person:bob-jones a kz:Person ; rdfs:label "Bob Jones"@en .
organization:widget-works a kz:Company ; rdfs:label "Widget Works"@en .
place:testtown a kz:Settlement ; rdfs:label "Testtown"@en .
role:head a kz:Role ; rdfs:label "head"@en .
membership:alice-head-of-widget-works a kz:Membership ; rdfs:label "Alice Smith, head of Widget Works"@en .

claim:L003-widget-works-founded {
    organization:widget-works kz:foundedBy person:alice-smith ;
        kz:locatedIn place:testtown ;
        kz:foundingDate "1923~" .
}
claim:L003-widget-works-founded kz:passage src:L003 ;
    kz:quote "Widget Works was founded in Testtown in about 1923 by Alice Smith" .

claim:L003-alice-head {
    membership:alice-head-of-widget-works kz:member person:alice-smith ;
        kz:organization organization:widget-works ; kz:role role:head ; kz:endDate "1925" .
}
claim:L003-alice-head kz:passage src:L003 ; kz:quote "who headed it until 1925" .

claim:L005-staff {
    organization:widget-works kz:hasQuantity [ a kz:Quantity ; kz:measure "workers" ; kz:value 40 ;
        kz:unit kz:unit-person ; kz:hedge kz:hedge-more-than ] .
    person:bob-jones kz:led organization:widget-works .
}
claim:L005-staff kz:passage src:L005 ;
    kz:quote "Alice Smyth and Bob Jones led more than 40 workers there." .

claim:L005-smyth-spelling { person:alice-smith skos:altLabel "Alice Smyth"@en . }
claim:L005-smyth-spelling kz:passage src:L005 ; kz:quote "Alice Smyth" .
"""


def make_project(folder: Path, *, curated: str = CURATED) -> Path:
    """Write the tiny project into folder and return it."""
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    sources = folder / "data" / "sources"
    sources.mkdir(parents=True)
    (sources / "mini.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    (sources / "mini.structure.tsv").write_text(STRUCTURE, encoding="utf-8")
    triples = folder / "data" / "triples"
    triples.mkdir()
    (triples / "mini.trig").write_text(curated, encoding="utf-8")
    return folder
