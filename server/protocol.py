"""What the SPARQL endpoints share: the executor, request bodies, CORS, the write token as a key to
uncapped results, and the request log (one line per query).
"""
from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import threading
import time
from typing import Any

from flask import Flask, current_app, request

from kg.errors import NewsgraphError, PayloadTooLarge, UnsupportedMediaType
from kg.query.executor import InlineExecutor, ProcessExecutor, make_executor
from server import current_settings, current_store

requests_log = logging.getLogger("newsgraph.requests")

_lock = threading.Lock()


def executor_for(app: Flask) -> ProcessExecutor | InlineExecutor:
    """The app's executor, started on first use (``kg serve`` starts it before listening)."""
    ex = app.extensions.get("kg_executor")
    if ex is None:
        with _lock:
            ex = app.extensions.get("kg_executor")
            if ex is None:
                s = app.config["KG_SETTINGS"]
                ex = make_executor(app.extensions["kg_store"], workers=s.query_workers, timeout=s.query_timeout,
                                   memory_mb=s.worker_memory_mb)
                app.extensions["kg_executor"] = ex
                atexit.register(ex.close)
    return ex


def current_executor() -> ProcessExecutor | InlineExecutor:
    return executor_for(current_app._get_current_object())  # type: ignore[attr-defined]


def has_write_token() -> bool:
    """True when the request carries the configured bearer token (never raises)."""
    from server.auth import check_write_token
    try:
        check_write_token()
    except NewsgraphError:
        return False
    return True


def read_text_body(allowed: tuple[str, ...], limit: int) -> str:
    """The request body as UTF-8 text; 413 over ``limit`` bytes, 415 for another charset, 400 if not UTF-8."""
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"the request body is {request.content_length} bytes; at most {limit} are accepted")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"{request.mimetype} must be sent as UTF-8 (charset={charset} given)")
    data = request.get_data(cache=True)
    if len(data) > limit:
        raise PayloadTooLarge(f"the request body is over {limit} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        from kg.errors import BadRequest
        raise BadRequest(f"the request body is not valid UTF-8 ({e.reason} at byte {e.start})") from None


def query_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


class QueryLog:
    """One line per query: time, status, duration, rows, query hash (and the format, cap, client)."""

    def __init__(self, op: str, text: str) -> None:
        self.op = op
        self.hash = query_hash(text)
        self.started = time.monotonic()
        self.when = dt.datetime.now(dt.timezone.utc)
        self.client = request.remote_addr or "-"
        self.done_ = False

    def done(self, status: int | str, rows: int | None = None, **extra: Any) -> None:
        if self.done_:
            return
        self.done_ = True
        ms = (time.monotonic() - self.started) * 1000
        fields = " ".join(f"{k}={v}" for k, v in extra.items() if v is not None)
        requests_log.info("%s %s status=%s ms=%.1f rows=%s hash=%s client=%s%s",
                          self.when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", self.op, status, ms,
                          "-" if rows is None else rows, self.hash, self.client, " " + fields if fields else "")


class StreamBody:
    """A WSGI response body over an :class:`kg.query.executor.Execution`.

    An object, not a generator, so that ``close()`` reaches the execution (and the log line is
    written) even when the body is never iterated: Werkzeug answers HEAD without iterating.
    """

    def __init__(self, execution: Any, qlog: QueryLog, **extra: Any) -> None:
        self.execution = execution
        self.qlog = qlog
        self.extra = extra

    def __iter__(self) -> Any:
        return iter(self.execution)

    def close(self) -> None:
        try:
            self.execution.close()
        finally:
            out = self.execution.outcome
            self.qlog.done(200, out.rows, format=out.format, truncated=int(out.truncated), **self.extra)


def waitress_options() -> dict[str, Any]:
    """waitress settings for an endpoint that must survive hostile clients.

    Requests are read whole by waitress's event loop before a thread sees them, so slow clients
    trickling bytes cost a socket, not a thread: allow many sockets (``connection_limit``, with the
    file limit raised and ``poll`` instead of ``select``, which stops at 1024 descriptors) and drop
    idle ones after ``channel_timeout``. Bodies over ``max_request_body_size`` are refused (413)
    before the app sees them; the query endpoint has its own, smaller, limit.
    """
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    limit = max(100, min(2000, want - 200))
    return {"connection_limit": limit, "channel_timeout": 30, "cleanup_interval": 10,
            "max_request_body_size": 256 * 1024 * 1024, "max_request_header_size": 256 * 1024,
            "asyncore_use_poll": True, "backlog": 1024, "outbuf_high_watermark": 4 * 1024 * 1024}


def store_and_settings() -> tuple[Any, Any]:
    return current_store(), current_settings()
