"""What the graph says about one resource: the data behind its Linked Data documents.

A :class:`Description` holds

- every outgoing triple of the resource, each with the named graphs (articles) stating it: up
  to :data:`GRAPHS_PER_TRIPLE` of them, and how many there are;
- the labels and types of everything it links to (and of what links to it, on this page);
- what links to it, counted per property and *paged* (:data:`PAGE_SIZE` links a page, in a
  stable order), never an unbounded reverse lookup;
- when the IRI names a graph (an article: graph IRI = article IRI), that graph's content, so the
  article's NIF strings (``{article}#char=b,e``) dereference with it.

The union default graph repeats a triple once per graph stating it (an entity's label is in
every article naming it), so labels and types are read with bounded index lookups
(:func:`objects`) rather than joined in SPARQL, and counts use ``COUNT(DISTINCT ...)``.

SPARQL here binds the resource with pyoxigraph ``substitutions``, which Oxigraph applies only to
variables of the SELECT projection: every (sub)query therefore projects ``?s``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, Triple

from kg.store import Store
from kg.vocab import NIF, OWL, RDF, RDFS, SCHEMA, SKOS

#: Inbound links per page of a description.
PAGE_SIZE = 100
#: Named graphs listed per outgoing triple (the count says how many there are in all).
GRAPHS_PER_TRIPLE = 10
#: Values read per (subject, predicate) when looking up labels and types.
VALUES_PER_LOOKUP = 20
#: A named graph larger than this is not inlined in the description of its IRI.
MAX_GRAPH_QUADS = 20_000

#: The properties that name a thing, best first (a NIF string is named by its text).
LABELS = (RDFS.label, SKOS.prefLabel, SCHEMA.headline, SCHEMA.name, NIF.anchorOf)

Term = Any


@dataclass
class Statement:
    """One outgoing triple and the named graphs that state it."""

    predicate: NamedNode
    object: Term
    graphs: list[Term] = field(default_factory=list)          # named graphs (or the default graph)
    n_graphs: int = 0                                          # named graphs stating it, in all


@dataclass
class Description:
    """See the module docstring. ``page`` counts from 1."""

    iri: str
    page: int = 1
    page_size: int = PAGE_SIZE
    outgoing: list[Statement] = field(default_factory=list)
    context: list[Quad] = field(default_factory=list)            # labels/types of linked things
    inbound: list[Quad] = field(default_factory=list)            # this page of links to the resource
    inbound_counts: dict[NamedNode, int] = field(default_factory=dict)
    graph: list[Quad] = field(default_factory=list)              # the graph the IRI names, if any

    @property
    def node(self) -> NamedNode:
        return NamedNode(self.iri)

    @property
    def inbound_total(self) -> int:
        """Inbound links in all (distinct subject and property pairs)."""
        return sum(self.inbound_counts.values())

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.inbound_counts or self.graph)

    @property
    def pages(self) -> int:
        """How many pages of inbound links there are (at least 1)."""
        return max(1, -(-self.inbound_total // self.page_size))

    def quads(self) -> list[Quad]:
        """The description as quads, each in a graph stating it (for N-Quads and TriG)."""
        out: list[Quad] = []
        seen: set[Quad] = set()
        node = self.node
        for st in self.outgoing:
            for g in st.graphs:
                out.append(Quad(node, st.predicate, st.object, g))
        out.extend(self.graph)
        out.extend(self.inbound)
        out.extend(self.context)
        return [q for q in out if not (q in seen or seen.add(q))]

    def triples(self) -> list[Triple]:
        """The description as distinct triples (for Turtle, N-Triples, JSON-LD, RDF/XML)."""
        seen: set[Triple] = set()
        node = self.node
        ts = [Triple(node, st.predicate, st.object) for st in self.outgoing]
        ts += [q.triple for q in self.graph + self.inbound + self.context]
        return [t for t in ts if not (t in seen or seen.add(t))]

    def values(self, predicate: NamedNode) -> list[Term]:
        """The objects of the resource's own ``predicate`` triples."""
        return [st.object for st in self.outgoing if st.predicate == predicate]


# ---------------------------------------------------------------------------------- lookups

def objects(store: Store, subject: Term, predicate: NamedNode,
            limit: int = VALUES_PER_LOOKUP) -> list[Quad]:
    """Quads ``subject predicate ?o ?g`` with distinct objects, at most ``limit`` of them.

    One index range scan; the union graph's repetitions (one per graph) are skipped, so the cost
    is bounded by ``limit`` distinct values times the repetitions read, never by the graph size.
    """
    out: list[Quad] = []
    seen: set[Term] = set()
    for q in islice(store.quads(subject, predicate, None, None), limit * 50):
        if q.object not in seen:
            seen.add(q.object)
            out.append(q)
            if len(out) >= limit:
                break
    return out


