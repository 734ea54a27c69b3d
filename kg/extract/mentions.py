"""Turn the statistical NER's entities into clean, typed mentions, using document-level evidence.

The small English model makes systematic mistakes on news about state bodies: demonyms tagged as
organizations ("Turkic"), titles and persons glued into organization names ("... of Turkic
Culture Sultan Raev"), names cut short ("the Senate of the" + "Parliament"), an organization
tagged as a person where it stands alone ("Turksoy"). This component repairs them in four steps:

1. candidates: NER entities, names of national institutions, unknown acronyms, the dateline;
2. span repairs: cut titles and honorifics off, split a person's name off an organization's,
   join "X of the Y", finish names the NER cut short;
3. every other occurrence of a name found is a mention too;
4. the type of each name is voted across all its occurrences and their contexts.

The result is ``doc.spans["ng_mentions"]`` with the labels PERSON, ORG and PLACE.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.lexicons import fold, load
from kg.extract.text import (FUNCTION_WORDS, HONORIFICS, MONTHS, NAME_PARTICLES, TITLE_MODIFIERS, is_acronym, is_name_token,
                             name_key, split_on_newlines, trim_span)
from kg.extract.titles import TITLES_KEY

MENTIONS_KEY = "ng_mentions"
_NER_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "NORP": "NORP"}
_PLACE_SUFFIXES = frozenset({"region", "oblast", "province", "district", "county", "state", "city", "republic",
                             "governorate", "prefecture", "municipality"})
_PLACE_PREPOSITIONS = frozenset({"in", "near", "to", "from"})
#: Single organization words that, capitalised after "the", name one specific body ("the Government").
_BARE_BODIES = frozenset({"government", "cabinet", "parliament", "senate", "presidium", "majilis", "mazhilis",
                          "congress", "duma", "assembly", "council", "administration", "secretariat"})
_ACTOR_VERBS = frozenset({"say", "meet", "tell", "note", "stress", "add", "receive", "hold", "visit", "sign",
                          "announce", "speak", "emphasize", "emphasise", "express", "thank"})
#: Verbs whose subject is a person ("Okafor met with the minister").
_HUMAN_VERBS = frozenset({"meet", "receive", "thank", "congratulate", "welcome", "phone", "greet", "shake"})
_APPOINT_WORDS = frozenset({"elected", "appointed", "named", "re-elected", "nominated", "dismissed"})


@dataclass
class Cand:
    start: int
    end: int
    label: str
    strong: bool = False   # from the dateline: wins every vote
    lexicon: bool = False  # found by a lexicon (gazetteer, institutions), not guessed from the text

    def span(self, doc: Doc) -> Span:
        return Span(doc, self.start, self.end, label=self.label)


# --------------------------------------------------------------------------- small tests

def is_name_span(doc: Doc, start: int, end: int) -> bool:
    """Capitalised name words, hyphenated parts allowed: "Kassym-Jomart Tokayev"."""
    if end <= start:
        return False
    toks = doc[start:end]
    if toks[0].text in "-‐" or toks[-1].text in "-‐" or not is_name_token(toks[0]) or not is_name_token(toks[-1]):
        return False
    return all(is_name_token(t) or (t.text in "-‐" and t.whitespace_ == "") or fold(t.text) in NAME_PARTICLES
               for t in toks)


def _words(doc: Doc, start: int, end: int) -> list[str]:
    return [t.text for t in doc[start:end] if t.text not in "-‐"]


def has_org_head(span: Span) -> bool:
    lex = load()
    return any(fold(t.text) in lex.org_heads and t.text[:1].isupper() for t in span) \
        or fold(span.text) in lex.institutions


def _is_demonym_phrase(text: str) -> bool:
    """"Kazakh", "Kazakh-Uzbek", "Kazakhstan-Elbasy": modifiers, never entities on their own."""
    lex = load()
    parts = [p.strip() for p in text.replace("–", "-").split("-") if p.strip()]
    if not parts:
        return False
    if all(lex.is_demonym(p) for p in parts):
        return True
    if len(parts) > 1 and any(lex.is_demonym(p) or lex.place_country(p) for p in parts):
        return not all(lex.place_country(p) for p in parts)
    return False


def _inside_title(doc: Doc, start: int, end: int) -> bool:
    titles = doc.spans.get(TITLES_KEY, [])
    covered = {i for s in titles for i in range(s.start, s.end)}
    rest = [t for t in doc[start:end] if t.i not in covered and t.lower_ not in ("of", "the", "and")]
    return not rest


def relabel(span: Span, label: str) -> str | None:
    """The label the lexicons give a span (None: not an entity), or the NER's label."""
    lex = load()
    text = span.text
    key = fold(text)
    if not text[:1].isupper() and not text[:1].isdigit():
        return None                          # "chamber's press service": not a proper name
    if key in lex.institutions:
        return "ORG"
    if lex.is_gazetteer_place(text):
        return "PLACE"
    if len(span) == 1 and key in lex.org_heads and key not in _BARE_BODIES and not is_acronym(text):
        return None                          # "the Organization", "the Summit": a common noun
    if key in lex.not_names or key.startswith(("press service", "press office", "press centre", "press center")):
        return None                          # "GDP"; "the press service of X" is no entity of its own
    if lex.is_demonym(text):
        return None
    if _inside_title(span.doc, span.start, span.end):
        return None                          # "the Head of State", "MPs"
    if label in ("PERSON", "ORG", "PLACE") and has_org_head(span):
        return "ORG"                         # "Kazakhstan-Serbia Parliamentary Cooperation Group"
    if _is_demonym_phrase(text):
        return None
    if label == "NORP":
        return None
    return label


# --------------------------------------------------------------------------- step 1

def _ner_candidates(doc: Doc) -> list[Cand]:
    out = []
    dl = doc._.ng_dateline
    dl_end = next((t.i for t in doc if t.idx >= dl.end), None) if dl is not None else None
    for ent in doc.ents:
        label = _NER_LABELS.get(ent.label_)
        if label is None:
            continue
        if dl_end is not None and ent.start < dl_end < ent.end:
            ent = Span(doc, dl_end, ent.end, label=ent.label)   # "RUV - Okafor": the dateline ends first
        for part in split_on_newlines(doc, ent):
            for piece in _split_coordination(doc, part, label):
                span = trim_span(piece)
                if span is not None:
                    span = _proper_part(span)
                if span is not None:
                    out.append(Cand(span.start, span.end, label))
    return out


def _proper_part(span: Span) -> Span | None:
    """A name ends with a capitalised word: "the Karst coast guard" names Karst, not a body."""
    end = span.end
    if "«" in span.text or "“" in span.text:
        return span
    doc = span.doc
    start = span.start
    while start < end - 1 and doc[start].is_alpha and doc[start].text[:1].islower() and doc[start].lower_ not in _CONNECT:
        start += 1                           # "carmaker Belov Motors"
    if start != span.start:
        span = Span(doc, start, end, label=span.label)
    if doc[end - 1].lower_ in _BARE_BODIES and end - 1 > span.start and doc[end - 2].text[:1].isupper():
        return span                          # "the Georgian parliament": a body named by its country
    while end > span.start and doc[end - 1].is_alpha and doc[end - 1].text[:1].islower():
        end -= 1
    while end > span.start and span.doc[end - 1].lower_ in _CONNECT:
        end -= 1
    if end <= span.start:
        return None
    return span if end == span.end else Span(span.doc, span.start, end, label=span.label)


