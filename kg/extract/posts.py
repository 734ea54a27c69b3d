"""Find organizational posts: who holds which title, in which organization.

Four phrasings cover most news writing, each a small rule over titles and mentions:

* title first: "Chairman of the Senate of the Kazakh Parliament Maulen Ashimbayev",
  "Turksoy Secretary-General Sultan Raev", "the Lord Speaker of the House of Lords, Peter Fowler";
* apposition: "Sultan Raev, Secretary-General of Turksoy" (and a second ", Member of Parliament");
* appointment: "X was elected (as) the Speaker of the Senate" (also an Appointment event);
* capacity: "X as the head of the Secretariat".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.extract.lexicons import fold, load
from kg.extract.mentions import MENTIONS_KEY
from kg.extract.titles import TITLES_KEY

_GAP_WORDS = frozenset({"of", "the", "to", "at", "for", "in", "and", "'s", "’s", "'", "’", "-", "‐", "–", "—", "on",
                        "with"})
APPOINT_LEMMAS = frozenset({"elect", "appoint", "name", "re-elect", "reelect", "nominate", "designate",
                            "reappoint", "re-appoint", "renominate",
                            "dismiss", "relieve", "sack", "confirm", "install", "promote", "remove"})
DISMISS_LEMMAS = frozenset({"dismiss", "relieve", "sack", "remove"})
_GAP_LIMIT = 14


def appoint_lemma(tok) -> str | None:
    """The appointing verb a token is, if any; the lemmatizer misses some ("reappointed" ->
    "reappointe"), so plain inflections are stripped too."""
    low = tok.lower_
    for cand in (tok.lemma_.lower(), re.sub(r"(?:ed|ing|s)$", "", low), re.sub(r"(?:d|s)$", "", low)):
        if cand in APPOINT_LEMMAS:
            return cand
    return None
_NOT_NOW = frozenset({"former", "ex", "ex-", "late", "then", "outgoing", "previous", "erstwhile"})


@dataclass
class PostFinding:
    person: Span
    title: Span
    org: Span | None
    sentence: Span
    pattern: str
    dismissed: bool = False
    state: Span | None = None      # the country a state title is held of ("US Ambassador", "of Velmaria")
    role: str | None = None        # the role when no title word says it ("who heads the ..." -> Head)


@dataclass
class _Gap:
    """Where a walk along a title's prepositional tail ended, and what it met."""
    org: Span | None
    stop: int
    at_person: bool
    place: Span | None = None


def role_label(title: Span) -> str:
    """A title as a role label: spacing normalised, first letter of each word capitalised."""
    words = title.text.replace(" - ", "-").replace(" -", "-").replace("- ", "-").split()
    out = []
    for w in words:
        if fold(w) in ("of", "the", "and", "for", "to", "at", "in"):
            out.append(w.lower())
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


