"""Running a canned query: bind its parameters, page it, and give back a pyoxigraph result.

The result has the shape the author wrote: parameter variables that had to be added to the
projection so Oxigraph could substitute them (see :mod:`kg.sparql.text`) are dropped again, and
``limit``/``offset`` paging takes rows from the solution stream (Oxigraph stops evaluating when
the page is full) instead of editing the query's text. Both rebuild the page as a real
:class:`pyoxigraph.QuerySolutions` (through the SPARQL 1.1 JSON results format), so every caller
serialises it like any other result.
"""
from __future__ import annotations

import itertools
import json
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, QuerySolutions, Triple, parse_query_results

from kg.reports.catalogue import CannedQuery
from kg.store import Store

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def run(store: Store, query: CannedQuery, values: dict[str, str]) -> Any:
    """Run ``query`` with raw parameter ``values`` (strings, as from a URL or the CLI).

    :raise BadRequest: a value is missing, unknown or not of its parameter's type.
    """
    bound = query.bindings(values)
    offset, limit = query.paging(values)
    text, hidden = query.executable(frozenset(bound))
    result = store.query(text, substitutions=bound)
    if isinstance(result, QuerySolutions) and (hidden or offset or limit is not None):
        keep = [v.value for v in result.variables if v.value not in hidden]
        stop = None if limit is None else offset + limit
        result = _solutions(keep, itertools.islice(result, offset, stop))
    return result


def _term(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 JSON results format (https://www.w3.org/TR/sparql11-results-json/)."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {"type": "triple", "value": {"subject": _term(term.subject), "predicate": _term(term.predicate),
                                            "object": _term(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def _solutions(variables: list[str], rows: Any) -> QuerySolutions:
    bindings = [{v: _term(row[v]) for v in variables if row[v] is not None} for row in rows]
    doc = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}})
    return parse_query_results(doc, QueryResultsFormat.JSON)
