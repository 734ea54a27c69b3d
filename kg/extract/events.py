"""Find events: meetings, phone calls, visits, appointments, signings and quoted statements.

Each kind has a trigger (a verb or noun lemma from ``TRIGGERS``) and a rule that reads the
dependency parse around it for the actors and their parts: the subject of "met"/"received"/
"held talks" hosts, the object or the "with" phrase is the guest. Events announced for the future
("will meet", "the upcoming visit") are kept with ``status="planned"``.

Findings refer to mention spans; :mod:`kg.extract.build` resolves them to entities, merges
repeats ("X and Y met" in the headline and the body) and fills in dates and places.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.extract.lexicons import fold, load
from kg.extract.mentions import MENTIONS_KEY
from kg.extract.text import name_key
from kg.extract.text import MONTHS

MEETING_VERBS = frozenset({"meet", "receive", "host", "welcome"})
MEETING_NOUNS = frozenset({"meeting", "talk", "talks", "negotiation", "negotiations", "audience", "meetings",
                           "conversation", "consultations", "discussions"})
LIGHT_VERBS = frozenset({"hold", "have", "conduct", "make", "organize", "organise", "arrange", "attend"})
#: Prepositions whose object is an occasion the clause happened at: "During the meeting, A and B
#: discussed", "A exchanged views with B at a meeting", "on the sidelines of the talks".
OCCASION_PREPS = frozenset({"during", "at", "in", "on", "within", "following", "after"})
#: Verbs of calling someone ("Dosov phoned Kerec").
PHONE_VERBS = frozenset({"phone", "telephone", "call", "ring"})
PHONE_WORDS = frozenset({"phone", "telephone", "video", "videoconference", "telephonic"})
CALL_NOUNS = frozenset({"call", "conversation", "talk", "talks", "conference", "conversations"})
VISIT_WORDS = frozenset({"visit"})
ARRIVE_VERBS = frozenset({"arrive"})
SIGN_VERBS = frozenset({"sign", "ink"})
#: What is signed between parties (a decree or a law signed by one official is not a Signing).
AGREEMENT_WORDS = frozenset({"agreement", "memorandum", "treaty", "accord", "roadmap", "road", "declaration",
                             "contract", "protocol", "deal", "charter", "convention", "communique", "plan",
                             "programme", "program", "documents", "document", "statement", "pact"})
SPEECH_VERBS = frozenset({"say", "note", "stress", "tell", "add", "emphasize", "emphasise", "state",
                          "underline", "declare", "point", "remark", "highlight", "announce"})
FUTURE_MARKERS = frozenset({"will", "shall", "'ll", "upcoming", "forthcoming", "future", "next", "planned",
                            "scheduled", "expected"})
FUTURE_GOVERNORS = frozenset({"plan", "expect", "schedule", "intend", "agree", "invite", "hope", "aim",
                              "prepare", "propose", "want"})
_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
_GROUP_SUBJECTS = frozenset({"side", "sides", "party", "parties", "two", "leader", "leaders", "interlocutor",
                             "interlocutors", "both"})
#: Words a title phrase may contain between a preposition and the person's name.
_WALK_WORDS = frozenset({"the", "of", "his", "her", "their", "its", "counterpart", "colleague", "'s", "’s", "-",
                         "to", "for", "at", "in", "and", "a", "an"})
_QUOTE = re.compile(r"«([^»]{12,}?)»|“([^”]{12,}?)”|\"([^\"\n]{12,}?)\"")


@dataclass
class EventFinding:
    kind: str
    sentence: Span
    trigger: Token
    actors: list[tuple[Span, str]] = field(default_factory=list)   # (PERSON/ORG mention, part)
    place: Span | None = None
    date: dt.date | None = None
    planned: bool = False
    document: str | None = None
    quote: str | None = None
    place_is_home: bool = False          # "to our country": the dateline's country
    separate_guests: bool = False        # "meetings with A and B": one meeting per guest


class _Mentions:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.list = list(doc.spans.get(MENTIONS_KEY, []))
        self.by_token: dict[int, Span] = {}
        for m in self.list:
            for i in range(m.start, m.end):
                self.by_token[i] = m
        for title, person in title_references(doc).items():
            for i in range(title.start, title.end):
                self.by_token.setdefault(i, person)

    def in_subtree(self, tok: Token, labels=("PERSON",)) -> list[Span]:
        """Mentions whose head lies in ``tok``'s subtree, without following into clauses."""
        out: list[Span] = []
        seen = set()
        stack = [tok]
        while stack:
            t = stack.pop()
            m = self.by_token.get(t.i)
            if m is not None and m.label_ in labels and (m.start, m.end) not in seen:
                seen.add((m.start, m.end))
                out.append(m)
            for c in t.children:
                if c.dep_ in ("relcl", "acl", "advcl", "ccomp", "xcomp", "punct") and c.pos_ in ("VERB", "AUX"):
                    continue
                stack.append(c)
        return sorted(out, key=lambda s: s.start)

    def person_after(self, i: int, allow_with: bool = False) -> list[Span]:
        """The PERSON mention(s) a title phrase leads to: "with his counterpart Senate Speaker of
        the Oliy Majlis Tanzila Narbayeva" -> Narbayeva; "A and Vice Speaker B" -> A, B.

        A surface walk, for where the small model's parse of long title phrases goes wrong.
        """
        doc, out, steps = self.doc, [], 0
        titles = {t.i for s in doc.spans.get("ng_titles", []) for t in s}
        while i < len(doc) and steps < 25:
            t = doc[i]
            m = self.by_token.get(i)
            if m is not None and m.start == i:
                if m.label_ == "PERSON":
                    out.append(m)
                    i = m.end
                    if i < len(doc) and doc[i].lower_ in ("and", ","):
                        i += 1
                        steps += 1
                        continue
                    break
                i = m.end
            elif (i in titles or t.lower_ in _WALK_WORDS or (allow_with and t.lower_ == "with" and steps == 0)
                  or (t.text[:1].isupper() and t.pos_ in ("PROPN", "NOUN"))):
                i += 1
            else:
                break
            steps += 1
        return out

    def person_before(self, verb: Token) -> list[Span]:
        """The PERSON mention that ends right before a verb (auxiliaries and adverbs skipped)."""
        j = verb.i - 1
        while j >= 0 and (self.doc[j].pos_ in ("AUX", "ADV", "PART") or self.doc[j].lower_ in ("also", "has", "had", "have")):
            j -= 1
        if j < 0:
            return []
        if self.doc[j].lower_ in _PRONOUNS:
            ante = self.pronoun_antecedent(self.doc[j])
            return [ante] if ante is not None else []
        m = self.by_token.get(j)
        return [m] if m is not None and m.label_ == "PERSON" and m.end == j + 1 else []

    def pronoun_antecedent(self, tok: Token) -> Span | None:
        """The nearest PERSON mention before a personal pronoun."""
        best = None
        for m in self.list:
            if m.end <= tok.i and m.label_ == "PERSON":
                best = m
            elif m.start > tok.i:
                break
        return best

    def subject(self, verb: Token, labels=("PERSON",)) -> list[Span]:
        """PERSON mentions of the verb's subject; "who" resolves to the antecedent it qualifies."""
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                if c.lower_ in ("who", "that") and verb.dep_ == "relcl":
                    return self.in_subtree_nonrec(verb.head, labels)
                if c.lower_ in _PRONOUNS:
                    ante = self.pronoun_antecedent(c)
                    return [ante] if ante is not None else []
                found = self.in_subtree(c, labels)
                if found:
                    return found
                if c.lemma_.lower() in _GROUP_SUBJECTS:
                    return []
        if verb.dep_ in ("conj", "xcomp") and verb.head.pos_ in ("VERB", "AUX") and verb.head.i != verb.i:
            return self.subject(verb.head, labels)
        return []

    def in_subtree_nonrec(self, tok: Token, labels) -> list[Span]:
        m = self.by_token.get(tok.i)
        if m is not None and m.label_ in labels:
            return [m]
        return self.in_subtree(tok, labels)[:1]

    def with_objects(self, tok: Token, preps=("with",)) -> list[Span]:
        out: list[Span] = []
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for p in c.children:
                    if p.dep_ == "pobj":
                        found = self.in_subtree(p)
                        out.extend(found or self.led_by(p))
                if not any(p.dep_ == "pobj" for p in c.children):
                    out.extend(self.person_after(c.i + 1))   # a parse that left the object loose
        return out

    def led_by(self, tok: Token) -> list[Span]:
        """"a delegation ... led by its First Deputy Speaker Rauf Aliyev": the delegation's head."""
        for t in tok.subtree:
            if t.lemma_.lower() in ("lead", "head") and t.dep_ in ("acl", "relcl"):
                for c in t.children:
                    if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                        return [m for p in c.children for m in self.in_subtree(p)] or self.person_after(c.i + 1)
        return []

    def place_of(self, tok: Token, preps=("in", "to")) -> Span | None:
        """A PLACE mention in a "in X"/"to X" phrase of the trigger (its own, else its clause's)."""
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for p in c.children:
                    for m in self.in_subtree(p, labels=("PLACE",)):
                        return m
        clause = _clause_tokens(tok)
        for m in self.list:
            if m.label_ == "PLACE" and m.start > tok.i and m.start in clause and m.start >= 1 \
                    and self.doc[m.start - 1].lower_ in preps:
                return m
        return None


