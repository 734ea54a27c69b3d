"""Undated articles are articles: read, ingested (`kg ingest --strict`, `kg ingest --out`), valid
(SHACL, OWL), served (HTML pages, JSON-LD, SPARQL, reports, charts) and exported, with no
schema:datePublished and no made-up date anywhere.

The articles are tests/fixtures/undated (invented people and countries, written for these tests):
four undated ones, one way each (` date 0000-00-00`, no date line, JSON `null`, no JSON field), and
one dated JSON record about the same people, so undated and dated facts meet in one report row.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
import rdflib
import requests
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, RdfFormat, parse, parse_query_results

from kg.read.articles import Article, parse_seed_text, read_paths
from kg.config import Settings
from kg.errors import ArticleError
from kg.store.rdflib_bridge import article_graphs, ontology_graph
from kg.views.profile import EventRow, Page, PostRow, Profile, Ref
from kg.ontology.reason import OWLRL, reason, restrictions
from kg.store.local import GraphStore
from kg.ontology.validate import VIOLATION, ShapeValidator
from server import charts, create_app
from tests.conftest import BASE, FIXTURES, KG, ROOT, start_server, stop_server

UNDATED = FIXTURES / "undated"
UNDATED_IDS = {"u01_seed", "u02_noline", "u03-null", "u03-missing"}
DATED_ID = "u03-dated"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
SCHEMA_DATE = "http://schema.org/datePublished"
VARNHOLT = BASE + "id/person/ilsa-varnholt"
MAKEPEACE = BASE + "id/person/dorian-makepeace"
QUIST = BASE + "id/person/anselm-quist"
SECRETARY_GENERAL = BASE + "id/membership/dorian-makepeace--secretary-general--northern-lakes-council"


def article_iri(ident: str) -> str:
    return BASE + "id/article/" + ident


def _kg(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "KG_BASE_IRI": BASE}
    return subprocess.run(KG + list(args), capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)


# ------------------------------------------------------------------------------------ reading

def test_the_four_ways_of_being_undated_are_read_as_undated():
    items = list(read_paths([UNDATED]))
    assert all(isinstance(a, Article) for a in items), [str(a) for a in items]
    by_id = {a.id: a for a in items}
    assert set(by_id) == UNDATED_IDS | {DATED_ID}
    assert {i for i, a in by_id.items() if a.date is None} == UNDATED_IDS
    assert by_id[DATED_ID].date == dt.date(2024, 11, 8)
    seed = by_id["u01_seed"]           # " date 0000-00-00 headline"
    assert seed.headline == "Speaker Ilsa Varnholt meets Northern Lakes Council head Dorian Makepeace"
    assert seed.body.startswith("MARBELLO, 14 March. VELPRESS - ")
    noline = by_id["u02_noline"]       # no date line: line 1 is the headline, a blank line follows
    assert noline.headline == "Governor Anselm Quist receives Veloria trade delegation"
    assert noline.body.startswith("Governor of the Eastern Province Anselm Quist met")
    assert by_id["u03-null"].headline == "Petra Oyelaran meets Dorian Makepeace"
    assert by_id["u03-missing"].headline.startswith("Hedda Lindqvar appointed")
    for a in items:
        assert a.text[a.body_offset:] == a.body


def test_an_undated_text_without_a_headline_line_is_all_body():
    a = parse_seed_text("Ilsa Varnholt met Anselm Quist in Marbello.\nThey discussed ferries.\n", "x")
    assert (a.date, a.headline, a.body) == (None, "", "Ilsa Varnholt met Anselm Quist in Marbello.\nThey discussed ferries.")
    crlf = parse_seed_text("\r\nFerry line opens\r\n\r\nThe new line crosses Lake Ombra.\r\n", "y")
    assert (crlf.date, crlf.headline, crlf.body) == (None, "Ferry line opens", "The new line crosses Lake Ombra.")
    # an undated and a dated reading of the same text differ, so re-ingest notices the change
    dated = parse_seed_text(" date 2024-11-08 Ferry line opens\n\nThe new line crosses Lake Ombra.", "y")
    assert parse_seed_text(" date 0000-00-00 Ferry line opens\n\nThe new line crosses Lake Ombra.", "y").checksum \
        == parse_seed_text("Ferry line opens\n\nThe new line crosses Lake Ombra.", "y").checksum != dated.checksum


@pytest.mark.parametrize("content, line, reason", [
    (" date 2022-13-45 Ferry line opens\n\nBody.", 1, "date '2022-13-45' is not a valid YYYY-MM-DD date"),
    (" date foo Ferry line opens\n\nBody.", 1, "line 1 must be ' date YYYY-MM-DD headline'"),
    (" date\n\nBody.", 1, "line 1 must be ' date YYYY-MM-DD headline'"),
    ("Date 2022-01-05 Ferry line opens\n\nBody.", 1, "line 1 must be ' date YYYY-MM-DD headline'"),
    ("\n\n date 2022-01-05 Ferry line opens\n\nBody.", 3, "the date line must be line 1"),
])
def test_a_bad_date_line_is_still_an_error_naming_file_and_line(tmp_path, content, line, reason):
    p = tmp_path / "bad.txt"
    p.write_text(content, encoding="utf-8")
    [err] = list(read_paths([p]))
    assert isinstance(err, ArticleError), err
    assert (err.path, err.line) == (str(p), line)
    assert str(err).startswith(f"{p}:{line}: ") and reason in err.reason


def test_json_lines_null_missing_empty_and_zero_dates_are_undated_bad_ones_are_errors(tmp_path):
    p = tmp_path / "records.jsonl"
    records = [
        {"id": "n1", "date": None, "headline": "H", "text": "T."},
        {"id": "n2", "headline": "H", "text": "T."},
        {"id": "n3", "date": "", "headline": "H", "text": "T."},
        {"id": "n4", "date": "0000-00-00", "headline": "H", "text": "T."},
        {"id": "b1", "date": "2022-13-45", "headline": "H", "text": "T."},
        {"id": "b2", "date": 20220105, "headline": "H", "text": "T."},
        {"id": "b3", "date": "foo", "headline": "H", "text": "T."},
    ]
    p.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    items = list(read_paths([p]))
    assert [(a.id, a.date) for a in items if isinstance(a, Article)] == [("n1", None), ("n2", None), ("n3", None),
                                                                         ("n4", None)]
    errors = {e.line: str(e) for e in items if isinstance(e, ArticleError)}
    assert errors == {
        5: f"{p}:5: date '2022-13-45' is not a valid YYYY-MM-DD date",
        6: f"{p}:6: field 'date' must be a string (or null when the date is unknown)",
        7: f"{p}:7: date 'foo' is not a valid YYYY-MM-DD date",
    }


# ------------------------------------------------------------------------------------ ingest

@pytest.fixture(scope="module")
def disk_store(tmp_path_factory) -> Path:
    """The fixture articles ingested by the real `kg ingest --strict` into RocksDB."""
    path = tmp_path_factory.mktemp("undated") / "store"
    r = _kg("ingest", "--quiet", "--strict", "--store", str(path), str(UNDATED))
    assert r.returncode == 0, r.stderr
    assert "5 ingested, 0 unchanged, 0 failed" in r.stderr
    return path


@pytest.fixture(scope="module")
def store(disk_store) -> GraphStore:
    """An in-memory copy of that store, for in-process checks and the Flask test client."""
    source = GraphStore.open_read_only(disk_store)
    copy = GraphStore.memory()
    copy.add_quads(list(source.quads()))
    return copy


def ask(store: GraphStore, query: str) -> bool:
    return bool(store.query(query))


def test_the_graph_holds_undated_articles_without_a_publication_date(store):
    rows = store.query("SELECT ?id ?d WHERE { ?a a ng:Article ; dcterms:identifier ?id ; schema:headline ?h ; "
                       "schema:text ?t OPTIONAL { ?a schema:datePublished ?d } }")
    dates = {r["id"].value: (r["d"].value if r["d"] is not None else None) for r in rows}
    assert dates == {**{i: None for i in UNDATED_IDS}, DATED_ID: "2024-11-08"}
    # nothing in an undated article's graph is a publication date or a date seen
    for ident in UNDATED_IDS:
        g = article_iri(ident)
        assert not ask(store, f"ASK {{ GRAPH <{g}> {{ ?s schema:datePublished|ng:dateSeen ?d }} }}"), ident
        assert ask(store, f"ASK {{ GRAPH <{g}> {{ <{g}> a ng:Article ; schema:mentions ?e ; ng:context ?c }} }}"), ident


def test_its_entities_posts_and_events_are_there(store):
    g = article_iri("u01_seed")
    people = {r["l"].value for r in store.query(
        f"SELECT ?l WHERE {{ GRAPH <{g}> {{ <{g}> schema:mentions ?p . ?p a foaf:Person ; ng:preferredName ?l }} }}")}
    assert {"Ilsa Varnholt", "Dorian Makepeace", "Petra Oyelaran"} <= people
    assert ask(store, f"ASK {{ GRAPH <{g}> {{ ?m a org:Membership ; org:member <{MAKEPEACE}> ; "
                      f"org:role/rdfs:label 'Secretary-General' ; prov:wasDerivedFrom <{g}> }} }}")
    events = {(r["k"].value.rsplit("#", 1)[-1], r["d"].value if r["d"] is not None else None) for r in store.query(
        f"SELECT ?k ?d WHERE {{ GRAPH <{g}> {{ ?e a ?k ; prov:wasDerivedFrom <{g}> "
        f"OPTIONAL {{ ?e sem:hasTimeStamp ?d }} }} ?k rdfs:subClassOf ng:Event }}")}
    # "today" and "on Monday" give no date in an undated article, nor does the dateline's "14 March"
    # (no year); the full date "on 7 November 2024" is still the visit's date
    assert events == {("Meeting", None), ("PhoneCall", None), ("Visit", "2024-11-07")}
    # "yesterday" (no date line), "on Friday" (null), "today" (no date field): no date either
    for ident in ("u02_noline", "u03-null", "u03-missing"):
        a = article_iri(ident)
        assert ask(store, f"ASK {{ GRAPH <{a}> {{ ?e a ng:Meeting ; sem:hasActor ?x }} }}"), ident
        assert not ask(store, f"ASK {{ GRAPH <{a}> {{ ?e sem:hasTimeStamp ?d }} }}"), ident
    # the dated article's relative "on Friday" is still dated by its article
    assert ask(store, f"ASK {{ GRAPH <{article_iri(DATED_ID)}> {{ ?e a ng:Meeting ; "
                      f"sem:hasTimeStamp '2024-11-08'^^xsd:date }} }}")


def test_kg_ingest_out_writes_n_quads_without_a_date_and_kg_load_reads_them(tmp_path):
    out = tmp_path / "undated.nq"
    r = _kg("ingest", "--quiet", "--out", str(out), str(UNDATED))
    assert r.returncode == 0, r.stderr
    quads = list(parse(path=str(out), format=RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    assert {article_iri(i) for i in UNDATED_IDS | {DATED_ID}} <= graphs
    dated = {q.subject.value: q.object.value for q in quads if q.predicate.value == SCHEMA_DATE}
    assert dated == {article_iri(DATED_ID): "2024-11-08"}
    assert any(q.subject.value == article_iri("u02_noline") and q.object.value == "Governor Anselm Quist receives "
               "Veloria trade delegation" for q in quads)
    db = tmp_path / "loaded"
    r = _kg("load", "--store", str(db), str(out))
    assert r.returncode == 0, r.stderr
    loaded = GraphStore.open_read_only(db)
    assert {r["id"].value for r in loaded.query(
        "SELECT ?id WHERE { ?a a ng:Article ; dcterms:identifier ?id FILTER NOT EXISTS { ?a schema:datePublished ?d } }")} \
        == UNDATED_IDS


def test_kg_export_writes_the_undated_articles(disk_store, tmp_path):
    out = tmp_path / "export.nq"
    r = _kg("export", "--store", str(disk_store), "--output", str(out))
    assert r.returncode == 0, r.stderr
    quads = list(parse(path=str(out), format=RdfFormat.N_QUADS))
    articles = {q.subject.value for q in quads
                if q.predicate.value == str(rdflib.RDF.type) and q.object.value.endswith("ontology#Article")}
    assert articles == {article_iri(i) for i in UNDATED_IDS | {DATED_ID}}
    assert [q.subject.value for q in quads if q.predicate.value == SCHEMA_DATE] == [article_iri(DATED_ID)]


# ------------------------------------------------------------------------------- validation

def test_kg_validate_passes_shacl_and_both_reasoners(disk_store):
    r = _kg("validate", "--store", str(disk_store))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "5 article graph(s) checked, 5 conform; 0 violation(s)" in r.stdout
    r = _kg("validate", "--store", str(disk_store), "--reason", "--reasoner", "hermit")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "reasoner: HermiT" in r.stdout and "OWL: consistent; 0 closed-world" in r.stdout


def test_the_shapes_and_the_ontology_allow_no_date_but_not_two(store):
    validator = ShapeValidator()
    [ag] = list(article_graphs(store, ["u01_seed"]))
    assert validator.validate_graph(ag.graph, "u01_seed") == []
    a = rdflib.URIRef(article_iri("u01_seed"))
    date = rdflib.URIRef(SCHEMA_DATE)
    ag.graph.add((a, date, rdflib.Literal("2024-01-01", datatype=rdflib.XSD.date)))
    ag.graph.add((a, date, rdflib.Literal("2024-01-02", datatype=rdflib.XSD.date)))
    found = [p.message for p in validator.validate_graph(ag.graph, "u01_seed") if p.severity == VIOLATION]
    assert found == ["An article has at most one publication date (schema:datePublished), an xsd:date; "
                     "an undated article has none."]
    # the ontology: at most one date (the closed-world check reads it so), not exactly one
    [article] = [r for r in restrictions(ontology_graph())
                 if str(r.cls).endswith("#Article") and str(r.prop) == SCHEMA_DATE]
    assert (article.low, article.high) == (None, 1) and article.wanted() == "at most 1 schema:datePublished"
    report = reason(list(article_graphs(store)), reasoner=OWLRL)
    assert report.consistent and report.ok, report.text()


# ------------------------------------------------------------------------------------ pages

@pytest.fixture(scope="module")
def client(store):
    return create_app(store, Settings(base_iri=BASE, write_token="test-token")).test_client()


def html(client, path: str) -> str:
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200, (path, r.status_code)
    return r.get_data(as_text=True)


def test_the_home_page_lists_undated_articles_after_dated_ones(client):
    page = html(client, "/")
    latest = page.split("<h2>Latest articles</h2>", 1)[1].split("</ul>", 1)[0]
    items = re.findall(r'<li><span class="date[^"]*">([^<]*)</span> &middot; <a href="[^"]*/article/([^"]+)">', latest)
    assert items[0] == ("2024-11-08", DATED_ID)
    assert sorted(i for _, i in items[1:]) == sorted(UNDATED_IDS)
    assert {d for d, _ in items[1:]} == {"date unknown"}
    assert '<b data-count="articles">5</b>' in page


def test_the_article_page_renders_and_says_the_date_is_unknown(client):
    page = html(client, "/doc/article/u01_seed.html")
    assert '<p class="published">Published: <span class="date unknown">date unknown</span></p>' in page
    assert "Speaker Ilsa Varnholt meets Northern Lakes Council head Dorian Makepeace" in page
    assert 'class="mention"' in page and 'id="facts"' in page          # text with mentions, facts taken
    assert "Visit: Dorian Makepeace (2024-11-07)" in page
    dated = html(client, "/doc/article/u03-dated.html")
    assert '<p class="published">Published: <span class="date">2024-11-08</span></p>' in dated


def test_entity_pages_list_undated_events_and_count_them_under_the_timeline(client):
    page = html(client, "/doc/person/ilsa-varnholt.html")
    events = page.split('<section id="events">', 1)[1].split("</section>", 1)[0]
    dates = re.findall(r'<span class="date[^"]*">([^<]*)</span>\s*<span class="kind">', events)
    assert dates == ["2024-11-08", "date unknown", "date unknown", "date unknown"]   # newest first, undated last
    timeline = page.split('<section id="timeline">', 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r'<circle class="event"', timeline)) == 1                  # only the dated meeting
    assert "Not on the time axis (no date known): 3 events, 2 articles" in timeline
    assert "Anselm Quist" in page.split('<section id="who-met-whom">', 1)[1]         # met undated only
    # a post stated only by undated articles: listed, "date unknown"; its page shows the sources
    person = html(client, "/doc/person/dorian-makepeace.html")
    posts = person.split('<section id="posts">', 1)[1].split("</section>", 1)[0]
    row = next(tr for tr in posts.split("<tr>") if "Secretary-General" in tr)
    assert '<td class="date unknown" colspan="2">date unknown</td>' in row
    membership = html(client, "/doc/membership/dorian-makepeace--secretary-general--northern-lakes-council.html")
    sources = membership.split('<section id="sources">', 1)[1].split("</section>", 1)[0]
    assert sources.count('class="source-article"') == 2 and "date unknown" in sources


def test_json_ld_and_turtle_of_an_undated_article(client):
    for ext, fmt in (("jsonld", RdfFormat.JSON_LD), ("ttl", RdfFormat.TURTLE)):
        r = client.get(f"/doc/article/u03-null.{ext}")
        assert r.status_code == 200, ext
        triples = list(parse(r.data, fmt))
        about = {t.predicate.value: t.object.value for t in triples if t.subject.value == article_iri("u03-null")}
        assert about["http://schema.org/headline"] == "Petra Oyelaran meets Dorian Makepeace", ext
        assert SCHEMA_DATE not in about, ext
    dated = list(parse(client.get(f"/doc/article/{DATED_ID}.jsonld").data, RdfFormat.JSON_LD))
    assert Literal("2024-11-08", datatype=NamedNode(XSD_DATE)) in {t.object for t in dated
                                                                   if t.predicate.value == SCHEMA_DATE}


def test_sparql_over_the_protocol_finds_undated_articles(client):
    q = "SELECT ?id WHERE { ?a a ng:Article ; dcterms:identifier ?id FILTER NOT EXISTS { ?a schema:datePublished ?d } }"
    r = client.get("/sparql?" + urlencode({"query": q}), headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert {b["id"]["value"] for b in r.get_json()["results"]["bindings"]} == UNDATED_IDS


def test_the_void_statistics_count_undated_articles(client):
    r = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    documents = [t.object.value for t in parse(r.data, RdfFormat.N_TRIPLES)
                 if t.predicate.value == "http://rdfs.org/ns/void#documents"]
    assert documents == ["5"]


# ---------------------------------------------------------------------------------- reports

def run(client, name: str, **params) -> list[dict[str, str | None]]:
    r = client.get(f"/queries/{name}/run?" + urlencode({**params, "format": "json"}))
    assert r.status_code == 200, r.get_data(as_text=True)
    parsed = parse_query_results(r.data, QueryResultsFormat.JSON)
    return [{v.value: (row[v].value if row[v] is not None else None) for v in parsed.variables} for row in parsed]


def test_posts_of_person_lists_a_post_seen_only_undated_last_and_without_dates(client):
    rows = run(client, "posts_of_person", person=MAKEPEACE)
    assert [(r["role"], r["first"], r["last"], r["articles"]) for r in rows] == [
        ("Head", "2024-11-08", "2024-11-08", "2"),            # in u01 (undated) and u03-dated
        ("Secretary-General", None, None, "2"),               # in u01 and u03-null, both undated
    ]
    speaker = run(client, "posts_of_person", person=VARNHOLT)
    assert [(r["role"], r["first"], r["articles"]) for r in speaker] == [("Speaker", "2024-11-08", "3")]


def test_people_of_organization_includes_posts_from_undated_articles(client):
    rows = run(client, "people_of_organization", org=BASE + "id/organization/northern-lakes-council")
    assert [(r["personLabel"], r["role"], r["first"], r["last"]) for r in rows] == [
        ("Dorian Makepeace", "Head", "2024-11-08", "2024-11-08"), ("Dorian Makepeace", "Secretary-General", None, None)]


def test_who_met_whom_counts_undated_meetings_and_keeps_the_last_known_date(client):
    rows = {(r["aLabel"], r["bLabel"]): (r["meetings"], r["last"]) for r in run(client, "who_met_whom")}
    # one undated and one dated meeting: both counted, the dated one is the last (a plain MAX over
    # the pair's dates would be unbound)
    assert rows[("Dorian Makepeace", "Ilsa Varnholt")] == ("2", "2024-11-08")
    assert rows[("Anselm Quist", "Ilsa Varnholt")] == ("1", None)
    assert rows[("Anselm Quist", "Hedda Lindqvar")] == ("1", None)
    since = {(r["aLabel"], r["bLabel"]): r["meetings"] for r in run(client, "who_met_whom", since="2024-01-01")}
    assert since == {("Dorian Makepeace", "Ilsa Varnholt"): "1"}


def test_meetings_of_person_and_person_network_include_undated_meetings(client):
    rows = run(client, "meetings_of_person", person=VARNHOLT)
    got = [(r["withLabel"], r["date"]) for r in rows]
    assert got[0] == ("Dorian Makepeace", "2024-11-08")
    assert sorted(got[1:]) == [("Anselm Quist", None), ("Dorian Makepeace", None), ("Petra Oyelaran", None)]
    r = client.get("/queries/person_network/run?" + urlencode({"person": VARNHOLT, "format": "turtle"}))
    assert r.status_code == 200
    triples = list(parse(r.data, RdfFormat.TURTLE))
    knows = {t.object.value for t in triples if t.predicate.value == "http://xmlns.com/foaf/0.1/knows"}
    assert knows == {MAKEPEACE, QUIST, BASE + "id/person/petra-oyelaran"}


def test_date_reports_leave_undated_events_out(client):
    rows = run(client, "events_between", **{"from": "2024-01-01", "to": "2024-12-31"})
    assert [(r["kind"].rsplit("#", 1)[-1], r["date"]) for r in rows] == [("Visit", "2024-11-07"), ("Meeting", "2024-11-08")]
    days = run(client, "events_per_day", kind="ng:Meeting")
    assert [(r["day"], r["events"]) for r in days] == [("2024-11-08", "1")]
    page = client.get("/queries/events_between", headers={"Accept": "application/json"}).get_json()
    assert "Events without a date" in page["description"]


def test_report_pages_with_undated_rows_render(client):
    r = client.get("/queries/posts_of_person/run?" + urlencode({"person": MAKEPEACE}), headers={"Accept": "text/html"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="chart"' in page and "Secretary-General" in page


# ----------------------------------------------------------------------------------- charts

def _event(label: str, date: str | None) -> EventRow:
    return EventRow(iri=BASE + "id/event/" + label, label=label, kinds=["Meeting"], date=date, place=None,
                    actors=[], sources=[])


def test_the_timeline_draws_only_dated_things_and_counts_the_rest():
    p = Profile(label="Ilsa Varnholt", aliases=[], types=[])
    p.events = Page([_event("dated", "2024-11-08"), _event("undated-1", None), _event("undated-2", None)], 1, False, 3)
    p.event_years, p.events_undated, p.mention_years, p.mentions_undated = {2024: 1}, 2, {2024: 1}, 1
    p.posts = Page([PostRow(None, Ref(BASE + "id/role/speaker", "Speaker"), None, None, None, 2, SECRETARY_GENERAL, [])],
                   1, False)
    svg = str(charts.timeline(p, lambda iri: iri))
    assert svg.count('<circle class="event"') == 1 and "undated-1" not in svg
    assert 'class="post"' not in svg                                       # the undated post is not drawn
    assert "Not on the time axis (no date known): 2 events, 1 article, 1 post" in svg
    # nothing dated at all: no chart, and no crash
    q = Profile(label="Anselm Quist", aliases=[], types=[])
    q.events, q.events_undated = Page([_event("undated", None)], 1, False, 1), 1
    assert charts.timeline(q, lambda iri: iri) is None


# ------------------------------------------------------------------- the real server, a browser

@pytest.fixture(scope="module")
def server(disk_store, tmp_path_factory):
    proc, url = start_server(disk_store, tmp_path_factory.mktemp("undated-log") / "serve.log")
    try:
        yield url
    finally:
        stop_server(proc)


def test_over_http_sparql_the_article_and_an_entity(server):
    q = "SELECT ?id WHERE { ?a a ng:Article ; dcterms:identifier ?id FILTER NOT EXISTS { ?a schema:datePublished ?d } }"
    r = requests.post(server + "/sparql", data={"query": q}, headers={"Accept": "text/csv"}, timeout=30)
    assert r.status_code == 200 and set(r.text.split()[1:]) == UNDATED_IDS
    page = requests.get(server + "/id/article/u02_noline", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "date unknown" in page.text and "Lake Ombra" in page.text
    person = requests.get(server + "/id/person/anselm-quist", headers={"Accept": "text/html"}, timeout=30)
    assert person.status_code == 200 and "Governor" in person.text and "date unknown" in person.text
    ttl = requests.get(server + "/id/article/u01_seed", headers={"Accept": "text/turtle"}, timeout=30)
    g = rdflib.Graph().parse(data=ttl.text, format="turtle")
    assert (rdflib.URIRef(article_iri("u01_seed")), rdflib.URIRef(SCHEMA_DATE), None) not in g
    assert (rdflib.URIRef(article_iri("u01_seed")), rdflib.RDF.type,
            rdflib.URIRef("https://w3id.org/newsgraph/ontology#Article")) in g


def test_the_report_chart_in_a_browser_skips_and_counts_undated_rows(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/queries/posts_of_person/run?" + urlencode({"person": MAKEPEACE, "format": "html"}))
    WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#chart svg.chart-timeline")))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chart svg.chart-timeline rect.span")) == 1   # Head only
    note = browser.find_element(By.CSS_SELECTOR, "#chart svg.chart-timeline text.undated")
    assert note.text == "1 row without a date, not drawn"
