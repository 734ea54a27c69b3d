"""Turn the statistical NER's entities into clean, typed mentions, using document-level evidence.

The small English model makes systematic mistakes on news about state bodies: demonyms tagged as
organizations ("Turkic"), titles and persons glued into organization names ("... of Turkic
Culture Sultan Raev"), an organization tagged as a person where it stands alone ("Turksoy").
This component repairs them with the lexicons and with what the rest of the article says, and
writes the result to ``doc.spans["ng_mentions"]`` with the labels PERSON, ORG and PLACE.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.lexicons import fold, load
from kg.extract.text import (HONORIFICS, is_acronym, is_name_token, name_key, split_on_newlines,
                             trim_span)
from kg.extract.titles import TITLES_KEY

MENTIONS_KEY = "ng_mentions"
_NER_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE",
               "NORP": "NORP"}


def _is_demonym_phrase(text: str) -> bool:
    """"Kazakh", "Kazakh-Uzbek", "Central Asian": adjectives, never entities on their own."""
    lex = load()
    parts = [p for p in text.replace("–", "-").split("-") if p]
    return bool(parts) and all(lex.is_demonym(p.strip()) or lex.place_country(p.strip()) for p in parts) \
        and not all(lex.place_country(p.strip()) for p in parts)


def has_org_head(span: Span) -> bool:
    lex = load()
    return any(fold(t.text) in lex.org_heads and t.text[:1].isupper() for t in span) \
        or fold(span.text) in lex.institutions


def relabel(span: Span, label: str) -> str | None:
    """The label lexicons give a span (None: not an entity), or the NER's label."""
    lex = load()
    text = span.text
    key = fold(text)
    if key in lex.institutions:
        return "ORG"
    if lex.is_gazetteer_place(text):
        return "PLACE"
    if lex.is_demonym(text) or _is_demonym_phrase(text):
        return None
    titles = [s for s in span.doc.spans.get(TITLES_KEY, []) if s.start >= span.start and s.end <= span.end]
    if titles and sum(len(s) for s in titles) >= len(span) - sum(1 for t in span if t.lower_ in ("of", "the")):
        return None  # "the Head of State", "MPs": a title, not a name
    if label in ("PERSON", "ORG") and has_org_head(span):
        return "ORG"
    if label == "NORP":
        return None
    if label == "PERSON" and len(span) == 1 and fold(text) in lex.org_heads:
        return None
    return label


def _strip_titles(span: Span, label: str) -> list[tuple[Span, str]]:
    """Split "Kazakh President Kassym-Jomart Tokayev" into its qualifier and the person's name."""
    doc = span.doc
    inner = [s for s in doc.spans.get(TITLES_KEY, []) if s.start >= span.start and s.end <= span.end]
    out: list[tuple[Span, str]] = []
    start = span.start
    # honorifics are not part of the name used for matching
    if inner:
        last = inner[-1]
        after = doc[last.end: span.end]
        if after and all(is_name_token(t) for t in after) and len(after) <= 4:
            before = doc[span.start: inner[0].start]
            if len(before):
                b = trim_span(before)
                if b is not None:
                    blabel = relabel(b, "ORG")
                    if blabel:
                        out.append((b, blabel))
            out.append((after, "PERSON"))
            return out
        if last.start == span.start and after and label == "ORG":
            return [(s, label) for s in [trim_span(after)] if s is not None]
    while start < span.end - 1 and fold(doc[start].text) in HONORIFICS:
        start += 1
    return [(doc[start: span.end], label)]


def _split_trailing_person(span: Span, persons: set[str]) -> list[tuple[Span, str]] | None:
    """"Senate of Poland Tomasz Grodzki" -> ORG + PERSON, when the tail is evidently a name."""
    doc = span.doc
    lex = load()
    for n in (3, 2):
        if len(span) <= n:
            continue
        tail = doc[span.end - n: span.end]
        if not all(is_name_token(t) for t in tail):
            continue
        prev = doc[span.end - n - 1]
        known = name_key(tail.text) in persons
        boundary = (lex.place_country(prev.text) is not None or fold(prev.text) in lex.org_heads
                    or fold(prev.text) in lex.titles or lex.is_gazetteer_place(prev.text))
        if known or boundary:
            head = trim_span(doc[span.start: span.end - n])
            if head is None:
                return None
            hlabel = relabel(head, "ORG") or "ORG"
            return [(head, hlabel), (tail, "PERSON")]
    return None