class _Index:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.mentions = list(doc.spans.get(MENTIONS_KEY, []))
        self.start: dict[int, Span] = {m.start: m for m in self.mentions}
        self.by_token: dict[int, Span] = {i: m for m in self.mentions for i in range(m.start, m.end)}
        self.end: dict[int, Span] = {m.end: m for m in self.mentions}
        self.titles = list(doc.spans.get(TITLES_KEY, []))
        self.title_start: dict[int, Span] = {t.start: t for t in self.titles}
        self.title_end: dict[int, Span] = {t.end: t for t in self.titles}

    def walk_gap(self, i: int, allow_lower: bool) -> _Gap:
        """Walk a prepositional tail ("of the Senate of the Kazakh Parliament") from token i.

        Says which ORG mention it met first (the possessed one after "'s"), the first PLACE, where
        it stopped, and whether it stopped at a PERSON mention.
        """
        doc, org, place, steps = self.doc, None, None, 0
        possessive = False
        steps_past_mention = False
        while i < len(doc) and steps < _GAP_LIMIT:
            if i in self.title_start and i > 0 and doc[i - 1].lower_ in ("and", ",") and steps_past_mention:
                # "President of Ostrava ... and President of Karst X": another post starts here;
                # "Prime Minister and Minister of Finance X" is one person's two posts
                return _Gap(org, i, False, place)
            m = self.start.get(i)
            if m is not None and m.label_ == "PERSON" and i > 0 and doc[i - 1].lower_ == "and":
                # "as Minister of Defence and Erik Brandtvik as ...": the title ended at "and"
                return _Gap(org, i - 1, False, place)
            if m is not None:
                if m.label_ == "PERSON":
                    return _Gap(org, i, True, place)
                if m.label_ == "ORG" and (org is None or possessive):
                    org = m          # "the Congress' Secretariat": the possessed body
                if m.label_ == "PLACE" and place is None:
                    place = m
                steps_past_mention = True
                i = m.end
                possessive = i < len(doc) and doc[i].lower_ in ("'s", "’s", "'", "’")
                if possessive:
                    i += 1
                steps += 1
                continue
            possessive = False
            t = doc[i]
            if t.lower_ in _GAP_WORDS or (t.text[:1].isupper() and t.pos_ in ("PROPN", "NOUN", "ADJ", "X")):
                pass
            elif t.text == "(" and i + 2 < len(doc) and doc[i + 2].text == ")" and doc[i + 1].text.isupper():
                i += 3           # "Secretary General of the Organization of Coastal States (OCS) Amir Haddad"
                steps += 1
                continue
            elif allow_lower and t.pos_ in ("ADJ", "NOUN", "DET", "NUM") and not t.is_punct:
                pass
            else:
                return _Gap(org, i, False, place)
            i += 1
            steps += 1
        return _Gap(org, i, False, place)

    def antecedent_org(self, title: Span) -> Span | None:
        """"a delegation of the Milli Majlis led by its First Deputy Speaker": "its" is the
        organization named last before it in the sentence."""
        if title.start == 0 or self.doc[title.start - 1].lower_ not in ("its", "their"):
            return None
        before = [m for m in self.mentions if m.end <= title.start - 1 and m.start >= title.sent.start
                  and m.label_ == "ORG"]
        return before[-1] if before else None

    def qualifier_before(self, title: Span, label: str = "ORG") -> Span | None:
        """An ORG (or PLACE) mention just before a title: "Turksoy Secretary-General", "Kazakh
        Senate Speaker", "US Ambassador"."""
        m = self.end.get(title.start)
        if m is None and title.start >= 1 and self.doc[title.start - 1].lower_ in ("'s", "’s"):
            m = self.end.get(title.start - 1)
        return m if m is not None and m.label_ == label else None

    def demonym_before(self, title: Span) -> Span | None:
        """"the Velmarian foreign minister": the adjective of a state, known or the text's own."""
        from kg.extract.mentions import unknown_demonyms
        k = title.start - 1
        if k >= 0 and (load().is_demonym(self.doc[k].text) or self.doc[k].text in unknown_demonyms(self.doc)):
            return self.doc[k:k + 1]
        return None

    def possessive_qualifier(self, title: Span) -> Span | None:
        """"Karst's foreign minister": the ORG or PLACE mention before "'s"."""
        k = title.start - 1
        if k >= 1 and self.doc[k].lower_ in ("'s", "’s"):
            m = self.end.get(k)
            if m is not None and m.label_ in ("ORG", "PLACE"):
                return m
        return None

    def state_of(self, title: Span, gap: _Gap | None) -> Span | None:
        """The country a state title is held of: "US Ambassador X", "Ambassador of Velmaria X",
        "the British Ambassador" (the demonym's token)."""
        lex = load()
        if not lex.is_state_title(title.text):
            return None
        before = self.qualifier_before(title, "PLACE")
        if before is not None:
            return before
        k = title.start - 1
        if k >= 0 and lex.country_by_demonym.get(fold(self.doc[k].text)) is not None:
            return self.doc[k:k + 1]
        if gap is not None and gap.place is not None and title.end + 1 < len(self.doc) \
                and self.doc[title.end].lower_ == "of":
            return gap.place
        return None