def _split_coordination(doc: Doc, span: Span, label: str) -> list[Span]:
    """"Velmaria and Karst" as one PERSON or place: two names. Organizations keep their "and"
    ("Ministry of Culture and Sport")."""
    commas = [t.i for t in span if t.text == "," and span.start < t.i < span.end - 1]
    if commas:                              # "Zlatoria, Belov Motors": a list, not one name
        out, a = [], span.start
        for k in commas + [span.end]:
            if k > a:
                out.extend(_split_coordination(doc, Span(doc, a, k, label=span.label), label))
            a = k + 1
        return out
    if label not in ("PERSON", "PLACE"):
        return [span]
    cuts = [t.i for t in span if t.lower_ in ("and", "&") and span.start < t.i < span.end - 1]
    if not cuts:
        return [span]
    out, a = [], span.start
    for k in cuts:
        if not is_name_span(doc, a, k) or not doc[k + 1].text[:1].isupper():
            return [span]
        out.append(Span(doc, a, k, label=span.label))
        a = k + 1
    out.append(Span(doc, a, span.end, label=span.label))
    return out


_MATCHERS: dict[int, PhraseMatcher] = {}


def _institution_matcher(doc: Doc) -> PhraseMatcher:
    """Built once per vocabulary (i.e. per loaded pipeline)."""
    matcher = _MATCHERS.get(id(doc.vocab))
    if matcher is None:
        matcher = PhraseMatcher(doc.vocab, attr="LOWER")
        matcher.add("ORG", [_as_doc(doc, n) for n in load().institutions.values()])
        _MATCHERS[id(doc.vocab)] = matcher
    return matcher


def _institution_candidates(doc: Doc) -> list[Cand]:
    matcher = _institution_matcher(doc)
    out = []
    for _, start, end in matcher(doc):
        if doc[start].text[:1].isupper():
            out.append(Cand(start, end, "ORG", lexicon=True))
    return out


def _as_doc(doc: Doc, text: str) -> Doc:
    """A pattern tokenised like article text ("Nur-Sultan" -> Nur, -, Sultan)."""
    words = text.replace("-", " - ").split()
    spaces = [True] * len(words)
    for i, w in enumerate(words[:-1]):
        if w == "-" or words[i + 1] == "-":
            spaces[i] = False
    spaces[-1] = False
    return Doc(doc.vocab, words=words, spaces=spaces)


_PLACE_MATCHERS: dict[int, PhraseMatcher] = {}


def _place_matcher(doc: Doc) -> PhraseMatcher:
    matcher = _PLACE_MATCHERS.get(id(doc.vocab))
    if matcher is None:
        lex = load()
        names = {n for c in lex.countries for n in (*c.names, *c.capitals)}
        names |= set(lex.regions.values())
        from kg.extract.lexicons import LEXICON_DIR
        for line in (LEXICON_DIR / "cities.txt").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                names.update(v for v in line.split("|") if v)
        matcher = PhraseMatcher(doc.vocab, attr="LOWER")
        matcher.add("PLACE", [_as_doc(doc, n) for n in sorted(names)])
        _PLACE_MATCHERS[id(doc.vocab)] = matcher
    return matcher


def _gazetteer_candidates(doc: Doc, taken: set[int]) -> list[Cand]:
    """Countries, capitals, major cities and regions the NER missed ("in Accra")."""
    out = []
    found = filter_spans([Span(doc, s, e) for _, s, e in _place_matcher(doc)(doc)])
    for sp in found:
        if any(i in taken for i in range(sp.start, sp.end)) or not sp.text[:1].isupper():
            continue
        out.append(Cand(sp.start, sp.end, "PLACE", lexicon=True))
    return out


def _fragments_only(doc: Doc, i: int, j: int, cands: list[Cand]) -> bool:
    """True when the candidates inside a name run are pieces of it the NER cut off ("Berg" of
    "Anna Berg"), not places or organizations of their own."""
    lex = load()
    inside = [c for c in cands if c.start < j and i < c.end]
    return bool(inside) and all(
        c.start >= i and c.end <= j and not lex.is_gazetteer_place(doc[c.start:c.end].text)
        and not has_org_head(doc[c.start:c.end]) and fold(doc[c.start:c.end].text) not in lex.institutions
        for c in inside)


def _context_person_candidates(doc: Doc, taken: set[int], cands_all: list[Cand] = ()) -> list[Cand]:
    """Names the NER missed but the text marks as persons: right after a title ("Minister Ana
    Lima"), or opening a clause that says they were appointed ("- Ana Lima was appointed ...")."""
    out = []
    titles = doc.spans.get(TITLES_KEY, [])
    # every place a run of name words starts
    in_title = {k for s in titles for k in range(s.start, s.end)}
    starts = {t.i for t in doc if is_name_token(t) and t.i not in in_title
              and (t.i == 0 or not is_name_token(doc[t.i - 1]) or doc[t.i - 1].is_sent_end or t.i - 1 in in_title)}
    for i in sorted(starts):
        if i >= len(doc) or i in taken:
            continue
        j = i
        while j < len(doc) and j - i < 6 and j not in in_title and (
                is_name_token(doc[j]) or (doc[j].text in "-‐" and doc[j].whitespace_ == "")):
            j += 1
        while j > i and doc[j - 1].text in "-‐":
            j -= 1
        n = len(_words(doc, i, j))
        if not (1 <= n <= 4) or not is_name_span(doc, i, j):
            continue
        if any(k in taken for k in range(i, j)) and not (n >= 2 and _fragments_only(doc, i, j, cands_all)):
            continue
        if n == 1 and not (doc[i].pos_ == "PROPN" and j < len(doc) and doc[j].lemma_.lower() in _ACTOR_VERBS):
            continue  # a lone capitalised word is a name only when it acts: "Okafor met ..."
        ner_person = any(c.label == "PERSON" and c.start >= i and c.end <= j for c in cands_all)
        if i in {s.end for s in titles} or _person_context(doc, i, j) or n == 1 or ner_person:
            out.append(Cand(i, j, "PERSON"))
    return out


_CONNECT = frozenset({"of", "and", "for", "on", "the", "&"})
_DATE_WORDS = frozenset(MONTHS) | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def _org_name_candidates(doc: Doc) -> list[Cand]:
    """Capitalised runs that contain an organization word ("The Collective Security Treaty
    Organization held...", "Ministry of Foreign Affairs"), and an unknown name qualifying a title
    ("Velmar Secretary-General")."""
    lex = load()
    out = []
    i = 0
    n = len(doc)
    title_tokens = {k for t in doc.spans.get(TITLES_KEY, []) for k in range(t.start, t.end)}
    while i < n:
        if not (doc[i].text[:1].isupper() and doc[i].is_alpha) or doc[i].lower_ == "the":
            i += 1
            continue
        j = i
        while j < n and fold(doc[j].text) not in _DATE_WORDS and (
                (doc[j].text[:1].isupper() and (doc[j].is_alpha or doc[j].text in "-‐"))
                         or (doc[j].lower_ in _CONNECT and j + 1 < n and doc[j + 1].text[:1].isupper())
                         or (doc[j].lower_ == "in" and j > i and j + 1 < n and fold(doc[j + 1].text) in lex.regions)
                         or (doc[j].text in "-‐" and doc[j].whitespace_ == "")
                         or (j > i and doc[j - 1].text in "-‐" and doc[j - 1].whitespace_ == "" and doc[j].is_alpha)):
            if doc[j].is_space or (j > i and doc[j - 1].whitespace_ and "\n" in doc[j - 1].whitespace_):
                break
            j += 1
        while j > i and doc[j - 1].lower_ in _CONNECT:
            j -= 1
        for a, b in _segments(doc, i, j, title_tokens):
            while a < b and (fold(doc[a].text) in FUNCTION_WORDS or doc[a].tag_ == "VBG"):
                a += 1                   # "Addressing the Council": the name is "Council"
            while a < b and doc[a].lower_ in _CONNECT:
                a += 1
            if b - a >= 2 and any(fold(doc[k].text) in lex.org_heads for k in range(a, b)):
                out.append(Cand(a, b, "ORG"))
        i = max(j, i + 1)
    for t in doc.spans.get(TITLES_KEY, []):
        k = t.start - 1
        if fold(t.text) == "minister":
            continue                 # "Fisheries Minister": a portfolio, not an organization
        if k >= 0 and doc[k].pos_ == "PROPN" and is_name_token(doc[k]) and not load().is_gazetteer_place(doc[k].text) \
                and not lex.is_demonym(doc[k].text) and (k == 0 or not is_name_token(doc[k - 1])) \
                and fold(doc[k].text) not in TITLE_MODIFIERS:
            out.append(Cand(k, k + 1, "ORG"))
    return out


