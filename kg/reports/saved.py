"""Saved, versioned reports, kept in the Oxigraph store itself, in their own named graph.

Why the store and not files beside it: a save is one atomic ``extend`` (RocksDB transaction), the
reports travel with the data (``kg export``, backups, read-only replicas, ``kg report`` on a
read-only store), and they are queryable like everything else. They live in the named graph
``<https://w3id.org/newsgraph/queries>`` (fixed, like the ontology's, so a change of
``KG_BASE_IRI`` does not lose them), described with existing vocabularies only::

    <{base}queries/who_met_whom> a prov:Entity ;
        dcterms:identifier "who_met_whom" ;
        dcterms:hasVersion <{base}queries/who_met_whom/versions/1>, <…/versions/2> .
    <{base}queries/who_met_whom/versions/2> a sh:SPARQLSelectExecutable ;
        sh:select "#+ summary: …\\nSELECT …" ;       # the whole .rq text, header included
        dcterms:isVersionOf <{base}queries/who_met_whom> ;
        owl:versionInfo 2 ; dcterms:created "…"^^xsd:dateTime ;
        dcterms:title "…" ; prov:wasRevisionOf <…/versions/1> .

CONSTRUCT and ASK reports are ``sh:SPARQLConstructExecutable``/``sh:construct`` and
``sh:SPARQLAskExecutable``/``sh:ask`` (SHACL Advanced Features); DESCRIBE ones, which SHACL does
not name, are ``sh:SPARQLExecutable`` with ``rdf:value``. Every save appends a version; nothing
is ever overwritten. ``DELETE`` appends a version that only records ``prov:invalidatedAtTime``,
so the name disappears from the list while every earlier version stays readable and runnable.

Shipped ``queries/*.rq`` files are version 1 of their names. Until a name is first saved or
deleted, version 1 is read from the file; the first write copies the file's text into the store
as version 1 and appends version 2, so version URLs never change meaning afterwards.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import NewsgraphError, NotFound
from kg.reports.catalogue import CannedQuery, check_name, parse_query
from kg.store import Store
from kg.vocab import DCTERMS, OWL, PROV, RDF, XSD, Namespace

log = logging.getLogger("newsgraph")

QUERIES_GRAPH = "https://w3id.org/newsgraph/queries"
SH = Namespace("http://www.w3.org/ns/shacl#")
_KINDS = {
    "SELECT": (SH.SPARQLSelectExecutable, SH.select), "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
    "ASK": (SH.SPARQLAskExecutable, SH.ask), "DESCRIBE": (SH.SPARQLExecutable, RDF.value),
}
_PREFIX = "PREFIX sh: <http://www.w3.org/ns/shacl#>\n"
_INDEX = _PREFIX + f"""
SELECT ?name ?report ?version ?n ?created ?deleted WHERE {{ GRAPH <{QUERIES_GRAPH}> {{
  ?report dcterms:identifier ?name .
  ?version dcterms:isVersionOf ?report ; owl:versionInfo ?n ; dcterms:created ?created .
  OPTIONAL {{ ?version prov:invalidatedAtTime ?deleted }}
}} }} ORDER BY ?name ?n"""
_TEXT = _PREFIX + f"""
SELECT ?version ?text WHERE {{ GRAPH <{QUERIES_GRAPH}> {{
  ?version sh:select|sh:construct|sh:ask|rdf:value ?text }} }}"""


class Gone(NewsgraphError):
    """A report (or a version) that was deleted; its history stays readable."""

    status = 410


class ReadOnly(NewsgraphError):
    """Saving needs a store opened for writing."""

    status = 503


@dataclass(frozen=True)
class Version:
    """One entry of a report's history."""

    name: str
    number: int
    iri: str
    created: str | None
    deleted: bool = False
    shipped: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"version": self.number, "iri": self.iri, "created": self.created, "deleted": self.deleted,
                "shipped": self.shipped, "url": f"/queries/{self.name}/versions/{self.number}"}