def find_posts(doc: Doc) -> list[PostFinding]:
    ix = _Index(doc)
    found: list[PostFinding] = []
    for title in ix.titles:
        if title.label_ != "TITLE":
            continue
        if (title.start > 0 and doc[title.start - 1].lower_ in _NOT_NOW) or doc[title.start].lower_ in _NOT_NOW:
            continue  # "former Prime Minister": not a post held at the article's date
        sent = title.sent
        lower = not title.text[:1].isupper()
        # title first, then the person
        gap = ix.walk_gap(title.end, allow_lower=False)
        org, stop, at_person = gap.org, gap.stop, gap.at_person
        comma_person = False
        qualified = (ix.qualifier_before(title) or ix.qualifier_before(title, "PLACE") or ix.antecedent_org(title)
                     or ix.possessive_qualifier(title))
        if not at_person and stop < len(doc) and doc[stop].text == "," and (
                org is not None or (gap.place is not None and doc[title.end].lower_ == "of")
                or (qualified is not None and stop == title.end)):
            # "the Minister of Foreign Affairs of Velmaria, Oskar Brandtvik", "Karst's foreign
            # minister, Dragan Mestrovic", "led by its Speaker, Miroslava Dvornik"
            nxt = ix.start.get(stop + 1)
            if nxt is not None and nxt.label_ == "PERSON":
                at_person, stop, comma_person = True, stop + 1, True
        of_org = org is not None and title.end < len(doc) and doc[title.end].lower_ == "of"
        if at_person and (not lower or stop == title.end or (comma_person and (qualified is not None or of_org))):
            # lower case only where the title is tied to its holder or names its organization:
            # "the head of the Velmarian Space Agency, Lena Vosk"
            person = ix.start[stop]
            org = org or ix.qualifier_before(title) or ix.antecedent_org(title)
            # "Governor Ivo Sand was appointed last week": the titled person is the one appointed
            verb = _passive_subject_of(person)
            pattern = "appointment" if verb is not None and appoint_lemma(verb) else (
                "title-comma-person" if comma_person else "title-person")
            found.append(PostFinding(person, title, org, sent, pattern, state=ix.state_of(title, gap),
                                     dismissed=pattern == "appointment" and appoint_lemma(verb) in DISMISS_LEMMAS))
            continue
        # apposition: PERSON , [the] [ORG's] TITLE [of ORG]   (and a chain of further ", TITLE")
        j = title.start - 1
        qual_before = ix.qualifier_before(title) or ix.qualifier_before(title, "PLACE") or ix.demonym_before(title)
        if qual_before is not None:
            j = qual_before.start - 1
        if j >= 0 and doc[j].lower_ == "the":
            j -= 1
        person = None
        while j >= 0 and doc[j].text == ",":
            prev = ix.end.get(j)
            if prev is not None and prev.label_ == "PERSON":
                person = prev
                break
            # a previous apposition in the chain: "..., the Minister ..., Member of Parliament"
            earlier = [f for f in found if f.pattern == "apposition" and f.sentence == sent and f.title.end <= j]
            if earlier:
                person = earlier[-1].person
            break
        gap = ix.walk_gap(title.end, allow_lower=True) if person is not None else None
        if person is not None and (not lower or qual_before is not None or (
                gap.org is not None and title.end < len(doc) and doc[title.end].lower_ == "of")):
            # "Ivo Sand, chairman of the Karst Chamber of Commerce": lower case, but of a body
            found.append(PostFinding(person, title, gap.org or ix.qualifier_before(title), sent, "apposition",
                                     state=ix.state_of(title, gap)))
            continue
        # appointment or capacity: PERSON ... elected/appointed (as) (the) TITLE ; PERSON as the TITLE
        k = title.start - 1
        if k >= 0 and doc[k].lower_ == "the":
            k -= 1
        qual = ix.qualifier_before(title)
        if qual is not None:
            k = qual.start - 1
            if k >= 0 and doc[k].lower_ == "the":
                k -= 1
        # "dismissed from the post of Minister", "appointed to the position of Director"
        if k >= 1 and doc[k].lower_ == "of" and doc[k - 1].lower_ in ("post", "position", "office", "seat", "role"):
            k -= 2
            if k >= 0 and doc[k].lower_ == "the":
                k -= 1
            if k >= 0 and doc[k].lower_ in ("from", "to", "for"):
                k -= 1
        # "relieved of her post as Vice Minister", "resigned from his position as Director"
        has_as = False
        if k >= 2 and doc[k].lower_ == "as" and doc[k - 1].lower_ in ("post", "position", "duties", "office") \
                and doc[k - 2].lower_ in ("her", "his", "the", "their"):
            k -= 3
            if k >= 0 and doc[k].lower_ in ("of", "from"):
                k -= 1
            has_as = True
        elif k >= 0 and doc[k].lower_ == "as":
            has_as = True
            k -= 1
        while k >= 0 and doc[k].pos_ == "ADV":
            k -= 1
        if k < 0:
            continue
        verb = doc[k]
        gap = ix.walk_gap(title.end, allow_lower=True)
        org = gap.org or qual
        if appoint_lemma(verb) and verb.pos_ in ("VERB", "AUX"):
            person = _subject_person(ix, verb)
            if person is not None:
                found.append(PostFinding(person, title, org, sent, "appointment",
                                         dismissed=appoint_lemma(verb) in DISMISS_LEMMAS))
        elif has_as and verb.lemma_.lower() in APPOINT_NOUNS and verb.pos_ == "NOUN":
            # "congratulated Ivo Sand on his appointment as Governor", "Sand's election as Speaker"
            person = _possessor(ix, verb)
            if person is not None:
                found.append(PostFinding(person, title, org, sent, "appointment"))
        elif has_as:
            prev = ix.end.get(k + 1)
            if prev is not None and prev.label_ == "PERSON":
                # "President Aaltonen appointed Sigrid Holm as Minister of Defence": the object
                # of an appointing verb takes the post
                governor = prev.root.head
                if prev.root.dep_ in ("dobj", "conj") and appoint_lemma(governor) \
                        and governor.pos_ in ("VERB", "AUX"):
                    found.append(PostFinding(prev, title, org, sent, "appointment",
                                             dismissed=appoint_lemma(governor) in DISMISS_LEMMAS))
                elif _appointing_verb(prev.root) is not None or _verb_before(doc, prev) is not None:
                    found.append(PostFinding(prev, title, org, sent, "appointment"))
                else:
                    found.append(PostFinding(prev, title, org, sent, "capacity"))
    return found


