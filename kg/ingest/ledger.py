"""What one ingest run has read and touched, kept on disk so a run's memory does not grow with it.

An ingest must know, for as long as it runs, where each article identifier was first read (a
second file with the same identifier is an error, not a silent replacement) and which entities
its articles named (their labels are recomputed at the end; with ``--out``, the names they
prefer, from which the entities graph is written at the end). Both sets grow with the corpus; here
they live in a private temporary SQLite database, deleted by SQLite when the ledger is closed or
the process dies.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.tempdb import TemporaryDatabase

_SCHEMA = """
CREATE TABLE read    (id TEXT PRIMARY KEY, source TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE touched (iri TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE preferred (iri TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (iri, name)) WITHOUT ROWID;
"""


class RunLedger(TemporaryDatabase):
    """Article identifiers read (with where) and entity IRIs touched during one run."""

    def __init__(self) -> None:
        super().__init__(_SCHEMA)

    def first_read(self, identifier: str, source: str) -> str:
        """Where ``identifier`` was read first: ``source`` itself the first time."""
        self.db.execute("INSERT OR IGNORE INTO read(id, source) VALUES (?, ?)", (identifier, source))
        return self.db.execute("SELECT source FROM read WHERE id = ?", (identifier,)).fetchone()[0]

    def touch(self, iris: Iterable[str]) -> None:
        """Entities whose label may have changed."""
        self.db.executemany("INSERT OR IGNORE INTO touched(iri) VALUES (?)", ((i,) for i in iris))

    def touched(self, page: int = 1000) -> Iterator[str]:
        """The touched entities in IRI order, read a page at a time."""
        last = ""
        while True:
            rows = self.db.execute("SELECT iri FROM touched WHERE iri > ? ORDER BY iri LIMIT ?",
                                   (last, page)).fetchall()
            yield from (iri for (iri,) in rows)
            if len(rows) < page:
                return
            last = rows[-1][0]

    def prefer(self, iri: str, name: str) -> None:
        """An article prefers ``name`` for entity ``iri`` (``ng:preferredName``)."""
        self.db.execute("INSERT OR IGNORE INTO preferred(iri, name) VALUES (?, ?)", (iri, name))

    def preferred(self, size: int = 1000) -> Iterator[dict[str, set[str]]]:
        """The preferred names of the entities, about ``size`` entities at a time, in IRI order."""
        chunk: dict[str, set[str]] = {}
        for iri, name in self.db.execute("SELECT iri, name FROM preferred ORDER BY iri, name"):
            if iri not in chunk and len(chunk) >= size:
                yield chunk
                chunk = {}
            chunk.setdefault(iri, set()).add(name)
        if chunk:
            yield chunk
