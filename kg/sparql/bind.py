"""Bind values to query variables for SPARQL servers that lack Oxigraph's ``substitutions``.

Oxigraph binds variables before evaluation (SEP-0007); a SPARQL 1.1 server takes only query text.
:func:`bind_values` gives it the same values as a ``VALUES`` block placed first in the query's
WHERE group, so the variables are bound for the whole group (its triple patterns, its FILTERs, its
projection, GROUP BY and ORDER BY), and most engines start from those values. The values are
pyoxigraph terms written by pyoxigraph (escaped), never raw text.

Difference with SEP-0007: a variable used only inside a sub-SELECT or a nested group's FILTER is
not bound there. Newsgraph's own queries do not rely on that.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pyoxigraph import Literal, NamedNode

_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_VAR = re.compile(r"^[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+$")
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


class BindError(ValueError):
    """The query or a value cannot be bound this way."""


def _term(value: Any) -> str:
    if not isinstance(value, (NamedNode, Literal)):
        raise BindError(f"only IRIs and literals can be bound, not {type(value).__name__}")
    return str(value)


def _skip_string(q: str, i: int) -> int:
    """Index after the string literal starting at ``q[i]``."""
    quote = q[i]
    long = q.startswith(quote * 3, i)
    end = quote * 3 if long else quote
    i += 3 if long else 1
    while i < len(q):
        if q[i] == "\\":
            i += 2
            continue
        if q.startswith(end, i):
            return i + len(end)
        if not long and q[i] in "\n\r":
            break
        i += 1
    raise BindError("unterminated string in the query")


def where_brace(q: str) -> int | None:
    """Index of the ``{`` opening the query's WHERE group; ``None`` for a DESCRIBE without one.

    :raises BindError: for ``CONSTRUCT WHERE { }`` (its pattern is also its template).
    """
    i, depth_paren, form, template_done = 0, 0, None, False
    expect_template = False
    while i < len(q):
        c = q[i]
        if c.isspace():
            i += 1
        elif c == "#":
            nl = q.find("\n", i)
            i = len(q) if nl < 0 else nl + 1
        elif c in "\"'":
            i = _skip_string(q, i)
        elif c == "<":
            m = _IRI.match(q, i)
            i = m.end() if m else i + 1
        elif c == "(":
            depth_paren += 1
            i += 1
        elif c == ")":
            depth_paren -= 1
            i += 1
        elif c == "{":
            if depth_paren == 0 and form is not None:
                if expect_template and not template_done:
                    i = _matching_brace(q, i)
                    template_done = True
                    continue
                return i
            i += 1
        elif c in "?$":
            m = _WORD.match(q, i + 1)
            i = m.end() if m else i + 1
        elif c.isalpha():
            m = _WORD.match(q, i)
            upper = m.group(0).upper()
            if q.startswith(":", m.end()):  # a prefixed name (ask:x), not a keyword
                upper = ""
            if form is None and upper in _FORMS:
                form = upper
                expect_template = upper == "CONSTRUCT"
            elif form == "CONSTRUCT" and not template_done and upper == "WHERE":
                raise BindError("CONSTRUCT WHERE { } cannot take bound values here; "
                                "write CONSTRUCT { template } WHERE { pattern }")
            i = m.end()
        else:
            i += 1
    if form == "DESCRIBE":
        return None
    raise BindError("no WHERE group found in the query")


def _matching_brace(q: str, i: int) -> int:
    """Index after the ``}`` closing the ``{`` at ``q[i]``."""
    depth = 0
    while i < len(q):
        c = q[i]
        if c == "#":
            nl = q.find("\n", i)
            i = len(q) if nl < 0 else nl + 1
            continue
        if c in "\"'":
            i = _skip_string(q, i)
            continue
        if c == "<":
            m = _IRI.match(q, i)
            if m:
                i = m.end()
                continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise BindError("unbalanced braces in the query")


def values_block(bindings: Mapping[str, Any]) -> str:
    """``VALUES (?a ?b) { (<x> "y") }`` for the given variable -> term bindings."""
    names = list(bindings)
    for n in names:
        if not _VAR.match(n):
            raise BindError(f"{n!r} is not a SPARQL variable name")
    variables = " ".join(f"?{n}" for n in names)
    terms = " ".join(_term(bindings[n]) for n in names)
    return f"VALUES ({variables}) {{ ({terms}) }}"


def bind_values(query: str, bindings: Mapping[str, Any]) -> str:
    """The query with ``bindings`` (variable name -> pyoxigraph term) fixed, as a VALUES block."""
    if not bindings:
        return query
    block = values_block(bindings)
    at = where_brace(query)
    if at is None:  # DESCRIBE ?x with no WHERE clause
        return f"{query.rstrip()}\nWHERE {{ {block} }}"
    return f"{query[:at + 1]} {block}\n{query[at + 1:]}"