APPOINT_NOUNS = frozenset({"appointment", "reappointment", "election", "re-election", "reelection", "nomination"})


def _possessor(ix: _Index, noun) -> Span | None:
    """Whose appointment: "X's appointment", or "his"/"her" for the last person named before."""
    for c in noun.children:
        if c.dep_ != "poss":
            continue
        m = ix.by_token.get(c.i)
        if m is not None and m.label_ == "PERSON":
            return m
        if c.lower_ in ("his", "her"):
            # "congratulated Ivo Sand on his appointment": the one congratulated; without such an
            # object ("conveying congratulations on her election") nobody is guessed
            verb = noun
            for _ in range(3):
                if verb.head.i == verb.i:
                    break
                verb = verb.head
                if verb.pos_ == "VERB":
                    break
            for o in verb.children if verb.pos_ == "VERB" else ():
                if o.dep_ != "dobj":
                    continue
                m = ix.by_token.get(o.i)
                if m is not None and m.label_ == "PERSON":
                    return m
                if o.lower_ in ("him", "her"):
                    # not the one who congratulates: "him" is never the subject of its own clause
                    subject = {t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
                    before = [m for m in ix.mentions if m.end <= o.i and m.label_ == "PERSON"
                              and not any(i in subject for i in range(m.start, m.end))]
                    # only as far back as the sentence before: further, "him" is anyone's guess
                    prev_sent = ix.doc[o.sent.start - 1].sent.start if o.sent.start > 0 else 0
                    return before[-1] if before and before[-1].start >= prev_sent else None
    return None


def _passive_subject_of(person: Span):
    """The verb a person's name is the passive subject of, through the titles the parser may have
    made the subject instead ("Deputy Prime Minister and Minister of Finance X was reappointed")."""
    t = person.root
    for _ in range(4):
        if t.dep_ == "nsubjpass":
            return t.head
        if t.dep_ not in ("conj", "appos", "compound") or t.head.i == t.i:
            return None
        t = t.head
    return None


def _verb_before(doc: Doc, mention: Span):
    """The appointing verb that is the last verb before a mention in its sentence ("appointed A
    as X and B as Y", whatever the parse made of the coordination)."""
    for k in range(mention.start - 1, mention.sent.start - 1, -1):
        if doc[k].pos_ == "VERB":
            return doc[k] if appoint_lemma(doc[k]) else None
    return None


def _appointing_verb(tok):
    """The appointing verb a coordinated object hangs on: "appointed A as X and B as Y"."""
    t = tok
    for _ in range(7):
        if t.head.i == t.i:
            return None
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return t if appoint_lemma(t) else None
    return None


#: "X, who heads the Commission": a verb that says someone holds the head post of an organization.
HEAD_VERBS = {"head": "Head", "lead": "Head", "chair": "Chairman", "direct": "Director", "run": "Head"}


def _heads_clauses(ix: _Index) -> list[PostFinding]:
    """"Marek Zarubin, who heads the Karst Anti-Corruption Commission" -> Head of the Commission."""
    out = []
    for verb in ix.doc:
        role = HEAD_VERBS.get(verb.lemma_.lower())
        if role is None or verb.pos_ != "VERB" or verb.dep_ != "relcl" or verb.tag_ not in ("VBZ", "VBP"):
            continue          # "who heads the X" (now), not "who led the X" (once)
        if not any(c.dep_ == "nsubj" and c.lower_ in ("who", "that") for c in verb.children):
            continue
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "would") for c in verb.children):
            continue
        person = ix.by_token.get(verb.head.i)
        if person is None or person.label_ != "PERSON":
            continue
        org = next((ix.by_token[t.i] for c in verb.children if c.dep_ == "dobj" for t in c.subtree
                    if t.i in ix.by_token and ix.by_token[t.i].label_ == "ORG"), None)
        if org is None:
            continue
        out.append(PostFinding(person, ix.doc[verb.i:verb.i + 1], org, verb.sent, "heads", role=role))
    return out


