"""Cross-document event coreference: the reports of one real event become one event node.

Each article states its events in its own graph (its claim: kind, actors, date, place, the
sentence). Reports of the same event are the same kind, on the same date, with overlapping
actors and a compatible place; :func:`clusters` groups them and names each group after its
smallest report IRI, so every report's graph then states its claims about one IRI (the union has
``prov:wasDerivedFrom`` every article, each one's evidence sentence, and each claim stays in the
graph of the article that makes it). Removing an article removes only its graph: the event goes
with its last source. Nothing here touches a store (:mod:`kg.ingest.settle` does).

The rules, each a guard against merging two events:

- the same kind (a meeting is not a phone call) and both happened (an announced event is not
  merged);
- dated reports: the same date; their actor sets share at least two actors (one, when either
  event has one actor) and at least half of their union (Jaccard >= 0.5);
- the place: the same, or not given by one of them; a group never ends up with two places;
- never two reports of one article (the article itself tells its events apart). Across articles,
  two outlets quoting different words of one statement, or naming the documents of one signing
  differently, are one event whose graphs keep each wording with its source;
- an undated report (an undated article's event) joins only on strong evidence: a signing of the
  same named document by exactly the same parties (two or more), and only a group it alone could
  join. Two people meeting in one city is no such evidence: they meet there more than once;
- conflicting details are not merged away: two reports a day apart, or in two places, stay two
  events, each with its sources.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventReport:
    """One article's claim of an event."""

    graph: str
    iri: str                       # the IRI its graph uses now
    own: str                       # the IRI its own article gives it (``ng:localKey``)
    kind: str
    date: str | None
    place: str | None
    actors: frozenset[str]
    document: str | None = None    # a signing's document, as the text names it (a name key)


@dataclass
class _Group:
    kind: str
    date: str | None
    members: list[EventReport] = field(default_factory=list)
    places: set[str] = field(default_factory=set)

    def admits(self, r: EventReport) -> bool:
        if r.place is not None and self.places and r.place not in self.places:
            return False
        return all(_overlap(r.actors, m.actors) and m.graph != r.graph for m in self.members)

    def add(self, r: EventReport) -> None:
        self.members.append(r)
        if r.place is not None:
            self.places.add(r.place)


def _overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    shared = len(a & b)
    return shared >= min(2, len(a), len(b)) and shared * 2 >= len(a | b) and shared > 0


def clusters(reports: list[EventReport]) -> list[list[EventReport]]:
    """The reports grouped by real event (singletons included), in a deterministic order."""
    ordered = sorted(reports, key=lambda r: r.own)
    groups: list[_Group] = []
    by_key: dict[tuple[str, str], list[_Group]] = {}
    for r in (r for r in ordered if r.date is not None):
        key = (r.kind, r.date)  # type: ignore[assignment]
        home = next((g for g in by_key.get(key, []) if g.admits(r)), None)
        if home is None:
            home = _Group(r.kind, r.date)
            groups.append(home)
            by_key.setdefault(key, []).append(home)
        home.add(r)
    for r in (r for r in ordered if r.date is None):
        fits = [g for g in groups if g.kind == r.kind and r.document is not None and len(r.actors) >= 2
                and g.admits(r) and any(m.actors == r.actors and m.document == r.document for m in g.members)]
        if len(fits) == 1:
            fits[0].add(r)
        else:
            g = _Group(r.kind, None)
            g.add(r)
            groups.append(g)
    return [g.members for g in groups]


def renames(reports: list[EventReport]) -> dict[str, dict[str, str]]:
    """Per article graph, the event IRIs to rename: each report to its group's IRI (the smallest
    of its reports' own IRIs), so the name of an event does not depend on arrival order."""
    out: dict[str, dict[str, str]] = {}
    for group in clusters(reports):
        target = min(m.own for m in group)
        for m in group:
            if m.iri != target:
                out.setdefault(m.graph, {})[m.iri] = target
    return out
