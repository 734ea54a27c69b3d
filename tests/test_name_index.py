"""The on-disk name index and the run ledger: what resolution and ingest ask of them."""
from __future__ import annotations

import os

from kg.ingest.run import ingest_paths
from kg.iris import Minter
from kg.ingest.ledger import RunLedger
from kg.resolve.name_index import NameIndex, Use
from kg.resolve.resolver import resolve_iri
from kg.store.local import GraphStore

BASE = "https://news.example/"
M = Minter(BASE)


def person(slug: str) -> str:
    return M.entity(f"person:{slug}")


def org(slug: str) -> str:
    return M.entity(f"organization:{slug}")


def use(iri: str, local: str, *keys: str) -> Use:
    kind = "Person" if "/person/" in iri else "Organization"
    return Use(iri, kind, local, frozenset(keys))


def test_questions_leave_out_the_excluded_graph_and_dropped_graphs():
    with NameIndex() as idx:
        idx.add_graph("g1", [use(org("un"), "organization:un", "united nations", "un"),
                             use(person("ada-lovelace"), "person:ada-lovelace", "ada lovelace")])
        idx.add_graph("g2", [use(org("un"), "organization:un", "un")])
        assert idx.known_by("Organization", "un") == {org("un")}
        assert idx.known_by("Person", "un") == set()
        assert idx.names(org("un")) == {"united nations", "un"}
        assert idx.names(org("un"), excluding="g1") == {"un"}
        assert idx.known_by("Organization", "united nations", excluding="g1") == set()
        assert idx.with_surname("lovelace") == {person("ada-lovelace")}
        assert idx.with_surname("lovelace", excluding="g1") == set()
        assert idx.names(org("un"), excluding="no such graph") == {"united nations", "un"}
        # re-adding a graph replaces what it said; dropping it forgets it
        idx.add_graph("g1", [use(person("ada-lovelace"), "person:ada-lovelace", "ada lovelace", "ada")])
        assert idx.names(org("un")) == {"un"}
        assert idx.names(person("ada-lovelace")) == {"ada lovelace", "ada"}
        idx.drop_graph("g2")
        assert idx.known_by("Organization", "un") == set() and len(idx) == 1
        [back] = idx.uses("g1")
        assert (back.iri, back.kind, back.local, back.keys) == (
            person("ada-lovelace"), "Person", "person:ada-lovelace", frozenset({"ada lovelace", "ada"}))


def test_graphs_come_in_iri_order_a_page_at_a_time_even_while_rewritten():
    with NameIndex() as idx:
        names = [f"{BASE}id/article/{i:03d}" for i in (7, 3, 11, 0, 5)]
        for g in names:
            idx.add_graph(g, [use(org(f"o{g[-3:]}"), f"organization:o{g[-3:]}", "acme")])
        idx.add_graph(f"{BASE}id/article/empty", [])   # no entities: nothing to resolve
        seen = []
        for g in idx.graphs(page=2):
            seen.append(g)
            idx.add_graph(g, idx.uses(g))   # rewriting the current graph neither skips nor repeats
        assert seen == sorted(names)


def test_resolution_through_the_index():
    with NameIndex() as idx:
        idx.add_graph("g1", [use(person("maulen-ashimbayev"), "person:maulen-ashimbayev", "maulen ashimbayev"),
                             use(org("turksoy"), "organization:turksoy", "turksoy",
                                 "international organization of turkic culture")])
        idx.add_graph("g2", [use(org("turksoy-x"), "organization:turksoy-x", "turksoy")])
        # a surname alone takes the one full name stored with it
        assert resolve_iri(idx, M, "Person", "person:ashimbayev", {"ashimbayev"}) == person("maulen-ashimbayev")
        # unless the only full name is in the article's own graph
        assert resolve_iri(idx, M, "Person", "person:ashimbayev", {"ashimbayev"}, excluding="g1") == person("ashimbayev")
        # an organization known by fewer names takes the IRI of the one that knows more
        assert resolve_iri(idx, M, "Organization", "organization:turksoy-x", {"turksoy"}, excluding="g2") == org("turksoy")
        assert resolve_iri(idx, M, "Organization", "organization:turksoy", {"turksoy"}, excluding="g1") == org("turksoy")


def test_the_index_loaded_from_a_store_is_the_index_ingest_kept(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a1.txt").write_text(" date 2024-03-01 Ada Lovelace joins the Analytical Society\n\n"
                                     "LONDON. Ada Lovelace, chair of the Analytical Society (AS), spoke on Monday.")
    (articles / "a2.txt").write_text(" date 2024-03-02 Lovelace speaks again\n\n"
                                     "LONDON. Lovelace told the AS that the engine works.")
    store = GraphStore.open(tmp_path / "store")
    report = ingest_paths([articles], store, M, jobs=0, progress=False)
    assert report.ok and len(report.ingested) == 2
    with NameIndex.load(store) as idx:
        graphs = list(idx.graphs())
        assert graphs == sorted(M.article(a) for a in ("a1", "a2"))
        by_graph = {g: {(u.iri, u.kind, u.keys) for u in idx.uses(g)} for g in graphs}
    assert (person("ada-lovelace"), "Person", frozenset({"ada lovelace"})) in by_graph[M.article("a1")]
    # the surname alone was resolved to the full name across articles
    assert any(iri == person("ada-lovelace") for iri, _, _ in by_graph[M.article("a2")])


def test_ledger_remembers_where_each_identifier_was_read_and_what_was_touched():
    with RunLedger() as ledger:
        assert ledger.first_read("a1", "x/a1.txt") == "x/a1.txt"
        assert ledger.first_read("a1", "y/a1.txt") == "x/a1.txt"
        ledger.touch(["e3", "e1"])
        ledger.touch({"e2", "e1"})
        assert list(ledger.touched(page=2)) == ["e1", "e2", "e3"]
        for iri, name in [("e2", "B"), ("e1", "A"), ("e2", "b"), ("e3", "C"), ("e2", "B")]:
            ledger.prefer(iri, name)
        assert list(ledger.preferred(size=2)) == [{"e1": {"A"}, "e2": {"B", "b"}}, {"e3": {"C"}}]


def test_the_index_lives_in_a_file_that_is_already_deleted():
    """On disk (not in memory), and gone with the process however it ends."""
    def temp_files() -> list[str]:
        links = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                 if os.path.exists(f"/proc/self/fd/{fd}")]
        return [t for t in links if "etilqs_" in t]   # SQLite's temporary files

    before = temp_files()
    with NameIndex() as idx:
        idx.db.execute("PRAGMA cache_size = -64")   # 64 KiB: SQLite soon spills to its file
        for i in range(3000):
            idx.add_graph(f"g{i}", [use(org(f"o{i}"), f"organization:o{i}", f"name {i}", f"other name {i}")])
        assert len(idx) == 3000
        files = [t for t in temp_files() if t not in before]
        assert files and all(t.endswith("(deleted)") for t in files)
    assert [t for t in temp_files() if t not in before] == []
