"""Synthetic project roots at N times the curated data, for the scale benchmarks.

    python bench/synthetic.py --scale 100 --out /tmp/kz-100 [--rewire 0.05] [--seed 7] [--from .]

The root is a project `kuzbass build --root OUT` builds like the real one:
- `ontology/`, `queries/` and `data/sources/` are copied unchanged (the sources are the same texts, so
  every copied quote still stands in its passage), and `data/links/geonames-review.csv` too;
- every curated file of `data/triples/` and `data/links/` is written once per copy. Copy 0 keeps the
  real IRIs, labels and file names; copy c (c >= 1) is written to `<name>-c<c>.trig`, and every IRI of
  the project's instance space (`id/...`, claims, links and reconciliation runs included) gets the suffix
  `-c<c>`, except the passages and the source itself (`id/source/...`), which all copies cite. Terms of
  the ontology and its vocabularies (classes, properties, units, hedges) stay shared;
- blank nodes get labels unique to their file and copy, so no two copies (or files) share one;
- labels: the `rdfs:label` an entity is declared with (default graph) gets ` (c<c>)` in copy c, so no
  two entities of one class share a label and the duplicates check passes without notes. Names asserted
  inside claims (`rdfs:label`, `skos:altLabel`, nicknames) are left as they are: the labels check wants
  them in their quote, which is the same in every copy. Editorial notes that name an entity by prefixed
  name or IRI name the entity of their own copy;
- rewiring (N >= 2): a seeded share (--rewire, 5% by default) of the distinct statements of the claims
  that link an entity to a person, group, organization, place, facility, event, thing, document, work,
  plan, policy or concept is rewired across copies, so the copies form one network: for each chosen
  statement the copies are paired at random, and each copy of a pair points to the other's entity. The
  swap keeps what every entity's claims cite (the descriptions check sees the same passages for each
  entity) and every entity keeps its claims; a statement asserted in several claims is rewired in all
  of them alike.

One file per copy of each curated file: at 1000x that is 10,000 section files of 15-90 KB, as a project
of a thousand sources curated a section per file would be, so per-file work and caching have the unit a
real project has. Files are written from the parsed quads (prefixes sorted, a statement per subject, a
blank node by label), so they parse to the quads of the curated files, not to their layout and comments.
The output is a function of the inputs and the options only: the same bytes on every run. The root gets a
`synthetic.json` saying how it was made; an existing root with that file is replaced, any other non-empty
folder is refused.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/kuzbass/id/"
SOURCE = ID + "source/"
CLAIM = ID + "claim/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EDITORIAL_NOTE = "http://www.w3.org/2004/02/skos/core#editorialNote"
XSD = "http://www.w3.org/2001/XMLSchema#"
NETWORK_KINDS = frozenset({"person", "group", "organization", "place", "facility", "event", "thing", "document",
                           "work", "plan", "policy", "concept"})
DEFAULT_REWIRE = 0.05
DEFAULT_SEED = 7
MARKER = "synthetic.json"

_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_NAMED_IN_TEXT = re.compile(r"(?<![\w:/#.-])([a-z]+):([a-z0-9]+(?:-[a-z0-9]+)*)|"
                            + re.escape(ID) + r"[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Hole:
    """A place in a file template that depends on the copy: the copy's IRI suffix, its label suffix, or the
    suffix of the copy a rewired statement points to (pairing: index into Template.pairings)."""

    kind: str  # "iri", "label" or "rewired"
    pairing: int = -1


Piece = str | Hole
IRI_HOLE = Hole("iri")
LABEL_HOLE = Hole("label")


@dataclass
class Template:
    """One curated file as text with holes, written once per copy."""

    name: str
    pieces: list[Piece] = field(default_factory=list)
    pairings: list[list[int]] = field(default_factory=list)
    quads: int = 0
    claims: int = 0
    candidates: int = 0  # object references a rewiring may move
    rewired: int = 0  # of them, those rewired (in every copy but an unpaired one)

    def render(self, copy: int) -> str:
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif piece.kind == "iri":
                out.append(iri_suffix(copy))
            elif piece.kind == "label":
                out.append(f" (c{copy})" if copy else "")
            else:
                out.append(iri_suffix(self.pairings[piece.pairing][copy]))
        return "".join(out)


def iri_suffix(copy: int) -> str:
    return f"-c{copy}" if copy else ""


def renamed(iri: str) -> bool:
    """Whether an IRI is copied per copy: the instance space, but for the sources and their passages."""
    return iri.startswith(ID) and not iri.startswith(SOURCE)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


class _Writer:
    """Turns the terms of one file into template pieces, with the file's prefixes."""

    def __init__(self, prefixes: dict[str, str], blank_prefix: str) -> None:
        self.namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.by_namespace = {ns: p for p, ns in prefixes.items()}
        self.blank_prefix = blank_prefix
        self.blanks: dict[str, str] = {}

    def compact(self, iri: str) -> tuple[str, str]:
        """(text before the suffix, text after it): a prefixed name, else a full IRI."""
        for prefix, namespace in self.namespaces:
            if iri.startswith(namespace) and _LOCAL.fullmatch(iri[len(namespace):]):
                return f"{prefix}:{iri[len(namespace):]}", ""
        return f"<{iri}", ">"

    def named(self, node: ox.NamedNode, hole: Hole | None = None) -> list[Piece]:
        if node.value == RDF_TYPE:
            return ["a"]
        head, tail = self.compact(node.value)
        if hole is None and not renamed(node.value):
            return [head + tail]
        pieces: list[Piece] = [head, hole or IRI_HOLE]
        return pieces + [tail] if tail else pieces

    def blank(self, node: ox.BlankNode) -> list[Piece]:
        label = self.blanks.setdefault(node.value, f"{self.blank_prefix}b{len(self.blanks) + 1}")
        return ["_:" + label, IRI_HOLE]

    def literal(self, lit: ox.Literal, *, label: bool, known: frozenset[str]) -> list[Piece]:
        datatype = lit.datatype.value
        if lit.language:
            body: list[Piece] = ['"', *self.text(lit.value, known)] if known else ['"' + _escape(lit.value)]
            return [*body, *([LABEL_HOLE] if label else []), f'"@{lit.language}']
        if datatype == XSD + "integer" and _INTEGER.fullmatch(lit.value):
            return [lit.value]
        if datatype == XSD + "decimal" and _DECIMAL.fullmatch(lit.value):
            return [lit.value]
        if datatype == XSD + "boolean" and lit.value in ("true", "false"):
            return [lit.value]
        quoted = '"' + _escape(lit.value) + '"'
        if datatype == XSD + "string":
            return [quoted]
        head, tail = self.compact(datatype)
        return [quoted + "^^" + head + tail]

    def text(self, value: str, known: frozenset[str]) -> list[Piece]:
        """A note's text, each entity it names (prefixed name or IRI) naming the entity of the copy."""
        pieces: list[Piece] = []
        at = 0
        for match in _NAMED_IN_TEXT.finditer(value):
            if match.group(1):
                namespace = next((ns for ns, p in self.by_namespace.items() if p == match.group(1)), None)
                iri = namespace + match.group(2) if namespace else None
            else:
                iri = match.group(0)
            if iri is None or iri not in known:
                continue
            pieces += [_escape(value[at:match.end()]), IRI_HOLE]
            at = match.end()
        pieces.append(_escape(value[at:]))
        return pieces

    def term(self, term: object, *, label: bool = False, known: frozenset[str] = frozenset(),
             hole: Hole | None = None) -> list[Piece]:
        if isinstance(term, ox.NamedNode):
            return self.named(term, hole)
        if isinstance(term, ox.BlankNode):
            return self.blank(term)
        if isinstance(term, ox.Literal):
            return self.literal(term, label=label, known=known)
        raise ValueError(f"unexpected term {term!r}: the curated data is RDF 1.1")


