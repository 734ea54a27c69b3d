"""What a person reads about a resource: posts over time, events, who met whom, and sources.

The HTML page of a resource shows more than its triples: the posts a person held (grouped by role
and organization, first and last seen), the people of an organization, the events an actor took
part in (newest first, paged), how often it was in the news each year, the actors it shared
events with, and for every fact the article(s) stating it with the sentence that says it (NIF 2.0
offsets). Every list is bounded (a page of :data:`PANEL_SIZE` rows, or a top-N) and every
aggregate returns a bounded number of rows; nothing here reads an unbounded reverse lookup into
Python.

Which panels a resource gets follows from its inbound links (``org:member`` -> posts,
``sem:hasActor`` -> events...), so any resource of any kind gets the panels its data supports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from pyoxigraph import NamedNode

from kg.views.describe import LABELS, Description, label, objects
from kg.store import Store
from kg.vocab import ITSRDF, NG, NIF, ORG, PROV, RDF, RDFS, SCHEMA, SEM, SKOS

#: Rows per page of a panel (events, people, articles).
PANEL_SIZE = 25
#: Actors shown around an entity in the who-met-whom graph.
GRAPH_NEIGHBOURS = 12
#: Sources (article + sentence) shown per fact.
SOURCES_PER_FACT = 3
#: Who met whom is drawn from this many of the actor's latest events (a bounded amount of work).
RECENT_EVENTS = 200

_CHAR = re.compile(r"#char=(\d+),(\d+)$")
#: Parts of an event, most specific first (sem:hasActor is their super-property).
PARTS = (NG.host, NG.guest, NG.visitor, NG.appointee, NG.signatory, NG.speaker, NG.participant)

Term = Any


@dataclass(frozen=True)
class Ref:
    """A linked resource and its name."""

    iri: str
    label: str

    @property
    def local(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class Sentence:
    """A NIF string of an article, with the character ranges to highlight inside it."""

    iri: str
    text: str
    begin: int
    end: int
    marks: list[tuple[int, int, str | None]] = field(default_factory=list)  # (start, end, entity IRI)

    def pieces(self) -> list[tuple[str, bool, str | None]]:
        """The text cut into (text, highlighted, entity IRI) pieces."""
        out, pos = [], 0
        for b, e, ent in sorted(self.marks):
            if b < pos or e > len(self.text):
                continue
            if b > pos:
                out.append((self.text[pos:b], False, None))
            out.append((self.text[b:e], True, ent))
            pos = e
        if pos < len(self.text):
            out.append((self.text[pos:], False, None))
        return out


@dataclass
class Source:
    """An article stating a fact, and the sentences of it that say so."""

    article: Ref
    date: str | None = None
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class EventRow:
    iri: str
    label: str
    kinds: list[str]
    date: str | None
    place: Ref | None
    actors: list[tuple[Ref, str]]            # (actor, part)
    sources: list[Source]


@dataclass
class PostRow:
    """Memberships grouped: a role (in an organization) held by a person, first and last seen."""

    person: Ref | None
    role: Ref | None
    organization: Ref | None
    first: str | None
    last: str | None
    articles: int
    membership: str
    sources: list[Source]


@dataclass
class Page:
    """One page of a panel; ``total`` is known when it is cheap to count."""

    rows: list[Any]
    page: int
    has_next: bool
    total: int | None = None


@dataclass
class TextSpan:
    """A NIF string inside the article text: a sentence (evidence) or a mention of an entity."""

    begin: int
    end: int
    iri: str
    kind: str                     # "sentence" | "mention"
    entity: Ref | None = None


@dataclass
class ArticleText:
    text: str
    spans: list[TextSpan]
    facts: list[tuple[Ref, list[Ref], list[Sentence]]]   # (fact, its types, its evidence)


@dataclass
class Profile:
    label: str
    aliases: list[str]
    types: list[Ref]
    posts: Page | None = None          # memberships of a person
    people: Page | None = None         # memberships at an organization
    holders: Page | None = None        # memberships in a role
    events: Page | None = None         # events of an actor / at a place
    event_years: dict[int, int] = field(default_factory=dict)
    mention_years: dict[int, int] = field(default_factory=dict)
    events_undated: int = 0            # events (of all pages) without a date
    mentions_undated: int = 0          # articles mentioning it without a publication date
    mentions: Page | None = None       # articles mentioning it
    coactors: list[tuple[Ref, int]] = field(default_factory=list)
    coactor_edges: list[tuple[str, str, int]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)   # for a fact itself (event, membership)
    participants: list[tuple[Ref, str]] = field(default_factory=list)
    #: for an event: how many articles report it (one event node for all its reports), and the
    #: first and last of their publication dates
    reported_by: int = 0
    reported_first: str | None = None
    reported_last: str | None = None
    article: ArticleText | None = None
    #: for an article: its publication date, "" when it is not known (None: not an article)
    published: str | None = None


#: How many quads of a small resource (an event, a membership, a sentence) one scan reads.
FACTS_SCAN = 400
_LABEL, _TYPE, _ACTOR = RDFS.label, RDF.type, SEM.hasActor
_DERIVED, _EVIDENCE, _DATE = PROV.wasDerivedFrom, NG.evidence, SCHEMA.datePublished
_ANCHOR, _BEGIN, _END, _CONTEXT = NIF.anchorOf, NIF.beginIndex, NIF.endIndex, NIF.referenceContext
_IDENT = ITSRDF.taIdentRef


class Facts:
    """What one scan of a small resource's quads says: objects per predicate, graphs stating it."""

    def __init__(self, quads: list[Any]) -> None:
        self.by_predicate: dict[NamedNode, list[Term]] = {}
        self.graphs: list[Term] = []
        for q in quads:
            objs = self.by_predicate.setdefault(q.predicate, [])
            if q.object not in objs:
                objs.append(q.object)
            if q.graph_name not in self.graphs:
                self.graphs.append(q.graph_name)

    def get(self, predicate: NamedNode) -> list[Term]:
        return self.by_predicate.get(predicate, [])

    def first(self, predicate: NamedNode) -> Term | None:
        found = self.by_predicate.get(predicate)
        return found[0] if found else None


