"""CORS, set once for the whole app: every response may be read from any origin.

The data is public and nothing writes without a bearer token (never a cookie), so a page on another
origin gains nothing it could not fetch itself; browsers' SPARQL clients (YASGUI on another host,
notebooks) need ``Access-Control-Allow-Origin: *`` on every answer, errors included. A preflight
(``OPTIONS``) is answered with the methods of the route it asks about, from Flask's own ``Allow``.
"""
from __future__ import annotations

from flask import Flask, Response, request

# headers a cross-origin script may read: row caps, query hash, Linked Data links and validators
EXPOSED = "X-Row-Limit, X-Truncated, X-Query-Hash, Link, ETag, Last-Modified, Location, Content-Location"
ALLOWED_HEADERS = "Accept, Authorization, Content-Type"


def add_cors(resp: Response) -> Response:
    """The CORS headers of one response (an ``after_request`` hook)."""
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        resp.headers["Access-Control-Allow-Methods"] = resp.headers.get("Allow", "GET, HEAD, OPTIONS")
        resp.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


def register(app: Flask) -> None:
    """Set CORS on every response of ``app``."""
    app.after_request(add_cors)
