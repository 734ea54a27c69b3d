"""End to end through the real HTTP server: `kg ingest` into RocksDB, `kg serve` (waitress), HTTP."""
from __future__ import annotations

import requests

from tests.conftest import BASE

MEETING = """SELECT ?a ?b ?date ?place WHERE {
  ?e a ng:Meeting ; sem:hasActor ?x , ?y ; sem:hasTimeStamp ?date ; sem:hasPlace/rdfs:label ?place .
  ?x rdfs:label ?a . ?y rdfs:label ?b . FILTER(?a < ?b) }"""
POSTS = """SELECT ?person ?role ?org WHERE {
  ?m a org:Membership ; org:member/rdfs:label ?person ; org:role/rdfs:label ?role ; org:organization ?o .
  ?o rdfs:label|skos:altLabel ?org }"""


def rows(resp):
    return [{k: v["value"] for k, v in b.items()} for b in resp.json()["results"]["bindings"]]


def test_seed_facts_are_reachable_over_http(live_server):
    h = {"Accept": "application/sparql-results+json"}
    meetings = rows(requests.get(live_server + "/sparql", params={"query": MEETING}, headers=h, timeout=30))
    assert {"a": "Maulen Ashimbayev", "b": "Sultan Raev", "date": "2022-06-27", "place": "Nur-Sultan"} in \
        [{**m, "place": m["place"].title()} for m in meetings]
    posts = rows(requests.post(live_server + "/sparql", data={"query": POSTS}, headers=h, timeout=30))
    assert any(p["person"] == "Maulen Ashimbayev" and p["role"] in ("Chairman", "Speaker")
               and p["org"].startswith("Senate") for p in posts)
    assert any(p["person"] == "Sultan Raev" and p["role"] == "Secretary-General" and p["org"] == "Turksoy"
               for p in posts)


def test_person_dereferences_over_http(live_server):
    r = requests.get(live_server + "/id/person/maulen-ashimbayev", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and "Maulen Ashimbayev" in r.text
    assert r.headers["Content-Type"].startswith("text/turtle")
    assert (BASE + "id/person/maulen-ashimbayev") in r.text or "maulen-ashimbayev" in r.text
    h = requests.get(live_server + "/id/person/maulen-ashimbayev", headers={"Accept": "text/html"}, timeout=30)
    assert h.headers["Content-Type"].startswith("text/html")


def test_reports_over_http(live_server):
    lst = requests.get(live_server + "/queries", timeout=30).json()["queries"]
    assert len(lst) >= 5
    r = requests.get(live_server + "/queries/people_of_organization/run",
                     params={"org": BASE + "id/organization/international-organization-of-turkic-culture"},
                     headers={"Accept": "text/csv"}, timeout=30)
    assert r.status_code == 200 and "Sultan Raev" in r.text


def test_served_by_a_production_server(live_server):
    r = requests.get(live_server + "/healthz", timeout=30)
    assert r.json()["status"] == "ok"
    assert r.headers.get("Server", "").startswith("newsgraph") or "waitress" in r.headers.get("Server", "")
