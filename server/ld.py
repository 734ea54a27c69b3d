"""Linked Data: every IRI under the base dereferences (``/id/...``), and so does the ontology.

Content negotiation picks Turtle, N-Triples, JSON-LD, RDF/XML or an HTML page; an IRI the graph
does not know is a 404.
"""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, render_template, request
from pyoxigraph import NamedNode

from kg import formats
from kg.describe import describe, label_of, types_of
from kg.errors import NotFound
from kg.tables import term_text
from kg.vocab import ONTOLOGY_IRI, RDF, RDFS
from server import current_minter, current_store
from server.negotiate import negotiate

bp = Blueprint("ld", __name__)


def _rdf_response(triples, fmt: formats.Format) -> Response:
    buf = io.BytesIO()
    fmt.render(triples, buf)
    resp = Response(buf.getvalue(), content_type=fmt.content_type)
    resp.headers["Vary"] = "Accept"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def local_href(iri: str) -> str:
    """Links to IRIs under our base stay on this server, wherever it runs."""
    base = current_minter().base
    return "/" + iri[len(base):] if iri.startswith(base) else iri


def resource_response(iri: str) -> Response:
    d = describe(current_store(), iri)
    if not d.exists:
        raise NotFound(f"the graph holds nothing about <{iri}>")
    fmt = negotiate(request, formats.GRAPH)
    if fmt is not None:
        return _rdf_response(d.all_triples(), fmt)
    node = NamedNode(iri)
    outgoing = [t for t in d.triples if t.subject == node]
    html = render_template(
        "resource.html", d=d, iri=iri, label=label_of(d, node) or iri.rsplit("/", 1)[-1],
        types=types_of(d, node), outgoing=outgoing, inbound=d.inbound, term_text=term_text,
        label_of=lambda t: label_of(d, t), href=local_href, RDF_TYPE=RDF.type, RDFS_LABEL=RDFS.label,
    )
    resp = Response(html, content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept"
    for f in formats.for_kind(formats.GRAPH):
        resp.headers.add("Link", f'<{request.path}?format={f.name}>; rel="alternate"; type="{f.media_type}"')
    return resp


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    return resource_response(current_minter().id + rest)


@bp.get("/ontology")
def ontology() -> Response:
    store = current_store()
    fmt = negotiate(request, formats.GRAPH)
    triples = list(store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                               substitutions={"g": NamedNode(ONTOLOGY_IRI)}))
    if not triples:
        abort(404)
    if fmt is not None:
        return _rdf_response(triples, fmt)
    classes, props = {}, {}
    for t in triples:
        if t.predicate == RDF.type and t.object.value.endswith(("#Class",)) and t.subject.value.startswith(ONTOLOGY_IRI):
            classes[t.subject.value] = []
        if t.predicate == RDF.type and t.object.value.endswith(("ObjectProperty", "DatatypeProperty")) \
                and t.subject.value.startswith(ONTOLOGY_IRI):
            props[t.subject.value] = []
    for t in triples:
        if t.subject.value in classes:
            classes[t.subject.value].append(t)
        if t.subject.value in props:
            props[t.subject.value].append(t)
    html = render_template("ontology.html", classes=classes, props=props, term_text=term_text, iri=ONTOLOGY_IRI)
    resp = Response(html, content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept"
    return resp
