"""SHACL Core shapes translated into SPARQL, run on an Oxigraph store.

`read_shapes` turns a shapes graph into `Shape` objects; `shacl_findings` runs one SELECT query per
constraint of every shape that has targets (and of the property shapes it holds), whose solutions are the
validation results: the focus node, and the value node where the constraint component reports one, with
the path, source shape, component, severity and message of that constraint. Shapes nested in `sh:or`,
`sh:and`, `sh:xone`, `sh:not` and `sh:node` (and the property shapes inside them) become SPARQL
expressions that say whether a node conforms, with `FILTER EXISTS`. A shape that uses a SHACL parameter
outside `PARAMETERS`, `NON_VALIDATING` and the targets raises an InputError naming the shape, so a new
shape is checked or refused, never skipped.

Semantics are SHACL Core without entailment (pyshacl's `inference="none"`), over the union of the store's
graphs: `sh:targetClass` and `sh:class` follow `rdf:type/rdfs:subClassOf*` in the data; counts are of
distinct value nodes; `sh:in` and `sh:hasValue` compare RDF terms; `sh:datatype` also requires a
well-formed lexical form for the XSD types that SPARQL casts (`WELL_FORMED`), surrounding white space
allowed as XSD's `collapse` facet allows it.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import PREFIXES, RDF, RDFS, SH, XSD

Term = ox.NamedNode | ox.BlankNode | ox.Literal

VIOLATION = SH + "Violation"
TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
# SHACL parameter -> its constraint component; the value-node components test each value node on its own
VALUE_NODE = {
    "class": "ClassConstraintComponent", "datatype": "DatatypeConstraintComponent",
    "nodeKind": "NodeKindConstraintComponent", "minExclusive": "MinExclusiveConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent", "maxExclusive": "MaxExclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent", "minLength": "MinLengthConstraintComponent",
    "maxLength": "MaxLengthConstraintComponent", "pattern": "PatternConstraintComponent",
    "languageIn": "LanguageInConstraintComponent", "in": "InConstraintComponent",
    "not": "NotConstraintComponent", "and": "AndConstraintComponent", "or": "OrConstraintComponent",
    "xone": "XoneConstraintComponent", "node": "NodeConstraintComponent",
}
# ... and these test the set of value nodes of a focus node (one result per focus node, without a value)
VALUE_SET = {
    "minCount": "MinCountConstraintComponent", "maxCount": "MaxCountConstraintComponent",
    "uniqueLang": "UniqueLangConstraintComponent", "hasValue": "HasValueConstraintComponent",
}
PARAMETERS = {**VALUE_NODE, **VALUE_SET}
NON_VALIDATING = frozenset({"path", "property", "message", "severity", "deactivated", "name", "description",
                            "order", "group", "defaultValue", "flags", *TARGETS})
NODE_KINDS = {
    "IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isIRI({v}) || isBlank({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
WELL_FORMED = frozenset(XSD + name for name in ("integer", "decimal", "double", "float", "boolean", "dateTime",
                                                "date", "time"))
IMPLICIT_TARGETS = frozenset({RDFS + "Class", "http://www.w3.org/2002/07/owl#Class"})
NESTED_COUNT_LIMIT = 3  # sh:minCount/sh:maxCount inside sh:or & co. compare that many values pairwise
EDGES = "[ \\t\\n\\r]+"


def _term(term: Term) -> str:
    return str(term)


def shorten(iri: str, prefixes: dict[str, str]) -> str:
    """prefix:local for an IRI of a known namespace, else <iri>."""
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        local = iri[len(namespace):]
        if iri.startswith(namespace) and local and all(c.isalnum() or c in "_-" for c in local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def show_path(path: str, prefixes: dict[str, str]) -> str:
    """A SPARQL property path with its IRIs shortened."""
    return re.sub(r"<([^>]+)>", lambda m: shorten(m.group(1), prefixes), path)


class Graph:
    """The triples of a small graph (a shapes graph, a results graph) indexed by subject and predicate."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.index: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            self.index[t.subject][t.predicate.value].append(t.object)  # type: ignore[index, arg-type]

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        found = self.index.get(subject)
        return list(found.get(predicate, [])) if found else []

    def one(self, subject: Term, predicate: str) -> Term | None:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def subjects(self, predicate: str, obj: Term | None = None) -> list[Term]:
        return [s for s, props in self.index.items() if predicate in props and (obj is None or obj in props[predicate])]

    def items(self, head: Term) -> list[Term]:
        """The members of an RDF list."""
        members, node = [], head
        while node != ox.NamedNode(RDF + "nil"):
            first = self.one(node, RDF + "first")
            if first is None:
                raise ValueError(f"{node} is not a well-formed RDF list")
            members.append(first)
            rest = self.one(node, RDF + "rest")
            if rest is None:
                raise ValueError(f"{node} is not a well-formed RDF list")
            node = rest
        return members

    def path(self, node: Term) -> str:
        """A SHACL property path as a SPARQL property path (full IRIs, every compound part in brackets)."""
        if isinstance(node, ox.NamedNode):
            return f"<{node.value}>"
        if isinstance(node, ox.Literal):
            raise ValueError(f"a literal {node} is no property path")
        if self.one(node, RDF + "first") is not None:
            return "(" + "/".join(self.path(m) for m in self.items(node)) + ")"
        for name, template in (("inversePath", "(^{})"), ("zeroOrMorePath", "({}*)"),
                               ("oneOrMorePath", "({}+)"), ("zeroOrOnePath", "({}?)")):
            inner = self.one(node, SH + name)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = self.one(node, SH + "alternativePath")
        if alternatives is not None:
            return "(" + "|".join(self.path(m) for m in self.items(alternatives)) + ")"
        raise ValueError(f"{node} is not a SHACL property path")

    def steps(self, node: Term) -> list[str]:
        """The parts of a sequence path (or the one path that is not a sequence) as SPARQL paths."""
        if not isinstance(node, ox.Literal) and self.one(node, RDF + "first") is not None:
            return [self.path(m) for m in self.items(node)]
        return [self.path(node)]