def title_references(doc: Doc) -> dict[Span, Span]:
    """Titles that stand for a person named earlier with that title: in "Head of State Henrik
    Aaltonen received ... The Head of State noted ...", the second "Head of State" is Aaltonen.
    A title refers only when one person of the article holds it (or a synonym of it), and only
    after that person was named with it."""
    lex = load()
    holders: dict[str, dict[str, tuple[int, Span]]] = {}
    for f in doc._.ng_posts or []:
        if f.role is not None:
            continue
        key = _role_key(lex, f.title.text)
        seen = holders.setdefault(key, {})
        name = f.person.text
        if name not in seen or f.title.start < seen[name][0]:
            seen[name] = (f.title.start, f.person)
    taken = {f.title.start for f in doc._.ng_posts or []}
    out: dict[Span, Span] = {}
    for t in doc.spans.get("ng_titles", []):
        if t.label_ != "TITLE" or t.start in taken or t.start == 0 or doc[t.start - 1].lower_ != "the":
            continue
        if t.end < len(doc) and (doc[t.end].lower_ == "of" or doc[t.end].text[:1].isupper()):
            continue                       # "the President of X", "the President Y": not a bare title
        role = _role_key(lex, t.text)
        people = [v for v in holders.get(role, {}).values() if v[0] < t.start]
        if not people and role in _IMPLIED_BY:
            people = [v for v in holders.get(_role_key(lex, _IMPLIED_BY[role]), {}).values() if v[0] < t.start]
        surnames = {name_key(p.text).split()[-1] for _, p in people}
        if len(surnames) == 1:
            out[t] = min(people, key=lambda v: v[0])[1]
        elif surnames:
            # two presidents: "the President" is the story's own, the one it names most (the
            # first named of those)
            counts = Counter(name_key(m.text).split()[-1] for m in doc.spans.get(MENTIONS_KEY, []) if m.label_ == "PERSON")
            out[t] = max(sorted(people, key=lambda v: v[0]), key=lambda v: counts[name_key(v[1].text).split()[-1]])[1]
    return out


