"""Ingest: files -> articles -> extraction (worker processes) -> quads -> one writer.

The ingest process reads the articles, skips the unchanged ones (same text, same extractor
version: ``ng:checksum`` and ``ng:extractorVersion`` in the stored graph), hands the others to the
extraction workers (:mod:`kg.ingest.pool`) and, as their results come back in input order, resolves
entities across articles, maps to quads and writes each article's graph in one transaction. It is
the only writer. Its memory does not grow with the corpus: articles are read lazily, only a few
chunks are in flight, and what the run remembers to its end (the name index, the identifiers
read, the entities touched) is kept in temporary SQLite files (:mod:`kg.resolve.name_index`,
:mod:`kg.ingest.ledger`).

A bad file never stops the batch: it is reported (file, line, reason) and the rest is ingested.
Killed at any moment (even ``kill -9``), a run leaves whole articles only, and a re-run skips the
written ones and finishes the job.
"""
from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad
from tqdm import tqdm

from kg.read.articles import Article, count_articles, read_paths
from kg.errors import ArticleError
from kg.iris import Minter
from kg.mapping.quads import ArticleMapper
from kg.ingest.pool import ExtractionPool, LocalExtraction
from kg.ingest.ledger import RunLedger
from kg.resolve.name_index import NameIndex
from kg.ingest.settle import correct_kinds, merge_events, reconcile, record_ambiguities, refresh_labels
from kg.resolve.resolver import label_quads, resolver, uses_of
from kg.ingest.sinks import NQuadsSink, StoreSink
from kg.vocab import NG, XSD

