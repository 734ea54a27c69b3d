"""Cross-document event coreference (kg/resolve/events.py): three outlets' reports of one meeting are
one event node with three sources; removing one removes only its support; a report a day apart is
another event; an undated report joins only on strong evidence; the result does not depend on the
order articles come in. The articles are written for this test."""
from __future__ import annotations

import gc

import requests
from pyoxigraph import NamedNode

from kg.ingest.run import ingest_paths, remove_article
from kg.resolve.events import EventReport, clusters
from kg.store.local import GraphStore
from kg.vocab import NG
from tests.conftest import start_server, stop_server

REPORTS = {
    "wire1": """ date 2024-02-06 Speaker meets Mongolian delegation

ASTANA. KAZINFORM - Speaker of the Senate Dariga Sultanova met with Chairman of the State Great Khural Batbold Ganzorig in Astana on Tuesday.
Sultanova and Ganzorig discussed trade and transport corridors.""",
    "wire2": """ date 2024-02-06 Kazakh and Mongolian speakers hold talks

ASTANA. MONTSAME - Chairman of the State Great Khural Batbold Ganzorig held a meeting with Speaker of the Senate Dariga Sultanova in Astana on Tuesday.
The speakers agreed to set up a joint working group.""",
    "wire3": """ date 2024-02-06 Parliament leaders meet

ASTANA. TREND - Speaker of the Senate Dariga Sultanova met Batbold Ganzorig, Chairman of the State Great Khural, in Astana on Tuesday.""",
    # a day later: another meeting of the same two, not the same event
    "later": """ date 2024-02-07 Speakers meet again

ALMATY. KAZINFORM - Speaker of the Senate Dariga Sultanova met with Chairman of the State Great Khural Batbold Ganzorig in Almaty on Wednesday.""",
}


def meetings(store) -> dict[str, set[str]]:
    """Each meeting node and the articles it is derived from."""
    out: dict[str, set[str]] = {}
    for r in store.query("SELECT ?e ?a WHERE { ?e a ng:Meeting ; prov:wasDerivedFrom ?a }"):
        out.setdefault(r["e"].value, set()).add(r["a"].value.rsplit("/", 1)[-1])
    return out


def write(folder, names):
    folder.mkdir(exist_ok=True)
    return [_w(folder / f"{n}.txt", REPORTS[n]) for n in names]


def _w(path, text):
    path.write_text(text)
    return path


