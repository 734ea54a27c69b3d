"""What extraction finds in one article, as plain dataclasses (no spaCy, no RDF).

This is the boundary between :mod:`kg.extract` and :mod:`kg.mapping.quads`: extraction produces an
:class:`ArticleExtraction`, mapping turns it into quads. Entities are referred to by a key local
to the article; mapping mints the IRIs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

EntityKind = Literal["Person", "Organization", "Place"]
EventKind = Literal["Meeting", "PhoneCall", "Visit", "Appointment", "Signing", "Statement"]
#: Parts an actor can play in an event; each maps to a sub-property of sem:hasActor.
ActorPart = Literal["host", "guest", "participant", "speaker", "appointee", "signatory", "visitor"]


@dataclass(frozen=True)
class Span:
    """Character offsets ``[start, end)`` into :attr:`kg.read.articles.Article.text`."""

    start: int
    end: int
    text: str


@dataclass
class Entity:
    """A person, organization or place, with every name and mention seen in the article."""

    key: str
    kind: EntityKind
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.name, *[a for a in self.aliases if a != self.name]]


@dataclass
class Post:
    """A person holding a role (in an organization, when the text names it)."""

    person: str
    role: str
    organization: str | None = None
    evidence: Span | None = None


@dataclass
class Actor:
    entity: str
    part: ActorPart = "participant"


@dataclass
class Event:
    """Something the article reports (``status="planned"`` when it is only announced)."""

    kind: EventKind
    actors: list[Actor]
    date: dt.date | None = None
    place: str | None = None
    status: Literal["happened", "planned"] = "happened"
    evidence: Span | None = None
    post: Post | None = None          # Appointment: the post taken up
    document: str | None = None       # Signing: what was signed, as written
    quote: str | None = None          # Statement: the quoted words
    dismissal: bool = False           # Appointment: the person was dismissed from the post


@dataclass
class ArticleExtraction:
    """Everything taken from one article."""

    article_id: str
    entities: list[Entity] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)

    def entity(self, key: str) -> Entity:
        for e in self.entities:
            if e.key == key:
                return e
        raise KeyError(key)
