"""The one SPARQL lexer (kg/sparql/lexer.py) that nesting limits, report parameters and bound values
all read: strings, IRIs and comments hide what is inside them; prefixed names are not keywords."""
from __future__ import annotations

import random

from kg.sparql import lexer
from kg.sparql.bind import BindError, where_brace
from kg.sparql.limits import add_using, max_depth

import pytest

TEXT = 'SELECT ?x WHERE { <http://a/{b}> "s{" ; ex:where \'\'\'x}\'\'\' # a comment {\n (1) } "open {'


def test_tokens_know_strings_iris_comments_and_prefixed_names():
    kinds = [(t.kind, t.text) for t in lexer.tokens(TEXT)]
    assert ("string", '"s{"') in kinds and ("string", "'''x}'''") in kinds
    assert ("word", "ex:where") in kinds and ("badstring", '"open {') in kinds
    assert not any("comment" in text for _, text in kinds)
    keywords = [t.keyword for t in lexer.tokens('SELECT ?where { <http://a/where> ex:where "where" }') if t.keyword]
    assert keywords == ["SELECT"]        # a variable, an IRI, a prefixed name and a string: no WHERE
    # an IRI may not hold a brace, so <http://a/{b}> is the `<` operator and a real brace
    assert ("punct", "<") in kinds


def test_bracket_depths_agree_with_the_full_token_stream():
    rng = random.Random(7)
    pieces = ["{", "}", "(", ")", '"{"', "'('", "<http://x/>", "# {\n", "?v", "ex:p", " ", "'''}\n'''", "<"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        full = [(t.text, d) for t, d in lexer.nesting(text) if t.is_punct("{}()")]
        assert list(lexer.bracket_depths(text)) == full, text


def test_closing_finds_the_matching_bracket_or_says_there_is_none():
    toks = lexer.tokenize("{ a { b } ( c ) }")
    assert toks[lexer.closing(toks, 0)].start == 16
    assert lexer.closing(lexer.tokenize("{ a { b }"), 0) == -1


def test_what_reads_the_lexer_ignores_hidden_brackets_and_keywords():
    assert max_depth("SELECT * { " + '"((((((((" ' * 20 + "}") == 1
    assert max_depth("ASK " + "{" * 70 + "}" * 70) == 70
    update = 'INSERT { ?s ?p "WHERE" } WHERE { ?s ?p ?o }  # WHERE in a comment'
    assert add_using(update, ["http://g/"], []).count("USING <http://g/>") == 1
    assert where_brace('SELECT ?x # {\nWHERE { ?x ?p "}" }') == len('SELECT ?x # {\nWHERE ')
    with pytest.raises(BindError):
        where_brace('SELECT ?x WHERE { ?x ?p "unterminated }')
