"""SHACL: every mapped article graph conforms to ontology/shapes.ttl, broken graphs are caught with
the right message, and `kg validate` / `kg ingest --strict` act on it."""
from __future__ import annotations

import copy
import os
import shutil
import subprocess

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef

from kg.store.rdflib_bridge import article_graphs
from kg.ingest.run import ingest_paths
from kg.store.local import GraphStore
from kg.ontology.validate import VIOLATION, ShapeValidator, strict_check, validate_store
from tests.conftest import BASE, FIXTURES, KG, ROOT, SEEDS

NG = rdflib.Namespace("https://w3id.org/newsgraph/ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SEM = rdflib.Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = rdflib.Namespace("http://schema.org/")
NIF = rdflib.Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
PERSON = URIRef(BASE + "id/person/saule-bekova")
MEMBERSHIP = URIRef(BASE + "id/membership/almasadam-satkaliyev--minister-of-energy")
APPOINTMENT_ARTICLE = URIRef(BASE + "id/article/102_appointment")

# Written for these tests: line 1 has a date but no headline, which the reader accepts and the
# shapes do not (an article has a headline).
HEADLINELESS = """ date 2024-05-06

ASTANA. Kazinform - Aigerim Nurlanova has been appointed Chairwoman of the Committee on Water Resources, the ministry reports.
"""


@pytest.fixture(scope="module")
def validator() -> ShapeValidator:
    return ShapeValidator()


@pytest.fixture(scope="module")
def appointment(store) -> rdflib.Graph:
    [ag] = list(article_graphs(store, ["102_appointment"]))
    return ag.graph


def messages(validator: ShapeValidator, g: rdflib.Graph) -> list[tuple[str, str]]:
    return [(p.focus, p.message) for p in validator.validate_graph(g, "x") if p.severity == VIOLATION]


def test_every_graph_from_the_fixture_articles_conforms(store, validator):
    report = validate_store(store, validator=validator)
    assert sorted(report.articles) == ["000_680be299d0ccbf4c", "101_visit", "102_appointment", "103_phonecall"]
    assert report.conforms, report.text()
    assert report.problems == [], report.text()
    assert "4 conform; 0 violation(s)" in report.summary()


def test_the_mapper_s_quads_pass_the_strict_check(extractor, minter):
    from kg.read.articles import read_paths
    from kg.mapping.quads import ArticleMapper
    check = strict_check()
    mapper = ArticleMapper(minter, extractor.version)
    for article in read_paths([SEEDS, FIXTURES / "articles"]):
        quads = mapper.quads(article, extractor.extract(article))
        assert check(quads) is None, article.id


def test_a_person_typed_as_an_organization_is_caught(validator, appointment):
    g = copy.deepcopy(appointment)
    g.add((PERSON, RDF.type, NG.Organization))
    found = messages(validator, g)
    assert (f"<{PERSON}>", "A person is not an organization (ng:Person and ng:Organization are disjoint).") in found


def test_a_membership_without_a_member_is_caught(validator, appointment):
    g = copy.deepcopy(appointment)
    g.remove((MEMBERSHIP, ORG.member, None))
    assert messages(validator, g) == [(f"<{MEMBERSHIP}>", "A membership has exactly one member (org:member).")]


def test_an_event_without_actor_or_kind_is_caught(validator, appointment):
    g = copy.deepcopy(appointment)
    event = next(iter(g.subjects(RDF.type, NG.Appointment)))
    g.remove((event, None, PERSON))
    g.remove((event, RDF.type, NG.Appointment))
    found = {m for f, m in messages(validator, g) if f == f"<{event}>"}
    assert "An event has at least one actor (sem:hasActor)." in found
    assert any(m.startswith("An event has exactly one kind") for m in found)


def test_dates_are_xsd_dates_and_labels_are_not_empty(validator, appointment):
    g = copy.deepcopy(appointment)
    g.set((APPOINTMENT_ARTICLE, SCHEMA.datePublished, Literal("2 September 2024")))
    g.set((PERSON, RDFS.label, Literal("  ")))
    found = messages(validator, g)
    assert (f"<{APPOINTMENT_ARTICLE}>",
            "An article has at most one publication date (schema:datePublished), an xsd:date; "
            "an undated article has none.") in found
    assert (f"<{PERSON}>", "A label (rdfs:label) is a non-empty string.") in found


def test_mention_offsets_must_point_at_their_words(validator, appointment):
    g = copy.deepcopy(appointment)
    mention = next(iter(g.subjects(NIF.anchorOf, Literal("Saule Bekova"))))
    g.set((mention, NIF.anchorOf, Literal("Somebody Else")))
    found = messages(validator, g)
    assert any(f == f"<{APPOINTMENT_ARTICLE}>" and 'has "Somebody Else"' in m and "between its offsets" in m
               for f, m in found), found


def test_an_event_in_two_kinds_is_caught(validator, appointment):
    g = copy.deepcopy(appointment)
    event = next(iter(g.subjects(RDF.type, NG.Appointment)))
    g.add((event, RDF.type, NG.Meeting))
    assert any(f == f"<{event}>" and m.startswith("An event has exactly one kind") for f, m in messages(validator, g))


def test_strict_ingest_refuses_what_lenient_ingest_takes(extractor, minter, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "201_noheadline.txt").write_text(HEADLINELESS, encoding="utf-8")
    shutil.copy(FIXTURES / "articles" / "103_phonecall.txt", folder)
    store = GraphStore.memory()
    strict = ingest_paths([folder], store, minter, extractor=extractor, progress=False, check=strict_check())
    assert strict.ingested == ["103_phonecall"]
    [err] = strict.failed
    assert err.path.endswith("201_noheadline.txt")
    assert "An article has exactly one non-empty headline (schema:headline)" in err.reason
    assert [g.rsplit("/", 1)[-1] for g in store.article_graphs()] == ["103_phonecall"]
    lenient = ingest_paths([folder], store, minter, extractor=extractor, progress=False)
    assert lenient.ingested == ["201_noheadline"] and lenient.ok
    report = validate_store(store)
    assert not report.conforms
    assert {p.article for p in report.violations} == {"201_noheadline"}


def _kg(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KG_BASE_IRI": BASE}
    return subprocess.run(KG + list(args), capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def test_kg_validate_and_kg_ingest_strict(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "201_noheadline.txt").write_text(HEADLINELESS, encoding="utf-8")
    shutil.copy(FIXTURES / "articles" / "101_visit.txt", folder)
    path = str(tmp_path / "store")

    r = _kg("ingest", "--quiet", "--strict", "--store", path, str(folder))
    assert r.returncode == 1
    assert "201_noheadline.txt: violates the shapes" in r.stderr and "headline" in r.stderr
    assert "1 ingested, 0 unchanged, 1 failed" in r.stderr

    r = _kg("validate", "--store", path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 article graph(s) checked, 1 conform; 0 violation(s)" in r.stdout

    r = _kg("validate", "--store", path, "--reason", "--reasoner", "hermit", "--write-inferred")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "reasoner: HermiT" in r.stdout and "OWL: consistent; 0 closed-world" in r.stdout
    assert f"inferred triple(s) to graph <{BASE}graph/inferred>" in r.stdout
    r = _kg("query", "--store", path, "--format", "csv",
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/inferred> {{ ?m a ng:Mention }} }}")
    assert int(r.stdout.split()[-1]) > 5

    r = _kg("ingest", "--quiet", "--store", path, str(folder))
    assert r.returncode == 0, r.stderr
    r = _kg("validate", "--store", path)
    assert r.returncode == 1
    assert "article 201_noheadline:" in r.stdout
    assert "schema:headline: An article has exactly one non-empty headline (schema:headline)." in r.stdout
    assert "2 article graph(s) checked, 1 conform; 1 violation(s)" in r.stdout

    r = _kg("validate", "--store", path, "--article", "101_visit")
    assert r.returncode == 0 and "1 article graph(s) checked" in r.stdout
    r = _kg("validate", "--store", path, "--article", "nope")
    assert r.returncode == 1 and "no article with identifier nope" in r.stderr


def test_one_label_per_role_in_a_graph(minter, validator):
    """Two spellings of one role ("Vice Speaker", "Vice-Speaker") mint one role IRI: it gets one
    rdfs:label and the other spelling as skos:altLabel, so the graph keeps to the shapes."""
    import datetime as dt

    from kg.read.articles import Article
    from kg.store.rdflib_bridge import to_rdflib
    from kg.mapping.quads import ArticleMapper
    from kg.model import ArticleExtraction, Entity, Post, Span

    body = "Vice Speaker Ana Lee met Vice-Speaker Bo Kim."
    article = Article(id="301_roles", date=dt.date(2024, 1, 2), headline="Two deputies meet", body=body)
    off = len(article.text) - len(body)
    ana = Entity("person:ana-lee", "Person", "Ana Lee", mentions=[Span(off + 13, off + 20, "Ana Lee")])
    bo = Entity("person:bo-kim", "Person", "Bo Kim", mentions=[Span(off + 38, off + 44, "Bo Kim")])
    x = ArticleExtraction("301_roles", entities=[ana, bo],
                          posts=[Post(ana.key, "Vice Speaker"), Post(bo.key, "Vice-Speaker")])
    g = to_rdflib(ArticleMapper(minter, "test").quads(article, x))
    role = URIRef(BASE + "id/role/vice-speaker")
    assert list(g.objects(role, RDFS.label)) == [Literal("Vice Speaker")]
    assert list(g.objects(role, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))) == [Literal("Vice-Speaker")]
    assert messages(validator, g) == []


def test_the_shapes_are_valid_shacl(validator):
    from pyshacl import validate
    conforms, _, text = validate(rdflib.Graph(), shacl_graph=validator.shapes, meta_shacl=True)
    assert conforms, text
    assert len(set(validator.shapes.subjects(RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")))) >= 15


def test_envoys_posts_for_their_states_conform_and_other_places_do_not(extractor, minter, validator):
    """An ambassador's post is held for the sending country's place (the annotation guide); the
    shapes allow that place as org:organization, and still refuse a person there."""
    store = GraphStore.memory()
    report = ingest_paths([FIXTURES / "holdout3" / "k14.txt"], store, minter, extractor=extractor, progress=False)
    assert report.ok, report.failed
    rows = list(store.query("SELECT ?m ?o WHERE { ?m a org:Membership ; org:organization ?o . ?o a schema:Place }"))
    assert len(rows) >= 3
    assert validate_store(store, validator=validator).conforms
    [article] = list(article_graphs(store))
    g = article.graph
    m, o = next((s, ob) for s, ob in g.subject_objects(ORG.organization) if (ob, RDF.type, SCHEMA.Place) in g)
    g.remove((m, ORG.organization, o))
    g.add((m, ORG.organization, PERSON))
    g.add((PERSON, RDF.type, NG.Person))
    assert any(focus == f"<{m}>" for focus, _ in messages(validator, g))