def label(store: Store, term: Term) -> str | None:
    """The name of a term: its longest ``rdfs:label`` (the fullest name), else another label."""
    if not isinstance(term, (NamedNode, BlankNode)):
        return None
    for pred in LABELS:
        found = [q.object.value for q in objects(store, term, pred, 5)]
        if found:
            return max(found, key=len)
    return None


def exists(store: Store, iri: str) -> bool:
    """True when the graph states anything about ``iri`` or links to it (two index seeks)."""
    node = NamedNode(iri)
    return (next(store.quads(node, None, None, None), None) is not None
            or next(store.quads(None, None, node, None), None) is not None
            or store.has_graph(iri))


def merged_into(store: Store, iri: str) -> str | None:
    """The entity an alias IRI was merged into (``?e owl:sameAs <iri>`` in an article graph, and
    nothing stated about ``iri`` itself), else None: the old IRI of a merge keeps answering."""
    node = NamedNode(iri)
    if next(store.quads(node, None, None, None), None) is not None:
        return None
    targets = sorted({q.subject.value for q in islice(store.quads(None, OWL.sameAs, node, None), 100)
                      if isinstance(q.subject, NamedNode)})
    return targets[0] if len(targets) == 1 else None


# ---------------------------------------------------------------------------------- describe

_OUTGOING = """
SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }
GROUP BY ?s ?p ?o ORDER BY ?p ?o"""
_INBOUND_COUNTS = "SELECT ?s ?p (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x ?p ?s } GROUP BY ?s ?p ORDER BY ?p"
def describe(store: Store, iri: str, page: int = 1, page_size: int = PAGE_SIZE) -> Description:
    """Describe ``iri`` (see the module docstring); :attr:`Description.exists` is False when unknown.

    :param page: which page of inbound links (from 1).
    """
    node = NamedNode(iri)
    d = Description(iri, page=max(1, page), page_size=page_size)
    sub = {"s": node}
    for r in store.query(_OUTGOING, substitutions=sub):
        p, o = r["p"], r["o"]
        graphs = [q.graph_name for q in islice(store.quads(node, p, o, None),
                                               GRAPHS_PER_TRIPLE)]
        d.outgoing.append(Statement(p, o, graphs, int(r["n"].value)))
    # triples in the default graph (not from an article: written by a SPARQL Update, say)
    stated = {(st.predicate, st.object) for st in d.outgoing}
    for q in islice(store.quads(node, None, None, DefaultGraph()), MAX_GRAPH_QUADS):
        if (q.predicate, q.object) not in stated:
            d.outgoing.append(Statement(q.predicate, q.object, [q.graph_name], 0))
    for r in store.query(_INBOUND_COUNTS, substitutions=sub):
        d.inbound_counts[r["p"]] = int(r["n"].value)
    d.inbound = _inbound_page(store, node, d.inbound_counts, (d.page - 1) * page_size, page_size)
    if store.has_graph(node.value):
        d.graph = list(islice(store.quads(None, None, None, node), MAX_GRAPH_QUADS))
    d.context = _context(store, d)
    return d


def _inbound_page(store: Store, node: NamedNode, counts: dict[NamedNode, int],
                  offset: int, size: int) -> list[Quad]:
    """Links ``?x ?p node`` number ``offset`` to ``offset + size``, ordered by property (IRI)
    and then by the store's index order, each with one graph stating it.

    Read from the predicate-object index: the per-property counts say which properties the page
    falls in, so the scan skips whole properties and reads at most ``offset + size`` links of
    one property (a SPARQL ``ORDER BY`` would sort every link first).
    """
    out: list[Quad] = []
    for p in sorted(counts, key=lambda t: t.value):
        n = counts[p]
        if offset >= n:
            offset -= n
            continue
        last = None
        for q in store.quads(None, p, node, None):
            if q.subject == last:          # the same link stated in another graph
                continue
            last = q.subject
            if offset:
                offset -= 1
                continue
            out.append(q)
            if len(out) >= size:
                return out
        offset = 0
    return out


def _context(store: Store, d: Description) -> list[Quad]:
    """Labels and types of the things the resource links to and of this page's inbound subjects."""
    in_graph = {q.subject for q in d.graph}
    linked: list[Term] = []
    rdf_type, rdfs_label = RDF.type, RDFS.label
    for st in d.outgoing:
        if isinstance(st.object, NamedNode) and st.predicate != rdf_type:
            linked.append(st.object)
    linked += [q.subject for q in d.inbound]
    out: list[Quad] = []
    seen: set[Term] = set()
    for term in linked:
        if term in seen or term in in_graph or term == d.node:
            continue
        seen.add(term)
        labels = objects(store, term, rdfs_label, 5)
        out += labels
        out += objects(store, term, rdf_type, 5)
        if not labels:
            for pred in LABELS[1:]:
                found = objects(store, term, pred, 1)
                if found:
                    out += found
                    break
    return out
