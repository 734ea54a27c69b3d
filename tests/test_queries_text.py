"""The lexical analysis behind the projection rewrite: strings, IRIs and comments never confuse it,
and every rewrite it makes is a query Oxigraph accepts."""
from __future__ import annotations

import pytest
from pyoxigraph import Store

from kg.sparql import text as query_text
from kg.vocab import PREFIXES


def test_braces_and_keywords_inside_strings_iris_and_comments_are_not_structure():
    body = '{ ?a <http://x/p#WHERE> "} WHERE {" . ?a ?p \'\'\'GROUP BY ?b\'\'\' FILTER(?a < ?_z) }'
    text = "#+ summary: SELECT { WHERE\nSELECT ?a # GROUP BY ?x }\nWHERE " + body
    shape = query_text.analyse(text)
    assert shape.form == "SELECT" and shape.projection == ["a"] and shape.group_end == -1
    new, added = query_text.project(text, shape, ["_z"])
    assert added == ["_z"]
    assert new == "#+ summary: SELECT { WHERE\nSELECT ?a # GROUP BY ?x }\n ?_z WHERE " + body
    Store().query(new)  # parses


@pytest.mark.parametrize("text, form, projection, star", [
    ("PREFIX x: <http://x/> SELECT DISTINCT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a", "SELECT", ["a", "n"], False),
    ("SELECT * { ?a ?p ?b }", "SELECT", [], True),
    ("CONSTRUCT { ?a ?p ?b } WHERE { ?a ?p ?b }", "CONSTRUCT", [], False),
    ("ASK { ?a ?p ?b }", "ASK", [], False),
    ("DESCRIBE ?a WHERE { ?a ?p ?b }", "DESCRIBE", [], False),
])
def test_forms_and_projections(text, form, projection, star):
    shape = query_text.analyse(text)
    assert (shape.form, shape.projection, shape.star) == (form, projection, star)


@pytest.mark.parametrize("text", [
    "SELECT ?a WHERE { ?a ?p ?_x }",
    "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?p ?_x } GROUP BY ?a ORDER BY ?n LIMIT 3",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?_x }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?_x } HAVING (COUNT(*) > 0)",
    "SELECT ?a WHERE { ?a ?p ?_x } GROUP BY (STR(?a) AS ?s) ?a",
    "SELECT REDUCED ?a FROM <http://x/g> WHERE { ?a ?p ?_x } VALUES ?a { <http://x/a> }",
    "SELECT ?a WHERE { { SELECT ?a ?_x WHERE { ?a ?p ?_x } } }",
])
def test_every_rewrite_is_accepted_by_oxigraph_and_binds_the_parameter(text):
    shape = query_text.analyse(text)
    assert "_x" in shape.visible
    new, added = query_text.project(text, shape, ["_x"])
    assert added == ["_x"]
    from pyoxigraph import NamedNode, Variable
    Store().query(new, prefixes=PREFIXES, substitutions={Variable("_x"): NamedNode("http://x/v")})


def test_a_variable_used_only_inside_an_unprojecting_sub_select_is_not_visible():
    shape = query_text.analyse("SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?_x } } }")
    assert "_x" in shape.used and "_x" not in shape.visible
