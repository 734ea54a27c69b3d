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

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store, Variable

from kg.store import updates
from kg.resources import ONTOLOGY_FILE, require
from kg.errors import NewsgraphError, QuerySyntaxError
from kg.vocab import DCTERMS, NG, ONTOLOGY_IRI, PREFIXES

#: quads written or removed between flushes of the write buffers (see GraphStore.wrote)
FLUSH_AFTER_QUADS = 60_000
#: a long write (GraphStore.long_write) reopens the store after writing this many quads...
REOPEN_AFTER_QUADS = 600_000
#: ... or replacing this many existing graphs (a replaced graph is read back: the caches grow)
REOPEN_AFTER_GRAPHS = 32

Term = Any  # a pyoxigraph NamedNode, BlankNode or Literal


class StoreError(NewsgraphError):
    """The store cannot be opened or written (locked by another process, disk full...)."""

    status = 503


class GraphStore:
    """A thin layer over :class:`pyoxigraph.Store` with the conventions of the graph contract."""

    def __init__(self, store: Store, path: str | None = None) -> None:
        self.store = store
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
    def load_ontology(self, path: Path = ONTOLOGY_FILE) -> int:
        """Replace the ontology graph with the ontology file's triples; returns their number."""
        g = NamedNode(ONTOLOGY_IRI)
        from pyoxigraph import parse
        path = require(path, "the ontology (Turtle)")
        try:
            quads = [Quad(t.subject, t.predicate, t.object, g) for t in parse(path=str(path), format=RdfFormat.TURTLE)]
        except SyntaxError as e:
            raise StoreError(f"the ontology {path} is not valid Turtle: {e}") from None
        self.replace_graph(ONTOLOGY_IRI, quads)
        return len(quads)

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
            if self.store.contains_named_graph(g):
                self.store.update(updates.replace_graph(g, quads))
                self._graphs_since_open += 1
                self.wrote(3 * len(quads))  # as many removed as written, each costing more
            else:
                self.store.extend(quads)
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
        self.store = None  # type: ignore[assignment]  # the last reference: RocksDB closes
        release_freed_memory()
        for attempt in (1, 2):
            try:
                self.store = Store(self.path)
                break
            except OSError as e:
                if attempt == 2:  # a query result still open somewhere holds the store
                    raise StoreError(f"cannot reopen the store at {self.path}: {e}") from None
                gc.collect()
        self.reopenings += 1

    def remove_graph(self, graph_iri: str) -> bool:
        g = NamedNode(graph_iri)
        if not self.store.contains_named_graph(g):
            return False
        self.store.remove_graph(g)
        self.touch()
        return True

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update; ``base_iri`` resolves relative IRIs (the protocol's service URL)."""
        try:
            self.store.update(sparql, base_iri=base_iri)
        except SyntaxError as e:
            raise QuerySyntaxError(str(e)) from None
        finally:
            self.touch()

    # ------------------------------------------- Graph Store Protocol (None = the default graph)
    def has_graph(self, graph_iri: str | None) -> bool:
        """True for the default graph and for every named graph the store holds (even empty)."""
        return graph_iri is None or self.store.contains_named_graph(NamedNode(graph_iri))

    def put_graph(self, graph_iri: str | None, triples: Iterable[Any]) -> bool:
        """Replace a graph's triples; returns True if the graph was created."""
        g = DefaultGraph() if graph_iri is None else NamedNode(graph_iri)
        created = not self.has_graph(graph_iri)
        quads = [Quad(t.subject, t.predicate, t.object, g) for t in triples]
        try:
            if not created:
                self.store.clear_graph(g)
            if graph_iri is not None:
                self.store.add_graph(g)
            self.store.extend(quads)
        finally:
            self.touch()
        return created

    def post_graph(self, graph_iri: str | None, triples: Iterable[Any]) -> bool:
        """Add triples to a graph; returns True if the graph was created."""
        g = DefaultGraph() if graph_iri is None else NamedNode(graph_iri)
        created = not self.has_graph(graph_iri)
        try:
            if graph_iri is not None:
                self.store.add_graph(g)
            self.store.extend([Quad(t.subject, t.predicate, t.object, g) for t in triples])
        finally:
            self.touch()
        return created

    def delete_graph(self, graph_iri: str | None) -> bool:
        """Empty the default graph or drop a named one; False if the named graph did not exist."""
        if graph_iri is None:
            self.store.clear_graph(DefaultGraph())
            self.touch()
            return True
        return self.remove_graph(graph_iri)

    def flush(self) -> None:
        self._unflushed = 0
        if self.path is not None:
            self.store.flush()
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
            return self.store.query(sparql, **kwargs)
        except SyntaxError as e:
            raise QuerySyntaxError(str(e)) from None

    def article_state(self, identifier: str) -> tuple[str, str] | None:
        """(checksum, extractor version) of a stored article, or None if it is not stored."""
        rows = list(self.query(
            "SELECT ?id ?sum ?ver WHERE { ?a dcterms:identifier ?id ; ng:checksum ?sum ; ng:extractorVersion ?ver }",
            substitutions={"id": Literal(identifier)}))
        if not rows:
            return None
        return rows[0]["sum"].value, rows[0]["ver"].value

    def article_states(self, identifiers: Iterable[str]) -> dict[str, tuple[str, str]]:
        """:meth:`article_state` for many articles in one query: identifier -> (checksum, version)."""
        ids = list(dict.fromkeys(identifiers))
        if not ids:
            return {}
        rows = self.query("SELECT ?id ?sum ?ver WHERE { VALUES ?id { %s } "
                          "?a dcterms:identifier ?id ; ng:checksum ?sum ; ng:extractorVersion ?ver }"
                          % updates.terms(Literal(i) for i in ids))
        return {r["id"].value: (r["sum"].value, r["ver"].value) for r in rows}

    def bulk_load(self, path: str | os.PathLike[str]) -> None:
        """Load an N-Quads file with Oxigraph's bulk loader (fast, not transactional)."""
        try:
            self.store.bulk_load(path=str(path), format=RdfFormat.N_QUADS)
        except OSError as e:
            raise StoreError(f"cannot load {path}: {e}") from None
        finally:
            self.touch()

    def article_graphs(self) -> list[str]:
        return [r["g"].value for r in self.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a ng:Article } }")]

    def __len__(self) -> int:
        return len(self.store)


def release_freed_memory() -> None:
    """Give the memory freed by native code back to the system (glibc keeps it otherwise)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def is_remote(location: str | os.PathLike[str] | None) -> bool:
    """Whether a ``--store``/``KG_STORE`` value names a SPARQL server rather than a directory."""
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def open_store(location: str | os.PathLike[str] | None, *, read_only: bool = False) -> Any:
    """The store a ``--store``/``KG_STORE`` value names: a :class:`GraphStore` for a directory
    (``None``: in memory), a :class:`kg.store.remote.RemoteStore` for an ``http(s)://`` SPARQL
    endpoint URL. Both have the same interface."""
    if is_remote(location):
        from kg.store.remote import RemoteStore
        return RemoteStore.from_url(str(location))
    if location is None:
        return GraphStore.memory()
    return GraphStore.open_read_only(location) if read_only else GraphStore.open(location)


__all__ = ["GraphStore", "StoreError", "ONTOLOGY_FILE", "DCTERMS", "NG", "open_store", "is_remote"]
