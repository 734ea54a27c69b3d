"""Cross-article entity resolution: one IRI per real-world entity across the corpus.

Extraction gives every entity a key from its own article (``person:maulen-ashimbayev``,
``organization:senate-kazakhstan``); entities with the same key are one IRI by construction. This
module resolves the rest against the other articles of the store:

* a person named only by a surname ("Ashimbayev") takes the IRI of the one person stored with
  that surname and a full name;
* an organization known by a name that another organization is also known by ("Turksoy") takes
  that organization's IRI when the other one knows strictly more names (the long form and the
  acronym), so an alias learnt in one article helps the next.

Resolution only looks at *other* articles, and :func:`reconcile` re-applies it to every stored
article after a batch, so the IRIs do not depend on the order in which articles arrive. Finally
the corpus-level graph ``{base}graph/entities`` gives each entity one ``rdfs:label``: the best of
the names the articles prefer for it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad

from kg.iris import Minter
from kg.model import Entity
from kg.resolve.name_index import KIND_OF, NameIndex, Use
from kg.names import name_key
from kg.store import updates
from kg.store.local import GraphStore
from kg.vocab import NG, ORG, RDFS

RESOLVED_KINDS = frozenset(KIND_OF.values())  # the kinds the name index holds


def resolve_iri(index: NameIndex, minter: Minter, kind: str, local: str, keys: set[str] | frozenset[str],
                excluding: str | None = None) -> str:
    """The IRI of an entity of one article, resolved against the other article graphs of the
    index (all but ``excluding``, the article's own graph if it is indexed)."""
    own = minter.entity(local)
    if kind == "Person":
        words = [k.split() for k in keys]
        if words and all(len(w) == 1 for w in words):
            found = set().union(*(index.with_surname(w[0], excluding) for w in words))
            found.discard(own)
            if len(found) == 1:
                return next(iter(found))
        return own
    if kind == "Organization":
        names: dict[str, set[str]] = {}   # one query per entity, however often it is compared

        def names_of(iri: str) -> set[str]:
            if iri not in names:
                names[iri] = index.names(iri, excluding)
            return names[iri]

        own_names = names_of(own) | keys
        better = set()
        for k in keys:
            for iri in index.known_by(kind, k, excluding):
                if iri == own:
                    continue
                other = names_of(iri)
                if other > own_names or (other == own_names and iri < own):
                    better.add(iri)
        if len(better) == 1:
            return next(iter(better))
        if len(better) > 1:
            # the one candidate that knows every name the others know; else ambiguous
            top = [b for b in better if all(names_of(o) <= names_of(b) for o in better)]
            if len(top) == 1:
                return top[0]
    return own


def resolver(index: NameIndex, minter: Minter):
    """The resolver mapping calls for each extracted entity (the article's own graph must have
    been dropped from the index)."""
    def resolve(entity: Entity) -> str | None:
        if entity.kind not in RESOLVED_KINDS:
            return None
        return resolve_iri(index, minter, entity.kind, entity.key, {name_key(n) for n in entity.names})
    return resolve


def uses_of(entities: Iterable[Entity], iris: dict[str, str]) -> list[Use]:
    """What an article's graph tells the index: each person's and organization's names."""
    merged: dict[str, Use] = {}
    for e in entities:
        if e.kind not in RESOLVED_KINDS:
            continue
        keys = frozenset(name_key(n) for n in e.names)
        iri = iris[e.key]
        if iri in merged:
            merged[iri].keys |= keys
        else:
            merged[iri] = Use(iri, e.kind, e.key, keys)
    return list(merged.values())


# --------------------------------------------------------------------------- reconcile

def reconcile(store: GraphStore, index: NameIndex, minter: Minter, max_rounds: int = 4) -> set[str]:
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
                index.add_graph(graph, _merge_uses([Use(renames.get(u.iri, u.iri), u.kind, u.local, u.keys)
                                                    for u in uses]))
                touched |= set(renames) | set(renames.values())
                changed = True
        if not changed:
            break
    return touched


def _merge_uses(uses: list[Use]) -> list[Use]:
    merged: dict[str, Use] = {}
    for u in uses:
        if u.iri in merged:
            merged[u.iri].keys |= u.keys
        else:
            merged[u.iri] = u
    return list(merged.values())


def rewrite_graph(store: GraphStore, graph: str, renames: dict[str, str], minter: Minter) -> None:
    """Replace entity IRIs in one article graph, renaming memberships minted from them.

    Uses only the store's query and replace_graph, so it works on a remote store too.
    """
    g = NamedNode(graph)
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", substitutions={"g": g})
    quads = [Quad(t.subject, t.predicate, t.object, g) for t in triples]
    store.replace_graph(graph, rename_quads(quads, renames, minter))


def rename_quads(quads: list[Quad], renames: dict[str, str], minter: Minter) -> list[Quad]:
    """The quads of one article graph with entity IRIs renamed, and the memberships named after
    them (person, role, organization) renamed to match."""
    ren = {NamedNode(a): NamedNode(b) for a, b in renames.items()}

    def sub(term):
        return ren.get(term, term) if isinstance(term, NamedNode) else term

    new = [Quad(sub(q.subject), q.predicate, sub(q.object), q.graph_name) for q in quads]
    members, roles, orgs, labels = {}, {}, {}, {}
    for q in new:
        if q.predicate == ORG.member:
            members[q.subject] = q.object
        elif q.predicate == ORG.organization:
            orgs[q.subject] = q.object
        elif q.predicate == ORG.role:
            roles[q.subject] = q.object
        elif q.predicate == RDFS.label:
            labels[q.subject] = q.object
    mren = {}
    for m, person in members.items():
        role = roles.get(m)
        if role is None or role not in labels:
            continue
        org = orgs.get(m)
        iri = minter.membership(_local(person.value, minter), labels[role].value,
                                _local(org.value, minter) if org is not None else None)
        if iri != m.value:
            mren[m] = NamedNode(iri)
    if mren:
        new = [Quad(mren.get(q.subject, q.subject), q.predicate, mren.get(q.object, q.object), q.graph_name)
               for q in new]
    return list(dict.fromkeys(new))


def unresolved(quads: list[Quad], minter: Minter) -> list[Quad]:
    """An article graph as extraction alone named its entities (each by its ng:localKey): the
    same whatever cross-article resolution did, so two versions of one article compare equal."""
    renames = {q.subject.value: minter.entity(q.object.value) for q in quads if q.predicate == NG.localKey}
    return rename_quads(quads, renames, minter)


def _local(iri: str, minter: Minter) -> str:
    kind, _, slug = iri[len(minter.id):].partition("/")
    return f"{kind}:{slug}"


# --------------------------------------------------------------------------- labels

def _rank(name: str) -> tuple:
    caps = name.isupper() and len(name) > 4
    return (caps, -len(name.split()), -len(name), name)


def refresh_labels(store: GraphStore, minter: Minter, iris: Iterable[str] | None = None) -> int:
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


def label_quads(preferred: dict[str, set[str]], minter: Minter) -> list[Quad]:
    """The entities graph: for each entity, the best of the names articles prefer for it."""
    g = NamedNode(minter.entities_graph())
    return [Quad(NamedNode(e), RDFS.label, Literal(sorted(names, key=_rank)[0]), g)
            for e, names in sorted(preferred.items())]
