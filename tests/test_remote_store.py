"""The remote store backend against a real `oxigraph serve` (PyPI `oxigraph`), started here.

`kg ingest`, `kg serve`, reports and Linked Data run with KG_STORE=http://.../query, and the
end-to-end assertions of tests/test_e2e.py are run unchanged against that server.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from pyoxigraph import Literal, NamedNode

import tests.test_e2e as e2e
from kg.sparql.bind import bind_values
from kg.views.describe import describe
from kg.reports import run as query_run
from kg.reports.catalogue import load_dir
from kg.store.remote import RemoteStore, derive_url
from kg.store import open_store
from kg.store.local import GraphStore
from tests.conftest import BASE, FIXTURES, KG, ROOT, SEEDS, free_port, start_server, stop_server


def oxigraph_binary() -> str:
    local = Path(sys.executable).parent / "oxigraph"
    found = str(local) if local.exists() else shutil.which("oxigraph")
    assert found, "the `oxigraph` server (PyPI package `oxigraph`, in the test extra) is not installed"
    return found


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        assert proc.poll() is None, "oxigraph serve exited"
        try:
            requests.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
            return proc, url + "/query"
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "oxigraph serve did not answer"
            time.sleep(0.1)


def kg(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(KG + list(args), capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "KG_BASE_IRI": BASE, **(env or {})}, timeout=600)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """`oxigraph serve` on a fresh RocksDB directory, the seed ingested into it by `kg ingest`."""
    proc, url = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "db")
    try:
        r = kg("ingest", "--quiet", "--jobs", "1", "--store", url, str(SEEDS), str(FIXTURES / "articles"))
        assert r.returncode == 0, r.stderr
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def remote_live_server(oxigraph, tmp_path_factory):
    """`kg serve` reading from the Oxigraph server."""
    proc, url = start_server(oxigraph, tmp_path_factory.mktemp("log") / "serve.log")
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The same articles in an embedded RocksDB store, ingested the same way, for comparisons."""
    path = tmp_path_factory.mktemp("embedded") / "db"
    r = kg("ingest", "--quiet", "--jobs", "1", "--store", str(path), str(SEEDS), str(FIXTURES / "articles"))
    assert r.returncode == 0, r.stderr
    return path


# ---------------------------------------------------------------- the end-to-end assertions, remote
def test_seed_facts_are_reachable_over_http(remote_live_server):
    e2e.test_seed_facts_are_reachable_over_http(remote_live_server)


def test_person_dereferences_over_http(remote_live_server):
    e2e.test_person_dereferences_over_http(remote_live_server)


def test_reports_over_http(remote_live_server):
    e2e.test_reports_over_http(remote_live_server)


def test_served_by_a_production_server(remote_live_server):
    e2e.test_served_by_a_production_server(remote_live_server)
    assert requests.get(remote_live_server + "/healthz", timeout=30).json()["quads"] > 1000