@dataclass(frozen=True)
class Constraint:
    parameter: str  # local name in sh:, e.g. "minCount"
    value: object  # a term, an int, a list of terms, a Shape or a list of shapes
    flags: str = ""  # sh:flags of sh:pattern

    @property
    def component(self) -> str:
        return SH + PARAMETERS[self.parameter]


@dataclass(eq=False)
class Shape:
    node: Term
    name: str  # readable and stable: the IRI, or "<parent> sh:property <path>" for a blank property shape
    path: str | None = None  # SPARQL property path; None for a node shape
    steps: list[str] = field(default_factory=list)  # the parts of a sequence path, or [path]
    targets: list[tuple[str, Term]] = field(default_factory=list)  # (sh:targetClass..., value)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    message: str | None = None
    severity: str = VIOLATION
    deactivated: bool = False


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result."""

    focus: Term
    path: str | None  # SPARQL property path with full IRIs, None for a node shape's result
    shape: str  # Shape.name of the source shape
    component: str  # IRI of the constraint component
    value: Term | None
    severity: str  # IRI: sh:Violation, sh:Warning or sh:Info
    message: str

    def key(self) -> tuple[str, str, str, str, str, str]:
        """What identifies the result across validators (all but the message); "" for no path or value."""
        return (_term(self.focus), self.path or "", self.shape, self.component,
                "" if self.value is None else _term(self.value), self.severity)


@dataclass
class Shapes:
    """The shapes of a shapes graph: those with targets, and every shape by its node."""

    targeted: list[Shape]
    by_node: dict[Term, Shape]
    prefixes: dict[str, str]
    triples: list[ox.Triple] = field(default_factory=list)  # the shapes graph
    source: Path | None = None

    def constraints(self) -> Iterator[tuple[Shape, Constraint]]:
        """Every (source shape, constraint) the queries check."""
        for shape in self.targeted:
            for owner in (shape, *shape.properties):
                if not owner.deactivated:
                    for constraint in owner.constraints:
                        yield owner, constraint


class _Reader:
    def __init__(self, graph: Graph, prefixes: dict[str, str], source: Path | None) -> None:
        self.graph, self.prefixes, self.source = graph, prefixes, source
        self.shapes: dict[Term, Shape] = {}

    def fail(self, name: str, problem: str) -> InputError:
        return InputError(f"shape {name}: {problem}", path=self.source,
                          hint="use the SHACL Core parameters " + ", ".join(f"sh:{p}" for p in sorted(PARAMETERS))
                          + ", or add the component to kuzbass_graph/validation/shacl_sparql.py")

    def name_of(self, node: Term, parent: Shape | None, path: str | None) -> str:
        if isinstance(node, ox.NamedNode):
            return shorten(node.value, self.prefixes)
        if parent is not None:
            return f"{parent.name} sh:property [sh:path {show_path(path or '', self.prefixes)}]"
        return f"[shape {node}]"

    def shape(self, node: Term, parent: Shape | None = None) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        g = self.graph
        path_node = g.one(node, SH + "path")
        try:
            path = g.path(path_node) if path_node is not None else None
            steps = g.steps(path_node) if path_node is not None else []
        except ValueError as exc:
            raise self.fail(self.name_of(node, None, None), str(exc)) from exc
        shape = Shape(node=node, name=self.name_of(node, parent, path), path=path, steps=steps)
        self.shapes[node] = shape
        props = g.index.get(node, {})
        for predicate in props:
            local = predicate[len(SH):] if predicate.startswith(SH) else None
            if local is not None and local not in PARAMETERS and local not in NON_VALIDATING:
                raise self.fail(shape.name, f"sh:{local} is not supported by the SPARQL translation of the shapes")
        if {t.value for t in g.objects(node, RDF + "type") if isinstance(t, ox.NamedNode)} & IMPLICIT_TARGETS:
            raise self.fail(shape.name, "a shape that is also a class (an implicit class target) is not supported; "
                                        "give it sh:targetClass")
        messages = g.objects(node, SH + "message")
        english = [m for m in messages if isinstance(m, ox.Literal) and m.language in (None, "en")]
        shape.message = (english or messages)[0].value if messages else None
        severity = g.one(node, SH + "severity")
        shape.severity = severity.value if severity is not None else VIOLATION
        deactivated = g.one(node, SH + "deactivated")
        shape.deactivated = isinstance(deactivated, ox.Literal) and deactivated.value in ("true", "1")
        shape.targets = self.targets(node)
        flags = g.one(node, SH + "flags")
        for parameter in sorted(PARAMETERS):
            for value in g.objects(node, SH + parameter):
                shape.constraints.append(self.constraint(shape, parameter, value,
                                                         flags.value if flags is not None else ""))
        for child in g.objects(node, SH + "property"):
            if path is not None:
                raise self.fail(shape.name, "sh:property on a property shape is not supported")
            prop = self.shape(child, shape)
            if prop.path is None:
                raise self.fail(prop.name, "a shape given as sh:property needs a sh:path")
            shape.properties.append(prop)
        for parameter in ("minCount", "maxCount", "uniqueLang"):
            if path is None and any(c.parameter == parameter for c in shape.constraints):
                raise self.fail(shape.name, f"sh:{parameter} needs a sh:path (a property shape)")
        return shape

    def targets(self, node: Term) -> list[tuple[str, Term]]:
        return [(kind, value) for kind in TARGETS for value in self.graph.objects(node, SH + kind)]

    def constraint(self, shape: Shape, parameter: str, value: Term, flags: str) -> Constraint:
        g = self.graph
        try:
            if parameter in ("minCount", "maxCount", "minLength", "maxLength"):
                if not isinstance(value, ox.Literal):
                    raise ValueError(f"sh:{parameter} needs an integer, not {value}")
                return Constraint(parameter, int(value.value))
            if parameter in ("in", "languageIn"):
                return Constraint(parameter, g.items(value))
            if parameter in ("and", "or", "xone"):
                return Constraint(parameter, [self.shape(m) for m in g.items(value)])
            if parameter in ("not", "node"):
                return Constraint(parameter, self.shape(value))
            if parameter == "nodeKind" and (not isinstance(value, ox.NamedNode)
                                            or value.value[len(SH):] not in NODE_KINDS):
                raise ValueError(f"{value} is not a SHACL node kind")
        except ValueError as exc:
            raise self.fail(shape.name, str(exc)) from exc
        return Constraint(parameter, value, flags if parameter == "pattern" else "")


def read_shapes(path: Path) -> Shapes:
    """The shapes of a Turtle shapes file; an InputError for bad syntax or an unsupported component."""
    try:
        parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        triples = [q.triple for q in parser]
    except SyntaxError as exc:
        raise InputError(f"cannot parse the SHACL shapes: {exc.msg if hasattr(exc, 'msg') else exc}", path=path,
                         line=exc.lineno, column=exc.offset, hint="fix the Turtle syntax at that position") from exc
    except OSError as exc:
        raise InputError(f"cannot read the SHACL shapes: {exc}", path=path) from exc
    return shapes_of(triples, prefixes={**PREFIXES, **dict(parser.prefixes)}, source=path)


def shapes_of(triples: Iterable[ox.Triple], *, prefixes: dict[str, str] | None = None,
              source: Path | None = None) -> Shapes:
    """The shapes of a shapes graph given as triples."""
    triples = list(triples)
    graph = Graph(triples)
    reader = _Reader(graph, prefixes or dict(PREFIXES), source)
    declared = set(graph.subjects(RDF + "type", ox.NamedNode(SH + "NodeShape")))
    declared |= set(graph.subjects(RDF + "type", ox.NamedNode(SH + "PropertyShape")))
    declared |= {s for target in TARGETS for s in graph.subjects(SH + target)}
    # blank shapes last, so that a blank property shape is named after the node shape holding it
    for node in sorted(declared, key=lambda n: (isinstance(n, ox.BlankNode), _term(n))):
        reader.shape(node)
    targeted = [s for s in reader.shapes.values() if s.targets and not s.deactivated]
    return Shapes(targeted=sorted(targeted, key=lambda s: s.name), by_node=reader.shapes,
                  prefixes=reader.prefixes, triples=triples, source=source)


class _Sparql:
    """SPARQL text for the constraints of shapes, for one store; a fresh variable for every nested value node.

    `rdf:type/rdfs:subClassOf* C` is written as `rdf:type` with the subclasses of C, looked up once per class
    in the store (the same answer; a property path inside FILTER EXISTS is evaluated again for every row)."""

    def __init__(self, store: ox.Store, source: Path | None = None) -> None:
        self.store = store
        self.source = source
        self.counter = 0
        self.subclasses: dict[str, list[str]] = {}

    def var(self) -> str:
        self.counter += 1
        return f"?v{self.counter}"

    def classes(self, cls: Term) -> list[str]:
        """The class and its subclasses in the store (rdfs:subClassOf*), as SPARQL terms."""
        key = _term(cls)
        if key not in self.subclasses:
            rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* {key} }}",
                                    use_default_graph_as_union=True)
            self.subclasses[key] = sorted({_term(row["c"]) for row in rows} | {key})  # type: ignore[union-attr]
        return self.subclasses[key]

    def instance_of(self, v: str, cls: Term, *, bound: bool) -> str:
        """A pattern matching when the node in v has cls or one of its subclasses as rdf:type: a filter on the
        types of v when v is bound, else a join with the classes (an index lookup for each)."""
        classes = self.classes(cls)
        if len(classes) == 1:
            return f"{v} <{RDF}type> {classes[0]} ."
        t = self.var()
        if bound:
            return f"{v} <{RDF}type> {t} . FILTER({t} IN ({', '.join(classes)}))"
        return f"VALUES {t} {{ {' '.join(classes)} }} {v} <{RDF}type> {t} ."

    def focus_nodes(self, shape: Shape) -> str:
        """A pattern binding ?focus to each focus node of a shape with targets."""
        patterns = []
        for kind, value in shape.targets:
            if kind == "targetClass":
                patterns.append(self.instance_of("?focus", value, bound=False))
            elif kind == "targetNode":
                patterns.append(f"VALUES ?focus {{ {_term(value)} }}")
            elif kind == "targetSubjectsOf":
                patterns.append(f"?focus {_term(value)} {self.var()} .")
            else:
                patterns.append(f"{self.var()} {_term(value)} ?focus .")
        return patterns[0] if len(patterns) == 1 else " UNION ".join(f"{{ {p} }}" for p in patterns)

    def value_ok(self, c: Constraint, v: str, stack: tuple[Shape, ...]) -> str:
        """A SPARQL expression, true when the value node in variable v satisfies a value-node constraint."""
        p, value = c.parameter, c.value
        if p == "class":
            assert isinstance(value, ox.NamedNode | ox.BlankNode)
            return f"((isIRI({v}) || isBlank({v})) && EXISTS {{ {self.instance_of(v, value, bound=True)} }})"
        if p == "datatype":
            assert isinstance(value, ox.NamedNode)
            test = f"(isLiteral({v}) && sameTerm(datatype({v}), {value})"
            if value.value in WELL_FORMED:
                test += f' && COALESCE(isLiteral({value}(REPLACE(STR({v}), "^{EDGES}|{EDGES}$", ""))), false)'
            return test + ")"
        if p == "nodeKind":
            assert isinstance(value, ox.NamedNode)
            return NODE_KINDS[value.value[len(SH):]].format(v=v)
        if p in ("minExclusive", "minInclusive", "maxExclusive", "maxInclusive"):
            operator = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}[p]
            return f"COALESCE({v} {operator} {value}, false)"
        if p in ("minLength", "maxLength"):
            operator = ">=" if p == "minLength" else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {operator} {value})"
        if p == "pattern":
            assert isinstance(value, ox.Literal)
            return f"(!isBlank({v}) && REGEX(STR({v}), {ox.Literal(value.value)}, {ox.Literal(c.flags)}))"
        if p == "languageIn":
            assert isinstance(value, list)
            tags = " || ".join(f"langMatches(lang({v}), {ox.Literal(t.value)})" for t in value)
            return f"(isLiteral({v}) && ({tags or 'false'}))"
        if p == "in":
            assert isinstance(value, list)
            return "(" + (" || ".join(f"sameTerm({v}, {t})" for t in value) or "false") + ")"
        if p in ("node", "not"):
            assert isinstance(value, Shape)
            inner = self.conforms(value, v, stack)
            return inner if p == "node" else f"(!{inner})"
        assert isinstance(value, list)
        parts = [self.conforms(s, v, stack) for s in value]
        if p == "and":
            return "(" + (" && ".join(parts) or "true") + ")"
        if p == "or":
            return "(" + (" || ".join(parts) or "false") + ")"
        return "((" + (" + ".join(f"IF({part}, 1, 0)" for part in parts) or "0") + ") = 1)"  # xone

    def along(self, subject: str, shape: Shape, obj: str) -> str:
        """A pattern from subject along the path of a property shape to obj: a sequence path as a chain of
        triple patterns (Oxigraph evaluates a sequence inside FILTER EXISTS from every subject otherwise)."""
        nodes = [subject, *(self.var() for _ in shape.steps[1:]), obj]
        return " ".join(f"{a} {step} {b} ." for a, step, b in zip(nodes, shape.steps, nodes[1:], strict=False))

    def distinct_values(self, focus: str, shape: Shape, count: int) -> str:
        """A pattern matching `count` distinct value nodes of focus."""
        names = [self.var() for _ in range(count)]
        pattern = " ".join(self.along(focus, shape, n) for n in names)
        different = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1:]]
        return pattern + (f" FILTER({' && '.join(different)})" if different else "")

    def same_language(self, focus: str, shape: Shape) -> tuple[str, str]:
        a, b = self.var(), self.var()
        return (f"{self.along(focus, shape, a)} {self.along(focus, shape, b)} "
                f"FILTER(!sameTerm({a}, {b}) && lang({a}) != \"\" && LCASE(lang({a})) = LCASE(lang({b})))", a)

    def set_ok(self, shape: Shape, c: Constraint, focus: str) -> str:
        """A SPARQL expression, true when the value nodes of a nested shape at focus satisfy a set constraint."""
        if c.parameter == "hasValue":
            if shape.path is None:
                return f"sameTerm({focus}, {c.value})"
            w = self.var()
            return f"EXISTS {{ {self.along(focus, shape, w)} FILTER(sameTerm({w}, {c.value})) }}"
        assert shape.path is not None
        if c.parameter == "uniqueLang":
            return "true" if c.value != ox.Literal(True) else \
                f"NOT EXISTS {{ {self.same_language(focus, shape)[0]} }}"
        assert isinstance(c.value, int)
        count = c.value if c.parameter == "minCount" else c.value + 1
        if count > NESTED_COUNT_LIMIT:
            raise InputError(f"shape {shape.name}: sh:{c.parameter} {c.value} inside a nested shape is not "
                             f"supported (at most {NESTED_COUNT_LIMIT - 1} for sh:maxCount, "
                             f"{NESTED_COUNT_LIMIT} for sh:minCount)", path=self.source)
        if count == 0:
            return "true" if c.parameter == "minCount" else f"NOT EXISTS {{ {self.along(focus, shape, self.var())} }}"
        found = f"EXISTS {{ {self.distinct_values(focus, shape, count)} }}"
        return found if c.parameter == "minCount" else f"(!{found})"

    def conforms(self, shape: Shape, v: str, stack: tuple[Shape, ...] = ()) -> str:
        """A SPARQL expression, true when the node in variable v conforms to a nested shape."""
        if shape in stack:
            raise InputError(f"shape {shape.name} refers to itself; recursive shapes are not supported",
                             path=self.source)
        if shape.deactivated:
            return "true"
        stack = (*stack, shape)
        parts = []
        for c in shape.constraints:
            if c.parameter in VALUE_SET:
                parts.append(self.set_ok(shape, c, v))
            elif shape.path is None:
                parts.append(self.value_ok(c, v, stack))
            else:
                w = self.var()
                parts.append(f"NOT EXISTS {{ {self.along(v, shape, w)} FILTER(!{self.value_ok(c, w, stack)}) }}")
        parts += [self.conforms(p, v, stack) for p in shape.properties]
        return "(" + (" && ".join(parts) or "true") + ")"

    # --- the queries of a shape with targets (top) and of each of its property shapes (owner) ---------

    def values_query(self, top: Shape, owner: Shape, constraints: list[Constraint]) -> str:
        """Each (?focus, ?value) breaking one of the value-node constraints of owner, with ?okN false for the
        N-th constraint broken."""
        stack = (top, owner) if owner is not top else (top,)
        path = self.along("?focus", owner, "?value") if owner.path is not None else "BIND(?focus AS ?value)"
        flags = [f"?ok{i}" for i in range(len(constraints))]
        tests = " ".join(f"BIND(COALESCE({self.value_ok(c, '?value', stack)}, false) AS {flag})"
                         for c, flag in zip(constraints, flags, strict=True))
        return (f"SELECT DISTINCT ?focus ?value {' '.join(flags)} WHERE {{ {self.focus_nodes(top)} {path} {tests} "
                f"FILTER({' || '.join(f'!{flag}' for flag in flags)}) }}")

    def counts_query(self, top: Shape, owner: Shape, constraints: list[Constraint]) -> str:
        """Each ?focus whose ?count of distinct value nodes breaks one of owner's sh:minCount/sh:maxCount."""
        minimum = [c for c in constraints if c.parameter == "minCount"]
        values = self.along("?focus", owner, "?value")
        values = f"OPTIONAL {{ {values} }}" if minimum else values
        tests = " || ".join(f"?count {'<' if c.parameter == 'minCount' else '>'} {c.value}" for c in constraints)
        return (f"SELECT ?focus ?count WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?value) AS ?count) WHERE {{ "
                f"{self.focus_nodes(top)} {values} }} GROUP BY ?focus }} FILTER({tests}) }}")

    def few_query(self, top: Shape, owner: Shape, c: Constraint) -> str:
        """The focus nodes breaking sh:minCount 1 (no value) or a small sh:maxCount (one value more): cheaper
        than counting the values of every focus node."""
        assert owner.path is not None and isinstance(c.value, int)
        if c.parameter == "minCount":
            w = self.var()
            return (f"SELECT DISTINCT ?focus WHERE {{ {self.focus_nodes(top)} "
                    f"OPTIONAL {{ {self.along('?focus', owner, w)} }} FILTER(!BOUND({w})) }}")
        return (f"SELECT DISTINCT ?focus WHERE {{ {self.focus_nodes(top)} "
                f"{self.distinct_values('?focus', owner, c.value + 1)} }}")

    def set_query(self, top: Shape, owner: Shape, c: Constraint) -> str:
        """The focus nodes breaking sh:hasValue or sh:uniqueLang (one row per language used twice)."""
        if c.parameter == "hasValue":
            return (f"SELECT DISTINCT ?focus WHERE {{ {self.focus_nodes(top)} "
                    f"FILTER(!{self.set_ok(owner, c, '?focus')}) }}")
        assert owner.path is not None
        if c.value != ox.Literal(True):
            return "SELECT ?focus WHERE { FILTER(false) }"
        pattern, a = self.same_language("?focus", owner)
        return f"SELECT DISTINCT ?focus (LCASE(lang({a})) AS ?lang) WHERE {{ {self.focus_nodes(top)} {pattern} }}"