class QueryStore:
    """The reports of a store: shipped files plus every saved version.

    :param store: the graph store (``None``: shipped files only, e.g. listing without a store).
    :param shipped_dir: the folder of shipped ``*.rq`` files.
    :param base_iri: base of the IRIs minted for saved reports and their versions.
    """

    def __init__(self, store: Store | None, shipped_dir: Path, base_iri: str) -> None:
        self.store = store
        self.shipped_dir = Path(shipped_dir)
        self.base_iri = base_iri
        self._lock = threading.Lock()
        self._parsed: dict[Any, CannedQuery] = {}
        for name in self._shipped():  # a broken shipped file should stop the server at start
            self._from_file(name)

    # ------------------------------------------------------------------ reading
    def _shipped(self) -> dict[str, Path]:
        return {p.stem: p for p in sorted(self.shipped_dir.glob("*.rq"))}

    def _from_file(self, name: str) -> CannedQuery:
        path = self._shipped()[name]
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        q = self._parsed.get(key)
        if q is None:
            q = parse_query(name, path.read_text(encoding="utf-8"), path)
            q.shipped, q.version = True, 1
            q.created = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc).isoformat()
            self._parsed[key] = q
        return q

    def _records(self) -> dict[str, list[Version]]:
        """Every saved version in the store, by name, oldest first."""
        if self.store is None:
            return {}
        out: dict[str, list[Version]] = {}
        for r in self.store.query(_INDEX):
            name = r["name"].value
            out.setdefault(name, []).append(Version(
                name=name, number=int(r["n"].value), iri=r["version"].value, created=r["created"].value,
                deleted=r["deleted"] is not None))
        return out

    def history(self, name: str) -> list[Version]:
        """Every version of a report, oldest first (``[]`` if the name was never used)."""
        records = self._records().get(name)
        if records:
            return records
        if name in self._shipped():
            q = self._from_file(name)
            return [Version(name, 1, self._iri(name, 1), q.created, shipped=True)]
        return []

    def _from_store(self, v: Version) -> CannedQuery:
        q = self._parsed.get(v.iri)
        if q is None:
            assert self.store is not None
            rows = list(self.store.query(_TEXT, substitutions={"version": NamedNode(v.iri)}))
            if not rows:
                raise NotFound(f"version {v.number} of {v.name!r} has no query text")
            # Checked when it was saved; parsed again without running it.
            q = parse_query(v.name, rows[0]["text"].value, verify=False)
            q.version, q.created = v.number, v.created
            self._parsed[v.iri] = q
        return q

    def version(self, name: str, number: int) -> CannedQuery:
        """One version of a report, deleted or not; :class:`Gone` for a deletion record."""
        for v in self.history(name):
            if v.number == number:
                if v.deleted:
                    raise Gone(f"version {number} of {name!r} records its deletion ({v.created}); "
                               f"see /queries/{name}/versions")
                return self._from_file(name) if v.shipped else self._from_store(v)
        raise NotFound(f"report {name!r} has no version {number}; see /queries/{name}/versions")

    def get(self, name: str) -> CannedQuery:
        """The latest version of a report.

        :raise NotFound: no such report. :raise Gone: it was deleted (its versions remain).
        """
        history = self.history(name)
        if not history:
            raise NotFound(f"no report named {name!r}; see /queries for the list")
        latest = history[-1]
        if latest.deleted:
            raise Gone(f"report {name!r} was deleted ({latest.created}); its {len(history) - 1} earlier "
                       f"version(s) remain at /queries/{name}/versions")
        return self.version(name, latest.number)

    def current(self) -> dict[str, CannedQuery]:
        """Every report that is not deleted, by name, at its latest version."""
        records = self._records()
        out: dict[str, CannedQuery] = {}
        for name in sorted(set(records) | set(self._shipped())):
            try:
                if name in records:
                    latest = records[name][-1]
                    if not latest.deleted:
                        out[name] = self._from_store(latest)
                else:
                    out[name] = self._from_file(name)
            except NewsgraphError as e:  # one broken report must not hide the others
                log.warning("report %s cannot be loaded: %s", name, e)
        return out

    # ------------------------------------------------------------------ writing
    def _iri(self, name: str, number: int | None = None) -> str:
        iri = f"{self.base_iri}queries/{name}"
        return iri if number is None else f"{iri}/versions/{number}"

    def _writable(self) -> Store:
        if self.store is None:
            raise ReadOnly("reports cannot be saved without a store")
        return self.store

    def _start(self, name: str, now: Literal) -> tuple[NamedNode, int, list[Quad]]:
        """The report's IRI, the next version number and the quads a first write needs."""
        records = self._records().get(name)
        g = NamedNode(QUERIES_GRAPH)
        if records:
            report = self._report_iri(records[-1])
            return report, records[-1].number + 1, []
        report = NamedNode(self._iri(name))
        quads = [Quad(report, RDF.type, PROV.Entity, g), Quad(report, DCTERMS.identifier, Literal(name), g)]
        if name in self._shipped():
            shipped = self._from_file(name)
            created = Literal(shipped.created or now.value, datatype=XSD.dateTime)
            quads += self._version_quads(report, 1, shipped, created)
            return report, 2, quads
        return report, 1, quads

    def _report_iri(self, v: Version) -> NamedNode:
        assert self.store is not None
        rows = list(self.store.query(f"SELECT ?v ?r WHERE {{ GRAPH <{QUERIES_GRAPH}> {{ ?v dcterms:isVersionOf ?r }} }}",
                                     substitutions={"v": NamedNode(v.iri)}))
        return rows[0]["r"]

    def _version_quads(self, report: NamedNode, n: int, q: CannedQuery | None, created: Literal) -> list[Quad]:
        g = NamedNode(QUERIES_GRAPH)
        v = NamedNode(f"{report.value}/versions/{n}")
        quads = [Quad(v, DCTERMS.isVersionOf, report, g), Quad(report, DCTERMS.hasVersion, v, g),
                 Quad(v, OWL.versionInfo, Literal(str(n), datatype=XSD.integer), g),
                 Quad(v, DCTERMS.created, created, g)]
        if n > 1:
            quads.append(Quad(v, PROV.wasRevisionOf, NamedNode(f"{report.value}/versions/{n - 1}"), g))
        if q is None:
            quads += [Quad(v, RDF.type, PROV.Entity, g), Quad(v, PROV.invalidatedAtTime, created, g)]
            return quads
        cls, prop = _KINDS[q.form]
        quads += [Quad(v, RDF.type, cls, g), Quad(v, prop, Literal(q.sparql), g)]
        if q.summary:
            quads.append(Quad(v, DCTERMS.term("title"), Literal(q.summary), g))
        if q.description:
            quads.append(Quad(v, DCTERMS.description, Literal(q.description), g))
        return quads

    def _write(self, quads: list[Quad]) -> None:
        store = self._writable()
        try:
            store.add_quads(quads)  # one transaction: the whole version or nothing
        except OSError as e:
            raise ReadOnly(f"the report cannot be saved: {e}") from None
        store.touch()
        store.flush()

    def save(self, name: str, text: str) -> CannedQuery:
        """Check ``text`` and save it as the next version of ``name``; returns that version.

        :raise QuerySyntaxError: the text is not a valid report (nothing is saved).
        """
        check_name(name)
        q = parse_query(name, text)
        with self._lock:
            now = _now()
            report, n, quads = self._start(name, now)
            quads += self._version_quads(report, n, q, now)
            self._write(quads)
        return self.version(name, n)

    def delete(self, name: str) -> Version:
        """Record the deletion of ``name`` as its next version; earlier versions stay runnable."""
        with self._lock:
            self.get(name)
            now = _now()
            report, n, quads = self._start(name, now)
            quads += self._version_quads(report, n, None, now)
            self._write(quads)
        return self.history(name)[-1]


def _now() -> Literal:
    return Literal(dt.datetime.now(dt.timezone.utc).isoformat(), datatype=XSD.dateTime)
