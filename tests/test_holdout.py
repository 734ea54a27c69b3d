"""Articles written for the project with hand-made gold facts (tests/fixtures/holdout*/NNN.json, in
the annotation format of the team's evaluation set): every required person, organization, place,
post and event must be found. A regression net for rules that stop generalising."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from kg.articles import read_paths
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
