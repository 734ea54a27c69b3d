"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store``.

https://www.w3.org/TR/sparql11-http-rdf-update/. A graph is named indirectly (``/store?graph=IRI``
or ``/store?default``) or directly (``/store/anything``: the graph whose IRI is that URL). GET and
HEAD read (open to all, streamed through the executor); PUT replaces, POST adds (POST to ``/store``
alone creates a new graph and answers 201 with its IRI in ``Location``), DELETE drops. Writes
need the bearer token (``server/auth.py``) and bump the store's data version.

``?default`` is the store's real default graph (empty unless written here), not the union of all
graphs that queries see as their default graph: GSP is about stored graphs.
"""
from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, request
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, parse

from kg.query import formats
from kg.errors import BadRequest, NewsgraphError, NotFound, UnsupportedMediaType
from kg.query.executor import QueryJob
from server import current_store
from server.auth import check_write_token
from server.negotiate import negotiate
from server.protocol import QueryLog, StreamBody, current_executor

bp = Blueprint("gsp", __name__)

METHODS = ["GET", "PUT", "POST", "DELETE"]
_ALL = object()  # POST to the store itself: a new graph


def _graph_iri(rest: str | None) -> Any:
    """The graph a request addresses: an IRI, None for the default graph, or _ALL."""
    if rest is not None:
        if "graph" in request.args or "default" in request.args:
            raise BadRequest("a graph URL (direct identification) takes no ?graph= or ?default")
        return request.base_url
    graphs = request.args.getlist("graph")
    if "default" in request.args:
        if graphs:
            raise BadRequest("give ?graph=IRI or ?default, not both")
        return None
    if len(graphs) > 1:
        raise BadRequest("give one ?graph= parameter")
    if not graphs:
        return _ALL
    iri = graphs[0]
    try:
        NamedNode(iri)
    except ValueError as e:
        raise BadRequest(f"?graph= must be an absolute IRI: {iri[:200]!r} ({e})") from None
    if ":" not in iri:
        raise BadRequest(f"?graph= must be an absolute IRI: {iri[:200]!r}")
    return iri


def _parse_body(base: str) -> list[Any]:
    """The triples of the request body (one RDF document, or the parts of a multipart/form-data)."""
    parts: list[tuple[str, bytes]]
    if request.mimetype == "multipart/form-data":
        parts = [(f.mimetype, f.read()) for f in request.files.values()]
        if not parts:
            raise BadRequest("the multipart body holds no RDF file")
    else:
        parts = [(request.mimetype, request.get_data())]
    triples: list[Any] = []
    for mimetype, data in parts:
        fmt = RdfFormat.from_media_type(mimetype) if mimetype else None
        # JSON-LD may hold named graphs too, but a graph's body is one graph: only its default one
        if fmt is None or (fmt.supports_datasets and fmt != RdfFormat.JSON_LD):
            raise UnsupportedMediaType(
                f"send the graph as Turtle, N-Triples, RDF/XML, JSON-LD or N3; got {mimetype or 'no Content-Type'}")
        try:
            quads = list(parse(data, format=fmt, base_iri=base))
        except SyntaxError as e:
            raise BadRequest(f"the {fmt.name} body does not parse: {e}") from None
        if any(not isinstance(q.graph_name, DefaultGraph) for q in quads):
            raise BadRequest("the body names graphs of its own; send one graph (its triples) to one graph IRI")
        triples.extend(q.triple for q in quads)
    return triples


@bp.route("/store", methods=METHODS, defaults={"rest": None})
@bp.route("/store/<path:rest>", methods=METHODS)
def graph_store(rest: str | None) -> Response:
    graph = _graph_iri(rest)
    if request.method in ("GET", "HEAD"):
        if graph is _ALL:
            raise BadRequest("name a graph: /store?graph=IRI or /store?default")
        return _get(graph)
    check_write_token()
    store = current_store()
    qlog = QueryLog("gsp-" + request.method.lower(), f"{request.method} {graph if graph is not _ALL else ''}")
    try:
        if request.method == "DELETE":
            if graph is _ALL:
                raise BadRequest("name the graph to delete: /store?graph=IRI or /store?default")
            if not store.delete_graph(graph):
                raise NotFound(f"no graph <{graph}> in the store")
            resp = Response(status=204)
        elif request.method == "PUT":
            if graph is _ALL:
                raise BadRequest("name the graph to replace: /store?graph=IRI or /store?default")
            created = store.put_graph(graph, _parse_body(graph or request.base_url))
            resp = Response(status=201 if created else 204)
        else:  # POST
            location = None
            if graph is _ALL:
                graph = location = request.host_url + "store/" + uuid.uuid4().hex
            created = store.post_graph(graph, _parse_body(graph or request.base_url))
            resp = Response(status=201 if created else 204)
            if location:
                resp.headers["Location"] = location
    except NewsgraphError as e:
        qlog.done(e.status, error=type(e).__name__)
        raise
    qlog.done(resp.status_code)
    return resp


def _get(graph: str | None) -> Response:
    qlog = QueryLog("gsp-get", f"GET {graph or ''}")
    try:
        if not current_store().has_graph(graph):
            raise NotFound(f"no graph <{graph}> in the store")
        fmt = negotiate(request, formats.GRAPH, html=False)
        assert fmt is not None
        job = QueryJob(query="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", formats={formats.GRAPH: fmt.name},
                       default_graph=[graph or ""], max_rows=None)
        execution = current_executor().run(job)
    except NewsgraphError as e:
        qlog.done(e.status, error=type(e).__name__)
        raise

    resp = Response(StreamBody(execution, qlog), content_type=fmt.content_type, direct_passthrough=True)
    resp.headers["Vary"] = "Accept"
    return resp


