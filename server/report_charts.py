"""A canned report's chart (``#+ chart:`` in its header), drawn here as inline SVG from its rows.

The same engine as the resource pages' charts (:mod:`server.charts`): SVG written on the server,
every text escaped, a ``<title>`` tooltip on every mark, no script and nothing from a CDN, so a
report's page shows its chart with JavaScript off and under a strict Content-Security-Policy. Four
kinds, as :mod:`kg.reports.catalogue` checks them: ``bar`` (a total per ``x``), ``line`` (``y``
over ``x``, dates and numbers in order), ``timeline`` (a bar per row from ``start`` to ``end``; a
row with no date is not drawn at a made-up one and a line says how many) and ``network`` (rows as
``source``–``target`` edges, laid out by Fruchterman–Reingold from a circle, deterministic).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup, escape

Row = Mapping[str, Any]
_IRI = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_DATE = re.compile(r"\d{4}-\d{2}")


def _short(text: Any, n: int) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def _tail(value: Any) -> str:
    """An IRI reads better by its last segment."""
    s = "" if value is None else str(value)
    if not _IRI.match(s):
        return s
    parts = [p for p in re.split(r"[/#]", s) if p]
    return unquote(parts[-1]) if parts else s


def _day(value: Any) -> float | None:
    """Days since 1970-01-01 for an xsd:date, dateTime, gYearMonth or gYear value; None otherwise."""
    if value is None:
        return None
    s = str(value).strip()
    try:
        if re.fullmatch(r"-?\d{4}", s):
            d = dt.date(int(s), 1, 1)
        elif re.fullmatch(r"\d{4}-\d{2}", s):
            d = dt.date(int(s[:4]), int(s[5:7]), 1)
        else:
            when = dt.datetime.fromisoformat(s.replace("Z", "+00:00")) if "T" in s else None
            if when is not None:
                return (when.replace(tzinfo=None) - dt.datetime(1970, 1, 1)).total_seconds() / 86400
            d = dt.date.fromisoformat(s[:10])
    except ValueError:
        return None
    return float((d - dt.date(1970, 1, 1)).days)


def _date_text(day: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=math.floor(day))).isoformat()


def _number(value: Any) -> float | None:
    try:
        n = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(n) else n


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _svg(kind: str, width: float, height: float, parts: list[str]) -> Markup:
    return Markup(f'<svg class="chart-{kind}" role="img" viewBox="0 0 {_num(width)} {_num(height)}" width="100%" '
                  f'xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>")


def _text(x: float, y: float, text: str, cls: str, anchor: str | None = None, title: str | None = None) -> str:
    a = f' text-anchor="{anchor}"' if anchor else ""
    return f'<text x="{_num(x)}" y="{_num(y)}"{a} class="{cls}">{escape(text)}</text>'


def _titled(tag: str, attrs: str, title: str) -> str:
    return f"<{tag} {attrs}><title>{escape(title)}</title></{tag}>"


def _axis(ticks: list[tuple[float, str]], x0: float, x1: float, y: float) -> list[str]:
    out = []
    for i, (pos, label) in enumerate(ticks):
        many = len(ticks) > 1
        anchor = "start" if many and i == 0 else "end" if many and i == len(ticks) - 1 else "middle"
        out.append(_text(pos, y, label, "tick", anchor))
    out.append(f'<line x1="{_num(x0)}" x2="{_num(x1)}" y1="{_num(y - 14)}" y2="{_num(y - 14)}" class="axis"/>')
    return out


def bar(spec: Mapping[str, Any], rows: Sequence[Row]) -> Markup:
    """A bar per distinct ``x`` (its IRI's last segment), as long as its rows' ``y`` sum (or count)."""
    totals: dict[str, float] = {}
    for r in rows:
        key = _tail(r.get(spec["x"]))
        totals[key] = totals.get(key, 0) + ((_number(r.get(spec["y"])) or 0) if spec.get("y") else 1)
    items = list(totals.items())[:40]
    peak = max([1.0, *(v for _, v in items)])
    width, left, row_h = 900, 240, 24
    parts = []
    for i, (label, value) in enumerate(items):
        y, w = 10 + i * row_h, max(1.0, (width - left - 60) * value / peak)
        parts.append(_text(left - 8, y + 15, _short(label, 34), "label", "end"))
        parts.append(_titled("rect", f'x="{left}" y="{y + 2}" width="{_num(w)}" height="{row_h - 6}" class="bar"',
                             f"{label}: {_num(value)}"))
        parts.append(_text(left + w + 6, y + 15, _num(value), "value"))
    return _svg("bar", width, len(items) * row_h + 30, parts)


def line(spec: Mapping[str, Any], rows: Sequence[Row]) -> Markup:
    """``y`` over ``x``: on a date axis when every ``x`` is a date, a number axis when a number, else in row order."""
    raw = [(r.get(spec["x"]), _number(r.get(spec["y"]))) for r in rows]
    pts = [(x, y) for x, y in raw if y is not None]
    by_date = bool(pts) and all(_day(x) is not None for x, _ in pts) and any(_DATE.search(str(x)) for x, _ in pts)
    by_number = not by_date and bool(pts) and all(_number(x) is not None for x, _ in pts)
    key: Callable[[int, Any], float] = ((lambda i, x: _day(x)) if by_date else   # type: ignore[assignment,return-value]
                                        (lambda i, x: _number(x)) if by_number else (lambda i, x: float(i)))
    points = [(key(i, x), y, x) for i, (x, y) in enumerate(pts)]
    if by_date or by_number:
        points.sort(key=lambda p: p[0])
    width, height, left, right, top, bottom = 900, 320, 60, 20, 20, 50
    if not points:
        return _svg("line", width, height, [])
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(0.0, *ys), max(0.0, *ys)

    def sx(x: float) -> float:
        return left + ((width - left - right) / 2 if x1 == x0 else (x - x0) / (x1 - x0) * (width - left - right))

    def sy(y: float) -> float:
        return top + (0 if y1 == y0 else (y1 - y) / (y1 - y0)) * (height - top - bottom)

    parts = [f'<line x1="{left}" x2="{left}" y1="{top}" y2="{height - bottom}" class="axis"/>',
             _text(left - 6, top + 4, _num(y1), "tick", "end"), _text(left - 6, height - bottom, _num(y0), "tick", "end"),
             '<polyline points="' + " ".join(f"{_num(sx(x))},{_num(sy(y))}" for x, y, _ in points) + '" class="line"/>']
    parts += [_titled("circle", f'cx="{_num(sx(x))}" cy="{_num(sy(y))}" r="4" class="point"', f"{_tail(r)}: {_num(y)}")
              for x, y, r in points]

    def label(v: float) -> str:
        if by_date:
            return _date_text(v)
        if by_number:
            return _num(v)
        i = round(v)
        return _short(_tail(points[i][2]) if 0 <= i < len(points) else v, 14)

    at = [x0] if x1 == x0 else [x0 + f * (x1 - x0) for f in (0, 0.25, 0.5, 0.75, 1)]
    parts += _axis([(sx(v), label(v)) for v in at], left, width - right, height - bottom + 30)
    return _svg("line", width, height, parts)


def timeline(spec: Mapping[str, Any], rows: Sequence[Row]) -> Markup:
    """A bar per row from ``start`` to ``end`` (a mark on ``start`` without one); undated rows counted, not drawn."""
    items, undated = [], 0
    for r in rows:
        s = _day(r.get(spec["start"]))
        if s is None:
            undated += 1
            continue
        e = _day(r.get(spec["end"])) if spec.get("end") else s
        items.append((_tail(r.get(spec["label"])), s, s if e is None else e))
    items = items[:60]
    width, left, right, row_h = 900, 240, 30, 22
    height = len(items) * row_h + 50 + (18 if undated else 0)
    parts = []
    if undated:
        parts.append(_text(8, height - 6, f"{undated} row{'' if undated == 1 else 's'} without a date, not drawn",
                           "undated"))
    if not items:
        return _svg("timeline", width, height, parts)
    t0, t1 = min(s for _, s, _ in items), max(e for _, _, e in items)
    span = max(t1 - t0, 1.0)

    def sx(t: float) -> float:
        return left + (t - t0) / span * (width - left - right)

    for i, (label, s, e) in enumerate(items):
        y = 10 + i * row_h
        parts.append(_text(left - 8, y + 14, _short(label, 34), "label", "end"))
        w = max(6.0, sx(e) - sx(s))
        when = _date_text(s) + (f" – {_date_text(e)}" if e != s else "")
        parts.append(_titled("rect", f'x="{_num(sx(s) - (3 if e == s else 0))}" y="{y + 3}" width="{_num(w)}" '
                                     f'height="{row_h - 8}" rx="3" class="span"', f"{label}: {when}"))
    parts += _axis([(sx(t0), _date_text(t0)), (sx(t0 + span), _date_text(t0 + span))], left, width - right,
                   height - 8 - (18 if undated else 0))
    return _svg("timeline", width, height, parts)


def network(spec: Mapping[str, Any], rows: Sequence[Row]) -> Markup:
    """Rows as weighted ``source``–``target`` edges; node size grows with its total weight."""
    index: dict[str, int] = {}
    labels: list[str] = []
    degree: list[float] = []
    edges: list[tuple[int, int, float]] = []

    def node(label: str) -> int:
        if label not in index:
            index[label] = len(labels)
            labels.append(label)
            degree.append(0.0)
        return index[label]

    for r in rows:
        if r.get(spec["source"]) is None or r.get(spec["target"]) is None:
            continue
        a, b = node(_tail(r[spec["source"]])), node(_tail(r[spec["target"]]))
        w = (_number(r.get(spec["weight"])) or 1.0) if spec.get("weight") else 1.0
        edges.append((a, b, w))
        degree[a] += w
        degree[b] += w
    width, height, n = 900, 560, len(labels)
    if not n:
        return _svg("network", width, height, [])
    xs = [width / 2 + math.cos(2 * math.pi * i / n) * width / 3 for i in range(n)]
    ys = [height / 2 + math.sin(2 * math.pi * i / n) * height / 3 for i in range(n)]
    k, t = math.sqrt(width * height / n) * 0.6, width / 10
    for _ in range(300 if n <= 150 else 60):   # O(n^2) a step: fewer steps for large graphs
        dx, dy = [0.0] * n, [0.0] * n
        for i in range(n):
            for j in range(i + 1, n):
                x, y = xs[i] - xs[j], ys[i] - ys[j]
                d = max(math.hypot(x, y), 0.01)
                f = k * k / d
                dx[i] += x / d * f; dy[i] += y / d * f; dx[j] -= x / d * f; dy[j] -= y / d * f  # noqa: E702
        for a, b, _w in edges:
            x, y = xs[a] - xs[b], ys[a] - ys[b]
            d = max(math.hypot(x, y), 0.01)
            f = d * d / k
            dx[a] -= x / d * f; dy[a] -= y / d * f; dx[b] += x / d * f; dy[b] += y / d * f  # noqa: E702
        for i in range(n):
            d = max(math.hypot(dx[i], dy[i]), 0.01)
            m = min(d, t)
            xs[i] = min(width - 60, max(60, xs[i] + dx[i] / d * m))
            ys[i] = min(height - 30, max(30, ys[i] + dy[i] / d * m))
        t *= 0.985
    parts = [_titled("line", f'x1="{_num(xs[a])}" y1="{_num(ys[a])}" x2="{_num(xs[b])}" y2="{_num(ys[b])}" '
                             f'stroke-width="{_num(1 + math.log2(max(w, 1)))}" class="edge"',
                     f"{labels[a]} – {labels[b]}: {_num(w)}") for a, b, w in edges]
    for i, label in enumerate(labels):
        parts.append(_titled("circle", f'cx="{_num(xs[i])}" cy="{_num(ys[i])}" '
                                       f'r="{_num(5 + min(10, 2 * math.sqrt(degree[i])))}" class="node"', label))
        parts.append(_text(xs[i], ys[i] - 12, _short(label, 28), "label", "middle"))
    return _svg("network", width, height, parts)


CHARTS: dict[str, Callable[[Mapping[str, Any], Sequence[Row]], Markup]] = {
    "bar": bar, "line": line, "timeline": timeline, "network": network}


def draw(spec: Mapping[str, Any], rows: Sequence[Row]) -> Markup | None:
    """The chart ``spec`` asks for over ``rows`` (column -> value), or None for a kind not drawn here."""
    chart = CHARTS.get(str(spec.get("type")))
    return chart(spec, rows) if chart else None
