"""The query catalogue: queries/*.rq with a header, run against the dataset and compared to golden results.

Header lines at the top of each file, `# key: value`:
    title        short title (required)
    description  what the query shows (required)
    question     the question it answers, in plain English (required)
    answer       the expected answer as the source states it (competency questions)
    lines        source lines the answer comes from
    theme        the catalogue group it belongs to

The golden result of `queries/<name>.rq` is `queries/expected/<name>.tsv`: a header row of variable
names, then one row per solution, IRIs as <...>, literals as their lexical form, unbound as empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, read_utf8

REQUIRED_KEYS = ("title", "description", "question")
KNOWN_KEYS = REQUIRED_KEYS + ("answer", "lines", "theme")
_HEADER = re.compile(r"^#\s*([a-z]+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class CatalogueQuery:
    name: str
    path: Path
    text: str
    header: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.header.get("title", self.name)

    @property
    def golden_path(self) -> Path:
        return self.path.parent / "expected" / f"{self.name}.tsv"


def parse_query_file(path: Path) -> CatalogueQuery:
    text = read_utf8(path)
    header: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            key, value = match.groups()
            if key not in KNOWN_KEYS:
                raise InputError(f"unknown header key {key!r}", path=path, line=number,
                                 hint=f"use one of: {', '.join(KNOWN_KEYS)}")
            header[key] = value.strip()
    missing = [k for k in REQUIRED_KEYS if not header.get(k)]
    if missing:
        raise InputError(f"query header lacks {', '.join(missing)}", path=path, line=1,
                         hint="start the file with '# title: ...', '# description: ...', '# question: ...'")
    return CatalogueQuery(path.stem, path, text, header)


def load_catalogue(folder: Path) -> list[CatalogueQuery]:
    return [parse_query_file(p) for p in sorted(folder.glob("*.rq"))]


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return str(term)


def run_query(store: ox.Store, query: CatalogueQuery) -> list[list[str]]:
    """The result as rows of cells, the first row being the variable names (or 'result' for ASK)."""
    try:
        result = store.query(query.text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise InputError(f"SPARQL syntax error: {exc}", path=query.path) from exc
    if isinstance(result, ox.QueryBoolean):
        return [["result"], ["true" if result else "false"]]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [names] + [[_cell(solution[name]) for name in names] for solution in result]
    rows = sorted([_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in result)
    return [["subject", "predicate", "object"]] + rows


def to_tsv(rows: list[list[str]]) -> str:
    return "".join("\t".join(row) + "\n" for row in rows)


def from_tsv(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


def same_result(expected: list[list[str]], actual: list[list[str]], *, ordered: bool) -> bool:
    if not expected or not actual or expected[0] != actual[0]:
        return expected == actual
    if ordered:
        return expected[1:] == actual[1:]
    return sorted(expected[1:]) == sorted(actual[1:])


def is_ordered(query: CatalogueQuery) -> bool:
    return re.search(r"\bORDER\s+BY\b", query.text, re.IGNORECASE) is not None


def catalogue_markdown(queries: list[CatalogueQuery]) -> str:
    """queries/README.md, generated from the headers."""
    lines = ["# Query catalogue", "",
             "Generated from the headers of `queries/*.rq` by `make docs`; a test fails when it drifts.",
             "Each query's expected result is in `queries/expected/<name>.tsv` and is checked by the tests.",
             "Run one with `kuzbass query NAME` (after `kuzbass build`), pick it in the editor of `kuzbass serve`,",
             "or load `dist/kuzbass.nq` into any SPARQL store: the queries read the union of the named graphs.",
             "They give the same answers on embedded Oxigraph, the Oxigraph server and Virtuoso (tested).", ""]
    themes: dict[str, list[CatalogueQuery]] = {}
    for query in queries:
        themes.setdefault(query.header.get("theme", "competency questions"), []).append(query)
    for theme in sorted(themes):
        lines += [f"## {theme}", "", "| query | question | expected answer | source lines |", "|---|---|---|---|"]
        for q in themes[theme]:
            cells = [f"[{q.name}]({q.path.name}): {q.title}", q.header.get("question", ""),
                     q.header.get("answer", ""), q.header.get("lines", "")]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)
