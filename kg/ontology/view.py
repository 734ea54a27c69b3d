"""The ontology as documentation: its classes, properties and individuals, with their alignments.

Read from the ontology graph in the store (whatever ``ontology/newsgraph.ttl`` holds when it was
loaded), so the served documentation follows the ontology. Each ``ng:`` term's anchor is its
local name, which is how its hash IRI (``https://w3id.org/newsgraph/ontology#Meeting``)
dereferences: to the ``Meeting`` section of the HTML document. External terms the ontology
declares (``foaf:Person``...) are listed apart, anchored by their prefixed name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from kg.query.tables import term_text
from kg.vocab import DCTERMS, NG, ONTOLOGY_IRI, OWL, RDF, RDFS, SKOS

_KINDS = {
    OWL.Class.value: "class", RDFS.Class.value: "class",
    OWL.ObjectProperty.value: "object property", OWL.DatatypeProperty.value: "datatype property",
    OWL.AnnotationProperty.value: "annotation property", RDF.Property.value: "property",
}
_CHARACTERISTICS = {OWL.FunctionalProperty.value, OWL.InverseFunctionalProperty.value,
                    OWL.TransitiveProperty.value, OWL.SymmetricProperty.value}
#: Predicates shown in their own rows; anything else the ontology says is listed as "other".
_SHOWN = {RDF.type, RDFS.label, RDFS.comment, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
          OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf, SKOS.definition}


@dataclass
class TermDoc:
    iri: str
    anchor: str
    name: str                                  # ng:Meeting, foaf:Person
    kind: str
    label: str | None = None
    comment: str | None = None
    characteristics: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)          # subClassOf / subPropertyOf
    children: list[str] = field(default_factory=list)
    equivalents: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)       # for a class: properties with it as domain
    used_as_range: list[str] = field(default_factory=list)
    instances: list[str] = field(default_factory=list)
    other: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def alignments(self) -> list[tuple[str, str]]:
        """(IRI, relation) for parents and equivalents in other vocabularies: how the term maps
        to FOAF, ORG, SEM, schema.org..."""
        sub = "subclass of" if self.kind == "class" else "subproperty of"
        return [(x, sub) for x in self.parents if not x.startswith(str(NG))] + \
               [(x, "equivalent") for x in self.equivalents if not x.startswith(str(NG))]

    @property
    def own_parents(self) -> list[str]:
        """Parents in the ontology's own namespace (the others are :attr:`alignments`)."""
        return [x for x in self.parents if x.startswith(str(NG))]

    @property
    def own_equivalents(self) -> list[str]:
        return [x for x in self.equivalents if x.startswith(str(NG))]


@dataclass
class OntologyDoc:
    iri: str
    title: str
    comment: str | None
    header: list[tuple[str, Any]]
    classes: list[TermDoc]
    properties: list[TermDoc]
    individuals: list[TermDoc]
    external: list[TermDoc]

    def anchor(self, iri: str) -> str | None:
        """The anchor of a term documented here (for links inside the page), else None."""
        for t in self.classes + self.properties + self.individuals + self.external:
            if t.iri == iri:
                return t.anchor
        return None


def _text(values: list[Any]) -> str | None:
    """An English literal if there is one, else the first."""
    lits = [v for v in values if isinstance(v, Literal)]
    for v in lits:
        if v.language in (None, "en"):
            return v.value
    return lits[0].value if lits else None


def document_ontology(triples: list[Triple]) -> OntologyDoc:
    """Group the ontology's triples into documented terms (sorted by name)."""
    props: dict[str, dict[NamedNode, list[Any]]] = {}
    for t in triples:
        if isinstance(t.subject, NamedNode):
            props.setdefault(t.subject.value, {}).setdefault(t.predicate, []).append(t.object)
    header = props.pop(ONTOLOGY_IRI, {})
    terms: dict[str, TermDoc] = {}
    for iri, p in props.items():
        types = {o.value for o in p.get(RDF.type, [])}
        kind = next((_KINDS[t] for t in types if t in _KINDS), None)
        if kind is None:
            kind = "individual"
        local = iri[len(str(NG)):] if iri.startswith(str(NG)) else None
        doc = TermDoc(iri=iri, anchor=local or term_text(NamedNode(iri)), name=term_text(NamedNode(iri)),
                      kind=kind, label=_text(p.get(RDFS.label, [])),
                      comment=_text(p.get(RDFS.comment, []) + p.get(SKOS.definition, [])))
        doc.characteristics = sorted(term_text(NamedNode(t)) for t in types if t in _CHARACTERISTICS)
        doc.parents = [o.value for o in p.get(RDFS.subClassOf, []) + p.get(RDFS.subPropertyOf, [])
                       if isinstance(o, NamedNode)]
        doc.equivalents = [o.value for o in p.get(OWL.equivalentClass, []) + p.get(OWL.equivalentProperty, [])
                           if isinstance(o, NamedNode)]
        doc.inverse = [o.value for o in p.get(OWL.inverseOf, []) if isinstance(o, NamedNode)]
        doc.domain = [o.value for o in p.get(RDFS.domain, []) if isinstance(o, NamedNode)]
        doc.range = [o.value for o in p.get(RDFS.range, []) if isinstance(o, NamedNode)]
        if kind == "individual":
            doc.kind = "individual of " + ", ".join(sorted(term_text(NamedNode(t)) for t in types))
        doc.other = [(term_text(pred), o) for pred, objs in sorted(p.items(), key=lambda x: x[0].value)
                     if pred not in _SHOWN for o in objs]
        terms[iri] = doc
    for doc in terms.values():
        for parent in doc.parents:
            if parent in terms:
                terms[parent].children.append(doc.iri)
        for c in doc.domain:
            if c in terms:
                terms[c].properties.append(doc.iri)
        for c in doc.range:
            if c in terms:
                terms[c].used_as_range.append(doc.iri)
        if doc.kind.startswith("individual"):
            for t in props[doc.iri].get(RDF.type, []):
                if t.value in terms:
                    terms[t.value].instances.append(doc.iri)

    def ours(t: TermDoc) -> bool:
        return t.iri.startswith(str(NG))

    def by_name(ts: list[TermDoc]) -> list[TermDoc]:
        return sorted(ts, key=lambda t: t.name.lower())

    return OntologyDoc(
        iri=ONTOLOGY_IRI,
        title=_text(header.get(DCTERMS.title, []) + header.get(RDFS.label, [])) or "Ontology",
        comment=_text(header.get(RDFS.comment, []) + header.get(DCTERMS.description, [])),
        header=[(term_text(p), o) for p, objs in sorted(header.items(), key=lambda x: x[0].value)
                if p not in (RDFS.comment, RDF.type) for o in objs],
        classes=by_name([t for t in terms.values() if ours(t) and t.kind == "class"]),
        properties=by_name([t for t in terms.values() if ours(t) and "property" in t.kind]),
        individuals=by_name([t for t in terms.values() if ours(t) and t.kind.startswith("individual")]),
        external=by_name([t for t in terms.values() if not ours(t)]),
    )
