"""The kind of an entity decided across the corpus: a name most articles type one way is that kind.

Extraction types each entity from its own article, and one article can get it wrong: a chamber
typed a person, a president's name typed an organization in a headline. Across the corpus the
answer is clearer: a name typed Person in twelve articles and Organization in one is a person.
:func:`corrections` finds the odd reports; :mod:`kg.ingest.settle` rewrites their graphs (the
entity takes the majority's IRI and classes, and its former key stays an alias).

The vote, each rule a guard against correcting the right one:

- a name's kinds are counted by article (one vote per article, by its fullest name for the entity);
- the majority must have at least :data:`MIN_VOTES` articles and at least :data:`RATIO` times the
  votes of the kind it corrects, so a name that is genuinely both (a person and the foundation
  named after them, each in several articles) is left alone;
- a report is not corrected when its article uses the entity in a way the majority kind cannot
  take (a person cannot be the organization of a post or the place of an event, a place cannot
  be an actor or a member).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

MIN_VOTES = 3
RATIO = 3


@dataclass(frozen=True)
class KindReport:
    """One article's typing of one entity."""

    graph: str
    iri: str
    key: str                 # the entity's key in that article (``organization:turksoy``)
    kind: str                # "Person", "Organization" or "Place"
    name: str                # the name key of its fullest name there
    uses: frozenset[str]     # how the article uses it: "organization" (of a post), "place", "actor", "member"


#: the uses each kind cannot take
_FORBIDDEN = {"Person": {"organization", "place"}, "Organization": {"place"}, "Place": {"actor", "member"}}


@dataclass(frozen=True)
class Correction:
    graph: str
    iri: str                 # the entity as the graph names it now
    kind: str                # the kind the corpus gives the name
    target: str              # the IRI the majority of that kind uses for the name
    target_key: str          # its key


def corrections(reports: list[KindReport]) -> list[Correction]:
    """The reports the corpus outvotes, with the kind and IRI they take (deterministic)."""
    by_name: dict[str, list[KindReport]] = defaultdict(list)
    for r in reports:
        by_name[r.name].append(r)
    out = []
    for name, rs in sorted(by_name.items()):
        votes = Counter({k: len({r.graph for r in rs if r.kind == k}) for k in {r.kind for r in rs}})
        if len(votes) < 2:
            continue
        (top, n), *rest = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        if n < MIN_VOTES or (rest and rest[0][1] == n):
            continue
        iris = Counter((r.iri, r.key) for r in rs if r.kind == top)
        (target, target_key), _ = min(iris.items(), key=lambda kv: (-kv[1], kv[0]))
        for r in rs:
            if r.kind != top and n >= RATIO * votes[r.kind] and not (r.uses & _FORBIDDEN[top]):
                out.append(Correction(r.graph, r.iri, top, target, target_key))
    return sorted(out, key=lambda c: (c.graph, c.iri))
