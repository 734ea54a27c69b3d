"""The SPARQL 1.1 Protocol query operation at ``/sparql`` (GET, POST form, POST direct, HEAD, OPTIONS).

https://www.w3.org/TR/sparql11-protocol/#query-operation. The default graph is the union of all
graphs unless ``default-graph-uri`` names graphs; ``named-graph-uri`` restricts GRAPH. The result
format comes from ``?format=`` or the Accept header (``Vary: Accept``); a malformed query is a 400
carrying the parser's message, an Accept no format satisfies a 406, a body of another media type a
415. Queries run in the executor (:mod:`kg.query.executor`): under ``KG_QUERY_TIMEOUT`` (504 past it),
streamed, capped at ``KG_MAX_ROWS`` rows for requests without the write token (said in the
``X-Row-Limit``/``X-Truncated`` headers and, for JSON and XML, in the results' head ``link``).
Without a query, a browser gets the query editor and any other client the Service Description.
An update is never run here: updates go to ``/update``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from pyoxigraph import RdfFormat, parse, parse_query_results, QueryResultsFormat

from kg.query import formats
from kg.errors import BadRequest, NewsgraphError, UnknownFormat, UnsupportedMediaType
from kg.query.executor import QueryJob
from kg.sparql.limits import check_depth
from kg.query.tables import term_text
from server import current_settings
from server.negotiate import negotiate, wants_html
from server.protocol import QueryLog, StreamBody, current_executor, has_write_token, read_text_body

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
#: Rows shown on an HTML results page (the formats for programs carry up to KG_MAX_ROWS).
HTML_ROWS = 2000


def read_query() -> tuple[str | None, list[str], list[str]]:
    """The query and dataset parameters of a protocol request, whichever of the 3 forms it uses."""
    limit = current_settings().max_query_bytes
    defaults = request.args.getlist("default-graph-uri")
    nameds = request.args.getlist("named-graph-uri")
    if request.method == "POST":
        if request.mimetype == FORM:
            if request.content_length is not None and request.content_length > limit + 4096:
                read_text_body((FORM,), limit)  # raises 413
            queries = request.form.getlist("query")
            defaults = defaults + request.form.getlist("default-graph-uri")
            nameds = nameds + request.form.getlist("named-graph-uri")
            if request.form.getlist("update"):
                raise BadRequest("this is the query endpoint: send updates to /update")
        elif request.mimetype == DIRECT:
            queries = [read_text_body((DIRECT,), limit)]
        else:
            raise UnsupportedMediaType(f"POST a query as {FORM} (query=...) or as {DIRECT}; "
                                       f"got {request.mimetype or 'no Content-Type'}")
        if "query" in request.args:
            raise BadRequest("give the query once: in the URL or in the body, not both")
    else:
        queries = request.args.getlist("query")
    if len(queries) > 1:
        raise BadRequest("more than one query parameter")
    query = queries[0] if queries else None
    if query is not None:
        if len(query.encode("utf-8", "replace")) > limit:
            from kg.errors import PayloadTooLarge
            raise PayloadTooLarge(f"the query is over {limit} bytes (KG_MAX_QUERY_BYTES)")
        if not query.strip():
            raise BadRequest("the query is empty")
        check_depth(query, current_settings().max_query_depth)
    for iri in defaults + nameds:
        _check_iri(iri)
    return query, defaults, nameds


def _check_iri(iri: str) -> None:
    from pyoxigraph import NamedNode
    try:
        NamedNode(iri)
    except ValueError as e:
        raise BadRequest(f"not an absolute IRI: {iri[:200]!r} ({e})") from None


def choose_formats() -> tuple[dict[str, str], dict[str, str]]:
    """For each result kind, the negotiated format name (``html`` for a page) or the 406 message."""
    explicit = request.values.get("format")
    if explicit and explicit.lower() not in ("html", "text/html"):
        formats.get(explicit)  # an unknown name is a 400 whatever the query
    chosen: dict[str, str] = {}
    refused: dict[str, str] = {}
    for kind in (formats.SELECT, formats.ASK, formats.GRAPH):
        try:
            fmt = negotiate(request, kind)
        except NewsgraphError as e:
            refused[kind] = str(e)
            continue
        chosen[kind] = "html" if fmt is None else fmt.name
    return chosen, refused


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query, defaults, nameds = read_query()
    if query is None:
        if request.method == "POST":
            raise BadRequest("no query: give a 'query' parameter (form) or the query as the body "
                             f"({DIRECT})")
        return service_description_or_editor()
    return run_query(query, defaults=defaults, nameds=nameds)




def run_query(query: str, *, defaults: list[str] | None = None, nameds: list[str] | None = None,
              substitutions: dict[str, Any] | None = None, op: str = "query") -> Response:
    """Run a query through the executor and answer in the negotiated format (streamed)."""
    settings = current_settings()
    qlog = QueryLog(op, query)
    try:
        chosen, refused = choose_formats()
        uncapped = has_write_token() or settings.max_rows <= 0
        html = "html" in chosen.values()
        max_rows = None if uncapped else settings.max_rows
        job = QueryJob(query=query, formats=chosen, refusals=refused, default_graph=defaults or None,
                       named_graphs=nameds or None, substitutions=substitutions,
                       base_iri=request.base_url, max_rows=max_rows,
                       truncation_link=request.host_url + "sparql#limits")
        if html:  # a page shows at most HTML_ROWS rows (the cap then also applies to other kinds' formats)
            job.max_rows = HTML_ROWS if max_rows is None else min(max_rows, HTML_ROWS)
        execution = current_executor().run(job)
    except NewsgraphError as e:
        qlog.done(e.status, error=type(e).__name__)
        raise
    out = execution.outcome
    if chosen.get(out.kind) == "html":
        body = b"".join(execution)
        execution.close()
        qlog.done(200, out.rows, format="html", truncated=int(out.truncated))
        resp = _html_page(out.kind, body, query, job.max_rows if out.truncated else None)
    else:
        fmt = formats.get(out.format)
        resp = Response(StreamBody(execution, qlog), content_type=fmt.content_type, direct_passthrough=True)
    resp.headers["Vary"] = "Accept"
    resp.headers["X-Query-Hash"] = qlog.hash
    if job.max_rows is not None:
        resp.headers["X-Row-Limit"] = str(job.max_rows)
    if out.truncated:
        resp.headers["X-Truncated"] = "true"
    return resp


def _html_page(kind: str, body: bytes, query: str, cut_at: int | None) -> Response:
    if kind == formats.GRAPH:
        result: Any = list(parse(body, format=RdfFormat.N_TRIPLES))
        variables: list[str] = []
    else:
        result = parse_query_results(body, format=QueryResultsFormat.JSON)
        variables = [v.value for v in result.variables] if kind == formats.SELECT else []
        if kind == formats.SELECT:
            result = list(result)
    html = render_template("results.html", kind=kind, result=result, term_text=term_text, query=query,
                           variables=variables, truncated_at=cut_at)
    return Response(html, content_type="text/html; charset=utf-8")


def service_description_or_editor() -> Response:
    """``GET /sparql`` without a query: the editor for browsers, the Service Description otherwise."""
    explicit = request.args.get("format")
    description_types = [mt for f in formats.for_kind(formats.GRAPH) for mt in f.media_types]
    if explicit in ("html", "text/html") or not explicit and wants_html(request, description_types):
        from server.editor import editor_page
        resp = editor_page()
    else:
        from server.service_description import service_description_response
        try:
            resp = service_description_response()
        except UnknownFormat as e:
            raise BadRequest(f"no query given, and the Service Description cannot be written that way: {e}") from None
    resp.headers["Vary"] = "Accept"
    return resp