#: A bare title that may stand for the holder of another: "Head of State Dosov ... the President said".
_IMPLIED_BY = {"president": "head of state", "head of state": "president"}


def _role_key(lex, title: str) -> str:
    key = fold(title.replace(" - ", "-"))
    return lex.role_synonyms.get(key, key)


def _is_planned(tok: Token) -> bool:
    """Future or intended: "will meet", "is scheduled to meet", "the upcoming visit".

    Looks at the trigger and up its clause, never across a relative or adverbial clause
    ("X, who is on a visit, will travel on" is a visit that is happening).
    """
    chain = [tok]
    t = tok
    while t.dep_ not in ("relcl", "advcl", "ccomp", "ROOT", "acl", "parataxis") and t.head.i != t.i and len(chain) < 4:
        t = t.head
        chain.append(t)
    for t in chain:
        for c in t.children:
            if c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "shall", "'ll", "to"):
                return True
            if c.dep_ in ("amod", "compound") and c.lower_ in FUTURE_MARKERS:
                return True
        if t is not tok and t.lemma_.lower() in FUTURE_GOVERNORS:
            return True
    return False


_DATE_RE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?\s+(?P<m1>%s)|(?P<m2>%s)\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?)(?:,?\s+(?P<y>\d{4}))?\b"
    % ("|".join(m.capitalize() for m in MONTHS), "|".join(m.capitalize() for m in MONTHS)))