def _subject_person(ix: _Index, verb) -> Span | None:
    """The PERSON mention that is the (passive) subject of an appointment verb."""
    for child in verb.children:
        if child.dep_ in ("nsubjpass", "nsubj"):
            for t in child.subtree:
                m = ix.by_token.get(t.i)
                if m is not None and m.label_ == "PERSON":
                    return m
    # fall back to the nearest PERSON mention before the verb in the same sentence
    for m in reversed(ix.mentions):
        if m.end <= verb.i and m.start >= verb.sent.start and m.label_ == "PERSON":
            return m
    return None


def tag_posts(doc: Doc) -> Doc:
    doc._.ng_posts = find_posts(doc) + _heads_clauses(_Index(doc))
    return doc


def finding_role(f: PostFinding) -> str:
    """The role label a finding states."""
    return f.role or role_label(f.title)


def is_shared_role(label: str) -> bool:
    return fold(label) in load().shared_roles


_ENVOY_WORDS = frozenset({"ambassador", "envoy", "charge", "chargé", "representative", "consul"})


def is_envoy_role(label: str) -> bool:
    """An ambassador's kind of post, held for the sending state ("Ambassador", "Permanent Representative")."""
    return any(w in _ENVOY_WORDS for w in fold(label).replace("-", " ").split())