def test_three_reports_are_one_event_and_the_other_day_is_another(tmp_path, extractor, minter):
    store = GraphStore.open(tmp_path / "db")
    ingest_paths(write(tmp_path / "in", REPORTS), store, minter, extractor=extractor, progress=False)
    found = meetings(store)
    assert sorted(found.values(), key=len) == [{"later"}, {"wire1", "wire2", "wire3"}], found
    event = next(e for e, a in found.items() if len(a) == 3)
    assert event == minter.event("wire1", 1)                 # the smallest report IRI names it
    node = NamedNode(event)
    # each article's claim stays in its own graph, with its own evidence sentence
    graphs = {q.graph_name.value.rsplit("/", 1)[-1] for q in store.quads(node, None, None, None)}
    assert {"wire1", "wire2", "wire3"} <= graphs
    evidence = {q.object.value for q in store.quads(node, NG.evidence, None, None)}
    assert len(evidence) == 3
    # the other reports' own IRIs are aliases of it
    aliases = {r["o"].value for r in store.query("SELECT ?e ?o WHERE { ?e owl:sameAs ?o }", substitutions={"e": node})}
    assert aliases == {minter.event("wire2", 1), minter.event("wire3", 1)}
    # the meetings report counts events, not reports
    n = next(iter(store.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ng:Meeting }")))["n"].value
    assert n == "2"


def test_removing_a_source_removes_only_its_support(tmp_path, extractor, minter):
    store = GraphStore.open(tmp_path / "db")
    ingest_paths(write(tmp_path / "in", ["wire1", "wire2", "wire3"]), store, minter, extractor=extractor,
                 progress=False)
    assert remove_article(store, minter, "wire1")
    found = meetings(store)
    assert list(found.values()) == [{"wire2", "wire3"}]
    assert list(found) == [minter.event("wire2", 1)]     # renamed to the smallest remaining report
    assert remove_article(store, minter, "wire2") and remove_article(store, minter, "wire3")
    assert meetings(store) == {}                          # the event went with its last source


def test_the_order_of_arrival_does_not_change_the_events(tmp_path, extractor, minter):
    results = []
    for i, order in enumerate([["wire1", "wire2", "wire3"], ["wire3", "wire2", "wire1"], ["wire2", "wire3", "wire1"]]):
        store = GraphStore.open(tmp_path / f"db{i}")
        for name in order:       # one article per batch: the event is settled three times
            ingest_paths(write(tmp_path / f"in{i}", [name]), store, minter, extractor=extractor, progress=False)
        results.append(meetings(store))
        del store
    assert results[0] == results[1] == results[2] and len(results[0]) == 1


def test_an_undated_report_joins_only_on_strong_evidence():
    def report(own, date, actors, place="astana", kind="Meeting", document=None):
        return EventReport("g-" + own, own, own, kind, date, place, frozenset(actors), document)

    treaty = "agreement on transit"
    signed = report("a-1", "2024-02-06", {"x", "y"}, kind="Signing", document=treaty)
    same = report("b-1", None, {"x", "y"}, kind="Signing", document=treaty)      # same document, parties: joins
    other = report("c-1", None, {"x", "y"}, kind="Signing", document="protocol on visas")
    one_side = report("d-1", None, {"x"}, kind="Signing", document=treaty)       # one party: not enough
    met = report("e-1", "2024-02-06", {"x", "y"})
    met_again = report("f-1", None, {"x", "y"})          # the same two in the same city: they meet often
    groups = {frozenset(m.own for m in g) for g in clusters([signed, same, other, one_side, met, met_again])}
    assert groups == {frozenset({"a-1", "b-1"}), frozenset({"c-1"}), frozenset({"d-1"}), frozenset({"e-1"}),
                      frozenset({"f-1"})}
    # two places never end up in one group, even through a report that has none
    a, b, c = report("a", "2024-01-01", {"x", "y"}, "p"), report("b", "2024-01-01", {"x", "y"}, None), \
        report("c", "2024-01-01", {"x", "y"}, "q")
    assert sorted(len(g) for g in clusters([a, b, c])) == [1, 2]
    # a phone call is not a meeting
    assert len(clusters([report("m", "2024-01-01", {"x", "y"}), report("p", "2024-01-01", {"x", "y"}, kind="PhoneCall")])) == 2


def test_the_event_page_and_old_report_iris_over_http(tmp_path, extractor, minter):
    store = GraphStore.open(tmp_path / "db")
    ingest_paths(write(tmp_path / "in", ["wire1", "wire2", "wire3"]), store, minter, extractor=extractor,
                 progress=False)
    store.flush()
    del store
    gc.collect()
    proc, url = start_server(tmp_path / "db", tmp_path / "serve.log")
    try:
        r = requests.get(url + "/id/event/wire2-1", allow_redirects=False, timeout=30)
        assert r.status_code == 301 and r.headers["Location"].endswith("/id/event/wire1-1")
        page = requests.get(url + "/id/event/wire1-1", headers={"Accept": "text/html"}, timeout=30).text
        assert 'class="reported">Reported by 3 articles' in page
        rows = requests.get(url + "/queries/events_with_most_sources/run", params={"format": "csv"}, timeout=30)
        assert rows.status_code == 200, rows.text
        header, first = rows.text.splitlines()[:2]
        assert header.startswith("event,") and "/id/event/wire1-1," in first and ",3," in first
    finally:
        stop_server(proc)


def test_one_articles_own_events_are_never_merged_and_wordings_do_not_split_an_event():
    def report(graph, own, kind="Statement", quote=None, document=None):
        # the quote is what each outlet wrote; resolution does not compare it
        return EventReport(graph, own, own, kind, "2024-03-01", None, frozenset({"x"}), document)

    # two statements of one person on one day in one article: the article tells them apart
    assert len(clusters([report("g1", "a-1"), report("g1", "a-2")])) == 2
    # in two articles, one statement however each outlet quotes it (each graph keeps its words),
    # and one signing however each names the documents
    assert len(clusters([report("g1", "a-1", quote="we will build"), report("g2", "b-1", quote="no comment")])) == 1
    assert len(clusters([report("g1", "a-1", "Signing", document="agreement on transit"),
                         report("g2", "b-1", "Signing", document="transit agreement")])) == 1
