"""/update and /store (Graph Store Protocol): the token guard, writes, and replicas that follow them."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from pyoxigraph import RdfFormat, parse

from kg.config import Settings
from tests.conftest import BASE

TOKEN = {"Authorization": "Bearer w-token"}
G = "http://example.org/graphs/one"
TTL = "@prefix ex: <http://example.org/> .\nex:a ex:p \"one\" .\nex:a ex:q ex:b .\n"


@pytest.fixture()
def fresh():
    """An app over its own in-memory store holding the ontology (writes must not leak into other tests)."""
    from kg.store.local import GraphStore
    from server import create_app
    store = GraphStore.memory()
    store.load_ontology()
    app = create_app(store, Settings(base_iri=BASE, write_token="w-token"))
    yield app.test_client(), store
    from server.protocol import executor_for
    executor_for(app).close()


def ask(client, q: str, **headers) -> bool:
    r = client.get("/sparql?query=" + quote(q), headers={"Accept": "application/sparql-results+json", **headers})
    assert r.status_code == 200, r.data
    return json.loads(r.data)["boolean"]


def test_update_needs_the_token(fresh):
    client, store = fresh
    body = {"data": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }",
            "headers": {"Content-Type": "application/sparql-update"}}
    before = store.data_version
    assert client.post("/update", **body).status_code == 401
    assert client.post("/update", data=body["data"], headers={**body["headers"], "Authorization": "Bearer no"}
                       ).status_code == 401
    assert store.data_version == before and not ask(client, "ASK { <urn:a> <urn:b> <urn:c> }")
    assert client.post("/update", data=body["data"], headers={**body["headers"], **TOKEN}).status_code == 204
    assert store.data_version != before
    assert ask(client, "ASK { <urn:a> <urn:b> <urn:c> }")  # the workers reloaded: read-your-writes


def test_writes_are_forbidden_without_a_configured_token(store):
    from server import create_app
    client = create_app(store, Settings(base_iri=BASE, write_token=None)).test_client()
    r = client.post("/update", data="CLEAR ALL", headers={"Content-Type": "application/sparql-update", **TOKEN})
    assert r.status_code == 403 and b"KG_WRITE_TOKEN" in r.data
    assert client.put("/store?graph=" + quote(G), data=TTL, headers={"Content-Type": "text/turtle"}).status_code == 403
    assert client.delete("/store?default").status_code == 403


def test_update_form_using_graph_and_errors(fresh):
    client, _ = fresh
    up = ("INSERT DATA { GRAPH <urn:src> { <urn:s> a <urn:T> } } ; "
          "INSERT { GRAPH <urn:dst> { ?s a <urn:Copied> } } WHERE { ?s a <urn:T> }")
    r = client.post("/update", data={"update": up, "using-graph-uri": "urn:src"}, headers=TOKEN)
    assert r.status_code == 204, r.data
    assert ask(client, "ASK { GRAPH <urn:dst> { <urn:s> a <urn:Copied> } }")
    bad = client.post("/update", data={"update": "CLEAR XYZ"}, headers=TOKEN)
    assert bad.status_code == 400 and b"error" in bad.data.lower()
    conflict = client.post("/update?using-graph-uri=urn:x", data="WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                           headers={"Content-Type": "application/sparql-update", **TOKEN})
    assert conflict.status_code == 400 and b"WITH clause" in conflict.data
    assert client.get("/update?update=CLEAR%20ALL", headers=TOKEN).status_code == 400
    two = client.post("/update", data="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", headers={
        "Content-Type": "application/x-www-form-urlencoded", **TOKEN})
    assert two.status_code == 400


def test_graph_store_put_get_post_delete(fresh):
    client, store = fresh
    url = "/store?graph=" + quote(G, safe="")
    assert client.get(url).status_code == 404
    assert client.put(url, data=TTL, headers={"Content-Type": "text/turtle"}).status_code == 401
    v0 = store.data_version
    assert client.put(url, data=TTL, headers={"Content-Type": "text/turtle", **TOKEN}).status_code == 201
    assert store.data_version != v0
    got = client.get(url, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.headers["Access-Control-Allow-Origin"] == "*"
    assert len(list(parse(got.data, format=RdfFormat.N_TRIPLES))) == 2
    assert client.put(url, data='<http://example.org/a> <http://example.org/p> "two" .',
                      headers={"Content-Type": "application/n-triples", **TOKEN}).status_code == 204
    assert client.post(url, data='<http://example.org/c> <http://example.org/p> "3" .',
                       headers={"Content-Type": "application/n-triples", **TOKEN}).status_code == 204
    triples = list(parse(client.get(url, headers={"Accept": "text/turtle"}).data, format=RdfFormat.TURTLE))
    assert sorted(t.object.value for t in triples) == ["3", "two"]
    assert client.head(url, headers={"Accept": "text/turtle"}).status_code == 200
    bad = client.put(url, data="<a> <b", headers={"Content-Type": "text/turtle", **TOKEN})
    assert bad.status_code == 400
    assert client.put(url, data="x", headers={"Content-Type": "application/n-quads", **TOKEN}).status_code == 415
    assert client.delete(url, headers=TOKEN).status_code == 204
    assert client.get(url).status_code == 404 and client.delete(url, headers=TOKEN).status_code == 404
    new = client.post("/store", data=TTL, headers={"Content-Type": "text/turtle", **TOKEN})
    assert new.status_code == 201 and new.headers["Location"].startswith("http://localhost/store/")
    direct = client.get(new.headers["Location"].removeprefix("http://localhost"), headers={"Accept": "text/turtle"})
    assert direct.status_code == 200 and b"one" in direct.data


def test_default_graph_of_the_store_is_the_real_default_graph(fresh):
    client, _ = fresh
    assert client.put("/store?default", data=TTL, headers={"Content-Type": "text/turtle", **TOKEN}).status_code == 204
    triples = list(parse(client.get("/store?default", headers={"Accept": "text/turtle"}).data,
                         format=RdfFormat.TURTLE))
    assert len(triples) == 2  # not the ontology, which sits in its own named graph
    assert client.delete("/store?default", headers=TOKEN).status_code == 204
    empty = client.get("/store?default", headers={"Accept": "text/turtle"})
    assert empty.status_code == 200 and list(parse(empty.data, format=RdfFormat.TURTLE)) == []
