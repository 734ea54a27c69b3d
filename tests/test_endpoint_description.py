"""The Service Description at /sparql and the VoID description at /.well-known/void."""
from __future__ import annotations

from pyoxigraph import RdfFormat, parse

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


def triples(resp, fmt):
    return list(parse(resp.data, format=fmt))


def objects(ts, predicate, subject=None):
    return [t.object for t in ts if t.predicate.value == predicate and (subject is None or t.subject.value == subject)]


def test_service_description_in_turtle_and_jsonld(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.content_type.startswith("text/turtle") and r.headers["Vary"] == "Accept"
    ts = triples(r, RdfFormat.TURTLE)
    svc = "http://localhost/sparql"
    assert SD + "UnionDefaultGraph" in [o.value for o in objects(ts, SD + "feature", svc)]
    fmts = {o.value.rsplit("/", 1)[1] for o in objects(ts, SD + "resultFormat", svc)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
            "JSON-LD", "N-Triples", "RDF_XML"} <= fmts
    limits = {t.predicate.value.rsplit("#", 1)[1]: t.object.value for t in ts
              if t.predicate.value.startswith("https://w3id.org/newsgraph/service#")}
    assert limits["queryTimeout"] == "30.0" and limits["maxRowsAnonymous"] == "10000"
    assert SD + "SPARQL11Query" in [o.value for o in objects(ts, SD + "supportedLanguage", svc)]
    j = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert j.content_type.startswith("application/ld+json")
    assert {(t.subject, t.predicate, t.object) for t in triples(j, RdfFormat.JSON_LD)
            if t.predicate.value == SD + "feature"} == {(t.subject, t.predicate, t.object) for t in ts
                                                       if t.predicate.value == SD + "feature"}
    assert client.get("/sparql").content_type.startswith("text/turtle")  # no Accept: Turtle
    assert client.get("/sparql", headers={"Accept": "text/html"}).content_type.startswith("text/html")


def test_void_counts_match_the_store(client, store):
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
    ts = triples(r, RdfFormat.TURTLE)
    ds = "http://localhost/.well-known/void#dataset"
    n_triples = int(objects(ts, VOID + "triples", ds)[0].value)
    assert n_triples == int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value) > 500
    assert int(objects(ts, VOID + "documents", ds)[0].value) == 1 + 3  # the seed and 3 fixture articles
    parts = {t.object for t in ts if t.predicate.value == VOID + "classPartition"}
    by_class = {}
    for p in parts:
        cls = [t.object.value for t in ts if t.subject == p and t.predicate.value == VOID + "class"][0]
        by_class[cls] = int([t.object.value for t in ts if t.subject == p and t.predicate.value == VOID + "entities"][0])
    people = int(next(iter(store.query("SELECT (COUNT(DISTINCT ?p) AS ?n) { ?p a ng:Person }")))["n"].value)
    assert by_class["https://w3id.org/newsgraph/ontology#Person"] == people >= 2
    assert objects(ts, VOID + "sparqlEndpoint", ds)[0].value == "http://localhost/sparql"
    j = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(triples(j, RdfFormat.JSON_LD)) == len(ts)
