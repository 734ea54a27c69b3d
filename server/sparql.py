"""The SPARQL 1.1 Protocol query operation at ``/sparql`` (GET, POST form, POST direct).

https://www.w3.org/TR/sparql11-protocol/#query-operation. The default graph is the union of all
graphs unless ``default-graph-uri`` names graphs; ``named-graph-uri`` restricts GRAPH. A malformed
query is a 400 carrying the parser's message; an Accept that no result format satisfies is a 406.
"""
from __future__ import annotations

import io

from flask import Blueprint, Response, render_template, request

from kg import formats
from kg.errors import BadRequest
from kg.tables import term_text
from server import current_store
from server.negotiate import negotiate

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


def read_query() -> tuple[str | None, list[str], list[str]]:
    """The query and dataset parameters of a protocol request, whichever of the 3 forms it uses."""
    if request.method == "POST":
        if request.mimetype == FORM:
            src = request.form
            query = src.get("query")
            defaults, nameds = src.getlist("default-graph-uri"), src.getlist("named-graph-uri")
        elif request.mimetype == DIRECT:
            try:
                query = request.get_data(as_text=False).decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest("the query body is not valid UTF-8") from None
            defaults = request.args.getlist("default-graph-uri")
            nameds = request.args.getlist("named-graph-uri")
        else:
            raise BadRequest(f"POST a query as {FORM} (query=...) or as {DIRECT}; got {request.mimetype or 'no Content-Type'}")
        if "query" in request.args and query is not None:
            raise BadRequest("give the query once: in the URL or in the body, not both")
    else:
        query = request.args.get("query")
        defaults = request.args.getlist("default-graph-uri")
        nameds = request.args.getlist("named-graph-uri")
    if request.method == "GET" and len(request.args.getlist("query")) > 1:
        raise BadRequest("more than one query parameter")
    return query, defaults, nameds


def render_result(result, kind: str, query: str = "") -> Response:
    """Serialise a query result in the negotiated format (HTML for browsers)."""
    fmt = negotiate(request, kind)
    if fmt is None:
        html = render_template("results.html", kind=kind, result=result, term_text=term_text, query=query,
                               variables=[v.value for v in result.variables] if kind == formats.SELECT else [])
        resp = Response(html, content_type="text/html; charset=utf-8")
    else:
        buf = io.BytesIO()
        fmt.render(result, buf)
        resp = Response(buf.getvalue(), content_type=fmt.content_type)
    resp.headers["Vary"] = "Accept"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query, defaults, nameds = read_query()
    if query is None:
        return render_template("sparql.html") if request.method == "GET" else _missing()
    result = current_store().query(query, default_graph=defaults or None, named_graphs=nameds or None)
    return render_result(result, formats.kind_of(result), query)


def _missing():
    raise BadRequest("no query: give a 'query' parameter")
