"""Limits and abuse against the real server (`kg serve`, waitress, worker processes), bounded, on loopback.

A query past KG_QUERY_TIMEOUT gets a 504 while other queries keep being answered; a few hundred
clients trickling their requests do not stop the server answering others; hostile bodies get
4xx with messages; and a hypothesis fuzz run finds no 500 and no hang.
"""
from __future__ import annotations

import socket
import threading
import time
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import copy_store, start_server, stop_server

TIMEOUT = 3.0
#: ~600 quads cubed: minutes of work for one core, far past the timeout.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
FAST = "SELECT ?l WHERE { ?p a foaf:Person ; rdfs:label ?l } ORDER BY ?l"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def limited_server(private_store_path, tmp_path_factory):
    log = tmp_path_factory.mktemp("limits") / "serve.log"
    proc, url = start_server(private_store_path, log, {"KG_QUERY_TIMEOUT": str(TIMEOUT), "KG_QUERY_WORKERS": "2"})
    try:
        yield url, proc, log
    finally:
        stop_server(proc)


def fast_ok(url: str) -> bool:
    r = requests.get(url + "/sparql", params={"query": FAST}, headers=JSON, timeout=30)
    return r.status_code == 200 and "Maulen Ashimbayev" in r.text


def test_a_query_past_the_timeout_gets_504_and_others_are_answered(limited_server):
    url, proc, log = limited_server
    results: dict[str, object] = {}

    def slow():
        t0 = time.monotonic()
        r = requests.get(url + "/sparql", params={"query": SLOW}, headers=JSON, timeout=60)
        results["slow"] = (r.status_code, r.text, time.monotonic() - t0)

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.5)
    during = [fast_ok(url) for _ in range(5)]  # the other worker answers meanwhile
    t.join(60)
    status, text, took = results["slow"]
    assert status == 504 and "KG_QUERY_TIMEOUT" in text
    assert TIMEOUT <= took < TIMEOUT + 5
    assert all(during)
    assert proc.poll() is None
    deadline = time.monotonic() + 30  # the killed worker is replaced
    while time.monotonic() < deadline:
        health = requests.get(url + "/healthz", timeout=5).json()
        if health["query_workers"]["alive"] == 2 and health["query_workers"]["idle"] == 2:
            break
        time.sleep(0.2)
    assert health["query_workers"]["timeouts"] >= 1 and health["query_workers"]["alive"] == 2
    assert fast_ok(url)
    assert "status=504" in log.read_text()


def test_two_timeouts_at_once_leave_the_server_answering(limited_server):
    url, proc, _ = limited_server
    out: list[int] = []
    threads = [threading.Thread(target=lambda: out.append(
        requests.get(url + "/sparql", params={"query": SLOW}, headers=JSON, timeout=60).status_code)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert sorted(out) in ([504, 504, 504], [503, 504, 504])  # a third may wait for a worker, then give up
    assert requests.get(url + "/healthz", timeout=5).status_code == 200
    deadline = time.monotonic() + 30
    while not fast_ok(url) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert fast_ok(url) and proc.poll() is None


def test_hundreds_of_slow_clients_do_not_stop_the_server(limited_server):
    """300 connections trickle a request one byte at a time; a normal client is still served."""
    url, proc, _ = limited_server
    host, port = url.removeprefix("http://").split(":")
    request = f"GET /sparql?query={quote(FAST)} HTTP/1.1\r\nHost: {host}\r\n".encode()
    socks = []
    try:
        for _ in range(300):
            s = socket.create_connection((host, int(port)), timeout=5)
            s.sendall(request[:5])
            socks.append(s)
        for step in range(3):  # keep trickling while the normal client works
            for s in socks:
                s.sendall(request[5 + step:6 + step])
            t0 = time.monotonic()
            assert fast_ok(url)
            assert time.monotonic() - t0 < 5
        assert proc.poll() is None
    finally:
        for s in socks:
            s.close()
    assert fast_ok(url)


@pytest.mark.parametrize("method, path, headers, body, status", [
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"SELECT * {" + b"x" * 1_100_000 + b"}", 413),
    ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"},
     b"query=" + b"%7B" * 400_000, 413),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"SELECT * WHERE " + b"{" * 20_000, 400),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"SELECT \xc3\x28 WHERE {}", 400),
    ("POST", "/sparql", {"Content-Type": "image/png"}, b"\x89PNG", 415),
    ("POST", "/sparql", {}, b"ASK {}", 415),
    ("PUT", "/sparql", {"Content-Type": "application/sparql-query"}, b"ASK {}", 405),
    ("GET", "/sparql?query=" + quote("SELECT * WHERE " + "(" * 3000), {}, None, 400),
    ("GET", "/sparql?query=" + "a" * 1_100_000, {}, None, 431),  # a 1 MB URL: waitress refuses the header
    ("POST", "/update", {"Content-Type": "application/sparql-update"}, b"CLEAR ALL", 401),
    ("GET", "/store?graph=not%20an%20iri", {}, None, 400),
])
def test_hostile_requests_get_4xx_with_a_message(limited_server, method, path, headers, body, status):
    url, proc, _ = limited_server
    r = requests.request(method, url + path, headers=headers, data=body, timeout=30)
    assert r.status_code == status, r.text[:300]
    assert r.text.strip()
    assert proc.poll() is None


