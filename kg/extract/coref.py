"""Group the mentions of one article into entities (in-document coreference).

* persons: a surname alone ("Ashimbayev"), a spelling variant ("Ashymbayev", "Nazarbayev" for
  "Nazarbayeva") or a title-less repeat resolves to the full name;
* organizations: one name for the same body however it is qualified ("Senate", "Kazakh Senate",
  "Senate of the Kazakh Parliament"), acronyms ("CSTO" / "Collective Security Treaty
  Organization"), and a name with its generic suffix ("AMANAT" / "AMANAT Party");
* places: a country under any of its names ("Russia" / "Russian Federation").

Later components may merge two groups on evidence of their own (a person holding the same post
"at" two names means the two names are one organization); :class:`Entities` supports that.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg.extract.lexicons import Country, fold, load
from kg.extract.text import HONORIFICS, is_acronym, name_key, slugify

KINDS = {"PERSON": "Person", "ORG": "Organization", "PLACE": "Place"}
_GENERIC_SUFFIXES = ("news agency", "agency", "party", "group", "company", "corporation", "inc", "ltd",
                     "llc", "jsc", "plc")
_CONTAINER_WORDS = frozenset({"parliament", "republic", "federation", "the", "of", "kingdom", "state",
                              "states", "united"})


@dataclass
class EntityGroup:
    """One entity of the article: its kind, its mentions and what is known of it."""

    kind: str
    mentions: list[Span] = field(default_factory=list)
    country: Country | None = None
    core: str = ""

    @property
    def names(self) -> list[str]:
        """Distinct surface forms, the fullest first (all-caps dateline forms last)."""
        memo = self.__dict__.get("_names_memo")
        if memo is not None and memo[0] == len(self.mentions):
            return memo[1]
        seen: dict[str, None] = {}
        for s in self.mentions:
            seen.setdefault(_display(s.text), None)
        names = sorted(seen, key=_name_rank)
        self.__dict__["_names_memo"] = (len(self.mentions), names)
        return names

    @property
    def name(self) -> str:
        names = self.names
        if self.kind == "Place":
            lex = load()
            if self.country is not None and any(lex.country_by_name.get(fold(n)) is self.country for n in names):
                return self.country.name
            if names[0].isupper():
                # a dateline's capitals: the gazetteer's spelling, else title case ("NUR-SULTAN")
                c = lex.country_by_capital.get(fold(names[0]))
                for cap in (c.capitals if c else ()):
                    if fold(cap) == fold(names[0]):
                        return cap
                return "-".join(w.capitalize() for w in names[0].title().split("-"))
        return names[0]

    @property
    def aliases(self) -> list[str]:
        return [n for n in self.names if n != self.name]

    @property
    def slug_source(self) -> str:
        words = self.name.split()
        while len(words) > 1 and fold(words[0]) in HONORIFICS:
            words = words[1:]
        return " ".join(words)


def _display(text: str) -> str:
    from kg.extract.text import strip_possessive
    return strip_possessive(" ".join(text.split()))


def _name_rank(name: str) -> tuple:
    caps = name.isupper() and len(name) > 4
    words = [w for w in name.split() if fold(w) not in HONORIFICS]
    return (caps, -len(words), -len(name), name)


class Entities:
    """The entity groups of one article, with a union-find so later rules can merge groups."""

    def __init__(self, groups: list[EntityGroup]) -> None:
        self.groups = groups
        self._parent = list(range(len(groups)))
        self._index: dict[tuple[int, int], int] = {}
        for gi, g in enumerate(groups):
            for s in g.mentions:
                self._index[(s.start, s.end)] = gi

    def _find(self, i: int) -> int:
        while self._parent[i] != i:
            self._parent[i] = self._parent[self._parent[i]]
            i = self._parent[i]
        return i

    def group_of(self, span: Span) -> int | None:
        gi = self._index.get((span.start, span.end))
        return None if gi is None else self._find(gi)

    def merge(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb or self.groups[ra].kind != self.groups[rb].kind:
            return
        keep, drop = (ra, rb) if len(self.groups[ra].mentions) >= len(self.groups[rb].mentions) else (rb, ra)
        self.groups[keep].mentions.extend(self.groups[drop].mentions)
        self.groups[keep].mentions.sort(key=lambda s: s.start)
        if self.groups[keep].country is None:
            self.groups[keep].country = self.groups[drop].country
        self._parent[drop] = keep

    def final(self) -> list[tuple[int, EntityGroup]]:
        return [(i, g) for i, g in enumerate(self.groups) if self._find(i) == i]


# --------------------------------------------------------------------------- persons

def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = diffs = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1; j += 1
            continue
        diffs += 1
        if diffs > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return diffs + (len(b) - j) + (len(a) - i) <= 1


def similar_surname(a: str, b: str) -> bool:
    """Same surname up to one letter (transliteration and gendered forms), for names of 5+ letters."""
    a, b = name_key(a), name_key(b)
    if a == b:
        return True
    return min(len(a), len(b)) >= 5 and _edit_distance_at_most_one(a, b)


def _person_words(text: str) -> list[str]:
    words = [w for w in name_key(text).split()]
    while len(words) > 1 and words[0] in {h.rstrip(".") for h in HONORIFICS}:
        words = words[1:]
    return words


def _antecedent(groups: list[EntityGroup], mention: Span) -> EntityGroup:
    """Of several people with one surname, the one a surname alone means: the last named in full
    before it ("Nurlan Haddad ... Haddad said ... Karim Haddad"), or the first when it comes
    before them all (a headline)."""
    def first_full(g: EntityGroup) -> int:
        return min(m.start for m in g.mentions if len(_person_words(m.text)) >= 2)
    before = [g for g in groups if first_full(g) < mention.start]
    return max(before, key=first_full) if before else min(groups, key=first_full)


def _group_persons(spans: list[Span]) -> list[EntityGroup]:
    full = [s for s in spans if len(_person_words(s.text)) >= 2]
    single = [s for s in spans if len(_person_words(s.text)) < 2]
    groups: list[EntityGroup] = []
    for s in full:
        w = _person_words(s.text)
        for g in groups:
            gw = _person_words(g.names[0])
            if (w == gw or (w[0] == gw[0] and similar_surname(w[-1], gw[-1]))
                    or (w[-1] == gw[-1] and len(w) != len(gw) and (w[0] == gw[0] or set(w) <= set(gw) or set(gw) <= set(w)))):
                g.mentions.append(s)
                break
        else:
            groups.append(EntityGroup("Person", [s]))
    for s in single:
        w = _person_words(s.text)[0] if _person_words(s.text) else name_key(s.text)
        exact = [g for g in groups if any(_person_words(n)[-1] == w for n in g.names if len(_person_words(n)) >= 2)]
        fuzzy = [g for g in groups if any(similar_surname(_person_words(n)[-1], w) for n in g.names if len(_person_words(n)) >= 2)]
        firsts = [g for g in groups if any(_person_words(n)[0] == w for n in g.names if len(_person_words(n)) >= 2)]
        target = exact if len(exact) == 1 else fuzzy if len(fuzzy) == 1 else firsts if len(firsts) == 1 else []
        if len(exact) > 1:
            target = [_antecedent(exact, s)]   # two Haddads: the one named last before, or first
        if target:
            target[0].mentions.append(s)
            continue
        for g in groups:
            if len(g.mentions) and all(len(_person_words(n)) < 2 for n in g.names) and name_key(g.names[0]) == name_key(s.text):
                g.mentions.append(s)
                break
        else:
            groups.append(EntityGroup("Person", [s]))
    for g in groups:
        g.mentions.sort(key=lambda s: s.start)
    return groups


# --------------------------------------------------------------------------- organizations

def org_core(span_text: str) -> tuple[str, Country | None]:
    """Split an organization's name into its core and its country: "Senate of the Kazakh
    Parliament" and "Kazakh Senate" both give ("senate", Kazakhstan)."""
    lex = load()
    words = _display(span_text).replace("’", "'").split()
    country = None
    # leading qualifiers: "Kazakh Senate", "Kyrgyzstan's Jogorku Kenesh"
    while len(words) > 1:
        w = words[0].removesuffix("'s")
        c = lex.country_by_demonym.get(fold(w)) or lex.place_country(w)
        if c is None:
            break
        country = country or c
        words = words[1:]
    # trailing "of [the] Kazakh Parliament", "of the Republic of Kazakhstan", "of Poland"
    lowered = [fold(w) for w in words]
    if "of" in lowered[1:]:
        k = lowered.index("of", 1)
        rest = words[k + 1:]
        rest_country = None
        ok = bool(rest)
        i = 0
        while i < len(rest):
            w = rest[i]
            key = fold(w)
            c = lex.country_by_demonym.get(key) or lex.place_country(w)
            if c is None:
                # multi-word country names ("Russian Federation", "United Kingdom")
                for n in (3, 2):
                    c = lex.place_country(" ".join(rest[i:i + n]))
                    if c is not None:
                        i += n - 1
                        break
            if c is not None:
                rest_country = rest_country or c
            elif key not in _CONTAINER_WORDS:
                ok = False
                break
            i += 1
        if ok and rest_country is not None:
            country = country or rest_country
            words = words[:k]
    core = name_key(" ".join(words))
    return core, country


