"""In-process query results as HTTP responses: the negotiated format, or an HTML table for
browsers. For the server's own fixed queries (canned reports, Linked Data pages); user queries go
through :mod:`server.sparql` and the query workers."""
from __future__ import annotations

import io
from typing import Any

from flask import Response, render_template, request

from kg.query import formats
from kg.query.tables import term_text
from server.negotiate import negotiate


def render_result(result: Any, kind: str, query: str = "") -> Response:
    """Serialise an in-process query result in the negotiated format (HTML for browsers).

    For callers that run their own fixed queries in-thread (canned reports, Linked Data pages);
    user queries go through :func:`server.sparql.run_query` and the executor.
    """
    fmt = negotiate(request, kind)
    if fmt is None:
        html = render_template("results.html", kind=kind, result=result, term_text=term_text, query=query,
                               variables=[v.value for v in result.variables] if kind == formats.SELECT else [],
                               truncated_at=None)
        resp = Response(html, content_type="text/html; charset=utf-8")
    else:
        buf = io.BytesIO()
        fmt.render(result, buf)
        resp = Response(buf.getvalue(), content_type=fmt.content_type)
    resp.headers["Vary"] = "Accept"
    return resp
