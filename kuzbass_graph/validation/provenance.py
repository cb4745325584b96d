"""Claims and quotes: every statement sits in a claim citing one passage with a verbatim quote."""

from __future__ import annotations

import re
from collections import Counter

import pyoxigraph as ox

from ..errors import Problem
from ..loader import DESCRIPTIONS_GRAPH, Workspace
from ..locate import locate_iri, locate_metadata
from ..namespaces import CLAIM, KZ, LINK, PROV, RDF_TYPE, UNCITED_PREDICATES, XSD
from ..sources import PassageKind, parse_passage_iri
from .coordinates import COORDINATES

QUOTE = ox.NamedNode(KZ + "quote")
PASSAGE = ox.NamedNode(KZ + "passage")
_CLAIM_NAME = re.compile(re.escape(CLAIM) + r"L(\d{3,})-[a-z0-9]+(?:-[a-z0-9]+)*$")


def _values(ws: Workspace, subject: ox.NamedNode, predicate: ox.NamedNode) -> list[ox.NamedNode | ox.Literal]:
    return [q.object for q in ws.store.quads_for_pattern(subject, predicate, None, DESCRIPTIONS_GRAPH)]  # type: ignore[misc]


def _problem(ws: Workspace, check: str, message: str, iri: str, hint: str) -> Problem:
    where = locate_iri(ws, iri)
    return Problem(check, message, path=where[0] if where else None, line=where[1] if where else None,
                   focus=iri, hint=hint)


def check_claims(ws: Workspace) -> list[Problem]:
    problems: list[Problem] = []
    graphs = {g.value for g in ws.claim_graphs()}
    described_claims = {q.subject.value for q in ws.store.quads_for_pattern(None, QUOTE, None, DESCRIPTIONS_GRAPH)}
    described_claims |= {q.subject.value for q in ws.store.quads_for_pattern(None, PASSAGE, None, DESCRIPTIONS_GRAPH)}
    for graph in ws.curated_graphs():
        if not graph.value.startswith((CLAIM, LINK)):
            problems.append(_problem(ws, "claims", f"graph <{graph.value}> is neither a claim nor a link", graph.value,
                                     "name a claim graph claim:L<line>-<slug>; links (link:...) come from "
                                     "`kuzbass reconcile accept`"))

    owners = Counter(claim for record in ws.files for claim in record.claims)
    for claim, count in owners.items():
        if count > 1:
            files = ", ".join(str(r.path.name) for r in ws.files if claim in r.claims)
            problems.append(_problem(ws, "claims", f"claim graph <{claim}> is written in {count} files ({files})",
                                     claim, "give each claim a name of its own, in one file"))

    for claim in sorted(graphs):
        node = ox.NamedNode(claim)
        match = _CLAIM_NAME.match(claim)
        quotes = _values(ws, node, QUOTE)
        passages = _values(ws, node, PASSAGE)
        if not match:
            problems.append(_problem(ws, "claims", f"claim name <{claim}> is not claim:L<line>-<slug>", claim,
                                     "name claims claim:L042-what-it-says, after the line of their passage"))
        if len(quotes) != 1 or len(passages) != 1:
            problems.append(_problem(
                ws, "claims", f"claim <{claim}> has {len(quotes)} kz:quote and {len(passages)} kz:passage",
                claim, "give the claim exactly one kz:quote \"...\" and one kz:passage src:L<line>"))
            continue
        quote, passage = quotes[0], passages[0]
        if not isinstance(quote, ox.Literal) or quote.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            problems.append(_problem(ws, "quotes", f"the quote of <{claim}> is not a plain string", claim,
                                     "write the quote as a plain \"...\" literal, without a language tag"))
            continue
        located = parse_passage_iri(passage.value)
        if located is None or located[0] not in ws.sources:
            problems.append(_problem(ws, "quotes", f"<{passage.value}> is not a passage of a known source",
                                     claim, "cite a passage as src:L<line> of a file in data/sources/"))
            continue
        name, line = located
        source = ws.sources[name]
        if match and int(match.group(1)) != line:
            problems.append(_problem(ws, "claims", f"claim <{claim}> is named for line {int(match.group(1))} "
                                     f"but cites line {line}", claim, "rename the claim after its passage's line"))
        if line not in source.passages:
            problems.append(_problem(ws, "quotes", f"line {line} of {name} is blank or past the end", claim,
                                     "cite a non-empty line of the source"))
            continue
        if not source.quote_in_passage(quote.value, line):
            elsewhere = source.lines_containing(quote.value)
            hint = (f"the quote stands at line(s) {', '.join(map(str, elsewhere))}: cite that passage"
                    if elsewhere else "copy the words exactly from the passage (only runs of spaces may differ)")
            where = locate_metadata(ws, claim, QUOTE.value) or locate_iri(ws, claim)
            problems.append(Problem("quotes", f"the quote of <{claim}> is not in line {line}: {quote.value[:80]!r}",
                                    path=where[0] if where else None, line=where[1] if where else None,
                                    focus=claim, hint=hint))
        elif source.passages[line].kind is not PassageKind.CONTENT:
            pass  # headings and captions may be cited; they are only left out of the coverage count

    for claim in sorted(described_claims - graphs):
        problems.append(_problem(ws, "claims", f"<{claim}> has a quote or passage but no statements", claim,
                                 "add the claim's graph { ... } or remove its quote"))

    for quad in ws.store.quads_for_pattern(None, None, None, DESCRIPTIONS_GRAPH):
        if quad.predicate.value in UNCITED_PREDICATES:
            continue
        subject = quad.subject.value
        problems.append(_problem(
            ws, "claims", f"<{subject}> <{quad.predicate.value}> carries information but cites no claim",
            subject, "move the statement into a claim graph with the quote that supports it"))
    return problems