SPARQL_BITS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "$x", "<urn:a>",
               "<", ">", "\"lit\"", "'x'", "@en", "^^", "xsd:integer", "foaf:Person", "a", ".", ";", ",", "FILTER",
               "OPTIONAL", "UNION", "GRAPH", "SERVICE", "BIND", "AS", "VALUES", "LIMIT", "1", "-1", "OFFSET",
               "ORDER BY", "GROUP BY", "COUNT(*)", "REGEX(?o, \"(a+)+$\")", "*", "#", "\n", "\\", "\u00e9", "\U0001F680",
               "PREFIX", "BASE", "INSERT DATA", "DELETE", "LOAD", "CLEAR ALL", "<<", ">>", "_:b", "[]", "|", "/", "^"]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(method=st.sampled_from(["GET", "POST-form", "POST-direct", "POST-raw", "GSP-GET"]),
       query=st.one_of(st.lists(st.sampled_from(SPARQL_BITS), max_size=30).map(" ".join),
                       st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))),
       accept=st.sampled_from(["", "*/*", "text/html", "application/sparql-results+json", "text/turtle", "image/png",
                               "application/x-nonsense;q=0.5, text/csv;q=0.1", ";;;", "text/*"]),
       fmt=st.sampled_from([None, "json", "csv", "turtle", "html", "bogus", ""]),
       raw=st.binary(max_size=300))
def test_fuzz_no_500_and_no_hang(limited_server, method, query, accept, fmt, raw):
    url, proc, _ = limited_server
    headers = {"Accept": accept} if accept else {}
    params = {"format": fmt} if fmt is not None else {}
    t0 = time.monotonic()
    encoded = quote(query.encode("utf-8", "surrogatepass"))  # lone surrogates make invalid UTF-8
    if method == "GET":
        r = requests.get(url + "/sparql?query=" + encoded, params=params, headers=headers, timeout=TIMEOUT + 20)
    elif method == "POST-form":
        r = requests.post(url + "/sparql", params=params, data="query=" + encoded, timeout=TIMEOUT + 20,
                          headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    elif method == "POST-direct":
        r = requests.post(url + "/sparql", params=params, data=query.encode("utf-8", "surrogatepass"),
                          headers={**headers, "Content-Type": "application/sparql-query"}, timeout=TIMEOUT + 20)
    elif method == "POST-raw":
        ctype = "".join(c for c in query[:40] if 32 < ord(c) < 127) or "x/y"
        r = requests.post(url + "/sparql", data=raw, headers={**headers, "Content-Type": ctype},
                          timeout=TIMEOUT + 20)
    else:
        r = requests.get(url + "/store?graph=" + encoded, headers=headers, timeout=TIMEOUT + 20)
    assert r.status_code != 500 and r.status_code < 600, r.text[:300]
    assert r.status_code < 500 or r.status_code in (503, 504), r.text[:300]
    assert time.monotonic() - t0 < TIMEOUT + 15
    assert proc.poll() is None


def test_sigterm_stops_the_query_workers_and_deletes_their_snapshot(disk_store_path, tmp_path):
    """`kg serve` stopped by a service manager (SIGTERM) leaves no worker running and no
    snapshot file of the data behind in the temporary directory."""
    import os
    from pathlib import Path
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    store = copy_store(disk_store_path, tmp_path / "store")
    proc, url = start_server(store, tmp_path / "serve.log", {"TMPDIR": str(tmp)})
    try:
        assert fast_ok(url)
        assert [p.name for p in tmp.iterdir() if p.name.startswith("kg-snapshot-")]
        task = Path(f"/proc/{proc.pid}/task")
        workers = [int(c) for t in task.iterdir() for c in (t / "children").read_text().split()]
        assert workers
        proc.terminate()
        assert proc.wait(timeout=30) == 0
    finally:
        stop_server(proc)
    assert not list(tmp.iterdir())
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{w}") for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(os.path.exists(f"/proc/{w}") for w in workers)
