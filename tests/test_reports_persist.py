"""Saved reports survive a restart: a real `kg serve` on a RocksDB store, stopped and started again;
then `kg report` reads the same store from the command line."""
from __future__ import annotations

import subprocess

import requests

from tests.conftest import KG, ROOT, start_server, stop_server
from tests.reports_support import disk_copy

TOKEN = {"Authorization": "Bearer test-token"}
RQ = {"Content-Type": "application/sparql-query"}
V1 = "#+ summary: People\nSELECT ?label WHERE { ?p a ?_type_iri ; rdfs:label ?label } ORDER BY ?label\n"
V2 = "#+ summary: People and IRIs\nSELECT ?p ?label WHERE { ?p a ?_type_iri ; rdfs:label ?label } ORDER BY ?label\n"


def _csv(url: str) -> list[str]:
    r = requests.get(url, params={"type": "http://xmlns.com/foaf/0.1/Person", "format": "csv"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.text.splitlines()


def test_save_run_new_version_restart_and_both_versions_still_run(seed_store, tmp_path):
    path = disk_copy(seed_store, tmp_path / "store")
    proc, url = start_server(path, tmp_path / "serve1.log")
    try:
        assert requests.put(url + "/queries/people", data=V1, headers=RQ, timeout=30).status_code == 401
        r = requests.put(url + "/queries/people", data=V1, headers={**RQ, **TOKEN}, timeout=30)
        assert r.status_code == 201, r.text
        v1_rows = _csv(url + "/queries/people/run")
        assert v1_rows == ["label", "Maulen Ashimbayev", "Sultan Raev"]
        r = requests.put(url + "/queries/people", data=V2, headers={**RQ, **TOKEN}, timeout=30)
        assert r.status_code == 200 and r.json()["version"] == 2
        v2_rows = _csv(url + "/queries/people/run")
        assert v2_rows[0] == "p,label" and len(v2_rows) == 3
        assert _csv(url + "/queries/people/versions/1/run") == v1_rows
        assert requests.delete(url + "/queries/who_met_whom", headers=TOKEN, timeout=30).status_code == 200
    finally:
        stop_server(proc)

    proc, url = start_server(path, tmp_path / "serve2.log")
    try:
        assert _csv(url + "/queries/people/run") == v2_rows
        assert _csv(url + "/queries/people/versions/1/run") == v1_rows
        assert requests.get(url + "/queries/people", timeout=30).json()["version"] == 2
        assert requests.get(url + "/queries/who_met_whom", timeout=30).status_code == 410
        assert requests.get(url + "/queries/who_met_whom/versions/1/run?format=csv", timeout=30).status_code == 200
    finally:
        stop_server(proc)

    def kg_report(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(KG + ["report", "--store", str(path), *args], capture_output=True, text=True, cwd=ROOT)

    listing = kg_report()
    assert listing.returncode == 0, listing.stderr
    names = {line.split()[0]: line.split()[1] for line in listing.stdout.splitlines()}
    assert names["people"] == "v2" and names["posts_of_person"] == "v1" and "who_met_whom" not in names
    r = kg_report("people", "--type", "http://xmlns.com/foaf/0.1/Person", "--format", "csv")
    assert r.returncode == 0 and r.stdout.splitlines() == v2_rows
    r = kg_report("people", "--version", "1", "-P", "type=foaf:Person", "--format", "csv")
    assert r.returncode == 0 and r.stdout.splitlines() == v1_rows
    r = kg_report("people", "--type", "not an iri")
    assert r.returncode == 1 and "must be of type iri" in r.stderr
