"""Settling the store after a batch: cross-article resolution re-applied to every stored article
(so IRIs do not depend on the order articles arrive in), the reports of one event given one IRI
(:func:`merge_events`), the kind of a name decided by the corpus (:func:`correct_kinds`), and one
``rdfs:label`` per entity in the entities graph. Uses only the store's query, update and replace_graph, so it works on a remote
store too."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad

from kg.iris import Minter
from kg.names import name_key, variant_key
from kg.vocab import ENTITY_TYPES, NG, RDFS
from kg.resolve import events, kinds
from kg.resolve.kinds import Correction, KindReport
from kg.resolve.events import EventReport
from kg.resolve.name_index import NameIndex, Use
from kg.resolve.resolver import label_quads, merge_uses, rename_quads, resolve_iri, retype_quads, uses_in_quads
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
                target = resolve_iri(index, minter, use.kind, use.local, use.keys, excluding=graph, roles=use.roles)
                if target != use.iri:
                    renames[use.iri] = target
            if renames:
                store.reopen_if_grown()  # rewriting reads each graph back: hand the caches back now and then
                rewrite_graph(store, graph, renames, minter)
                index.add_graph(graph, merge_uses([Use(renames.get(u.iri, u.iri), u.kind, u.local, u.keys, u.roles)
                                                    for u in uses]))
                touched |= set(renames) | set(renames.values())
                changed = True
        if not changed:
            break
    return touched


_EVENT_REPORTS = """
SELECT ?g ?e ?key ?kind ?date ?place ?actor ?document WHERE {
  GRAPH ?g { ?e ng:localKey ?key ; a ?kind ; ng:status ng:Happened ; sem:hasActor ?actor .
             OPTIONAL { ?e sem:hasTimeStamp ?date } OPTIONAL { ?e sem:hasPlace ?place }
             OPTIONAL { ?e ng:documentSigned ?document } }
  VALUES ?kind { ng:Meeting ng:PhoneCall ng:Visit ng:Appointment ng:Signing ng:Statement }
}"""


def event_reports(store: Store, minter: Minter) -> list[EventReport]:
    """Every article's claim of an event that happened, as the graphs state them now."""
    found: dict[tuple[str, str], dict] = {}
    for r in store.query(_EVENT_REPORTS):
        g, e = r["g"].value, r["e"].value
        x = found.setdefault((g, e), {"own": minter.entity(r["key"].value), "kind": r["kind"].value,
                                      "date": r["date"].value if r["date"] is not None else None,
                                      "place": r["place"].value if r["place"] is not None else None,
                                      "document": name_key(r["document"].value) if r["document"] is not None else None,
                                      "actors": set()})
        x["actors"].add(r["actor"].value)
    return [EventReport(g, e, x["own"], x["kind"], x["date"], x["place"], frozenset(x["actors"]), x["document"])
            for (g, e), x in found.items()]


def merge_events(store: Store, minter: Minter) -> set[str]:
    """Give the reports of one real event one IRI in every article graph (:mod:`kg.resolve.events`);
    returns the event IRIs that changed."""
    changed: set[str] = set()
    for graph, names in events.renames(event_reports(store, minter)).items():
        store.reopen_if_grown()
        rewrite_graph(store, graph, names, minter)
        changed |= set(names) | set(names.values())
    return changed


_KIND_REPORTS = """
SELECT ?g ?e ?key ?kind ?name ?use WHERE {
  GRAPH ?g { ?e ng:localKey ?key ; ng:preferredName ?name ; a ?kind .
             VALUES ?kind { ng:Person ng:Organization ng:Place }
             OPTIONAL { { ?x org:organization ?e BIND("organization" AS ?use) } UNION
                        { ?x sem:hasPlace ?e BIND("place" AS ?use) } UNION
                        { ?x sem:hasActor ?e BIND("actor" AS ?use) } UNION
                        { ?x org:member ?e BIND("member" AS ?use) } } }
}"""
_KIND_OF = {types[0].value: kind for kind, types in ENTITY_TYPES.items()}


def kind_reports(store: Store) -> list[KindReport]:
    """Every article's typing of its people, organizations and places, with how it uses them."""
    found: dict[tuple[str, str], dict] = {}
    for r in store.query(_KIND_REPORTS):
        x = found.setdefault((r["g"].value, r["e"].value), {
            "key": r["key"].value, "kind": _KIND_OF[r["kind"].value], "name": name_key(r["name"].value),
            "uses": set()})
        if r["use"] is not None:
            x["uses"].add(r["use"].value)
    return [KindReport(g, e, x["key"], x["kind"], x["name"], frozenset(x["uses"])) for (g, e), x in found.items()]


def correct_kinds(store: Store, index: NameIndex, minter: Minter) -> set[str]:
    """Retype the entities the corpus outvotes (:mod:`kg.resolve.kinds`) in their graphs, and
    tell the name index; returns the IRIs involved."""
    by_graph: dict[str, list[Correction]] = defaultdict(list)
    for c in kinds.corrections(kind_reports(store)):
        by_graph[c.graph].append(c)
    touched: set[str] = set()
    for graph, fixes in by_graph.items():
        store.reopen_if_grown()
        g = NamedNode(graph)
        triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", substitutions={"g": g})
        quads = retype_quads([Quad(t.subject, t.predicate, t.object, g) for t in triples], fixes)
        quads = rename_quads(quads, {c.iri: c.target for c in fixes}, minter)
        store.replace_graph(graph, quads)
        index.add_graph(graph, uses_in_quads(quads))
        touched |= {c.iri for c in fixes} | {c.target for c in fixes}
    return touched


_SURNAMES_ALONE = """
SELECT DISTINCT ?e ?name WHERE { GRAPH ?g { ?e a ng:Person ; ng:localKey ?key ; skos:altLabel ?name } }"""


def record_ambiguities(store: Store, index: NameIndex, minter: Minter) -> int:
    """Say, for each person named only by a surname that several stored people have, why it was
    left apart (``ng:resolutionNote`` in the resolution graph, rebuilt whole); returns how many."""
    names: dict[str, set[str]] = defaultdict(set)
    for r in store.query(_SURNAMES_ALONE):
        names[r["e"].value].add(r["name"].value)
    graph = NamedNode(minter.resolution_graph())
    notes = []
    for iri, ns in sorted(names.items()):
        words = {name_key(n) for n in ns}
        if not words or any(len(w.split()) != 1 for w in words):
            continue
        found = sorted(set().union(*(index.with_surname(variant_key(w)) for w in words)) - {iri})
        if len(found) < 2:
            continue
        labels = []
        for other in found[:5]:
            label = next(iter(store.quads(NamedNode(other), RDFS.label, None, None)), None)
            labels.append(label.object.value if label is not None else other)
        text = (f"Not merged: {len(found)} people named in full have the surname {sorted(ns)[0]} "
                f"({', '.join(labels)}{', ...' if len(found) > 5 else ''}); the text does not say which.")
        notes.append(Quad(NamedNode(iri), NG.resolutionNote, Literal(text, language="en"), graph))
    store.replace_graph(graph.value, notes)
    return len(notes)


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


