"""Mapping by the graph contract and the store's named-graph discipline (RocksDB on disk)."""
from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode

from kg.read.articles import read_paths
from kg.ingest.run import ingest_paths
from kg.mapping.quads import ArticleMapper
from kg.store.local import GraphStore
from tests.conftest import BASE, SEEDS

ASH = NamedNode(BASE + "id/person/maulen-ashimbayev")


def ask(store, q, **subs):
    return bool(store.query(q, substitutions=subs or None))


def test_article_record_follows_the_contract(store):
    rows = list(store.query("""SELECT ?id ?a ?h ?d WHERE { ?a a ng:Article ; dcterms:identifier ?id ;
        schema:headline ?h ; schema:datePublished ?d }""", substitutions={"id": Literal("000_680be299d0ccbf4c")}))
    assert len(rows) == 1
    assert rows[0]["a"].value == BASE + "id/article/000_680be299d0ccbf4c"
    assert rows[0]["d"].datatype.value.endswith("#date")
    assert ask(store, "ASK { ?a schema:mentions ?p ; dcterms:identifier '000_680be299d0ccbf4c' }", p=ASH)


def test_every_fact_is_in_the_article_graph(store):
    g = NamedNode(BASE + "id/article/000_680be299d0ccbf4c")
    assert ask(store, "ASK { GRAPH ?g { ?p a ng:Person ; skos:altLabel 'Maulen Ashimbayev' } }", g=g, p=ASH)
    # one corpus-wide label, in the entities graph
    labels = [r["l"].value for r in store.query("SELECT ?p ?l WHERE { ?p rdfs:label ?l }", substitutions={"p": ASH})]
    assert labels == ["Maulen Ashimbayev"]
    assert not ask(store, "ASK { GRAPH ?g { ?s ?p ?o } }", g=NamedNode("urn:x-none"))


def test_ontology_is_loaded_and_alignments_work(store):
    assert ask(store, "ASK { ?x a/rdfs:subClassOf* foaf:Person }", x=ASH)
    assert ask(store, "ASK { ng:Meeting rdfs:subClassOf+ sem:Event }")


def test_membership_event_and_provenance(store):
    rows = list(store.query("""SELECT ?p ?m ?role ?o WHERE { ?m a org:Membership ; org:member ?p ; org:role/rdfs:label ?role ;
        org:organization ?o ; prov:wasDerivedFrom ?a ; ng:dateSeen ?d }""", substitutions={"p": ASH}))
    assert {r["role"].value for r in rows} & {"Chairman", "Speaker"}
    ev = list(store.query("""SELECT ?p ?e ?date ?place WHERE { ?e a ng:Meeting ; sem:hasActor ?p ; sem:hasTimeStamp ?date ;
        sem:hasPlace/rdfs:label ?place ; prov:wasDerivedFrom ?a ; ng:status ng:Happened }""", substitutions={"p": ASH}))
    assert [(r["date"].value, r["place"].value.lower()) for r in ev] == [("2022-06-27", "nur-sultan")]
    # the extractor's version is recorded (PROV-O)
    assert ask(store, "ASK { ?a prov:wasGeneratedBy/prov:wasAssociatedWith/rdfs:label ?v FILTER(CONTAINS(?v, 'newsgraph')) }")


def test_nif_offsets_point_at_the_mention_text(store):
    rows = list(store.query("""SELECT ?e ?b ?end ?anchor ?text WHERE { ?m itsrdf:taIdentRef ?e ; nif:beginIndex ?b ;
        nif:endIndex ?end ; nif:anchorOf ?anchor ; nif:referenceContext/nif:isString ?text }""", substitutions={"e": ASH}))
    assert len(rows) >= 3
    for r in rows:
        assert r["text"].value[int(r["b"].value):int(r["end"].value)] == r["anchor"].value


def test_same_input_same_iris(extractor, minter):
    [article] = list(read_paths([SEEDS]))
    m = ArticleMapper(minter, "v")
    one = {str(q) for q in m.quads(article, extractor.extract(article))}
    two = {str(q) for q in m.quads(article, extractor.extract(article))}
    assert one == two


def test_reingest_replaces_the_graph_and_remove_deletes_only_it(tmp_path, extractor, minter):
    store = GraphStore.open(tmp_path / "db")
    ingest_paths([SEEDS], store, minter, extractor=extractor, progress=False)
    n = len(store)
    report = ingest_paths([SEEDS], store, minter, extractor=extractor, progress=False)
    assert report.unchanged == ["000_680be299d0ccbf4c"] and len(store) == n
    report = ingest_paths([SEEDS], store, minter, extractor=extractor, progress=False, force=True)
    assert report.ingested == ["000_680be299d0ccbf4c"] and len(store) == n
    # a second article, then remove the first: the second's facts stay
    other = tmp_path / "other.txt"
    other.write_text(" date 2021-01-01 Ashimbayev meets Raev\n\nASTANA. KAZINFORM - Maulen Ashimbayev met with Sultan Raev.")
    ingest_paths([other], store, minter, extractor=extractor, progress=False)
    assert store.remove_graph(minter.article("000_680be299d0ccbf4c"))
    assert ask(store, "ASK { ?p a ng:Person }", p=ASH)
    assert not ask(store, "ASK { ?a dcterms:identifier '000_680be299d0ccbf4c' }")
    del store
    # the store persists on disk
    again = GraphStore.open(tmp_path / "db")
    assert ask(again, "ASK { ?a dcterms:identifier 'other' }")


def test_union_default_graph_and_named_graph_restriction(store, minter):
    g = minter.article("000_680be299d0ccbf4c")
    all_people = {r["p"].value for r in store.query("SELECT ?p WHERE { ?p a ng:Person }")}
    seed_people = {r["p"].value for r in store.query("SELECT ?p WHERE { ?p a ng:Person }", default_graph=[g])}
    assert seed_people and seed_people < all_people


def test_syntax_errors_become_named_errors(store):
    from kg.errors import QuerySyntaxError
    with pytest.raises(QuerySyntaxError):
        store.query("SELECT WHERE {")
