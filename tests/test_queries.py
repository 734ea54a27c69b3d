"""Canned queries: every shipped file runs on the seed store and returns rows; the header and the
grlc variable names give typed parameters; values are bound, never pasted; paging works."""
from __future__ import annotations

import pytest
from pyoxigraph import QueryTriples

from kg.reports import run as query_run

from kg.reports import catalogue as queries
from kg.resources import QUERIES_DIR
from kg.errors import BadRequest, QuerySyntaxError

CATALOGUE = queries.load_dir(QUERIES_DIR)
BASE = "http://localhost:5000/"


def test_there_are_documented_reports_of_every_chart_kind():
    assert len(CATALOGUE) >= 8
    for q in CATALOGUE.values():
        assert q.summary and q.description, q.name
    assert {q.chart["type"] for q in CATALOGUE.values() if q.chart} == {"bar", "line", "timeline", "network"}
    assert any(q.form == "CONSTRUCT" for q in CATALOGUE.values())


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_report_runs_on_the_seed_store_and_returns_rows(seed_store, name):
    q = CATALOGUE[name]
    result = query_run.run(seed_store, q, {})
    if isinstance(result, QueryTriples):
        assert len(list(result)) > 0, f"{name} built an empty graph"
        return
    assert [v.value for v in result.variables] == q.columns, "the result has the author's columns"
    rows = list(result)
    assert rows, f"{name} returned nothing with its defaults"


def test_parameters_from_grlc_variable_names():
    q = queries.parse_query("t", "SELECT ?p WHERE { ?_person_iri ?p ?o . ?o ?q ?__max_integer . "
                                 "FILTER(?o > ?_from_date || ?o = ?_name || ?o = ?_when_xsd_dateTime) }")
    got = {(p.name, p.type, p.required, p.variable) for p in q.params}
    assert got == {("person", "iri", True, "_person_iri"), ("max", "integer", False, "__max_integer"),
                   ("from", "date", True, "_from_date"), ("name", "string", True, "_name"),
                   ("when", "datetime", True, "_when_xsd_dateTime")}


def test_parameters_declared_in_the_header_with_type_default_enum_and_variable():
    text = """#+ summary: t
#+ parameters:
#+   - name: kind
#+     type: iri
#+     required: false
#+     enum: [ng:Meeting, ng:Visit]
#+     description: the kind of event
#+   - {name: n, type: integer, default: 3, variable: count}
#+   - {name: person, type: iri, required: false}
#+ defaults:
#+   - who: Sultan Raev
SELECT ?e WHERE { ?e a ?kind ; ng:n ?count ; sem:hasActor ?_person . ?x rdfs:label ?_who }"""
    q = queries.parse_query("t", text)
    ps = {p.name: p for p in q.params}
    assert ps["kind"] == queries.Param("kind", "iri", False, None, ("ng:Meeting", "ng:Visit"), "kind", "the kind of event")
    assert (ps["n"].type, ps["n"].default, ps["n"].variable, ps["n"].required) == ("integer", "3", "count", False)
    # the header refines a grlc variable: ?_person is required by its name, optional by the header
    assert (ps["person"].type, ps["person"].required, ps["person"].variable) == ("iri", False, "_person")
    assert (ps["who"].default, ps["who"].required) == ("Sultan Raev", False)
    with pytest.raises(BadRequest, match="must be one of"):
        q.bindings({"kind": "ng:Statement"})
    assert q.bindings({"kind": "ng:Visit"})["kind"].value.endswith("#Visit")


@pytest.mark.parametrize("text, message", [
    ("#+ parameters:\n#+   - {name: x, type: colour}\nSELECT ?x WHERE { ?s ?p ?x }", "unknown type"),
    ("#+ parameters:\n#+   - {name: y}\nSELECT ?x WHERE { ?s ?p ?x }", "does not use"),
    ("SELECT ?s WHERE { ?s ?p ?_format }", "not allowed"),
    ("#+ defaults:\n#+   - d: yesterday\nSELECT ?s WHERE { ?s ?p ?_d_date }", "not a date"),
    ("#+ chart: pie\nSELECT ?s WHERE { ?s ?p ?o }", "chart"),
    ("#+ chart: {type: bar, x: nope}\nSELECT ?s WHERE { ?s ?p ?o }", "not a column"),
    ("#+ chart: {type: line, x: s}\nSELECT ?s WHERE { ?s ?p ?o }", "needs the column"),
    ("#+ summary: [unclosed\nSELECT ?s WHERE { ?s ?p ?o }", "not valid YAML"),
    ("#+ pagination: many\nSELECT ?s WHERE { ?s ?p ?o }", "pagination"),
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(!BOUND(?__x)) }", "COALESCE"),
    ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?_hidden } } }", "sub-SELECT"),
    ("SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT ?s WHERE { ?s ?p ", "error at"),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "error at"),
])
def test_bad_reports_are_refused_with_a_message(text, message):
    with pytest.raises(QuerySyntaxError, match=message):
        queries.parse_query("t", text)


