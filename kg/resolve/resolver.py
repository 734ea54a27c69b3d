"""Cross-article entity resolution: one IRI per real-world entity across the corpus.

Extraction gives every entity a key from its own article (``person:maulen-ashimbayev``,
``organization:senate-kazakhstan``); entities with the same key are one IRI by construction. This
module resolves the rest against the other articles of the store:

* a person named in full takes the IRI of the spelling most articles use among the
  romanisations of that name (:func:`kg.names.variant_key`: "Kassym-Jomart Tokayev", "Kasym-Zhomart
  Tokaev"), ties to the first key in order: a function of the corpus, not of the order articles
  arrive in;
* a person named only by a surname ("Ashimbayev", or "Ashimbaev") takes the IRI of the one person
  stored with that surname and a full name; two such persons (a president and his father) leave
  it alone;
* an organization known by a name that another organization is also known by ("Turksoy") takes
  that organization's IRI when the other one knows strictly more names (the long form and the
  acronym), so an alias learnt in one article helps the next; failing that, organizations known by
  romanisations of one name of five letters or more ("Mazhilis", "Majilis") are one, named by
  the spelling most articles use.

Resolution only looks at *other* articles; :mod:`kg.ingest.settle` re-applies it to every stored
article after a batch, so the IRIs do not depend on the order in which articles arrive, and
keeps one ``rdfs:label`` per entity (:func:`label_quads`). Nothing here touches a store.
"""
from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Quad

from kg.iris import Minter, is_alias
from kg.model import Entity, Post
from kg.resolve.name_index import KIND_OF, NameIndex, Use, any_variant, full_variant
from kg.names import name_key, variant_key
from kg.vocab import ENTITY_TYPES, NG, ORG, OWL, RDF, RDFS, SKOS

RESOLVED_KINDS = frozenset(KIND_OF.values())  # the kinds the name index holds


def resolve_iri(index: NameIndex, minter: Minter, kind: str, local: str, keys: set[str] | frozenset[str],
                excluding: str | None = None, roles: frozenset[str] = frozenset()) -> str:
    """The IRI of an entity of one article, resolved against the other article graphs of the
    index (all but ``excluding``, the article's own graph if it is indexed)."""
    own = minter.entity(local)
    if kind == "Person":
        words = [k.split() for k in keys]
        if words and all(len(w) == 1 for w in words):
            found = set().union(*(index.with_surname(variant_key(w[0]), excluding) for w in words))
            found.discard(own)
            if len(found) == 1:
                return next(iter(found))
            # several people have the surname: the one who holds the post named with it here
            # ("President Varisov", and only one Varisov is a president elsewhere)
            holding = [f for f in sorted(found) if roles and index.roles_of(f, excluding) & roles]
            if len(holding) == 1:
                return holding[0]
            return own
        return minter.entity(spelling(index, local, keys, excluding))
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
        # no other organization knows one of its names: one known by a romanisation of one
        # ("Mazhilis", "Majilis") is the same, the spelling most articles use naming it
        return minter.entity(spelling(index, local, keys, excluding, kind="Organization"))
    return own


def spelling(index: NameIndex, local: str, keys: set[str] | frozenset[str], excluding: str | None = None,
             kind: str = "Person") -> str:
    """The key of the spelling most article graphs give a person named in full, or an organization
    (``local`` is this article's, counted once), ties to the smallest key."""
    counts: dict[str, int] = {}
    variant_of = full_variant if kind == "Person" else any_variant
    # an organization matches by another spelling only: two countries' "Senate" share a name, and
    # the alias rule alone decides what a shared name means
    for v, other_than in {(variant_of(k), "" if kind == "Person" else k) for k in keys}:
        if v is None:
            continue
        for key, n in index.spellings(v, excluding, kind, other_than).items():
            counts[key] = max(counts.get(key, 0), n)
    counts[local] = counts.get(local, 0) + 1
    return min(counts, key=lambda k: (-counts[k], k))


def resolver(index: NameIndex, minter: Minter):
    """The resolver mapping calls for each extracted entity (the article's own graph must have
    been dropped from the index)."""
    def resolve(entity: Entity, roles: frozenset[str] = frozenset()) -> str | None:
        if entity.kind not in RESOLVED_KINDS:
            return None
        return resolve_iri(index, minter, entity.kind, entity.key, {name_key(n) for n in entity.names},
                           roles=roles)
    return resolve


def roles_by_entity(posts: Iterable[Post]) -> dict[str, frozenset[str]]:
    """Each person's roles in one article, as name keys ("President of the Senate" -> "president of the senate")."""
    out: dict[str, set[str]] = {}
    for p in posts:
        out.setdefault(p.person, set()).add(name_key(p.role))
    return {k: frozenset(v) for k, v in out.items()}


