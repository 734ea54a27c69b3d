"""Settling the store after a batch: cross-article resolution re-applied to every stored article
(so IRIs do not depend on the order articles arrive in), and one ``rdfs:label`` per entity in the
entities graph. Uses only the store's query, update and replace_graph, so it works on a remote
store too."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from pyoxigraph import NamedNode, Quad

from kg.iris import Minter
from kg.resolve.name_index import NameIndex, Use
from kg.resolve.resolver import merge_uses, label_quads, rename_quads, resolve_iri
from kg.store import updates
from kg.store import Store


def reconcile(store: Store, index: NameIndex, minter: Minter, max_rounds: int = 4) -> set[str]:
    """Re-resolve every stored article against all the others; rewrite the graphs that change.

    Returns the IRIs whose uses changed.
    """
    touched: set[str] = set()
    for _ in range(max_rounds):
        changed = False
        for graph in index.graphs():
            uses = index.uses(graph)
            renames = {}
            for use in uses:
                target = resolve_iri(index, minter, use.kind, use.local, use.keys, excluding=graph)
                if target != use.iri:
                    renames[use.iri] = target
            if renames:
                store.reopen_if_grown()  # rewriting reads each graph back: hand the caches back now and then
                rewrite_graph(store, graph, renames, minter)
                index.add_graph(graph, merge_uses([Use(renames.get(u.iri, u.iri), u.kind, u.local, u.keys)
                                                    for u in uses]))
                touched |= set(renames) | set(renames.values())
                changed = True
        if not changed:
            break
    return touched


def rewrite_graph(store: Store, graph: str, renames: dict[str, str], minter: Minter) -> None:
    """Replace entity IRIs in one article graph, renaming memberships minted from them.

    Uses only the store's query and replace_graph, so it works on a remote store too.
    """
    g = NamedNode(graph)
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", substitutions={"g": g})
    quads = [Quad(t.subject, t.predicate, t.object, g) for t in triples]
    store.replace_graph(graph, rename_quads(quads, renames, minter))


def refresh_labels(store: Store, minter: Minter, iris: Iterable[str] | None = None) -> int:
    """Give each entity one ``rdfs:label``, the best of its preferred names, in the entities graph.

    ``iris=None`` rebuilds the graph whole from one query (about a second for 10,000 articles);
    otherwise only those entities' labels are recomputed, 500 at a time (``iris`` may be a
    stream: it is read once, and each IRI should come once). Uses only the
    store's query, update and replace_graph and its quad patterns, so it works on a remote store
    too. Returns the number of labels written.
    """
    graph = minter.entities_graph()
    g = NamedNode(graph)
    if iris is None:
        preferred: dict[str, set[str]] = defaultdict(set)
        rows = store.query("SELECT ?e ?n ?eg WHERE { GRAPH ?g { ?e ng:preferredName ?n } FILTER(?g != ?eg) }",
                           substitutions={"eg": g})
        for r in rows:
            preferred[r["e"].value].add(r["n"].value)
        quads = label_quads(preferred, minter)
        store.replace_graph(graph, quads)
        return len(quads)
    written = 0
    for batch in _batches(iris, 500):
        # DISTINCT: the store compares names without reading every article graph's IRI
        preferred = {iri: set() for iri in batch}
        nodes = [NamedNode(i) for i in preferred]
        for r in store.query(updates.preferred_names(nodes, g)):
            preferred[r["e"].value].add(r["n"].value)
        new = label_quads({e: n for e, n in preferred.items() if n}, minter)
        store.update(updates.delete_labels(g, nodes))
        store.wrote(len(nodes))
        if new:
            store.update(updates.insert_data(new))
            store.wrote(len(new))
        written += len(new)
    return written


def _batches(iris: Iterable[str], size: int) -> Iterator[list[str]]:
    """Distinct IRIs in lists of ``size``, as they come (a set or a sorted stream from disk)."""
    batch: dict[str, None] = {}
    for iri in iris:
        batch[iri] = None
        if len(batch) >= size:
            yield list(batch)
            batch = {}
    if batch:
        yield list(batch)


