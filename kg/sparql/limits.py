"""A lexical look at SPARQL text, without parsing it: nesting depth and top-level keywords.

Two jobs need it before the real parser (Oxigraph's) sees a request:
- refusing absurdly nested queries up front (a recursive-descent parser can exhaust its stack on
  ``{{{{...}}}}`` thousands deep, and a crash is not a message);
- applying the SPARQL 1.1 Protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to an update,
  which Oxigraph's API does not take: a ``USING`` clause is inserted before the ``WHERE`` of each
  operation, and an update that already says ``USING`` or ``WITH`` is refused (the protocol says
  the two may not be combined, https://www.w3.org/TR/sparql11-protocol/#update-dataset).

Both read the tokens of :mod:`kg.sparql.lexer`, so a brace or a keyword inside a string, an IRI or a
comment is not counted.
"""
from __future__ import annotations

from kg.errors import BadRequest
from kg.sparql.lexer import IRI, bracket_depths, nesting


def max_depth(text: str) -> int:
    """The deepest nesting of braces and parentheses (0 for none)."""
    if text.count("{") + text.count("(") < 64:  # cheap bound: cannot be deeper than this
        return text.count("{") + text.count("(")
    deepest = 0
    for bracket, depth in bracket_depths(text):
        if bracket in "{(":
            deepest = max(deepest, depth + 1)
    return deepest


def check_depth(text: str, limit: int) -> None:
    """Raise :class:`BadRequest` when ``text`` nests deeper than ``limit``."""
    if text.count("{") + text.count("(") <= limit:
        return
    depth = max_depth(text)
    if depth > limit:
        raise BadRequest(f"the query nests {depth} levels of braces/parentheses; at most {limit} are allowed")


def add_using(update: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` to every operation of ``update``.

    ``USING <g>`` clauses go before each top-level ``WHERE``. Raises :class:`BadRequest` if the
    update names its own dataset (``USING``/``WITH``), as the protocol requires.
    """
    if not default_graphs and not named_graphs:
        return update
    for g in default_graphs + named_graphs:
        if not IRI.fullmatch(f"<{g}>") or ":" not in g:
            raise BadRequest(f"not an absolute IRI: {g[:200]!r}")
    wheres: list[int] = []
    previous = ""
    for tok, depth in nesting(update):
        word = tok.keyword
        if depth == 0 and word in ("USING", "WITH"):
            raise BadRequest(f"the update has its own {word} clause and the request gives using-graph-uri/"
                             "using-named-graph-uri: the SPARQL 1.1 Protocol forbids combining them")
        if depth == 0 and word == "WHERE":
            if previous == "DELETE":
                raise BadRequest("using-graph-uri cannot apply to the DELETE WHERE shorthand; "
                                 "write DELETE { ... } WHERE { ... }")
            wheres.append(tok.start)
        previous = word
    clause = "".join(f"USING <{g}> " for g in default_graphs) + "".join(f"USING NAMED <{g}> " for g in named_graphs)
    for pos in reversed(wheres):
        update = update[:pos] + clause + update[pos:]
    return update
