"""The report charts drawn on the server (server/report_charts.py): each kind from rows, in order,
escaped, and honest about rows it cannot place."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from server import report_charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))   # well-formed XML, or this raises


def test_bar_sums_y_per_x_and_names_bars_by_the_iri_tail():
    rows = [{"org": "https://example.org/id/organization/un", "n": "2"},
            {"org": "https://example.org/id/organization/un", "n": "3"},
            {"org": "https://example.org/id/organization/osce", "n": "1"}]
    svg = parse(report_charts.draw({"type": "bar", "x": "org", "y": "n"}, rows))
    assert svg.get("class") == "chart-bar"
    bars = svg.findall(f"{SVG}rect")
    assert [b.find(f"{SVG}title").text for b in bars] == ["un: 5", "osce: 1"]
    assert float(bars[0].get("width")) > float(bars[1].get("width"))


def test_line_orders_dates_and_labels_the_axis_with_them():
    rows = [{"day": "2024-03-05", "n": "4"}, {"day": "2024-01-01", "n": "1"}, {"day": "2024-02-01", "n": "2"}]
    svg = parse(report_charts.draw({"type": "line", "x": "day", "y": "n"}, rows))
    titles = [c.find(f"{SVG}title").text for c in svg.findall(f"{SVG}circle")]
    assert titles == ["2024-01-01: 1", "2024-02-01: 2", "2024-03-05: 4"]
    ticks = [t.text for t in svg.findall(f"{SVG}text") if t.get("class") == "tick"]
    assert "2024-01-01" in ticks and "2024-03-05" in ticks
    xs = [float(c.get("cx")) for c in svg.findall(f"{SVG}circle")]
    assert xs == sorted(xs)


def test_timeline_draws_dated_rows_and_counts_the_undated():
    rows = [{"who": "Head of State", "from": "2019-06-12", "to": "2024-01-01"},
            {"who": "Minister", "from": None, "to": None},
            {"who": "Envoy", "from": "2021-05-01", "to": None}]
    svg = parse(report_charts.draw({"type": "timeline", "label": "who", "start": "from", "end": "to"}, rows))
    spans = [r for r in svg.findall(f"{SVG}rect") if r.get("class") == "span"]
    assert len(spans) == 2
    assert spans[0].find(f"{SVG}title").text == "Head of State: 2019-06-12 – 2024-01-01"
    assert spans[1].find(f"{SVG}title").text == "Envoy: 2021-05-01"          # no end: a mark on its start
    undated = [t.text for t in svg.findall(f"{SVG}text") if t.get("class") == "undated"]
    assert undated == ["1 row without a date, not drawn"]


def test_network_is_deterministic_and_inside_the_canvas():
    rows = [{"a": f"P{i}", "b": f"P{(i + 1) % 6}", "w": str(i + 1)} for i in range(6)]
    spec = {"type": "network", "source": "a", "target": "b", "weight": "w"}
    first, second = str(report_charts.draw(spec, rows)), str(report_charts.draw(spec, rows))
    assert first == second
    svg = parse(first)
    assert len([e for e in svg.findall(f"{SVG}line") if e.get("class") == "edge"]) == 6
    nodes = svg.findall(f"{SVG}circle")
    assert len(nodes) == 6
    assert all(60 <= float(c.get("cx")) <= 840 and 30 <= float(c.get("cy")) <= 530 for c in nodes)


def test_every_text_is_escaped():
    evil = '<script>alert(1)</script>"&'
    for spec, rows in [({"type": "bar", "x": "x"}, [{"x": evil}]),
                       ({"type": "line", "x": "x", "y": "y"}, [{"x": evil, "y": "1"}]),
                       ({"type": "timeline", "label": "x", "start": "d"}, [{"x": evil, "d": "2020-01-01"}]),
                       ({"type": "network", "source": "x", "target": "y"}, [{"x": evil, "y": "b"}])]:
        out = str(report_charts.draw(spec, rows))
        assert "<script" not in out
        parse(out)


def test_no_rows_no_marks_and_an_unknown_kind_draws_nothing():
    for kind, spec in [("bar", {"x": "x"}), ("line", {"x": "x", "y": "y"}),
                       ("timeline", {"label": "x", "start": "d"}), ("network", {"source": "a", "target": "b"})]:
        svg = parse(report_charts.draw({"type": kind, **spec}, []))
        assert not re.search(r"<(rect|circle|polyline)\b", ET.tostring(svg, encoding="unicode"))
    assert report_charts.draw({"type": "pie"}, [{"x": 1}]) is None