def test_home_page_and_ontology_over_http(remote_live_server):
    home = requests.get(remote_live_server + "/", headers={"Accept": "text/html"}, timeout=30)
    assert home.status_code == 200 and "Maulen Ashimbayev" in home.text
    onto = requests.get(remote_live_server + "/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    assert onto.status_code == 200 and "Meeting" in onto.text


# ---------------------------------------------------------------- same answers as the embedded store
def _rows(result) -> list[tuple]:
    if isinstance(result, bool) or type(result).__name__ == "QueryBoolean":
        return [bool(result)]
    try:
        names = [v.value for v in result.variables]
    except AttributeError:
        return sorted(str(t) for t in result)
    return sorted(tuple(str(r[n]) if r[n] is not None else "" for n in names) for r in result)


def test_canned_reports_and_descriptions_answer_as_embedded(oxigraph, embedded):
    remote, local = RemoteStore(oxigraph), GraphStore.open_read_only(embedded)
    checked = 0
    for q in load_dir(ROOT / "queries").values():
        # each report with its default parameters, run as /queries/{name}/run runs it
        assert _rows(query_run.run(remote, q, {})) == _rows(query_run.run(local, q, {})), q.name
        checked += bool(q.bindings({}))
    assert checked >= 3  # reports with bound parameters were compared
    for iri in (BASE + "id/person/maulen-ashimbayev", BASE + "id/article/000_680be299d0ccbf4c"):
        a, b = describe(remote, iri), describe(local, iri)
        def outgoing(d):
            return sorted((str(s.predicate), str(s.object), s.n_graphs) for s in d.outgoing)
        assert a.exists and outgoing(a) == outgoing(b)
        assert sorted(map(str, a.inbound)) == sorted(map(str, b.inbound)) and a.inbound_total == b.inbound_total
        assert sorted(map(str, a.graph)) == sorted(map(str, b.graph))
    assert remote.article_state("000_680be299d0ccbf4c") == local.article_state("000_680be299d0ccbf4c")
    assert sorted(remote.article_graphs()) == sorted(local.article_graphs())
    assert len(remote) == len(local)


def test_bound_values_cannot_change_the_query(oxigraph):
    remote = RemoteStore(oxigraph)
    evil = Literal('x" } } ; DROP ALL ; SELECT * WHERE { "')
    rows = list(remote.query("SELECT ?l ?p WHERE { ?p rdfs:label ?l }", substitutions={"l": evil}))
    assert rows == []
    assert len(remote) > 1000  # nothing was dropped
    text = bind_values("SELECT ?l WHERE { ?p rdfs:label ?l }", {"l": evil})
    assert '"x\\" } } ; DROP ALL ; SELECT * WHERE { \\""' in text


def test_conventional_urls():
    assert derive_url("http://h:7878/query", "update") == "http://h:7878/update"
    assert derive_url("https://h/ds/sparql", "store") == "https://h/ds/store"
    assert derive_url("http://h:7000/", "update") is None
    s = RemoteStore("http://h:7000/")
    assert s.update_url == "http://h:7000/" and s.gsp_url is None
    assert isinstance(open_store("http://h:7878/query"), RemoteStore)


# ---------------------------------------------------------------- ingest, re-ingest, remove, load, remote
def test_reingest_remove_and_bulk_load_against_a_remote_store(tmp_path):
    proc, url = start_oxigraph(tmp_path / "ox")
    try:
        article = tmp_path / "in" / "remote1.txt"
        article.parent.mkdir()
        article.write_text(" date 2021-01-01 Ashimbayev meets Raev\n\n"
                           "ASTANA. KAZINFORM - Maulen Ashimbayev met with Sultan Raev in Astana.")
        r = kg("ingest", "--quiet", "--jobs", "1", "--store", url, str(SEEDS), str(article.parent))
        assert r.returncode == 0 and "2 ingested" in r.stderr, r.stderr
        store = RemoteStore(url)
        n = len(store)
        r = kg("ingest", "--quiet", "--jobs", "1", "--store", url, str(SEEDS), str(article.parent))
        assert "0 ingested, 2 unchanged" in r.stderr and len(store) == n
        # a changed article replaces its graph
        article.write_text(article.read_text().replace("in Astana", "in Almaty"))
        r = kg("ingest", "--quiet", "--jobs", "1", "--store", url, str(article.parent))
        assert "1 ingested" in r.stderr, r.stderr
        assert not store.query("ASK { GRAPH ?g { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'in Astana')) } }",
                               substitutions={"g": NamedNode(BASE + "id/article/remote1")})
        assert store.query("ASK { GRAPH ?g { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'in Almaty')) } }",
                           substitutions={"g": NamedNode(BASE + "id/article/remote1")})
        # remove one article: the other's facts about the same people stay
        r = kg("remove", "--store", url, "remote1")
        assert r.returncode == 0, r.stderr
        assert store.article_graphs() == [BASE + "id/article/000_680be299d0ccbf4c"]
        assert store.query("ASK { ?p a foaf:Person ; rdfs:label 'Sultan Raev' }")
        assert kg("remove", "--store", url, "remote1").returncode == 1
        # the bulk path: --out then `kg load` over the Graph Store Protocol, twice (no duplicates)
        nq = tmp_path / "corpus.nq"
        r = kg("ingest", "--quiet", "--jobs", "1", "--out", str(nq), str(article.parent))
        assert r.returncode == 0, r.stderr
        for _ in range(2):
            r = kg("load", "--store", url, str(nq))
            assert r.returncode == 0, r.stderr
        assert sorted(store.article_graphs()) == sorted([BASE + "id/article/000_680be299d0ccbf4c",
                                                         BASE + "id/article/remote1"])
        assert store.article_state("remote1") is not None
        two = len(store)
        assert kg("load", "--store", url, str(nq)).returncode == 0 and len(store) == two
        # without a Graph Store URL, `kg load` sends INSERT DATA batches: the same result
        r = kg("load", "--store", url, str(nq), env={"KG_GSP_URL": "none"})
        assert r.returncode == 0 and len(store) == two, r.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---------------------------------------------------------------- saved reports live in the remote store
REPORT_V1 = "#+ summary: People\nSELECT ?label WHERE { ?p a ?_type_iri ; rdfs:label ?label } ORDER BY ?label\n"
REPORT_V2 = ("#+ summary: People and IRIs\n"
             "SELECT ?p ?label WHERE { ?p a ?_type_iri ; rdfs:label ?label } ORDER BY ?label\n")


def test_save_run_and_delete_a_report_against_a_remote_store(oxigraph, tmp_path):
    """PUT, run, a new version, DELETE: the versions are quads in the Oxigraph server, so a second
    `kg serve` over it (nothing shared on disk) runs them too."""
    token, rq = {"Authorization": "Bearer test-token"}, {"Content-Type": "application/sparql-query"}

    def run(url: str, path: str) -> requests.Response:
        return requests.get(url + path, params={"type": "http://xmlns.com/foaf/0.1/Person", "format": "csv"},
                            timeout=30)

    proc, url = start_server(oxigraph, tmp_path / "serve1.log")
    try:
        assert requests.put(url + "/queries/people_remote", data=REPORT_V1, headers=rq, timeout=30).status_code == 401
        r = requests.put(url + "/queries/people_remote", data=REPORT_V1, headers={**rq, **token}, timeout=30)
        assert r.status_code == 201, r.text
        v1 = run(url, "/queries/people_remote/run")
        assert v1.status_code == 200, v1.text
        assert v1.text.splitlines()[0] == "label" and "Maulen Ashimbayev" in v1.text.splitlines()
        r = requests.put(url + "/queries/people_remote", data=REPORT_V2, headers={**rq, **token}, timeout=30)
        assert r.status_code == 200 and r.json()["version"] == 2, r.text
    finally:
        stop_server(proc)
    stored = requests.post(oxigraph, data={"query": "ASK { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), 'queries')) }"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert stored.json()["boolean"] is True, "the report versions are not in the Oxigraph server"

    proc, url = start_server(oxigraph, tmp_path / "serve2.log")
    try:
        v2 = run(url, "/queries/people_remote/run")
        assert v2.status_code == 200 and v2.text.splitlines()[0] == "p,label", v2.text
        assert run(url, "/queries/people_remote/versions/1/run").text == v1.text
        assert requests.delete(url + "/queries/people_remote", timeout=30).status_code == 401
        r = requests.delete(url + "/queries/people_remote", headers=token, timeout=30)
        assert r.status_code == 200 and r.json()["deleted"] is True, r.text
        assert requests.get(url + "/queries/people_remote", timeout=30).status_code == 410
        assert run(url, "/queries/people_remote/run").status_code == 410
        assert run(url, "/queries/people_remote/versions/2/run").status_code == 200   # history stays readable
    finally:
        stop_server(proc)
