"""Two small inline SVG charts for resource pages, drawn here (no JavaScript, no CDN):

- :func:`timeline`: a time axis by year with how often the resource was in the news and in
  events each year (bars), the events of the page (dots, each a link) and the posts held
  (bars from first to last seen); what has no date (an undated article, an event it does not
  date) is not drawn at any made-up date, and a line under the axis says how many there are;
- :func:`who_met_whom`: the actors the resource shared events with, around it, with lines as
  thick as the number of shared events, plus the lines among them.

Every text is escaped; every mark has a ``<title>`` (a tooltip) and links to its resource.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from markupsafe import Markup, escape

from kg.views.profile import Profile, Ref

Href = Callable[[str], str]
_PALETTE = {"Meeting": "#1f77b4", "PhoneCall": "#ff7f0e", "Phone call": "#ff7f0e", "Visit": "#2ca02c",
            "Appointment": "#9467bd", "Signing": "#d62728", "Statement": "#8c564b"}


def _year_fraction(date: str | None) -> float | None:
    try:
        d = dt.date.fromisoformat(date[:10]) if date else None
    except ValueError:
        return None
    if d is None:
        return None
    return d.year + (d.timetuple().tm_yday - 1) / 366


def _a(href: str, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>'


def timeline(p: Profile, href: Href, width: int = 760) -> Markup | None:
    """The timeline of ``p`` (None when it has nothing dated)."""
    events = p.events.rows if p.events else []
    posts = [r for page in (p.posts,) if page for r in page.rows]
    points = [_year_fraction(e.date) for e in events] + \
             [_year_fraction(x) for r in posts for x in (r.first, r.last)]
    years = set(p.event_years) | set(p.mention_years) | {int(x) for x in points if x is not None}
    if not (events or posts) and len(p.mention_years) < 2:
        return None                      # one bar on its own says nothing
    if not years:
        return None
    y0, y1 = min(years), max(years) + 1
    left, right, lane = 120, 12, 26
    span = width - left - right

    def x(v: float) -> float:
        return left + (v - y0) / (y1 - y0) * span

    lanes: list[str] = []
    rows: list[str] = []

    def bars(counts: dict[int, int], top: float, color: str, what: str) -> None:
        peak = max(counts.values(), default=0) or 1
        for year, n in sorted(counts.items()):
            h = max(2.0, (lane - 6) * n / peak)
            rows.append(f'<rect x="{x(year) + 1:.1f}" y="{top + lane - 3 - h:.1f}" width="{max(1.0, x(year + 1) - x(year) - 2):.1f}" '
                        f'height="{h:.1f}" fill="{color}" opacity="0.35"><title>{year}: {n} {what}</title></rect>')

    top = 4.0
    if p.mention_years:
        lanes.append(f'<text x="4" y="{top + lane - 9}" class="lane">In the news</text>')
        bars(p.mention_years, top, "#555", "articles")
        top += lane
    if p.event_years or events:
        lanes.append(f'<text x="4" y="{top + lane - 9}" class="lane">Events</text>')
        bars(p.event_years, top, "#1f77b4", "events")
        for e in events:
            v = _year_fraction(e.date)
            if v is None:
                continue
            kind = e.kinds[0] if e.kinds else "Event"
            color = _PALETTE.get(kind, "#444")
            rows.append(_a(href(e.iri), f'<circle class="event" cx="{x(v):.1f}" cy="{top + lane / 2:.1f}" r="5" '
                                        f'fill="{color}" stroke="#fff"><title>{escape(e.label)} ({escape(e.date or "")})'
                                        f'</title></circle>'))
        top += lane
    for r in posts:
        a, b = _year_fraction(r.first), _year_fraction(r.last)
        if a is None or b is None:
            continue
        name = " ".join(x.label for x in (r.role, r.organization) if x is not None) or "post"
        lanes.append(f'<text x="4" y="{top + lane - 9}" class="lane">{escape(_clip(name, 18))}</text>')
        rows.append(_a(href(r.membership), f'<rect class="post" x="{x(a):.1f}" y="{top + 6:.1f}" '
                                           f'width="{max(4.0, x(b) - x(a)):.1f}" height="{lane - 12}" rx="3" fill="#9467bd">'
                                           f'<title>{escape(name)}: {escape(r.first or "")} to {escape(r.last or "")}'
                                           f'</title></rect>'))
        top += lane
    axis_y = top + 4
    step = max(1, math.ceil((y1 - y0) / 12))
    ticks = [f'<line x1="{x(y):.1f}" x2="{x(y):.1f}" y1="4" y2="{axis_y:.1f}" class="grid"/>'
             f'<text x="{x(y) + 2:.1f}" y="{axis_y + 14:.1f}" class="tick">{y}</text>'
             for y in range(y0, y1, step)]
    height = axis_y + 20
    note = undated_note(p, posts)
    if note:
        rows.append(f'<text x="4" y="{height + 8:.1f}" class="undated">{escape(note)}</text>')
        height += 16
    svg = (f'<svg class="timeline" role="img" aria-label="Timeline" viewBox="0 0 {width} {height:.0f}" '
           f'width="100%" xmlns="http://www.w3.org/2000/svg">' + "".join(ticks + lanes + rows) + "</svg>")
    return Markup(svg)


def undated_note(p: Profile, posts: list | None = None) -> str:
    """How many of the things the timeline could show have no date ("" when none)."""
    if posts is None:
        posts = list(p.posts.rows) if p.posts else []
    counts = ((p.events_undated, "event"), (p.mentions_undated, "article"),
              (sum(1 for r in posts if r.first is None and r.last is None), "post"))
    parts = [f"{n} {what}{'s' if n != 1 else ''}" for n, what in counts if n]
    return f"Not on the time axis (no date known): {', '.join(parts)}" if parts else ""


def who_met_whom(center: Ref, neighbours: list[tuple[Ref, int]], edges: list[tuple[str, str, int]],
                 href: Href, width: int = 620, height: int = 400) -> Markup:
    """An ego graph: ``center`` in the middle, ``neighbours`` around it (weight = shared events).

    The canvas is wider than the circle so that names written beside it fit."""
    cx, cy = width / 2, height / 2
    radius = height / 2 - 40
    pos: dict[str, tuple[float, float]] = {}
    n = max(1, len(neighbours))
    for i, (ref, _) in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        pos[ref.iri] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    peak = max((w for _, w in neighbours), default=1)
    parts: list[str] = []
    for a, b, w in edges:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="chord" '
                     f'stroke-width="{1 + 2 * w / peak:.1f}"><title>{w} shared</title></line>')
    for ref, w in neighbours:
        x2, y2 = pos[ref.iri]
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="tie" '
                     f'stroke-width="{1.5 + 4 * w / peak:.1f}"><title>{w} shared event{"s" if w != 1 else ""}'
                     f'</title></line>')
    for ref, w in neighbours:
        x2, y2 = pos[ref.iri]
        anchor = "start" if x2 > cx + 1 else "end" if x2 < cx - 1 else "middle"
        dx = 10 if anchor == "start" else -10 if anchor == "end" else 0
        dy = 4 if anchor != "middle" else (-12 if y2 < cy else 20)
        parts.append(_a(href(ref.iri), f'<g class="node"><circle cx="{x2:.1f}" cy="{y2:.1f}" r="{5 + 5 * w / peak:.1f}">'
                                       f'<title>{escape(ref.label)}: {w} shared event{"s" if w != 1 else ""}</title>'
                                       f'</circle><text x="{x2 + dx:.1f}" y="{y2 + dy:.1f}" text-anchor="{anchor}">'
                                       f'{escape(_clip(ref.label, 22))}</text></g>'))
    parts.append(f'<g class="node ego"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="12"><title>{escape(center.label)}'
                 f'</title></circle><text x="{cx:.1f}" y="{cy + 28:.1f}" text-anchor="middle">'
                 f'{escape(_clip(center.label, 26))}</text></g>')
    return Markup(f'<svg class="who-met-whom" role="img" aria-label="Who met whom" viewBox="0 0 {width} {height}" '
                  f'width="{width}" xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>")


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
