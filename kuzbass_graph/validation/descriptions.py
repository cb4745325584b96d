"""Descriptions: every entity description says only what the passages its claims cite say.

A description (dcterms:description) sits outside the claim discipline, so it must be supported by the
claims about its entity: each content word of it must occur in the passages those claims cite, in the
names of the entities they link it to, or in the names of its classes. A word found nowhere there (a
"capital", a "leader", a country the source never names for it) is general knowledge and fails. The
check compares words, not meaning: a reviewer still reads each description against its quotes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

import pyoxigraph as ox

from ..errors import Problem
from ..loader import DESCRIPTIONS_GRAPH, ONTOLOGY_GRAPH, Workspace
from ..locate import locate_statement
from ..namespaces import DCTERMS, ID, KZ, RDF_TYPE, RDFS_LABEL, SKOS
from ..ontology import OntologyIndex
from ..sources import parse_passage_iri

DESCRIPTION = DCTERMS + "description"
PASSAGE = ox.NamedNode(KZ + "passage")
QUOTE = ox.NamedNode(KZ + "quote")
NAMES = (RDFS_LABEL, SKOS + "altLabel", KZ + "nickname")

# Words that carry no claim of their own: grammar, and the words a description uses to point at the
# source and its own statements.
FUNCTION_WORDS = frozenset("""
a an the of and or nor but in on at to for by with from as is was were be been being are its it his her
their our that which who whom whose this these those into onto over under after before during about than
then also not no one both each every all any some many most more other others another same own such
there here where when while has had have having he she they them him us we i what why how did does do
would could should can may might will shall upon within without through between among against toward
towards until since via per only just even still yet so very too once
colony colony's source source's says words caption captioned picture shown unnamed post part called named
name text line
""".split())

IRREGULAR = {
    "gave": "give", "given": "give", "made": "make", "came": "come", "sent": "send", "left": "leave",
    "held": "hold", "ran": "run", "led": "lead", "took": "take", "taken": "take", "bought": "buy",
    "went": "go", "gone": "go", "taught": "teach", "stood": "stand", "wrote": "write", "written": "write",
    "kept": "keep", "paid": "pay", "built": "build", "found": "find", "brought": "bring", "began": "begin",
    "begun": "begin", "spoke": "speak", "spoken": "speak", "met": "meet", "lost": "lose", "fell": "fall",
    "fallen": "fall", "grew": "grow", "grown": "grow", "became": "become", "saw": "see", "seen": "see",
    "knew": "know", "known": "know", "won": "win", "sold": "sell", "told": "tell", "thought": "think",
    "felt": "feel", "children": "child", "men": "man", "women": "woman", "people": "person", "shown": "show",
}
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light English stem: possessive, plural and verb endings off, irregular forms mapped."""
    word = word.casefold().replace("'s", "")
    if word in IRREGULAR:
        return IRREGULAR[word]
    for suffix in ("ies", "ied", "ing", "es", "ed", "s", "ly", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    if len(word) > 3 and word[-1] == word[-2]:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("\u2019", "'").replace("-", " "))


def unsupported_words(description: str, evidence: str) -> list[str]:
    """The content words of description whose stem does not occur in evidence, in order, once each."""
    have = {stem(w) for w in words(evidence)}
    missing: list[str] = []
    for word in words(description):
        if word in FUNCTION_WORDS or word.isdigit() or stem(word) in have or word in missing:
            continue
        missing.append(word)
    return missing


class _Evidence:
    """What the claims of the workspace say about each entity: passages and the names they link to."""

    def __init__(self, ws: Workspace, onto: OntologyIndex) -> None:
        store = ws.store
        self.passages: dict[str, str] = {}
        for q in store.quads_for_pattern(None, PASSAGE, None, DESCRIPTIONS_GRAPH):
            located = parse_passage_iri(q.object.value)
            if located and located[0] in ws.sources and located[1] in ws.sources[located[0]].passages:
                self.passages[q.subject.value] = ws.sources[located[0]].passages[located[1]].text
        for q in store.quads_for_pattern(None, QUOTE, None, DESCRIPTIONS_GRAPH):
            self.passages[q.subject.value] = self.passages.get(q.subject.value, "") + " " + q.object.value
        self.names: dict[str, list[str]] = defaultdict(list)
        for predicate in NAMES:
            for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
                self.names[q.subject.value].append(q.object.value)
        self.claims_of: dict[str, set[str]] = defaultdict(set)
        self.entities_in: dict[str, set[str]] = defaultdict(set)
        for graph in ws.claim_graphs():
            for q in store.quads_for_pattern(None, None, None, graph):
                for term in (q.subject, q.object):
                    if isinstance(term, ox.NamedNode) and term.value.startswith(ID):
                        self.claims_of[term.value].add(graph.value)
                        self.entities_in[graph.value].add(term.value)
        self.class_names: dict[str, list[str]] = defaultdict(list)
        for q in store.quads_for_pattern(None, ox.NamedNode(RDFS_LABEL), None, ONTOLOGY_GRAPH):
            self.class_names[q.subject.value].append(q.object.value)
        self.types: dict[str, set[str]] = defaultdict(set)
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None):
            self.types[q.subject.value].add(q.object.value)
        self.onto = onto

    def text_for(self, entity: str) -> str:
        parts = list(self.names[entity])
        for claim in self.claims_of.get(entity, ()):
            parts.append(self.passages.get(claim, ""))
            for other in self.entities_in[claim]:
                parts.extend(self.names[other])
        for cls in self.types[entity]:
            for above in self.onto.ancestors(cls):
                parts.extend(self.class_names[above])
        return " ".join(parts)


def check_descriptions(ws: Workspace, onto: OntologyIndex) -> list[Problem]:
    evidence = _Evidence(ws, onto)
    curated = {g.value for g in ws.claim_graphs()} | {DESCRIPTIONS_GRAPH.value}
    problems: list[Problem] = []
    for quad in ws.store.quads_for_pattern(None, ox.NamedNode(DESCRIPTION), None, None):
        if quad.graph_name.value not in curated or not isinstance(quad.object, ox.Literal):
            continue
        entity = quad.subject.value
        graph = None if quad.graph_name == DESCRIPTIONS_GRAPH else quad.graph_name.value
        if not evidence.claims_of.get(entity):
            message = f"<{entity}> has a description but no claim cites anything about it"
        else:
            missing = unsupported_words(quad.object.value, evidence.text_for(entity))
            if not missing:
                continue
            message = (f"the description of <{entity}> says what no passage cited about it says: "
                       + ", ".join(repr(w) for w in missing))
        where = locate_statement(ws, graph, entity, DESCRIPTION)
        problems.append(Problem(
            "descriptions", message, path=where[0] if where else None, line=where[1] if where else None,
            focus=entity, hint="say it with the words of the passages its claims cite, cite the passage that says "
                               "it in a claim about the entity, or remove the description"))
    return problems
