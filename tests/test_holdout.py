"""Articles written for the project with hand-made gold facts (tests/fixtures/holdout*/NNN.json, in
the annotation format of the team's evaluation set): every required person, organization, place,
post and event must be found. A regression net for rules that stop generalising."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from kg.read.articles import read_paths
from tests.conftest import FIXTURES

ARTICLES = sorted(p for d in ("holdout", "holdout2") for p in (FIXTURES / d).glob("*.txt"))


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"^the ", "", re.sub(r"[^a-z0-9]+", " ", re.sub(r"['’]s\b", "", s)).strip())


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_gold_facts_are_found(extractor, path: Path):
    gold = json.loads(path.with_suffix(".json").read_text())
    [article] = list(read_paths([path]))
    x = extractor.extract(article)
    link = {}
    for g in gold["entities"]:
        names = {norm(n) for n in g["names"]}
        found = [e for e in x.entities if e.kind == g["type"] and names & {norm(n) for n in e.names}]
        if found:
            link[g["id"]] = found[0].key
        elif not g.get("optional"):
            pytest.fail(f"{g['type']} {g['names'][0]} not found among {[e.names for e in x.entities]}")
    for r in gold["roles"]:
        if r.get("optional"):
            continue
        labels = {norm(v) for v in r["role"]}
        ok = any(p.person == link.get(r["person"])
                 and (not r["organization"] or p.organization == link.get(r["organization"]))
                 and any(norm(p.role) == l or f" {l} " in f" {norm(p.role)} " or f" {norm(p.role)} " in f" {l} "
                         for l in labels)
                 for p in x.posts)
        assert ok, f"post {r} not among {[(p.person, p.role, p.organization) for p in x.posts]}"
    for ev in gold["events"]:
        if ev.get("optional") or ev["type"] == "Other":
            continue
        want = {link.get(p) for p in ev["participants"]}
        assert any(e.kind == ev["type"] and e.status == "happened" and want <= {a.entity for a in e.actors}
                   for e in x.events), f"event {ev} not among {[(e.kind, [a.entity for a in e.actors]) for e in x.events]}"


# ---------------------------------------------------------------- holdout3: scored, not all-or-nothing

HOLDOUT3 = sorted((FIXTURES / "holdout3").glob("*.txt"))
#: Floors under the F1 measured when the rules for unseen news were written (entities 0.94, posts
#: 0.91, events 0.92 by the team's scorer): a change that loses more than a few facts fails.
FLOORS = {"entities": 0.90, "roles": 0.86, "events": 0.86}


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _score(gold: dict, x) -> dict[str, tuple[int, int, int]]:
    """The scorer's matching, on one article's extraction (entities one to one by kind and a
    shared name, posts by person/role/organization, events by kind and participants)."""
    link, used = {}, set()
    for g in gold["entities"]:
        gnames = {norm(n) for n in g["names"]}
        for e in x.entities:
            if e.key not in used and e.kind == g["type"] and gnames & {norm(n) for n in e.names}:
                link[g["id"]] = e.key
                used.add(e.key)
                break
    req = [g for g in gold["entities"] if not g.get("optional")]
    required_keys = {link[g["id"]] for g in req if g["id"] in link}
    optional_names = [{norm(n) for n in g["names"]} for g in gold["entities"] if g.get("optional")]
    tp = len(required_keys)
    fp = sum(1 for e in x.entities if e.key not in required_keys
             and not any(ns & {norm(n) for n in e.names} for ns in optional_names))
    out = {"entities": (tp, fp, len(req) - tp)}
    back = {v: k for k, v in link.items()}
    matched, tp = set(), 0
    for r in gold["roles"]:
        labels = {norm(v) for v in r["role"]}
        orgs = r.get("organization")
        orgs = orgs if isinstance(orgs, list) else [orgs] if orgs else []
        hit = next((i for i, p in enumerate(x.posts) if i not in matched and back.get(p.person) == r["person"]
                    and (not orgs or back.get(p.organization) in orgs)
                    and any(norm(p.role) == l or f" {l} " in f" {norm(p.role)} " or f" {norm(p.role)} " in f" {l} "
                            for l in labels)), None)
        if hit is not None:
            matched.add(hit)
            tp += not r.get("optional")
    need = sum(not r.get("optional") for r in gold["roles"])
    out["roles"] = (tp, len(x.posts) - len(matched), need - tp)
    kinds = ("Meeting", "PhoneCall", "Visit", "Appointment", "Signing")
    evs = [e for e in x.events if e.kind in kinds and e.status == "happened"]
    matched, tp, need = set(), 0, 0
    for g in gold["events"]:
        if g["type"] not in kinds:
            continue
        parts = set(g["participants"])
        want = len(parts) if len(parts) < 3 else len(parts) - 1
        hit = next((i for i, e in enumerate(evs) if i not in matched and e.kind == g["type"]
                    and len({back.get(a.entity) for a in e.actors} & parts) >= want), None)
        if hit is not None:
            matched.add(hit)
        if not g.get("optional"):
            need += 1
            tp += hit is not None
    out["events"] = (tp, len(evs) - len(matched), need - tp)
    return out


def test_holdout3_articles_score_above_their_floors(extractor):
    totals = {k: [0, 0, 0] for k in FLOORS}
    for article, x in extractor.extract_many(read_paths(HOLDOUT3)):
        gold = json.loads((FIXTURES / "holdout3" / f"{article.id}.json").read_text())
        for k, counts in _score(gold, x).items():
            totals[k] = [a + b for a, b in zip(totals[k], counts)]
    scores = {k: round(_f1(*v), 3) for k, v in totals.items()}
    print("holdout3 F1", scores)
    assert len(HOLDOUT3) == 14
    assert all(scores[k] >= FLOORS[k] for k in FLOORS), scores
