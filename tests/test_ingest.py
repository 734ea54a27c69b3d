"""`kg ingest` at scale: worker processes, one writer, progress, incremental runs, remove, bulk path.

Everything runs the real pipeline: `kg` subprocesses with spaCy worker processes, RocksDB stores
under tmp_path.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, parse

from bench.corpus import write_corpus
from kg.ingest.run import ingest_paths
from kg.store.local import GraphStore
from kg.vocab import ONTOLOGY_IRI
from tests.conftest import BASE, FIXTURES, KG, ROOT, SEEDS

N_SYNTHETIC = 40


def kg(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "KG_BASE_IRI": BASE}
    return subprocess.run(KG + list(args), capture_output=True, text=True, cwd=ROOT, env=env, timeout=900, **kw)


def graphs_of(store: GraphStore) -> dict[str, frozenset[str]]:
    """Every article graph of a store, as the set of its quads (N-Quads lines)."""
    out: dict[str, set[str]] = {}
    for q in store.quads(None, None, None, None):
        g = q.graph_name
        if isinstance(g, NamedNode) and g.value.startswith(BASE + "id/article/"):
            out.setdefault(g.value, set()).add(str(q))
    return {g: frozenset(qs) for g, qs in out.items()}


def stored_graphs(path: Path) -> dict[str, frozenset[str]]:
    store = GraphStore.open_read_only(path)
    try:
        return graphs_of(store)
    finally:
        del store


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "synthetic", N_SYNTHETIC)


@pytest.fixture(scope="module")
def parallel_run(synthetic, tmp_path_factory):
    """`kg ingest --jobs 2` of the synthetic corpus, with its progress output."""
    path = tmp_path_factory.mktemp("parallel") / "db"
    r = kg("ingest", "--jobs", "2", "--store", str(path), str(synthetic))
    assert r.returncode == 0, r.stderr
    return path, r.stderr


def test_parallel_ingest_writes_what_in_process_ingest_writes(parallel_run, synthetic, tmp_path, extractor, minter):
    path, _ = parallel_run
    serial = GraphStore.open(tmp_path / "serial")
    report = ingest_paths([synthetic], serial, minter, extractor=extractor, progress=False)
    assert report.ok and len(report.ingested) == N_SYNTHETIC
    expected = graphs_of(serial)
    del serial
    got = stored_graphs(path)
    assert len(got) == N_SYNTHETIC
    assert got == expected


def test_progress_bar_and_summary(parallel_run):
    _, stderr = parallel_run
    assert re.search(r"ingest: +\d+%.*\d+/40 \[\d\d:\d\d<\d\d:\d\d, +[\d.]+article/s\]", stderr), stderr[-2000:]
    summary = stderr.strip().splitlines()[-1]
    assert re.match(r"40 ingested, 0 unchanged, 0 failed in [\d.]+ s \([\d.]+ articles/s\) -> ", summary), summary


def test_changed_article_replaces_its_graph_unchanged_are_skipped(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(FIXTURES / "articles", src)
    shutil.copy(next(SEEDS.glob("*.txt")), src)
    db = str(tmp_path / "db")
    r = kg("ingest", "--quiet", "--jobs", "1", "--store", db, str(src))
    assert r.returncode == 0 and r.stderr.startswith("4 ingested, 0 unchanged, 0 failed"), r.stderr
    before = stored_graphs(Path(db))
    r = kg("ingest", "--quiet", "--jobs", "1", "--store", db, str(src))
    assert r.stderr.startswith("0 ingested, 4 unchanged, 0 failed"), r.stderr
    assert stored_graphs(Path(db)) == before
    call = src / "103_phonecall.txt"
    call.write_text(call.read_text().replace("Emomali Rahmon", "Sadyr Japarov").replace("Tajikistan", "Kyrgyzstan"))
    r = kg("ingest", "--quiet", "--jobs", "1", "--store", db, str(src))
    assert r.stderr.startswith("1 ingested, 3 unchanged, 0 failed"), r.stderr
    after = stored_graphs(Path(db))
    g = BASE + "id/article/103_phonecall"
    assert after[g] != before[g]
    assert {k: v for k, v in after.items() if k != g} == {k: v for k, v in before.items() if k != g}
    assert not any("Emomali Rahmon" in q for q in after[g]) and any("Sadyr Japarov" in q for q in after[g])
    store = GraphStore.open_read_only(db)
    assert not store.query("ASK { ?p rdfs:label 'Emomali Rahmon' }")  # no trace of the old version
    del store
    r = kg("ingest", "--quiet", "--jobs", "1", "--force", "--store", db, str(src))
    assert r.stderr.startswith("4 ingested, 0 unchanged"), r.stderr
    assert stored_graphs(Path(db)) == after


def test_remove_deletes_one_article_and_nothing_else(tmp_path):
    other = tmp_path / "in" / "other.txt"
    other.parent.mkdir()
    other.write_text(" date 2021-01-01 Ashimbayev meets Raev\n\n"
                     "ASTANA. KAZINFORM - Maulen Ashimbayev met with Sultan Raev in Astana.")
    db = str(tmp_path / "db")
    assert kg("ingest", "--quiet", "--jobs", "1", "--store", db, str(SEEDS), str(other.parent)).returncode == 0
    before = stored_graphs(Path(db))
    r = kg("remove", "--store", db, "000_680be299d0ccbf4c")
    assert r.returncode == 0, r.stderr
    after = stored_graphs(Path(db))
    assert after == {BASE + "id/article/other": before[BASE + "id/article/other"]}
    store = GraphStore.open_read_only(db)
    assert store.query("ASK { ?p a foaf:Person ; rdfs:label 'Maulen Ashimbayev' }")  # still mentioned elsewhere
    assert not store.query("ASK { ?o rdfs:label 'Turksoy' }")  # only the removed article named it
    assert store.query("ASK { ?c rdfs:subClassOf ng:Event }")  # the ontology stays
    del store
    r = kg("remove", "--store", db, "000_680be299d0ccbf4c")
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "no such article" in r.stderr


def test_out_writes_nquads_and_load_bulk_loads_them(tmp_path):
    nq = tmp_path / "corpus.nq"
    r = kg("ingest", "--quiet", "--jobs", "1", "--out", str(nq), str(SEEDS), str(FIXTURES / "articles"))
    assert r.returncode == 0 and r.stderr.startswith("4 ingested"), r.stderr
    assert not (tmp_path / "corpus.nq.part").exists() and not (tmp_path / "db").exists()
    graphs = {q.graph_name.value for q in parse(path=str(nq), format=RdfFormat.N_QUADS)}
    assert ONTOLOGY_IRI in graphs and BASE + "graph/entities" in graphs and len(graphs) == 6
    direct = tmp_path / "direct"
    assert kg("ingest", "--quiet", "--jobs", "1", "--store", str(direct), str(SEEDS),
              str(FIXTURES / "articles")).returncode == 0
    db = tmp_path / "db"
    for _ in range(2):  # loading twice replaces the graphs: no duplicates
        r = kg("load", "--store", str(db), str(nq))
        assert r.returncode == 0 and "6 graphs loaded" in r.stderr, r.stderr
    assert stored_graphs(db) == stored_graphs(direct)
    a, b = GraphStore.open_read_only(db), GraphStore.open_read_only(direct)
    assert len(a) == len(b)
    assert a.query("ASK { ng:Meeting rdfs:subClassOf+ sem:Event }")
    del a, b
    # another store's bulk loader reads the same file: `oxigraph load` (PyPI `oxigraph`)
    from tests.test_remote_store import oxigraph_binary
    ox = subprocess.run([oxigraph_binary(), "load", "--location", str(tmp_path / "ox"), "--file", str(nq)],
                        capture_output=True, text=True, timeout=300)
    assert ox.returncode == 0, ox.stderr
    assert stored_graphs(tmp_path / "ox") == stored_graphs(direct)
    bad = tmp_path / "bad.nq"
    bad.write_text("this is not N-Quads\n")
    r = kg("load", "--store", str(db), str(bad))
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "not valid N-Quads" in r.stderr


def test_same_file_named_twice_is_read_once_and_duplicate_ids_are_reported(tmp_path):
    dup = tmp_path / "dup" / "000_680be299d0ccbf4c.txt"
    dup.parent.mkdir()
    dup.write_text(" date 2020-01-01 Another article with the seed's identifier\n\nText.")
    seed = next(SEEDS.glob("*.txt"))
    r = kg("ingest", "--quiet", "--jobs", "0", "--store", str(tmp_path / "db"), str(seed), str(SEEDS), str(dup))
    assert r.returncode == 1
    assert f"error: {dup}: duplicate article id '000_680be299d0ccbf4c': already read from {seed}" in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("1 ingested, 0 unchanged, 1 failed (1 duplicate article id")


def dataset(store: GraphStore) -> frozenset[str]:
    """Every quad of a store but the ontology's, as N-Quads lines."""
    return frozenset(str(q) for q in store.quads(None, None, None, None)
                     if q.graph_name != NamedNode(ONTOLOGY_IRI))