GENERATED_BY = ox.NamedNode(PROV + "wasGeneratedBy")
LINK_PREDICATES = frozenset({"http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.w3.org/2002/07/owl#sameAs"})


def check_links(ws: Workspace) -> list[Problem]:
    """Each link graph holds only exactMatch/sameAs links and names the reconciliation run that made it."""
    problems: list[Problem] = []
    for graph in ws.link_graphs():
        runs = _values(ws, graph, GENERATED_BY)
        scores = _values(ws, graph, ox.NamedNode(KZ + "score"))
        if len(runs) != 1 or len(scores) != 1:
            problems.append(_problem(ws, "links", f"link <{graph.value}> needs one prov:wasGeneratedBy and one "
                                     f"kz:score", graph.value, "accept links with `kuzbass reconcile accept`"))
            continue
        score = scores[0]
        if not isinstance(score, ox.Literal) or score.datatype.value not in (XSD + "decimal", XSD + "double") \
                or not 0 <= float(score.value) <= 1:
            problems.append(_problem(ws, "links", f"the score of <{graph.value}> must be a number from 0 to 1",
                                     graph.value, "write kz:score 0.85"))
        run = runs[0]
        if not isinstance(run, ox.NamedNode):
            problems.append(_problem(ws, "links", f"the run of <{graph.value}> must be an IRI", graph.value,
                                     "keep the run description that `kuzbass reconcile accept` wrote"))
            continue
        run_types = {q.object.value for q in
                     ws.store.quads_for_pattern(run, ox.NamedNode(RDF_TYPE), None, DESCRIPTIONS_GRAPH)}
        service = _values(ws, run, ox.NamedNode(KZ + "service"))
        started = _values(ws, run, ox.NamedNode(PROV + "startedAtTime"))
        if KZ + "Reconciliation" not in run_types or len(service) != 1 or len(started) != 1:
            problems.append(_problem(ws, "links", f"<{run.value}> must be a kz:Reconciliation with one kz:service "
                                     "and one prov:startedAtTime", graph.value,
                                     "keep the run description that `kuzbass reconcile accept` wrote"))
        for quad in ws.store.quads_for_pattern(None, None, None, graph):
            if quad.predicate.value not in LINK_PREDICATES | COORDINATES.keys():  # coordinates: see coordinates.py
                problems.append(_problem(ws, "links", f"link <{graph.value}> holds <{quad.predicate.value}>; "
                                         "links hold only skos:exactMatch, owl:sameAs and coordinates", graph.value,
                                         "state facts in claims that quote a source"))
    return problems