def _initials(text: str) -> str:
    return "".join(w[0] for w in text.split() if w[:1].isupper() and fold(w) not in ("of", "the", "and", "for"))


def _group_orgs(spans: list[Span], home: Country | None) -> list[EntityGroup]:
    groups: list[EntityGroup] = []
    by_key: dict[str, EntityGroup] = {}
    for s in spans:
        key = name_key(s.text)
        g = by_key.get(key)
        if g is None:
            core, country = org_core(s.text)
            g = EntityGroup("Organization", [], country=country, core=core)
            groups.append(g)
            by_key[key] = g
        g.mentions.append(s)
    # merge groups with the same core and compatible countries; unqualified short forms go to
    # the qualified group of the home country (the dateline's), else to the most mentioned one
    qualified = [g for g in groups if g.country is not None or len(g.core.split()) < len(name_key(g.names[0]).split())]
    merged: list[EntityGroup] = []
    absorbed: set[int] = set()
    for g in groups:
        if id(g) in absorbed:
            continue
        for h in groups:
            if h is g or id(h) in absorbed or h.core != g.core:
                continue
            if g.country is not None and h.country is not None and g.country is not h.country:
                continue
            if g.country is None and h.country is not None:
                rivals = [q for q in qualified if q.core == g.core and q.country is not None]
                if len({id(q.country) for q in rivals}) > 1:
                    best = [q for q in rivals if q.country is home] or sorted(rivals, key=lambda q: -len(q.mentions))
                    if best[0] is not h:
                        continue
            g.mentions.extend(h.mentions)
            g.country = g.country or h.country
            absorbed.add(id(h))
        merged.append(g)
    groups = merged
    # acronyms and generic suffixes
    final: list[EntityGroup] = []
    absorbed = set()
    for g in groups:
        if id(g) in absorbed:
            continue
        for h in groups:
            if h is g or id(h) in absorbed:
                continue
            if _same_org_by_form(g, h):
                g.mentions.extend(h.mentions)
                g.country = g.country or h.country
                absorbed.add(id(h))
        final.append(g)
    for g in final:
        g.mentions.sort(key=lambda s: s.start)
    return final


