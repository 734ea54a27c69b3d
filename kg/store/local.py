"""The triple store: Oxigraph (RocksDB on disk, or in memory for tests), one named graph per article.

The default graph of every query is the union of all graphs unless the caller names graphs, so
`?x a foaf:Person` sees every article and the ontology. Writing an article replaces its graph.
"""
from __future__ import annotations

import ctypes
import datetime as dt
import gc
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, Variable

from kg.errors import QuerySyntaxError, StoreError
from kg.store import updates
from kg.store.common import SharedMethods
from kg.vocab import PREFIXES

#: quads written or removed between flushes of the write buffers (see GraphStore.wrote)
FLUSH_AFTER_QUADS = 60_000
#: a long write (GraphStore.long_write) reopens the store after writing this many quads...
REOPEN_AFTER_QUADS = 600_000
#: ... or replacing this many existing graphs (a replaced graph is read back: the caches grow)
REOPEN_AFTER_GRAPHS = 32

Term = Any  # a pyoxigraph NamedNode, BlankNode or Literal


class GraphStore(SharedMethods):
    """A thin layer over :class:`pyoxigraph.Store` with the conventions of the graph contract.
    The pyoxigraph store is private: everything goes through :class:`kg.store.Store`'s methods."""

    #: the data is in this process (it can be snapshotted for query workers)
    local = True

    def __init__(self, store: Store, path: str | None = None) -> None:
        self._store = store
        self.path = path
        # Data version for HTTP caching (ETag/Last-Modified) and for refreshing read replicas: a
        # random id per opening plus a counter bumped by every write through this object. While
        # a server holds the store, RocksDB's lock makes it the only writer, so this is complete.
        self._opened = uuid.uuid4().hex[:12]
        self._writes = 0
        self._unflushed = 0  # quads written or removed since the last flush
        self._quads_since_open = 0   # quads written or removed since the store was opened
        self._graphs_since_open = 0  # existing graphs replaced since then
        self._long_write = False    # reopen the store as it grows (see long_write)
        self.reopenings = 0
        self.last_modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    @property
    def data_version(self) -> str:
        """Changes whenever the data may have changed (an ETag-ready token)."""
        return f"{self._opened}-{self._writes}"

    def touch(self) -> None:
        """Record a write (called by every writing method)."""
        self._writes += 1
        self.last_modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None) -> "GraphStore":
        """Open (creating if needed) the on-disk store at ``path``; ``None`` gives an in-memory one."""
        if path is None:
            return cls(Store(), None)
        Path(path).mkdir(parents=True, exist_ok=True)
        try:
            return cls(Store(str(path)), str(path))
        except OSError as e:
            if "lock" in str(e).lower():
                raise StoreError(
                    f"the store at {path} is in use by another process (a running `kg serve` or `kg ingest`): "
                    "stop it first, or send the change through the running server (POST /update, PUT /store "
                    "with the write token); `kg query` and `kg report` read it while it runs") from None
            raise StoreError(f"cannot open the store at {path}: {e}") from None

    @classmethod
    def open_read_only(cls, path: str | os.PathLike[str]) -> "GraphStore":
        """Open an existing store for reading while another process may hold it for writing."""
        if not Path(path).exists():
            raise StoreError(f"no store at {path}: run `kg ingest` first")
        try:
            return cls(Store.read_only(str(path)), str(path))
        except OSError as e:
            raise StoreError(f"cannot open the store at {path} read-only: {e}") from None

    @classmethod
    def memory(cls) -> "GraphStore":
        return cls(Store(), None)

    # ------------------------------------------------------------------ writing
    def replace_graph(self, graph_iri: str, quads: Iterable[Quad]) -> None:
        """Replace one named graph's content (re-ingest is idempotent) in one transaction.

        A new graph is written with ``Store.extend`` (one transaction, the fast path of a first
        ingest); an existing one with a single SPARQL Update ``DROP SILENT GRAPH ; INSERT DATA``
        (one transaction too, see :mod:`kg.store.updates`). Either way a crash leaves the old graph or
        the whole new one, never a part of it and never neither.
        """
        g = NamedNode(graph_iri)
        quads = list(quads)
        try:
            if self._store.contains_named_graph(g):
                self._store.update(updates.replace_graph(g, quads))
                self._graphs_since_open += 1
                self.wrote(3 * len(quads))  # as many removed as written, each costing more
            else:
                self._store.extend(quads)
                self.wrote(len(quads))
        except OSError as e:
            raise StoreError(f"cannot write graph {graph_iri}: {e}") from None
        finally:
            self.touch()

    def wrote(self, quads: int) -> None:
        """Count quads written or removed, flushing the write buffers every FLUSH_AFTER_QUADS.

        RocksDB grows its in-memory write buffers (six index entries per quad; about 2 KB per quad
        of a replaced graph) long before it flushes them on its own; bounding them keeps a long
        ingest's or settle's memory flat. Flushing more often costs CPU (each flush makes small
        files to compact): 60,000 is about 200 new articles, or 65 replaced ones.
        """
        self._unflushed += quads
        self._quads_since_open += quads
        if self._unflushed >= FLUSH_AFTER_QUADS:
            self.flush()

    @contextmanager
    def long_write(self) -> Iterator[None]:
        """A long run of writes by the only writer (ingest, settling), in which the writer calls
        :meth:`reopen_if_grown` between its steps so that its memory does not grow with the store."""
        previous, self._long_write = self._long_write, True
        try:
            yield
        finally:
            self._long_write = previous

    def reopen_if_grown(self) -> bool:
        """Within a long write, :meth:`reopen` the store once REOPEN_AFTER_QUADS quads were written
        or REOPEN_AFTER_GRAPHS graphs replaced since it was opened. Call it only where no query
        result of this store is held (between articles, between graphs)."""
        if self._long_write and (self._quads_since_open >= REOPEN_AFTER_QUADS
                                 or self._graphs_since_open >= REOPEN_AFTER_GRAPHS):
            self.reopen()
            return True
        return False

    def reopen(self) -> None:
        """Close the store and open it again, handing RocksDB's caches back to the system.

        Why: Oxigraph looks up the strings of every quad it writes or returns in its string
        dictionary (a RocksDB column family with its own block cache of up to 128 MB) and keeps
        the index of every table file it has opened in memory, so a process that writes for long
        holds more memory the bigger the store gets. pyoxigraph has no setting for those caches;
        closing the store frees them (and the system gets the memory back, see
        :func:`release_freed_memory`). Only a writer holding no open query result may call this.
        """
        self._quads_since_open = self._graphs_since_open = 0
        if self.path is None:
            return
        self.flush()
        self._store = None  # type: ignore[assignment]  # the last reference: RocksDB closes
        release_freed_memory()
        for attempt in (1, 2):
            try:
                self._store = Store(self.path)
                break
            except OSError as e:
                if attempt == 2:  # a query result still open somewhere holds the store
                    raise StoreError(f"cannot reopen the store at {self.path}: {e}") from None
                gc.collect()
        self.reopenings += 1

    def remove_graph(self, graph_iri: str) -> bool:
        g = NamedNode(graph_iri)
        if not self._store.contains_named_graph(g):
            return False
        self._store.remove_graph(g)
        self.touch()
        return True

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update; ``base_iri`` resolves relative IRIs (the protocol's service URL)."""
        try:
            self._store.update(sparql, base_iri=base_iri)
        except SyntaxError as e:
            raise QuerySyntaxError(str(e)) from None
        finally:
            self.touch()

    # ------------------------------------------- Graph Store Protocol (None = the default graph)
    def has_graph(self, graph_iri: str | None) -> bool:
        """True for the default graph and for every named graph the store holds (even empty)."""
        return graph_iri is None or self._store.contains_named_graph(NamedNode(graph_iri))

    def put_graph(self, graph_iri: str | None, triples: Iterable[Any]) -> bool:
        """Replace a graph's triples; returns True if the graph was created."""
        g = DefaultGraph() if graph_iri is None else NamedNode(graph_iri)
        created = not self.has_graph(graph_iri)
        quads = [Quad(t.subject, t.predicate, t.object, g) for t in triples]
        try:
            if not created:
                self._store.clear_graph(g)
            if graph_iri is not None:
                self._store.add_graph(g)
            self._store.extend(quads)
        finally:
            self.touch()
        return created

    def post_graph(self, graph_iri: str | None, triples: Iterable[Any]) -> bool:
        """Add triples to a graph; returns True if the graph was created."""
        g = DefaultGraph() if graph_iri is None else NamedNode(graph_iri)
        created = not self.has_graph(graph_iri)
        try:
            if graph_iri is not None:
                self._store.add_graph(g)
            self._store.extend([Quad(t.subject, t.predicate, t.object, g) for t in triples])
        finally:
            self.touch()
        return created

    def delete_graph(self, graph_iri: str | None) -> bool:
        """Empty the default graph or drop a named one; False if the named graph did not exist."""
        if graph_iri is None:
            self._store.clear_graph(DefaultGraph())
            self.touch()
            return True
        return self.remove_graph(graph_iri)

    def flush(self) -> None:
        self._unflushed = 0
        if self.path is not None:
            self._store.flush()
            release_freed_memory()  # the flushed write buffers

    # ------------------------------------------------------------------ reading
    def query(self, sparql: str, *, substitutions: dict[str, Term] | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              prefixes: bool = True, base_iri: str | None = None) -> Any:
        """Run a SPARQL query; the default graph is the union of all graphs unless given.

        ``substitutions`` binds variables to values before evaluation (SEP-0007), the safe way to
        pass user input into a query. The contract's prefixes (``ng:``, ``foaf:``...) may be used
        without declaring them.
        """
        kwargs: dict[str, Any] = {}
        if default_graph:
            kwargs["default_graph"] = [DefaultGraph() if g == "" else NamedNode(g) for g in default_graph]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [NamedNode(g) for g in named_graphs]
        if substitutions:
            kwargs["substitutions"] = {Variable(k): v for k, v in substitutions.items()}
        if prefixes:
            kwargs["prefixes"] = PREFIXES
        if base_iri:
            kwargs["base_iri"] = base_iri
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as e:
            raise QuerySyntaxError(str(e)) from None

    def bulk_load(self, path: str | os.PathLike[str]) -> None:
        """Load an N-Quads file with Oxigraph's bulk loader (fast, not transactional)."""
        try:
            self._store.bulk_load(path=str(path), format=RdfFormat.N_QUADS)
        except OSError as e:
            raise StoreError(f"cannot load {path}: {e}") from None
        finally:
            self.touch()

    def quads(self, subject: Term = None, predicate: Term = None, object: Term = None,
              graph: Term = None) -> Iterator[Quad]:
        """The quads matching a pattern (None: any); ``graph`` a NamedNode or DefaultGraph()."""
        return iter(self._store.quads_for_pattern(subject, predicate, object, graph))

    def add_quads(self, quads: Iterable[Quad]) -> None:
        """Add quads in one transaction (all of them or, on a crash, none)."""
        quads = list(quads)
        self._store.extend(quads)
        self.touch()
        self.wrote(len(quads))

    def dump(self, output: Any, format: RdfFormat) -> None:
        """Serialise every quad (N-Quads, TriG) to a path or a binary file."""
        self._store.dump(output, format=format)

    def __len__(self) -> int:
        return len(self._store)


def release_freed_memory() -> None:
    """Give the memory freed by native code back to the system (glibc keeps it otherwise)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


__all__ = ["GraphStore", "StoreError", "release_freed_memory"]
