"""Recognise the dateline that opens a wire story ("NUR-SULTAN. KAZINFORM - ", "LONDON (Reuters) -").

The dateline names where the story was filed, which is where "today"-style events took place
unless the text says otherwise, and the agency that filed it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extract.lexicons import fold, load

_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_DASH = "-–—"
_DASHES = r"(?:--|[-–—])"   # "XI'AN -- China on Wednesday ..." writes the dash as two hyphens
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
#: "March 3", "March 3, 2024", "3 March", "14 March 2024", "2024-03-05"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})"
#: A city in capitals ("NUR-SULTAN") or in title case ("Al Rimah", "Tengrikent"), up to four words.
_CITY_CAPS = rf"[{_UP}][{_UP}'’.-]*(?:\s[{_UP}][{_UP}'’.-]*){{0,3}}"
_CITY_ANY = rf"[{_UP}][\w'’.-]*(?:\s(?:al-|el-|de\s)?[{_UP}][\w'’.-]*){{0,3}}"
_AGENCY_CAPS = rf"[{_UP}][{_UP}&.-]{{1,30}}(?:\s[{_UP}][{_UP}&.-]+)?"
_PATTERNS = [
    # NUR-SULTAN. KAZINFORM - text   /   ASTANA. KAZINFORM text
    re.compile(rf"^(?P<place>{_CITY_CAPS}?)\.\s+(?P<agency>{_AGENCY_CAPS})\b\s*[{_DASH}]?\s*"),
    # TAVRIN, June 5. /TASS/.   /   MOSCOW, June 5 /TASS/ -
    re.compile(rf"^(?P<place>{_CITY_ANY}?),?\s+{_DATE}\.?\s*/\s*(?P<agency>[^/\n]{{2,30}}?)\s*/\.?\s*[{_DASH}]?\s*"),
    # Tengrikent. April 12. DALA-INFORM –   /   BISHKEK, October 22. KABAR -
    re.compile(rf"^(?P<place>{_CITY_ANY}?)[.,]\s+{_DATE}[.,]\s+(?P<agency>{_AGENCY_CAPS})\s*[{_DASH}]\s*"),
    # LONDON (Reuters) -   /   WASHINGTON, March 3 (AP) —   /   Al Rimah (DNA / DNA - 2024-03-05) -
    re.compile(rf"^(?P<place>{_CITY_ANY}?)(?:,\s*[^()\n]{{1,40}}?)?\s*\((?P<agency>[^()/\n]{{2,40}}?)\s*(?:/[^()\n]{{0,60}})?\)\s*[{_DASH}]\s*"),
    # MOSCOW, June 5 —   /   KYIV —   /   VELMAR, 14 March –
    re.compile(rf"^(?P<place>{_CITY_CAPS}?)(?:,\s*(?:{_DATE}|[{_UP}][\w'’.-]*(?:\s[{_UP}][\w'’.-]*){{0,2}}))?\s+{_DASHES}\s+"),
    re.compile(rf"^(?P<place>{_CITY_ANY}?),\s*{_DATE}\s+[{_DASH}]\s+"),
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
        if any(fold(w) in load().titles for w in place.split()):
            continue                 # "President Tokayev, March 3 -": a person, not where it was filed
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