def _same_org_by_form(g: EntityGroup, h: EntityGroup) -> bool:
    for a in g.names:
        for b in h.names:
            if is_acronym(b) and len(b) >= 3 and _initials(a).upper() == b.upper() and len(a.split()) >= 3:
                return True
            if is_acronym(a) and len(a) >= 3 and _initials(b).upper() == a.upper() and len(b.split()) >= 3:
                return True
            for longer, shorter in ((a, b), (b, a)):
                lk, sk = name_key(longer), name_key(shorter)
                for suffix in _GENERIC_SUFFIXES:
                    if lk.endswith(" " + suffix) and lk[: -len(suffix) - 1].strip() == sk:
                        return True
    return False


# --------------------------------------------------------------------------- places

_STATE_FORMS = ("republic of", "kingdom of", "state of", "principality of", "sultanate of", "emirate of",
                "grand duchy of", "federal republic of", "democratic republic of", "people's republic of",
                "commonwealth of")


def place_core(text: str) -> str:
    """"Republic of Velmaria" and "Velmaria" name one country: the name without its state form."""
    key = name_key(text)
    for form in _STATE_FORMS:
        f = name_key(form)
        if key.startswith(f + " ") and len(key) > len(f) + 1:
            return key[len(f) + 1:]
    if key.endswith(" republic") and " " not in key[: -len(" republic")]:
        return key[: -len(" republic")]        # "Kazyrgan Republic"
    return key