def _segments(doc: Doc, i: int, j: int, title_tokens: set[int]) -> list[tuple[int, int]]:
    """Cut a capitalised run into organization names: titles are not part of them ("Senate |
    Speaker"), and "and" after an organization word starts another ("... Institute | and | ...")."""
    lex = load()
    out, a = [], i
    for k in range(i, j):
        cut = k in title_tokens or (doc[k].lower_ in ("and", "&") and k > a and fold(doc[k - 1].text) in lex.org_heads)
        if cut:
            out.append((a, k))
            a = k + 1
    out.append((a, j))
    trimmed = []
    for a, b in out:
        while a < b and doc[a].lower_ in _CONNECT:
            a += 1
        while b > a and doc[b - 1].lower_ in _CONNECT:
            b -= 1
        if b > a:
            trimmed.append((a, b))
    return trimmed


def _acronym_candidates(doc: Doc, taken: set[int]) -> list[Cand]:
    """Unknown all-capital words ("TURKPA") are organizations in news; datelines excepted."""
    lex = load()
    out = []
    start = doc._.ng_dateline.end if doc._.ng_dateline is not None else 0
    for t in doc:
        if t.i in taken or t.idx < start or not t.is_alpha or not (3 <= len(t.text) <= 8) or not t.text.isupper():
            continue
        if lex.is_gazetteer_place(t.text) or lex.is_demonym(t.text) or fold(t.text) in lex.titles:
            continue
        sent = t.sent
        if sum(1 for x in sent if x.is_alpha and x.text.isupper()) > len(sent) / 2:
            continue  # a shouted line, not an acronym
        out.append(Cand(t.i, t.i + 1, "ORG"))
    return out


_DOMAIN = re.compile(r"^[A-Z][\w-]*\.(?:[a-z]{2,3}|info|news|media)$")
_REPORT_WORDS = frozenset({"correspondent", "correspondents", "reporter", "reporters", "reports", "reported", "cites",
                           "citing", "informs", "informed", "learned", "learnt"})


def _media_candidates(doc: Doc, taken: set[int]) -> list[Cand]:
    """News outlets, which the NER often misses or takes for people: a site's name ("Kun.uz",
    "Gazeta.uz"), a name before "correspondent" or "reports" ("according to the Kun.uz
    correspondent", "Trend reports that ..."). A person's name is never one: a name of two words
    or more before "reported" is a person telling something."""
    out = []
    for t in doc:
        if t.i in taken or not t.text[:1].isupper():
            continue
        nxt = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else ""
        after_name = t.i > 0 and is_name_token(doc[t.i - 1])
        if _DOMAIN.match(t.text):
            out.append(Cand(t.i, t.i + 1, "ORG"))
        elif nxt in _REPORT_WORDS and t.is_alpha and not after_name and t.ent_type_ != "PERSON" \
                and t.pos_ == "PROPN" and fold(t.text) not in load().titles:
            out.append(Cand(t.i, t.i + 1, "ORG"))
    return out


def _bare_body_candidates(doc: Doc, taken: set[int]) -> list[Cand]:
    """"the Government", "the Senate": a capitalised body word after "the", mid-sentence."""
    out = []
    for t in doc[1:]:
        if t.i in taken or fold(t.text) not in _BARE_BODIES or not t.text[:1].isupper():
            continue
        prev = doc[t.i - 1]
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if prev.lower_ != "the" or prev.is_sent_start:
            continue
        if nxt is not None and (nxt.lower_ == "of" or nxt.text[:1].isupper()):
            continue  # part of a longer name the NER should have had
        out.append(Cand(t.i, t.i + 1, "ORG"))
    return out


_STATE_WORDS = frozenset({"republic", "kingdom", "federation", "emirates", "emirate", "principality",
                          "sultanate", "state", "states", "union", "commonwealth", "province", "region", "oblast"})


