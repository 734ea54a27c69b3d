"""What every store does the same way, written against the :class:`kg.store.Store` interface
(its ``query`` and ``replace_graph``), so the local and the remote store share it."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from kg.errors import StoreError
from kg.resources import ONTOLOGY_FILE, require
from kg.store import updates
from kg.vocab import ONTOLOGY_IRI


def ontology_quads(path: Path = ONTOLOGY_FILE) -> list[Quad]:
    """The ontology file's triples in the ontology graph, or an error naming the file."""
    g = NamedNode(ONTOLOGY_IRI)
    path = require(path, "the ontology (Turtle)")
    try:
        return [Quad(t.subject, t.predicate, t.object, g) for t in parse(path=str(path), format=RdfFormat.TURTLE)]
    except SyntaxError as e:
        raise StoreError(f"the ontology {path} is not valid Turtle: {e}") from None


class SharedMethods:
    """Mixed into both stores: the parts of the interface that need only ``query``/``replace_graph``."""

    def query(self, sparql: str, **kw: Any) -> Any:  # pragma: no cover - provided by the store
        raise NotImplementedError

    def replace_graph(self, graph_iri: str, quads: Iterable[Quad]) -> None:  # pragma: no cover
        raise NotImplementedError

    def load_ontology(self, path: Path | None = None) -> int:
        """Replace the ontology graph with the ontology file's triples; returns their number."""
        quads = ontology_quads(path or ONTOLOGY_FILE)
        self.replace_graph(ONTOLOGY_IRI, quads)
        return len(quads)

    def article_state(self, identifier: str) -> tuple[str, str] | None:
        """(checksum, extractor version) of a stored article, or None if it is not stored."""
        return self.article_states([identifier]).get(identifier)

    def article_states(self, identifiers: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Identifier -> (checksum, extractor version) of stored articles, in one query."""
        ids = list(dict.fromkeys(identifiers))
        if not ids:
            return {}
        rows = self.query("SELECT ?id ?sum ?ver WHERE { VALUES ?id { %s } "
                          "?a dcterms:identifier ?id ; ng:checksum ?sum ; ng:extractorVersion ?ver }"
                          % updates.terms(Literal(i) for i in ids))
        return {r["id"].value: (r["sum"].value, r["ver"].value) for r in rows}

    def article_graphs(self) -> list[str]:
        """The IRIs of the stored article graphs."""
        return [r["g"].value for r in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a ng:Article } }")]
