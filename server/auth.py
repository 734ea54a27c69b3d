"""Write protection: every write needs ``Authorization: Bearer <KG_WRITE_TOKEN>``.

No token configured means writes are disabled (403); a missing or wrong token is a 401 with a
``WWW-Authenticate`` challenge. Reads are never affected.
"""
from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import TypeVar

from flask import request

from kg.errors import Forbidden, Unauthorized
from server import current_settings

F = TypeVar("F", bound=Callable)


def check_write_token() -> None:
    """Raise unless the request carries the configured bearer token."""
    expected = current_settings().write_token
    if not expected:
        raise Forbidden("writes are disabled on this server: set KG_WRITE_TOKEN to enable them")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise Unauthorized("this operation writes: send 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise Unauthorized("the bearer token is not valid")


def write_protected(view: F) -> F:
    """Decorator for views that write."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        check_write_token()
        return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]
