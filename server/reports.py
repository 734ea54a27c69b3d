"""Canned reports over HTTP: list, read, run, save (versioned) and delete; the OpenAPI document.

    GET    /queries                                  the reports (JSON, or HTML for browsers)
    GET    /queries/{name}                           one report: metadata + SPARQL (JSON), its form (HTML),
                                                     or its .rq text (Accept: application/sparql-query)
    PUT    /queries/{name}                           save a new version (body: the .rq text; bearer token)
    DELETE /queries/{name}                           delete it, keeping its history (bearer token)
    GET    /queries/{name}/run?param=...             run the latest version (results as for /sparql)
    GET    /queries/{name}/versions                  its history
    GET    /queries/{name}/versions/{n}[/run]        one version, and running it
    GET    /openapi.json                             OpenAPI 3 description generated from the reports

The logic lives in :mod:`kg.reports.catalogue`, :mod:`kg.reports.run` and :mod:`kg.reports.saved`; these views
only speak HTTP (the datasette ``stored_queries`` split).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from kg.query import formats

from kg.reports import run as query_run
from kg.errors import BadRequest, UnsupportedMediaType
from kg.reports.catalogue import CannedQuery
from kg.reports.saved import QueryStore
from kg.query.tables import term_text
from server import current_settings, current_store, report_charts
from server.auth import write_protected
from server.negotiate import best_offer, negotiate, wants_html
from server.results import render_result

bp = Blueprint("reports", __name__)

RQ = "application/sparql-query"
HTML_ROWS = 1000


def query_store() -> QueryStore:
    """The app's report store (made on first use, over the app's graph store)."""
    qs = current_app.extensions.get("kg_query_store")
    if qs is None:
        settings = current_settings()
        qs = current_app.extensions.setdefault(
            "kg_query_store", QueryStore(current_store(), settings.queries_dir, settings.base_iri))
    return qs


def catalogue() -> dict[str, CannedQuery]:
    """The current reports by name (the home page lists them too)."""
    return query_store().current()


def _links(q: CannedQuery) -> dict[str, str]:
    return {"url": f"/queries/{q.name}", "run": f"/queries/{q.name}/run",
            "versions": f"/queries/{q.name}/versions",
            "version_url": f"/queries/{q.name}/versions/{q.version}"}


def _html(template: str, **context: Any) -> Response:
    resp = Response(render_template(template, **context), content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept"
    return resp


def _browser(*allowed: str) -> bool:
    """True for the HTML page: ``?format=html``, or a browser's Accept without ``?format=``."""
    wanted = request.args.get("format")
    if wanted is not None and wanted not in ("html", "json", *allowed):
        raise BadRequest(f"unknown format {wanted!r} here; use one of: html, json{''.join(', ' + a for a in allowed)}")
    return wanted == "html" or (wanted is None and wants_html(request, ("application/json", RQ)))


@bp.get("/queries")
def list_queries() -> Response:
    items = list(catalogue().values())
    if _browser():
        return _html("queries.html", queries=items)
    resp = jsonify({"queries": [{**q.to_json(), **_links(q)} for q in items]})
    resp.headers["Vary"] = "Accept"
    return resp


def _show(q: CannedQuery, pinned: bool) -> Response:
    """A report's metadata as JSON, its form as HTML, or its text as application/sparql-query."""
    browser = _browser("rq")
    wanted = request.args.get("format")
    if wanted == "rq" or not wanted and best_offer(request, ["application/json", RQ, "text/html"]) == RQ:
        resp = Response(q.sparql, content_type=f"{RQ}; charset=utf-8")
    elif browser:
        history = query_store().history(q.name)
        return _html("query.html", q=q, pinned=pinned, history=history, values=request.args,
                     run_url=_run_url(q, pinned))
    else:
        resp = jsonify({**q.to_json(), **_links(q), "run": _run_url(q, pinned)})
    resp.headers["Vary"] = "Accept"
    return resp


def _run_url(q: CannedQuery, pinned: bool) -> str:
    return f"/queries/{q.name}/versions/{q.version}/run" if pinned else f"/queries/{q.name}/run"


