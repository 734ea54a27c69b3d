"""JSON-LD 1.1 documents compacted with Newsgraph's published ``@context``.

pyoxigraph writes expanded JSON-LD (full IRIs everywhere). Linked Data documents instead use one
context, published at a URL by the server (``/context.jsonld``), so a document reads
``{"@context": {...}, "@graph": [{"id": ..., "type": "Person", "label": "Maulen Ashimbayev"}]}``.
Documents embed the context rather than refer to its URL, so they parse without fetching it
(pyoxigraph, for one, loads no remote context); :meth:`Compactor.serialize` can refer instead.
The context is built from a fixed table for the external vocabularies of the graph contract plus
the ``ng:`` classes and properties the ontology graph declares, so it follows the ontology.
Compaction is rdflib's JSON-LD serializer (``from_rdf``); a property whose values do not fit
its term's coercion falls back to a compact IRI, so nothing is lost.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import rdflib
from pyoxigraph import NamedNode, Triple
from rdflib.plugins.serializers.jsonld import from_rdf
from rdflib.plugins.shared.jsonld.context import Context

from kg.store.rdflib_bridge import to_rdflib_term
from kg.vocab import NG, ONTOLOGY_IRI, OWL, PREFIXES, RDF, RDFS, XSD

_ID = "@id"
#: Terms for the external vocabularies of the graph contract: (term, compact IRI, coercion).
FIXED_TERMS: tuple[tuple[str, str, str | None], ...] = (
    ("label", "rdfs:label", None), ("comment", "rdfs:comment", None),
    ("altLabel", "skos:altLabel", None), ("prefLabel", "skos:prefLabel", None),
    ("seeAlso", "rdfs:seeAlso", _ID), ("sameAs", "owl:sameAs", _ID),
    ("subClassOf", "rdfs:subClassOf", _ID), ("subPropertyOf", "rdfs:subPropertyOf", _ID),
    ("domain", "rdfs:domain", _ID), ("range", "rdfs:range", _ID),
    ("equivalentClass", "owl:equivalentClass", _ID), ("equivalentProperty", "owl:equivalentProperty", _ID),
    ("member", "org:member", _ID), ("organization", "org:organization", _ID), ("role", "org:role", _ID),
    ("hasActor", "sem:hasActor", _ID), ("hasPlace", "sem:hasPlace", _ID),
    ("hasTimeStamp", "sem:hasTimeStamp", "xsd:date"),
    ("wasDerivedFrom", "prov:wasDerivedFrom", _ID), ("wasGeneratedBy", "prov:wasGeneratedBy", _ID),
    ("used", "prov:used", _ID), ("wasAssociatedWith", "prov:wasAssociatedWith", _ID),
    ("headline", "schema:headline", None), ("datePublished", "schema:datePublished", "xsd:date"),
    ("text", "schema:text", None), ("mentions", "schema:mentions", _ID), ("publisher", "schema:publisher", _ID),
    ("identifier", "dcterms:identifier", None), ("modified", "dcterms:modified", "xsd:dateTime"),
    ("beginIndex", "nif:beginIndex", None), ("endIndex", "nif:endIndex", None),
    ("anchorOf", "nif:anchorOf", None), ("isString", "nif:isString", None),
    ("referenceContext", "nif:referenceContext", _ID), ("sourceUrl", "nif:sourceUrl", _ID),
    ("taIdentRef", "itsrdf:taIdentRef", _ID),
    ("primaryTopic", "foaf:primaryTopic", _ID),
)


def build_context(ontology: Iterable[Triple] = ()) -> dict[str, Any]:
    """The ``@context`` object: prefixes, the fixed terms, then the ontology's ``ng:`` terms.

    A ``ng:`` term is the local name; object properties coerce to IRIs, datatype properties whose
    range is one XSD datatype coerce to it. A local name already taken keeps its prefixed form.
    """
    ctx: dict[str, Any] = {"id": "@id", "type": "@type", **PREFIXES, "hydra": "http://www.w3.org/ns/hydra/core#"}
    for term, iri, coercion in FIXED_TERMS:
        ctx[term] = {"@id": iri, "@type": coercion} if coercion else iri
    kinds: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for t in ontology:
        s = t.subject.value
        if not (isinstance(t.subject, NamedNode) and s.startswith(str(NG)) and len(s) > len(str(NG))):
            continue
        if t.predicate == RDF.type:
            kinds.setdefault(s, set()).add(t.object.value)
        elif t.predicate == RDFS.range:
            ranges.setdefault(s, set()).add(t.object.value)
    for iri in sorted(kinds):
        local = iri[len(str(NG)):]
        if local in ctx or not local.replace("_", "").isalnum():
            continue
        types = kinds[iri]
        compact = "ng:" + local
        if OWL.Class.value in types or RDFS.Class.value in types:
            ctx[local] = compact
        elif OWL.ObjectProperty.value in types:
            ctx[local] = {"@id": compact, "@type": _ID}
        elif OWL.DatatypeProperty.value in types:
            rng = ranges.get(iri, set())
            xsd = [r for r in rng if r.startswith(str(XSD))]
            ctx[local] = {"@id": compact, "@type": "xsd:" + xsd[0][len(str(XSD)):]} if len(rng) == 1 and xsd \
                else compact
        elif types & {OWL.AnnotationProperty.value, RDF.Property.value}:
            ctx[local] = compact
    return ctx


class Compactor:
    """Serialise triples as JSON-LD compacted with one context (parsed once, reused)."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context_data = context
        self.context = Context(context)

    def serialize(self, triples: Iterable[Triple], context_url: str | None = None) -> bytes:
        """The document; ``@context`` is ``context_url`` when given (the published context),
        else the context object itself (a self-contained document)."""
        g = rdflib.Graph()
        for t in triples:
            g.add((to_rdflib_term(t.subject), to_rdflib_term(t.predicate), to_rdflib_term(t.object)))
        doc = from_rdf(g, context_data=self.context)
        if not isinstance(doc, dict):
            doc = {"@graph": doc}
        doc.pop("@context", None)
        doc = {"@context": context_url or self.context_data, **doc}
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


__all__ = ["build_context", "Compactor", "ONTOLOGY_IRI"]
