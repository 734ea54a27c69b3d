"""The shape of a SPARQL query's text: its form, top-level projection and where a parameter can bind.

Oxigraph binds ``substitutions`` (SEP-0007) only to variables of the ``SELECT`` projection, so a
canned query whose parameter variable is not projected could not be run. Rather than make every
author list ``?_person_iri`` in the projection (and in ``GROUP BY``), :func:`project` adds the bound
parameter variables to the top-level projection (and grouping) of the author's text. The only text
ever inserted is variable names already present in the query — never a user's value — and the
result of the rewrite is parsed again by Oxigraph before it is used.

This is brace/parenthesis matching over the tokens of :mod:`kg.sparql.lexer`, not a parser:
Oxigraph remains the judge of syntax. It finds: the query form; the top-level ``SELECT`` projection (``*``, variables, ``(expr AS
?v)``); the main ``WHERE`` group; a top-level ``GROUP BY``; aggregates; and which variables are
visible at the top level (those used only inside a sub-``SELECT`` that does not project them are
not, and no substitution can reach them).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.sparql.lexer import Token, closing, tokenize

FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})
_AFTER_GROUP = frozenset({"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})


class QueryShapeError(ValueError):
    """The text is not a query this module can place parameters in (the message says why)."""


@dataclass
class Shape:
    """What :func:`analyse` found in a query's text."""

    form: str
    projection: list[str] = field(default_factory=list)  # top-level SELECT variables, in order
    star: bool = False
    projection_end: int = -1          # offset where a variable can be appended to the projection
    where_end: int = -1               # offset just after the main WHERE group's closing brace
    group_end: int = -1               # offset after the last GROUP BY condition, -1 if none
    aggregates: bool = False          # implicit grouping (aggregate in the projection, or HAVING)
    visible: set[str] = field(default_factory=set)   # variables visible at the top level
    used: set[str] = field(default_factory=set)      # every variable in the text
    services: bool = False            # uses SERVICE (federation)
    bound_tests: set[str] = field(default_factory=set)  # variables tested with BOUND(?v)


def _match(tokens: list[Token], i: int, open_: str, close: str) -> int:
    """Index of the token closing the bracket opened at ``tokens[i]``."""
    j = closing(tokens, i)
    if j < 0:
        raise QueryShapeError(f"unbalanced {open_!r}")
    return j


def _projection(tokens: list[Token], i: int) -> tuple[list[str], bool, int, bool]:
    """From the token after SELECT: (variables, star, index of the token ending it, aggregates)."""
    variables: list[str] = []
    star = aggregates = False
    if i < len(tokens) and tokens[i].upper in ("DISTINCT", "REDUCED"):
        i += 1
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "punct" and t.text == "{" or t.upper in ("WHERE", "FROM"):
            return variables, star, i, aggregates
        if t.kind == "var":
            variables.append(t.text[1:])
        elif t.kind == "punct" and t.text == "*":
            star = True
        elif t.kind == "punct" and t.text == "(":
            j = _match(tokens, i, "(", ")")
            inner = tokens[i + 1:j]
            aggregates |= any(x.upper in AGGREGATES for x in inner)
            if len(inner) >= 2 and inner[-2].upper == "AS" and inner[-1].kind == "var":
                variables.append(inner[-1].text[1:])
            i = j
        i += 1
    raise QueryShapeError("the SELECT clause has no WHERE group")


def _visible(tokens: list[Token], lo: int, hi: int) -> set[str]:
    """Variables of tokens[lo:hi] visible there: sub-SELECTs expose only what they project."""
    seen: set[str] = set()
    i = lo
    while i < hi:
        t = tokens[i]
        if t.kind == "punct" and t.text == "{" and i + 1 < hi and tokens[i + 1].upper == "SELECT":
            end = _match(tokens, i, "{", "}")
            projected, star, k, _ = _projection(tokens, i + 2)
            inner = _visible(tokens, k, end) if star else set()
            seen |= inner if star else set(projected)
            i = end + 1
            continue
        if t.kind == "var":
            seen.add(t.text[1:])
        i += 1
    return seen


def analyse(text: str) -> Shape:
    """The :class:`Shape` of a query; :class:`QueryShapeError` if no query form is found."""
    tokens = tokenize(text)
    form_at = next((i for i, t in enumerate(tokens) if t.upper in FORMS), None)
    if form_at is None:
        raise QueryShapeError("no SELECT, CONSTRUCT, ASK or DESCRIBE found")
    shape = Shape(form=tokens[form_at].upper)
    shape.used = {t.text[1:] for t in tokens if t.kind == "var"}
    shape.services = any(t.upper == "SERVICE" for t in tokens)
    shape.bound_tests = {tokens[i + 2].text[1:] for i, t in enumerate(tokens[:-3])
                         if t.upper == "BOUND" and tokens[i + 1].text == "(" and tokens[i + 2].kind == "var"}
    shape.visible = _visible(tokens, 0, len(tokens))
    if shape.form != "SELECT":
        return shape
    shape.projection, shape.star, k, shape.aggregates = _projection(tokens, form_at + 1)
    shape.projection_end = tokens[k].start
    where = next((i for i in range(k, len(tokens)) if tokens[i].kind == "punct" and tokens[i].text == "{"), None)
    if where is None:
        raise QueryShapeError("the query has no WHERE group")
    end = _match(tokens, where, "{", "}")
    shape.where_end = tokens[end].end
    i = end + 1
    while i < len(tokens):
        t = tokens[i]
        if t.upper == "HAVING":
            shape.aggregates = True
        if t.upper == "GROUP" and i + 1 < len(tokens) and tokens[i + 1].upper == "BY":
            j = i + 2
            while j < len(tokens) and tokens[j].upper not in _AFTER_GROUP:
                if tokens[j].kind == "punct" and tokens[j].text == "(":
                    j = _match(tokens, j, "(", ")")
                j += 1
            shape.group_end = tokens[j - 1].end
            i = j
            continue
        i += 1
    return shape


def project(text: str, shape: Shape, variables: list[str]) -> tuple[str, list[str]]:
    """The text with ``variables`` added to the top-level projection (and grouping) where missing.

    Returns the new text and the variables it added (callers hide those columns from results).
    Only ``SELECT`` queries with an explicit projection need it: CONSTRUCT, ASK, DESCRIBE and
    ``SELECT *`` take substitutions for any variable.
    """
    if shape.form != "SELECT" or shape.star:
        return text, []
    added = [v for v in variables if v not in shape.projection]
    if not added:
        return text, []
    names = " " + " ".join("?" + v for v in added) + " "
    edits = [(shape.projection_end, names)]
    if shape.group_end >= 0:
        edits.append((shape.group_end, names))
    elif shape.aggregates:
        edits.append((shape.where_end, " GROUP BY" + names))
    for at, insert in sorted(edits, reverse=True):
        text = text[:at] + insert + text[at:]
    return text, added
