"""Coverage of the sources by the curated claims: which content sentences are cited, and what the graph holds.

A sentence counts as cited when the quote of some claim citing its passage overlaps it by at least
MIN_OVERLAP characters (or by the whole sentence, when it is shorter). Headings and picture captions
are not counted; they are listed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .compile import DATA_GRAPH, Compiled
from .loader import DESCRIPTIONS_GRAPH, Workspace
from .namespaces import KZ, RDF_TYPE
from .sources import PassageKind, fold_space, parse_passage_iri

MIN_OVERLAP = 12
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+(?=[\"“«(‘]?[A-Z0-9А-Я])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a folded paragraph."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True)
class Sentence:
    source: str
    line: int
    text: str
    cited: bool


@dataclass
class CoverageReport:
    sentences: list[Sentence] = field(default_factory=list)
    excluded: list[tuple[str, int, str, str]] = field(default_factory=list)  # source, line, kind, text
    entities_per_class: dict[str, int] = field(default_factory=dict)
    claims_per_section: dict[str, int] = field(default_factory=dict)
    statements_per_section: dict[str, int] = field(default_factory=dict)

    @property
    def cited(self) -> int:
        return sum(1 for s in self.sentences if s.cited)

    @property
    def share(self) -> float:
        return self.cited / len(self.sentences) if self.sentences else 1.0

    @property
    def uncited(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.cited]

    def as_dict(self) -> dict[str, object]:
        return {
            "content_sentences": len(self.sentences), "cited_sentences": self.cited,
            "share": round(self.share, 4), "min_overlap_chars": MIN_OVERLAP,
            "uncited": [{"source": s.source, "line": s.line, "text": s.text} for s in self.uncited],
            "excluded": [{"source": s, "line": n, "kind": k, "text": t} for s, n, k, t in self.excluded],
            "entities_per_class": self.entities_per_class,
            "claims_per_section": self.claims_per_section,
            "statements_per_section": self.statements_per_section,
        }

    def as_markdown(self) -> str:
        lines = ["# Coverage", "",
                 f"{self.cited} of {len(self.sentences)} content sentences are cited by at least one claim "
                 f"(**{self.share:.1%}**).", "", "## Statements per section", "",
                 "| section | claims | statements |", "|---|---|---|"]
        lines += [f"| {section or '(before the first heading)'} | {self.claims_per_section.get(section, 0)} | {count} |"
                  for section, count in self.statements_per_section.items()]
        lines += ["", "## Entities per class", "", "| class | entities |", "|---|---|"]
        lines += [f"| {cls} | {n} |" for cls, n in self.entities_per_class.items()]
        lines += ["", "## Uncited sentences", ""]
        lines += [f"- {s.source} line {s.line}: {s.text}" for s in self.uncited] or ["(none)"]
        lines += ["", "## Excluded (headings and captions)", ""]
        lines += [f"- {s} line {n} ({k}): {t}" for s, n, k, t in self.excluded]
        return "\n".join(lines) + "\n"


def _quotes_by_passage(ws: Workspace) -> dict[tuple[str, int], list[str]]:
    quotes: dict[str, str] = {}
    passages: dict[str, tuple[str, int]] = {}
    for q in ws.store.quads_for_pattern(None, ox.NamedNode(KZ + "quote"), None, DESCRIPTIONS_GRAPH):
        quotes[q.subject.value] = q.object.value
    for q in ws.store.quads_for_pattern(None, ox.NamedNode(KZ + "passage"), None, DESCRIPTIONS_GRAPH):
        located = parse_passage_iri(q.object.value)
        if located:
            passages[q.subject.value] = located
    by_passage: dict[tuple[str, int], list[str]] = defaultdict(list)
    for claim, where in passages.items():
        if claim in quotes:
            by_passage[where].append(quotes[claim])
    return by_passage


def measure_coverage(ws: Workspace, compiled: Compiled) -> CoverageReport:
    report = CoverageReport()
    by_passage = _quotes_by_passage(ws)
    for name, source in ws.sources.items():
        for line, passage in source.passages.items():
            folded = source.folded[line]
            if passage.kind is not PassageKind.CONTENT:
                report.excluded.append((name, line, passage.kind.value, folded))
                continue
            spans = []
            for quote in by_passage.get((name, line), []):
                start = folded.find(fold_space(quote))
                if start >= 0:
                    spans.append((start, start + len(fold_space(quote))))
            for s_start, s_end in split_sentences(folded):
                need = min(MIN_OVERLAP, s_end - s_start)
                cited = any(min(s_end, q_end) - max(s_start, q_start) >= need for q_start, q_end in spans)
                report.sentences.append(Sentence(name, line, folded[s_start:s_end], cited))

    classes: Counter[str] = Counter()
    type_quads = list(compiled.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, DATA_GRAPH))
    entities = {q.subject for q in type_quads if q.object.value == KZ + "Entity"}
    for q in type_quads:
        if q.subject in entities and q.object.value.startswith(KZ) and q.object.value != KZ + "Entity":
            classes[q.object.value[len(KZ):]] += 1
    report.entities_per_class = dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])))

    section_of: dict[tuple[str, int], str] = {
        (name, line): p.section for name, s in ws.sources.items() for line, p in s.passages.items()}
    claims_per_section: Counter[str] = Counter()
    statements_per_section: Counter[str] = Counter()
    for (name, line), quotes in by_passage.items():
        claims_per_section[section_of.get((name, line), "")] += len(quotes)
    claim_passage = {}
    for q in ws.store.quads_for_pattern(None, ox.NamedNode(KZ + "passage"), None, DESCRIPTIONS_GRAPH):
        located = parse_passage_iri(q.object.value)
        if located:
            claim_passage[q.subject.value] = located
    for graph in ws.claim_graphs():
        where = claim_passage.get(graph.value)
        if where:
            statements_per_section[section_of.get(where, "")] += sum(
                1 for _ in ws.store.quads_for_pattern(None, None, None, graph))
    order = {p.section: line for s in ws.sources.values() for line, p in sorted(s.passages.items(), reverse=True)}
    report.claims_per_section = dict(claims_per_section)
    report.statements_per_section = dict(sorted(statements_per_section.items(), key=lambda kv: order.get(kv[0], 0)))
    return report
