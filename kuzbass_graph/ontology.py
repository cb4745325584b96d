"""An index of the ontology: declared terms, class hierarchy with unions, domains, ranges, inverses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .loader import ONTOLOGY_GRAPH
from .namespaces import OWL, RDF, RDF_TYPE, RDFS, XSD

# Datatypes a literal may carry for a declared range.
COMPATIBLE_DATATYPES: dict[str, frozenset[str]] = {
    XSD + "string": frozenset({XSD + "string"}),
    XSD + "decimal": frozenset({XSD + "decimal", XSD + "integer", XSD + "nonNegativeInteger",
                                XSD + "positiveInteger"}),
    XSD + "integer": frozenset({XSD + "integer", XSD + "nonNegativeInteger", XSD + "positiveInteger"}),
    XSD + "date": frozenset({XSD + "date"}),
}


@dataclass
class OntologyIndex:
    classes: set[str] = field(default_factory=set)
    object_properties: set[str] = field(default_factory=set)
    datatype_properties: set[str] = field(default_factory=set)
    annotation_properties: set[str] = field(default_factory=set)
    individuals: set[str] = field(default_factory=set)
    parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    unions: dict[str, set[str]] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[str, str] = field(default_factory=dict)
    symmetric: set[str] = field(default_factory=set)
    super_properties: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _property_ancestors: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @property
    def properties(self) -> set[str]:
        return self.object_properties | self.datatype_properties | self.annotation_properties

    def ancestors(self, cls: str) -> frozenset[str]:
        """cls and every class above it, through subclass axioms and union membership (memoized)."""
        if cls not in self._ancestors:
            self._ancestors[cls] = frozenset(self._climb_classes(cls))
        return self._ancestors[cls]

    def _climb_classes(self, cls: str) -> set[str]:
        seen = {cls}
        stack = [cls]
        while stack:
            current = stack.pop()
            above = set(self.parents.get(current, ()))
            above |= {union for union, members in self.unions.items() if current in members}
            for parent in above - seen:
                seen.add(parent)
                stack.append(parent)
        return seen

    def property_ancestors(self, prop: str) -> frozenset[str]:
        """prop and every property above it (memoized)."""
        if prop not in self._property_ancestors:
            self._property_ancestors[prop] = frozenset(self._climb_properties(prop))
        return self._property_ancestors[prop]

    def _climb_properties(self, prop: str) -> set[str]:
        seen = {prop}
        stack = [prop]
        while stack:
            for parent in self.super_properties.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    def is_a(self, types: set[str], expected: str) -> bool:
        return any(expected in self.ancestors(t) for t in types)


def _list(store: ox.Store, head: ox.NamedNode | ox.BlankNode) -> list[str]:
    items: list[str] = []
    node: ox.NamedNode | ox.BlankNode | ox.Literal = head
    while isinstance(node, ox.BlankNode | ox.NamedNode) and node.value != RDF + "nil":
        first = next(store.quads_for_pattern(node, ox.NamedNode(RDF + "first"), None, ONTOLOGY_GRAPH), None)
        if first is None:
            break
        items.append(first.object.value)
        rest = next(store.quads_for_pattern(node, ox.NamedNode(RDF + "rest"), None, ONTOLOGY_GRAPH), None)
        if rest is None:
            break
        node = rest.object  # type: ignore[assignment]
    return items


# OWL's own individual axioms: used as properties, never declared (OWL 2 DL forbids redeclaring them)
BUILT_IN_PROPERTIES = frozenset({OWL + "sameAs", OWL + "differentFrom"})


def index_ontology(store: ox.Store) -> OntologyIndex:
    index = OntologyIndex()
    kinds = {
        OWL + "Class": index.classes, RDFS + "Class": index.classes, RDFS + "Datatype": index.classes,
        OWL + "ObjectProperty": index.object_properties, OWL + "DatatypeProperty": index.datatype_properties,
        OWL + "AnnotationProperty": index.annotation_properties, OWL + "NamedIndividual": index.individuals,
    }
    union_of: dict[str, list[str]] = {}
    equivalents: list[tuple[str, ox.NamedNode | ox.BlankNode]] = []
    for quad in store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH):
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if isinstance(s, ox.BlankNode):
            if p == OWL + "unionOf":
                union_of[s.value] = _list(store, o)  # type: ignore[arg-type]
            continue
        subject = s.value
        if p == RDF_TYPE and o.value in kinds:
            kinds[o.value].add(subject)
        elif p == RDF_TYPE and o.value == OWL + "SymmetricProperty":
            index.symmetric.add(subject)
        elif p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value.startswith(("https://w3id.org/kuzbass/",)):
            index.individuals.add(subject)
        elif p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
            index.parents[subject].add(o.value)
        elif p == OWL + "equivalentClass" and isinstance(o, ox.BlankNode):
            equivalents.append((subject, o))
        elif p == RDFS + "domain":
            index.domains[subject].add(o.value)
        elif p == RDFS + "range":
            index.ranges[subject].add(o.value)
        elif p == OWL + "inverseOf":
            index.inverses[subject] = o.value
            index.inverses[o.value] = subject
        elif p == RDFS + "subPropertyOf":
            index.super_properties[subject].add(o.value)
    for named, blank in equivalents:
        if blank.value in union_of:
            index.unions[named] = set(union_of[blank.value])
    index.object_properties |= BUILT_IN_PROPERTIES
    return index
