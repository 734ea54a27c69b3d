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

from kg.sparql.lexer import closing, tokenize

_VAR = re.compile(r"^[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+$")
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


class BindError(ValueError):
    """The query or a value cannot be bound this way."""


def _term(value: Any) -> str:
    if not isinstance(value, (NamedNode, Literal)):
        raise BindError(f"only IRIs and literals can be bound, not {type(value).__name__}")
    return str(value)


def where_brace(q: str) -> int | None:
    """Index of the ``{`` opening the query's WHERE group; ``None`` for a DESCRIBE without one.

    :raises BindError: for ``CONSTRUCT WHERE { }`` (its pattern is also its template).
    """
    toks = tokenize(q)
    if any(t.kind == "badstring" for t in toks):
        raise BindError("unterminated string in the query")
    form: str | None = None
    parens, template_done, i = 0, False, 0
    while i < len(toks):
        t = toks[i]
        if t.is_punct("("):
            parens += 1
        elif t.is_punct(")"):
            parens -= 1
        elif t.is_punct("{") and parens == 0 and form is not None:
            if form == "CONSTRUCT" and not template_done:
                i = closing(toks, i)
                if i < 0:
                    raise BindError("unbalanced braces in the query")
                template_done = True
            else:
                return t.start
        elif form is None and t.keyword in _FORMS:
            form = t.keyword
        elif form == "CONSTRUCT" and not template_done and t.keyword == "WHERE":
            raise BindError("CONSTRUCT WHERE { } cannot take bound values here; "
                            "write CONSTRUCT { template } WHERE { pattern }")
        i += 1
    if form == "DESCRIBE":
        return None
    raise BindError("no WHERE group found in the query")


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
