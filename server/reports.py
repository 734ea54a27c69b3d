"""Canned reports: ``/queries`` (the list), ``/queries/<name>`` (one), ``/queries/<name>/run``."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from kg import formats, queries
from server import current_store
from server.negotiate import wants_html
from server.sparql import render_result

bp = Blueprint("reports", __name__)


def catalogue() -> dict[str, queries.CannedQuery]:
    return current_app.extensions["kg_queries"]


@bp.get("/queries")
def list_queries() -> Response:
    items = list(catalogue().values())
    if wants_html(request) or request.args.get("format") == "html":
        resp = Response(render_template("queries.html", queries=items), content_type="text/html; charset=utf-8")
    else:
        resp = jsonify({"queries": [{**q.to_json(), "url": f"/queries/{q.name}",
                                     "run": f"/queries/{q.name}/run"} for q in items]})
    resp.headers["Vary"] = "Accept"
    return resp


@bp.get("/queries/<name>")
def show_query(name: str) -> Response:
    q = queries.get(catalogue(), name)
    if wants_html(request) or request.args.get("format") == "html":
        resp = Response(render_template("query.html", q=q), content_type="text/html; charset=utf-8")
    else:
        resp = jsonify({**q.to_json(), "run": f"/queries/{q.name}/run"})
    resp.headers["Vary"] = "Accept"
    return resp


@bp.get("/queries/<name>/run")
def run_query(name: str) -> Response:
    q = queries.get(catalogue(), name)
    values = {k: v for k, v in request.args.items()}
    result = current_store().query(q.sparql, substitutions=q.bindings(values))
    return render_result(result, formats.kind_of(result), q.sparql)
