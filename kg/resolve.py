"""Cross-article entity resolution: one IRI per real-world entity across the corpus.

Entities with the same kind and fullest name get the same IRI by construction (the IRI is minted
from the name). This module handles the rest: a mention that names an entity only by a short
form (a surname, an acronym) takes the IRI of the one stored entity known by that name.
"""
from __future__ import annotations

from pyoxigraph import Literal

from kg.iris import Minter
from kg.model import Entity
from kg.names import name_key
from kg.store import GraphStore

_KIND_CLASS = {"Person": "ng:Person", "Organization": "ng:Organization", "Place": "ng:Place"}


class StoreResolver:
    """Resolves short-form entities against what the store already holds."""

    def __init__(self, store: GraphStore, minter: Minter) -> None:
        self.store = store
        self.minter = minter

    def __call__(self, entity: Entity) -> str | None:
        own = self.minter.entity(entity.key)
        if entity.kind == "Person":
            words = name_key(entity.name).split()
            if len(words) != 1:
                return None
            candidates = self._persons_with_surname(words[0])
        else:
            candidates = set()
            for name in entity.names:
                candidates |= self._entities_named(entity.kind, name)
        candidates.discard(own)
        return next(iter(candidates)) if len(candidates) == 1 else None

    def _entities_named(self, kind: str, name: str) -> set[str]:
        q = f"""SELECT DISTINCT ?e ?name WHERE {{
            ?e a {_KIND_CLASS[kind]} ; rdfs:label|skos:altLabel ?n .
            FILTER(LCASE(STR(?n)) = LCASE(STR(?name)))
        }}"""
        return {r["e"].value for r in self.store.query(q, substitutions={"name": Literal(name)})}

    def _persons_with_surname(self, surname: str) -> set[str]:
        q = """SELECT DISTINCT ?e ?n ?s WHERE {
            ?e a ng:Person ; rdfs:label ?n .
            FILTER(STRENDS(LCASE(STR(?n)), CONCAT(" ", LCASE(STR(?s)))))
        }"""
        return {r["e"].value for r in self.store.query(q, substitutions={"s": Literal(surname)})}
