"""Recognise the dateline that opens a wire story ("NUR-SULTAN. KAZINFORM - ", "LONDON (Reuters) -").

The dateline names where the story was filed, which is where "today"-style events took place
unless the text says otherwise, and the agency that filed it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_DASH = "-–—"
_PATTERNS = [
    # NUR-SULTAN. KAZINFORM - text   /   ASTANA. KAZINFORM text
    re.compile(rf"^(?P<place>[{_UP}][{_UP}'’ .-]{{1,40}}?)\.\s+(?P<agency>[{_UP}][{_UP}&]{{1,30}}(?:\s[{_UP}][{_UP}&]+)?)\b\s*[{_DASH}]?\s*"),
    # LONDON (Reuters) -   /   WASHINGTON, March 3 (AP) —
    re.compile(rf"^(?P<place>[{_UP}][\w'’ .-]{{1,40}}?)(?:,\s*[^()\n]{{1,40}}?)?\s*\((?P<agency>[^()\n]{{2,40}})\)\s*[{_DASH}]\s*"),
    # MOSCOW, June 5 —   /   KYIV —
    re.compile(rf"^(?P<place>[{_UP}][{_UP}'’ .-]{{2,40}}?)(?:,\s*[^\n]{{1,30}}?)?\s+[{_DASH}]\s+"),
]


@dataclass(frozen=True)
class Dateline:
    place: tuple[int, int]             # character offsets of the place name
    agency: tuple[int, int] | None     # character offsets of the agency name, if given
    end: int                           # where the story's first sentence starts


def find_dateline(text: str, body_start: int) -> Dateline | None:
    """The dateline at the start of the body, if the body opens with one."""
    head = text[body_start: body_start + 160]
    for pattern in _PATTERNS:
        m = pattern.match(head)
        if not m:
            continue
        place = m.group("place").rstrip(" .,")
        if len(place) < 2 or not any(c.isalpha() for c in place):
            continue
        p0 = body_start + m.start("place")
        agency = None
        if m.groupdict().get("agency"):
            a = m.group("agency").strip()
            a0 = body_start + m.start("agency") + (len(m.group("agency")) - len(m.group("agency").lstrip()))
            agency = (a0, a0 + len(a))
        return Dateline(place=(p0, p0 + len(place)), agency=agency, end=body_start + m.end())
    return None


def set_dateline(doc: Doc) -> Doc:
    doc._.ng_dateline = find_dateline(doc.text, doc._.ng_body_start or 0)
    return doc
