"""A tiny hand-made Dataset for the analysis tests, its IRIs as named constants.

    persons ANN (American), BEN (Dutch, variant "Benn"), CAT; organization ORG; event MEETING (1923-05);
    message LETTER (undated); place TOWN.
    ANN holds the post "head" of ORG in 1922-1926 (MEMBERSHIP_ANN); BEN is "head" of ORG, undated
    (MEMBERSHIP_BEN); MEETING has participants ANN and BEN; LETTER has author ANN and recipient CAT;
    ANN collaborated with CAT; ANN resided in TOWN.
"""

from __future__ import annotations

import datetime as dt

from kuzbass_graph.analysis.dataset import Citation, Dataset, Entity, Fact, MembershipNode
from kuzbass_graph.analysis.intervals import UNDATED, Interval
from kuzbass_graph.namespaces import CLAIM, ID, KZ

ANN, BEN, CAT = ID + "person/ann", ID + "person/ben", ID + "person/cat"
ORG, MEETING, LETTER, TOWN = ID + "organization/org", ID + "event/meeting", ID + "work/letter", ID + "place/town"
MEMBERSHIP_ANN, MEMBERSHIP_BEN = ID + "membership/ann-head", ID + "membership/ben-head"
C_MEET, C_ANN_HEAD, C_BEN_HEAD, C_LETTER, C_COLLAB, C_TOWN = (CLAIM + n for n in (
    "L001-meeting", "L002-ann-head", "L003-ben-head", "L004-letter", "L005-collab", "L006-town"))

ANN_YEARS = Interval(dt.date(1922, 1, 1), dt.date(1922, 12, 31), dt.date(1926, 1, 1), dt.date(1926, 12, 31))
MAY_1923 = Interval.point(dt.date(1923, 5, 1), dt.date(1923, 5, 31))


def person(iri: str, label: str, *, nationality: tuple[str, ...] = (), variants: tuple[str, ...] = ()) -> Entity:
    return Entity(iri, label, "Person", frozenset({KZ + "Person", KZ + "Agent", KZ + "Entity"}), variants,
                  nationality)


def fact(s: str, p: str, o: str, claim: str) -> Fact:
    return Fact(s, KZ + p, o, (ID + "statement/" + claim.rsplit("/", 1)[1],), (claim,))


def tiny() -> Dataset:
    ds = Dataset(version="test")
    for e in (person(ANN, "Ann Archer", nationality=("United States",)),
              person(BEN, "Ben Baars", nationality=("Netherlands",), variants=("Benn Baars",)),
              person(CAT, "Cat Calvert", nationality=("United States",)),
              Entity(ORG, "The Org", "Organization", frozenset({KZ + "Organization", KZ + "Agent", KZ + "Entity"})),
              Entity(MEETING, "the meeting", "Event", frozenset({KZ + "Event", KZ + "Entity"}), interval=MAY_1923),
              Entity(LETTER, "the letter", "Letter", frozenset({KZ + "Letter", KZ + "Message", KZ + "Work",
                                                                 KZ + "Entity"})),
              Entity(TOWN, "Town", "Settlement", frozenset({KZ + "Settlement", KZ + "Place", KZ + "Entity"}))):
        ds.entities[e.iri] = e
    ds.facts = [fact(MEETING, "participant", ANN, C_MEET), fact(MEETING, "participant", BEN, C_MEET),
                fact(LETTER, "author", ANN, C_LETTER), fact(LETTER, "recipient", CAT, C_LETTER),
                fact(ANN, "collaboratedWith", CAT, C_COLLAB), fact(ANN, "residedIn", TOWN, C_TOWN)]
    ds.memberships = {
        MEMBERSHIP_ANN: MembershipNode(MEMBERSHIP_ANN, "Ann, head of The Org", ANN, ORG, "head", ANN_YEARS,
                                       (fact(ANN, "holds", MEMBERSHIP_ANN, C_ANN_HEAD),
                                        fact(MEMBERSHIP_ANN, "organization", ORG, C_ANN_HEAD))),
        MEMBERSHIP_BEN: MembershipNode(MEMBERSHIP_BEN, "Ben, head of The Org", BEN, ORG, "head", UNDATED,
                                       (fact(BEN, "holds", MEMBERSHIP_BEN, C_BEN_HEAD),
                                        fact(MEMBERSHIP_BEN, "organization", ORG, C_BEN_HEAD)))}
    quotes = {C_MEET: ("Ann and Ben met in May 1923.", 1), C_ANN_HEAD: ("Ann headed the Org from 1922 to 1926.", 2),
              C_BEN_HEAD: ("Ben also headed the Org.", 3), C_LETTER: ("Ann wrote to Cat.", 4),
              C_COLLAB: ("Ann worked with Cat.", 5), C_TOWN: ("Ann lived in Town.", 6)}
    ds.claims = {c: Citation(c, q, line) for c, (q, line) in quotes.items()}
    ds.relation_labels = {KZ + "participant": "participant", KZ + "author": "author",
                          KZ + "recipient": "recipient", KZ + "collaboratedWith": "collaborated with",
                          KZ + "residedIn": "resided in"}
    return ds
