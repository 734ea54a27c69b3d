"""What the graph says about one resource: the data behind a Linked Data document and an HTML page.

A description holds the resource's outgoing triples (from every graph), the labels and types of
everything it links to, and a bounded, counted sample of what links to it: never an unbounded
reverse lookup.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import NamedNode, Triple

from kg.store import GraphStore
from kg.vocab import RDF, RDFS, SKOS

INBOUND_LIMIT = 100


@dataclass
class Description:
    iri: str
    triples: list[Triple] = field(default_factory=list)        # outgoing, plus labels/types of neighbours
    inbound: list[Triple] = field(default_factory=list)        # up to the limit
    inbound_total: int = 0
    graphs: list[str] = field(default_factory=list)            # named graphs stating something about it

    @property
    def exists(self) -> bool:
        return bool(self.triples or self.inbound)

    def all_triples(self) -> list[Triple]:
        return self.triples + self.inbound

    def values(self, predicate: NamedNode) -> list[Any]:
        return [t.object for t in self.triples if t.subject.value == self.iri and t.predicate == predicate]


_OUT = """
CONSTRUCT { ?s ?p ?o . ?o rdfs:label ?ol . ?o a ?ot . }
WHERE {
  { ?s ?p ?o }
  UNION { ?s ?p ?o . ?o rdfs:label ?ol }
  UNION { ?s ?p ?o . FILTER(isIRI(?o) && ?p != rdf:type) ?o a ?ot }
}"""
_IN = """
SELECT DISTINCT ?x ?p ?o ?xl WHERE { ?x ?p ?o . OPTIONAL { ?x rdfs:label ?xl } }
ORDER BY ?p ?x LIMIT %d"""
_IN_COUNT = "SELECT (COUNT(DISTINCT ?x) AS ?n) ?o WHERE { ?x ?p ?o } GROUP BY ?o"
_GRAPHS = "SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g LIMIT 1000"


def describe(store: GraphStore, iri: str, inbound_limit: int = INBOUND_LIMIT) -> Description:
    """Describe ``iri``; :attr:`Description.exists` is False when the graph does not know it."""
    node = NamedNode(iri)
    d = Description(iri)
    seen: set[Triple] = set()
    for t in store.query(_OUT, substitutions={"s": node}):
        if t not in seen:
            seen.add(t)
            d.triples.append(t)
    for r in store.query(_IN % inbound_limit, substitutions={"o": node}):
        d.inbound.append(Triple(r["x"], r["p"], node))
        if r["xl"] is not None:
            lt = Triple(r["x"], RDFS.label, r["xl"])
            if lt not in seen:
                seen.add(lt)
                d.triples.append(lt)
    rows = list(store.query(_IN_COUNT, substitutions={"o": node}))
    d.inbound_total = int(rows[0]["n"].value) if rows else 0
    d.graphs = [r["g"].value for r in store.query(_GRAPHS, substitutions={"s": node})]
    return d


def label_of(d: Description, term: Any) -> str | None:
    """The label the description gives a term (rdfs:label, else skos:prefLabel)."""
    for pred in (RDFS.label, SKOS.prefLabel):
        for t in d.triples:
            if t.subject == term and t.predicate == pred:
                return t.object.value
    return None


def types_of(d: Description, term: Any) -> list[Any]:
    return [t.object for t in d.triples if t.subject == term and t.predicate == RDF.type]
