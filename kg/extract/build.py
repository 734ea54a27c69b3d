"""Turn an annotated Doc into an :class:`~kg.model.ArticleExtraction`: where spaCy stops.

Everything after this function is plain Python data; mapping never sees a Doc.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from spacy.tokens import Doc, Span as SpacySpan

from kg.extract.coref import Entities, entity_key, group_entities, org_core
from kg.extract.events import EventFinding, explicit_date, is_background, relative_date
from kg.extract.lexicons import Country, fold, load
from kg.extract.mentions import MENTIONS_KEY
from kg.extract.posts import PostFinding, finding_role, is_envoy_role, is_shared_role
from kg.extract.text import name_key, slugify
from kg.model import Actor, ArticleExtraction, Entity, Event, Post, Span

_PART_RANK = {"host": 0, "guest": 1, "visitor": 1, "appointee": 1, "signatory": 1, "speaker": 1, "participant": 2}


def _span(s: SpacySpan) -> Span:
    return Span(s.start_char, s.end_char, s.text)


class _Builder:
    def __init__(self, doc: Doc, article_id: str) -> None:
        self.doc = doc
        self.article_id = article_id
        self.date: dt.date | None = doc._.ng_article_date
        self.lex = load()
        self.entities: Entities = group_entities(doc, list(doc.spans.get(MENTIONS_KEY, [])))
        self.home: Country | None = None
        dl = doc._.ng_dateline
        if dl is not None:
            self.home = self.lex.place_country(doc.text[dl.place[0]: dl.place[1]])

    # ------------------------------------------------------------------ entities
    def merge_orgs_by_shared_posts(self, findings: list[PostFinding]) -> None:
        """A person holding one post "in" two names means the two names are one organization."""
        by_person: dict[int, list[PostFinding]] = {}
        for f in findings:
            if f.org is None:
                continue
            p = self.entities.group_of(f.person)
            if p is not None:
                by_person.setdefault(p, []).append(f)
        for posts in by_person.values():
            for i, a in enumerate(posts):
                for b in posts[i + 1:]:
                    la, lb = finding_role(a), finding_role(b)
                    if is_shared_role(la) or not self.lex.same_role(la, lb):
                        continue
                    ga, gb = self.entities.group_of(a.org), self.entities.group_of(b.org)
                    if ga is not None and gb is not None and ga != gb:
                        ga_country = self.entities.groups[ga].country
                        gb_country = self.entities.groups[gb].country
                        if ga_country is None or gb_country is None or ga_country is gb_country:
                            self.entities.merge(ga, gb)

    def finish_entities(self) -> None:
        """Assign keys; two groups whose fullest names give the same key are one entity."""
        by_key: dict[str, int] = {}
        for gi, g in self.entities.final():
            key = entity_key(g)
            if key in by_key:
                self.entities.merge(by_key[key], gi)
        self.keys: dict[int, str] = {}
        self.out: dict[str, Entity] = {}
        for gi, g in self.entities.final():
            key = entity_key(g)
            self.keys[gi] = key
            self.out[key] = Entity(key=key, kind=g.kind, name=g.name,
                                   aliases=g.aliases,
                                   mentions=[_span(s) for s in g.mentions])

    def key_of(self, mention: SpacySpan | None) -> str | None:
        if mention is None:
            return None
        gi = self.entities.group_of(mention)
        return None if gi is None else self.keys.get(gi)

    def place_for_country(self, country: Country) -> str:
        """The key of a country's place entity, creating it when the text only implies it."""
        for e in self.out.values():
            if e.kind == "Place" and self.lex.country_by_name.get(fold(e.name)) is country:
                return e.key
        for gi, g in self.entities.final():
            if g.kind == "Place" and g.country is country and self.lex.country_by_name.get(
                    fold(g.name)) is country:
                return self.keys[gi]
        key = f"place:{slugify(country.name)}"
        self.out[key] = Entity(key=key, kind="Place", name=country.name)
        return key

    def ministry_of(self, role: str, state: SpacySpan | None) -> str | None:
        """"Minister of Energy X" in an article that names "the Ministry of Energy": the post is
        in that ministry (the one of the minister's country when the article names two)."""
        portfolio = role_portfolio(role)
        if portfolio is None:
            return None
        found = []
        for e in self.out.values():
            if e.kind != "Organization":
                continue
            for n in e.names:
                core, country = org_core(n)
                if ministry_portfolio(core) == portfolio:
                    found.append((e.key, country))
                    break
        if len(found) > 1 and state is not None:
            country = self.lex.country_by_demonym.get(fold(state.text)) or self.lex.place_country(state.text)
            found = [f for f in found if f[1] is country] if country is not None else []
        return found[0][0] if len(found) == 1 else None

    def sending_state(self, state: SpacySpan | None) -> str | None:
        """The country an envoy represents, when the article names it as a place ("US Ambassador
        X", "the Ambassador of Velmaria"): the annotation guide's organization of an ambassador."""
        if state is None:
            return None
        key = self.key_of(state)
        if key is not None and self.out[key].kind == "Place":
            return key
        country = self.lex.country_by_demonym.get(fold(state.text)) or self.lex.place_country(state.text)
        if country is None:
            return None
        for e in self.out.values():
            if e.kind == "Place" and self.lex.country_by_name.get(fold(e.name)) is country:
                return e.key
        return None

    def dateline_place(self) -> str | None:
        dl = self.doc._.ng_dateline
        if dl is None:
            return None
        span = self.doc.char_span(dl.place[0], dl.place[1], alignment_mode="expand")
        return self.key_of(span) if span is not None else None

    def protagonist(self) -> str | None:
        counts = Counter({k: len(e.mentions) for k, e in self.out.items() if e.kind == "Person"})
        if not counts:
            return None
        top = max(counts.values())
        firsts = [(self.out[k].mentions[0].start if self.out[k].mentions else 0, k)
                  for k, c in counts.items() if c == top]
        return min(firsts)[1]

    # ------------------------------------------------------------------ posts
    def posts(self, findings: list[PostFinding]) -> tuple[list[Post], list[tuple[PostFinding, Post]]]:
        posts: list[Post] = []
        appointments: list[tuple[PostFinding, Post]] = []
        for f in findings:
            person = self.key_of(f.person)
            if person is None or self.out[person].kind != "Person":
                continue
            org = self.key_of(f.org)
            if org is not None and self.out[org].kind != "Organization":
                org = None
            if org is None and is_envoy_role(finding_role(f)):
                org = self.sending_state(f.state)
            if org is None:
                org = self.ministry_of(finding_role(f), f.state)
            post = Post(person=person, role=finding_role(f), organization=org, evidence=_span(f.sentence))
            if f.pattern == "appointment":
                appointments.append((f, post))
            posts.append(post)
        kept: list[Post] = []
        for p in posts:
            twin = next((q for q in kept if q.person == p.person and self.lex.same_role(q.role, p.role)
                         and (q.organization == p.organization or p.organization is None)), None)
            if twin is not None:
                continue
            if p.organization is not None:
                # a post stated without its organization earlier is the same post
                kept = [q for q in kept if not (q.person == p.person and q.organization is None
                                                 and self.lex.same_role(q.role, p.role))]
            kept.append(p)
        return kept, appointments

    # ------------------------------------------------------------------ events
    def events(self, findings: list[EventFinding], appointments: list[tuple[PostFinding, Post]]) -> list[Event]:
        events: list[Event] = []
        self._findings = findings
        protagonist = self.protagonist()
        default_place = self.dateline_place()
        for f in findings:
            actors: list[Actor] = []
            for mention, part in f.actors:
                key = self.key_of(mention)
                if key is None or self.out[key].kind == "Place":
                    continue
                if all(a.entity != key for a in actors):
                    actors.append(Actor(key, part))
            date = explicit_date(f.sentence, self.date) or relative_date(f.sentence, self.date, f.planned, f.trigger)
            place = self.key_of(f.place)
            if place is not None and self.out[place].kind != "Place":
                place = None
            if f.kind == "Visit":
                if place is None and f.place_is_home and self.home is not None:
                    place = self.place_for_country(self.home)
            elif f.kind != "PhoneCall" and place is None and not f.planned:
                place = self.visit_place(f) or default_place
            status = "planned" if f.planned else "happened"
            base = dict(date=date, place=place, status=status, evidence=_span(f.sentence))
            if f.kind == "Meeting":
                hosts = [a for a in actors if a.part == "host"]
                guests = [a for a in actors if a.part != "host"]
                if not hosts and len(actors) < 2 and protagonist is not None and all(
                        a.entity != protagonist for a in actors):
                    # "the meeting with X" names one side; the article's protagonist is the other
                    hosts = [Actor(protagonist, "host")]
                if f.separate_guests and len(guests) > 1:
                    if not hosts and protagonist is not None and all(g.entity != protagonist for g in guests):
                        hosts = [Actor(protagonist, "host")]    # "During the meetings with A and B, ..."
                    for g in guests:
                        events.append(Event("Meeting", hosts + [Actor(g.entity, "guest")], **base))
                    continue
                actors = hosts + guests
                if len({a.entity for a in actors}) < 2:
                    continue
                events.append(Event("Meeting", actors, **base))
            elif f.kind == "PhoneCall":
                if len(actors) >= 2:
                    events.append(Event("PhoneCall", actors, **base))
            elif f.kind == "Visit":
                people = [a for a in actors if self.out[a.entity].kind == "Person"]
                if people:
                    events.append(Event("Visit", people, **base))
            elif f.kind == "Signing":
                if not actors:
                    actors = self._last_meeting_actors(events, "signatory")
                if actors:
                    events.append(Event("Signing", actors, document=f.document, **base))
            elif f.kind == "Statement":
                if actors:
                    events.append(Event("Statement", [Actor(actors[0].entity, "speaker")], quote=f.quote, **base))
        for f, post in appointments:
            if is_background(f.title[0]):
                continue        # "who was first elected President in 2019": history
            date = explicit_date(f.sentence, self.date) or relative_date(f.sentence, self.date)
            events.append(Event("Appointment", [Actor(post.person, "appointee")], date=date,
                                place=default_place, status="happened", evidence=post.evidence, post=post,
                                dismissal=f.dismissed))
        events = merge_events(events)
        self._same_occasion_dates(events)
        meetings = [e for e in events if e.kind == "Meeting" and e.status == "happened"]
        if len(meetings) == 1 and (meetings[0].place is None or meetings[0].place == default_place):
            place, date = self.anonymous_meeting_details(findings)
            if place is not None:
                meetings[0].place = place
                meetings[0].date = date or meetings[0].date
        return events

    def _same_occasion_dates(self, events: list[Event]) -> None:
        """A signing by the people who just met, with no date of its own, took place at that
        meeting ("Following the talks, the ministers signed...")."""
        for e in events:
            if e.kind != "Signing" or e.status != "happened" or e.date != self.date:
                continue
            ids = {a.entity for a in e.actors}
            for m in events:
                if m.kind == "Meeting" and m.status == "happened" and ids <= {a.entity for a in m.actors} \
                        and m.date is not None and m.date != self.date:
                    e.date = m.date
                    break

    def visit_place(self, f: EventFinding) -> str | None:
        """Where a visit of one of the event's actors, told in the same sentence, took them:
        "Within the framework of his visit to Karst, Brandtvik met Mayor Berg" was in Karst."""
        actors = {self.key_of(m) for m, _ in f.actors}
        for v in self._findings:
            if v.kind == "Visit" and v is not f and v.sentence == f.sentence and v.place is not None and not v.planned \
                    and actors & {self.key_of(m) for m, _ in v.actors} and not _in_relative_clause(v.trigger):
                place = self.key_of(v.place)
                if place is None or self.out[place].kind != "Place":
                    continue
                # a visit to a country whose capital is the dateline: the dateline is more precise
                dl = self.dateline_place()
                country = self.lex.country_by_name.get(fold(self.out[place].name))
                if dl is not None and country is not None and any(
                        self.lex.country_by_capital.get(fold(n)) is country for n in self.out[dl].names):
                    return dl
                return place
        return None

    def anonymous_meeting_details(self, findings: list[EventFinding]) -> tuple[str | None, dt.date | None]:
        """Place and date said of a meeting whose participants are not named ("The ministers met
        in Vienna on Saturday"): they describe the article's one named meeting."""
        for f in findings:
            if f.kind == "Meeting" and not f.actors and not f.planned:
                place = self.key_of(f.place)
                if place is not None and self.out[place].kind == "Place":
                    return place, explicit_date(f.sentence, self.date) or relative_date(
                        f.sentence, self.date, trigger=f.trigger, default=False)
        return None, None

    @staticmethod
    def _last_meeting_actors(events: list[Event], part: str) -> list[Actor]:
        for e in reversed(events):
            if e.kind == "Meeting" and e.status == "happened":
                return [Actor(a.entity, part) for a in e.actors]
        return []