def _name_units(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """The words of a name as token ranges, a hyphenated word one unit ("Jean-Luc")."""
    units: list[tuple[int, int]] = []
    i = start
    while i < end:
        j = i + 1
        while j + 1 < end and doc[j].text in "-‐" and doc[j - 1].whitespace_ == "" and doc[j].whitespace_ == "":
            j += 2
        units.append((i, j))
        i = j
    return units


def _person_tail(doc: Doc, start: int, end: int) -> int | None:
    """Where a personal name at the end of ``[start, end)`` begins: its last two words, with the
    particles that bind more words to them ("Jean-Luc Morvan", "Tamim bin Hamad Al Thani")."""
    units = _name_units(doc, start, end)
    core, k = 0, len(units)
    while k > 0:
        a, b = units[k - 1]
        word = fold(doc[a:b].text)
        if word in NAME_PARTICLES:
            k -= 1
            continue
        if core >= 2 and not (k < len(units) and fold(doc[units[k][0]].text) in NAME_PARTICLES):
            break
        core += 1
        k -= 1
    if core < 2 or k == 0:
        return None
    return units[k][0]


def _after_last_of(doc: Doc, r0: int, r1: int) -> int | None:
    """In "Central Bank of Valdoria Martín Echeverría Lozano" the qualifier's last "of" governs one
    word, and the name is all that follows it (two words or more); so in "[Ambassador of] Valdoria
    Diego Fernández Arriaga", where the run itself follows the title's "of"."""
    last_of = max((k for k in range(r0, r1) if doc[k].lower_ == "of"), default=r0 - 1)
    k = last_of + 1
    if k < r1 and doc[k].lower_ == "the":
        k += 1
    units = _name_units(doc, k, r1)
    first = 1
    lex = load()
    if units and (lex.is_demonym(doc[units[0][0]].text) or doc[units[0][0]].pos_ == "ADJ"):
        first = 2                              # "of Turkic Culture Sultan Raev": adjective and noun
    if len(units) < first + 2:
        return None
    split = units[first][0]
    return split if is_name_span(doc, split, r1) else None


def _known_qualifier(doc: Doc, start: int, end: int) -> bool:
    """A place, institution or organization name the lexicons recognise by its words."""
    lex = load()
    span = doc[start:end]
    text = span.text
    last = fold(doc[end - 1].text)
    # "State of Dhafaran", "Republic of Ostrava": a state form and one name
    state_of = fold(doc[start].text) in _STATE_WORDS and doc[start + 1].lower_ == "of" and (
        len(_name_units(doc, start + 2, end)) == 1 or lex.is_gazetteer_place(doc[start + 2:end].text))
    return (lex.is_gazetteer_place(text) or fold(text) in lex.institutions or last in lex.org_heads
            or last in _STATE_WORDS or lex.place_country(text) is not None or state_of)


def _capitalised_run(doc: Doc, i: int, title_starts: set[int]) -> int:
    """The end of the run of capitalised words from token i ("Republic of Ostrava Milan Kerec"),
    with "of"/"the"/"and" and name particles inside it, no paragraph break, no title start."""
    r0, j = i, i
    while j < len(doc) and (j == r0 or j not in title_starts):
        tok = doc[j]
        if j > 0 and "\n" in doc[j - 1].whitespace_ + (doc[j - 1].text if doc[j - 1].is_space else ""):
            break
        if tok.text[:1].isupper() and (tok.is_alpha or "'" in tok.text or "’" in tok.text or "." in tok.text):
            j += 1
        elif tok.text in "-‐" and tok.whitespace_ == "" and doc[j - 1].whitespace_ == "" and j > r0:
            j += 1
        elif (tok.lower_ in ("of", "the", "and") or fold(tok.text) in NAME_PARTICLES) and j > r0 \
                and j + 1 < len(doc) and doc[j + 1].text[:1].isupper():
            j += 1
        else:
            break
    while j > r0 and (doc[j - 1].lower_ in ("of", "the", "and") or fold(doc[j - 1].text) in NAME_PARTICLES
                      or doc[j - 1].text in "-‐"):
        j -= 1
    return j


def _qualifier_label(doc: Doc, q: Span, title: Span, cands: list[Cand]) -> str:
    lex = load()
    if fold(q.text) in lex.institutions or fold(doc[q.end - 1].text) in lex.org_heads:
        return "ORG"
    if lex.is_gazetteer_place(q.text) or fold(doc[q.end - 1].text) in _STATE_WORDS or (
            fold(doc[q.start].text) in _STATE_WORDS and q.end - q.start >= 3 and doc[q.start + 1].lower_ == "of"):
        return "PLACE"                       # "Kyrgyz Republic", "Republic of Ostrava"
    same = [c.label for c in cands if (c.start, c.end) == (q.start, q.end) and c.label in ("ORG", "PLACE")]
    return same[0] if same else ("PLACE" if lex.is_state_title(title.text) else "ORG")


def _title_of_runs(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """Split the names after a title that the NER reads as one: "President of the Republic of
    Ostrava Milan Kerec", "Prime Minister of Velmaria Jean-Luc Morvan", "Ambassador of Velmaria
    to Karst Ivo Sand".

    A title's complements ("of X", "to Y") are qualifiers; the last one ends with the person. It
    ends where the lexicons recognise a place or a body, else where an NER person starts, else
    the person is the run's last two words. An unknown qualifier of a state title ("Minister of
    ... of Velmaria") is a place, of any other title an organization.
    """
    out = list(cands)
    titles = [t for t in doc.spans.get(TITLES_KEY, []) if t.label_ == "TITLE"]
    title_starts = {t.start for t in titles}
    for t in titles:
        runs: list[tuple[int, int]] = []
        i = t.end
        while i < len(doc) and doc[i].lower_ in ("of", "to") and len(runs) < 3:
            i += 1
            if i < len(doc) and doc[i].lower_ == "the":
                i += 1
            r1 = _capitalised_run(doc, i, title_starts)
            if r1 <= i:
                break
            runs.append((i, r1))
            i = r1
        if not runs:
            continue
        new: list[Cand] = []
        for r0, r1 in runs[:-1]:
            q = trim_span(doc[r0:r1])
            if q is not None:
                new.append(Cand(q.start, q.end, _qualifier_label(doc, q, t, cands)))
        r0, r1 = runs[-1]
        split = None
        if len(_name_units(doc, r0, r1)) >= 3:
            for k in range(r1 - 2, r0, -1):       # the longest recognised qualifier
                if doc[k - 1].lower_ in ("of", "the", "and") or doc[k].text in "-‐" or doc[k - 1].text in "-‐":
                    continue
                if _known_qualifier(doc, r0, k) and is_name_span(doc, k, r1) and len(_name_units(doc, k, r1)) >= 2:
                    split = k
                    break
            if split is None:
                split = _after_last_of(doc, r0, r1)
            if split is None:
                ner = [c for c in cands if c.label == "PERSON" and r0 < c.start < r1 and c.end == r1
                       and len(_name_units(doc, c.start, c.end)) >= 2]
                split = ner[0].start if ner else _person_tail(doc, r0, r1)
        if split is not None and split > r0 and is_name_span(doc, split, r1):
            q = trim_span(doc[r0:split])
            if q is not None and not (len(q) == 1 and fold(q.text) in _STATE_WORDS):
                # "President of the Republic José Villalba": "the Republic" is no name
                new.append(Cand(q.start, q.end, _qualifier_label(doc, q, t, cands)))
            new.append(Cand(split, r1, "PERSON"))
        elif len(runs) == 1:
            continue                              # one complement, nothing to split: leave it to the NER
        else:
            q = trim_span(doc[r0:r1])             # "Ambassador of Ostrava to Velmaria, Radka ..."
            if q is not None:
                new.append(Cand(q.start, q.end, _qualifier_label(doc, q, t, cands)))
        lo, hi = runs[0][0], runs[-1][1]
        out = [c for c in out if not (c.start < hi and lo < c.end)] + new
    return out


_HEADLINE_SMALL = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "with", "by",
                             "as", "from", "vs", "via", "into", "over", "after", "amid"})


def headline_end(doc: Doc) -> int:
    """The token where the body starts, when the headline is set in title case, else 0.

    In "Velmarian President Pays Official Visit To Ostrava" every word is capitalised, so
    capitals say nothing about names there and the NER guesses ("Pays Official Visit").
    """
    body = doc._.ng_body_start or 0
    if body <= 0:
        return 0
    words = [t for t in doc if t.idx < body and t.is_alpha]
    content = [t for t in words[1:] if t.lower_ not in _HEADLINE_SMALL]
    if len(content) < 3 or sum(t.text[:1].isupper() for t in content) < 0.75 * len(content):
        return 0
    return next((t.i for t in doc if t.idx >= body), len(doc))


def _confirmed_in_body(doc: Doc, cands: list[Cand], end: int) -> list[Cand]:
    """Keep a title-case headline's guessed names only as far as the body names them too: the
    longest run of the candidate's words that is a name found in the body, or the end of one,
    in any case ("Tokayev" of "Tokayev Calls", for the body's "Kassym-Jomart Tokayev"; "Georgian
    Parliament" for "Georgian parliament"). "Foreign" of "Foreign Ambassadors" is not, although
    the body speaks of "Foreign Affairs"."""
    body = [tuple(t.lower_ for t in doc[c.start:c.end]) for c in cands if c.start >= end]
    suffixes = {b[i:] for b in body for i in range(len(b))}
    body_text = " " + " ".join(t.lower_ for t in doc[end:]) + " "
    heads = load().org_heads
    out = []
    for c in cands:
        if c.start >= end or c.lexicon or c.strong:
            out.append(c)
            continue
        best = None
        for a in range(c.start, c.end):
            for b in range(c.end, a, -1):
                if best is not None and b - a <= best[1] - best[0]:
                    break
                if not (doc[a].text[:1].isupper() and doc[b - 1].text[:1].isupper()):
                    continue
                if c.label == "PERSON" and not is_name_span(doc, a, b):
                    continue
                words = tuple(t.lower_ for t in doc[a:b])
                if words in suffixes or (c.label == "ORG" and any(w in heads for w in words)
                                         and " " + " ".join(words) + " " in body_text):
                    best = (a, b)
        if best is not None:
            out.append(Cand(best[0], best[1], c.label))
    return out


