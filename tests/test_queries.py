"""Canned queries: every file parses and returns rows on the seed store; parameters are typed values."""
from __future__ import annotations

import pytest

from kg import queries
from kg.config import PROJECT_ROOT
from kg.errors import BadRequest

CATALOGUE = queries.load_dir(PROJECT_ROOT / "queries")


def test_there_are_at_least_five_documented_reports():
    assert len(CATALOGUE) >= 5
    for q in CATALOGUE.values():
        assert q.summary and q.description, q.name


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_report_runs_on_the_seed_store_and_returns_rows(store, name):
    q = CATALOGUE[name]
    rows = list(store.query(q.sparql, substitutions=q.bindings({})))
    assert rows, f"{name} returned nothing with its defaults"


def test_parameters_from_grlc_variable_names():
    q = queries.parse_query("t", "SELECT ?_person_iri ?__limit_integer ?_from_date ?_name WHERE { ?_person_iri ?p ?o }")
    got = {(p.name, p.type, p.required) for p in q.params}
    assert got == {("person", "iri", True), ("limit", "integer", False), ("from", "date", True), ("name", "string", True)}


@pytest.mark.parametrize("ptype, value", [
    ("iri", "http://x/a> } UNION { ?s ?p ?o"), ("iri", "not an iri"), ("date", "2020-01-01' || true"),
    ("integer", "1; DROP ALL"), ("boolean", "maybe"),
])
def test_hostile_values_are_refused(ptype, value):
    q = queries.parse_query("t", f"SELECT ?_v_{ptype} WHERE {{ ?s ?p ?_v_{ptype} }}")
    with pytest.raises(BadRequest):
        q.bindings({"v": value})


def test_string_values_are_bound_as_plain_literals_and_never_change_the_shape(store):
    q = queries.parse_query("t", "SELECT ?_name ?p WHERE { ?p rdfs:label ?_name }")
    for hostile in ['x" } UNION { ?p ?q ?r', "x'}#", "a\nb", "}"]:
        rows = list(store.query(q.sparql, substitutions=q.bindings({"name": hostile})))
        assert rows == []
    rows = list(store.query(q.sparql, substitutions=q.bindings({"name": "Sultan Raev"})))
    assert len(rows) == 1


def test_unknown_and_missing_parameters_are_400():
    q = CATALOGUE["posts_of_person"]
    with pytest.raises(BadRequest, match="unknown parameter"):
        q.bindings({"persn": "http://x"})
    q2 = queries.parse_query("t", "SELECT ?_who_iri WHERE { ?_who_iri ?p ?o }")
    with pytest.raises(BadRequest, match="missing required"):
        q2.bindings({})
