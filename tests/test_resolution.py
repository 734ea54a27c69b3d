"""Across articles: one IRI per entity, aliases learnt in one article help the next, and the
result does not depend on the order in which articles are ingested."""
from __future__ import annotations

import pytest

from kg.ingest.run import ingest_paths, remove_article
from kg.store.local import GraphStore

LONG = """ date 2021-04-01 Atlantic Fisheries Organization elects new head

LISBON. LUSA - Dana Okafor was elected Secretary-General of the Atlantic Fisheries Organization on Thursday.
The AFO Secretary-General Dana Okafor said the organization would expand its monitoring programme."""
SHORT = """ date 2021-05-02 AFO chief visits Reykjavik

REYKJAVIK. RUV - Okafor met with Icelandic Fisheries Minister Sigrun Jonsdottir in Reykjavik on Monday.
The AFO has 14 member states."""
OTHER = """ date 2021-06-03 Senate Speaker receives ambassador

OSLO. NTB - Senate Speaker Erik Lund received the ambassador of Chile, Pablo Rojas, in Oslo."""


def write(tmp_path, name, text):
    p = tmp_path / f"{name}.txt"
    p.write_text(text)
    return p


def entity_view(store):
    """Every statement about persons and organizations, graph names left out."""
    rows = store.query("""SELECT ?e ?p ?o WHERE { ?e a ?k ; ?p ?o . VALUES ?k { ng:Person ng:Organization }
                          FILTER(?p != ng:localKey) }""")
    return {(r["e"].value, r["p"].value, str(r["o"])) for r in rows}


def iri_of(store, label):
    rows = list(store.query("SELECT DISTINCT ?e ?l WHERE { ?e skos:altLabel ?l }",
                            substitutions={"l": __import__("pyoxigraph").Literal(label)}))
    return {r["e"].value for r in rows}


@pytest.fixture()
def files(tmp_path):
    return [write(tmp_path, "long", LONG), write(tmp_path, "short", SHORT), write(tmp_path, "other", OTHER)]


def test_alias_learnt_in_one_article_resolves_the_next(tmp_path, files, extractor, minter):
    store = GraphStore.open(tmp_path / "db")
    ingest_paths(files[:1], store, minter, extractor=extractor, progress=False)
    ingest_paths(files[1:2], store, minter, extractor=extractor, progress=False)
    afo = iri_of(store, "AFO")
    assert afo == {minter.id + "organization/atlantic-fisheries-organization"}
    assert iri_of(store, "Okafor") == {minter.id + "person/dana-okafor"}
    # one label per entity, the fullest
    labels = [r["l"].value for r in store.query("SELECT ?e ?l WHERE { ?e rdfs:label ?l }",
                                                 substitutions={"e": __import__("pyoxigraph").NamedNode(next(iter(afo)))})]
    assert labels == ["Atlantic Fisheries Organization"]


def test_ingest_order_does_not_change_iris(tmp_path, files, extractor, minter):
    a = GraphStore.open(tmp_path / "a")
    for f in files:
        ingest_paths([f], a, minter, extractor=extractor, progress=False)
    b = GraphStore.open(tmp_path / "b")
    for f in reversed(files):
        ingest_paths([f], b, minter, extractor=extractor, progress=False)
    assert entity_view(a) == entity_view(b)
    assert iri_of(b, "AFO") == {minter.id + "organization/atlantic-fisheries-organization"}
    # re-ingesting gives the same graph
    before = entity_view(a)
    ingest_paths(files, a, minter, extractor=extractor, progress=False, force=True)
    assert entity_view(a) == before


def test_removing_the_article_that_taught_an_alias_undoes_it(tmp_path, files, extractor, minter):
    store = GraphStore.open(tmp_path / "db")
    ingest_paths(files, store, minter, extractor=extractor, progress=False)
    assert remove_article(store, minter, "long")
    assert iri_of(store, "AFO") == {minter.id + "organization/afo"}
    assert iri_of(store, "Okafor") == {minter.id + "person/okafor"}
    # the other article's facts are untouched
    assert iri_of(store, "Erik Lund") == {minter.id + "person/erik-lund"}


def test_organisations_qualified_by_country_share_one_iri(tmp_path, extractor, minter):
    one = write(tmp_path, "one", """ date 2020-01-10 Speaker meets delegation

ASTANA. KAZINFORM - Chairman of the Senate of the Parliament of Kazakhstan Aidar Nurov met a delegation.""")
    two = write(tmp_path, "two", """ date 2020-02-11 Senate adopts law

ASTANA. KAZINFORM - The Kazakh Senate adopted the law on Thursday, Senator Bolat Ermekov said.""")
    three = write(tmp_path, "three", """ date 2020-03-12 Polish Senate visit

WARSAW. PAP - Marshal of the Senate of Poland Jan Nowicki met Aidar Nurov.""")
    store = GraphStore.open(tmp_path / "db")
    ingest_paths([one, two, three], store, minter, extractor=extractor, progress=False)
    kz = iri_of(store, "Kazakh Senate") | iri_of(store, "Senate of the Parliament of Kazakhstan")
    assert kz == {minter.id + "organization/senate-kazakhstan"}
    assert iri_of(store, "Senate of Poland") == {minter.id + "organization/senate-poland"}


def test_bulk_loaded_nquads_are_resolved_across_the_whole_store(tmp_path, files, extractor, minter):
    """`kg ingest --out` resolves each file only against itself, in its own order (here the short
    form first, so it gets its own IRI); `kg load` settles the store after loading."""
    from kg.ingest.bulk import load_nquads
    from kg.ingest.run import settle_store

    short_first = tmp_path / "short-first.nq"
    ingest_paths([files[1], files[0]], None, minter, extractor=extractor, progress=False, out=str(short_first))
    other = tmp_path / "other.nq"
    ingest_paths(files[2:], None, minter, extractor=extractor, progress=False, out=str(other))

    loaded = GraphStore.open(tmp_path / "loaded")
    settle_store(loaded, minter, lambda: load_nquads(loaded, other))
    settle_store(loaded, minter, lambda: load_nquads(loaded, short_first))
    direct = GraphStore.open(tmp_path / "direct")
    ingest_paths(files, direct, minter, extractor=extractor, progress=False)

    assert iri_of(loaded, "AFO") == {minter.id + "organization/atlantic-fisheries-organization"}
    assert entity_view(loaded) == entity_view(direct)
    # the second file's entities graph did not wipe the labels of the first file's entities
    lund = __import__("pyoxigraph").NamedNode(minter.id + "person/erik-lund")
    assert [r["l"].value for r in loaded.query("SELECT ?e ?l WHERE { ?e rdfs:label ?l }", substitutions={"e": lund})] == ["Erik Lund"]
    assert not loaded.query("ASK { GRAPH ?g { ?s ng:settlementOwed ?o } }")
