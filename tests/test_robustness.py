"""Articles unlike the wire stories the rules were first written for still ingest and make sense:
other outlets' datelines or none, Q&A, lists, non-ASCII names, very short and very long texts."""
from __future__ import annotations

import pytest

from kg.read.articles import parse_seed_text, read_paths
from kg.ingest.run import ingest_paths
from kg.store.local import GraphStore
from tests.conftest import FIXTURES

ROBUST = FIXTURES / "robustness"


@pytest.fixture(scope="module")
def extracted(extractor):
    return {a.id: extractor.extract(a) for a in read_paths([ROBUST])}


def people(x):
    return {e.name for e in x.entities if e.kind == "Person"}


def kinds(x, status="happened"):
    return sorted(e.kind for e in x.events if e.status == status and e.kind != "Statement")


def test_every_robustness_article_ingests_into_a_store(tmp_path, extractor, minter):
    store = GraphStore.open(tmp_path / "db")
    report = ingest_paths([ROBUST], store, minter, extractor=extractor, progress=False)
    assert report.ok and len(report.ingested) == len(list(ROBUST.glob("*.txt")))


def test_wire_story_with_reuters_dateline(extracted):
    x = extracted["r01_wire_reuters"]
    assert {"Ingrid Dahl", "Mateo Fuentes"} <= people(x)
    assert kinds(x) == ["Meeting", "Signing", "Visit"]
    meeting = next(e for e in x.events if e.kind == "Meeting")
    assert meeting.place == "place:oslo" and str(meeting.date) == "2023-05-08"   # "on Monday"
    assert any(e.kind == "Statement" and "oceans" in e.quote for e in x.events)


def test_story_without_dateline(extracted):
    x = extracted["r02_no_dateline"]
    meeting = next(e for e in x.events if e.kind == "Meeting")
    assert {a.entity for a in meeting.actors} == {"person:klara-berger", "person:zoltan-kovacs"}
    assert meeting.place == "place:vienna"
    assert kinds(x, "planned") == ["Visit"]


def test_interview_and_list_formats(extracted):
    qa = extracted["r03_qa"]
    assert {"Amara Okoye", "Lucas Moreau"} <= people(qa)
    assert kinds(qa) == ["Meeting"] and kinds(qa, "planned") == []
    lst = extracted["r04_list"]
    appointed = {next(a.entity for a in e.actors) for e in lst.events if e.kind == "Appointment"}
    assert appointed == {"person:temuulen-ganbold", "person:saruul-erdene", "person:bat-erdene-dorj"}
    dismissal = next(e for e in lst.events if e.kind == "Appointment" and e.actors[0].entity == "person:bat-erdene-dorj")
    assert dismissal.dismissal and dismissal.post.role == "Minister of Energy"


def test_short_and_non_ascii(extracted):
    assert [e.name for e in extracted["r05_short"].entities] == ["Ürümqi"]
    x = extracted["r06_nonascii"]
    assert {"Mevlüt Şahinoğlu", "Łukasz Wiśniewski", "Nguyễn Văn Thành"} <= people(x)
    assert kinds(x) == ["PhoneCall", "PhoneCall"]


def test_announcements_are_planned(extracted):
    x = extracted["r07_announcement"]
    assert kinds(x) == [] and kinds(x, "planned") == ["Meeting", "Visit"]


def test_a_5000_word_article(extractor):
    paragraph = ("ASTANA. KAZINFORM - Speaker Ivan Petrov met with Ambassador Carlos Silva in Almaty. "
                 "The sides discussed trade, transport and education in detail for several hours. ")
    filler = ("Officials said cooperation in energy, agriculture and digital services would grow over the "
              "coming years, and that both parliaments would prepare new agreements. ")
    body = paragraph + "\n\n".join(filler * 5 for _ in range(60))
    assert len(body.split()) > 5000
    x = extractor.extract(parse_seed_text(f" date 2024-01-01 Long report\n\n{body}", "long"))
    assert {"Ivan Petrov", "Carlos Silva"} <= people(x)
    assert kinds(x) == ["Meeting"]
