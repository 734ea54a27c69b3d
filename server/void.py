"""A VoID description of the dataset at ``/.well-known/void`` (https://www.w3.org/TR/void/, section 7).

Counts of triples, typed entities, entities by class (``void:classPartition``) and articles
(``void:documents``), the links to GeoNames (a ``void:Linkset``), the SPARQL endpoint, the URI space and the vocabulary. The counts are
computed on the store and cached until its data version changes.
"""
from __future__ import annotations

import io
import threading

from flask import Blueprint, Response, current_app, request
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.query import formats
from kg.vocab import DCTERMS, NG, ONTOLOGY_IRI, OWL, RDF, VOID, XSD
from server import current_minter, current_store
from server.negotiate import negotiate

bp = Blueprint("void", __name__)
_lock = threading.Lock()

_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c"
_ENTITIES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c }"
_ARTICLES = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ng:Article }"
_GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { } }"
_GEONAMES_LINKS = """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE {
  ?s owl:sameAs ?o FILTER(STRSTARTS(STR(?o), "https://sws.geonames.org/")) } }"""
GEONAMES_DATASET = "https://www.geonames.org/"


def _count(store, query: str) -> int:
    row = next(iter(store.query(query)))
    return int(row["n"].value)


def _integer(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.integer)


def void_triples(root: str) -> list[Triple]:
    """The VoID description, for a server whose URLs start with ``root``."""
    store = current_store()
    ds = NamedNode(root + ".well-known/void#dataset")
    t = [
        Triple(ds, RDF.type, VOID.Dataset),
        Triple(ds, DCTERMS.term("title"), Literal("Newsgraph: a knowledge graph of news articles")),
        Triple(ds, DCTERMS.description, Literal(
            "Actors, roles, organizations and events extracted from news articles; one named graph per article.")),
        Triple(ds, VOID.sparqlEndpoint, NamedNode(root + "sparql")),
        Triple(ds, VOID.uriSpace, Literal(current_minter().base + "id/")),
        Triple(ds, VOID.vocabulary, NamedNode(str(NG))),
        Triple(ds, VOID.vocabulary, NamedNode("http://www.w3.org/ns/org#")),
        Triple(ds, VOID.vocabulary, NamedNode("http://semanticweb.cs.vu.nl/2009/11/sem/")),
        Triple(ds, VOID.rootResource, NamedNode(ONTOLOGY_IRI)),
        Triple(ds, VOID.triples, _integer(_count(store, _TRIPLES))),
        Triple(ds, VOID.entities, _integer(_count(store, _ENTITIES))),
        Triple(ds, VOID.documents, _integer(_count(store, _ARTICLES))),
        Triple(ds, NamedNode("https://w3id.org/newsgraph/service#namedGraphs"), _integer(_count(store, _GRAPHS))),
    ]
    links = BlankNode()   # the places linked to GeoNames (kg.resolve.gazetteer)
    t += [Triple(ds, VOID.subset, links), Triple(links, RDF.type, VOID.Linkset),
          Triple(links, VOID.linkPredicate, OWL.sameAs), Triple(links, VOID.subjectsTarget, ds),
          Triple(links, VOID.objectsTarget, NamedNode(GEONAMES_DATASET)),
          Triple(links, VOID.triples, _integer(_count(store, _GEONAMES_LINKS)))]
    for row in store.query(_CLASSES):
        part = BlankNode()
        t += [Triple(ds, VOID.classPartition, part), Triple(part, VOID.term("class"), row["c"]),
              Triple(part, VOID.entities, _integer(int(row["n"].value)))]
    return t


@bp.get("/.well-known/void")
def void() -> Response:
    fmt = negotiate(request, formats.GRAPH, html=False)
    assert fmt is not None
    store = current_store()
    key = (store.data_version, request.host_url)
    with _lock:
        cached = current_app.extensions.get("kg_void_cache")
        if cached is None or cached[0] != key:
            cached = (key, void_triples(request.host_url))
            current_app.extensions["kg_void_cache"] = cached
    buf = io.BytesIO()
    fmt.render(cached[1], buf)
    resp = Response(buf.getvalue(), content_type=fmt.content_type)
    resp.headers["Vary"] = "Accept"
    return resp


