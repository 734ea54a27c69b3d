"""The reports API in-process (Flask test client on a private copy of the seed store): listing,
metadata, every result format, injection attempts in every parameter type, and saving."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote, urlencode

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from kg.config import Settings
from server import create_app
from tests.reports_support import memory_copy

BASE = "http://localhost:5000/"
TOKEN = {"Authorization": "Bearer test-token"}
RQ = {"Content-Type": "application/sparql-query"}
MAULEN = BASE + "id/person/maulen-ashimbayev"


@pytest.fixture()
def client(seed_store):
    app = create_app(memory_copy(seed_store), Settings(base_iri=BASE, write_token="test-token"))
    return app.test_client()


def test_list_as_json_and_html(client):
    r = client.get("/queries", headers={"Accept": "application/json"})
    assert r.status_code == 200
    items = {q["name"]: q for q in r.get_json()["queries"]}
    assert {"who_met_whom", "posts_of_person", "events_per_day", "person_network"} <= set(items)
    person = items["posts_of_person"]["parameters"][0]
    assert (person["name"], person["type"], person["required"], person["default"]) == ("person", "iri", False, MAULEN)
    assert items["posts_of_person"]["run"] == "/queries/posts_of_person/run"
    html = client.get("/queries", headers={"Accept": "text/html"})
    assert html.content_type.startswith("text/html") and b'href="/queries/who_met_whom"' in html.data
    assert client.get("/queries?format=nonsense").status_code == 400


def test_one_report_as_json_html_and_rq_text(client):
    j = client.get("/queries/events_between", headers={"Accept": "application/json"}).get_json()
    assert j["version"] == 1 and j["sparql"].startswith("#+ summary: Events between two dates")
    assert [p["name"] for p in j["parameters"]] == ["from", "to", "kind"]
    assert j["parameters"][2]["allowed"][0] == "ng:Meeting" and j["chart"]["type"] == "timeline"
    rq = client.get("/queries/events_between", headers={"Accept": "application/sparql-query"})
    assert rq.content_type.startswith("application/sparql-query") and rq.get_data(as_text=True) == j["sparql"]
    html = client.get("/queries/events_between", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'name="from"' in html and 'type="date"' in html and "<option value=\"ng:Meeting\"" in html
    assert client.get("/queries/no_such_report").status_code == 404


@pytest.mark.parametrize("fmt, media", [("json", "application/sparql-results+json"), ("csv", "text/csv"),
                                        ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml")])
def test_run_in_every_result_format_by_format_and_by_accept(client, fmt, media):
    url = "/queries/posts_of_person/run?person=" + quote(BASE + "id/person/sultan-raev")
    for r in (client.get(url + "&format=" + fmt), client.get(url, headers={"Accept": media})):
        assert r.status_code == 200 and r.content_type.startswith(media)
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
            assert [row["role"] for row in rows] == ["Secretary-General"]
        else:
            parsed = list(parse_query_results(r.data, {"json": QueryResultsFormat.JSON, "tsv": QueryResultsFormat.TSV,
                                                       "xml": QueryResultsFormat.XML}[fmt]))
            assert [row["role"].value for row in parsed] == ["Secretary-General"]


def test_run_as_an_html_page_with_table_chart_and_csv_link(client):
    r = client.get("/queries/who_met_whom/run", headers={"Accept": "text/html"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="results"' in html and "Sultan Raev" in html
    chart = html[html.index('<figure class="chart" id="chart"'):html.index("</figure>")]
    assert '<svg class="chart-network"' in chart and 'class="edge"' in chart   # drawn on the server
    assert '>Sultan Raev</text>' in chart
    assert 'href="/queries/who_met_whom/run?format=csv&amp;download=1"' in html
    download = client.get("/queries/who_met_whom/run?format=csv&download=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="who_met_whom.csv"'


@pytest.mark.parametrize("fmt, rdf", [("turtle", RdfFormat.TURTLE), ("ntriples", RdfFormat.N_TRIPLES),
                                      ("jsonld", RdfFormat.JSON_LD), ("rdfxml", RdfFormat.RDF_XML)])
def test_construct_reports_in_rdf_formats(client, fmt, rdf):
    r = client.get("/queries/person_network/run?format=" + fmt)
    assert r.status_code == 200
    triples = list(parse(r.data, rdf))
    knows = {t.object.value for t in triples if t.predicate.value == "http://xmlns.com/foaf/0.1/knows"}
    assert knows == {BASE + "id/person/sultan-raev"}
    assert client.get("/queries/person_network/run?format=csv").status_code == 400


# --- injection: every parameter type, every hostile value -----------------------------------------
INJECTION_REPORTS = {  # one report per type; the value may only ever be compared, never parsed
    "iri": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?s = ?_v_iri) }",
    "string": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?o = ?_v) }",
    "integer": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?o = ?_v_integer) }",
    "decimal": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?o = ?_v_decimal) }",
    "date": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?o = ?_v_date) }",
    "datetime": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?o = ?_v_datetime) }",
    "boolean": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?o = ?_v_boolean) }",
}
HOSTILE = [
    '" } UNION { ?s ?p ?o } #', "' } UNION { ?s ?p ?o } #", "}", "UNION", "# comment", "x\n} UNION { ?s ?p ?o",
    "http://x/a b", f"{MAULEN}> }} UNION {{ ?s ?p ?o }} <{MAULEN}", f"<{MAULEN}>", "1 } UNION { ?s ?p ?o",
    '2022-06-27" } UNION {', "true ) || (true", "1.5 UNION", "\\u0022 } UNION {", '"""', "?s", "*",
]
POSITIVE = {"iri": MAULEN, "string": "Sultan Raev", "date": "2022-06-27"}