@pytest.mark.parametrize("ptype, value", [
    ("iri", "http://x/a> } UNION { ?s ?p ?o"), ("iri", "not an iri"), ("iri", "http://x/a b"),
    ("iri", "<http://x/a>"), ("iri", "http://x/\nb"), ("date", "2020-01-01' || true"), ("date", "2020-01-01 } #"),
    ("datetime", "2020-01-01T00:00:00\" } UNION {"), ("integer", "1; DROP ALL"), ("integer", "1 } UNION { ?s ?p ?o"),
    ("decimal", "1.5 UNION"), ("decimal", "NaN"), ("boolean", "maybe"), ("boolean", "true } #"),
])
def test_hostile_values_are_refused(ptype, value):
    q = queries.parse_query("t", f"SELECT ?s WHERE {{ ?s ?p ?_v_{ptype} }}")
    with pytest.raises(BadRequest):
        q.bindings({"v": value})


def test_string_values_are_bound_as_plain_literals_and_never_change_the_shape(seed_store):
    q = queries.parse_query("t", "SELECT ?p WHERE { ?p rdfs:label ?_name }")
    for hostile in ['x" } UNION { ?p ?q ?r }', "x'}#", "a\nb", "}", "UNION", "# x", '""" } UNION { ?p ?q ?r } """']:
        result = query_run.run(seed_store, q, {"name": hostile})
        assert [v.value for v in result.variables] == ["p"]
        assert list(result) == []
    rows = list(query_run.run(seed_store, q, {"name": "Sultan Raev"}))
    assert [r["p"].value for r in rows] == [BASE + "id/person/sultan-raev"]


def test_unknown_and_missing_parameters_are_400():
    q = CATALOGUE["posts_of_person"]
    with pytest.raises(BadRequest, match="unknown parameter"):
        q.bindings({"persn": "http://x"})
    q2 = queries.parse_query("t", "SELECT ?o WHERE { ?_who_iri ?p ?o }")
    with pytest.raises(BadRequest, match="missing required"):
        q2.bindings({})


def test_unprojected_parameters_are_projected_for_oxigraph_and_hidden_from_results(seed_store):
    """The author need not list parameters in the projection (or GROUP BY): same rows, own columns."""
    plain = queries.parse_query("t", "SELECT ?role (COUNT(*) AS ?n) WHERE { ?m org:member ?_person_iri ; "
                                     "org:role/rdfs:label ?role } GROUP BY ?role ORDER BY ?role")
    listed = queries.parse_query("t", "SELECT ?_person_iri ?role (COUNT(*) AS ?n) WHERE { ?m org:member ?_person_iri ; "
                                      "org:role/rdfs:label ?role } GROUP BY ?_person_iri ?role ORDER BY ?role")
    values = {"person": BASE + "id/person/maulen-ashimbayev"}
    a, b = query_run.run(seed_store, plain, values), query_run.run(seed_store, listed, values)
    assert [v.value for v in a.variables] == ["role", "n"]
    assert [v.value for v in b.variables] == ["_person_iri", "role", "n"]
    rows_a = [(r["role"].value, r["n"].value) for r in a]
    rows_b = [(r["role"].value, r["n"].value) for r in b]
    assert rows_a == rows_b and len(rows_a) == 2
    implicit = queries.parse_query("t", "SELECT (COUNT(*) AS ?n) WHERE { ?m org:member ?_person_iri }")
    assert [r["n"].value for r in query_run.run(seed_store, implicit, values)] == ["2"]


def test_optional_parameters_filter_only_when_given(seed_store):
    q = CATALOGUE["events_between"]
    every = list(query_run.run(seed_store, q, {}))
    statements = list(query_run.run(seed_store, q, {"kind": "ng:Statement"}))
    assert len(every) > len(statements) == 1
    assert statements[0]["kind"].value.endswith("#Statement")
    since = CATALOGUE["who_met_whom"]
    assert len(list(query_run.run(seed_store, since, {"since": "2022-01-01"}))) == 1
    assert list(query_run.run(seed_store, since, {"since": "2030-01-01"})) == []


def test_limit_offset_and_grlc_pages_take_slices_of_the_full_result(seed_store):
    q = CATALOGUE["facts_of_article"]
    key = lambda r: (r["s"].value, r["p"].value, str(r["o"]))  # noqa: E731
    everything = [key(r) for r in query_run.run(seed_store, q, {})]
    assert len(everything) > 250
    assert [key(r) for r in query_run.run(seed_store, q, {"limit": "7", "offset": "5"})] == everything[5:12]
    assert [key(r) for r in query_run.run(seed_store, q, {"page": "2"})] == everything[200:400]
    assert [key(r) for r in query_run.run(seed_store, q, {"offset": str(len(everything))})] == []
    for bad in ({"limit": "-1"}, {"offset": "x"}, {"page": "0"}):
        with pytest.raises(BadRequest):
            query_run.run(seed_store, q, bad)
    with pytest.raises(BadRequest, match="SELECT"):
        query_run.run(seed_store, CATALOGUE["person_network"], {"limit": "1"})