def _pairing(key: str, copies: int, seed: int, share: float) -> list[int] | None:
    """For a chosen statement, the copy each copy points to (a random pairing); None when not chosen."""
    rng = random.Random(f"{seed}|{key}")
    if rng.random() >= share:
        return None
    order = list(range(copies))
    rng.shuffle(order)
    partner = list(range(copies))
    for a, b in zip(order[0::2], order[1::2], strict=False):
        partner[a], partner[b] = b, a
    return partner


def make_template(path: Path, index: int, *, copies: int, seed: int, share: float,
                  known: frozenset[str]) -> Template:
    """The template of one curated file (index: its place among the files, for blank node labels)."""
    parser = ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
    quads = list(parser)
    prefixes = dict(parser.prefixes)
    writer = _Writer(prefixes, f"f{index}")
    template = Template(path.stem)
    pieces = template.pieces
    pieces.append(f"# Written by bench/synthetic.py from {path.parent.name}/{path.name} (one copy of it).\n\n")
    pieces += [f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items())]
    keyed: dict[str, int] = {}
    graph: object = None
    subject: object = None
    predicate: object = None
    for number, quad in enumerate(quads):
        template.quads += 1
        if quad.graph_name != graph:
            if graph is not None:
                pieces.append(" .\n" if isinstance(graph, ox.DefaultGraph) else " .\n}\n")
            graph, subject, predicate = quad.graph_name, None, None
            pieces.append("\n")
            if isinstance(graph, ox.NamedNode):
                template.claims += graph.value.startswith(CLAIM)
                pieces += [*writer.term(graph), " {\n"]
        indent = "    " if isinstance(graph, ox.NamedNode) else ""
        if quad.subject != subject:
            if subject is not None:
                pieces.append(" .\n")
            pieces += [indent, *writer.term(quad.subject), " "]
            subject, predicate = quad.subject, None
            pieces += writer.term(quad.predicate)
        elif quad.predicate != predicate:
            pieces += [" ;\n", indent, "    ", *writer.term(quad.predicate)]
        else:
            pieces.append(" ,")
        predicate = quad.predicate
        pieces.append(" ")
        obj = quad.object
        hole = None
        if copies > 1 and isinstance(graph, ox.NamedNode) and graph.value.startswith(CLAIM) \
                and isinstance(obj, ox.NamedNode) and quad.predicate.value != RDF_TYPE \
                and renamed(obj.value) and obj.value[len(ID):].split("/", 1)[0] in NETWORK_KINDS:
            template.candidates += 1
            owner = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else f"{path.name}#{number}"
            key = f"{owner}|{quad.predicate.value}|{obj.value}"
            if key not in keyed:
                partner = _pairing(key, copies, seed, share)
                keyed[key] = -1 if partner is None else len(template.pairings)
                if partner is not None:
                    template.pairings.append(partner)
            if keyed[key] >= 0:
                hole = Hole("rewired", keyed[key])
                template.rewired += 1
        is_label = (isinstance(graph, ox.DefaultGraph) and quad.predicate.value == RDFS_LABEL
                    and isinstance(quad.subject, ox.NamedNode) and renamed(quad.subject.value))
        notes = known if quad.predicate.value == EDITORIAL_NOTE else frozenset()
        pieces += writer.term(obj, label=is_label, known=notes, hole=hole)
    if graph is not None:
        pieces.append(" .\n" if isinstance(graph, ox.DefaultGraph) else " .\n}\n")
    return template