# --------------------------------------------------------------------------- step 2

def _strip_titles(doc: Doc, c: Cand) -> list[Cand]:
    """"Kazakh President Kassym-Jomart Tokayev" -> the person's name (and a qualifying org)."""
    for s in doc.spans.get(TITLES_KEY, []):
        if s.start < c.start < s.end < c.end:
            # "Minister of" + "State for Europe": what is left after the title, if anything
            rest = trim_span(Span(doc, s.end, c.end))
            start = rest.start if rest is not None else c.end
            while start < c.end and doc[start].lower_ in _CONNECT:
                start += 1
            if start >= c.end:
                return []
            c = Cand(start, c.end, c.label, c.strong)
            break
    for s in doc.spans.get(TITLES_KEY, []):
        if c.start < s.start < c.end < s.end:
            # "Kyrgyz Foreign" + "Foreign Minister": the name stops where the title starts
            c = Cand(c.start, s.start, c.label, c.strong)
            break
    titles = [s for s in doc.spans.get(TITLES_KEY, []) if s.start >= c.start and s.end <= c.end]
    if titles:
        last = titles[-1]
        if last.end < c.end and is_name_span(doc, last.end, c.end) and len(_words(doc, last.end, c.end)) <= 4:
            out = []
            if titles[0].start > c.start:
                b = trim_span(doc[c.start: titles[0].start])
                if b is not None:
                    blabel = relabel(b, "ORG")
                    if blabel:
                        out.append(Cand(b.start, b.end, blabel))
            out.append(Cand(last.end, c.end, "PERSON"))
            return out
        if last.start == c.start and last.end < c.end and c.label == "ORG":
            rest = trim_span(doc[last.end: c.end])
            return [Cand(rest.start, rest.end, "ORG")] if rest is not None else []
    start = c.start
    while start < c.end - 1 and fold(doc[start].text).rstrip(".") in {h.rstrip(".") for h in HONORIFICS}:
        start += 1
    return [Cand(start, c.end, c.label, c.strong)]


def _split_trailing_person(doc: Doc, c: Cand, persons: set[str]) -> list[Cand] | None:
    """"Senate of Poland Tomasz Grodzki" -> ORG + PERSON, when the tail is evidently a name."""
    lex = load()
    for n in (4, 3, 2):
        start = c.end - n
        if start <= c.start or not is_name_span(doc, start, c.end):
            continue
        if doc[start - 1].text in "-‐":
            continue
        prev = doc[start - 1]
        known = name_key(doc[start:c.end].text) in persons
        boundary = (lex.place_country(prev.text) is not None or fold(prev.text) in lex.org_heads
                    or fold(prev.text) in lex.titles or lex.is_gazetteer_place(prev.text)
                    or any(fold(doc[k:start].text) in lex.institutions for k in range(max(c.start, start - 4), start)))
        if known or boundary:
            head = trim_span(doc[c.start:start])
            if head is None:
                return None
            if len(head) == 1 and lex.is_gazetteer_place(head.text) and fold(head.text) not in lex.country_by_name \
                    and is_name_span(doc, c.start, c.end) and not _place_context(doc, c.start):
                return [Cand(c.start, c.end, "PERSON")]      # "Sofía Castañeda Ruiz", not Sofia + a person
            return [Cand(head.start, head.end, relabel(head, "ORG") or "ORG"), Cand(start, c.end, "PERSON")]
    return None


def _split_leading_qualifier(doc: Doc, c: Cand) -> list[Cand] | None:
    """"Mongolia Bat Dorj", "Jogorku Kenesh Aida Omurova": a place or institution glued to a name."""
    lex = load()
    for k in range(min(c.end - 2, c.start + 4), c.start, -1):
        head = doc[c.start:k].text
        if lex.is_gazetteer_place(head) or fold(head) in lex.institutions:
            if is_name_span(doc, k, c.end) and len(_words(doc, k, c.end)) >= 2:
                label = "ORG" if fold(head) in lex.institutions else "PLACE"
                return [Cand(c.start, k, label), Cand(k, c.end, "PERSON")]
    return None


def _split_possessive_place(doc: Doc, c: Cand) -> list[Cand] | None:
    """"Kyrgyzstan's Jogorku Kenesh" -> PLACE + ORG."""
    lex = load()
    for i in range(c.start + 1, c.end - 1):
        if doc[i].lower_ in ("'s", "’s") and lex.place_country(doc[c.start:i].text):
            return [Cand(c.start, i, "PLACE"), Cand(i + 1, c.end, c.label)]
    return None


def _extend_org(doc: Doc, c: Cand, by_start: dict[int, Cand]) -> Cand:
    """Finish organization names the NER cut short."""
    lex = load()
    end = c.end
    # "the Senate of the" + "Kazakh Parliament" / "... of" + "Kazakhstan"
    while end < len(doc) and doc[end - 1].lower_ in ("of", "the", "and") and end - 1 >= c.start:
        nxt = by_start.get(end)
        if nxt is not None:
            end = nxt.end
            continue
        j = end
        while j < len(doc) and (is_name_token(doc[j]) or fold(doc[j].text) in lex.org_heads
                                or lex.is_demonym(doc[j].text)) and doc[j].text[:1].isupper():
            j += 1
        if j == end:
            break
        end = j
    # "Congress of Leaders of World" + "and Traditional Religions": the name goes on when it
    # does not yet end with an organization word
    if end + 1 < len(doc) and doc[end].lower_ == "and" and fold(doc[end - 1].text) not in lex.org_heads \
            and any(t.lower_ == "of" for t in doc[c.start:end]):
        nxt = by_start.get(end + 1)
        if nxt is not None and nxt.label in ("ORG", "PERSON", "PLACE") and not has_org_head(doc[nxt.start:nxt.end]) \
                and not load().is_gazetteer_place(doc[nxt.start:nxt.end].text):
            end = nxt.end        # the NER cut the name in two at "and"
        else:
            j = end + 1
            while j < len(doc) and doc[j].text[:1].isupper() and doc[j].is_alpha and j not in by_start:
                j += 1
            if j > end + 1:
                end = j
    # "CSTO" + "PA": an acronym continued by another capitalised abbreviation
    while end < len(doc) and doc[end].is_alpha and doc[end].text.isupper() and 2 <= len(doc[end].text) <= 5 \
            and doc[end - 1].text.isupper() and end not in by_start:
        end += 1
    # an opening guillemet is closed inside the name: «Institute of Presidency: Kazakhstani Model»
    text = doc[c.start:end].text
    if text.count("«") > text.count("»"):
        j = end
        while j < len(doc) and j < end + 20 and doc[j].text != "»" and not doc[j].is_space:
            j += 1
        if j < len(doc) and doc[j].text == "»":
            end = j + 1
    return Cand(c.start, end, c.label, c.strong)


