"""A remote SPARQL server as the store, with the interface of :class:`kg.store.local.GraphStore`.

``KG_STORE=http(s)://host/.../sparql`` (or ``--store URL``) makes ingest, ``kg serve``, reports and
Linked Data run against any server speaking the SPARQL 1.1 Protocol
(https://www.w3.org/TR/sparql11-protocol/) for queries, SPARQL 1.1 Update for writes and,
for ``kg load``, the Graph Store Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/):
Oxigraph, Fuseki, Virtuoso, QLever or a managed cluster, when one machine is outgrown.

* Queries are POSTed to the query URL; results come back as SPARQL JSON or N-Triples and are
  parsed by pyoxigraph into the same result objects the embedded store returns. The server's
  default graph must be the union of its named graphs (``oxigraph serve --union-default-graph``,
  Fuseki ``tdb2:unionDefaultGraph true``; Virtuoso and QLever do so already).
* Bound values (``substitutions=``) become a ``VALUES`` block (:mod:`kg.sparql.bind`).
* An article's graph is replaced by one Update request (``DROP SILENT GRAPH`` + ``INSERT DATA``),
  which SPARQL 1.1 Update asks servers to apply atomically (:mod:`kg.store.updates`).
* URLs: the update and Graph Store URLs come from ``KG_UPDATE_URL`` and ``KG_GSP_URL``, or by
  convention from the query URL: a last path segment ``sparql`` or ``query`` is replaced by
  ``update`` and ``store`` (Oxigraph's and Newsgraph's own layout); any other query URL takes
  updates itself and has no Graph Store URL (``kg load`` then sends ``INSERT DATA`` batches, as
  with ``KG_GSP_URL=none``).
* ``KG_STORE_TOKEN`` is sent as a bearer token (a Newsgraph server's ``KG_WRITE_TOKEN``);
  ``user:password@`` in a URL is sent as HTTP Basic credentials (Fuseki).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from pyoxigraph import (DefaultGraph, NamedNode, Quad, QueryResultsFormat, RdfFormat, Store, parse,
                        parse_query_results)

from kg import __version__

from kg.store import updates
from kg.sparql.bind import BindError, bind_values
from kg.errors import BadRequest, QuerySyntaxError, StoreError
from kg.store.common import SharedMethods
from kg.vocab import PREFIXES

QUERY_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
                "application/sparql-results+xml;q=0.7, application/rdf+xml;q=0.6")
#: How long the data version stays valid: other clients may write to a shared server unseen.
VERSION_TTL = 5.0
_INSERT_BATCH = 20_000


def derive_url(query_url: str, segment: str) -> str | None:
    """``.../sparql`` or ``.../query`` -> ``.../{segment}``; ``None`` if the URL has another shape."""
    parts = urlsplit(query_url)
    head, _, last = parts.path.rstrip("/").rpartition("/")
    if last not in ("sparql", "query"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, f"{head}/{segment}", "", ""))


class RemoteStore(SharedMethods):
    """A SPARQL 1.1 Protocol + Update (+ Graph Store Protocol) server, used like a GraphStore."""

    local = False   # the data is on the server: nothing to snapshot for query workers

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None, *,
                 token: str | None = None, timeout: float = 120.0) -> None:
        self.query_url = query_url
        self.update_url = update_url or derive_url(query_url, "update") or query_url
        self.gsp_url = None if gsp_url == "none" else gsp_url or derive_url(query_url, "store")
        self.path = query_url  # what `kg` commands print as the store's location
        self.token = token
        self.timeout = timeout
        self._local = threading.local()  # one HTTP session (keep-alive pool) per thread
        self._opened = uuid.uuid4().hex[:12]
        self._writes = 0
        self.last_modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    @classmethod
    def from_url(cls, url: str) -> "RemoteStore":
        """The remote store ``KG_STORE`` names, with ``KG_UPDATE_URL``, ``KG_GSP_URL``, ``KG_STORE_TOKEN``."""
        return cls(url, os.environ.get("KG_UPDATE_URL") or None, os.environ.get("KG_GSP_URL") or None,
                   token=os.environ.get("KG_STORE_TOKEN") or None)

    # ------------------------------------------------------------------ HTTP
    @property
    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = self._local.session = requests.Session()
            s.headers["User-Agent"] = f"newsgraph/{__version__}"
            if self.token:
                s.headers["Authorization"] = f"Bearer {self.token}"
        return s

    def _post(self, url: str, **kw: Any) -> requests.Response:
        try:
            r = self._session.post(url, timeout=self.timeout, **kw)
        except requests.RequestException as e:
            raise StoreError(f"cannot reach the store at {url}: {e}") from None
        if r.status_code == 400:
            raise QuerySyntaxError(f"the store at {url} refused the request: {r.text.strip()[:500]}")
        if r.status_code in (401, 403):
            raise StoreError(f"the store at {url} refused the request ({r.status_code}): set KG_STORE_TOKEN, "
                             "or put credentials in the URL")
        if r.status_code >= 300:
            raise StoreError(f"the store at {url} answered {r.status_code}: {r.text.strip()[:300]}")
        return r

    # ------------------------------------------------------------------ data version
    @property
    def data_version(self) -> str:
        """Changes with every write through this object and at least every VERSION_TTL seconds."""
        return f"{self._opened}-{self._writes}-{int(time.time() // VERSION_TTL)}"

    def touch(self) -> None:
        self._writes += 1
        self.last_modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    # ------------------------------------------------------------------ reading
    def query(self, sparql: str, *, substitutions: dict[str, Any] | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              prefixes: bool = True, base_iri: str | None = None) -> Any:
        """Run a SPARQL query on the server; returns pyoxigraph result objects, as GraphStore does.

        ``base_iri`` (the protocol's service URL) is sent as a ``BASE`` declaration: the SPARQL
        Protocol has no parameter for it.
        """
        text = _base(sparql, base_iri)
        if substitutions:
            try:
                text = bind_values(text, substitutions)
            except BindError as e:
                raise BadRequest(str(e)) from None
        if prefixes:
            text = _prologue(text) + text
        data: list[tuple[str, str]] = [("query", text)]
        for g in default_graph or []:
            if g == "":
                raise BadRequest("a remote store's own default graph cannot be named; name its graphs")
            data.append(("default-graph-uri", g))
        data += [("named-graph-uri", g) for g in named_graphs or []]
        r = self._post(self.query_url, data=data, headers={"Accept": QUERY_ACCEPT})
        return _parse_result(r)

    def __len__(self) -> int:
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", prefixes=False))
        return int(rows[0]["n"].value) if rows else 0

    # ------------------------------------------------------------------ writing
    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Send a SPARQL Update request."""
        sparql = _base(sparql, base_iri)
        try:
            self._post(self.update_url, data=sparql.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        finally:
            self.touch()

    def replace_graph(self, graph_iri: str, quads: Iterable[Quad]) -> None:
        """Replace a named graph's content in one Update request (atomic on the server)."""
        self.update(updates.replace_graph(NamedNode(graph_iri), quads))

    # ------------------------------- Graph Store Protocol (None = the default graph), over Update
    def has_graph(self, graph_iri: str | None) -> bool:
        if graph_iri is None:
            return True
        return bool(self.query("ASK { GRAPH ?g { ?s ?p ?o } }", substitutions={"g": NamedNode(graph_iri)},
                               prefixes=False))

    def put_graph(self, graph_iri: str | None, triples: Iterable[Any]) -> bool:
        created = not self.has_graph(graph_iri)
        g = DefaultGraph() if graph_iri is None else NamedNode(graph_iri)
        quads = [Quad(t.subject, t.predicate, t.object, g) for t in triples]
        drop = "DROP SILENT DEFAULT" if graph_iri is None else updates.drop_graphs([g])
        self.update(f"{drop} ;\n{updates.insert_data(quads)}" if quads else drop)
        return created

    def post_graph(self, graph_iri: str | None, triples: Iterable[Any]) -> bool:
        created = not self.has_graph(graph_iri)
        g = DefaultGraph() if graph_iri is None else NamedNode(graph_iri)
        quads = [Quad(t.subject, t.predicate, t.object, g) for t in triples]
        if quads:
            self.update(updates.insert_data(quads))
        return created

    def delete_graph(self, graph_iri: str | None) -> bool:
        if graph_iri is None:
            self.update("DROP SILENT DEFAULT")
            return True
        return self.remove_graph(graph_iri)

    def remove_graph(self, graph_iri: str) -> bool:
        g = NamedNode(graph_iri)
        if not bool(self.query("ASK { GRAPH ?g { ?s ?p ?o } }", substitutions={"g": g}, prefixes=False)):
            return False
        self.update(updates.drop_graphs([g]))
        return True

    def bulk_load(self, path: str | os.PathLike[str]) -> None:
        """Send an N-Quads file: one Graph Store Protocol POST, or INSERT DATA batches without one."""
        if self.gsp_url:
            with open(path, "rb") as fh:
                self._post(self.gsp_url, data=fh, headers={"Content-Type": "application/n-quads"})
            self.touch()
            return
        batch: list[Quad] = []
        for q in parse(path=str(path), format=RdfFormat.N_QUADS):
            batch.append(q)
            if len(batch) >= _INSERT_BATCH:
                self.update(updates.insert_data(batch))
                batch = []
        if batch:
            self.update(updates.insert_data(batch))

    def flush(self) -> None:
        """Nothing to do: the server has acknowledged every write."""

    def wrote(self, quads: int) -> None:
        """Nothing to count: the server manages its own write buffers."""

    def long_write(self) -> AbstractContextManager[None]:
        """Nothing to do: the server manages its own caches (see GraphStore.long_write)."""
        return nullcontext()

    def reopen(self) -> None:
        """Nothing to do: this process holds no cache of the server's data."""

    def reopen_if_grown(self) -> bool:
        return False

    # ------------------------------------------------------------------ quads
    def quads(self, subject: Any = None, predicate: Any = None, object: Any = None,
              graph: Any = None) -> Iterator[Quad]:
        """The quads matching a pattern, asked with SPARQL. The server's default graph is the union
        of its named graphs, so only quads in named graphs are returned (Newsgraph keeps all its
        data in named graphs); at most PATTERN_LIMIT of them (callers read patterns with a limit
        of their own)."""
        if isinstance(graph, DefaultGraph):
            return iter(())
        bound = {k: v for k, v in (("s", subject), ("p", predicate), ("o", object), ("g", graph)) if v is not None}
        rows = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {PATTERN_LIMIT}",
                          substitutions=bound or None, prefixes=False)
        return iter([Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows])

    def add_quads(self, quads: Iterable[Quad]) -> None:
        """Add quads in one Update request (atomic on the server)."""
        quads = list(quads)
        if quads:
            self.update(updates.insert_data(quads))

    def dump(self, output: Any, format: RdfFormat) -> None:
        """Serialise every quad of the server's named graphs, read a page at a time."""
        from pyoxigraph import serialize
        page, offset = 50_000, 0
        out = open(output, "wb") if isinstance(output, (str, os.PathLike)) else output
        try:
            while True:
                rows = list(self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } "
                                       f"ORDER BY ?g ?s ?p ?o LIMIT {page} OFFSET {offset}", prefixes=False))
                if rows:
                    out.write(serialize([Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows], format=format))
                if len(rows) < page:
                    break
                offset += page
        finally:
            if out is not output:
                out.close()


#: The most quads one pattern fetches from a server (callers read patterns with a limit of their own).
PATTERN_LIMIT = 100_000


def _base(text: str, base_iri: str | None) -> str:
    """Prepend ``BASE <iri>`` (serialised by pyoxigraph) unless the text declares its own."""
    if not base_iri or re.search(r"(?i)^\s*BASE\s*<", text):
        return text
    return f"BASE {NamedNode(base_iri)}\n{text}"


def _prologue(query: str) -> str:
    """PREFIX lines for the contract's prefixes the query does not declare itself."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()
                   if not re.search(rf"(?i)PREFIX\s+{p}\s*:", query))


def _parse_result(r: requests.Response) -> Any:
    media = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
    results = QueryResultsFormat.from_media_type(media) if media else None
    if results is not None:
        return parse_query_results(r.content, format=results)
    rdf = RdfFormat.from_media_type(media) if media else None
    if rdf is not None:
        # a CONSTRUCT/DESCRIBE result: the same QueryTriples object the embedded store returns
        scratch = Store()
        scratch.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in parse(r.content, format=rdf))
        return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    raise StoreError(f"the store at {r.url} answered a query with {media or 'no Content-Type'}, "
                     "not SPARQL results or RDF")