_PORTFOLIO_SYNONYMS = {"foreign": "foreign affairs", "fm": "foreign affairs", "interior": "internal affairs",
                       "home affairs": "internal affairs", "defense": "defence", "finances": "finance"}


def _portfolio(words: str) -> str:
    words = words.strip()
    return _PORTFOLIO_SYNONYMS.get(words, words)


def role_portfolio(role: str) -> str | None:
    """"Minister of Energy", "Deputy Minister of Energy", "Energy Minister" -> "energy"; "FM" -> "foreign affairs"."""
    key = name_key(role)
    if key == "fm":
        return "foreign affairs"
    m = re.search(r"\bminister (?:of|for) (?:the )?(.+)$", key)
    if m:
        return _portfolio(m.group(1))
    words = key.split()
    if len(words) >= 2 and words[-1] == "minister" and words[-2] not in ("prime", "deputy", "vice", "first", "state"):
        return _portfolio(words[-2])
    return None


def ministry_portfolio(core: str) -> str | None:
    """"ministry of energy", "energy ministry", "ministry of foreign affairs" -> the portfolio."""
    key = name_key(core)
    for marker in ("ministry of the ", "ministry of ", "ministry for "):
        if key.startswith(marker):
            return _portfolio(key[len(marker):])
    words = key.split()
    if len(words) >= 2 and words[-1] == "ministry":
        return _portfolio(" ".join(words[:-1]))
    return None


