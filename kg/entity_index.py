"""An in-memory mirror of the entity names in the store, which cross-article resolution reads
during ingest.

The resolver (:class:`kg.resolve.StoreResolver`) asks, for each short-form mention, "which stored
entity is called X?". Asked of the store, every such question scans the union of all article
graphs, where each entity's type and labels are repeated once per article mentioning it: 13 ms a
question on a RocksDB store of only 300 articles, more than the spaCy pipeline spends on a whole
article, and growing with the corpus. This index holds the same triples (each entity's
``rdf:type``, ``rdfs:label`` and ``skos:altLabel``) once each, in one in-memory Oxigraph graph,
and answers the resolver's own SPARQL in 0.3 ms (and a question asked again before the index
changes, such as a name seen in many articles, from the rows kept the first time).

It is an exact mirror, not a cache: each triple carries the number of article graphs that state
it, so replacing an article removes the names only its old version gave. Resolution therefore
sees what the store holds at that moment, as if it queried the store (other writers to the same
store during an ingest excepted). If the resolver comes to read other predicates, add them to
:data:`PREDICATES`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyoxigraph import NamedNode, Quad, QuerySolutions, Store, Triple

from kg.mapping import ENTITY_CLASSES
from kg.store import GraphStore
from kg.vocab import RDF, RDFS, SKOS

#: What the resolver reads about an entity.
PREDICATES = (RDF.type, RDFS.label, SKOS.altLabel)
_CLASSES = frozenset(ENTITY_CLASSES.values())
_PREDICATE_SET = frozenset(PREDICATES)

_STORED = """SELECT ?e ?p ?o (COUNT(DISTINCT ?g) AS ?n) WHERE {
  GRAPH ?g { ?e a ?class ; ?p ?o }
  VALUES ?class { %s }
  VALUES ?p { %s }
} GROUP BY ?e ?p ?o"""
_IN_GRAPH = """SELECT ?g ?e ?p ?o WHERE {
  GRAPH ?g { ?e a ?class ; ?p ?o }
  VALUES ?class { %s }
  VALUES ?p { %s }
}"""


def _values(terms: Iterable[NamedNode]) -> str:
    return " ".join(str(t) for t in terms)


def entity_triples(quads: Iterable[Quad]) -> set[Triple]:
    """The triples of ``quads`` (one article's graph) that the index holds."""
    # one pass over the quads (each attribute read builds a Python object from Rust)
    entities = set()
    candidates = []
    for q in quads:
        p = q.predicate
        if p in _PREDICATE_SET:
            t = q.triple
            candidates.append(t)
            if p == RDF.type and t.object in _CLASSES:
                entities.add(t.subject)
    return {t for t in candidates if t.subject in entities}


class _Graph(GraphStore):
    """The index's in-memory store. The same SELECT asked again before the index changes (a name
    seen in many articles) is answered from the rows kept the first time."""

    def __init__(self) -> None:
        super().__init__(Store(), None)
        self._answers: dict[tuple, list[Any]] = {}

    def changed(self) -> None:
        self._answers.clear()

    def query(self, sparql: str, *, substitutions: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        if kwargs:
            return super().query(sparql, substitutions=substitutions, **kwargs)
        key = (sparql, tuple(sorted((k, str(v)) for k, v in (substitutions or {}).items())))
        rows = self._answers.get(key)
        if rows is None:
            result = super().query(sparql, substitutions=substitutions)
            if not isinstance(result, QuerySolutions):
                return result
            rows = self._answers[key] = list(result)
        return rows


class EntityIndex:
    """Entity types and names, once each, reference-counted by the article graphs stating them."""

    def __init__(self) -> None:
        #: A GraphStore, so the resolver runs its SPARQL on it unchanged.
        self.graph = _Graph()
        self._counts: dict[Triple, int] = {}

    @classmethod
    def from_store(cls, store: Any) -> "EntityIndex":
        """The index of what ``store`` (a GraphStore or RemoteStore) holds now: one query."""
        index = cls()
        rows = store.query(_STORED % (_values(_CLASSES), _values(PREDICATES)), prefixes=False)
        for r in rows:
            t = Triple(r["e"], r["p"], r["o"])
            index._counts[t] = int(r["n"].value)
        index.graph.store.extend(Quad(t.subject, t.predicate, t.object) for t in index._counts)
        return index

    def stored_triples(self, store: Any, graph_iri: str) -> set[Triple]:
        """What the index counts for one article graph as ``store`` holds it (before replacing it)."""
        rows = store.query(_IN_GRAPH % (_values(_CLASSES), _values(PREDICATES)),
                           substitutions={"g": NamedNode(graph_iri)}, prefixes=False)
        return {Triple(r["e"], r["p"], r["o"]) for r in rows}

    def replace(self, old: Iterable[Triple], new: Iterable[Triple]) -> None:
        """One article's graph changed from stating ``old`` to stating ``new``."""
        old, new = set(old), set(new)
        gone, added = [], []
        for t in old - new:
            n = self._counts.get(t, 0) - 1
            if n <= 0:
                self._counts.pop(t, None)
                gone.append(t)
            else:
                self._counts[t] = n
        for t in new - old:
            n = self._counts.get(t, 0)
            self._counts[t] = n + 1
            if n == 0:
                added.append(t)
        if not gone and not added:
            return
        store = self.graph.store
        for t in gone:
            store.remove(Quad(t.subject, t.predicate, t.object))
        if added:
            store.extend(Quad(t.subject, t.predicate, t.object) for t in added)
        self.graph.changed()

    def __len__(self) -> int:
        return len(self._counts)