def _person_context(span: Span) -> bool:
    """Text around a span that says it names a person: a title before it, "as the" after it..."""
    doc = span.doc
    titles = doc.spans.get(TITLES_KEY, [])
    if any(s.end == span.start for s in titles):
        return True
    nxt = [t.lower_ for t in doc[span.end: span.end + 4]]
    if nxt[:2] == ["as", "the"] or (nxt and nxt[0] in ("said", "noted", "stressed", "told")):
        return True
    if len(nxt) >= 2 and nxt[0] in ("has", "was", "is", "had", "have") and any(
            w in ("elected", "appointed", "named", "been") for w in nxt[1:]):
        return True
    return False


def _org_context(doc: Doc, start: int, end: int) -> bool:
    """"Turksoy Secretary-General", "Secretary-General of Turksoy": a name qualifying a title."""
    titles = doc.spans.get(TITLES_KEY, [])
    if any(s.start == end for s in titles):
        return True
    j = start - 1
    if j >= 0 and doc[j].lower_ == "the":
        j -= 1
    if j >= 0 and doc[j].lower_ == "of" and any(s.end == j for s in titles):
        return True
    return False


def find_mentions(doc: Doc) -> list[Span]:
    lex = load()
    cands: list[tuple[Span, str]] = []
    for ent in doc.ents:
        label = _NER_LABELS.get(ent.label_)
        if label is None:
            continue
        for part in split_on_newlines(doc, ent):
            span = trim_span(part)
            if span is None:
                continue
            for sub, sublabel in _strip_titles(span, label):
                new = relabel(sub, sublabel)
                if new:
                    cands.append((sub, new))

    # Document-level evidence 1: the full names of persons.
    persons = {name_key(s.text) for s, lab in cands if lab == "PERSON" and len(s) >= 2}
    repaired: list[tuple[Span, str]] = []
    for span, label in cands:
        if label == "ORG":
            split = _split_trailing_person(span, persons)
            if split:
                repaired.extend(split)
                continue
            if (not has_org_head(span) and not is_acronym(span.text) and 2 <= len(span) <= 4
                    and all(is_name_token(t) for t in span)
                    and (name_key(span.text) in persons or _person_context(span))):
                label = "PERSON"
        repaired.append((span, label))
    persons |= {name_key(s.text) for s, lab in repaired if lab == "PERSON" and len(s) >= 2}
    name_parts = set()
    for p in persons:
        parts = p.split()
        name_parts.update(parts)

    # Document-level evidence 2: vote on the type of each name across the article.
    votes: dict[str, Counter] = defaultdict(Counter)
    for span, label in repaired:
        votes[name_key(span.text)][label] += 1
    for span, label in repaired:
        key = name_key(span.text)
        if label in ("PERSON", "ORG") and len(span) == 1 and key not in name_parts:
            if any(_org_context(doc, s.start, s.end) for s, _ in repaired if name_key(s.text) == key) \
                    or _org_context(doc, span.start, span.end):
                votes[key]["ORG"] += 100
    final: list[Span] = []
    for span, label in repaired:
        key = name_key(span.text)
        if label in ("PERSON", "ORG"):
            label = "PERSON" if key in persons else votes[key].most_common(1)[0][0]
        final.append(Span(doc, span.start, span.end, label=label))

    # The dateline overrides whatever NER made of it.
    dl = doc._.ng_dateline
    if dl is not None:
        for offsets, label in ((dl.place, "PLACE"), (dl.agency, "ORG")):
            if offsets is None:
                continue
            s = doc.char_span(offsets[0], offsets[1], label=label, alignment_mode="expand")
            if s is not None:
                final = [f for f in final if f.end <= s.start or f.start >= s.end]
                final.append(s)

    # Other occurrences of the names found, which NER missed.
    final = filter_spans(final)
    matcher = PhraseMatcher(doc.vocab, attr="ORTH")
    seen: set[str] = set()
    for s in final:
        if s.text not in seen:
            seen.add(s.text)
            matcher.add(s.label_, [s.as_doc()])
    taken = {i for s in final for i in range(s.start, s.end)}
    extra = [Span(doc, start, end, label=doc.vocab.strings[match_id])
             for match_id, start, end in matcher(doc)
             if not any(i in taken for i in range(start, end))]
    return sorted(filter_spans(final + extra), key=lambda s: s.start)


def tag_mentions(doc: Doc) -> Doc:
    doc.spans[MENTIONS_KEY] = find_mentions(doc)
    return doc
