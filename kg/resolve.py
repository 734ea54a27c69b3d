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

import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad

from kg.iris import Minter
from kg.model import Entity
from kg.names import name_key
from kg import updates
from kg.store import GraphStore
from kg.vocab import NG, ORG, RDFS

RESOLVED_KINDS = {"Person": NG.Person, "Organization": NG.Organization}
_KIND_OF = {v.value: k for k, v in RESOLVED_KINDS.items()}


@dataclass(slots=True)
class _Use:
    """One entity as one article states it (slots and shared key sets: the index holds one per
    entity per article, hundreds of thousands on a large corpus)."""

    iri: str
    kind: str
    local: str                       # the key extraction gave it in that article
    keys: frozenset[str] = frozenset()


class NameIndex:
    """The names of the persons and organizations of every article graph, held in memory.

    Built with one query and kept up to date as graphs are written or dropped, so resolving an
    entity costs no query. An article is resolved with its own graph dropped from the index:
    resolution only ever looks at the other articles.
    """

    def __init__(self) -> None:
        self.graphs: dict[str, list[_Use]] = {}
        self.counts: dict[str, Counter] = defaultdict(Counter)     # iri -> name key -> graphs
        self.kinds: dict[str, str] = {}
        self.by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_surname: dict[str, set[str]] = defaultdict(set)
        self._keysets: dict[frozenset[str], frozenset[str]] = {}  # one copy of each set of names

    @classmethod
    def load(cls, store: GraphStore) -> "NameIndex":
        q = """SELECT ?g ?e ?kind ?local ?name WHERE { GRAPH ?g {
                 ?e ng:localKey ?local ; skos:altLabel ?name ; a ?kind .
                 VALUES ?kind { ng:Person ng:Organization } } }"""
        per_graph: dict[str, dict[str, _Use]] = defaultdict(dict)
        for r in store.query(q):
            uses = per_graph[sys.intern(r["g"].value)]
            use = uses.get(r["e"].value)
            if use is None:
                use = uses[r["e"].value] = _Use(sys.intern(r["e"].value), _KIND_OF[r["kind"].value],
                                                sys.intern(r["local"].value))
            use.keys |= {sys.intern(name_key(r["name"].value))}
        idx = cls()
        for g, uses in per_graph.items():
            idx.add_graph(g, list(uses.values()))
        return idx

    def add_graph(self, graph: str, uses: list[_Use]) -> None:
        self.drop_graph(graph)
        self.graphs[graph] = uses
        for u in uses:
            u.keys = self._keysets.setdefault(u.keys, u.keys)
            self.kinds[u.iri] = u.kind
            for k in u.keys:
                self.counts[u.iri][k] += 1
                if self.counts[u.iri][k] == 1:
                    self.by_key[(u.kind, k)].add(u.iri)
                    words = k.split()
                    if u.kind == "Person" and len(words) >= 2:
                        self.by_surname[words[-1]].add(u.iri)

    def drop_graph(self, graph: str) -> None:
        for u in self.graphs.pop(graph, []):
            for k in u.keys:
                self.counts[u.iri][k] -= 1
                if self.counts[u.iri][k] <= 0:
                    del self.counts[u.iri][k]
                    self.by_key[(u.kind, k)].discard(u.iri)
                    words = k.split()
                    if u.kind == "Person" and len(words) >= 2 and not any(
                            len(o.split()) >= 2 and o.split()[-1] == words[-1] for o in self.counts[u.iri]):
                        self.by_surname[words[-1]].discard(u.iri)

    def names(self, iri: str) -> set[str]:
        return set(self.counts.get(iri, ()))

    def resolve(self, minter: Minter, kind: str, local: str, keys: set[str]) -> str:
        """The IRI for an entity of an article whose own graph is not in the index."""
        own = minter.entity(local)
        if kind == "Person":
            words = [k.split() for k in keys]
            if words and all(len(w) == 1 for w in words):
                found = set().union(*(self.by_surname.get(w[0], set()) for w in words))
                found.discard(own)
                if len(found) == 1:
                    return next(iter(found))
            return own
        if kind == "Organization":
            own_names = self.names(own) | keys
            better = set()
            for k in keys:
                for iri in self.by_key.get((kind, k), ()):
                    if iri == own:
                        continue
                    other = self.names(iri)
                    if other > own_names or (other == own_names and iri < own):
                        better.add(iri)
            if len(better) == 1:
                return next(iter(better))
            if len(better) > 1:
                # the one candidate that knows every name the others know; else ambiguous
                top = [b for b in better if all(self.names(o) <= self.names(b) for o in better)]
                if len(top) == 1:
                    return top[0]
        return own

    def hook(self, minter: Minter):
        """The resolver mapping calls for each extracted entity."""
        def resolve(entity: Entity) -> str | None:
            if entity.kind not in RESOLVED_KINDS:
                return None
            return self.resolve(minter, entity.kind, entity.key, {name_key(n) for n in entity.names})
        return resolve


