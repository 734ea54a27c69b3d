"""Linked Data through the real server (`kg serve` on the seed, RocksDB): dereferencing, content
negotiation, the 303 chain, Link headers, 404, conditional requests, the ontology, JSON-LD."""
from __future__ import annotations

import json
import re

import pytest
import rdflib
import requests
from pyoxigraph import Dataset, RdfFormat, parse
from rdflib.namespace import FOAF, RDF, RDFS

from tests.conftest import BASE

PERSON = "id/person/maulen-ashimbayev"
PERSON_IRI = rdflib.URIRef(BASE + PERSON)
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SEM = rdflib.Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
NG = rdflib.Namespace("https://w3id.org/newsgraph/ontology#")
#: Accept header -> (document extension, media type, parser format).
FORMS = {
    "text/turtle": ("ttl", "text/turtle", RdfFormat.TURTLE),
    "application/n-triples": ("nt", "application/n-triples", RdfFormat.N_TRIPLES),
    "application/ld+json": ("jsonld", "application/ld+json", RdfFormat.JSON_LD),
    "application/rdf+xml": ("rdf", "application/rdf+xml", RdfFormat.RDF_XML),
    "application/n-quads": ("nq", "application/n-quads", RdfFormat.N_QUADS),
    "application/trig": ("trig", "application/trig", RdfFormat.TRIG),
}


def get(url: str, **kw) -> requests.Response:
    return requests.get(url, timeout=30, **kw)


def links(resp: requests.Response) -> dict[str, str]:
    """rel=alternate Link headers: media type -> URL."""
    out = {}
    for part in resp.headers.get("Link", "").split(","):
        m = re.match(r'\s*<([^>]+)>;\s*rel="alternate";\s*type="([^"]+)"', part)
        if m:
            out[m.group(2)] = m.group(1)
    return out


def test_rdflib_parse_of_the_seed_person_iri_gets_its_triples(live_server):
    g = rdflib.Graph()
    g.parse(live_server + "/" + PERSON)          # urllib follows the 303; Turtle wins rdflib's Accept
    assert (PERSON_IRI, RDFS.label, rdflib.Literal("Maulen Ashimbayev")) in g
    assert (PERSON_IRI, RDF.type, FOAF.Person) in g
    # inbound links come along (memberships, events) with their labels and types
    memberships = set(g.subjects(ORG.member, PERSON_IRI))
    assert memberships and all((m, RDF.type, ORG.Membership) in g for m in memberships)
    meetings = [e for e in g.subjects(SEM.hasActor, PERSON_IRI) if (e, RDF.type, NG.Meeting) in g]
    assert meetings and g.value(meetings[0], RDFS.label) is not None


@pytest.mark.parametrize("accept", list(FORMS))
def test_each_accept_gets_a_303_to_its_document_in_that_format(live_server, accept):
    ext, media, fmt = FORMS[accept]
    r = get(live_server + "/" + PERSON, headers={"Accept": accept}, allow_redirects=False)
    assert r.status_code == 303
    assert r.headers["Location"] == f"/doc/person/maulen-ashimbayev.{ext}"
    assert r.headers["Vary"] == "Accept"
    assert set(links(r)) == {m for _, m, _ in FORMS.values()} | {"text/html"}
    doc = get(live_server + r.headers["Location"])
    assert doc.status_code == 200 and doc.headers["Content-Type"].split(";")[0] == media
    assert links(doc)[media] == r.headers["Location"]
    if fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG):
        quads = list(parse(doc.content, format=fmt))
        # the named graphs come along: the name is stated in the seed article's graph, the one
        # corpus-wide label in the entities graph
        graphs = {q.graph_name.value for q in quads
                  if q.subject.value == BASE + PERSON and q.object.value == "Maulen Ashimbayev"}
        assert any(g.startswith(BASE + "id/article/") for g in graphs) and BASE + "graph/entities" in graphs
    else:
        triples = list(parse(doc.content, format=fmt))
        assert any(t.subject.value == BASE + PERSON and t.predicate.value == str(RDFS.label)
                   and t.object.value == "Maulen Ashimbayev" for t in triples)


def test_html_is_negotiated_for_browsers_and_q_values_decide(live_server):
    def location(accept: str) -> str:
        r = get(live_server + "/" + PERSON, headers={"Accept": accept}, allow_redirects=False)
        assert r.status_code == 303, (accept, r.status_code)
        return r.headers["Location"].rsplit(".", 1)[1]

    assert location("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8") == "html"
    assert location("text/turtle;q=0.5, application/rdf+xml;q=0.9") == "rdf"
    assert location("application/ld+json;q=0.2, application/n-triples;q=0.7, text/html;q=0.1") == "nt"
    assert location("*/*") == "ttl"
    assert location("application/json") == "jsonld"
    assert get(live_server + "/" + PERSON, headers={"Accept": "image/png"}).status_code == 406
    # ?format= beats Accept
    r = get(live_server + "/" + PERSON + "?format=trig", headers={"Accept": "text/html"}, allow_redirects=False)
    assert r.headers["Location"].endswith(".trig")


