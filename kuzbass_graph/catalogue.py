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


CONCAT_SEPARATORS = ("; ", ", ", " | ")


def normalize_cell(cell: str) -> str:
    """A cell as engines may differ on it: the parts of a GROUP_CONCAT in any order, numbers printed
    differently (SPARQL leaves both open)."""
    for separator in CONCAT_SEPARATORS:
        if separator in cell:
            return separator.join(sorted(normalize_cell(p) for p in cell.split(separator)))
    try:
        number = float(cell)
    except ValueError:
        return cell
    return repr(int(number)) if number.is_integer() else repr(number)


def order_keys(query: CatalogueQuery | str) -> list[str] | None:
    """The variables of the query's ORDER BY, in order (None without one). Rows that tie on them may come
    in any order; so may the parts of a GROUP_CONCAT."""
    text = query if isinstance(query, str) else query.text
    text = "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("#") else "" for line in text.splitlines())
    found = re.search(r"\bORDER\s+BY\b(.*)$", text, re.IGNORECASE | re.DOTALL)
    if found is None:
        return None
    clause = re.split(r"\b(?:LIMIT|OFFSET)\b", found.group(1), flags=re.IGNORECASE)[0]
    return re.findall(r"\?(\w+)", clause)


def same_result(expected: list[list[str]], actual: list[list[str]], *, keys: list[str] | None) -> bool:
    """Whether two results (a header row, then rows) agree: the same rows (GROUP_CONCAT parts in any order),
    and, when the query orders by `keys`, the same sequence of key values (ties in any order). Keys after
    one the query does not project are not checked: the rows it orders are not visible."""
    if not expected or not actual or expected[0] != actual[0]:
        return expected == actual

    def rows(result: list[list[str]]) -> list[tuple[str, ...]]:
        return [tuple(normalize_cell(c) for c in row) for row in result[1:]]

    if sorted(rows(expected)) != sorted(rows(actual)):
        return False
    header = [name.lstrip("?") for name in expected[0]]
    columns: list[int] = []
    for key in keys or []:
        if key not in header:
            break
        columns.append(header.index(key))
    def sequence(result: list[list[str]]) -> list[tuple[str, ...]]:
        return [tuple(r[c] for c in columns) for r in rows(result)]

    return sequence(expected) == sequence(actual)


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
