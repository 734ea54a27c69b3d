"""The `kg` command line, run as a real process on a RocksDB store."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess

import pytest
from pyoxigraph import RdfFormat, parse

from tests.conftest import BASE, KG, ROOT, SEEDS

PERSONS = "SELECT ?p ?l WHERE { ?p a foaf:Person ; rdfs:label ?l } ORDER BY ?l"


def kg(*args, **kw):
    env = {**os.environ, "KG_BASE_IRI": BASE}
    return subprocess.run(KG + list(args), capture_output=True, text=True, cwd=ROOT, env=env, **kw)


def test_ingest_reports_bad_files_ingests_the_rest_and_exits_nonzero(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(" date soon this is not an article")   # (a file without a date line is an undated article)
    r = kg("ingest", "--quiet", "--store", str(tmp_path / "db"), str(SEEDS), str(bad))
    assert r.returncode == 1
    assert f"{bad}:1: line 1 must be" in r.stderr
    assert "1 ingested" in r.stderr and "1 failed" in r.stderr
    q = kg("query", "--store", str(tmp_path / "db"), "--format", "json", PERSONS)
    assert q.returncode == 0
    names = {b["l"]["value"] for b in json.loads(q.stdout)["results"]["bindings"]}
    assert "Maulen Ashimbayev" in names


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml", "table"])
def test_query_select_formats(disk_store_path, fmt):
    r = kg("query", "--store", str(disk_store_path), "--format", fmt, PERSONS)
    assert r.returncode == 0, r.stderr
    assert "Maulen Ashimbayev" in r.stdout
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        assert {"p", "l"} == set(rows[0])


@pytest.mark.parametrize("fmt, rdf", [("turtle", RdfFormat.TURTLE), ("ntriples", RdfFormat.N_TRIPLES)])
def test_query_construct_formats(disk_store_path, fmt, rdf):
    r = kg("query", "--store", str(disk_store_path), "--format", fmt,
           "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a foaf:Person ; rdfs:label ?l }")
    assert r.returncode == 0, r.stderr
    triples = list(parse(r.stdout.encode(), format=rdf))
    assert any(t.object.value == "Maulen Ashimbayev" for t in triples)


def test_query_errors_are_one_line(disk_store_path, tmp_path):
    r = kg("query", "--store", str(disk_store_path), "SELECT nonsense")
    assert r.returncode == 1 and r.stderr.startswith("Error:") and len(r.stderr.strip().splitlines()) == 1
    r = kg("query", "--store", str(disk_store_path), "--format", "csv", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert r.returncode == 1 and "cannot render" in r.stderr
    r = kg("query", "--store", str(tmp_path / "missing"), "ASK {}")
    assert r.returncode == 1 and "kg ingest" in r.stderr


def test_query_from_file_and_report(disk_store_path, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK { ?p a ng:Person }")
    r = kg("query", "--store", str(disk_store_path), "--format", "json", "--file", str(f))
    assert json.loads(r.stdout)["boolean"] is True
    r = kg("report", "--store", str(disk_store_path), "--format", "csv", "posts_of_person",
           "--person", BASE + "id/person/sultan-raev")
    assert r.returncode == 0, r.stderr
    assert "Secretary-General" in r.stdout


def test_a_store_held_by_a_running_server_is_refused_with_what_to_do(tmp_path):
    from tests.conftest import start_server, stop_server
    assert kg("ingest", "--quiet", "--store", str(tmp_path / "db"), str(SEEDS)).returncode == 0
    proc, url = start_server(tmp_path / "db", tmp_path / "serve.log")
    try:
        r = kg("ingest", "--quiet", "--store", str(tmp_path / "db"), str(SEEDS))
        assert r.returncode != 0
        assert "in use by another process" in r.stderr and "POST /update" in r.stderr
        q = kg("query", "--store", str(tmp_path / "db"), "--format", "json", PERSONS)
        assert q.returncode == 0 and json.loads(q.stdout)["results"]["bindings"]
    finally:
        stop_server(proc)