def uses_of(entities: Iterable[Entity], iris: dict[str, str]) -> list[_Use]:
    """What an article's graph tells the index: each person's and organization's names."""
    merged: dict[str, _Use] = {}
    for e in entities:
        if e.kind not in RESOLVED_KINDS:
            continue
        keys = frozenset(sys.intern(name_key(n)) for n in e.names)
        iri = sys.intern(iris[e.key])
        if iri in merged:
            merged[iri].keys |= keys
        else:
            merged[iri] = _Use(iri, e.kind, sys.intern(e.key), keys)
    return list(merged.values())


# --------------------------------------------------------------------------- reconcile

def reconcile(store: GraphStore, index: NameIndex, minter: Minter, max_rounds: int = 4) -> set[str]:
    """Re-resolve every stored article against all the others; rewrite the graphs that change.

    Returns the IRIs whose uses changed.
    """
    touched: set[str] = set()
    for _ in range(max_rounds):
        changed = False
        for graph in sorted(index.graphs):
            store.reopen_if_grown()  # rewriting reads each graph back: hand the caches back now and then
            uses = index.graphs[graph]
            index.drop_graph(graph)
            renames = {}
            for use in uses:
                target = index.resolve(minter, use.kind, use.local, use.keys)
                if target != use.iri:
                    renames[use.iri] = target
            if renames:
                rewrite_graph(store, graph, renames, minter)
                uses = _merge_uses([_Use(renames.get(u.iri, u.iri), u.kind, u.local, u.keys) for u in uses])
                touched |= set(renames) | set(renames.values())
                changed = True
            index.add_graph(graph, uses)
        if not changed:
            break
    return touched


def _merge_uses(uses: list[_Use]) -> list[_Use]:
    merged: dict[str, _Use] = {}
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
    otherwise only those entities' labels are recomputed (one index lookup each). Uses only the
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
    preferred = {iri: set() for iri in sorted(set(iris))}
    nodes = [NamedNode(i) for i in preferred]
    for i in range(0, len(nodes), 500):
        # DISTINCT: the store compares names without reading every article graph's IRI
        for r in store.query(updates.preferred_names(nodes[i:i + 500], g)):
            preferred[r["e"].value].add(r["n"].value)
    new = label_quads({e: n for e, n in preferred.items() if n}, minter)
    for i in range(0, len(nodes), 500):
        store.update(updates.delete_labels(g, nodes[i:i + 500]))
        store.wrote(len(nodes[i:i + 500]))
    for i in range(0, len(new), 2000):
        store.update(updates.insert_data(new[i:i + 2000]))
        store.wrote(len(new[i:i + 2000]))
    return len(new)


def label_quads(preferred: dict[str, set[str]], minter: Minter) -> list[Quad]:
    """The entities graph: for each entity, the best of the names articles prefer for it."""
    g = NamedNode(minter.entities_graph())
    return [Quad(NamedNode(e), RDFS.label, Literal(sorted(names, key=_rank)[0]), g)
            for e, names in sorted(preferred.items())]