def test_a_long_write_reopens_the_store_and_writes_what_a_short_one_writes(parallel_run, synthetic, tmp_path,
                                                                          extractor, minter, monkeypatch):
    """The writer closes and reopens the store to hand RocksDB's caches back (GraphStore.reopen);
    with reopenings after every few quads and after every replaced graph, ingest, its settling
    and a forced re-ingest (every graph replaced) store exactly what a run without them stores."""
    import kg.store.local
    path, _ = parallel_run
    monkeypatch.setattr(kg.store.local, "REOPEN_AFTER_QUADS", 1500)
    monkeypatch.setattr(kg.store.local, "REOPEN_AFTER_GRAPHS", 1)
    store = GraphStore.open(tmp_path / "db")
    for force in (False, True):
        before = store.reopenings
        report = ingest_paths([synthetic], store, minter, extractor=extractor, progress=False, force=force)
        assert report.ok and len(report.ingested) == N_SYNTHETIC
        assert store.reopenings - before >= (N_SYNTHETIC if force else 5)
        got = dataset(store)
        expected = GraphStore.open_read_only(path)
        assert got == dataset(expected)
        del expected
    store.reopen()  # reopening outside a long write is allowed too, and nothing is lost
    assert dataset(store) == got
    assert store.query("ASK { ?o rdfs:label ?l }")