def explicit_date(sentence: Span, article_date: dt.date | None) -> dt.date | None:
    """A day-and-month date written in the sentence ("on June 23-24", "5 March 2021")."""
    m = _DATE_RE.search(sentence.text)
    if not m:
        return None
    month = MONTHS.index((m.group("m1") or m.group("m2")).lower()) + 1
    day = int(m.group("d1") or m.group("d2"))
    if m.group("y"):
        year = int(m.group("y"))
    elif article_date is not None:
        year = article_date.year
        # a month later than the article's, with no year, was last year's
        if (month, day) > (article_date.month, article_date.day) and month - article_date.month > 1:
            year -= 1
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _clause_tokens(trigger: Token) -> set[int]:
    """Token indices of the clause around a trigger (its verb's subtree, minus embedded clauses)."""
    head = trigger
    while head.dep_ not in ("ROOT", "relcl", "advcl", "ccomp", "conj") and head.head.i != head.i:
        head = head.head
    out, stack = set(), [head]
    while stack:
        t = stack.pop()
        out.add(t.i)
        stack.extend(c for c in t.children if c.dep_ not in ("relcl", "advcl", "ccomp", "conj") or t is trigger
                     or (c.dep_ == "conj" and c.pos_ not in ("VERB", "AUX")))
    return out


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def relative_date(sentence: Span, article_date: dt.date | None, planned: bool = False,
                  trigger: Token | None = None, default: bool = True) -> dt.date | None:
    """"today" (or nothing said) is the article's date; "yesterday" the day before; a weekday is
    the last such day up to the article's date (the next one for announced events)."""
    if article_date is None:
        return None
    words = [t.lower_ for t in sentence]
    if "yesterday" in words:
        return article_date - dt.timedelta(days=1)
    if "tomorrow" in words:
        return article_date + dt.timedelta(days=1)
    clause = _clause_tokens(trigger) if trigger is not None else None
    text = " ".join(t.lower_ for t in sentence if clause is None or t.i in clause)
    if any(p in text for p in ("last week", "last month", "earlier this month", "earlier this week", "recently")):
        return None          # happened, but not on the day the article was written
    for t in sentence:
        w = t.lower_
        if w in WEEKDAYS and (clause is None or t.i in clause):
            delta = (article_date.weekday() - WEEKDAYS.index(w)) % 7
            if planned:
                return article_date + dt.timedelta(days=(WEEKDAYS.index(w) - article_date.weekday()) % 7 or 7)
            return article_date - dt.timedelta(days=delta)
    return None if planned or not default else article_date


