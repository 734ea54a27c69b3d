"""The vocabularies of the graph contract (DESIGN.md), as pyoxigraph terms.

One place for every namespace, so no module spells an IRI by hand.
"""
from __future__ import annotations

from pyoxigraph import NamedNode


class Namespace(str):
    """``NG.Meeting`` -> ``NamedNode("https://w3id.org/newsgraph/ontology#Meeting")`` (cached)."""

    _cache: dict[str, NamedNode]

    def __new__(cls, iri: str) -> "Namespace":
        ns = super().__new__(cls, iri)
        ns._cache = {}
        return ns

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = self.term(name)
        object.__setattr__(self, name, node)  # later reads skip __getattr__ (mapping's hot path)
        return node

    def term(self, name: str) -> NamedNode:
        node = self._cache.get(name)
        if node is None:
            node = self._cache[name] = NamedNode(str(self) + name)
        return node


ONTOLOGY_IRI = "https://w3id.org/newsgraph/ontology"
NG = Namespace(ONTOLOGY_IRI + "#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SCHEMA = Namespace("http://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

#: The classes an entity of each kind is typed with: Newsgraph's own first, then the W3C/FOAF/
#: schema.org class it is also typed with, so plain queries find it without reasoning.
ENTITY_TYPES: dict[str, tuple[NamedNode, ...]] = {
    "Person": (NG.Person, FOAF.Person), "Organization": (NG.Organization, ORG.Organization),
    "Place": (NG.Place, SCHEMA.Place)}

#: Prefixes offered to query authors (the CLI, the server and canned queries all use these).
PREFIXES: dict[str, str] = {
    "ng": str(NG), "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD),
    "foaf": str(FOAF), "org": str(ORG), "sem": str(SEM), "prov": str(PROV), "dcterms": str(DCTERMS),
    "skos": str(SKOS), "schema": str(SCHEMA), "nif": str(NIF), "itsrdf": str(ITSRDF), "geo": str(GEO),
}


def sparql_prefixes() -> str:
    """The PREFIX lines for :data:`PREFIXES`."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
