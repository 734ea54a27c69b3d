"""The kind of a name decided across the corpus (kg/resolve/kinds.py), and the spellings of an
organization's name (kg/resolve/resolver.py): a name four articles type
Person and one Organization is a person, the odd article is corrected when the store is settled,
its former IRI answers; a name genuinely both, or used as only its own kind can be, is left alone.
The extractions are built by hand (what an extractor could return), mapped and settled for real."""
from __future__ import annotations

import datetime as dt

from pyoxigraph import NamedNode

from kg.ingest.run import settle
from kg.mapping.quads import ArticleMapper
from kg.model import ArticleExtraction, Entity, Post
from kg.read.articles import Article
from kg.resolve.kinds import KindReport, corrections
from kg.resolve.name_index import NameIndex
from kg.resolve.resolver import resolver, uses_of
from kg.store.local import GraphStore


def write(store, minter, extractions):
    index = NameIndex.load(store)
    mapper = ArticleMapper(minter, "test", resolve=resolver(index, minter))
    for ident, entities, posts in extractions:
        article = Article(ident, dt.date(2024, 1, 1), "A headline", "Some text about Aidos Kenzhe.")
        x = ArticleExtraction(ident, entities, posts)
        graph = minter.article(ident)
        index.drop_graph(graph)
        store.replace_graph(graph, mapper.quads(article, x))
        index.add_graph(graph, uses_of(x.entities, mapper.entity_iris(x), x.posts))
    settle(store, index, minter, None)
    index.close()


def kinds_of(store, name):
    rows = store.query("SELECT ?e ?k ?n WHERE { ?e skos:altLabel ?n ; a ?k VALUES ?k { ng:Person ng:Organization } }",
                       substitutions={"n": __import__("pyoxigraph").Literal(name)})
    return {(r["e"].value.rsplit("/id/", 1)[1], r["k"].value.rsplit("#", 1)[1]) for r in rows}


def person(name):
    return Entity("person:" + name.lower().replace(" ", "-"), "Person", name)


def org(name):
    return Entity("organization:" + name.lower().replace(" ", "-"), "Organization", name)


def test_the_odd_article_takes_the_corpus_kind_and_its_old_iri_answers(tmp_path, minter):
    store = GraphStore.open(tmp_path / "db")
    write(store, minter, [(f"p{i}", [person("Aidos Kenzhe")], []) for i in range(4)]
          + [("odd", [org("Aidos Kenzhe")], [])])
    assert kinds_of(store, "Aidos Kenzhe") == {("person/aidos-kenzhe", "Person")}
    odd = NamedNode(minter.article("odd"))
    assert [q.object.value for q in store.quads(None, NamedNode("https://w3id.org/newsgraph/ontology#formerKey"),
                                                None, odd)] == ["organization:aidos-kenzhe"]
    same = {(r["e"].value, r["o"].value) for r in store.query("SELECT ?e ?o WHERE { ?e owl:sameAs ?o }")}
    assert (minter.id + "person/aidos-kenzhe", minter.id + "organization/aidos-kenzhe") in same


def test_a_name_that_is_both_or_a_use_only_its_kind_takes_is_left_alone(tmp_path, minter):
    store = GraphStore.open(tmp_path / "db")
    # the person and the foundation named after them, each in several articles
    write(store, minter, [(f"p{i}", [person("Nuria Beisen")], []) for i in range(3)]
          + [(f"o{i}", [org("Nuria Beisen")], []) for i in range(2)])
    assert {k for _, k in kinds_of(store, "Nuria Beisen")} == {"Person", "Organization"}
    # an organization that employs someone cannot become a person, whatever the vote
    chief = person("Marat Tulen")
    write(store, minter, [(f"q{i}", [person("Saryarka Group")], []) for i in range(4)]
          + [("employer", [org("Saryarka Group"), chief],
              [Post(chief.key, "Director", "organization:saryarka-group")])])
    assert ("organization/saryarka-group", "Organization") in kinds_of(store, "Saryarka Group")


def test_the_vote_rules():
    def r(graph, kind, uses=()):
        return KindReport(graph, f"iri-{kind}", f"{kind.lower()}:x", kind, "x", frozenset(uses))

    three_to_one = [r(f"g{i}", "Person") for i in range(3)] + [r("odd", "Organization")]
    assert [(c.graph, c.kind) for c in corrections(three_to_one)] == [("odd", "Person")]
    two_to_one = [r(f"g{i}", "Person") for i in range(2)] + [r("odd", "Organization")]
    assert corrections(two_to_one) == []                       # too few votes to overrule
    six_to_three = [r(f"g{i}", "Person") for i in range(6)] + [r(f"o{i}", "Organization") for i in range(3)]
    assert corrections(six_to_three) == []                     # not three to one
    as_place = [r(f"g{i}", "Place") for i in range(4)] + [r("odd", "Organization", {"actor"})]
    assert corrections(as_place) == []                         # a place cannot be an actor


def test_romanisations_of_an_organization_are_one_and_shared_names_are_not(tmp_path, minter):
    """Hand-built extractions, mapped and settled for real: "Mazhilis" (twice) and "Majilis" are one
    chamber; two countries' senates, both also called "Senate", stay two."""
    store = GraphStore.open(tmp_path / "db")
    kz = Entity("organization:senate-kazakhstan", "Organization", "Senate of Kazakhstan", ["Senate"])
    kg_ = Entity("organization:senate-kyrgyzstan", "Organization", "Senate of Kyrgyzstan", ["Senate"])
    write(store, minter, [("m1", [org("Mazhilis")], []), ("m2", [org("Mazhilis")], []), ("m3", [org("Majilis")], []),
                          ("s1", [kz], []), ("s2", [kg_], [])])
    assert kinds_of(store, "Majilis") == {("organization/mazhilis", "Organization")}
    senates = {e for e, _ in kinds_of(store, "Senate")}
    assert senates == {"organization/senate-kazakhstan", "organization/senate-kyrgyzstan"}