def default_message(shape: Shape, c: Constraint, prefixes: dict[str, str]) -> str:
    def show(value: object) -> str:
        if isinstance(value, ox.NamedNode):
            return shorten(value.value, prefixes)
        if isinstance(value, list):
            return "(" + " ".join(show(v) for v in value) + ")"
        if isinstance(value, Shape):
            return value.name if isinstance(value.node, ox.NamedNode) else "a nested shape"
        return str(value)

    p, value = c.parameter, c.value
    texts = {
        "minCount": f"fewer than {value} value(s)", "maxCount": f"more than {value} value(s)",
        "uniqueLang": "more than one value in the same language", "hasValue": f"no value {show(value)}",
        "class": f"the value is not an instance of {show(value)}",
        "datatype": f"the value is not a well-formed literal of datatype {show(value)}",
        "nodeKind": f"the value is not of node kind {show(value)}",
        "pattern": f"the value does not match the pattern {value}",
        "in": f"the value is not one of {show(value)}", "languageIn": f"the value's language is not in {show(value)}",
        "not": f"the value conforms to {show(value)}, which it must not",
        "node": f"the value does not conform to {show(value)}",
        "or": "the value conforms to none of the shapes of sh:or", "and": "the value breaks a shape of sh:and",
        "xone": "the value does not conform to exactly one shape of sh:xone",
    }
    return texts.get(p, f"the value breaks sh:{p} {show(value)}")


