"""The one SPARQL lexer: the text of a query or an update as tokens, without parsing it.

Every look at SPARQL text before Oxigraph's parser sees it goes through here: nesting limits
(:mod:`kg.sparql.limits`), a query's shape for canned-report parameters (:mod:`kg.sparql.text`),
the WHERE group that bound values go into (:mod:`kg.sparql.bind`). It knows strings (all four quote
forms), IRIs (``<...>`` told apart from the ``<`` operator by the IRIREF grammar of
https://www.w3.org/TR/sparql11-query/#rIRIREF), comments, variables, prefixed names and language
tags, which is all it takes to find the braces and keywords that are really there. Oxigraph stays
the judge of syntax: an unterminated short string is one ``badstring`` token to the end of its
line, so the braces inside it are not counted and the parser reports the error.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# the SPARQL 1.1 terminals that can hide a brace or a keyword, each written once
_COMMENT = r"\#[^\n\r]*"
_STRING = (r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
           r'|"(?:[^"\\\n\r]|\\.)*"' r"|'(?:[^'\\\n\r]|\\.)*'")
_BADSTRING = r"""["'][^\n\r]*"""
_IRIREF = r'<[^<>"{}|^`\\\x00-\x20]*>'

IRI = re.compile(_IRIREF)
_TOKEN = re.compile(rf"""
    (?P<ws>\s+)
  | (?P<comment>{_COMMENT})
  | (?P<string>{_STRING})
  | (?P<badstring>{_BADSTRING})
  | (?P<iri>{_IRIREF})
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[\w:](?:[\w\-.:%\\\u00B7]*[\w\-:%\u00B7])?)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{{}}()\[\],;.*=<>!+\-/^|&])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
# the same strings, IRIs and comments, and the brackets between them: the rest is skipped in C
_BRACKETS = re.compile(rf"(?:{_COMMENT}|{_STRING}|{_BADSTRING}|{_IRIREF})|(?P<open>[{{(])|(?P<close>[}})])",
                       re.DOTALL)
_PAIRS = {"{": "}", "(": ")", "[": "]"}


@dataclass(frozen=True)
class Token:
    """One token: its kind (a group name of the lexer), its text and where it sits."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        """The upper-cased text of a word token (prefixed names included), else ''."""
        return self.text.upper() if self.kind == "word" else ""

    @property
    def keyword(self) -> str:
        """The upper-cased text of a bare word, else '': ``ex:where`` is a name, not WHERE."""
        return self.text.upper() if self.kind == "word" and ":" not in self.text else ""

    def is_punct(self, chars: str) -> bool:
        """True for a punctuation token that is one of ``chars``."""
        return self.kind == "punct" and len(self.text) == 1 and self.text in chars


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text``, without whitespace and comments, lazily (texts may be huge)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, m.group(), m.start(), m.end())


def tokenize(text: str) -> list[Token]:
    """:func:`tokens` as a list, for callers that look ahead or match brackets."""
    return list(tokens(text))


def nesting(text: str) -> Iterator[tuple[Token, int]]:
    """Each token with the brace/parenthesis depth before it (a closer: the depth it returns to)."""
    depth = 0
    for t in tokens(text):
        if t.is_punct("{("):
            yield t, depth
            depth += 1
        elif t.is_punct("})"):
            depth = max(depth - 1, 0)
            yield t, depth
        else:
            yield t, depth


def bracket_depths(text: str) -> Iterator[tuple[str, int]]:
    """Each brace or parenthesis outside strings, IRIs and comments, with the depth before it.

    What :func:`nesting` gives for brackets, without making a token of every word: a depth check
    runs on every large query a client sends, before anything else.
    """
    depth = 0
    for m in _BRACKETS.finditer(text):
        if m.lastgroup == "open":
            yield m.group(), depth
            depth += 1
        elif m.lastgroup == "close":
            depth = max(depth - 1, 0)
            yield m.group(), depth


def closing(toks: list[Token], i: int) -> int:
    """Index of the token closing the bracket opened at ``toks[i]``, or -1 when none does."""
    open_ = toks[i].text
    close = _PAIRS[open_]
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].is_punct(open_):
            depth += 1
        elif toks[j].is_punct(close):
            depth -= 1
            if depth == 0:
                return j
    return -1
