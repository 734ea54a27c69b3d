"""/sparql in-process: negotiation, format parameter, CORS, HEAD/OPTIONS, 400/406/415, row cap, log."""
from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pytest
from pyoxigraph import RdfFormat, parse

from kg.config import Settings
from tests.conftest import BASE

Q = "SELECT ?l WHERE { ?p a foaf:Person ; rdfs:label ?l } ORDER BY ?l"
TOKEN = {"Authorization": "Bearer test-token"}


@pytest.fixture(scope="module")
def capped_client(store):
    from server import create_app
    app = create_app(store, Settings(base_iri=BASE, write_token="test-token", max_rows=3))
    return app.test_client()


@pytest.mark.parametrize("fmt, ctype", [("json", "application/sparql-results+json"),
                                        ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
                                        ("tsv", "text/tab-separated-values")])
def test_format_parameter_beats_accept(client, fmt, ctype):
    r = client.get(f"/sparql?format={fmt}&query=" + quote(Q), headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.content_type.startswith(ctype)
    assert b"Maulen Ashimbayev" in r.data
    assert r.headers["Vary"] == "Accept"


def test_unknown_format_is_400_and_wrong_kind_is_406(client):
    assert client.get("/sparql?format=nope&query=" + quote(Q)).status_code == 400
    r = client.get("/sparql?format=turtle&query=" + quote(Q))
    assert r.status_code == 406 and b"SELECT" in r.data


def test_cors_on_reads_and_preflight(client):
    r = client.get("/sparql?query=" + quote("ASK {}"), headers={"Origin": "http://example.com"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Truncated" in r.headers["Access-Control-Expose-Headers"]
    p = client.options("/sparql", headers={"Origin": "http://example.com", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert p.status_code == 200
    assert "POST" in p.headers["Allow"] and "content-type" in p.headers["Access-Control-Allow-Headers"].lower()
    assert client.options("/store").headers["Access-Control-Allow-Origin"] == "*"


def test_head_has_the_headers_of_get_and_no_body(client):
    g = client.get("/sparql?query=" + quote(Q), headers={"Accept": "text/csv"})
    h = client.head("/sparql?query=" + quote(Q), headers={"Accept": "text/csv"})
    assert h.status_code == 200 and h.content_type == g.content_type and h.data == b""


@pytest.mark.parametrize("ctype, body, status", [
    ("text/plain", "ASK {}", 415),
    ("application/sparql-update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", 415),
    ("application/sparql-query; charset=utf-16", "ASK {}".encode("utf-16"), 415),
    ("application/sparql-query", b"ASK { FILTER(\"\xff\xfe\" = 1) }", 400),
    ("application/sparql-query", "", 400),
])
def test_wrong_bodies_are_4xx_with_a_message(client, ctype, body, status):
    r = client.post("/sparql", data=body, headers={"Content-Type": ctype})
    assert r.status_code == status, r.data
    assert len(r.data) > 10


def test_update_in_a_form_on_the_query_url_is_refused(client, store):
    before = len(store)
    r = client.post("/sparql", data={"update": "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"},
                    headers=TOKEN)
    assert r.status_code == 400 and len(store) == before


def test_huge_and_deep_queries_are_refused_with_messages(client):
    huge = "SELECT * WHERE { " + "?s ?p ?o . " * 100_000 + "}"
    r = client.post("/sparql", data=huge, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and b"KG_MAX_QUERY_BYTES" in r.data or r.status_code == 413
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o " + "} " * 5000
    r = client.post("/sparql", data=deep, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and b"nests" in r.data


def test_anonymous_results_are_capped_and_say_so(capped_client):
    q = "SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } }"
    r = capped_client.get("/sparql?query=" + quote(q), headers={"Accept": "application/sparql-results+json"})
    body = json.loads(r.data)
    assert len(body["results"]["bindings"]) == 3
    assert r.headers["X-Row-Limit"] == "3" and r.headers["X-Truncated"] == "true"
    assert body["head"]["link"] == ["http://localhost/sparql#limits"]
    x = capped_client.get("/sparql?query=" + quote(q), headers={"Accept": "application/sparql-results+xml"})
    assert b'<link href="http://localhost/sparql#limits"/>' in x.data and x.data.count(b"<result>") == 3
    c = capped_client.get("/sparql?query=" + quote(q), headers={"Accept": "text/csv"})
    assert c.headers["X-Truncated"] == "true" and c.data.count(b"\r\n") == 4
    small = capped_client.get("/sparql?query=" + quote("SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"),
                              headers={"Accept": "application/sparql-results+json"})
    assert "X-Truncated" not in small.headers and "link" not in json.loads(small.data)["head"]
    g = capped_client.get("/sparql?query=" + quote("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
                          headers={"Accept": "application/n-triples"})
    assert g.headers["X-Truncated"] == "true" and len(list(parse(g.data, format=RdfFormat.N_TRIPLES))) == 3
    html = capped_client.get("/sparql?query=" + quote(q), headers={"Accept": "text/html"})
    assert b'data-truncated="3"' in html.data


def test_the_write_token_lifts_the_cap(capped_client):
    q = "SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } }"
    r = capped_client.get("/sparql?query=" + quote(q), headers={"Accept": "text/csv", **TOKEN})
    assert r.data.count(b"\r\n") == 6 and "X-Row-Limit" not in r.headers and "X-Truncated" not in r.headers
    wrong = capped_client.get("/sparql?query=" + quote(q), headers={"Accept": "text/csv",
                                                                   "Authorization": "Bearer nope"})
    assert wrong.headers["X-Truncated"] == "true"


def test_one_log_line_per_query(client, caplog):
    caplog.set_level(logging.INFO, logger="newsgraph.requests")
    client.get("/sparql?query=" + quote(Q), headers={"Accept": "text/csv"}).close()
    client.get("/sparql?query=" + quote("SELECT ?x WHERE { ?x"))
    lines = [r.getMessage() for r in caplog.records if r.name == "newsgraph.requests"]
    assert len(lines) == 2
    ok, bad = lines
    assert " query status=200 " in ok and " rows=" in ok and " hash=" in ok and " ms=" in ok
    assert ok[:4].isdigit() and ok.split()[0].endswith("Z")
    assert int(ok.split("rows=")[1].split()[0]) >= 2
    assert "status=400" in bad and "QuerySyntaxError" in bad


def test_select_results_match_pyoxigraph_for_every_format(client, store):
    """The batch-stitched output equals pyoxigraph's own serialisation (over several batches)."""
    from kg.query import formats
    from kg.query import results
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    old = results.BATCH
    results.BATCH = 7
    try:
        for fmt in formats.for_kind(formats.SELECT):
            buf = bytearray()
            out = results.write_result(store.query(q), lambda kind: fmt, buf.extend, max_rows=None,
                                       on_head=lambda o: None)
            expected = store.query(q).serialize(format=_qformat(fmt.name))
            assert bytes(buf) == expected, fmt.name
            assert out.rows == len(list(store.query(q)))
    finally:
        results.BATCH = old


def _qformat(name):
    from pyoxigraph import QueryResultsFormat as F
    return {"json": F.JSON, "xml": F.XML, "csv": F.CSV, "tsv": F.TSV}[name]