def curated_files(source: Path) -> list[Path]:
    files = sorted((source / "data" / "triples").glob("*.trig"))
    return files + sorted((source / "data" / "links").glob("*.trig"))


def instance_iris(files: Iterable[Path]) -> frozenset[str]:
    """Every IRI of the instance space the curated files use that copies rename."""
    found: set[str] = set()
    for path in files:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
            for term in (quad.subject, quad.object, quad.graph_name):
                if isinstance(term, ox.NamedNode) and renamed(term.value):
                    found.add(term.value)
    clashing = sorted(iri for iri in found if re.search(r"-c[0-9]+$", iri))
    if clashing:
        raise SystemExit(f"{clashing[0]} ends like a copy's suffix (-c<n>): copies could clash with it")
    return frozenset(found)


def _prepare(out: Path) -> None:
    if out.exists():
        if (out / MARKER).is_file():
            shutil.rmtree(out)
        elif any(out.iterdir()):
            raise SystemExit(f"{out} is not empty and was not written by bench/synthetic.py: choose another --out")
    out.mkdir(parents=True, exist_ok=True)


def generate(out: Path, *, scale: int, source: Path = ROOT, seed: int = DEFAULT_SEED,
             share: float = DEFAULT_REWIRE) -> dict[str, object]:
    """Write the synthetic root at `scale` copies into out; returns what synthetic.json records."""
    if scale < 1:
        raise SystemExit("--scale must be 1 or more")
    if not 0 <= share <= 1:
        raise SystemExit("--rewire must be a share from 0 to 1")
    _prepare(out)
    for folder in ("ontology", "queries", "data/sources"):
        shutil.copytree(source / folder, out / folder)
    (out / "data" / "triples").mkdir(parents=True)
    (out / "data" / "links").mkdir(parents=True)
    review = source / "data" / "links" / "geonames-review.csv"
    if review.is_file():
        shutil.copyfile(review, out / "data" / "links" / review.name)
    files = curated_files(source)
    known = instance_iris(files)
    made = {"quads": 0, "claims": 0, "references": 0, "rewired": 0}
    for index, path in enumerate(files):
        template = make_template(path, index, copies=scale, seed=seed, share=share, known=known)
        target = out / "data" / path.parent.name
        for copy in range(scale):
            name = f"{path.stem}-c{copy}.trig" if copy else path.name
            (target / name).write_text(template.render(copy), encoding="utf-8")
        made["quads"] += template.quads * scale
        made["claims"] += template.claims * scale
        made["references"] += template.candidates * scale
        made["rewired"] += template.rewired * (scale - scale % 2)  # an odd scale leaves one copy unpaired
    record: dict[str, object] = {
        "generator": "bench/synthetic.py", "scale": scale, "seed": seed, "rewire": share,
        "files": len(files) * scale, "curated_quads": made["quads"], "claims": made["claims"],
        "entity_references_in_claims": made["references"], "references_rewired": made["rewired"],
    }
    (out / MARKER).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, required=True, help="Copies of the curated data (1, 2, 10, 100, 1000).")
    parser.add_argument("--out", type=Path, required=True, help="Folder of the synthetic root.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rewire", type=float, default=DEFAULT_REWIRE,
                        help="Share of the entity-to-entity statements of the claims rewired across copies.")
    parser.add_argument("--from", dest="source", type=Path, default=ROOT, help="Project copied (default: this one).")
    args = parser.parse_args()
    record = generate(args.out, scale=args.scale, source=args.source, seed=args.seed, share=args.rewire)
    print(json.dumps(record), file=sys.stderr)


if __name__ == "__main__":
    main()
