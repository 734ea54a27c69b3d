"""The ontology: it parses everywhere, documents every term, declares what the mapper emits, and a
reasoner (HermiT, and OWL 2 RL in Python) finds it consistent with the seed graph and catches a
broken one."""
from __future__ import annotations

import copy
import io

import pytest
import rdflib
from pyoxigraph import NamedNode, RdfFormat, parse
from rdflib import OWL, RDF, RDFS, XSD, Literal, URIRef

from kg.store.rdflib_bridge import ArticleGraph, article_graphs, ontology_graph
from kg.ontology.reason import CONSTRAINT, HERMIT, INCONSISTENCY, OWLRL, java_available, reason, write_inferred
from kg.store.local import GraphStore
from kg.resources import ONTOLOGY_FILE
from kg.vocab import ONTOLOGY_IRI
from tests.conftest import BASE

NG = rdflib.Namespace(ONTOLOGY_IRI + "#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SEM = rdflib.Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
PERSON = URIRef(BASE + "id/person/saule-bekova")
MEMBERSHIP = URIRef(BASE + "id/membership/almasadam-satkaliyev--minister-of-energy")
ASHIMBAYEV = URIRef(BASE + "id/person/maulen-ashimbayev")


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def seed_graphs(store) -> list[ArticleGraph]:
    """The article graphs of the session store: the seed and the fixture articles."""
    graphs = list(article_graphs(store))
    assert len(graphs) == 4
    return graphs


def _broken(graphs: list[ArticleGraph], identifier: str, *, person_as_org=False, drop_member=False,
            second_date=False) -> list[ArticleGraph]:
    """Copies of the graphs with one article deliberately broken."""
    out = []
    for ag in graphs:
        g = copy.deepcopy(ag.graph) if ag.identifier == identifier else ag.graph
        if ag.identifier == identifier:
            if person_as_org:
                assert (PERSON, RDF.type, NG.Person) in g
                g.add((PERSON, RDF.type, NG.Organization))
            if drop_member:
                assert (MEMBERSHIP, ORG.member, None) in g
                g.remove((MEMBERSHIP, ORG.member, None))
            if second_date:
                event = next(iter(g.subjects(SEM.hasTimeStamp, None)))
                g.add((event, SEM.hasTimeStamp, Literal("1999-01-01", datatype=XSD.date)))
        out.append(ArticleGraph(ag.iri, ag.identifier, g))
    return out


# ------------------------------------------------------------------ parsing

def test_parses_in_rdflib_and_pyoxigraph_alike(onto):
    ox = list(parse(path=str(ONTOLOGY_FILE), format=RdfFormat.TURTLE))
    assert len(onto) > 700
    assert len(ox) == len(onto)
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in onto
    version = str(onto.value(header, OWL.versionInfo))
    assert onto.value(header, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert onto.value(header, DCTERMS.license) is not None
    assert onto.value(header, DCTERMS.creator) is not None
    assert any(str(n).startswith(version) for n in onto.objects(header, SKOS.changeNote)), "no notes for this version"


def test_loads_in_owlready2(onto):
    import owlready2
    world = owlready2.World()
    nt = onto.serialize(format="nt", encoding="utf-8")
    o = world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(nt), format="ntriples")
    person = world[str(NG.Person)]
    organization = world[str(NG.Organization)]
    assert person is not None and organization is not None
    assert world[str(NG.Actor)] in person.is_a
    disjoint = {e for d in person.disjoints() for e in d.entities}
    assert organization in disjoint
    assert world[str(NG.host)] in world[str(SEM.hasActor)].subclasses()
    assert len(list(o.classes())) > 40


# ------------------------------------------------------------------ documentation and coverage

def test_every_term_has_a_label_and_a_comment(onto):
    missing = []
    for kind in DECLARATIONS:
        for t in onto.subjects(RDF.type, kind):
            if not isinstance(t, URIRef):
                continue
            for p in (RDFS.label, RDFS.comment):
                values = [v for v in onto.objects(t, p) if str(v).strip()]
                if not values:
                    missing.append(f"{t} {p}")
    assert not missing, missing


def test_the_issue_s_classes_and_properties_are_there(onto):
    for name in ("Actor", "Person", "Organization", "Place", "Post", "Role", "Membership", "Event", "Meeting",
                 "PhoneCall", "Visit", "Appointment", "Signing", "Statement", "Article", "Mention"):
        assert (NG[name], RDF.type, OWL.Class) in onto, name
    for part in ("host", "guest", "speaker", "appointee", "signatory", "visitor", "participant"):
        assert (NG[part], RDFS.subPropertyOf, SEM.hasActor) in onto, part
    assert (NG.inCapacity, RDFS.range, ORG.Membership) in onto  # the post an actor acted in
    assert (ORG.subOrganizationOf, RDFS.subPropertyOf, ORG.transitiveSubOrganizationOf) in onto
    assert (ORG.memberDuring, RDFS.range, URIRef("http://www.w3.org/2006/time#Interval")) in onto
    # a seat (ng:Post, in one organization) as against a role type (ng:Role)
    assert (NG.Post, RDFS.subClassOf, ORG.Post) in onto and (NG.Role, RDFS.subClassOf, ORG.Role) in onto


def test_alignments_to_the_named_vocabularies(onto):
    supers = {str(o) for s in onto.subjects(RDF.type, OWL.Class) if str(s).startswith(str(NG))
              for o in onto.objects(s, RDFS.subClassOf) if isinstance(o, URIRef)}
    for ns in ("http://xmlns.com/foaf/0.1/", "http://www.w3.org/ns/org#", "http://semanticweb.cs.vu.nl/2009/11/sem/",
               "http://www.w3.org/ns/prov#", "http://schema.org/", "http://www.w3.org/2004/02/skos/core#",
               "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"):
        assert any(s.startswith(ns) for s in supers), f"no Newsgraph class is aligned to {ns}"
    # Dublin Core describes the ontology and the articles
    assert (DCTERMS.identifier, RDF.type, OWL.DatatypeProperty) in onto


def test_declares_every_class_and_property_the_mapper_emits(store, onto):
    # owl:sameAs (merged entities, GeoNames links) is OWL's own vocabulary, which OWL 2 DL may not redeclare
    declared = {s for kind in DECLARATIONS for s in onto.subjects(RDF.type, kind)} | {RDF.type, RDFS.label, OWL.sameAs}
    used = set()
    for ag in article_graphs(store):
        used |= set(ag.graph.predicates())
        used |= {o for o in ag.graph.objects(None, RDF.type)}
    undeclared = sorted(str(t) for t in used - declared)
    assert not undeclared, undeclared


def test_alignment_queries_work_without_reasoning(store):
    def ask(q: str, **subs) -> bool:
        return bool(store.query(q, substitutions={k: NamedNode(v) for k, v in subs.items()}))
    assert ask("ASK { ?x a/rdfs:subClassOf* foaf:Person }", x=str(ASHIMBAYEV))
    assert ask("ASK { ?x a/rdfs:subClassOf* sem:Actor }", x=str(ASHIMBAYEV))
    assert ask("ASK { ?x a/rdfs:subClassOf* schema:Person }", x=str(ASHIMBAYEV))
    assert ask("ASK { ?e a/rdfs:subClassOf* schema:Event ; sem:hasActor ?x }", x=str(ASHIMBAYEV))
    assert ask("ASK { ?m a/rdfs:subClassOf* prov:Entity ; org:member ?x }", x=str(ASHIMBAYEV))
    assert not ask("ASK { ?x a/rdfs:subClassOf* org:Organization }", x=str(ASHIMBAYEV))


# ------------------------------------------------------------------ reasoning

def test_java_runs_so_hermit_is_the_default():
    # scripts/system-deps installs a Java runtime; without it `auto` falls back to OWL 2 RL
    assert java_available()


@pytest.mark.parametrize("reasoner", [HERMIT, OWLRL])
def test_consistent_with_the_seed_graph(seed_graphs, reasoner):
    report = reason(seed_graphs, reasoner=reasoner)
    assert report.consistent, report.text()
    assert report.ok, report.text()
    assert ("HermiT" if reasoner == HERMIT else "OWL 2 RL") in report.reasoner
    inferred = report.inferred
    # the property chain org:hasMembership / org:organization gives org:memberOf
    senate = URIRef(BASE + "id/organization/senate-kazakhstan")
    assert (ASHIMBAYEV, ORG.memberOf, senate) in inferred
    assert (senate, ORG.hasMember, ASHIMBAYEV) in inferred
    # defined class: a NIF phrase naming an entity is a ng:Mention; a person is an actor
    assert any(inferred.subjects(RDF.type, NG.Mention))
    assert (ASHIMBAYEV, RDF.type, NG.Actor) in inferred
    assert not any(p in (OWL.sameAs, OWL.differentFrom) for p in inferred.predicates())


@pytest.mark.parametrize("reasoner", [HERMIT, OWLRL])
def test_a_person_typed_as_an_organization_is_inconsistent(seed_graphs, reasoner):
    report = reason(_broken(seed_graphs, "102_appointment", person_as_org=True), reasoner=reasoner)
    assert not report.consistent
    assert len(report.inferred) == 0
    clash = [f for f in report.findings if f.kind == INCONSISTENCY]
    assert clash, report.text()
    f = next(f for f in clash if "ng:Person" in f.message)
    assert "Disjoint classes" in f.message and "ng:Organization" in f.message
    assert f.individuals == (str(PERSON),)
    assert f.articles == ("102_appointment",)


@pytest.mark.parametrize("reasoner", [HERMIT, OWLRL])
def test_a_membership_without_a_member_is_caught(seed_graphs, reasoner):
    report = reason(_broken(seed_graphs, "102_appointment", drop_member=True), reasoner=reasoner)
    # open world: consistent (some member is assumed); the closed-world reading of the ontology's
    # cardinality restriction reports it
    assert report.consistent
    assert not report.ok
    [f] = report.findings
    assert f.kind == CONSTRAINT
    assert f.message == f"ng:Membership requires exactly 1 org:member (a ng:Actor); <{MEMBERSHIP}> has 0"
    assert f.individuals == (str(MEMBERSHIP),) and f.articles == ("102_appointment",)


def test_hermit_names_the_article_of_a_clash_owl_rl_cannot_see(seed_graphs):
    graphs = _broken(seed_graphs[:2], seed_graphs[1].identifier, second_date=True)
    hermit = reason(graphs, reasoner=HERMIT)
    assert not hermit.consistent
    assert any(f.kind == INCONSISTENCY and f.articles == (graphs[1].identifier,) for f in hermit.findings)
    rl = reason(graphs, reasoner=OWLRL)
    assert rl.consistent  # two distinct dates are no OWL 2 RL clash...
    assert [f.message.split(";")[0] for f in rl.findings] == ["ng:Event requires at most 1 sem:hasTimeStamp"]


def test_inferred_facts_are_written_to_their_own_graph(seed_graphs):
    store = GraphStore.memory()
    report = reason(seed_graphs, reasoner=OWLRL)
    iri = write_inferred(store, report.inferred, BASE)
    assert iri == BASE + "graph/inferred"
    rows = list(store.query("SELECT ?g ?p ?o WHERE { GRAPH ?g { ?p org:memberOf ?o } }",
                            substitutions={"g": NamedNode(iri), "p": NamedNode(str(ASHIMBAYEV))}))
    assert {r["o"].value for r in rows} >= {BASE + "id/organization/senate-kazakhstan"}
    assert len(store) == len(report.inferred)
    write_inferred(store, rdflib.Graph(), BASE)  # replaced, not appended
    assert len(store) == 0
