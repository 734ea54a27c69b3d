"""The SPARQL 1.1 Service Description of ``/sparql`` (https://www.w3.org/TR/sparql11-service-description/).

Served for ``GET /sparql`` without a query to every client that is not a browser, in any RDF
format (Turtle by default, JSON-LD...). It declares the union default graph, the result formats,
the dataset (described further by VoID at ``/.well-known/void``) and the endpoint's limits, in
the ``ngs:`` vocabulary (``https://w3id.org/newsgraph/service#``) since SD has no terms for them.
"""
from __future__ import annotations

from flask import Response, request
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg import __version__

from kg.query import formats
from kg.vocab import XSD
from server import current_settings
from server.negotiate import negotiate

SD = "http://www.w3.org/ns/sparql-service-description#"
NGS = "https://w3id.org/newsgraph/service#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCT_TITLE = NamedNode("http://purl.org/dc/terms/title")
VOID = "http://rdfs.org/ns/void#"
#: W3C format IRIs (https://www.w3.org/ns/formats/) of the registry's formats.
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML", "nquads": "N-Quads", "trig": "TriG",
}


def _sd(local: str) -> NamedNode:
    return NamedNode(SD + local)


def _ngs(local: str) -> NamedNode:
    return NamedNode(NGS + local)


def service_triples(root: str) -> list[Triple]:
    """The description of the endpoint served at ``{root}sparql``."""
    s = current_settings()
    svc = NamedNode(root + "sparql")
    dataset = NamedNode(root + ".well-known/void#dataset")
    default_graph = BlankNode()
    t = [
        Triple(svc, RDF_TYPE, _sd("Service")),
        Triple(svc, DCT_TITLE, Literal("Newsgraph SPARQL endpoint")),
        Triple(svc, _sd("endpoint"), svc),
        Triple(svc, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(svc, _sd("feature"), _sd("UnionDefaultGraph")),
        Triple(svc, _sd("defaultEntailmentRegime"), NamedNode("http://www.w3.org/ns/entailment/Simple")),
        Triple(svc, _sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, _sd("Dataset")),
        Triple(dataset, RDF_TYPE, NamedNode(VOID + "Dataset")),
        Triple(dataset, _sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, _sd("Graph")),
        Triple(default_graph, RDFS_COMMENT, Literal(
            "The default graph of every query is the union of all named graphs (one per article, plus the "
            "ontology) unless default-graph-uri names graphs.")),
        Triple(svc, RDFS_COMMENT, Literal(
            "SPARQL 1.1 Protocol. Updates: POST to /update; graphs: the Graph Store Protocol at /store "
            "(both need Authorization: Bearer <token>). The prefixes ng: foaf: org: sem: prov: dcterms: skos: "
            "schema: rdfs: rdf: owl: xsd: nif: itsrdf: may be used without PREFIX lines.")),
        Triple(svc, _ngs("queryTimeout"), Literal(str(s.query_timeout), datatype=XSD.decimal)),
        Triple(svc, _ngs("maxRowsAnonymous"), Literal(str(max(s.max_rows, 0)), datatype=XSD.integer)),
        Triple(svc, _ngs("maxQueryBytes"), Literal(str(s.max_query_bytes), datatype=XSD.integer)),
        Triple(svc, _ngs("maxQueryDepth"), Literal(str(s.max_query_depth), datatype=XSD.integer)),
        Triple(svc, _ngs("software"), Literal(f"Newsgraph {__version__}")),
        Triple(svc, NamedNode(VOID + "sparqlEndpoint"), svc),
    ]
    for fmt in formats.FORMATS:
        if fmt.name in FORMAT_IRIS and (fmt.kinds & {formats.SELECT, formats.ASK, formats.GRAPH}):
            t.append(Triple(svc, _sd("resultFormat"), NamedNode("http://www.w3.org/ns/formats/" + FORMAT_IRIS[fmt.name])))
    update = NamedNode(root + "update")
    t += [
        Triple(update, RDF_TYPE, _sd("Service")),
        Triple(update, _sd("endpoint"), update),
        Triple(update, _sd("supportedLanguage"), _sd("SPARQL11Update")),
        Triple(update, _sd("defaultDataset"), dataset),
    ]
    return [x for x in t if x is not None]


def service_description_response() -> Response:
    fmt = negotiate(request, formats.GRAPH, html=False)
    assert fmt is not None
    import io
    buf = io.BytesIO()
    fmt.render(service_triples(request.host_url), buf)
    return Response(buf.getvalue(), content_type=fmt.content_type)
