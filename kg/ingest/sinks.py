"""Where ingest puts each article's quads: a store, or an N-Quads file for a bulk loader.

:class:`StoreSink` writes an article's graph, with its bookkeeping (``ng:checksum``,
``ng:extractorVersion`` are triples of that graph), in one transaction: see
:meth:`kg.store.local.GraphStore.replace_graph` and :mod:`kg.store.updates`. :class:`NQuadsSink` writes
N-Quads (``kg ingest --out``) for ``kg load``, ``oxigraph load`` or any other store's bulk loader.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, parse, serialize

from kg.resources import ONTOLOGY_FILE
from kg.vocab import ONTOLOGY_IRI


class StoreSink:
    """Writes into a GraphStore or RemoteStore; knows what is already stored."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._long_write = ExitStack()

    @property
    def where(self) -> str:
        return str(self.store.path or "an in-memory store")

    def start(self) -> None:
        """Refresh the ontology graph, and mark the writes to come (ingest and its settling, up
        to :meth:`close`) as one long write, so the store hands its caches back now and then."""
        self._long_write.enter_context(self.store.long_write())
        self.store.load_ontology()

    def states(self, identifiers: list[str]) -> dict[str, tuple[str, str]]:
        """(checksum, extractor version) of those of ``identifiers`` that are stored."""
        return self.store.article_states(identifiers)

    def write(self, graph_iri: str, quads: list[Quad]) -> None:
        self.store.replace_graph(graph_iri, quads)  # the store flushes its write buffers as needed
        self.store.reopen_if_grown()  # between articles: no query result is open

    def close(self, complete: bool) -> None:
        try:
            self.store.flush()
        finally:
            self._long_write.close()


class NQuadsSink:
    """Writes N-Quads to ``path`` (through ``path.part``, renamed when the run completes)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.part = self.path.with_name(self.path.name + ".part")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.part, "wb")

    @property
    def where(self) -> str:
        return str(self.path)

    def start(self) -> None:
        """The ontology first, so the file is a whole dataset for any bulk loader."""
        g = NamedNode(ONTOLOGY_IRI)
        self.write(ONTOLOGY_IRI, [Quad(t.subject, t.predicate, t.object, g)
                                  for t in parse(path=str(ONTOLOGY_FILE), format=RdfFormat.TURTLE)])

    def states(self, identifiers: list[str]) -> dict[str, tuple[str, str]]:
        return {}  # a file starts empty: every article is extracted

    def write(self, graph_iri: str, quads: Iterable[Quad]) -> None:
        serialize(quads, self._fh, format=RdfFormat.N_QUADS)

    def close(self, complete: bool) -> None:
        self._fh.close()
        if complete:
            self.part.replace(self.path)