@pytest.mark.parametrize("ptype", sorted(INJECTION_REPORTS))
def test_injection_attempts_are_refused_or_bound_as_plain_values(client, ptype):
    r = client.put(f"/queries/inject_{ptype}", data=INJECTION_REPORTS[ptype], headers={**TOKEN, **RQ})
    assert r.status_code == 201, r.data
    if ptype in POSITIVE:  # the test can fail: a real value does select rows
        ok = client.get(f"/queries/inject_{ptype}/run?" + urlencode({"v": POSITIVE[ptype], "format": "json"}))
        assert ok.status_code == 200 and ok.get_json()["results"]["bindings"]
    for value in HOSTILE:
        r = client.get(f"/queries/inject_{ptype}/run?" + urlencode({"v": value, "format": "json"}))
        if r.status_code == 400:
            continue
        assert r.status_code == 200, (value, r.data)
        body = r.get_json()
        assert body["head"]["vars"] == ["s", "p", "o"], value
        for row in body["results"]["bindings"]:  # every row matches the value itself, literally
            term = row["s"] if ptype == "iri" else row["o"]
            assert term["value"] == value, (value, row)


# --- saving ---------------------------------------------------------------------------------------
MINE = "#+ summary: Labels\nSELECT ?label WHERE { ?x a ?_type_iri ; rdfs:label ?label } ORDER BY ?label\n"


def test_saving_needs_the_token(client, seed_store):
    assert client.put("/queries/mine", data=MINE, headers=RQ).status_code == 401
    r = client.put("/queries/mine", data=MINE, headers={**RQ, "Authorization": "Bearer wrong"})
    assert r.status_code == 401 and "Bearer" in r.headers["WWW-Authenticate"]
    assert client.delete("/queries/who_met_whom").status_code == 401
    closed = create_app(memory_copy(seed_store), Settings(base_iri=BASE, write_token=None)).test_client()
    assert closed.put("/queries/mine", data=MINE, headers={**RQ, **TOKEN}).status_code == 403
    assert client.get("/queries/mine").status_code == 404


