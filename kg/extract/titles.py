"""Find titles of posts ("First Deputy Chairman", "Secretary-General", "Speaker") in a Doc."""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.lexicons import fold, load
from kg.extract.text import TITLE_MODIFIERS

TITLES_KEY = "ng_titles"


class TitleFinder:
    """Marks title spans in ``doc.spans["ng_titles"]``; patterns come from ``lexicons/titles.txt``.

    A title found by the lexicon is widened to the left over modifiers ("First Deputy", "Vice-"),
    so the lexicon lists each title once.
    """

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        titles = sorted(load().titles)
        self.matcher.add("TITLE", list(nlp.tokenizer.pipe(titles)))
        # Plurals ("MPs", "Senators") mark groups, not a post; they are found so that NER spans
        # made of them can be discarded.
        plurals = sorted({t + "s" for t in titles if " " not in t})
        self.matcher.add("TITLE_PLURAL", list(nlp.tokenizer.pipe(plurals)))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            while start > 0:
                prev = doc[start - 1]
                if fold(prev.text) in TITLE_MODIFIERS and (prev.text[0].isupper() or doc[start].text[0].islower()):
                    start -= 1
                elif prev.text in ("-", "‐") and start > 1 and fold(doc[start - 2].text) in TITLE_MODIFIERS:
                    start -= 2
                else:
                    break
            if label == "TITLE":
                end = _with_portfolio(doc, start, end)
            spans.append(Span(doc, start, end, label=label))
        doc.spans[TITLES_KEY] = filter_spans(spans)
        return doc


#: Titles that take a portfolio: "Minister of Foreign Affairs", "Secretary for Health".
PORTFOLIO_TITLES = frozenset({"minister", "secretary", "commissioner", "envoy", "representative",
                              "coordinator", "adviser", "advisor"})


def _with_portfolio(doc: Doc, start: int, end: int) -> int:
    """Extend a ministerial title over its portfolio: "Minister of Foreign Affairs", "Minister of
    Economy and Finance" (portfolios from the lexicon, joined by "and"), and, after a bare
    "Minister", an unknown one the NER does not take for a person or a place ("Minister of Oil
    and Gas Khalid Al Harthani", "Minister of Territorial Administration Anne-Sophie Brielle")."""
    if fold(doc[end - 1].text) not in PORTFOLIO_TITLES or end >= len(doc) or doc[end].lower_ not in ("of", "for"):
        return end
    portfolios = load().portfolios
    j = end + 1
    if j < len(doc) and doc[j].lower_ == "the":
        j += 1
    best = end
    pos = j
    while pos < len(doc):                      # known portfolios, "X and Y", "X, Y and Z"
        found = 0
        for k in range(pos + 1, min(len(doc), pos + 8) + 1):
            if doc[pos].text[:1].isupper() and fold(doc[pos:k].text) in portfolios:
                found = k
        if not found:
            break
        best = found
        if found < len(doc) and doc[found].lower_ in ("and", ",", "&") and found + 1 < len(doc) \
                and doc[found + 1].text[:1].isupper():
            pos = found + 1
            continue
        break
    if best > end or not _bare_minister(doc, start, end):
        return best
    return _unknown_portfolio(doc, j) or end


def _bare_minister(doc: Doc, start: int, end: int) -> bool:
    """"Minister", "Deputy Minister": not "Prime Minister" or "Foreign Minister", whose first
    word already says what they are ministers of."""
    if fold(doc[end - 1].text) != "minister":
        return False
    if start > 0 and doc[start - 1].is_alpha and fold(doc[start - 1].text + " " + doc[start].text) in load().titles:
        return False               # the "Minister" of "Prime Minister"
    return all(fold(t.text) in TITLE_MODIFIERS or t.text in "-‐" for t in doc[start:end - 1])


def _unknown_portfolio(doc: Doc, j: int) -> int | None:
    lex = load()
    person_starts = {e.start for e in doc.ents if e.label_ == "PERSON"}
    in_person = {i for e in doc.ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
    k = j
    while k < len(doc) and k not in person_starts and k not in in_person:
        t = doc[k]
        if t.text[:1].isupper() and t.is_alpha and not lex.is_gazetteer_place(t.text) and not lex.is_demonym(t.text):
            k += 1
        elif t.lower_ in ("and", "&") and k > j and k + 1 < len(doc) and doc[k + 1].text[:1].isupper():
            k += 1
        else:
            break
    while k > j and doc[k - 1].lower_ in ("and", "&"):
        k -= 1
    if k == j or k >= len(doc) or k - j > 5:
        return None
    # the portfolio must be followed by the holder's name, or end the title phrase
    nxt = doc[k]
    if k in person_starts or nxt.is_punct or not nxt.text[:1].isupper():
        return k
    return None


def title_at(doc: Doc, i: int) -> Span | None:
    """The title span covering token ``i``, if any."""
    for span in doc.spans.get(TITLES_KEY, []):
        if span.start <= i < span.end:
            return span
    return None
