"""Extraction on the seed article with the real spaCy pipeline: the facts the project was built for."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.read.articles import read_paths
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seed(extractor):
    [article] = list(read_paths([SEEDS]))
    return article, extractor.extract(article)


def by_name(x, name):
    matches = [e for e in x.entities if e.name == name or name in e.aliases]
    assert matches, f"{name} not among {[e.name for e in x.entities]}"
    return matches[0]


def test_people_organizations_places(seed):
    _, x = seed
    assert by_name(x, "Maulen Ashimbayev").kind == "Person"
    assert by_name(x, "Sultan Raev").kind == "Person"
    turksoy = by_name(x, "Turksoy")
    assert turksoy.kind == "Organization"
    # the acronym and the long form are one organization (the same post is held "in" both)
    assert "International Organization of Turkic Culture" in turksoy.names
    assert by_name(x, "Senate of the Kazakh Parliament").kind == "Organization"
    assert by_name(x, "Nur-Sultan").kind == "Place"
    # demonyms are not organizations
    assert not any(e.name.lower() == "turkic" for e in x.entities)


def test_surname_mentions_resolve_to_the_full_name(seed):
    article, x = seed
    ash = by_name(x, "Maulen Ashimbayev")
    texts = {m.text for m in ash.mentions}
    assert "Ashimbayev" in texts and "Maulen Ashimbayev" in texts
    for m in ash.mentions:
        assert article.text[m.start:m.end] == m.text


def test_posts(seed):
    _, x = seed
    senate = by_name(x, "Senate of the Kazakh Parliament").key
    turksoy = by_name(x, "Turksoy").key
    posts = {(p.person, p.role, p.organization) for p in x.posts}
    assert any(p == "person:maulen-ashimbayev" and r in ("Chairman", "Speaker") and o == senate for p, r, o in posts)
    assert ("person:sultan-raev", "Secretary-General", turksoy) in posts


def test_meeting(seed):
    _, x = seed
    meetings = [e for e in x.events if e.kind == "Meeting"]
    assert len(meetings) == 1
    m = meetings[0]
    assert {a.entity for a in m.actors} == {"person:maulen-ashimbayev", "person:sultan-raev"}
    assert m.date == dt.date(2022, 6, 27)
    assert m.place == by_name(x, "Nur-Sultan").key
    assert m.status == "happened"
