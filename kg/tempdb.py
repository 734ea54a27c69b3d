"""Private temporary SQLite databases: where a long run keeps what would otherwise grow in memory.

``sqlite3.connect("")`` gives a database of its own to one connection, kept in a page cache of a
bounded size and spilled to a file that SQLite unlinks as soon as it opens it (under
``SQLITE_TMPDIR`` or ``TMPDIR``), so nothing is left behind however the process ends. Nothing
in it needs to survive a crash: no journal, no sync.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Self


def temporary_database(schema: str, cache_kib: int = 2048) -> sqlite3.Connection:
    """A new private temporary database holding ``schema``, in autocommit mode."""
    db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
    db.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE"):
        db.execute(f"PRAGMA {pragma}")
    db.executescript(schema)
    return db


class TemporaryDatabase:
    """Base of the objects that keep their state in one such database; closing deletes it."""

    def __init__(self, schema: str, cache_kib: int = 2048) -> None:
        self.db = temporary_database(schema, cache_kib)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