class Lookup:
    """Bounded, cached index lookups for one page: labels, facts of small resources, sources."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._labels: dict[Term, str] = {}
        self._facts: dict[Term, Facts] = {}
        self._first: dict[tuple[Term, NamedNode], Term | None] = {}
        self._articles: dict[Term, bool] = {}

    def learn(self, quads: list[Any]) -> None:
        """Take labels from quads already read (a description's context), longest name first."""
        for q in quads:
            if q.predicate in LABELS and len(q.object.value) > len(self._labels.get(q.subject, "")):
                if q.predicate == _LABEL or q.subject not in self._labels:
                    self._labels[q.subject] = q.object.value

    def label(self, term: Term) -> str:
        return self.ref(term).label

    def ref(self, term: Term) -> Ref:
        if term not in self._labels:
            self._labels[term] = label(self.store, term) or _local_name(term.value)
        return Ref(term.value, self._labels[term])

    def facts(self, subject: Term) -> Facts:
        """All quads of ``subject`` (up to :data:`FACTS_SCAN`): for events, memberships, sentences."""
        if subject not in self._facts:
            self._facts[subject] = Facts(list(islice(
                self.store.quads(subject, None, None, None), FACTS_SCAN)))
        return self._facts[subject]

    def first(self, subject: Term, predicate: NamedNode) -> Term | None:
        key = (subject, predicate)
        if key not in self._first:
            found = objects(self.store, subject, predicate, 1)
            self._first[key] = found[0].object if found else None
        return self._first[key]

    def is_article(self, graph: NamedNode) -> bool:
        """Whether the named graph is an article's (its name is the article, dated or not)."""
        if graph not in self._articles:
            self._articles[graph] = next(iter(self.store.quads(graph, _TYPE, NG.Article, graph)),
                                         None) is not None
        return self._articles[graph]

    def values(self, subject: Term, predicate: NamedNode, limit: int = 20) -> list[Term]:
        return [q.object for q in objects(self.store, subject, predicate, limit)]

    def sentence(self, iri: Term, focus: Term | None, all_mentions: bool = False) -> Sentence | None:
        """The sentence ``iri`` with the mentions of ``focus`` (or of every entity) marked."""
        f = self.facts(iri)
        text = f.first(_ANCHOR)
        span = _offsets(iri.value)
        if span is None:
            b, e = f.first(_BEGIN), f.first(_END)
            span = (int(b.value), int(e.value)) if b is not None and e is not None else None
        if text is None or span is None:
            return None
        s = Sentence(iri.value, text.value, span[0], span[1])
        article = NamedNode(iri.value.split("#", 1)[0])
        if all_mentions:
            ctx = f.first(_CONTEXT)
            if ctx is not None:
                for q in islice(self.store.quads(None, _CONTEXT, ctx, article), 2000):
                    off = _offsets(q.subject.value)
                    if off and s.begin <= off[0] and off[1] <= s.end and off != (s.begin, s.end):
                        ent = self.first(q.subject, _IDENT)
                        if ent is not None:
                            s.marks.append((off[0] - s.begin, off[1] - s.begin, ent.value))
        elif focus is not None:
            for q in islice(self.store.quads(None, _IDENT, focus, article), 200):
                off = _offsets(q.subject.value)
                if off and s.begin <= off[0] and off[1] <= s.end:
                    s.marks.append((off[0] - s.begin, off[1] - s.begin, focus.value))
        return s

    def sources(self, fact: Term, focus: Term | None, all_mentions: bool = False,
                limit: int = SOURCES_PER_FACT) -> list[Source]:
        """The articles stating ``fact`` (prov:wasDerivedFrom, else the graphs holding it), with
        the evidence sentences of each."""
        f = self.facts(fact)
        articles = f.get(_DERIVED)[:limit]
        if not articles:
            articles = [g for g in f.graphs if isinstance(g, NamedNode) and self.is_article(g)][:limit]
        evidence = f.get(_EVIDENCE)
        out = []
        for a in articles:
            date = self.first(a, _DATE)
            src = Source(self.ref(a), date.value if date is not None else None)
            for ev in evidence:
                if ev.value.split("#", 1)[0] == a.value:
                    s = self.sentence(ev, focus, all_mentions)
                    if s is not None:
                        src.sentences.append(s)
            out.append(src)
        return out


# ---------------------------------------------------------------------------------- panels

# Every dated link of one kind to the resource, unordered: sorted, paged and counted per year in
# Python (one index pass; an ORDER BY plus a GROUP BY would read the links twice).
_DATED = {
    "actor": "SELECT ?s ?x ?d WHERE { ?x sem:hasActor ?s . OPTIONAL { ?x sem:hasTimeStamp ?d } }",
    "place": "SELECT ?s ?x ?d WHERE { ?x sem:hasPlace ?s . OPTIONAL { ?x sem:hasTimeStamp ?d } }",
    "mentions": "SELECT ?s ?x ?d WHERE { ?x schema:mentions ?s . OPTIONAL { ?x schema:datePublished ?d } }",
}
#: At most this many links of one kind are read for one page (a bound on the work, far above
#: what the largest synthetic corpus gives one entity).
MAX_LINKS_READ = 50_000


# Memberships grouped by what the page is not about; the date is that of the article stating it.
# An undated article gives no date, and MIN/MAX over a group with an unbound value are unbound
# in Oxigraph, so they run over the dates as strings with an empty/"~" stand-in for undated (ISO
# dates sort as strings), and the cast back to xsd:date makes the stand-in unbound again.
_MEMBERSHIPS = {
    "member": ("?role ?org", "?m org:member ?s . OPTIONAL { ?m org:role ?role } OPTIONAL { ?m org:organization ?org }"),
    "organization": ("?person ?role", "?m org:organization ?s . OPTIONAL { ?m org:member ?person } OPTIONAL { ?m org:role ?role }"),
    "role": ("?person ?org", "?m org:role ?s . OPTIONAL { ?m org:member ?person } OPTIONAL { ?m org:organization ?org }"),
}
_MEMBERSHIP_GROUPS = """
SELECT ?s {keys} (xsd:date(MIN(COALESCE(STR(?d), "~"))) AS ?first) (xsd:date(MAX(COALESCE(STR(?d), ""))) AS ?last)
       (COUNT(DISTINCT ?g) AS ?n) (MAX(?m) AS ?m1) WHERE {{
  GRAPH ?g {{ {pattern} }}
  OPTIONAL {{ ?g schema:datePublished ?d }}
}} GROUP BY ?s {keys} ORDER BY DESC(?last) {keys} LIMIT %d OFFSET %d"""


def profile(store: Store, d: Description, pages: dict[str, int] | None = None,
            look: Lookup | None = None) -> Profile:
    """Everything the HTML page of ``d`` shows beyond its triples; ``pages`` picks panel pages.

    ``look`` may be shared with the caller, so that a label is looked up once per page.
    """
    pages = pages or {}
    look = look or Lookup(store)
    look.learn(d.context + d.graph)
    node = d.node
    labels = [o.value for o in d.values(RDFS.label)]
    p = Profile(
        label=max(labels, key=len) if labels else (label(store, node) or _local_name(d.iri)),
        aliases=sorted({o.value for o in d.values(SKOS.altLabel)} | set(labels)),
        types=[look.ref(t) for t in d.values(RDF.type)],
    )
    p.aliases = [a for a in p.aliases if a != p.label]
    counts = d.inbound_counts

    for via, attr in (("member", "posts"), ("organization", "people"), ("role", "holders")):
        if counts.get(ORG.term(via)):
            setattr(p, attr, _memberships(store, look, node, via, pages.get(attr, 1)))
    for via, pred in (("actor", SEM.hasActor), ("place", SEM.hasPlace)):
        if counts.get(pred):
            dated, p.event_years = _dated(store, node, via)
            p.events_undated = sum(1 for _, date in dated if date is None)
            p.events = _events(look, node, dated, pages.get("events", 1))
            if via == "actor":
                p.coactors, p.coactor_edges = _who_met_whom(look, node, [e for e, _ in dated[:RECENT_EVENTS]])
            break
    if counts.get(SCHEMA.mentions):
        dated, p.mention_years = _dated(store, node, "mentions")
        p.mentions_undated = sum(1 for _, date in dated if date is None)
        p.mentions = _mentions(store, look, node, dated, pages.get("mentions", 1))
    if NG.Article in d.values(RDF.type):
        date = next(iter(d.values(_DATE)), None)
        p.published = date.value if date is not None else ""

    own = {st.predicate for st in d.outgoing}
    if NG.evidence in own or PROV.wasDerivedFrom in own or SEM.hasActor in own or ORG.member in own:
        p.sources = look.sources(node, None, all_mentions=True, limit=20)
    if SEM.hasActor in own:
        p.participants = _cast(look, look.facts(node))
        p.reported_by = sum(1 for st in d.outgoing if st.predicate == PROV.wasDerivedFrom)
        dates = sorted(s.date for s in p.sources if s.date)
        if dates:
            p.reported_first, p.reported_last = dates[0], dates[-1]
    if d.graph:
        p.article = article_text(look, d)
    return p


def _dated(store: Store, node: NamedNode, via: str) -> tuple[list[tuple[Term, str | None]], dict[int, int]]:
    """The things linked to ``node`` by ``via``, newest first (undated last), and how many per year."""
    dates: dict[str, str] = {}                   # IRI -> earliest date ("" when undated)
    terms: dict[str, Term] = {}
    for r in islice(store.query(_DATED[via], substitutions={"s": node}), MAX_LINKS_READ):
        x, d = r["x"], r["d"]
        key, value = x.value, d.value if d is not None else ""
        if key not in dates:
            terms[key] = x
            dates[key] = value
        elif value and (not dates[key] or value < dates[key]):
            dates[key] = value
    keys = sorted(dates, key=lambda k: (dates[k], k), reverse=True)     # newest first, undated last
    ordered = [(terms[k], dates[k] or None) for k in keys]
    years: dict[int, int] = {}
    for _, d in ordered:
        if d is not None and d[:4].isdigit():
            years[int(d[:4])] = years.get(int(d[:4]), 0) + 1
    return ordered, dict(sorted(years.items()))


def _events(look: Lookup, node: NamedNode, dated: list[tuple[Term, str | None]], page: int) -> Page:
    """A page of events (newest first), each with its kind, place, cast and sources."""
    out = []
    for e, date in dated[(page - 1) * PANEL_SIZE: page * PANEL_SIZE]:
        f = look.facts(e)
        kinds = [look.ref(t) for t in f.get(_TYPE)]
        place = f.first(SEM.hasPlace)
        out.append(EventRow(
            iri=e.value, label=look.ref(e).label,
            kinds=[k.label for k in kinds if not k.iri.startswith(str(SEM))] or [k.label for k in kinds],
            date=date, place=look.ref(place) if place is not None else None,
            actors=_cast(look, f), sources=look.sources(e, node)))
    return Page(out, page, len(dated) > page * PANEL_SIZE, len(dated))


def _who_met_whom(look: Lookup, node: NamedNode, events: list[NamedNode]
                  ) -> tuple[list[tuple[Ref, int]], list[tuple[str, str, int]]]:
    """The actors sharing most of ``events`` with ``node`` and how often they shared them with
    each other (among the :data:`GRAPH_NEIGHBOURS` shown)."""
    scan = look.store.quads
    casts = [{q.object for q in islice(scan(e, _ACTOR, None, None), 200) if q.object != node} for e in events]
    counts: dict[NamedNode, int] = {}
    for cast in casts:
        for a in cast:
            counts[a] = counts.get(a, 0) + 1
    top = sorted(counts, key=lambda a: (-counts[a], a.value))[:GRAPH_NEIGHBOURS]
    shown = set(top)
    pairs: dict[tuple[str, str], int] = {}
    for cast in casts:
        inner = sorted(a.value for a in cast & shown)
        for i, a in enumerate(inner):
            for b in inner[i + 1:]:
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
    return ([(look.ref(a), counts[a]) for a in top],
            [(a, b, n) for (a, b), n in sorted(pairs.items())])


def _memberships(store: Store, look: Lookup, node: NamedNode, via: str, page: int) -> Page:
    keys, pattern = _MEMBERSHIPS[via]
    query = _MEMBERSHIP_GROUPS.format(keys=keys, pattern=pattern) % (PANEL_SIZE + 1, (page - 1) * PANEL_SIZE)
    rows = list(store.query(query, substitutions={"s": node}))
    out = []
    for r in rows[:PANEL_SIZE]:
        def ref(var: str) -> Ref | None:
            return look.ref(r[var]) if var in keys and r[var] is not None else None
        person = ref("person") if via != "member" else look.ref(node)
        # highlight the person in the sentence: the page's own entity, or the person of the row
        focus = node if via == "member" else r["person"]
        out.append(PostRow(
            person=person, role=ref("role") if via != "role" else look.ref(node),
            organization=ref("org") if via != "organization" else look.ref(node),
            first=r["first"].value if r["first"] is not None else None,
            last=r["last"].value if r["last"] is not None else None,
            articles=int(r["n"].value), membership=r["m1"].value,
            sources=look.sources(r["m1"], focus)))
    return Page(out, page, len(rows) > PANEL_SIZE)


def _mentions(store: Store, look: Lookup, node: NamedNode, dated: list[tuple[Term, str | None]],
              page: int) -> Page:
    """A page of the articles mentioning ``node``, newest first, each linked at its first mention."""
    out = []
    for a, date in dated[(page - 1) * PANEL_SIZE: page * PANEL_SIZE]:
        first_mention = next(iter(store.quads(None, _IDENT, node, a)), None)
        out.append((look.ref(a), date, first_mention.subject.value if first_mention is not None else None))
    return Page(out, page, len(dated) > page * PANEL_SIZE, len(dated))


def _cast(look: Lookup, f: Facts) -> list[tuple[Ref, str]]:
    """The actors of an event with their part (host, guest...; "actor" when no part is given)."""
    out: list[tuple[Ref, str]] = []
    seen: set[Term] = set()
    for part in PARTS:
        for a in f.get(part):
            out.append((look.ref(a), _local_name(part.value)))
            seen.add(a)
    out += [(look.ref(a), "actor") for a in f.get(_ACTOR) if a not in seen]
    return out


def article_text(look: Lookup, d: Description) -> ArticleText | None:
    """The article's text with its NIF strings (sentences, mentions linked to entities)."""
    by_subject: dict[Term, dict[NamedNode, list[Term]]] = {}
    for q in d.graph:
        by_subject.setdefault(q.subject, {}).setdefault(q.predicate, []).append(q.object)
    ctx = next(iter(d.values(NG.context)), None)
    if ctx is None:
        ctx = next((s for s, props in by_subject.items() if NIF.isString in props), None)
    if ctx is None or NIF.isString not in by_subject.get(ctx, {}):
        return None
    text = by_subject[ctx][NIF.isString][0].value
    spans = []
    for s, props in by_subject.items():
        if s == ctx or props.get(NIF.referenceContext, [None])[0] != ctx:
            continue
        try:
            b, e = int(props[NIF.beginIndex][0].value), int(props[NIF.endIndex][0].value)
        except (KeyError, ValueError):
            continue
        ent = props.get(ITSRDF.taIdentRef, [None])[0]
        if ent is not None:
            spans.append(TextSpan(b, e, s.value, "mention", _graph_ref(look, by_subject, ent)))
        else:
            spans.append(TextSpan(b, e, s.value, "sentence"))
    facts = []
    for s, props in by_subject.items():
        if NG.evidence not in props:
            continue
        sentences = []
        for ev in props[NG.evidence]:
            off = _offsets(ev.value)
            if off:
                sentences.append(Sentence(ev.value, text[off[0]:off[1]], off[0], off[1]))
        types = [_graph_ref(look, by_subject, t) for t in props.get(RDF.type, [])]
        facts.append((_graph_ref(look, by_subject, s), types, sentences))
    facts.sort(key=lambda f: (min((x.begin for x in f[2]), default=0), f[0].iri))
    return ArticleText(text, sorted(spans, key=lambda x: (x.begin, -x.end)), facts)


def _graph_ref(look: Lookup, by_subject: dict, term: Term) -> Ref:
    labels = by_subject.get(term, {}).get(RDFS.label)
    if labels:
        return Ref(term.value, max((x.value for x in labels), key=len))
    return look.ref(term)


def _offsets(iri: str) -> tuple[int, int] | None:
    m = _CHAR.search(iri)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]

