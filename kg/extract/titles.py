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
    """Extend a ministerial title over its portfolio, when the lexicon knows the portfolio."""
    if fold(doc[end - 1].text) not in PORTFOLIO_TITLES or end >= len(doc) or doc[end].lower_ not in ("of", "for"):
        return end
    portfolios = load().portfolios
    j = end + 1
    if j < len(doc) and doc[j].lower_ == "the":
        j += 1
    best = end
    for k in range(j + 1, min(len(doc), j + 8) + 1):
        if fold(doc[j:k].text) in portfolios and doc[j].text[:1].isupper():
            best = k
    return best


def title_at(doc: Doc, i: int) -> Span | None:
    """The title span covering token ``i``, if any."""
    for span in doc.spans.get(TITLES_KEY, []):
        if span.start <= i < span.end:
            return span
    return None
