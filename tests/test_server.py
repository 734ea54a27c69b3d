"""The Flask app in-process: SPARQL protocol basics, Linked Data, canned reports, the home page."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from pyoxigraph import RdfFormat, parse

from tests.conftest import BASE

Q = "SELECT ?l WHERE { ?p a foaf:Person ; rdfs:label ?l } ORDER BY ?l"


def labels(resp):
    return [b["l"]["value"] for b in json.loads(resp.data)["results"]["bindings"]]


def test_sparql_get_post_form_and_post_direct(client):
    h = {"Accept": "application/sparql-results+json"}
    a = client.get("/sparql?query=" + quote(Q), headers=h)
    b = client.post("/sparql", data={"query": Q}, headers=h)
    c = client.post("/sparql", data=Q, headers={**h, "Content-Type": "application/sparql-query"})
    assert a.status_code == b.status_code == c.status_code == 200
    assert labels(a) == labels(b) == labels(c)
    assert "Maulen Ashimbayev" in labels(a)
    assert a.headers["Vary"] == "Accept"


@pytest.mark.parametrize("accept, ctype", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_select_formats_by_accept(client, accept, ctype):
    r = client.get("/sparql?query=" + quote(Q), headers={"Accept": accept})
    assert r.status_code == 200 and r.content_type.startswith(ctype)
    assert b"Maulen Ashimbayev" in r.data


@pytest.mark.parametrize("accept, rdf", [
    ("text/turtle", RdfFormat.TURTLE), ("application/n-triples", RdfFormat.N_TRIPLES),
    ("application/ld+json", RdfFormat.JSON_LD), ("application/rdf+xml", RdfFormat.RDF_XML),
])
def test_construct_formats_by_accept(client, accept, rdf):
    q = "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a foaf:Person ; rdfs:label ?l }"
    r = client.get("/sparql?query=" + quote(q), headers={"Accept": accept})
    assert r.status_code == 200 and r.content_type.startswith(accept)
    assert any(t.object.value == "Sultan Raev" for t in parse(r.data, format=rdf))


def test_malformed_query_is_400_with_the_parser_message(client):
    r = client.get("/sparql?query=" + quote("SELECT ?x WHERE { ?x"))
    assert r.status_code == 400
    assert b"error at" in r.data


def test_unacceptable_accept_is_406(client):
    r = client.get("/sparql?query=" + quote(Q), headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_dereference_person_turtle_and_html(client):
    # /id/ answers 303 See Other to a document (Cool URIs); clients follow it
    r = client.get("/id/person/maulen-ashimbayev", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert r.status_code == 200 and r.content_type.startswith("text/turtle")
    triples = list(parse(r.data, format=RdfFormat.TURTLE))
    assert any(t.subject.value == BASE + "id/person/maulen-ashimbayev" and t.object.value == "Maulen Ashimbayev"
               for t in triples)
    h = client.get("/id/person/maulen-ashimbayev", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
                   follow_redirects=True)
    assert h.status_code == 200 and h.content_type.startswith("text/html")
    assert b"<h1>Maulen Ashimbayev</h1>" in h.data
    j = client.get("/id/person/maulen-ashimbayev", headers={"Accept": "application/ld+json"}, follow_redirects=True)
    assert any(t.object.value == "Maulen Ashimbayev" for t in parse(j.data, format=RdfFormat.JSON_LD))


def test_unknown_iri_is_404(client):
    assert client.get("/id/person/nobody-at-all", headers={"Accept": "text/turtle"}).status_code == 404


def test_queries_list_and_run_with_parameter(client):
    r = client.get("/queries", headers={"Accept": "application/json"})
    names = {q["name"] for q in r.get_json()["queries"]}
    assert {"who_met_whom", "posts_of_person", "events_between", "people_of_organization", "facts_of_article"} <= names
    run = client.get("/queries/posts_of_person/run?person=" + quote(BASE + "id/person/sultan-raev"),
                     headers={"Accept": "text/csv"})
    assert run.status_code == 200 and b"Secretary-General" in run.data
    bad = client.get("/queries/posts_of_person/run?person=not%20an%20iri")
    assert bad.status_code == 400
    html = client.get("/queries", headers={"Accept": "text/html"})
    assert b"Who met whom" in html.data


def test_home_page_shows_counts_and_links(client):
    r = client.get("/", headers={"Accept": "text/html"})
    assert r.status_code == 200
    for key in ("articles", "people", "organizations", "events"):
        assert f'data-count="{key}"'.encode() in r.data
    assert b'href="/sparql"' in r.data and b'href="/queries"' in r.data
    assert b'href="/id/person/maulen-ashimbayev"' in r.data


CHROME_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                 "application/signed-exchange;v=b3;q=0.7")


def test_errors_reach_browsers_as_html_and_keep_their_headers(client):
    r = client.get("/no/such/page", headers={"Accept": CHROME_ACCEPT})
    assert r.status_code == 404 and r.content_type.startswith("text/html")
    r = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.get_json()["status"] == 404
    r = client.delete("/healthz")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