def _join_of(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """ORG "of [the]" ORG/PLACE -> one organization name ("Majilis of the Kazakh Parliament")."""
    cands = sorted(cands, key=lambda c: c.start)
    out: list[Cand] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        if c.label == "ORG" and i + 1 < len(cands):
            n = cands[i + 1]
            gap = [t.lower_ for t in doc[c.end:n.start]]
            if n.label in ("ORG", "PLACE") and gap in (["of"], ["of", "the"]):
                out.append(Cand(c.start, n.end, "ORG", c.strong))
                i += 2
                continue
        out.append(c)
        i += 1
    return out


def _extend_place(doc: Doc, c: Cand) -> Cand:
    """"Karaganda" + "region" -> one place name."""
    nxt = doc[c.end] if c.end < len(doc) else None
    if nxt is not None and nxt.lower_ in _PLACE_SUFFIXES and nxt.pos_ == "NOUN" and (
            nxt.text[:1].isupper() or nxt.lower_ not in ("city", "state", "republic")):
        return Cand(c.start, c.end + 1, c.label, c.strong)   # not "Urganch city": Urganch
    return c


# --------------------------------------------------------------------------- step 4

def _person_context(doc: Doc, start: int, end: int) -> bool:
    """Text around a name that says it names a person: a title before it, "as the" after it..."""
    titles = doc.spans.get(TITLES_KEY, [])
    if any(s.end == start for s in titles):
        return True
    nxt = [t.lower_ for t in doc[end: end + 4]]
    if nxt[:2] == ["as", "the"] or (nxt and nxt[0] in ("said", "noted", "stressed", "told", "added")):
        return True
    if nxt[:2] == [",", "who"] or nxt[:1] == ["who"]:
        return True                          # "Marek Zarubin, who heads the Commission"
    if nxt and nxt[0] in _APPOINT_WORDS:
        return True
    if start >= 2 and doc[start - 1].text == ",":
        # "the Minister of Foreign Affairs of Kazyrgan, Aidana Temirbekova"
        for s in titles:
            if s.end < start - 1 and s.sent.start <= start and start - 1 - s.end <= 8 and all(
                    t.lower_ in ("of", "the", "to") or t.text[:1].isupper() for t in doc[s.end:start - 1]):
                return True
    if nxt and nxt[0] == "," and end + 1 < len(doc):
        k = end + 2 if doc[end + 1].lower_ == "the" else end + 1
        if any(s.start == k for s in titles):
            return True           # apposition: "Sultan Raev, Secretary-General of ..."
    if len(nxt) >= 2 and nxt[0] in ("has", "was", "is", "had", "have") and any(w in _APPOINT_WORDS or w == "been" for w in nxt[1:]):
        return True
    if start > 0 and fold(doc[start - 1].text).rstrip(".") in {h.rstrip(".") for h in HONORIFICS}:
        return True
    return False


def _in_place_list(doc: Doc, end: int) -> bool:
    """A name in a list that ends with a plural place noun: "Khazar, Lusk and Varna districts"."""
    i = end
    for _ in range(12):
        if i >= len(doc):
            return False
        t = doc[i]
        if t.text[:1].islower() and t.is_alpha and t.lower_ not in ("and", "as", "well"):
            low = t.lower_
            singular = low[:-3] + "y" if low.endswith("ies") else low[:-1] if low.endswith("s") else None
            return singular is not None and singular in load().place_nouns and t.pos_ == "NOUN"
        if not (t.text in ("," , "-") or t.lower_ in ("and", "as", "well") or is_name_token(t)):
            return False
        i += 1
    return False


def _before_place_noun(doc: Doc, end: int) -> bool:
    return end < len(doc) and doc[end].text[:1].islower() and fold(doc[end].text) in load().place_nouns


def _org_context(doc: Doc, start: int, end: int) -> bool:
    """"Turksoy Secretary-General", "Secretary-General of Turksoy": a name qualifying a title."""
    titles = doc.spans.get(TITLES_KEY, [])
    lex = load()
    if any(s.start == end and not lex.is_state_title(s.text) for s in titles):
        return True
    j = start - 1
    if j >= 0 and doc[j].lower_ == "the":
        j -= 1
    return j >= 0 and doc[j].lower_ == "of" and any(s.end == j and not lex.is_state_title(s.text) for s in titles)


def _state_context(doc: Doc, start: int) -> bool:
    """"President of Velmaria", "the Minister of Foreign Affairs of Velmaria": a state's name."""
    j = start - 1
    if j >= 0 and doc[j].lower_ == "the":
        j -= 1
    lex = load()
    titles = doc.spans.get(TITLES_KEY, [])
    if j >= 0 and doc[j].lower_ == "of" and any(
            s.end == j and s.label_ == "TITLE" and lex.is_state_title(s.text) for s in titles):
        return True
    # "Karst's foreign minister", "the Karst government"
    end = next((k for k in range(start, min(len(doc), start + 5)) if not doc[k].text[:1].isupper()), None)
    if end is None:
        return False
    k = end + 1 if doc[end].lower_ in ("'s", "’s") else end
    if k < len(doc) and doc[k].lower_ in ("government", "authorities", "embassy", "cabinet"):
        return True
    return any(s.start == k and lex.is_state_title(s.text) for s in titles)     # "Karst ministers"


def _place_context(doc: Doc, start: int, strict: bool = False) -> bool:
    """"in X", "near X", "hosted by X", "visit X" ("to X"/"from X" too unless strict: a letter is
    sent to a person)."""
    j = start - 1
    if j >= 0 and doc[j].lower_ == "the":
        j -= 1
    if j < 0:
        return False
    if doc[j].lower_ in (("in", "near") if strict else _PLACE_PREPOSITIONS):
        return True
    if doc[j].lower_ == "of" and j >= 1 and fold(doc[j - 1].text) in load().place_nouns:
        return True                          # "the port city of Morenza"
    if doc[j].lemma_.lower() == "visit" and doc[j].pos_ == "VERB":
        return True
    return j >= 1 and doc[j].lower_ == "by" and doc[j - 1].lemma_ == "host"


_DEMONYM_ENDINGS = (("ian", ("", "ia", "a", "y", "e")), ("an", ("", "a")), ("n", ("",)), ("ese", ("", "a")),
                    ("ish", ("", "land")), ("i", ("", "istan")))


def unknown_demonyms(doc: Doc) -> dict[str, str]:
    """Adjectives of places the lexicons do not know, found from the text itself: "Velmarian"
    beside "Velmaria", "Ostravan" beside "Ostrava", "Karstian" beside "Karst". Maps the adjective
    to the place name. Only pairs the article writes both halves of count, and never a word of
    a person's name ("Petros Petrosian")."""
    cached = doc.user_data.get("ng_demonyms")
    if cached is not None:
        return cached
    lex = load()
    words = {t.text for t in doc if t.is_alpha and t.text[:1].isupper()}
    persons = {i for e in doc.ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
    title_starts = {s.start for s in doc.spans.get(TITLES_KEY, [])}
    out: dict[str, str] = {}
    for t in doc:
        w = t.text
        if len(w) < 5 or not w[:1].isupper() or not w.isalpha() or w in out or fold(w) in lex.country_by_demonym:
            continue
        if t.i in persons and t.ent_type_ != "NORP":
            continue
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        adjectival = t.ent_type_ == "NORP" or (nxt is not None and nxt.text[:1].islower() and nxt.is_alpha
                                               and nxt.pos_ in ("NOUN", "ADJ")) or t.i + 1 in title_starts  # "Ostravan PM"
        if not adjectival:
            continue
        stems = [w[: -len(ending)] + r for ending, replacements in _DEMONYM_ENDINGS if w.endswith(ending)
                 for r in replacements]
        stems = [st for st in stems if len(st) >= 3 and st != w and st in words]
        if stems:
            out[w] = max(stems, key=len)      # "Velmarian": Velmaria rather than its capital Velmar
    doc.user_data["ng_demonyms"] = out
    return out


def _state_form_names(doc: Doc) -> set[str]:
    """Names the text itself calls states: "the Kazyrgan Republic", "the Republic of Ostrava"."""
    out = set()
    for t in doc:
        if fold(t.text) not in ("republic", "kingdom", "principality", "sultanate", "emirate") or not t.text[:1].isupper():
            continue
        if t.i >= 1 and is_name_token(doc[t.i - 1]) and not load().is_demonym(doc[t.i - 1].text):
            out.add(doc[t.i - 1].text)
        if t.i + 2 < len(doc) and doc[t.i + 1].lower_ == "of" and is_name_token(doc[t.i + 2]) \
                and (t.i + 3 >= len(doc) or not is_name_token(doc[t.i + 3])):
            out.add(doc[t.i + 2].text)
    return out


def _vote(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """One type per name across the article, from every occurrence and its context.

    Names of several words are decided first, so a lone word can follow the full name it is
    part of ("Sokolova" after "Irina Sokolova", whatever the NER called either).
    """
    demonyms = unknown_demonyms(doc)
    places = set(demonyms.values()) | _state_form_names(doc)
    cands = [c for c in cands if doc[c.start:c.end].text not in demonyms]
    occurrences: dict[str, list[Cand]] = defaultdict(list)
    for c in cands:
        occurrences[name_key(doc[c.start:c.end].text)].append(c)
    full_persons = {k for k, cs in occurrences.items() if len(doc[cs[0].start:cs[0].end].text.split()) >= 2
                    and any(c.label == "PERSON" for c in cs)}
    lone_persons = {k for k, cs in occurrences.items() if " " not in k and sum(c.label == "PERSON" for c in cs) >= 1
                    and not any(c.label == "ORG" for c in cs)}
    decided: dict[str, str] = {}
    multi = [k for k in occurrences if " " in k]
    for key in multi:
        decided[key] = _decide(doc, key, occurrences[key], places, full_persons, lone_persons)
    full_persons = {k for k in multi if decided[k] == "PERSON"} | {
        k for k in full_persons if decided.get(k) in (None, "PERSON")}
    for key in occurrences:
        if key not in decided:
            decided[key] = _decide(doc, key, occurrences[key], places, full_persons, lone_persons)
    return [Cand(c.start, c.end, decided[key], c.strong) for key, cs in occurrences.items() for c in cs]


def _decide(doc: Doc, key: str, cs: list[Cand], places: set[str], full_persons: set[str],
            lone_persons: set[str]) -> str:
    parts = {w for k in full_persons for w in k.split()}
    lex = load()
    span = doc[cs[0].start:cs[0].end]
    strong = [c.label for c in cs if c.strong]
    votes = Counter(c.label for c in cs)
    words = key.split()
    head = has_org_head(span) or is_acronym(span.text) or key in lex.institutions
    if strong:
        return strong[0]
    if span.text in places and not head:
        return "PLACE"                   # "Velmaria", whose people the text calls "Velmarian"
    if len(words) == 1 and key in parts and not head:
        return "PERSON"                  # a surname of someone named in full
    if lex.is_gazetteer_place(span.text):
        return "PLACE"
    if head:
        return "ORG"
    if any(_org_context(doc, c.start, c.end) for c in cs) and len(words) == 1 and key not in parts:
        return "ORG"
    if len(span.text.split()) == 1 and key not in parts and (_DOMAIN.match(span.text) or any(
            c.end < len(doc) and doc[c.end].lower_ in ("correspondent", "correspondents", "reporter") for c in cs)):
        return "ORG"                     # "Kun.uz", "the Trend correspondent"
    if any(_state_context(doc, c.start) for c in cs) and key not in parts and (len(words) == 1 or not votes["PERSON"]):
        return "PLACE"
    if any(_before_place_noun(doc, c.end) or _in_place_list(doc, c.end) for c in cs) and not any(
            _person_context(doc, c.start, c.end) for c in cs):
        return "PLACE"                   # "the Kok Saray residence", "Tavrin airport", "Lusk and Varna provinces"
    if len(words) >= 2 and votes["PERSON"] and all(c.start > 0 and doc[c.start - 1].lower_ in ("at", "in")
                                                    for c in cs) and not any(
            _person_context(doc, c.start, c.end) for c in cs):
        return "PLACE"                   # "the oath was taken at Qasr Al Noor": people are not "at" or "in"
    if votes["PERSON"] and (key in full_persons or key in parts):
        return "PERSON"
    if len(span.text.split()) == 1 and any(c.end < len(doc) and doc[c.end].lemma_.lower() in _HUMAN_VERBS
                                           and doc[c.end].pos_ == "VERB" for c in cs):
        return "PERSON"                  # "Okafor met with ...": only people meet and receive
    if len(words) >= 2 and words[-1] in lone_persons and is_name_span(doc, cs[0].start, cs[0].end):
        return "PERSON"                  # "Kassym-Jomart Tokayev" (NER: ORG) beside "Tokayev" (PERSON)
    if votes["PERSON"] and len(words) == 1 and all(c.start > 0 and doc[c.start - 1].lower_ == "the" for c in cs):
        return "ORG"                     # "before the Riksråd": a body, not a person
    if votes["PERSON"] and len(span.text.split()) == 1 and key not in parts and not any(
            _person_context(doc, c.start, c.end) for c in cs) and all(
            _place_context(doc, c.start, strict=True) for c in cs):
        return "PLACE"                   # "to visit Issyk-Kul"
    if len(words) >= 2 and is_name_span(doc, cs[0].start, cs[0].end) and (
            votes["PERSON"] or any(_person_context(doc, c.start, c.end) for c in cs)
            or _variant_of_person(key, full_persons)):
        return "PERSON"
    if votes["ORG"] and not votes["PERSON"] and all(_place_context(doc, c.start) for c in cs):
        return "PLACE"
    return votes.most_common(1)[0][0]


def _variant_of_person(key: str, persons: set[str]) -> bool:
    """"Dariga Nazarbayev" for a known "Dariga Nazarbayeva": same first name, surname off by one letter."""
    from kg.extract.coref import similar_surname
    words = key.split()
    return any(p.split()[0] == words[0] and similar_surname(p.split()[-1], words[-1]) for p in persons)


# --------------------------------------------------------------------------- the component

def find_mentions(doc: Doc) -> list[Span]:
    """The four steps of the module docstring, in order."""
    cands, strong = candidates(doc)
    final = repair(doc, cands, strong)
    final = every_occurrence(doc, final)
    return [c.span(doc) for c in sorted(_vote(doc, final), key=lambda c: c.start)]


def candidates(doc: Doc) -> tuple[list[Cand], list[Cand]]:
    """Step 1: every span that may name an entity, and the dateline's (which win every vote)."""
    cands = _ner_candidates(doc)
    dl = doc._.ng_dateline
    strong: list[Cand] = []
    if dl is not None:
        for offsets, label in ((dl.place, "PLACE"), (dl.agency, "ORG")):
            if offsets is not None:
                s = doc.char_span(offsets[0], offsets[1], alignment_mode="expand")
                if s is not None:
                    strong.append(Cand(s.start, s.end, label, strong=True))
    for extra in _institution_candidates(doc):
        overlapping = [c for c in cands if c.start < extra.end and extra.start < c.end]
        if all(c.label in ("NORP", "PLACE") or (c.end - c.start) < (extra.end - extra.start) for c in overlapping):
            # what an NER span had beyond the institution stays a candidate ("Jogorku Kenesh" +
            # "Aida" of "Jogorku Kenesh Aida Omurova")
            rests = []
            for c in overlapping:
                if c.end > extra.end and is_name_token(doc[extra.end]):
                    end = c.end
                    while end < len(doc) and end - extra.end < 4 and is_name_token(doc[end]):
                        end += 1                   # the NER cut the name short too: "Aida" + "Omurova"
                    rests.append(Cand(extra.end, end, "PERSON" if is_name_span(doc, extra.end, end) else c.label))
            cands = [c for c in cands if c not in overlapping] + [extra] + rests
    taken = {i for c in cands + strong for i in range(c.start, c.end)}
    cands += _acronym_candidates(doc, taken) + _bare_body_candidates(doc, taken)
    taken = {i for c in cands + strong for i in range(c.start, c.end)}
    cands += _media_candidates(doc, taken)
    for extra in _org_name_candidates(doc):
        overlapping = [c for c in cands if c.start < extra.end and extra.start < c.end]
        if all(c.start >= extra.start and c.end <= extra.end and (c.end - c.start) < (extra.end - extra.start)
               and c.label != "PERSON" for c in overlapping):
            cands = [c for c in cands if c not in overlapping] + [extra]
    taken = {i for c in cands + strong for i in range(c.start, c.end)}
    cands += _gazetteer_candidates(doc, taken)
    stems = set(unknown_demonyms(doc).values())       # "Velmaria", beside "Velmarian officials"
    cands += [Cand(t.i, t.i + 1, "PLACE") for t in doc if t.text in stems and t.i not in taken]
    taken = {i for c in cands + strong for i in range(c.start, c.end)}
    persons = _context_person_candidates(doc, taken, cands)
    for p in persons:
        cands = [c for c in cands if not (c.start >= p.start and c.end <= p.end)]
    cands += persons
    cands = _title_of_runs(doc, cands)
    hl = headline_end(doc)
    if hl:
        cands = _confirmed_in_body(doc, cands, hl)
    return cands, strong


def repair(doc: Doc, cands: list[Cand], strong: list[Cand]) -> list[Cand]:
    """Step 2: titles and honorifics cut off, names split apart and joined, names completed."""
    repaired: list[Cand] = []
    for c in cands:
        for sub in _strip_titles(doc, c):
            label = relabel(doc[sub.start:sub.end], sub.label)
            if label:
                repaired.append(Cand(sub.start, sub.end, label, sub.strong))
    persons = {name_key(doc[c.start:c.end].text) for c in repaired if c.label == "PERSON" and c.end - c.start >= 2}
    split: list[Cand] = []
    for c in repaired:
        parts = None
        if c.label == "ORG":
            parts = _split_trailing_person(doc, c, persons)
            if parts and parts[0].label == "ORG":
                parts = (_split_possessive_place(doc, parts[0]) or [parts[0]]) + parts[1:]
            parts = parts or _split_possessive_place(doc, c)
        elif c.label == "PERSON":
            parts = _split_leading_qualifier(doc, c)
        split.extend(parts or [c])
    split = _complete_persons(doc, split)
    by_start = {c.start: c for c in split}
    grown = [_extend_org(doc, c, by_start) if c.label == "ORG" else
             _extend_place(doc, c) if c.label == "PLACE" else c for c in split]
    grown = _join_of(doc, [c for c in grown if c.label != "NORP"])
    return _non_overlapping(doc, strong + [c for c in grown if not any(
        s.start < c.end and c.start < s.end for s in strong)])


def _complete_persons(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """A given name the NER left out of a person's name: "Marat" (NER: NORP) of "Marat
    Zhaksylykov", "Sofía" (also a capital's name) of "Sofía Castañeda Ruiz". The word before must
    be a name word that no other candidate claims (or a city's name that no preposition makes a
    place), not a known demonym or country, not in a title, and not itself after a name word."""
    lex = load()
    demonyms = unknown_demonyms(doc)
    at = {i: c for c in cands for i in range(c.start, c.end)}
    other_names = {doc[c.start:c.end].text for c in cands if c.label != "PERSON" and not c.lexicon}
    titled = {i for s in doc.spans.get(TITLES_KEY, []) for i in range(s.start, s.end)}
    dropped: set[int] = set()
    out = []
    for c in cands:
        k = c.start - 1
        if c.label == "PERSON" and k >= 0 and len(_name_units(doc, c.start, c.end)) <= 3:
            prev, owner = doc[k], at.get(k)
            city = (owner is not None and owner.lexicon and owner.label == "PLACE" and (owner.start, owner.end) == (k, k + 1)
                    and fold(prev.text) not in lex.country_by_name and not _place_context(doc, k))
            if (owner is None or city) and is_name_token(prev) and k not in titled \
                    and (k == 0 or not is_name_token(doc[k - 1])) and prev.text not in demonyms \
                    and not lex.is_demonym(prev.text) and prev.text not in other_names \
                    and fold(prev.text).rstrip(".") not in {h.rstrip(".") for h in HONORIFICS} \
                    and (city or not lex.is_gazetteer_place(prev.text)):
                if owner is not None:
                    dropped.add(id(owner))
                out.append(Cand(k, c.end, "PERSON", c.strong))
                continue
        out.append(c)
    return [c for c in out if id(c) not in dropped]


def every_occurrence(doc: Doc, final: list[Cand]) -> list[Cand]:
    """Step 3: every other occurrence of a name found is a mention too, and so is a full name's
    surname alone ("Dahl" after "Ingrid Dahl"). Names are matched token by token, exactly."""
    names: dict[tuple[str, ...], str] = {}
    for c in final:
        names.setdefault(tuple(t.text for t in doc[c.start:c.end]), c.label)
    for c in final:
        if c.label == "PERSON" and c.end - c.start >= 2 and is_name_token(doc[c.end - 1]):
            names.setdefault((doc[c.end - 1].text,), "PERSON")
    by_first: dict[str, set[int]] = defaultdict(set)
    for words in names:
        by_first[words[0]].add(len(words))
    taken = {i for c in final for i in range(c.start, c.end)}
    extra = []
    texts = [t.text for t in doc]
    for i, first in enumerate(texts):
        for n in by_first.get(first, ()):
            words = tuple(texts[i:i + n])
            if len(words) == n and words in names and not any(k in taken for k in range(i, i + n)):
                extra.append(Cand(i, i + n, names[words]))
    return _non_overlapping(doc, final + extra)


def _non_overlapping(doc: Doc, cands: list[Cand]) -> list[Cand]:
    spans = filter_spans([Span(doc, c.start, c.end, label=c.label) for c in cands])
    keep = {(s.start, s.end) for s in spans}
    out, seen = [], set()
    for c in sorted(cands, key=lambda c: (not c.strong, c.start)):
        if (c.start, c.end) in keep and (c.start, c.end) not in seen:
            seen.add((c.start, c.end))
            out.append(c)
    return out


def tag_mentions(doc: Doc) -> Doc:
    doc.spans[MENTIONS_KEY] = find_mentions(doc)
    return doc
