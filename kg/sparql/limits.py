"""A lexical look at SPARQL text, without parsing it: nesting depth and top-level keywords.

Two jobs need it before the real parser (Oxigraph's) sees a request:
- refusing absurdly nested queries up front (a recursive-descent parser can exhaust its stack on
  ``{{{{...}}}}`` thousands deep, and a crash is not a message);
- applying the SPARQL 1.1 Protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to an update,
  which Oxigraph's API does not take: a ``USING`` clause is inserted before the ``WHERE`` of each
  operation, and an update that already says ``USING`` or ``WITH`` is refused (the protocol says
  the two may not be combined, https://www.w3.org/TR/sparql11-protocol/#update-dataset).

The scanner knows strings (all four quote forms), IRIs (``<...>`` told apart from the ``<``
operator by the IRIREF grammar), comments and variables, which is all it takes to find braces and
keywords that are really there.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from kg.errors import BadRequest

_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_STRING_STARTS = ('"""', "'''", '"', "'")


def tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(position, depth, token)`` for braces, parentheses and bare words outside strings/IRIs.

    ``depth`` is the brace/parenthesis depth *before* the token.
    """
    i, n, depth = 0, len(text), 0
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            quote = next(q for q in _STRING_STARTS if text.startswith(q, i))
            j = i + len(quote)
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if len(quote) == 1 and text[j] in "\r\n":
                    break  # unterminated short string: the parser will say so
                j += 1
            i = j + len(quote)
        elif c == "<":
            m = _IRI.match(text, i)
            i = m.end() if m else i + 1
        elif c in "{(":
            yield i, depth, c
            depth += 1
            i += 1
        elif c in "})":
            depth = max(depth - 1, 0)
            yield i, depth, c
            i += 1
        elif c in "?$":
            m = _WORD.match(text, i + 1)
            i = m.end() if m else i + 1  # a variable, never a keyword
        elif c.isalpha() or c == "_":
            m = _WORD.match(text, i)
            assert m is not None
            word = m.group()
            j = m.end()
            if j < n and text[j] == ":":  # a prefixed name (ex:where) is not a keyword
                m2 = re.compile(r":[^\s{}()<>;,]*").match(text, j)
                j = m2.end() if m2 else j + 1
            else:
                yield i, depth, word
            i = j
        else:
            i += 1


def max_depth(text: str) -> int:
    """The deepest nesting of braces and parentheses (0 for none)."""
    if text.count("{") + text.count("(") < 64:  # cheap bound: cannot be deeper than this
        return text.count("{") + text.count("(")
    deepest = 0
    for _, depth, tok in tokens(text):
        if tok in "{(":
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
        if not _IRI.fullmatch(f"<{g}>") or ":" not in g:
            raise BadRequest(f"not an absolute IRI: {g[:200]!r}")
    wheres: list[int] = []
    previous = ""
    for pos, depth, tok in tokens(update):
        word = tok.upper()
        if depth == 0 and word in ("USING", "WITH"):
            raise BadRequest(f"the update has its own {word} clause and the request gives using-graph-uri/"
                             "using-named-graph-uri: the SPARQL 1.1 Protocol forbids combining them")
        if depth == 0 and word == "WHERE":
            if previous == "DELETE":
                raise BadRequest("using-graph-uri cannot apply to the DELETE WHERE shorthand; "
                                 "write DELETE { ... } WHERE { ... }")
            wheres.append(pos)
        previous = word
    clause = "".join(f"USING <{g}> " for g in default_graphs) + "".join(f"USING NAMED <{g}> " for g in named_graphs)
    for pos in reversed(wheres):
        update = update[:pos] + clause + update[pos:]
    return update
