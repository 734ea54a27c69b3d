"""Mint the IRIs of the graph: stable (the same input always gives the same IRI) and readable.

Everything lives under the configurable base (``KG_BASE_IRI``), e.g.
``{base}id/person/maulen-ashimbayev`` and ``{base}id/article/{identifier}``.
"""
from __future__ import annotations

from urllib.parse import quote

from kg.names import slugify

KIND_SEGMENTS = {"Person": "person", "Organization": "organization", "Place": "place"}


class Minter:
    """IRI minting for one base IRI."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.id = self.base + "id/"

    def article(self, identifier: str) -> str:
        """The article's IRI, which is also the name of the graph holding its facts."""
        return f"{self.id}article/{quote(identifier, safe='-._~')}"

    def entity(self, key: str) -> str:
        """``person:maulen-ashimbayev`` -> ``{base}id/person/maulen-ashimbayev``."""
        kind, _, slug = key.partition(":")
        return f"{self.id}{kind}/{slug}"

    def role(self, label: str) -> str:
        return f"{self.id}role/{slugify(label)}"

    def membership(self, person_key: str, role: str, org_key: str | None) -> str:
        parts = [person_key.partition(":")[2], slugify(role)]
        if org_key:
            parts.append(org_key.partition(":")[2])
        return f"{self.id}membership/{'--'.join(parts)}"

    def event(self, identifier: str, index: int) -> str:
        return f"{self.id}event/{quote(identifier, safe='-._~')}-{index}"

    def entities_graph(self) -> str:
        """The corpus-level graph giving each entity its one rdfs:label (see kg.resolve.resolver)."""
        return f"{self.base}graph/entities"

    def resolution_graph(self) -> str:
        """Why resolution left entities apart (``ng:resolutionNote``), rebuilt when the store settles."""
        return f"{self.base}graph/resolution"

    def state_graph(self) -> str:
        """Ingest's bookkeeping: present while a run's cross-article work is unfinished."""
        return f"{self.base}graph/ingest-state"

    def activity(self, identifier: str) -> str:
        return f"{self.id}activity/{quote(identifier, safe='-._~')}"

    def software(self, version: str) -> str:
        return f"{self.id}software/{slugify(version)}"

    @staticmethod
    def offset(article_iri: str, start: int, end: int | str = "") -> str:
        """A NIF 2.0 offset-based string IRI (RFC 5147 style): ``{article}#char=10,27``."""
        return f"{article_iri}#char={start},{end}"

    def is_local(self, iri: str) -> bool:
        return iri.startswith(self.base)


def is_alias(iri: str, key: str, minter: Minter) -> bool:
    """True when the entity an article keyed ``key`` was resolved to ``iri``, another IRI than
    ``key`` mints, and that IRI names the same entity (``owl:sameAs``). Not for a surname alone
    (``person:tokayev``): an ambiguous surname stays its own entity in other articles, and two
    people must never be asserted the same."""
    own = minter.entity(key)
    if own == iri:
        return False
    kind, _, slug = key.partition(":")
    return not (kind == "person" and "-" not in slug)
