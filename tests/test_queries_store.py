"""Saved reports in the store: every save a new version, shipped files as version 1, deletion kept
in the history, nothing saved when the text is wrong, and the description readable by SPARQL."""
from __future__ import annotations

import threading

import pytest

from kg.resources import QUERIES_DIR
from kg.errors import NotFound, QuerySyntaxError
from kg.reports.saved import QUERIES_GRAPH, Gone, QueryStore
from tests.reports_support import memory_copy

BASE = "http://localhost:5000/"
MINE = "#+ summary: People\n#+ tags: [people]\nSELECT ?person WHERE { ?person a foaf:Person ; rdfs:label ?_label }\n"


@pytest.fixture()
def reports(seed_store):
    return QueryStore(memory_copy(seed_store), QUERIES_DIR, BASE)


def test_shipped_files_are_version_1_until_the_first_save_copies_them(reports):
    shipped = (QUERIES_DIR / "who_met_whom.rq").read_text()
    assert [(v.number, v.shipped) for v in reports.history("who_met_whom")] == [(1, True)]
    before = len(reports.store)
    q = reports.save("who_met_whom", shipped.replace("Who met whom", "Who met whom, revised"))
    assert (q.version, q.summary) == (2, "Who met whom, revised")
    assert [(v.number, v.shipped) for v in reports.history("who_met_whom")] == [(1, False), (2, False)]
    assert reports.version("who_met_whom", 1).sparql == shipped
    assert reports.get("who_met_whom").version == 2
    assert len(reports.store) > before


def test_save_run_new_version_old_version_delete_and_save_again(reports):
    assert reports.save("mine", MINE).version == 1
    v2 = reports.save("mine", MINE.replace("?person WHERE", "?person ?label WHERE").replace("?_label }", "?label . FILTER(?label = ?_label) }"))
    assert v2.version == 2 and v2.columns == ["person", "label"]
    assert reports.version("mine", 1).columns == ["person"]
    deleted = reports.delete("mine")
    assert (deleted.number, deleted.deleted) == (3, True)
    assert "mine" not in reports.current()
    with pytest.raises(Gone):
        reports.get("mine")
    with pytest.raises(Gone):
        reports.version("mine", 3)
    assert reports.version("mine", 2).version == 2  # history stays runnable
    with pytest.raises(Gone):
        reports.delete("mine")
    assert reports.save("mine", MINE).version == 4
    assert reports.get("mine").version == 4


def test_a_wrong_text_saves_nothing(reports):
    before = len(reports.store)
    for text in ("SELECT ?x WHERE { ?x", "#+ chart: pie\nSELECT ?x WHERE { ?x ?p ?o }", "DROP ALL"):
        with pytest.raises(QuerySyntaxError):
            reports.save("broken", text)
    assert len(reports.store) == before
    with pytest.raises(NotFound):
        reports.get("broken")


def test_the_versions_are_described_as_shacl_executables_in_their_own_graph(reports):
    reports.save("mine", MINE)
    reports.save("mine", MINE)
    rows = list(reports.store.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?v ?n ?text ?prev WHERE { GRAPH <" + QUERIES_GRAPH + "> { "
        "?v a sh:SPARQLSelectExecutable ; sh:select ?text ; owl:versionInfo ?n ; dcterms:isVersionOf ?r . "
        "?r dcterms:identifier \"mine\" OPTIONAL { ?v prov:wasRevisionOf ?prev } } } ORDER BY ?n"))
    assert [(r["v"].value, r["n"].value) for r in rows] == [
        (BASE + "queries/mine/versions/1", "1"), (BASE + "queries/mine/versions/2", "2")]
    assert rows[0]["text"].value == MINE and rows[1]["prev"].value == BASE + "queries/mine/versions/1"


def test_concurrent_saves_get_distinct_versions(reports):
    errors = []

    def save() -> None:
        try:
            reports.save("busy", MINE)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=save) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [v.number for v in reports.history("busy")] == list(range(1, 9))