def _in_relative_clause(tok) -> bool:
    """"..., who is in Kazakhstan on his first official visit": said of someone, not of the clause."""
    t = tok
    while t.head.i != t.i:
        if t.dep_ in ("relcl", "acl"):
            return True
        t = t.head
    return False


def merge_events(events: list[Event]) -> list[Event]:
    """One event per happening: repeats with the same kind, status and actors (or a subset) merge."""
    out: list[Event] = []
    for e in events:
        ids = {a.entity for a in e.actors}
        for o in out:
            if o.kind != e.kind or o.status != e.status or e.kind == "Statement":
                continue
            oids = {a.entity for a in o.actors}
            if e.kind == "Appointment":
                same = ids == oids
            elif e.kind == "Visit":
                same = ids == oids
            else:
                same = ids <= oids or oids <= ids
            if not same:
                continue
            for a in e.actors:
                existing = next((x for x in o.actors if x.entity == a.entity), None)
                if existing is None:
                    o.actors.append(a)
                elif _PART_RANK.get(a.part, 3) < _PART_RANK.get(existing.part, 3):
                    existing.part = a.part
            o.place = o.place or e.place
            o.date = o.date or e.date
            o.document = o.document or e.document
            o.post = o.post or e.post
            break
        else:
            out.append(e)
    return out


def doc_to_extraction(doc: Doc, article_id: str) -> ArticleExtraction:
    """Everything the rule components found in ``doc``, as plain dataclasses."""
    b = _Builder(doc, article_id)
    post_findings: list[PostFinding] = doc._.ng_posts or []
    b.merge_orgs_by_shared_posts(post_findings)
    b.finish_entities()
    posts, appointments = b.posts(post_findings)
    events = b.events(doc._.ng_events or [], appointments)
    return ArticleExtraction(
        article_id=article_id,
        entities=list(b.out.values()),
        posts=posts,
        events=events,
        sentences=[_span(s) for s in doc.sents if s.text.strip()],
    )