def test_a_syntax_error_is_400_with_the_parser_message_and_nothing_is_saved(client):
    r = client.put("/queries/mine", data="SELECT ?x WHERE { ?x ", headers={**RQ, **TOKEN, "Accept": "application/json"})
    assert r.status_code == 400 and "error at 1:" in r.get_json()["message"]
    assert client.get("/queries/mine").status_code == 404
    r = client.put("/queries/mine", data=MINE, headers={**TOKEN, "Content-Type": "application/json"})
    assert r.status_code == 415
    assert client.put("/queries/bad%20name", data=MINE, headers={**RQ, **TOKEN}).status_code == 400


def test_save_new_version_old_version_still_runs_delete_keeps_history(client):
    r = client.put("/queries/mine", data=MINE, headers={**RQ, **TOKEN})
    assert r.status_code == 201 and r.headers["Location"] == "/queries/mine/versions/1"
    people = client.get("/queries/mine/run?format=csv&type=foaf:Person").get_data(as_text=True)
    assert people.splitlines() == ["label", "Maulen Ashimbayev", "Sultan Raev"]
    v2 = MINE.replace("?label WHERE", "?x ?label WHERE").replace("Labels", "Labels and IRIs")
    r = client.put("/queries/mine", data=v2, headers={**RQ, **TOKEN})
    assert r.status_code == 200 and r.get_json()["version"] == 2
    assert client.get("/queries/mine/run?format=csv&type=foaf:Person").get_data(as_text=True).startswith("x,label")
    old = client.get("/queries/mine/versions/1/run?format=csv&type=foaf:Person")
    assert old.get_data(as_text=True) == people and old.headers["X-Report-Version"] == "1"
    assert client.get("/queries/mine/versions/1", headers={"Accept": "application/sparql-query"}).get_data(as_text=True) == MINE
    assert client.delete("/queries/mine", headers=TOKEN).get_json()["version"] == 3
    assert client.get("/queries/mine").status_code == 410
    assert "mine" not in {q["name"] for q in client.get("/queries?format=json").get_json()["queries"]}
    history = client.get("/queries/mine/versions").get_json()["versions"]
    assert [(v["version"], v["deleted"]) for v in history] == [(1, False), (2, False), (3, True)]
    assert client.get("/queries/mine/versions/2/run?format=csv&type=foaf:Person").status_code == 200
    assert client.get("/queries/mine/versions/3/run").status_code == 410
    assert client.get("/queries/mine/versions/9").status_code == 404


def test_saving_over_a_shipped_report_keeps_the_file_as_version_1(client):
    shipped = client.get("/queries/who_met_whom?format=rq").get_data(as_text=True)
    r = client.put("/queries/who_met_whom", data=shipped.replace("Who met whom", "Who met whom (v2)"),
                   headers={**RQ, **TOKEN})
    assert r.status_code == 200 and r.get_json()["version"] == 2
    assert client.get("/queries/who_met_whom?format=json").get_json()["title"] == "Who met whom (v2)"
    assert client.get("/queries/who_met_whom/versions/1?format=rq").get_data(as_text=True) == shipped


def test_openapi_document_lists_a_typed_operation_per_report(client):
    from openapi_spec_validator import validate
    doc = client.get("/openapi.json").get_json()
    validate(doc)
    op = doc["paths"]["/queries/events_between/run"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["from"]["schema"] == {"type": "string", "format": "date", "default": "2000-01-01"}
    assert params["kind"]["schema"]["enum"][0] == "ng:Meeting" and params["kind"]["required"] is False
    assert {"limit", "offset", "format"} <= set(params)
    assert doc["paths"]["/queries/{name}"]["put"]["security"] == [{"bearerAuth": []}]
    client.put("/queries/mine", data=MINE, headers={**RQ, **TOKEN})
    doc = client.get("/openapi.json").get_json()
    validate(doc)
    assert doc["paths"]["/queries/mine/run"]["get"]["parameters"][0]["schema"] == {"type": "string", "format": "uri"}
    assert json.dumps(doc)  # serialisable as it is served