def uses_of(entities: Iterable[Entity], iris: dict[str, str], posts: Iterable[Post] = ()) -> list[Use]:
    """What an article's graph tells the index: each person's and organization's names (and a
    person's roles)."""
    roles = roles_by_entity(posts)
    merged: dict[str, Use] = {}
    for e in entities:
        if e.kind not in RESOLVED_KINDS:
            continue
        keys = frozenset(name_key(n) for n in e.names)
        iri = iris[e.key]
        if iri in merged:
            merged[iri].keys |= keys
            merged[iri].roles |= roles.get(e.key, frozenset())
        else:
            merged[iri] = Use(iri, e.kind, e.key, keys, roles.get(e.key, frozenset()))
    return list(merged.values())


def merge_uses(uses: list[Use]) -> list[Use]:
    merged: dict[str, Use] = {}
    for u in uses:
        if u.iri in merged:
            merged[u.iri].keys |= u.keys
            merged[u.iri].roles |= u.roles
        else:
            merged[u.iri] = u
    return list(merged.values())


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
    return list(dict.fromkeys(_with_aliases(new, minter)))


def _with_aliases(quads: list[Quad], minter: Minter) -> list[Quad]:
    """The graph's ``owl:sameAs`` aliases made true again after a rename: an entity whose IRI is
    not the one its ``ng:localKey`` (or a former key, before the corpus corrected its kind) mints
    has that IRI as an alias (which the server redirects)."""
    minted = [q for q in quads if not (q.predicate == OWL.sameAs and q.object.value.startswith(minter.id))]
    aliases = [Quad(q.subject, OWL.sameAs, NamedNode(minter.entity(q.object.value)), q.graph_name)
               for q in minted if q.predicate in (NG.localKey, NG.formerKey)
               and is_alias(q.subject.value, q.object.value, minter)]
    return minted + aliases


def retype_quads(quads: list[Quad], fixes: Iterable) -> list[Quad]:
    """Give each corrected entity (``fixes``: :class:`kg.resolve.kinds.Correction`) the classes and
    the key of its corpus kind; its former key is kept (``ng:formerKey``) so its old IRI answers."""
    fix = {NamedNode(c.iri): c for c in fixes}
    old_classes = {c for classes in ENTITY_TYPES.values() for c in classes}
    out = []
    for q in quads:
        c = fix.get(q.subject)
        if c is None:
            out.append(q)
        elif q.predicate == RDF.type and q.object in old_classes:
            continue
        elif q.predicate == NG.localKey:
            out.append(Quad(q.subject, NG.formerKey, q.object, q.graph_name))
            out.append(Quad(q.subject, NG.localKey, Literal(c.target_key), q.graph_name))
        else:
            out.append(q)
    for node, c in fix.items():
        g = next(q.graph_name for q in quads)
        out += [Quad(node, RDF.type, cls, g) for cls in ENTITY_TYPES[c.kind]]
    return out


def uses_in_quads(quads: list[Quad]) -> list[Use]:
    """What one article graph tells the name index (as :meth:`NameIndex.load` reads it from a store)."""
    kinds = {q.subject: KIND_OF[q.object.value] for q in quads
             if q.predicate == RDF.type and q.object.value in KIND_OF}
    found: dict[str, Use] = {}
    for q in quads:
        if q.subject in kinds and q.predicate == NG.localKey:
            found.setdefault(q.subject.value, Use(q.subject.value, kinds[q.subject], q.object.value))
    members = {q.subject: q.object for q in quads if q.predicate == ORG.member}
    role_of = {q.subject: q.object for q in quads if q.predicate == ORG.role}
    labels = {q.subject: q.object.value for q in quads if q.predicate == RDFS.label}
    for q in quads:
        if q.predicate == SKOS.altLabel and q.subject.value in found:
            u = found[q.subject.value]
            u.keys = u.keys | {name_key(q.object.value)}
    for m, person in members.items():
        u = found.get(person.value)
        if u is not None and u.kind == "Person" and role_of.get(m) in labels:
            u.roles = u.roles | {name_key(labels[role_of[m]])}
    return list(found.values())


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


def label_quads(preferred: dict[str, set[str]], minter: Minter) -> list[Quad]:
    """The entities graph: for each entity, the best of the names articles prefer for it."""
    g = NamedNode(minter.entities_graph())
    return [Quad(NamedNode(e), RDFS.label, Literal(sorted(names, key=_rank)[0]), g)
            for e, names in sorted(preferred.items())]
