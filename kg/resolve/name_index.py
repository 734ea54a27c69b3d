"""The names of the persons and organizations of every article graph, kept on disk.

Cross-article resolution (:mod:`kg.resolve.resolver`) asks three questions of every article's entities:
which entities of a kind are known by a name, which persons have a surname, and what names an
entity is known by, always leaving one article graph out (an article is resolved against the
*other* articles). Held in Python, the answers grew with the corpus (about 0.7 KB per article);
here they live in a private temporary SQLite database, which SQLite deletes when the index is
closed or the process dies, and whose page cache is bounded (``CACHE_KIB``), so the index costs
the writer the same memory whatever the size of the store. Every question is one indexed query.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kg.names import name_key, variant_key
from kg.tempdb import TemporaryDatabase
from kg.vocab import NG

#: the kinds of entity resolution works on, by class IRI
KIND_OF = {NG.Person.value: "Person", NG.Organization.value: "Organization"}

#: SQLite's page cache for the index, in KiB (the rest stays in the temporary file).
CACHE_KIB = 4096

_SCHEMA = """
CREATE TABLE graphs   (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE entities (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL);
-- surname and variant: kg.names.variant_key of the last word and of the whole name (2+ words);
-- any_variant: of any name of five letters or more (organizations: "Mazhilis", "Majilis")
CREATE TABLE names    (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, surname TEXT, variant TEXT,
                       any_variant TEXT);
CREATE INDEX names_any_variant ON names(any_variant) WHERE any_variant IS NOT NULL;
CREATE INDEX names_surname ON names(surname) WHERE surname IS NOT NULL;
CREATE INDEX names_variant ON names(variant) WHERE variant IS NOT NULL;
-- one row per entity per article graph (``local``: the key extraction gave it in that article)
CREATE TABLE uses     (graph INTEGER NOT NULL, entity INTEGER NOT NULL, local TEXT NOT NULL,
                       PRIMARY KEY (graph, entity)) WITHOUT ROWID;
-- one row per name an article graph gives an entity
CREATE TABLE use_names (graph INTEGER NOT NULL, entity INTEGER NOT NULL, name INTEGER NOT NULL,
                        PRIMARY KEY (graph, entity, name)) WITHOUT ROWID;
CREATE INDEX use_names_by_name ON use_names(name);   -- the spellings of a variant key
-- how many article graphs give an entity a name (a name everyone uses is one row, not thousands)
CREATE TABLE entity_names (name INTEGER NOT NULL, entity INTEGER NOT NULL, graphs INTEGER NOT NULL,
                           PRIMARY KEY (name, entity)) WITHOUT ROWID;
CREATE INDEX entity_names_by_entity ON entity_names(entity, name);
-- the roles an article graph says a person holds (name keys of the role labels: "president")
CREATE TABLE roles (graph INTEGER NOT NULL, entity INTEGER NOT NULL, role TEXT NOT NULL,
                    PRIMARY KEY (graph, entity, role)) WITHOUT ROWID;
CREATE INDEX roles_by_entity ON roles(entity, role);
"""

#: an (entity, name) pair some article graph other than ?excluded gives
_ELSEWHERE = """(en.graphs > 1 OR (en.graphs = 1 AND NOT EXISTS (SELECT 1 FROM use_names x
                 WHERE x.graph = ? AND x.entity = en.entity AND x.name = en.name)))"""


@dataclass(slots=True)
class Use:
    """One entity as one article graph states it."""

    iri: str
    kind: str
    local: str                       # the key extraction gave it in that article
    keys: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()   # a person's roles there, as name keys ("president")


def surname_of(key: str) -> str | None:
    """The last word of a name key of two words or more (a person's name key: its surname),
    as its :func:`~kg.names.variant_key`, so "Tokaev" alone finds "Kassym-Jomart Tokayev"."""
    words = key.split()
    return variant_key(words[-1]) if len(words) >= 2 else None


def full_variant(key: str) -> str | None:
    """The :func:`~kg.names.variant_key` of a name of two words or more, else None."""
    return variant_key(key) if len(key.split()) >= 2 else None


def any_variant(key: str) -> str | None:
    """The :func:`~kg.names.variant_key` of a name of five letters or more (shorter ones are
    acronyms, which the alias rule compares exactly), else None."""
    return variant_key(key) if len(key.replace(" ", "")) >= 5 else None


class NameIndex(TemporaryDatabase):
    """Entities' names per article graph, in a temporary SQLite database.

    ``excluding`` (an article graph IRI) leaves that graph out of an answer, as if it were not
    stored: how an article is resolved against the others without being removed and re-added.
    """

    def __init__(self) -> None:
        super().__init__(_SCHEMA, CACHE_KIB)
        self._last_excluded: tuple[str | None, int] = (None, -1)

    @classmethod
    def load(cls, store: Any) -> "NameIndex":
        """The index of every article graph of ``store`` (a GraphStore or RemoteStore), built
        from one query whose rows go straight to disk."""
        q = """SELECT ?g ?e ?kind ?local ?name WHERE { GRAPH ?g {
                 ?e ng:localKey ?local ; skos:altLabel ?name ; a ?kind .
                 VALUES ?kind { ng:Person ng:Organization } } }"""
        idx = cls()
        with idx.batch():
            for r in store.query(q):
                idx._add_use(idx._graph_id(r["g"].value), r["e"].value, KIND_OF[r["kind"].value],
                             r["local"].value, [name_key(r["name"].value)])
            roles = """SELECT DISTINCT ?g ?e ?role WHERE { GRAPH ?g {
                         ?m org:member ?e ; org:role ?r . ?r rdfs:label ?role . ?e a ng:Person } }"""
            for r in store.query(roles):
                idx._add_roles(idx._graph_id(r["g"].value), r["e"].value, [name_key(r["role"].value)])
        return idx

    # ------------------------------------------------------------------ writing
    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for many writes; inside another one, part of it."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def add_graph(self, graph: str, uses: Iterable[Use]) -> None:
        """What one article graph says of its entities (replacing what it said before)."""
        with self.batch():
            self.drop_graph(graph)
            g = self._graph_id(graph)
            for u in uses:
                self._add_use(g, u.iri, u.kind, u.local, u.keys)
                self._add_roles(g, u.iri, u.roles)

    def drop_graph(self, graph: str) -> None:
        row = self.db.execute("SELECT id FROM graphs WHERE iri = ?", (graph,)).fetchone()
        if row is not None:
            self.db.execute("UPDATE entity_names SET graphs = graphs - 1 WHERE (name, entity) IN "
                            "(SELECT name, entity FROM use_names WHERE graph = ?)", row)
            self.db.execute("DELETE FROM use_names WHERE graph = ?", row)
            self.db.execute("DELETE FROM roles WHERE graph = ?", row)
            self.db.execute("DELETE FROM uses WHERE graph = ?", row)

    def _graph_id(self, graph: str) -> int:
        return self._id("graphs", "iri", graph)

    def _id(self, table: str, column: str, value: str, **more: str | None) -> int:
        """The id of the row of ``table`` whose unique ``column`` is ``value``, added if missing
        (with ``more`` columns). Table and column names are this module's constants."""
        cols = [column, *more]
        self.db.execute(f"INSERT OR IGNORE INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        (value, *more.values()))
        return self.db.execute(f"SELECT id FROM {table} WHERE {column} = ?", (value,)).fetchone()[0]

    def _add_use(self, g: int, iri: str, kind: str, local: str, keys: Iterable[str]) -> None:
        db = self.db
        e = self._id("entities", "iri", iri, kind=kind)
        db.execute("INSERT OR IGNORE INTO uses(graph, entity, local) VALUES (?, ?, ?)", (g, e, local))
        for key in keys:
            n = self._id("names", "key", key, surname=surname_of(key), variant=full_variant(key),
                         any_variant=any_variant(key))
            if db.execute("INSERT OR IGNORE INTO use_names(graph, entity, name) VALUES (?, ?, ?)",
                          (g, e, n)).rowcount:
                db.execute("INSERT INTO entity_names(name, entity, graphs) VALUES (?, ?, 1) "
                           "ON CONFLICT DO UPDATE SET graphs = graphs + 1", (n, e))

    def _add_roles(self, g: int, iri: str, roles: Iterable[str]) -> None:
        if not roles:
            return
        e = self._id("entities", "iri", iri, kind="Person")
        self.db.executemany("INSERT OR IGNORE INTO roles(graph, entity, role) VALUES (?, ?, ?)",
                            [(g, e, r) for r in roles])

    # ------------------------------------------------------------------ reading
    def graphs(self, page: int = 500) -> Iterator[str]:
        """Every article graph with entities, in IRI order, read a page at a time (graphs
        rewritten meanwhile are neither skipped nor repeated)."""
        last = ""
        while True:
            rows = self.db.execute(
                "SELECT iri FROM graphs g WHERE iri > ? AND EXISTS (SELECT 1 FROM uses u WHERE u.graph = g.id) "
                "ORDER BY iri LIMIT ?", (last, page)).fetchall()
            for (iri,) in rows:
                yield iri
            if len(rows) < page:
                return
            last = rows[-1][0]

    def uses(self, graph: str) -> list[Use]:
        """What one article graph says of its entities."""
        found: dict[str, Use] = {}
        rows = self.db.execute(
            "SELECT e.iri, e.kind, u.local, n.key FROM graphs g JOIN uses u ON u.graph = g.id "
            "JOIN entities e ON e.id = u.entity "
            "LEFT JOIN use_names un ON un.graph = u.graph AND un.entity = u.entity "
            "LEFT JOIN names n ON n.id = un.name WHERE g.iri = ? ORDER BY e.iri", (graph,))
        for iri, kind, local, key in rows:
            use = found.get(iri)
            if use is None:
                use = found[iri] = Use(iri, kind, local)
            if key is not None:
                use.keys = use.keys | {key}
        for iri, role in self.db.execute(
                "SELECT e.iri, r.role FROM graphs g JOIN roles r ON r.graph = g.id JOIN entities e ON e.id = r.entity "
                "WHERE g.iri = ?", (graph,)):
            if iri in found:
                found[iri].roles = found[iri].roles | {role}
        return list(found.values())

    def roles_of(self, iri: str, excluding: str | None = None) -> set[str]:
        """The roles the article graphs (but ``excluding``) say a person holds."""
        return {r for (r,) in self.db.execute(
            "SELECT DISTINCT r.role FROM entities e JOIN roles r ON r.entity = e.id WHERE e.iri = ? AND r.graph != ?",
            (iri, self._excluded(excluding)))}

    def names(self, iri: str, excluding: str | None = None) -> set[str]:
        """The name keys the article graphs (but ``excluding``) give an entity."""
        return {k for (k,) in self.db.execute(
            "SELECT n.key FROM entities e JOIN entity_names en ON en.entity = e.id "
            f"JOIN names n ON n.id = en.name WHERE e.iri = ? AND {_ELSEWHERE}",
            (iri, self._excluded(excluding)))}

    def known_by(self, kind: str, key: str, excluding: str | None = None) -> set[str]:
        """The entities of a kind some article graph (but ``excluding``) gives that name key."""
        return {i for (i,) in self.db.execute(
            "SELECT e.iri FROM names n JOIN entity_names en ON en.name = n.id "
            f"JOIN entities e ON e.id = en.entity WHERE n.key = ? AND e.kind = ? AND {_ELSEWHERE}",
            (key, kind, self._excluded(excluding)))}

    def with_surname(self, surname: str, excluding: str | None = None) -> set[str]:
        """The persons some article graph (but ``excluding``) names in full with that surname."""
        return {i for (i,) in self.db.execute(
            "SELECT DISTINCT e.iri FROM names n JOIN entity_names en ON en.name = n.id "
            "JOIN entities e ON e.id = en.entity "
            f"WHERE n.surname = ? AND e.kind = 'Person' AND {_ELSEWHERE}",
            (surname, self._excluded(excluding)))}

    def spellings(self, variant: str, excluding: str | None = None, kind: str = "Person",
                  other_than: str = "") -> dict[str, int]:
        """How many article graphs (but ``excluding``) name an entity of ``kind`` with a name of this
        variant key (a person's full name; any name of an organization) other than ``other_than``,
        by the key extraction gave the entity there (its spelling)."""
        column = "variant" if kind == "Person" else "any_variant"   # this module's constants
        return dict(self.db.execute(
            "SELECT u.local, COUNT(DISTINCT u.graph) FROM names n JOIN use_names un ON un.name = n.id "
            "JOIN uses u ON u.graph = un.graph AND u.entity = un.entity JOIN entities e ON e.id = u.entity "
            f"WHERE n.{column} = ? AND n.key != ? AND e.kind = ? AND u.graph != ? GROUP BY u.local",
            (variant, other_than, kind, self._excluded(excluding))).fetchall())

    def _excluded(self, graph: str | None) -> int:
        if graph is None:
            return -1
        if self._last_excluded[0] == graph:  # reconcile asks many questions leaving one graph out
            return self._last_excluded[1]
        row = self.db.execute("SELECT id FROM graphs WHERE iri = ?", (graph,)).fetchone()
        if row is None:
            return -1
        self._last_excluded = (graph, row[0])  # a graph keeps its id once it has one
        return row[0]

    def __len__(self) -> int:
        """Article graphs with entities."""
        return self.db.execute("SELECT COUNT(DISTINCT graph) FROM uses").fetchone()[0]