def _group_places(spans: list[Span]) -> list[EntityGroup]:
    lex = load()
    groups: dict[str, EntityGroup] = {}
    for s in spans:
        c = lex.country_by_name.get(fold(_display(s.text)))
        key = f"country:{c.name}" if c else place_core(s.text)
        g = groups.setdefault(key, EntityGroup("Place", [], country=c or lex.country_by_capital.get(fold(s.text))))
        g.mentions.append(s)
    return list(groups.values())


def group_entities(doc: Doc, mentions: list[Span]) -> Entities:
    """The entities of the article from its typed mentions."""
    lex = load()
    home = None
    dl = doc._.ng_dateline
    if dl is not None:
        home = lex.place_country(doc.text[dl.place[0]: dl.place[1]])
    persons = [s for s in mentions if s.label_ == "PERSON"]
    orgs = [s for s in mentions if s.label_ == "ORG"]
    places = [s for s in mentions if s.label_ == "PLACE"]
    return Entities(_group_persons(persons) + _group_orgs(orgs, home) + _group_places(places))


_STATE_BODY_WORDS = frozenset({"upper", "lower", "national", "supreme", "grand", "state", "federal", "people",
                               "chamber", "house", "republic", "of", "the", "and", "for", "high", "central",
                               "presidential", "executive", "legislative", "constitutional"})


def is_state_body(core: str) -> bool:
    """"senate", "state duma", "ministry of foreign affairs": a body every country has, which an
    article names without its country when it means its own."""
    lex = load()
    if not core:
        return False
    if core in lex.institutions:
        return True
    words = core.split()
    rest = " ".join(w for w in words if w not in lex.org_heads and w not in _STATE_BODY_WORDS)
    return any(w in lex.org_heads for w in words) and (not rest or rest in lex.portfolios)


#: Suffixes a name is also written without, in this article or the next: "AMANAT Party" and
#: "Amanat", "Kazinform News Agency" and "Kazinform", "Belov Motors JSC" and "Belov Motors".
_DROPPABLE_SUFFIXES = ("party", "news agency", "inc", "ltd", "llc", "jsc", "plc")


def _without_legal_suffix(name: str) -> str | None:
    key = name_key(name)
    for suffix in _DROPPABLE_SUFFIXES:
        if key.endswith(" " + suffix) and len(key) > len(suffix) + 2:
            return key[: -len(suffix) - 1].strip()
    return None


def entity_key(group: EntityGroup, home: Country | None = None) -> str:
    """The key of an entity, which is also the local part of its IRI.

    Persons: the full name without honorifics. Places: the gazetteer's name for a country or
    city, whatever variant the text uses. Organizations: the core of the name and the country
    it belongs to ("Senate of the Kazakh Parliament", "Kazakh Senate" and, in a story filed in
    Kazakhstan, "the Senate" are all ``senate-kazakhstan``), else the fullest name without a
    suffix it is also written without ("AMANAT Party" is ``amanat``).
    """
    lex = load()
    if group.kind == "Organization":
        core, country = org_core(group.names[0])
        country = group.country or country
        if country is None and home is not None and is_state_body(core):
            country = home
        if country is not None and core:
            return f"organization:{slugify(core + ' ' + country.name)}"
        bare = _without_legal_suffix(group.slug_source)
        if bare is not None:
            return f"organization:{slugify(bare)}"
    if group.kind == "Place":
        c = group.country
        if c is not None and lex.country_by_name.get(fold(group.name)) is c:
            return f"place:{slugify(c.name)}"
        for name in group.names:
            key = fold(name)
            if key in lex.cities:  # the city's current name ("Astana" for "Nur-Sultan")
                return f"place:{slugify(lex.cities[key])}"
        return f"place:{slugify(place_core(group.slug_source))}"
    return f"{group.kind.lower()}:{slugify(group.slug_source)}"
