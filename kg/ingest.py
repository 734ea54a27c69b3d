"""Ingest: files -> articles -> extraction (worker processes) -> quads -> one writer.

The ingest process reads the articles, skips the unchanged ones (same text, same extractor
version: ``ng:checksum`` and ``ng:extractorVersion`` in the stored graph), hands the others to the
extraction workers (:mod:`kg.pool`) and, as their results come back in input order, resolves
entities across articles, maps to quads and writes each article's graph in one transaction. It is
the only writer. Memory stays flat: articles are read lazily and only a few chunks are in flight.

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

from tqdm import tqdm

from kg.articles import Article, count_articles, read_paths
from kg.entity_index import EntityIndex, entity_triples
from kg.errors import ArticleError
from kg.iris import Minter
from kg.mapping import ArticleMapper
from kg.pool import ExtractionPool, LocalExtraction
from kg.resolve import StoreResolver
from kg.sinks import NQuadsSink, StoreSink

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


def default_jobs() -> int:
    """One extraction worker per core the process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def ingest_paths(paths: Iterable[str | os.PathLike[str]], store: Any, minter: Minter, *,
                 extractor: Any = None, jobs: int = 0, out: str | os.PathLike[str] | None = None,
                 force: bool = False, progress: bool = True, batch_size: int = 16,
                 on_error: Callable[[ArticleError], None] | None = None) -> IngestReport:
    """Ingest every article under ``paths`` into ``store`` (or, with ``out``, into an N-Quads file).

    :param store: a GraphStore or RemoteStore (ignored when ``out`` is given).
    :param extractor: extract in this process with this :class:`~kg.extract.Extractor`.
    :param jobs: extraction worker processes; 0 extracts in this process.
    :param on_error: called with each bad file or article as soon as it is found.
    :return: what was ingested, unchanged and failed (with reasons).
    """
    started = time.monotonic()
    paths = list(paths)
    report = IngestReport()
    sink: Any = NQuadsSink(out) if out is not None else StoreSink(store)
    extraction: Any = (LocalExtraction(extractor, batch_size) if extractor is not None or jobs < 1
                       else ExtractionPool(jobs, batch_size))
    bar = tqdm(total=count_articles(paths), unit="article", desc="ingest", disable=not progress,
               file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
    complete = False

    def failed(err: ArticleError) -> None:
        report.failed.append(err)
        bar.update(1)
        if on_error is not None:
            on_error(err)

    try:
        sink.start()
        version = extraction.version()
        index = EntityIndex() if out is not None else EntityIndex.from_store(store)
        mapper = ArticleMapper(minter, version, resolve=StoreResolver(index.graph, minter))
        stored: set[str] = set()  # the articles in flight that are already in the store
        seen: dict[str, str] = {}  # identifier -> where it was read first

        def todo_chunks() -> Iterator[list[Article]]:
            for chunk in _chunks(read_paths(paths), CHUNK):
                articles = [a for a in chunk if not isinstance(a, ArticleError)]
                for err in chunk:
                    if isinstance(err, ArticleError):
                        failed(err)
                states = sink.states([a.id for a in articles])
                todo = []
                for a in articles:
                    first = seen.setdefault(a.id, a.source)
                    if first != a.source:
                        failed(ArticleError(a.source, None, f"duplicate article id {a.id!r}: already read from {first}"))
                        continue
                    state = states.get(a.id)
                    if not force and state == (a.checksum, version):
                        report.unchanged.append(a.id)
                        bar.update(1)
                        continue
                    if state is not None:
                        stored.add(a.id)
                    todo.append(a)
                yield todo

        for article, outcome in extraction.imap(todo_chunks()):
            source = article.source or article.id
            replacing = article.id in stored
            stored.discard(article.id)
            if isinstance(outcome, str):
                failed(ArticleError(source, None, f"extraction failed: {outcome}"))
                continue
            graph = minter.article(article.id)
            try:
                quads = mapper.quads(article, outcome)
            except Exception as e:  # noqa: BLE001 - a mapping bug must not stop the batch
                failed(ArticleError(source, None, f"mapping failed: {type(e).__name__}: {e}"))
                continue
            old = index.stored_triples(store, graph) if replacing else ()
            sink.write(graph, quads)
            index.replace(old, entity_triples(quads))
            report.ingested.append(article.id)
            bar.update(1)
        complete = True
    finally:
        extraction.close()
        bar.close()
        sink.close(complete)
        report.seconds = time.monotonic() - started
    return report


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