def _run(q: CannedQuery, pinned: bool) -> Response:
    values = {k: v for k, v in request.args.items()}
    result = query_run.run(current_store(), q, values)
    kind = formats.kind_of(result)
    if negotiate(request, kind) is None:
        return _report_page(q, pinned, result, kind, values)
    resp = render_result(result, kind, q.sparql)
    if "download" in request.args:
        fmt = negotiate(request, kind)
        resp.headers["Content-Disposition"] = f'attachment; filename="{q.name}.{fmt.extension if fmt else "txt"}"'
    resp.headers["X-Report-Version"] = str(q.version)
    return resp


def _report_page(q: CannedQuery, pinned: bool, result: Any, kind: str, values: dict[str, str]) -> Response:
    """The HTML form, its results as a table, a CSV link and the report's chart."""
    variables: list[str] = []
    rows: list[list[Any]] = []
    more = False
    if kind == formats.SELECT:
        variables = [v.value for v in result.variables]
        for i, sol in enumerate(result):
            if i == HTML_ROWS:
                more = True
                break
            rows.append([sol[v] for v in variables])
    elif kind == formats.GRAPH:
        variables = ["subject", "predicate", "object"]
        for i, t in enumerate(result):
            if i == HTML_ROWS:
                more = True
                break
            rows.append([t.subject, t.predicate, t.object])
    data = [{v: (None if t is None else t.value) for v, t in zip(variables, row)} for row in rows]
    chart = report_charts.draw(q.chart, data) if q.chart and rows else None
    args = {k: v for k, v in values.items() if k not in ("format", "download")}
    return _html("report.html", q=q, pinned=pinned, kind=kind, variables=variables, rows=rows, chart=chart,
                 boolean=bool(result) if kind == formats.ASK else None, more=more, values=values,
                 args=args, run_url=_run_url(q, pinned), term_text=term_text, max_rows=HTML_ROWS)


@bp.get("/queries/<name>")
def show_query(name: str) -> Response:
    return _show(query_store().get(name), pinned=False)


@bp.get("/queries/<name>/run")
def run_query(name: str) -> Response:
    return _run(query_store().get(name), pinned=False)


@bp.get("/queries/<name>/versions")
def list_versions(name: str) -> Response:
    qs = query_store()
    history = qs.history(name)
    if not history:
        qs.get(name)  # raises NotFound
    if _browser():
        return _html("query_versions.html", name=name, history=history)
    resp = jsonify({"name": name, "versions": [v.to_json() for v in history]})
    resp.headers["Vary"] = "Accept"
    return resp


@bp.get("/queries/<name>/versions/<int:number>")
def show_version(name: str, number: int) -> Response:
    return _show(query_store().version(name, number), pinned=True)


@bp.get("/queries/<name>/versions/<int:number>/run")
def run_version(name: str, number: int) -> Response:
    return _run(query_store().version(name, number), pinned=True)


@bp.put("/queries/<name>")
@write_protected
def save_query(name: str) -> Response:
    if request.mimetype not in (RQ, "text/plain"):
        raise UnsupportedMediaType(f"send the report's .rq text (header included) as {RQ}; "
                                   f"got {request.mimetype or 'no Content-Type'}")
    try:
        text = request.get_data(as_text=False).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the report text is not valid UTF-8") from None
    q = query_store().save(name, text)
    resp = jsonify({**q.to_json(), **_links(q)})
    resp.status_code = 201 if q.version == 1 else 200
    resp.headers["Location"] = f"/queries/{q.name}/versions/{q.version}"
    return resp


@bp.delete("/queries/<name>")
@write_protected
def delete_query(name: str) -> Response:
    v = query_store().delete(name)
    return jsonify({"name": name, "deleted": True, "version": v.number,
                    "versions": f"/queries/{name}/versions"})


@bp.get("/openapi.json")
def openapi() -> Response:
    from server.openapi import document
    return jsonify(document(catalogue(), request.host_url))
