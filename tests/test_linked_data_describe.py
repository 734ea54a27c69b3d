"""The description behind Linked Data documents, on real Oxigraph stores: bounded inbound paging,
per-resource isolation, graphs of triples, article markup, ontology documentation, JSON-LD."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, parse

from kg.views.describe import PAGE_SIZE, describe, exists
from kg.views.jsonld import Compactor, build_context
from kg.ontology.docs import load_doc
from kg.store.rdflib_bridge import to_rdflib
from kg.views.profile import RECENT_EVENTS, ArticleText, TextSpan, Ref, profile
from kg.store.local import GraphStore
from kg.resources import ONTOLOGY_FILE
from kg.vocab import NG, RDF, RDFS, SCHEMA, SEM, XSD
from tests.conftest import BASE

ID = BASE + "id/"
N_EVENTS = 260


@pytest.fixture(scope="module")
def busy_store() -> GraphStore:
    """A star and a bystander: the star took part in N_EVENTS meetings, one article each, with a
    rotating cast; the bystander in two. Labels repeat in every article graph, as ingest writes."""
    s = GraphStore.memory()
    star, other = NamedNode(ID + "person/star"), NamedNode(ID + "person/bystander")
    quads = []
    for i in range(N_EVENTS):
        a = NamedNode(f"{ID}article/a{i:04d}")
        e = NamedNode(f"{ID}event/a{i:04d}-1")
        guest = NamedNode(f"{ID}person/guest-{i % 7}")
        day = dt.date(2015, 1, 1) + dt.timedelta(days=9 * i)
        quads += [Quad(a, RDF.type, NG.Article, a), Quad(a, SCHEMA.datePublished,
                                                          Literal(day.isoformat(), datatype=XSD.date), a),
                  Quad(a, SCHEMA.headline, Literal(f"Story {i}"), a), Quad(a, SCHEMA.mentions, star, a),
                  Quad(e, RDF.type, NG.Meeting, a), Quad(e, SEM.hasActor, star, a), Quad(e, NG.host, star, a),
                  Quad(e, SEM.hasActor, guest, a), Quad(e, NG.guest, guest, a),
                  Quad(e, SEM.hasTimeStamp, Literal(day.isoformat(), datatype=XSD.date), a),
                  Quad(e, RDFS.label, Literal(f"Meeting {i}"), a),
                  Quad(star, RDF.type, NG.Person, a), Quad(star, RDFS.label, Literal("Star Person"), a),
                  Quad(guest, RDF.type, NG.Person, a), Quad(guest, RDFS.label, Literal(f"Guest {i % 7}"), a)]
        if i < 2:
            quads += [Quad(e, SEM.hasActor, other, a), Quad(other, RDFS.label, Literal("By Stander"), a)]
    s.add_quads(quads)
    s.load_ontology()
    return s


def test_inbound_links_are_counted_and_paged_completely_and_disjointly(busy_store):
    star = ID + "person/star"
    first = describe(busy_store, star)
    # 260 events x (hasActor, host) + 260 articles mentioning = 780 links
    assert first.inbound_counts[SEM.hasActor] == N_EVENTS and first.inbound_total == 3 * N_EVENTS
    assert first.pages == -(-3 * N_EVENTS // PAGE_SIZE)
    seen = []
    for page in range(1, first.pages + 1):
        d = describe(busy_store, star, page=page)
        assert len(d.inbound) <= PAGE_SIZE
        seen += [(q.subject, q.predicate) for q in d.inbound]
    assert len(seen) == len(set(seen)) == first.inbound_total
    assert describe(busy_store, star, page=first.pages + 1).inbound == []
    # a triple stated in 260 graphs is one statement, listing a bounded number of them
    label = next(st for st in first.outgoing if st.predicate == RDFS.label)
    assert label.n_graphs == N_EVENTS and 0 < len(label.graphs) <= 10
    assert len([q for q in first.quads() if q.predicate == RDFS.label and q.subject.value == star]) == len(label.graphs)


def test_a_description_is_about_its_own_resource_only(busy_store):
    d = describe(busy_store, ID + "person/bystander")
    assert d.inbound_counts == {SEM.hasActor: 2}
    assert {q.subject.value for q in d.inbound} == {ID + "event/a0000-1", ID + "event/a0001-1"}
    assert all(t.subject.value.endswith("bystander") or t.object.value.endswith("bystander")
               or t.predicate in (RDFS.label, RDF.type) for t in d.triples())
    assert not describe(busy_store, ID + "person/nobody").exists
    assert exists(busy_store, ID + "person/bystander") and not exists(busy_store, ID + "person/nobody")


def test_the_profile_pages_events_newest_first_and_bounds_who_met_whom(busy_store):
    d = describe(busy_store, ID + "person/star")
    p = profile(busy_store, d)
    dates = [e.date for e in p.events.rows]
    assert dates == sorted(dates, reverse=True) and p.events.has_next and p.events.total == N_EVENTS
    second = profile(busy_store, d, {"events": 2})
    assert second.events.rows[0].date < dates[-1]
    # who met whom is counted over the latest RECENT_EVENTS events: 7 guests in rotation
    assert {r.label for r, _ in p.coactors} == {f"Guest {i}" for i in range(7)}
    assert sum(n for _, n in p.coactors) == RECENT_EVENTS
    assert sum(p.event_years.values()) == N_EVENTS and sum(p.mention_years.values()) == N_EVENTS


def test_people_of_an_organization_and_posts_of_a_person(store):
    # the session store: the seed and the fixture articles, ingested by the real pipeline
    person = profile(store, describe(store, ID + "person/maulen-ashimbayev"))
    posts = {(r.role.label, r.organization.label if r.organization else None): r for r in person.posts.rows}
    speaker = next(r for (role, org), r in posts.items() if role == "Speaker" and org and org.startswith("Senate"))
    assert speaker.first == speaker.last == "2022-06-27" and speaker.articles == 1
    src = speaker.sources[0]
    assert src.article.iri.startswith(ID + "article/") and src.sentences
    marked = [text for text, hl, _ in src.sentences[0].pieces() if hl]
    assert marked and all("Ashimbayev" in m for m in marked)
    # the organization lists its people
    senate = profile(store, describe(store, speaker.organization.iri))
    assert ("Maulen Ashimbayev", "Speaker") in {(r.person.label, r.role.label) for r in senate.people.rows}


def test_article_markup_nests_spans_escapes_text_and_keeps_ids(app):
    from server.html_pages import markup_text
    text = "A <b> Maulen Ashimbayev met Sultan Raev & more."
    spans = sorted([
        TextSpan(0, 47, "http://x/a#char=0,47", "sentence"),
        TextSpan(6, 23, "http://x/a#char=6,23", "mention", Ref(ID + "person/m", "Maulen Ashimbayev")),
        TextSpan(13, 23, "http://x/a#char=13,23", "mention", Ref(ID + "person/a", "Ashimbayev")),
        TextSpan(28, 60, "http://x/a#char=28,60", "mention", Ref(ID + "person/s", "Sultan Raev")),  # crosses
    ], key=lambda s: (s.begin, -s.end))
    with app.test_request_context("/"):
        html = str(markup_text(ArticleText(text, spans, []), lambda iri: "/" + iri[len(BASE):]))
    assert "&lt;b&gt;" in html and "&amp; more" in html and "<b>" not in html
    assert html.count('id="char=0,47"') == 1 and 'id="char=13,23"' in html
    assert '<a class="mention" id="char=6,23" href="/id/person/m"' in html
    assert '<span class="mention nested" id="char=13,23">' in html            # no link inside a link
    # tags balance, and the crossing span is cut at the sentence's end
    assert html.count("<a ") == html.count("</a>") and html.count("<span") == html.count("</span>")
    assert re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_the_ontology_documentation_covers_every_term_with_alignments():
    triples = list(parse(path=str(ONTOLOGY_FILE), format=RdfFormat.TURTLE))
    doc = load_doc(to_rdflib(triples))      # what the server documents: the graph in its store
    declared = {t.subject.value for t in triples if t.predicate == RDF.type and t.subject.value.startswith(str(NG))}
    terms = doc.classes + doc.object_properties + doc.datatype_properties + doc.annotation_properties + doc.individuals
    assert declared == {t.iri for t in terms if t.own}
    assert all(t.anchor == t.iri[len(str(NG)):] for t in terms if t.own)   # the hash IRI's fragment
    person = next(t for t in doc.classes if t.anchor == "Person")
    assert "foaf:Person" in dict(person.axioms)["subclass of"]
    host = next(t for t in doc.object_properties if t.anchor == "host")
    assert "sem:hasActor" in dict(host.axioms)["sub-property of"]
    event = next(t for t in doc.classes if t.anchor == "Event")
    assert "ng:Meeting" in dict(event.axioms)["subclasses"]


def test_json_ld_context_follows_the_ontology_and_compacts_losslessly(busy_store):
    triples = list(parse(path=str(ONTOLOGY_FILE), format=RdfFormat.TURTLE))
    ctx = build_context(triples)
    assert ctx["host"] == {"@id": "ng:host", "@type": "@id"} and ctx["Meeting"] == "ng:Meeting"
    assert ctx["dateSeen"] == {"@id": "ng:dateSeen", "@type": "xsd:date"}
    d = describe(busy_store, ID + "person/bystander")
    body = Compactor(ctx).serialize(d.triples())
    assert {q.triple for q in parse(body, format=RdfFormat.JSON_LD)} == set(d.triples())
    assert b'"hasActor"' in body or b'"label"' in body


def test_a_write_changes_the_validators():
    """ETag/Last-Modified follow GraphStore.data_version: a write makes the old ETag stale."""
    from kg.config import Settings
    from server import create_app
    s = GraphStore.memory()
    s.load_ontology()
    a = ID + "article/x"
    s.replace_graph(a, [Quad(NamedNode(ID + "person/p"), RDFS.label, Literal("P"), NamedNode(a))])
    client = create_app(s, Settings(base_iri=BASE)).test_client()
    r = client.get("/doc/person/p.ttl")
    etag = r.headers["ETag"]
    assert client.get("/doc/person/p.ttl", headers={"If-None-Match": etag}).status_code == 304
    s.replace_graph(a, [Quad(NamedNode(ID + "person/p"), RDFS.label, Literal("Q"), NamedNode(a))])
    again = client.get("/doc/person/p.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag and b'"Q"' in again.data


def test_triples_of_the_default_graph_are_described_too():
    s = GraphStore.memory()
    p = NamedNode(ID + "person/p")
    s.add_quads([Quad(p, RDFS.label, Literal("In the default graph"), DefaultGraph()),
                    Quad(p, RDF.type, NG.Person, NamedNode(ID + "article/x"))])
    d = describe(s, p.value)
    assert {(st.predicate, st.object.value) for st in d.outgoing} == {
        (RDFS.label, "In the default graph"), (RDF.type, NG.Person.value)}
    assert any(q.graph_name == DefaultGraph() and q.predicate == RDFS.label for q in d.quads())


def test_paged_documents_link_their_pages(busy_store):
    from kg.config import Settings
    from server import create_app
    client = create_app(busy_store, Settings(base_iri=BASE)).test_client()
    hydra = "http://www.w3.org/ns/hydra/core#"

    def meta(path: str) -> dict[str, str]:
        r = client.get(path)
        assert r.status_code == 200, path
        return {t.predicate.value[len(hydra):]: t.object.value for t in parse(r.data, format=RdfFormat.TURTLE)
                if t.predicate.value.startswith(hydra)}

    first = meta("/doc/person/star.ttl")
    pages = -(-3 * N_EVENTS // PAGE_SIZE)
    assert first["totalItems"] == str(3 * N_EVENTS)
    assert first["next"].endswith("/doc/person/star.ttl?page=2") and "previous" not in first
    assert first["last"].endswith(f"?page={pages}")
    last = meta(f"/doc/person/star.ttl?page={pages}")
    assert "next" not in last and last["previous"].endswith(f"?page={pages - 1}")
    assert client.get("/doc/person/star.ttl?page=0").status_code == 400
    # HTML panels page on their own parameter and keep the others
    older = client.get("/doc/person/star.html?events=2&page=3").data.decode()
    assert 'href="/doc/person/star.html?events=3&amp;page=3"' in older
    assert 'href="/doc/person/star.html?events=2&amp;page=4"' in older
    newest = client.get("/doc/person/star.html").data.decode()
    first_date = re.search(r'<li class="event">\s*<span class="date">([^<]+)', newest).group(1)
    older_date = re.search(r'<li class="event">\s*<span class="date">([^<]+)', older).group(1)
    assert older_date < first_date
