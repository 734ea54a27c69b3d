"""Article graphs as rdflib graphs, for the tools that need rdflib (SHACL, OWL reasoning, docs).

The store keeps pyoxigraph terms; pyshacl, owlrl and owlready2 read rdflib graphs. This module is
the one bridge: it parses the ontology file, converts quads term by term (no serialise/parse round
trip) and reads the article graphs of a store, whole or as a sample.
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple
from rdflib import RDFS

from kg.store import Store

from kg.resources import ONTOLOGY_FILE
from kg.vocab import PREFIXES


_XSD_STRING = str(rdflib.XSD.string)
#: Prefixes for showing terms to people: the query prefixes plus the ontology's other vocabularies.
DISPLAY_PREFIXES = {**PREFIXES, "time": "http://www.w3.org/2006/time#", "vann": "http://purl.org/vocab/vann/",
                    "sh": "http://www.w3.org/ns/shacl#"}


@dataclass
class ArticleGraph:
    """One article's named graph: its IRI (the graph name), its identifier and its triples."""

    iri: str
    identifier: str
    graph: rdflib.Graph


def to_rdflib_term(term):
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # rdflib's plain literal is RDF 1.1's xsd:string
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r} to rdflib")


def to_oxigraph_term(term):
    """An rdflib term as the equal pyoxigraph term."""
    if isinstance(term, rdflib.URIRef):
        return NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return Literal(str(term), language=term.language)
        return Literal(str(term), datatype=NamedNode(str(term.datatype or rdflib.XSD.string)))
    raise TypeError(f"cannot convert {term!r} to pyoxigraph")


def to_rdflib(triples: Iterable[Quad | Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Add pyoxigraph triples or quads (their graph name dropped) to an rdflib graph."""
    g = graph if graph is not None else rdflib.Graph()
    for t in triples:
        g.add((to_rdflib_term(t.subject), to_rdflib_term(t.predicate), to_rdflib_term(t.object)))
    return g


def compact(term: rdflib.term.Node | None) -> str:
    """A term as a reader wants it: ``ng:Person``, ``<http://…/id/person/x>``, ``"text"``."""
    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        iri = str(term)
        for prefix, ns in DISPLAY_PREFIXES.items():
            if iri.startswith(ns) and iri[len(ns):].replace("_", "a").replace("-", "a").isalnum():
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"
    if isinstance(term, rdflib.Literal):
        text = str(term)
        return repr(text if len(text) <= 60 else text[:57] + "...")
    return str(term)


@lru_cache(maxsize=4)
def _parse_ontology(path: str, mtime: float) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def ontology_graph(path: Path = ONTOLOGY_FILE) -> rdflib.Graph:
    """The ontology file as an rdflib graph (parsed once per file version; do not modify it)."""
    return _parse_ontology(str(path), path.stat().st_mtime)


def class_hierarchy(ontology: rdflib.Graph) -> rdflib.Graph:
    """Only the rdfs:subClassOf triples between named classes: all SHACL needs from the ontology."""
    g = rdflib.Graph()
    for s, o in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
            g.add((s, RDFS.subClassOf, o))
    return g


def article_iris(store: Store, identifiers: Sequence[str] | None = None,
                 sample: int | None = None, seed: int = 0) -> list[tuple[str, str]]:
    """(IRI, identifier) of the stored articles: all, those named, or a reproducible random sample."""
    rows = store.query("SELECT ?g ?id WHERE { GRAPH ?g { ?g a ng:Article ; dcterms:identifier ?id } } ORDER BY ?id")
    found = [(r["g"].value, r["id"].value) for r in rows]
    if identifiers:
        wanted = set(identifiers)
        found = [f for f in found if f[1] in wanted]
        missing = wanted - {f[1] for f in found}
        if missing:
            from kg.errors import NotFound
            raise NotFound(f"no article with identifier {', '.join(sorted(missing))} in the store")
    if sample is not None and sample < len(found):
        found = sorted(random.Random(seed).sample(found, sample), key=lambda f: f[1])
    return found


def article_graph(store: Store, iri: str, identifier: str) -> ArticleGraph:
    """One article's named graph as an rdflib graph."""
    quads = store.quads(None, None, None, NamedNode(iri))
    return ArticleGraph(iri, identifier, to_rdflib(quads))


def article_graphs(store: Store, identifiers: Sequence[str] | None = None,
                   sample: int | None = None, seed: int = 0) -> Iterable[ArticleGraph]:
    """The article graphs of a store, one at a time (see :func:`article_iris` for the selection)."""
    for iri, identifier in article_iris(store, identifiers, sample, seed):
        yield article_graph(store, iri, identifier)
