"""The bulk path: load an N-Quads file written by ``kg ingest --out`` into a store (``kg load``).

A bulk load is fast because it is not transactional (Oxigraph's ``bulk_load`` writes sorted files
directly; a remote server gets the file in one Graph Store Protocol POST). To keep the re-ingest
contract (an article's graph is replaced, never merged with an older version), the graphs the
file holds are dropped from the store first; so a killed load is repaired by running it again.
"""
from __future__ import annotations

import os
from typing import Any

from pyoxigraph import NamedNode, RdfFormat, parse

from kg.store import updates
from kg.errors import BadRequest

_DROP_BATCH = 500


def graphs_in(path: str | os.PathLike[str]) -> list[NamedNode]:
    """The named graphs an N-Quads file holds, in order of first appearance (one streaming pass)."""
    seen: dict[NamedNode, None] = {}
    for q in parse(path=str(path), format=RdfFormat.N_QUADS):
        if isinstance(q.graph_name, NamedNode):
            seen.setdefault(q.graph_name, None)
    return list(seen)


def load_nquads(store: Any, path: str | os.PathLike[str]) -> tuple[int, int]:
    """Replace the graphs ``path`` holds by its content; (graphs in the file, graphs dropped first).

    :raises BadRequest: the file is not N-Quads (found before anything is dropped).
    """
    try:
        graphs = graphs_in(path)
    except SyntaxError as e:
        raise BadRequest(f"{path} is not valid N-Quads: {e}") from None
    stored = set(store.article_graphs())
    replaced = [g for g in graphs if g.value in stored]
    for i in range(0, len(graphs), _DROP_BATCH):
        store.update(updates.drop_graphs(graphs[i:i + _DROP_BATCH]))
    store.bulk_load(path)
    store.load_ontology()
    store.flush()
    return len(graphs), len(replaced)