def test_the_303_chain_ends_at_the_document(live_server):
    r = get(live_server + "/" + PERSON, headers={"Accept": "text/turtle"})
    assert [h.status_code for h in r.history] == [303]
    assert r.url == live_server + "/doc/person/maulen-ashimbayev.ttl"
    assert r.status_code == 200
    assert f'<{"/" + PERSON}>; rel="describes"' in r.headers["Link"]
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    doc = rdflib.URIRef(r.url)
    assert (doc, FOAF.primaryTopic, PERSON_IRI) in g


def test_unknown_iris_are_404_with_a_negotiated_body(live_server):
    r = get(live_server + "/id/person/nobody-at-all", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/turtle")
    assert r.headers["Vary"] == "Accept"
    comments = [t.object.value for t in parse(r.content, format=RdfFormat.TURTLE)]
    assert comments and "nobody-at-all" in comments[0]
    h = get(live_server + "/id/person/nobody-at-all", headers={"Accept": "text/html"})
    assert h.status_code == 404 and h.headers["Content-Type"].startswith("text/html") and "<h1>404" in h.text
    j = get(live_server + "/id/event/no-such-event", headers={"Accept": "application/ld+json"})
    assert j.status_code == 404 and list(parse(j.content, format=RdfFormat.JSON_LD))
    assert get(live_server + "/doc/person/nobody-at-all.ttl").status_code == 404
    assert get(live_server + "/doc/person/maulen-ashimbayev.docx").status_code == 404


def test_repeated_requests_get_304_from_the_validators(live_server):
    url = live_server + "/doc/person/maulen-ashimbayev.ttl"
    first = get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "no-cache"
    again = get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    assert get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert get(url, headers={"If-None-Match": 'W/"something-else"'}).status_code == 200
    # through the IRI: the conditional headers follow the 303 to the document
    via_iri = get(live_server + "/" + PERSON, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert via_iri.status_code == 304
    html = get(live_server + "/doc/person/maulen-ashimbayev.html")
    assert get(live_server + "/doc/person/maulen-ashimbayev.html",
               headers={"If-None-Match": html.headers["ETag"]}).status_code == 304


def _local_iris(live_server: str) -> set[str]:
    q = f"""SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
            FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{BASE}id/") && !CONTAINS(STR(?x), "#")) }}"""
    r = get(live_server + "/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    return {b["x"]["value"] for b in r.json()["results"]["bindings"]}


def test_every_instance_iri_dereferences_in_html_and_turtle(live_server):
    iris = _local_iris(live_server)
    kinds = {iri[len(BASE + "id/"):].split("/")[0] for iri in iris}
    assert {"person", "organization", "place", "role", "membership", "event", "article"} <= kinds
    session = requests.Session()
    for iri in sorted(iris):
        path = "/" + iri[len(BASE):]
        t = session.get(live_server + path, headers={"Accept": "text/turtle"}, timeout=30)
        assert t.status_code == 200 and t.history[0].status_code == 303, iri
        g = rdflib.Graph().parse(data=t.text, format="turtle")
        assert (rdflib.URIRef(iri), None, None) in g or (None, None, rdflib.URIRef(iri)) in g, iri
        h = session.get(live_server + path, headers={"Accept": "text/html"}, timeout=30)
        assert h.status_code == 200 and "<h1>" in h.text, iri


def test_the_article_document_holds_its_nif_strings(live_server):
    """A NIF string IRI ({article}#char=b,e) dereferences with its article's document."""
    r = get(live_server + "/sparql", headers={"Accept": "application/sparql-results+json"},
            params={"query": "SELECT ?s WHERE { ?e a ng:Meeting ; ng:evidence ?s }"})
    sentence = r.json()["results"]["bindings"][0]["s"]["value"]
    article_path = "/" + sentence.split("#")[0][len(BASE):]
    doc = get(live_server + article_path, headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=doc.text, format="turtle")
    nif = rdflib.Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
    assert g.value(rdflib.URIRef(sentence), nif.anchorOf) is not None
    nq = get(live_server + article_path, headers={"Accept": "application/n-quads"})
    graphs = {q.graph_name.value for q in parse(nq.content, format=RdfFormat.N_QUADS)
              if q.subject.value == sentence}
    assert graphs == {sentence.split("#")[0]}


def test_json_ld_uses_the_published_context_and_round_trips(live_server):
    ctx = get(live_server + "/context.jsonld")
    assert ctx.status_code == 200 and ctx.headers["Content-Type"].startswith("application/ld+json")
    context = ctx.json()["@context"]
    assert context["label"] == "rdfs:label" and context["member"] == {"@id": "org:member", "@type": "@id"}
    assert context["Meeting"] == "ng:Meeting"                      # from the ontology graph
    doc = get(live_server + "/doc/person/maulen-ashimbayev.jsonld").json()
    assert doc["@context"] == context
    me = next(n for n in doc["@graph"] if n["id"] == BASE + PERSON)
    assert me["label"] == "Maulen Ashimbayev"
    # the same triples as the Turtle document (no blank nodes: sets compare); the documents'
    # statements about themselves differ by URL
    def triples(body: bytes, fmt: RdfFormat) -> set:
        return {t for t in parse(body, format=fmt) if "/doc/" not in t.subject.value}
    ttl = get(live_server + "/doc/person/maulen-ashimbayev.ttl").content
    assert triples(json.dumps(doc).encode(), RdfFormat.JSON_LD) == triples(ttl, RdfFormat.TURTLE)
    # pyoxigraph reads it offline: the context is inside the document
    assert any(t.object.value == "Maulen Ashimbayev"
               for t in parse(json.dumps(doc).encode(), format=RdfFormat.JSON_LD))


def test_the_ontology_and_its_terms_dereference(live_server):
    r = get(live_server + "/ontology", headers={"Accept": "text/turtle"}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/ontology.ttl" and r.headers["Vary"] == "Accept"
    assert get(live_server + "/ontology", headers={"Accept": "text/html"},
               allow_redirects=False).headers["Location"] == "/ontology.html"
    ds = Dataset(parse(get(live_server + "/ontology.trig").content, format=RdfFormat.TRIG))
    onto = rdflib.Graph().parse(data=get(live_server + "/ontology.ttl").text, format="turtle")
    ng_terms = {s for s in onto.subjects(RDF.type, None) if str(s).startswith(str(NG))}
    assert NG.Meeting in ng_terms and len(ng_terms) > 20
    assert any(q.graph_name.value == "https://w3id.org/newsgraph/ontology" for q in ds)
    for accept in ("application/rdf+xml", "application/ld+json", "application/n-triples"):
        body = get(live_server + "/ontology", headers={"Accept": accept}).content
        assert any(t.subject.value == str(NG.Meeting) and t.predicate.value == str(RDFS.subClassOf)
                   and t.object.value == str(NG.Event) for t in parse(body, format=FORMS[accept][2]))
    html = get(live_server + "/ontology", headers={"Accept": "text/html"})
    assert html.url.endswith("/ontology.html")
    # each ng: term (https://w3id.org/newsgraph/ontology#Term) has its own section, id = local name
    ids = set(re.findall(r'<section class="term[^"]*" id="([^"]+)"', html.text))
    assert {str(t)[len(str(NG)):] for t in ng_terms} <= ids
    meeting = html.text.split('id="Meeting"', 1)[1].split("</section>", 1)[0]
    assert "subclass of" in meeting and 'href="#Event">ng:Event</a>' in meeting
    person = html.text.split('id="Person"', 1)[1].split("</section>", 1)[0]
    assert "foaf:Person" in person and 'href="#foaf-Person"' in person     # aligned, and linked to its section


def test_the_person_page_reads_like_a_page(live_server):
    html = get(live_server + "/" + PERSON, headers={"Accept": "text/html"}).text
    assert "<h1>Maulen Ashimbayev</h1>" in html
    assert '<span class="alias">Ashimbayev</span>' in html
    posts = html.split('<section id="posts">', 1)[1].split("</section>", 1)[0]
    assert "Speaker" in posts and "Senate" in posts and "2022-06-27" in posts
    events = html.split('<section id="events">', 1)[1].split("</section>", 1)[0]
    assert "Meeting" in events and 'href="/id/event/' in events
    assert "<mark" in events                                   # the sentence with the name marked
    assert '<svg class="timeline"' in html and '<svg class="who-met-whom"' in html
    graph = html.split('<section id="who-met-whom">', 1)[1].split("</section>", 1)[0]
    assert 'href="/id/person/sultan-raev"' in graph
    # every fact's source: the article, linked at the sentence (#char=b,e)
    assert re.search(r'class="source-article" href="/id/article/[^"#]+#char=\d+,\d+"', html)


def test_the_article_page_links_every_mention(live_server):
    r = get(live_server + "/sparql", headers={"Accept": "application/sparql-results+json"},
            params={"query": "SELECT ?m ?e WHERE { ?m itsrdf:taIdentRef ?e }"})
    mentions = [(b["m"]["value"], b["e"]["value"]) for b in r.json()["results"]["bindings"]]
    article = mentions[0][0].split("#")[0]
    html = get(live_server + "/" + article[len(BASE):], headers={"Accept": "text/html"}).text
    text = html.split('<div class="nif-text">', 1)[1].split("</div>", 1)[0]
    for m, entity in mentions:
        frag = m.split("#")[1]
        # a mention nested in another keeps its id; the others are links to their entity
        assert f'id="{frag}"' in text, m
    linked = set(re.findall(r'<a class="mention" id="[^"]+" href="([^"]+)"', text))
    assert "/" + PERSON in linked and len(linked) >= 5
