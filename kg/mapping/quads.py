"""Map one article and its extraction to RDF quads, by the graph contract of DESIGN.md.

Every quad goes into the article's named graph (whose name is the article's IRI), so that
re-ingesting an article replaces exactly its facts and removing it removes nothing else.
Vocabularies: W3C ORG for posts, SEM for events, PROV-O for provenance, NIF 2.0 for mentions,
schema.org and Dublin Core for the article.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from pyoxigraph import Literal, NamedNode, Quad

from kg.read.articles import Article
from kg.iris import Minter, is_alias
from kg.resolve.gazetteer import link_place
from kg.resolve.resolver import roles_by_entity
from kg.model import ArticleExtraction, Entity, Event, Post, Span
from kg.vocab import DCTERMS, ENTITY_TYPES, GEO, ITSRDF, NG, NIF, ORG, OWL, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, XSD

ENTITY_CLASSES = {kind: types[0] for kind, types in ENTITY_TYPES.items()}
#: The W3C/FOAF/schema.org classes each entity is also typed with (``?x a foaf:Person``).
ENTITY_SUPERCLASSES = {kind: types[1:] for kind, types in ENTITY_TYPES.items()}
EVENT_CLASSES = {k: NG.term(k) for k in ("Meeting", "PhoneCall", "Visit", "Appointment", "Signing", "Statement")}
ACTOR_PROPERTIES = {p: NG.term(p) for p in ("host", "guest", "participant", "speaker", "appointee",
                                             "signatory", "visitor")}

#: Given an entity of this article, the IRI it already has in the corpus (alias resolution), or None.
#: (entity, its roles in the article as name keys) -> the IRI across the corpus, or None
Resolver = Callable[[Entity, frozenset[str]], "str | None"]


def _date(d) -> Literal:
    return Literal(d.isoformat(), datatype=XSD.date)


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.nonNegativeInteger)


class ArticleMapper:
    """Turns (article, extraction) into quads in the article's graph."""

    def __init__(self, minter: Minter, extractor_version: str, resolve: Resolver | None = None) -> None:
        self.minter = minter
        self.extractor_version = extractor_version
        self.resolve = resolve

    def entity_iris(self, extraction: ArticleExtraction) -> dict[str, str]:
        iris = {}
        roles = roles_by_entity(extraction.posts)
        for e in extraction.entities:
            iri = self.resolve(e, roles.get(e.key, frozenset())) if self.resolve else None
            iris[e.key] = iri or self.minter.entity(e.key)
        return iris

    def quads(self, article: Article, extraction: ArticleExtraction) -> list[Quad]:
        """All quads for one article (a list: the store writes them in one transaction)."""
        return list(self._quads(article, extraction))

    def _quads(self, article: Article, x: ArticleExtraction) -> Iterator[Quad]:
        m = self.minter
        a_iri = m.article(article.id)
        A = NamedNode(a_iri)
        G = A

        def q(s, p, o) -> Quad:
            return Quad(s, p, o, G)

        # --- the article and its provenance
        yield q(A, RDF.type, NG.Article)
        yield q(A, RDF.type, SCHEMA.NewsArticle)
        yield q(A, DCTERMS.identifier, Literal(article.id))
        yield q(A, SCHEMA.headline, Literal(article.headline))
        yield q(A, RDFS.label, Literal(article.headline or article.id))
        if article.date is not None:  # an undated article has no schema:datePublished
            yield q(A, SCHEMA.datePublished, _date(article.date))
        yield q(A, SCHEMA.text, Literal(article.body))
        yield q(A, NG.checksum, Literal(article.checksum))
        yield q(A, NG.extractorVersion, Literal(self.extractor_version))
        activity = NamedNode(m.activity(article.id))
        software = NamedNode(m.software(self.extractor_version))
        yield q(A, PROV.wasGeneratedBy, activity)
        yield q(activity, RDF.type, NG.ExtractionActivity)
        yield q(activity, RDF.type, PROV.Activity)
        yield q(activity, PROV.used, A)
        yield q(activity, PROV.wasAssociatedWith, software)
        yield q(software, RDF.type, PROV.SoftwareAgent)
        yield q(software, RDFS.label, Literal(self.extractor_version))

        # --- the text as a NIF context: every offset below refers to this string
        text = article.text
        ctx = NamedNode(m.offset(a_iri, 0, len(text)))
        yield q(ctx, RDF.type, NIF.Context)
        yield q(ctx, RDF.type, NIF.OffsetBasedString)
        yield q(ctx, NIF.isString, Literal(text))
        yield q(ctx, NIF.beginIndex, _int(0))
        yield q(ctx, NIF.endIndex, _int(len(text)))
        yield q(ctx, NIF.sourceUrl, A)
        yield q(A, NG.context, ctx)

        # --- entities and their mentions
        iris = self.entity_iris(x)
        for e in x.entities:
            E = NamedNode(iris[e.key])
            yield q(A, SCHEMA.mentions, E)
            yield q(E, RDF.type, ENTITY_CLASSES[e.kind])
            for sup in ENTITY_SUPERCLASSES[e.kind]:
                yield q(E, RDF.type, sup)
            # the names this article uses; the corpus-wide rdfs:label is derived from the
            # preferred names of every article (kg.ingest.settle.refresh_labels)
            yield q(E, NG.preferredName, Literal(e.name))
            for name in e.names:
                yield q(E, SKOS.altLabel, Literal(name))
            yield q(E, NG.localKey, Literal(e.key))
            if e.kind == "Place":
                yield from self._place_links(q, E, e)
            if is_alias(E.value, e.key, self.minter):
                # resolved to another article's entity: the IRI this one alone would have had
                # (and an earlier run may have published) stays an alias that redirects
                yield q(E, OWL.sameAs, NamedNode(self.minter.entity(e.key)))
            for s in e.mentions:
                yield from self._nif_string(q, a_iri, ctx, s, NIF.Phrase)
                yield q(NamedNode(m.offset(a_iri, s.start, s.end)), ITSRDF.taIdentRef, E)

        # --- posts (W3C ORG memberships)
        evidence_seen: set[tuple[int, int]] = set()
        role_labels: dict[str, str] = {}  # one rdfs:label per role in a graph (ontology/shapes.ttl)
        for post in x.posts:
            M = self._membership(post, iris)
            yield from self._post_quads(q, A, a_iri, ctx, article, post, M, iris, evidence_seen, role_labels)

        # --- events
        names = {e.key: e.name for e in x.entities}
        for i, ev in enumerate(x.events, start=1):
            yield from self._event_quads(q, A, a_iri, ctx, article, ev, i, iris, names, evidence_seen)

    # ------------------------------------------------------------------ helpers
    def _place_links(self, q, E: NamedNode, e: Entity) -> Iterator[Quad]:
        """GeoNames (``owl:sameAs``), coordinates (W3C WGS84) and a country's ISO 3166 code."""
        link = link_place(e.names)
        if link is None:
            return
        yield q(E, OWL.sameAs, NamedNode(link.iri))
        if link.kind == "country" and link.country_code:
            yield q(E, NG.countryCode, Literal(link.country_code))
        if link.lat is not None and link.long is not None:
            yield q(E, GEO.lat, Literal(f"{link.lat:.5f}", datatype=XSD.decimal))
            yield q(E, GEO.long, Literal(f"{link.long:.5f}", datatype=XSD.decimal))

    def _nif_string(self, q, a_iri: str, ctx: NamedNode, s: Span, cls: NamedNode) -> Iterator[Quad]:
        S = NamedNode(self.minter.offset(a_iri, s.start, s.end))
        yield q(S, RDF.type, cls)
        yield q(S, RDF.type, NIF.OffsetBasedString)
        yield q(S, NIF.referenceContext, ctx)
        yield q(S, NIF.beginIndex, _int(s.start))
        yield q(S, NIF.endIndex, _int(s.end))
        yield q(S, NIF.anchorOf, Literal(s.text))

    def _evidence(self, q, a_iri: str, ctx: NamedNode, s: Span | None, seen: set) -> Iterator[Quad]:
        if s is None or (s.start, s.end) in seen:
            return
        seen.add((s.start, s.end))
        yield from self._nif_string(q, a_iri, ctx, s, NIF.Sentence)

    def _membership(self, post: Post, iris: dict[str, str]) -> NamedNode:
        person_key = _key_of(iris[post.person])
        org_key = _key_of(iris[post.organization]) if post.organization else None
        return NamedNode(self.minter.membership(person_key, post.role, org_key))

    def _post_quads(self, q, A, a_iri, ctx, article: Article, post: Post, M: NamedNode,
                    iris: dict[str, str], seen: set, role_labels: dict[str, str]) -> Iterator[Quad]:
        R = NamedNode(self.minter.role(post.role))
        P = NamedNode(iris[post.person])
        yield q(R, RDF.type, NG.Role)
        yield q(R, RDF.type, ORG.Role)
        # "Vice Speaker" and "Vice-Speaker" mint the same role IRI: the first spelling is its label,
        # the others alternative labels
        first = role_labels.setdefault(R.value, post.role)
        yield q(R, RDFS.label if first == post.role else SKOS.altLabel, Literal(post.role))
        yield q(M, RDF.type, NG.Membership)
        yield q(M, RDF.type, ORG.Membership)
        yield q(M, ORG.member, P)
        yield q(M, ORG.role, R)
        label = f"{post.role}"
        if post.organization:
            O = NamedNode(iris[post.organization])
            yield q(M, ORG.organization, O)
        yield q(M, RDFS.label, Literal(label))
        if article.date is not None:
            yield q(M, NG.dateSeen, _date(article.date))
        yield q(M, PROV.wasDerivedFrom, A)
        if post.evidence is not None:
            yield from self._evidence(q, a_iri, ctx, post.evidence, seen)
            yield q(M, NG.evidence, NamedNode(self.minter.offset(a_iri, post.evidence.start, post.evidence.end)))

    def _event_quads(self, q, A, a_iri, ctx, article: Article, ev: Event, index: int,
                     iris: dict[str, str], entity_names: dict[str, str], seen: set) -> Iterator[Quad]:
        E = NamedNode(self.minter.event(article.id, index))
        cls = EVENT_CLASSES[ev.kind]
        # the report's own name: other reports of the same event may give it theirs when the store
        # is settled (kg.resolve.events), and this one stays an alias of it
        yield q(E, NG.localKey, Literal("event:" + E.value[len(self.minter.id) + len("event/"):]))
        if ev.status == "planned":
            # an announced event is not a Meeting (etc.) that happened: a query for
            # `?e a ng:Meeting` must not count it
            yield q(E, RDF.type, NG.AnnouncedEvent)
            yield q(E, NG.announcedType, cls)
            yield q(E, NG.status, NG.Planned)
        else:
            yield q(E, RDF.type, cls)
            yield q(E, NG.status, NG.Happened)
        yield q(E, RDF.type, SEM.Event)
        yield q(A, SCHEMA.mentions, E)
        names = []
        for actor in ev.actors:
            X = NamedNode(iris[actor.entity])
            yield q(E, SEM.hasActor, X)
            yield q(E, ACTOR_PROPERTIES[actor.part], X)
            names.append(entity_names[actor.entity])
        kind = "Dismissal" if ev.dismissal else ev.kind
        label = f"{kind}{' (announced)' if ev.status == 'planned' else ''}: {', '.join(names)}"
        if ev.date:
            label += f" ({ev.date.isoformat()})"
            yield q(E, SEM.hasTimeStamp, _date(ev.date))
        yield q(E, RDFS.label, Literal(label))
        if ev.place:
            yield q(E, SEM.hasPlace, NamedNode(iris[ev.place]))
        yield q(E, PROV.wasDerivedFrom, A)
        if ev.document:
            yield q(E, NG.documentSigned, Literal(ev.document))
        if ev.quote:
            yield q(E, NG.quote, Literal(ev.quote))
        if ev.post is not None:
            yield q(E, NG.post, self._membership(ev.post, iris))
        if ev.dismissal:
            yield q(E, NG.dismissal, Literal("true", datatype=XSD.boolean))
        if ev.evidence is not None:
            yield from self._evidence(q, a_iri, ctx, ev.evidence, seen)
            yield q(E, NG.evidence, NamedNode(self.minter.offset(a_iri, ev.evidence.start, ev.evidence.end)))


def _key_of(iri: str) -> str:
    """``.../id/person/maulen-ashimbayev`` -> ``person:maulen-ashimbayev``."""
    kind, slug = iri.rstrip("/").rsplit("/", 2)[-2:]
    return f"{kind}:{slug}"