def find_events(doc: Doc) -> list[EventFinding]:
    ms = _Mentions(doc)
    out: list[EventFinding] = []
    triggers = MEETING_VERBS | MEETING_NOUNS | CALL_NOUNS | VISIT_WORDS | ARRIVE_VERBS | SIGN_VERBS | PHONE_VERBS | {
        "speak", "talk", "converse"}
    for tok in doc:
        lemma = tok.lemma_.lower()
        low = tok.lower_
        if lemma not in triggers and low not in triggers:
            continue
        sent = tok.sent
        if tok.pos_ == "VERB" and lemma in MEETING_VERBS:
            agents = [m for c in tok.children if c.dep_ == "agent" for p in c.children for m in ms.in_subtree(p)]
            if agents:
                # "the Speaker was received by Prime Minister Annika Solberg-Ruud": the agent hosts
                subj, objs = agents, ms.subject(tok) or ms.person_before(tok)
            else:
                subj = ms.subject(tok)
                objs = [m for c in tok.children if c.dep_ == "dobj" for m in ms.in_subtree(c)]
                objs += ms.with_objects(tok)
                objs = objs or ms.person_after(tok.i + 1, allow_with=True)
                if not subj:
                    subj = ms.person_before(tok)
            if lemma == "host" and not objs:
                continue
            ev = EventFinding("Meeting", sent, tok, planned=_is_planned(tok), place=ms.place_of(tok, ("in", "at")))
            if subj and objs:
                ev.actors = [(m, "host") for m in subj] + [(m, "guest") for m in objs]
            else:
                ev.actors = [(m, "participant") for m in subj + objs]
            out.append(ev)
        elif tok.pos_ in ("NOUN", "PROPN") and (low in MEETING_NOUNS or lemma in MEETING_NOUNS) and not any(
                c.lower_ in PHONE_WORDS for c in tok.children):
            ev = _nominal_event(ms, tok, "Meeting", ("with", "between"))
            if ev is not None:
                out.append(ev)
        elif tok.pos_ in ("NOUN", "PROPN") and (lemma in CALL_NOUNS or low in CALL_NOUNS) and any(
                c.lower_ in PHONE_WORDS or c.lemma_.lower() in PHONE_WORDS for c in tok.children):
            ev = _nominal_event(ms, tok, "PhoneCall", ("with", "between", "to"), need_guests=False)
            if ev is not None:
                out.append(ev)
        elif tok.pos_ == "VERB" and lemma in PHONE_VERBS and tok.dep_ not in ("amod", "acl"):
            # "Dosov phoned Kerec", "Dosov called President Kerec" (not "called for", "called on")
            objs = [m for c in tok.children if c.dep_ == "dobj" for m in ms.in_subtree(c)]
            if objs and not any(c.dep_ in ("prep", "prt") and c.lower_ in ("for", "on", "upon", "off") for c in tok.children):
                hosts = ms.subject(tok) or ms.person_before(tok)
                ev = EventFinding("PhoneCall", sent, tok, planned=_is_planned(tok))
                ev.actors = [(m, "host") for m in hosts] + [(m, "guest") for m in objs]
                out.append(ev)
        elif tok.pos_ == "VERB" and lemma in ("speak", "talk", "converse") and _by_phone(tok):
            hosts = ms.subject(tok) or ms.person_before(tok)
            guests = ms.with_objects(tok)
            if not guests:
                for j in range(tok.i + 1, min(len(doc), tok.i + 6)):
                    if doc[j].lower_ == "with":
                        guests = ms.person_after(j + 1)
                        break
            ev = EventFinding("PhoneCall", sent, tok, planned=_is_planned(tok))
            ev.actors = [(m, "host") for m in hosts] + [(m, "guest") for m in guests]
            out.append(ev)
        elif lemma in VISIT_WORDS or (tok.pos_ == "VERB" and lemma in ARRIVE_VERBS):
            out.extend(_visit(ms, tok))
        elif tok.pos_ == "VERB" and lemma in SIGN_VERBS and tok.dep_ not in ("amod", "acl"):
            signers = ms.subject(tok)
            if not signers:
                signers = [m for c in tok.children if c.dep_ == "agent" for p in c.children for m in ms.in_subtree(p)]
            # "Vosk signed an agreement with Ivo Sand": the other party
            signers += [m for m in ms.with_objects(tok) + [x for c in tok.children if c.dep_ == "dobj"
                                                             for x in ms.with_objects(c)] if m not in signers]
            docs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
            document = None
            if docs:
                d = docs[0]
                words = [t for t in d.subtree if not (t.dep_ == "cc" or (t.dep_ == "conj" and t.head == d))]
                document = " ".join(t.text for t in words if t.i < (d.i + 12)).strip() or None
            if docs and not any(t.lemma_.lower() in AGREEMENT_WORDS for t in docs[0].subtree) and len(signers) < 2:
                continue  # "signed a decree": an act of one official, not an agreement
            if not signers and not _people_subject(tok):
                continue  # "the two countries have signed more than 100 documents": not these people
            ev = EventFinding("Signing", sent, tok, planned=_is_planned(tok), document=document,
                              place=ms.place_of(tok, ("in", "at")))
            ev.actors = [(m, "signatory") for m in signers]
            out.append(ev)
    out = [f for f in out if not _background(f)]
    for f in out:
        if f.kind == "Meeting" and _remote(f.trigger):
            f.kind = "PhoneCall"        # "held talks via videoconference", "met online"
    out.extend(_statements(ms, doc))
    return out


