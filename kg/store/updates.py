"""SPARQL 1.1 Update requests built from pyoxigraph terms: how a graph is replaced in one transaction.

``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { ... } }`` is one request. Oxigraph runs a
request in one transaction (``Store.update``: "either the full operation succeeds, or nothing is
written"), and SPARQL 1.1 Update §2.2 asks every service to treat a request atomically
(https://www.w3.org/TR/sparql11-update/#updateServices), so an article's graph is never half
written, nor missing between the removal of its old version and the insertion of the new one.

Every term is written by pyoxigraph's N-Triples serialiser (which escapes it), never by formatting
raw values into the text.
"""
from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from kg.vocab import NG, RDFS

Term = NamedNode | Literal


def _triples_text(triples: list[Triple]) -> str:
    return serialize(triples, format=RdfFormat.N_TRIPLES).decode("utf-8")


def insert_data(quads: Iterable[Quad]) -> str:
    """An ``INSERT DATA`` operation holding ``quads``, one ``GRAPH`` block per named graph."""
    by_graph: dict[object, list[Triple]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(q.triple)
    blocks = []
    for graph, triples in by_graph.items():
        if isinstance(graph, DefaultGraph):
            blocks.append(_triples_text(triples))
        else:
            blocks.append(f"GRAPH {graph} {{\n{_triples_text(triples)}}}")
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def drop_graphs(graphs: Iterable[NamedNode]) -> str:
    """``DROP SILENT GRAPH`` for each graph (silent: a missing graph is not an error)."""
    return " ;\n".join(f"DROP SILENT GRAPH {g}" for g in graphs)


def replace_graph(graph: NamedNode, quads: Iterable[Quad]) -> str:
    """One request that replaces ``graph``'s content by ``quads`` (atomic, see the module doc)."""
    quads = list(quads)
    drop = drop_graphs([graph])
    return f"{drop} ;\n{insert_data(quads)}" if quads else drop


def terms(values: Iterable[Term]) -> str:
    """Terms for a ``VALUES`` block, each written by pyoxigraph (escaped), never raw text."""
    return " ".join(str(v) for v in values)


def delete_labels(graph: NamedNode, subjects: list[NamedNode]) -> str:
    """Remove the rdfs:label of each subject from one graph (the entities graph's labels)."""
    return (f"DELETE {{ GRAPH {graph} {{ ?e {RDFS.label} ?l }} }} "
            f"WHERE {{ VALUES ?e {{ {terms(subjects)} }} GRAPH {graph} {{ ?e {RDFS.label} ?l }} }}")


def preferred_names(subjects: list[NamedNode], graph: NamedNode) -> str:
    """The distinct ``ng:preferredName`` of each subject outside ``graph`` (a query, built here
    beside :func:`delete_labels` because it lists terms the same way)."""
    return (f"SELECT DISTINCT ?e ?n WHERE {{ VALUES ?e {{ {terms(subjects)} }} "
            f"GRAPH ?g {{ ?e {NG.preferredName} ?n }} FILTER(?g != {graph}) }}")