@dataclass
class RunReport:
    """What the SPARQL checks did: how many queries, and the slowest constraints."""

    queries: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def shacl_findings(store: ox.Store, shapes: Shapes, *, report: RunReport | None = None) -> list[Finding]:
    """The validation results of the store (all its graphs, as one) against the shapes: per shape with
    targets and per property shape it holds, one query for the value-node constraints, one for the counts,
    one for each sh:hasValue and sh:uniqueLang."""
    run = _Runner(store, shapes, report)
    for top in shapes.targeted:
        for owner in (top, *(p for p in top.properties if not p.deactivated)):
            values = [c for c in owner.constraints if c.parameter in VALUE_NODE]
            if values:
                run.values(top, owner, values)
            counts = [c for c in owner.constraints if c.parameter in ("minCount", "maxCount")]
            if counts:
                run.counts(top, owner, counts)
            for c in owner.constraints:
                if c.parameter in ("hasValue", "uniqueLang"):
                    run.sets(top, owner, c)
    return sorted(run.findings, key=Finding.key)


class _Runner:
    def __init__(self, store: ox.Store, shapes: Shapes, report: RunReport | None) -> None:
        self.store, self.shapes, self.report = store, shapes, report
        self.sparql = _Sparql(store, shapes.source)
        self.findings: list[Finding] = []

    def solutions(self, owner: Shape, what: str, query: str) -> list[ox.QuerySolution]:
        started = time.perf_counter()
        try:
            rows = list(self.store.query(query, use_default_graph_as_union=True))  # type: ignore[arg-type]
        except SyntaxError as exc:  # a bug of the translation, not of the data: say which shape
            raise InputError(f"shape {owner.name}: the SPARQL for {what} does not parse ({exc}): {query}",
                             path=self.shapes.source) from exc
        if self.report is not None:
            self.report.queries += 1
            name = f"{owner.name} {what}"
            self.report.seconds[name] = round(self.report.seconds.get(name, 0.0) + time.perf_counter() - started, 4)
        return rows  # type: ignore[return-value]

    def add(self, owner: Shape, c: Constraint, focus: Term, value: Term | None) -> None:
        self.findings.append(Finding(focus=focus, path=owner.path, shape=owner.name, component=c.component,
                                     value=value, severity=owner.severity,
                                     message=owner.message or default_message(owner, c, self.shapes.prefixes)))

    def values(self, top: Shape, owner: Shape, constraints: list[Constraint]) -> None:
        what = " ".join(f"sh:{c.parameter}" for c in constraints)
        for row in self.solutions(owner, what, self.sparql.values_query(top, owner, constraints)):
            for i, c in enumerate(constraints):
                if row[f"ok{i}"].value != "true":  # type: ignore[union-attr]
                    self.add(owner, c, row["focus"], row["value"])  # type: ignore[arg-type]

    def counts(self, top: Shape, owner: Shape, constraints: list[Constraint]) -> None:
        """sh:minCount 1 and sh:maxCount up to NESTED_COUNT_LIMIT - 1 by a pattern each, others by counting."""
        few = [c for c in constraints if (c.parameter, c.value) == ("minCount", 1)
               or (c.parameter == "maxCount" and isinstance(c.value, int) and c.value < NESTED_COUNT_LIMIT)]
        for c in few:
            for row in self.solutions(owner, f"sh:{c.parameter}", self.sparql.few_query(top, owner, c)):
                self.add(owner, c, row["focus"], None)  # type: ignore[arg-type]
        counted = [c for c in constraints if c not in few]
        if not counted:
            return
        what = " ".join(f"sh:{c.parameter}" for c in counted)
        for row in self.solutions(owner, what, self.sparql.counts_query(top, owner, counted)):
            count = int(row["count"].value)  # type: ignore[union-attr]
            for c in counted:
                assert isinstance(c.value, int)
                if (count < c.value) if c.parameter == "minCount" else (count > c.value):
                    self.add(owner, c, row["focus"], None)  # type: ignore[arg-type]

    def sets(self, top: Shape, owner: Shape, c: Constraint) -> None:
        for row in self.solutions(owner, f"sh:{c.parameter}", self.sparql.set_query(top, owner, c)):
            self.add(owner, c, row["focus"], None)  # type: ignore[arg-type]
