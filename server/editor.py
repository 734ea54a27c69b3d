"""The browser query editor: YASGUI (``@zazuko/yasgui`` from npm) served from ``node_modules``.

``scripts/setup`` runs ``npm ci`` when node is present; the files are served from the install
folder (``KG_YASGUI_DIR``), never copied into the repository. Without them, the same page offers
a plain form that posts the query and shows the HTML results table, so the editor always works.
"""
from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, send_from_directory

from server import current_settings

bp = Blueprint("editor", __name__)

DEFAULT_QUERY = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?person ?label WHERE {
  ?person a foaf:Person ; rdfs:label ?label .
}
ORDER BY ?label
LIMIT 50"""
FILES = ("yasgui.min.js", "yasgui.min.css")


#: YASGUI's build as this package carries it (``static/yasgui`` links to ``node_modules`` in a
#: clone; a wheel built after ``npm ci`` holds the files themselves).
PACKAGED_YASGUI = Path(str(files("server") / "static" / "yasgui"))


def yasgui_dir() -> Path | None:
    """The folder holding YASGUI's build, or None when ``npm ci`` did not run (no node)."""
    folder = Path(current_settings().yasgui_dir or PACKAGED_YASGUI)
    return folder if all((folder / f).is_file() for f in FILES) else None


def editor_context() -> dict:
    from kg.vocab import PREFIXES
    return {"yasgui": yasgui_dir() is not None, "examples_json": editor_queries_json(),
            "default_query": DEFAULT_QUERY, "prefixes_json": json.dumps(PREFIXES)}


def editor_page() -> Response:
    html = render_template("sparql.html", **editor_context())
    return Response(html, content_type="text/html; charset=utf-8")


@bp.get("/assets/yasgui/<path:filename>")
def yasgui_asset(filename: str) -> Response:
    folder = yasgui_dir()
    if folder is None or filename not in FILES + tuple(f + ".map" for f in FILES):
        abort(404)
    resp = send_from_directory(folder, filename, max_age=86400)
    return resp


def editor_queries() -> list[dict[str, str]]:
    """The canned queries, as examples for the editor."""
    from server.reports import catalogue  # the canned reports are the examples
    return [{"name": q.name, "title": q.title, "sparql": q.sparql} for q in catalogue().values()]


def editor_queries_json() -> str:
    return json.dumps(editor_queries()).replace("</", "<\\/")
