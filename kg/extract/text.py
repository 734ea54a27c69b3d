"""Small token and string tests shared by the extraction components."""
from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from kg.extract.lexicons import load
from kg.names import fold, name_key, slugify, strip_possessive  # noqa: F401 (re-exported)

#: Words that precede a name without being part of it.
HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame", "lord",
                        "lady", "madam", "madame", "mme", "prof", "prof.", "his excellency", "her excellency",
                        "sheikh", "sheikha", "shaikh", "hh", "h.e.", "excellency", "his majesty", "her majesty",
                        "his highness", "her highness"})
#: Particles that join the parts of one personal name ("Tamim bin Hamad Al Thani", "Maria da Silva").
NAME_PARTICLES = frozenset({"bin", "ibn", "bint", "al", "el", "ul", "de", "da", "das", "do", "dos", "du", "del",
                            "della", "di", "van", "von", "der", "den", "ter", "le", "la", "y", "abu", "ben", "mac"})
#: Title modifiers: "First Deputy Chairman", "Vice-Speaker", "Acting Minister".
TITLE_MODIFIERS = frozenset({"first", "second", "deputy", "vice", "acting", "executive", "senior", "chief",
                             "co", "former", "interim", "general", "honorary", "principal", "assistant",
                             "under", "associate", "permanent", "special", "lord", "grand", "federal"})
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_CONNECTORS = frozenset({"of", "the", "and", "for", "on", "to", "at", "in", "&", "de", "du", "la", "al", "el"})
#: Function words that start sentences capitalised but never start a name ("By Claire Dumesnil").
FUNCTION_WORDS = frozenset({"by", "with", "from", "as", "after", "during", "before", "under", "over", "into", "about",
                            "against", "between", "through", "since", "while", "when", "where", "this", "that",
                            "these", "those", "his", "her", "their", "its", "our", "we", "he", "she", "they", "it",
                            "a", "an", "but", "or", "if", "also", "following", "according", "later", "earlier",
                            "addressing", "welcoming", "speaking", "meanwhile", "besides", "however", "today"})
_QUOTES = "\"'«»“”„‘’`"


def is_capitalised(tok: Token) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper()


def is_name_token(tok: Token) -> bool:
    """A token that can be part of a personal name: capitalised letters (hyphen, apostrophe)."""
    return _is_name_text(tok.text)


@lru_cache(maxsize=100_000)
def _is_name_text(t: str) -> bool:
    if not t or not t[0].isupper() or not any(c.isalpha() for c in t):
        return False
    if not all(c.isalpha() or c in "-'’." for c in t):
        return False
    key = fold(t)
    lex = load()
    return not (key in lex.titles or key in lex.org_heads or key in _CONNECTORS or key in FUNCTION_WORDS
                or key in lex.country_by_demonym or key in lex.group_adjectives
                or key in MONTHS or key in lex.country_by_name)


def is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in text.strip()


def trim_span(span: Span) -> Span | None:
    """Drop leading articles, quotes and punctuation and a trailing possessive from an entity span."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct
                           or doc[start].is_space or doc[start].text in _QUOTES
                           or (doc[start].text == "By" and doc[start].is_sent_start)):   # a byline
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space
                           or doc[end - 1].lower_ in ("'s", "’s", "'", "’") or doc[end - 1].text in _QUOTES):
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label)


def span_has_newline(span: Span) -> bool:
    return any("\n" in t.text or ("\n" in t.whitespace_ and t.i < span.end - 1) for t in span)


def split_on_newlines(doc: Doc, span: Span) -> list[Span]:
    """Entity spans must not run across paragraph breaks (headline into dateline)."""
    parts, start = [], span.start
    for t in span:
        if t.is_space or ("\n" in t.whitespace_ and t.i < span.end - 1):
            stop = t.i if t.is_space else t.i + 1
            if stop > start:
                parts.append(Span(doc, start, stop, label=span.label))
            start = t.i + 1
    if span.end > start:
        parts.append(Span(doc, start, span.end, label=span.label))
    return parts
