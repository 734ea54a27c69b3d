"""Settings read from the environment, in one place so the CLI, the server and tests agree."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.resources import QUERIES_DIR

DEFAULT_BASE_IRI = "http://localhost:5000/"
DEFAULT_STORE = "data/store"


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the defaults of docs/configuration.md."""

    base_iri: str = DEFAULT_BASE_IRI
    store: str = DEFAULT_STORE
    write_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 10_000
    queries_dir: Path = QUERIES_DIR
    #: SPARQL endpoint (issue 4): worker processes (0 = run queries in the server's threads, no hard
    #: timeout), a memory cap per worker, the largest query text, the deepest nesting accepted.
    query_workers: int = field(default_factory=lambda: min(os.cpu_count() or 2, 4))
    worker_memory_mb: int = 4096
    max_query_bytes: int = 1_000_000
    max_query_depth: int = 256
    #: YASGUI's build folder (None: the one the server package carries, from `npm ci`); missing:
    #: the plain query editor is served.
    yasgui_dir: Path | None = None

    @classmethod
    def from_env(cls) -> "Settings":
        """Read ``KG_*`` variables; unset ones keep their defaults."""
        base = os.environ.get("KG_BASE_IRI") or DEFAULT_BASE_IRI
        if not base.endswith("/"):
            base += "/"
        return cls(
            base_iri=base,
            store=os.environ.get("KG_STORE") or DEFAULT_STORE,
            write_token=os.environ.get("KG_WRITE_TOKEN") or None,
            query_timeout=_env_float("KG_QUERY_TIMEOUT", 30.0),
            max_rows=_env_int("KG_MAX_ROWS", 10_000),
            queries_dir=Path(os.environ.get("KG_QUERIES_DIR") or QUERIES_DIR),
            query_workers=_env_int("KG_QUERY_WORKERS", min(os.cpu_count() or 2, 4)),
            worker_memory_mb=_env_int("KG_WORKER_MEMORY_MB", 4096),
            max_query_bytes=_env_int("KG_MAX_QUERY_BYTES", 1_000_000),
            max_query_depth=_env_int("KG_MAX_QUERY_DEPTH", 256),
            yasgui_dir=Path(os.environ["KG_YASGUI_DIR"]) if os.environ.get("KG_YASGUI_DIR") else None,
        )
