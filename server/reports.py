"""Canned reports: ``/queries`` (the list), ``/queries/<name>`` (one), ``/queries/<name>/run``."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from kg import formats, queries
from server import current_store
from server.negotiate import wants_html
from server.sparql import render_result
from server.sparql import run_query as run_sparql

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
    # through the endpoint's executor (issue 4): timeout, streaming, row cap, request log
    return run_sparql(q.sparql, substitutions=q.bindings(values), op="report")
