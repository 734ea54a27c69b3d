"""One place that turns errors into responses: JSON or plain text for machines, HTML for browsers."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import NewsgraphError
from server.negotiate import best_offer, wants_html

log = logging.getLogger("newsgraph")


def _respond(status: int, title: str, message: str, headers: dict | None = None):
    if wants_html(request, ("application/json", "text/plain")):
        body = render_template("error.html", status=status, title=title, message=message)
        return body, status, {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    if best_offer(request, ["application/json", "text/plain"]) == "application/json":
        return {"status": status, "error": title, "message": message}, status, headers or {}
    return f"{title}: {message}\n", status, {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}


def register(app: Flask) -> None:
    @app.errorhandler(NewsgraphError)
    def handle_newsgraph(e: NewsgraphError):
        headers = {"WWW-Authenticate": 'Bearer realm="newsgraph"'} if e.status == 401 else None
        return _respond(e.status, type(e).__name__, str(e), headers)

    @app.errorhandler(HTTPException)
    def handle_http(e: HTTPException):
        # keep the headers the exception carries (Allow on a 405, for one)
        headers = {k: v for k, v in e.get_headers() if k.lower() != "content-type"}
        return _respond(e.code or 500, e.name, e.description or "", headers)

    @app.errorhandler(Exception)
    def handle_unexpected(e: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _respond(500, "Internal Server Error", "an unexpected error occurred; it has been logged")
