"""Helpers for the report tests: private copies of the seed store (saving writes to them)."""
from __future__ import annotations

import gc
from pathlib import Path

from kg.store.local import GraphStore


def memory_copy(source: GraphStore) -> GraphStore:
    """A new in-memory store with every quad of ``source``."""
    copy = GraphStore.memory()
    copy.add_quads(list(source.quads()))
    return copy


def disk_copy(source: GraphStore, path: Path) -> Path:
    """A RocksDB store at ``path`` with every quad of ``source``, closed again so a server can open it."""
    disk = GraphStore.open(path)
    disk.add_quads(list(source.quads()))
    disk.flush()
    del disk
    gc.collect()
    return path