def _agents_of(ms: _Mentions, n: Token, lemmas: tuple[str, ...]) -> list[Span]:
    """The people "by" whom a meeting was chaired, led or attended: "a meeting, co-chaired by A and
    B" (a participle on the noun) or "the meeting was attended by C" (the noun's passive verb)."""
    out: list[Span] = []
    verbs = [c for c in n.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"]
    if n.dep_ == "nsubjpass" and n.head.pos_ == "VERB":
        verbs.append(n.head)
    for v in verbs:
        if v.lemma_.lower() not in lemmas and v.lower_.removesuffix("ed").removesuffix("d") not in lemmas:
            continue
        for c in v.children:
            if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                out += [m for p in c.children for m in ms.in_subtree(p) if m not in out]
    return out


def _verb_above(tok: Token, limit: int = 3) -> Token | None:
    """The verb a prepositional phrase hangs on, through a noun or two ("exchanged views with the
    Ambassador ..., at a meeting": the parser may hang "at" on the Ambassador)."""
    t = tok
    for _ in range(limit):
        if t.head.i == t.i:
            return None
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return t
    return None


def _nominal_event(ms: _Mentions, n: Token, kind: str, preps: tuple[str, ...],
                   need_guests: bool = True) -> EventFinding | None:
    """A meeting or call named by a noun, its participants read from where the noun stands:

    * object of a light verb: "A held talks with B", "A made a phone call to B";
    * passive subject: "A meeting was held between A and B", "Talks were held with B";
    * an occasion of another clause: "During the meeting, A and B discussed ...", "A exchanged
      views with B at a meeting";
    * otherwise the noun's own "with" phrase: "the meeting with B" (the host is then the
      article's protagonist, filled in later).
    """
    doc = n.doc
    guests = ms.with_objects(n, preps)
    hosts: list[Span] = []
    anchor = n
    head = n.head
    # "a meeting ..., co-chaired by A and B", "the meeting was attended by C"
    chairs = _agents_of(ms, n, ("chair", "co-chair", "cochair", "lead", "host", "attend", "hold"))
    if n.dep_ in ("dobj", "conj") and head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in LIGHT_VERBS | {
            "exchange", "take", "hold"}:
        anchor = head
        hosts = ms.subject(head) or ms.person_before(head)
        guests = guests or ms.with_objects(head, preps)
        if not guests:
            for j in range(n.i + 1, min(len(doc), n.i + 4)):
                if doc[j].lower_ in preps:
                    guests = ms.person_after(j + 1)
                    break
    elif n.dep_ in ("nsubjpass", "nsubj") and head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in (
            "hold", "take", "conduct", "organize", "organise", "begin", "start", "continue", "end", "be"):
        anchor = head
        guests = guests or ms.with_objects(head, preps)
        hosts = [m for c in head.children if c.dep_ == "agent" for p in c.children for m in ms.in_subtree(p)]
    elif n.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in OCCASION_PREPS and _verb_above(head) is not None:
        verb = _verb_above(head)
        anchor = verb
        hosts = ms.subject(verb) or ms.person_before(verb)   # "..., Nurlan Nigmatulin expressed"
        # "A exchanged views with B at a meeting": the "with" may hang on the verb's object
        guests = guests or ms.with_objects(verb) or [
            m for c in verb.children if c.dep_ == "dobj" for m in ms.with_objects(c)]
    elif not guests:
        if n.i + 1 < len(doc) and doc[n.i + 1].lower_ in preps:
            guests = ms.person_after(n.i + 2)
        if not guests:
            return None
    if chairs:
        hosts = hosts + [c for c in chairs if c not in hosts]
    if need_guests and not guests and len(hosts) < 2:
        return None
    ev = EventFinding(kind, n.sent, n, planned=_is_planned(anchor) or _is_planned(n),
                      place=ms.place_of(n, ("in", "at")) or (ms.place_of(anchor, ("in", "at")) if anchor is not n else None),
                      separate_guests=kind == "Meeting" and n.lower_.endswith("s")
                      and n.lower_ not in ("talks", "negotiations", "consultations", "discussions"))
    host_set = {(h.start, h.end) for h in hosts}
    guests = [g for g in guests if (g.start, g.end) not in host_set]
    ev.actors = [(m, "host" if guests else "participant") for m in hosts] + [(m, "guest") for m in guests]
    return ev


_PEOPLE_NOUNS = frozenset({"minister", "ministers", "side", "sides", "party", "parties", "leader", "leaders",
                           "delegation", "delegations", "head", "heads", "official", "officials", "president",
                           "presidents", "speaker", "speakers", "chairman", "chairmen", "interlocutor",
                           "interlocutors", "counterpart", "counterparts", "two", "both", "they"})


def _people_subject(verb: Token) -> bool:
    """"The ministers signed", "the two sides signed", "they signed": the people just named."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _PEOPLE_NOUNS for c in verb.children)


_YEAR = re.compile(r"^(1[89]|20)\d\d$")


def _background(f: EventFinding) -> bool:
    return is_background(f.trigger)


def is_background(trigger: Token) -> bool:
    """History told as background: "Halas, who visited Tavrin in 2021", "after being elected
    president in 2019". The clause says a year, and not the article's."""
    doc = trigger.doc
    article = doc._.ng_article_date
    clause = _clause_tokens(trigger)
    for i in clause:
        t = doc[i]
        if _YEAR.match(t.text) and t.dep_ == "pobj" and t.head.lower_ in ("in", "since", "during", "until"):
            if article is None or int(t.text) != article.year:
                return True
        if t.lower_ == "since" and t.dep_ in ("prep", "mark") and t.head.i == trigger.i:
            return True              # "Since then, the two countries have signed ..."
        if t.lower_ == "year" and i > 0 and doc[i - 1].lower_ in ("last", "previous"):
            return True              # "In March last year, the minister visited Ankara"
        if t.lower_ == "ago" and i > 0 and doc[i - 1].lower_ in ("years", "decades", "months"):
            return True
    return False


_REMOTE_WORDS = frozenset({"videoconference", "video", "videolink", "phone", "telephone", "online", "zoom"})


def _remote(tok: Token) -> bool:
    """A meeting held at a distance: "via videoconference", "by video link", "met online"."""
    head = tok.head if tok.pos_ in ("NOUN", "PROPN") and tok.head.pos_ in ("VERB", "AUX") else tok
    for t in (tok, head):
        for c in t.children:
            if c.lower_ == "online" or (c.dep_ == "prep" and c.lower_ in ("via", "by", "over", "through", "in")
                                        and any(g.lower_ in _REMOTE_WORDS for g in c.subtree)):
                return True
    return False


def _by_phone(tok: Token) -> bool:
    """"spoke by phone", "talked over the phone", "spoke on the telephone"."""
    window = tok.doc[tok.i + 1: tok.i + 5]
    return any(t.lower_ in PHONE_WORDS for t in window) and any(t.lower_ in ("by", "over", "on", "via") for t in window)


def _visit(ms: _Mentions, tok: Token) -> list[EventFinding]:
    """"X arrived for an official visit to Uzbekistan", "Y, who is on a visit to our country"."""
    visitors: list[Span] = []
    place = None
    home = False
    anchor = tok
    if tok.pos_ == "VERB":
        visitors = ms.subject(tok)
        place = ms.place_of(tok, ("in", "to"))
        if tok.lemma_.lower() == "visit":
            for c in tok.children:
                if c.dep_ == "dobj":
                    found = ms.in_subtree(c, labels=("PLACE",))
                    place = place or (found[0] if found else None)
                    home = home or _is_home_phrase(c)
        if tok.lemma_.lower() == "arrive" and not any(
                t.lemma_.lower() == "visit" for t in tok.subtree):
            # "arrived in X" alone is travel; a visit needs the word or a foreign destination
            if place is None:
                place = _foreign_arrival(ms, visitors)
            if place is None:
                return []
    elif tok.pos_ in ("NOUN", "PROPN"):
        if tok.dep_ == "compound":
            return []
        place = ms.place_of(tok, ("to", "in"))
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "to":
                home = home or any(_is_home_phrase(p) for p in c.children)
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    visitors.extend(ms.in_subtree(p))
            if c.dep_ == "poss" and c.lower_ in ("his", "her") and not visitors:
                visitors.extend(_possessor(ms, tok, c))
        governor = tok.head
        if tok.dep_ == "pobj" and governor.dep_ == "prep":
            anchor = governor.head
            if anchor.pos_ in ("VERB", "AUX"):
                visitors = visitors or ms.subject(anchor)
                place = place or ms.place_of(anchor, ("in", "to"))
        elif tok.dep_ == "dobj" and governor.pos_ in ("VERB", "AUX"):
            anchor = governor
            visitors = visitors or ms.subject(governor)
        if not visitors:
            return []
    else:
        return []
    if not visitors:
        return []
    ev = EventFinding("Visit", tok.sent, tok, planned=_is_planned(anchor) or _is_planned(tok), place=place,
                      place_is_home=home and place is None)
    ev.actors = [(m, "visitor") for m in visitors]
    return [ev]


def _foreign_arrival(ms: _Mentions, visitors: list[Span]) -> Span | None:
    """"Tajik President Emomali Rahmon also arrived on Wednesday", in a story filed in Xi'an: a
    head of another state arriving where the story was filed is visiting it."""
    doc = ms.doc
    dl = doc._.ng_dateline
    if dl is None or not visitors:
        return None
    lex = load()
    home = lex.place_country(doc.text[dl.place[0]:dl.place[1]])
    names = {v.text for v in visitors}
    for f in doc._.ng_posts or []:
        if f.person.text in names and f.state is not None:
            country = lex.country_by_demonym.get(fold(f.state.text)) or lex.place_country(f.state.text)
            if country is not None and home is not None and country is not home:
                return doc.char_span(dl.place[0], dl.place[1], alignment_mode="expand")
    return None


def _possessor(ms: _Mentions, noun: Token, pronoun: Token) -> list[Span]:
    """Whom "his" in "his visit" means. In a phrase put before its clause ("Within the framework
    of his visit to Karst, Brandtvik met ...") it is that clause's subject; else the last person
    named before it."""
    verb = noun
    while verb.dep_ != "ROOT" and verb.head.i != verb.i and verb.pos_ not in ("VERB", "AUX"):
        verb = verb.head
    if verb.pos_ in ("VERB", "AUX") and verb.i > noun.i:
        subj = ms.subject(verb)
        if subj and subj[0].start > noun.i:
            return subj[:1]
    ante = ms.pronoun_antecedent(pronoun)
    return [ante] if ante is not None else []


def _is_home_phrase(tok: Token) -> bool:
    words = [t.lower_ for t in tok.subtree]
    return ("our" in words or "the" in words) and "country" in words and len(words) <= 3


def _statements(ms: _Mentions, doc: Doc) -> list[EventFinding]:
    out = []
    for m in _QUOTE.finditer(doc.text):
        quote = next(g for g in m.groups() if g)
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None:
            continue
        sent = span.sent if span.start < len(doc) else None
        if sent is None:
            continue
        speaker = None
        # "..., said X" / "X said: ..." in the quote's sentence (or the one that contains its end)
        region = doc[max(sent.start, span.start - 12): min(len(doc), max(sent.end, span.end) + 12)]
        for t in region:
            if t.pos_ == "VERB" and t.lemma_.lower() in SPEECH_VERBS and not (span.start <= t.i < span.end):
                subj = ms.subject(t)
                if subj:
                    speaker = subj[0]
                    break
        if speaker is None:
            continue
        ev = EventFinding("Statement", sent, doc[span.start], quote=quote.strip())
        ev.actors = [(speaker, "speaker")]
        out.append(ev)
    return out


def tag_events(doc: Doc) -> Doc:
    doc._.ng_events = find_events(doc)
    return doc
