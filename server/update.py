"""The SPARQL 1.1 Protocol update operation at ``/update`` (POST form ``update=`` or POST direct).

https://www.w3.org/TR/sparql11-protocol/#update-operation. Every request needs the write token
(``server/auth.py``). ``using-graph-uri`` / ``using-named-graph-uri`` become ``USING`` clauses
(:func:`kg.sparql.limits.add_using`); relative IRIs resolve against this URL. Updates run on the
primary store in the server process (no hard timeout: only token holders can send them), and
bump its data version, so the query workers reload before their next query.
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from kg.errors import BadRequest, NewsgraphError, UnsupportedMediaType
from kg.errors import QueryFailed
from kg.sparql.limits import add_using, check_depth
from server import current_settings, current_store
from server.auth import write_protected
from server.protocol import QueryLog, read_text_body

bp = Blueprint("update", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-update"
#: Updates may carry data (INSERT DATA): allow more than a query.
MAX_UPDATE_BYTES = 64 * 1024 * 1024


@bp.record_once
def _form_limit(state) -> None:
    """Werkzeug refuses form fields over 500 kB by default: let updates (INSERT DATA) be larger."""
    state.app.config["MAX_FORM_MEMORY_SIZE"] = max(state.app.config.get("MAX_FORM_MEMORY_SIZE") or 0,
                                                   MAX_UPDATE_BYTES)


def read_update() -> tuple[str, list[str], list[str]]:
    using = request.args.getlist("using-graph-uri")
    using_named = request.args.getlist("using-named-graph-uri")
    if request.mimetype == FORM:
        if request.content_length is not None and request.content_length > MAX_UPDATE_BYTES:
            read_text_body((FORM,), MAX_UPDATE_BYTES)
        updates = request.form.getlist("update")
        using += request.form.getlist("using-graph-uri")
        using_named += request.form.getlist("using-named-graph-uri")
        if request.form.getlist("query"):
            raise BadRequest("this is the update endpoint: send queries to /sparql")
    elif request.mimetype == DIRECT:
        updates = [read_text_body((DIRECT,), MAX_UPDATE_BYTES)]
    else:
        raise UnsupportedMediaType(f"POST an update as {FORM} (update=...) or as {DIRECT}; "
                                   f"got {request.mimetype or 'no Content-Type'}")
    if "update" in request.args:
        raise BadRequest("give the update in the body, not in the URL")
    if len(updates) != 1:
        raise BadRequest("give exactly one 'update' parameter" if updates else "no update given")
    if not updates[0].strip():
        raise BadRequest("the update is empty")
    return updates[0], using, using_named


@bp.route("/update", methods=["POST"])
@write_protected
def update() -> Response:
    text, using, using_named = read_update()
    qlog = QueryLog("update", text)
    try:
        check_depth(text, current_settings().max_query_depth)
        try:
            current_store().update(add_using(text, using, using_named), base_iri=request.base_url)
        except (OSError, RuntimeError, ValueError) as e:
            raise QueryFailed(f"the update failed: {e}") from None
    except NewsgraphError as e:
        qlog.done(e.status, error=type(e).__name__)
        raise
    qlog.done(204)
    return Response(status=204)




@bp.route("/update", methods=["GET"])
def update_get() -> Response:
    raise BadRequest("updates are POSTed (form update=... or application/sparql-update), never sent by GET")