#: Articles per task sent to a worker (each worker runs nlp.pipe over the chunk).
CHUNK = 16


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[ArticleError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def reasons(self) -> Counter[str]:
        """Failures counted by kind of reason ("empty file", "invalid UTF-8", ...)."""
        return Counter(e.reason.split(":")[0].split(";")[0].split(" (")[0].strip() for e in self.failed)

    def summary(self) -> str:
        text = (f"{len(self.ingested)} ingested, {len(self.unchanged)} unchanged, "
                f"{len(self.failed)} failed")
        if self.failed:
            text += " (" + ", ".join(f"{n} {reason}" for reason, n in self.reasons().most_common()) + ")"
        if self.seconds and self.ingested:
            text += f" in {self.seconds:.1f} s ({len(self.ingested) / self.seconds:.1f} articles/s)"
        return text


#: A check run on each article's quads before they are written: a reason to refuse it, or None
#: (``kg ingest --strict`` passes :func:`kg.ontology.validate.strict_check`).
ArticleCheck = Callable[[list], "str | None"]


def default_jobs() -> int:
    """One extraction worker per core the process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def ingest_paths(paths: Iterable[str | os.PathLike[str]], store: Any, minter: Minter, *,
                 extractor: Any = None, jobs: int = 0, out: str | os.PathLike[str] | None = None,
                 force: bool = False, progress: bool = True, batch_size: int = 16,
                 on_error: Callable[[ArticleError], None] | None = None,
                 check: ArticleCheck | None = None) -> IngestReport:
    """Ingest every article under ``paths`` into ``store`` (or, with ``out``, into an N-Quads file).

    :param store: a :class:`~kg.store.Store`, local or remote (ignored when ``out`` is given).
    :param extractor: extract in this process with this :class:`~kg.extract.Extractor`.
    :param jobs: extraction worker processes; 0 extracts in this process.
    :param on_error: called with each bad file or article as soon as it is found.
    :param check: may refuse an article's graph (``--strict``: the SHACL shapes), giving a reason.
    :return: what was ingested, unchanged and failed (with reasons).
    """
    extraction: Any = (LocalExtraction(extractor, batch_size) if extractor is not None or jobs < 1
                       else ExtractionPool(jobs, batch_size))
    sink: Any = NQuadsSink(out) if out is not None else StoreSink(store)
    return _Run(list(paths), store, minter, extraction, sink, to_file=out is not None, force=force,
                progress=progress, on_error=on_error, check=check).run()


class _Run:
    """One ingest run: the articles still to do, then each extraction resolved, mapped, written.

    Split in the steps a run goes through (:meth:`todo_chunks`, :meth:`take`, :meth:`finish`) so
    each can be read alone; the state they share is what the run remembers to its end.
    """

    def __init__(self, paths: list[str | os.PathLike[str]], store: Any, minter: Minter, extraction: Any,
                 sink: Any, *, to_file: bool, force: bool, progress: bool,
                 on_error: Callable[[ArticleError], None] | None, check: ArticleCheck | None) -> None:
        self.paths, self.store, self.minter = paths, store, minter
        self.extraction, self.sink, self.to_file = extraction, sink, to_file
        self.force, self.on_error, self.check = force, on_error, check
        self.report = IngestReport()
        self.bar = tqdm(total=count_articles(paths), unit="article", desc="ingest", disable=not progress,
                        file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
        self.ledger = RunLedger()  # what the run has read and touched, on disk (memory stays flat)
        self.index: NameIndex | None = None
        self.version = ""
        # a marker graph says the cross-article work (settle) is owed: written before the first
        # article, removed after settling, so a run killed in between is settled by the next one
        self.state_graph = minter.state_graph()
        self.owed = self.marked = False
        self.replacing: set[str] = set()  # articles in flight that are already stored

    def run(self) -> IngestReport:
        started = time.monotonic()
        complete = False
        try:
            self.sink.start()
            self.version = self.extraction.version()
            # cross-article resolution reads an on-disk index of every stored article's names
            self.index = NameIndex() if self.to_file else NameIndex.load(self.store)
            self.mapper = ArticleMapper(self.minter, self.version, resolve=resolver(self.index, self.minter))
            self.owed = self.marked = not self.to_file and _marked(self.store, self.state_graph)
            for article, outcome in self.extraction.imap(self.todo_chunks()):
                self.take(article, outcome)
            complete = True
        finally:
            try:
                self.finish(complete)
            finally:
                self.ledger.close()
                if self.index is not None:
                    self.index.close()
            self.report.seconds = time.monotonic() - started
        return self.report

    def failed(self, err: ArticleError) -> None:
        self.report.failed.append(err)
        self.bar.update(1)
        if self.on_error is not None:
            self.on_error(err)

    def todo_chunks(self) -> Iterator[list[Article]]:
        """Chunks of the articles to extract: bad files reported, duplicates and unchanged ones left out."""
        for chunk in _chunks(read_paths(self.paths), CHUNK):
            articles = [a for a in chunk if not isinstance(a, ArticleError)]
            for err in chunk:
                if isinstance(err, ArticleError):
                    self.failed(err)
            states = self.sink.states([a.id for a in articles])
            todo = []
            for a in articles:
                first = self.ledger.first_read(a.id, a.source)
                if first != a.source:
                    self.failed(ArticleError(a.source, None, f"duplicate article id {a.id!r}: already read from {first}"))
                    continue
                stored = states.get(a.id)
                if not self.force and stored == (a.checksum, self.version):
                    self.report.unchanged.append(a.id)
                    self.bar.update(1)
                    continue
                if stored is not None:
                    self.replacing.add(a.id)
                todo.append(a)
            yield todo

    def take(self, article: Article, outcome: Any) -> None:
        """One extraction back from the workers: resolve, map, check and write its graph."""
        assert self.index is not None
        source = article.source or article.id
        if isinstance(outcome, str):
            self.failed(ArticleError(source, None, f"extraction failed: {outcome}"))
            return
        graph = self.minter.article(article.id)
        self.index.drop_graph(graph)          # resolve against the other articles only
        try:
            quads = self.mapper.quads(article, outcome)
        except Exception as e:  # noqa: BLE001 - a mapping bug must not stop the batch
            self.failed(ArticleError(source, None, f"mapping failed: {type(e).__name__}: {e}"))
            return
        refusal = self.check(quads) if self.check is not None else None
        if refusal is not None:
            self.failed(ArticleError(source, None, refusal))
            return
        if not self.to_file:
            if not self.marked:
                self.store.replace_graph(self.state_graph, [_marker(self.state_graph)])
                self.marked = True
            if article.id in self.replacing:  # a replaced version's entities may lose their label
                self.replacing.discard(article.id)
                self.ledger.touch(_named_in(self.store, graph))
        self.sink.write(graph, quads)
        iris = self.mapper.entity_iris(outcome)
        self.index.add_graph(graph, uses_of(outcome.entities, iris, outcome.posts))
        self.ledger.touch(iris.values())
        if self.to_file:
            for q in quads:
                if q.predicate == NG.preferredName:
                    self.ledger.prefer(q.subject.value, q.object.value)  # the entities graph, at the end
        self.report.ingested.append(article.id)
        self.bar.update(1)

    def finish(self, complete: bool) -> None:
        """Stop the workers; after a complete run, the cross-article work (labels, settling)."""
        self.extraction.close()
        self.bar.close()
        if complete and self.to_file and self.report.ingested:
            for preferred in self.ledger.preferred():
                self.sink.write(self.minter.entities_graph(), label_quads(preferred, self.minter))
        elif complete and not self.to_file and (self.report.ingested or self.owed):
            # a run that inherits unfinished work does not know what it touched: all labels
            self.store.reopen()  # what ingest cached is of no use to the settling
            assert self.index is not None
            settle(self.store, self.index, self.minter, None if self.owed else self.ledger)
            self.store.remove_graph(self.state_graph)
        self.sink.close(complete)


def settle(store: Any, index: NameIndex, minter: Minter, touched: RunLedger | None = None) -> None:
    """After articles changed: re-resolve names across the corpus (so IRIs do not depend on the
    order articles came in), then give the entities touched (None: every entity) their one label."""
    retyped = correct_kinds(store, index, minter)   # first: resolution then sees the right kinds
    renamed = reconcile(store, index, minter) | retyped
    merge_events(store, minter)      # after the entities: reports compare their actors' IRIs
    if touched is None:
        refresh_labels(store, minter, None)
    else:
        touched.touch(renamed)
        refresh_labels(store, minter, touched.touched())
    record_ambiguities(store, index, minter)   # after the labels: the notes name the candidates


def settle_store(store: Any, minter: Minter, load: Callable[[], Any] | None = None) -> Any:
    """Run ``load`` (graphs arriving by another path, e.g. a bulk load of ``kg ingest --out``
    files), then redo cross-article resolution and every label over the whole store: the files
    were resolved only against themselves, in their own order. The marker graph makes a killed
    run owe the settling to the next ingest or load. Returns what ``load`` returned."""
    state = minter.state_graph()
    store.replace_graph(state, [_marker(state)])
    result = load() if load is not None else None
    with store.long_write(), NameIndex.load(store) as index:
        store.reopen()  # a bulk load leaves its caches behind
        settle(store, index, minter, None)
    store.remove_graph(state)
    store.flush()
    return result


def remove_article(store: Any, minter: Minter, identifier: str) -> bool:
    """Delete one article's facts and nothing else; entities mentioned elsewhere stay (and take
    back the IRIs and labels the other articles give them)."""
    graph = identifier if identifier.startswith(("http://", "https://")) else minter.article(identifier)
    state = minter.state_graph()
    if not _marked(store, graph):
        return False
    store.replace_graph(state, [_marker(state)])
    with RunLedger() as touched:
        touched.touch(_named_in(store, graph))
        store.remove_graph(graph)
        with store.long_write(), NameIndex.load(store) as index:
            settle(store, index, minter, touched)
    store.remove_graph(state)
    store.flush()
    return True


def _named_in(store: Any, graph: str) -> set[str]:
    """The entities an article graph names (their labels may change when it goes)."""
    return {q.subject.value for q in store.quads(None, NG.preferredName, None, NamedNode(graph))}


def _marked(store: Any, graph: str) -> bool:
    """Whether the store holds a named graph (any store: one ASK)."""
    return bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }", substitutions={"g": NamedNode(graph)}))


def _marker(state: str) -> Quad:
    g = NamedNode(state)
    return Quad(g, NG.settlementOwed, Literal("true", datatype=XSD.boolean), g)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
