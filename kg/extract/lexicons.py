"""The general-knowledge word lists extraction relies on, loaded once.

Every list lives in ``lexicons/`` as a plain text file whose header says where it comes from.
None of them may hold an entry written for one particular article.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from kg.names import fold

LEXICON_DIR = Path(str(files("kg.extract") / "lexicons"))


def _lines(name: str) -> list[str]:
    out = []
    for line in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@dataclass(frozen=True)
class Country:
    name: str
    names: tuple[str, ...]
    capitals: tuple[str, ...]
    demonyms: tuple[str, ...]


@dataclass(frozen=True)
class Lexicons:
    countries: tuple[Country, ...]
    country_by_name: dict[str, Country]      # folded country name or alias -> country
    country_by_capital: dict[str, Country]   # folded capital -> country
    country_by_demonym: dict[str, Country]   # folded demonym -> country
    titles: frozenset[str]                   # folded
    org_heads: frozenset[str]                # folded
    institutions: dict[str, str]             # folded -> as written
    regions: dict[str, str]                  # folded -> as written
    group_adjectives: frozenset[str]         # folded
    role_synonyms: dict[str, str]            # folded title -> the first title of its synonym set
    shared_roles: frozenset[str]             # folded titles many people hold at once
    portfolios: frozenset[str]               # folded "foreign affairs", "energy"...
    cities: dict[str, str]                   # folded city name or variant (capitals too) -> its current name
    state_titles: frozenset[str]             # folded head words of titles held "of" a state
    place_nouns: frozenset[str]              # folded common nouns that follow a place's name
    not_names: frozenset[str]                # folded capitalised words that name no entity ("GDP")

    def same_role(self, a: str, b: str) -> bool:
        """True for two titles of one post ("Speaker" and "Chairman")."""
        ka, kb = fold(a), fold(b)
        return ka == kb or (ka in self.role_synonyms and self.role_synonyms[ka] == self.role_synonyms.get(kb))

    def is_state_title(self, title: str) -> bool:
        """"Deputy Prime Minister", "Minister of Energy", "Ambassador": held "of" a state."""
        words = fold(title).replace("-", " ").split()
        return any(" ".join(words[i:j]) in self.state_titles
                   for i in range(len(words)) for j in range(i + 1, min(len(words), i + 3) + 1))

    def place_country(self, name: str) -> Country | None:
        """The country a place name denotes or has as its capital, if any."""
        key = fold(name)
        return self.country_by_name.get(key) or self.country_by_capital.get(key)

    def is_demonym(self, word: str) -> bool:
        key = fold(word)
        return key in self.country_by_demonym or key in self.group_adjectives

    def is_gazetteer_place(self, name: str) -> bool:
        key = fold(name)
        return (key in self.country_by_name or key in self.country_by_capital or key in self.regions
                or key in self.cities)


@lru_cache(maxsize=1)
def load() -> Lexicons:
    """Read every lexicon file (cached: the files are read once per process)."""
    countries = []
    city_names: dict[str, str] = {}
    for line in _lines("cities.txt"):
        variants = line.split("|")
        for v in variants:
            city_names[fold(v)] = variants[0]
    for line in _lines("countries.tsv"):
        names, capitals, demonyms = (line.split("\t") + ["", ""])[:3]
        n = tuple(x for x in names.split("|") if x)
        caps = tuple(x for group in capitals.split(";") for x in group.split("|") if x)
        countries.append(Country(n[0], n, caps, tuple(x for x in demonyms.split("|") if x)))
        for group in capitals.split(";"):
            variants = [x for x in group.split("|") if x]
            for v in variants:
                city_names[fold(v)] = variants[0]
    by_name, by_capital, by_demonym = {}, {}, {}
    for c in countries:
        for n in c.names:
            by_name.setdefault(fold(n), c)
        for n in c.capitals:
            by_capital.setdefault(fold(n), c)
        for n in c.demonyms:
            by_demonym.setdefault(fold(n), c)
    return Lexicons(
        countries=tuple(countries),
        country_by_name=by_name,
        country_by_capital=by_capital,
        country_by_demonym=by_demonym,
        titles=frozenset(fold(t) for t in _lines("titles.txt")),
        org_heads=frozenset(fold(t) for t in _lines("org_heads.txt")),
        institutions={fold(t): t for t in _lines("institutions.txt")},
        regions={fold(t): t for t in _lines("regions.txt")},
        group_adjectives=frozenset(fold(t) for t in _lines("group_adjectives.txt")),
        role_synonyms={fold(t): fold(line.split("|")[0]) for line in _lines("role_synonyms.txt")
                       for t in line.split("|")},
        shared_roles=frozenset(fold(t) for t in _lines("shared_roles.txt")),
        portfolios=frozenset(fold(t) for t in _lines("portfolios.txt")),
        cities=city_names,
        state_titles=frozenset(fold(t) for t in _lines("state_titles.txt")),
        place_nouns=frozenset(fold(t) for t in _lines("place_nouns.txt")),
        not_names=frozenset(fold(t) for t in _lines("not_names.txt")),
    )
