"""Extraction in worker processes: each loads the spaCy pipeline once and runs ``nlp.pipe`` batches.

The writer (the ingest process) hands out chunks of articles and takes the results back *in input
order*, with a bounded number of chunks in flight: the graph a run produces does not depend on the
number of workers or on their timing (cross-article resolution reads what earlier articles wrote),
and memory does not grow with the corpus. Only plain dataclasses cross the process boundary
(articles out, :class:`~kg.model.ArticleExtraction` back), never spaCy Docs.

A worker that dies (killed, out of memory) breaks the pool; the chunks in flight are then re-run
one article at a time in a fresh pool, so the article that kills its worker is reported failed and
the others are extracted. Workers exit by themselves when the ingest process dies, even by
``kill -9``. ``jobs=0`` extracts in the calling process (no workers), for debugging and tests.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Union

from kg.errors import NewsgraphError
from kg.model import ArticleExtraction

if TYPE_CHECKING:
    from kg.read.articles import Article
    from kg.extract import Extractor

#: An article's extraction, or the reason it failed (a string: exceptions may not pickle).
Outcome = Union[ArticleExtraction, str]
WORKER_DIED = "the extraction worker died while reading it (killed, or out of memory)"


class WorkersFailed(NewsgraphError):
    """The extraction workers cannot start (the traceback they printed says why)."""


_extractor: "Extractor | None" = None
_batch_size = 16


def _describe(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {text[:300]}" if text else type(e).__name__


def run_extractor(extractor: "Extractor", articles: list["Article"], batch_size: int) -> list[Outcome]:
    """Extract a chunk with ``nlp.pipe`` batching; a failing article gets its reason instead."""
    out: list[Outcome] = []
    for _, x in extractor.extract_many(articles, batch_size=batch_size):
        out.append(_describe(x) if isinstance(x, BaseException) else x)
    return out


def _exit_with_parent() -> None:
    """Leave as soon as the parent process is gone (its ``kill -9`` must not leave orphans)."""
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - only ever run in a child
        return
    multiprocessing.connection.wait([parent.sentinel])
    os._exit(1)


def _init_worker(batch_size: int) -> None:
    global _extractor, _batch_size
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with_parent, name="exit-with-parent", daemon=True).start()
    from kg.extract import Extractor
    _extractor = Extractor()
    _batch_size = batch_size


def _worker_version() -> str:
    assert _extractor is not None
    return _extractor.version


def _worker_extract(articles: list["Article"]) -> list[Outcome]:
    assert _extractor is not None
    return run_extractor(_extractor, articles, _batch_size)


class LocalExtraction:
    """Extraction in this process (``--jobs 0``): the same interface as :class:`ExtractionPool`."""

    def __init__(self, extractor: "Extractor | None" = None, batch_size: int = 16) -> None:
        if extractor is None:
            from kg.extract import Extractor
            extractor = Extractor()
        self.extractor = extractor
        self.batch_size = batch_size

    def version(self) -> str:
        return self.extractor.version

    def imap(self, chunks: Iterable[list["Article"]]) -> Iterator[tuple["Article", Outcome]]:
        for chunk in chunks:
            yield from zip(chunk, run_extractor(self.extractor, chunk, self.batch_size))

    def close(self) -> None:
        pass


class ExtractionPool:
    """``jobs`` worker processes extracting chunks of articles; results come back in input order."""

    def __init__(self, jobs: int, batch_size: int = 16, window: int | None = None) -> None:
        if jobs < 1:
            raise ValueError("an ExtractionPool needs at least one worker; use LocalExtraction")
        self.jobs = jobs
        self.batch_size = batch_size
        self.window = window or 2 * jobs + 2
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # spawn, not fork: the parent holds an open RocksDB store and threads that must not be
        # duplicated into the children
        executor = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_init_worker, initargs=(self.batch_size,))
        # start every worker now (the executor starts them one per submitted task), so they all
        # load the pipeline while the writer gets ready
        self._warmup = [executor.submit(_worker_version) for _ in range(self.jobs)]
        return executor

    def _restart(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = self._start()

    def version(self) -> str:
        """The extractor version, from a worker (the writer never loads the pipeline)."""
        for attempt in (1, 2):  # a worker killed while starting up is replaced once
            try:
                return [f.result() for f in self._warmup][0]
            except BrokenProcessPool:
                if attempt == 2:
                    raise WorkersFailed("the extraction workers could not start (see the error above)") from None
                self._restart()
        raise AssertionError("unreachable")

    def imap(self, chunks: Iterable[list["Article"]]) -> Iterator[tuple["Article", Outcome]]:
        """Each article of each chunk with its outcome, in input order; chunks are pulled lazily."""
        source = iter(chunks)
        pending: deque[tuple[list[Article], Future]] = deque()

        def fill() -> None:
            while len(pending) < self.window:
                chunk = next(source, None)
                if chunk is None:
                    return
                if chunk:
                    pending.append((chunk, self._submit(chunk)))

        fill()
        while pending:
            chunk, future = pending.popleft()
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                suspects = [a for c in [chunk, *(c for c, _ in pending)] for a in c]
                pending.clear()
                self._restart()
                yield from self._isolate(suspects)
                fill()
                continue
            fill()
            yield from zip(chunk, outcomes)

    def _submit(self, chunk: list["Article"]) -> Future:
        """Submit a chunk; a pool broken while idle (a worker killed between tasks) is restarted."""
        try:
            return self._executor.submit(_worker_extract, chunk)
        except BrokenProcessPool:
            self._restart()
            return self._executor.submit(_worker_extract, chunk)

    def _isolate(self, articles: list["Article"]) -> Iterator[tuple["Article", Outcome]]:
        """Re-run the chunks a dead worker took down, one article at a time, to find the culprit."""
        for a in articles:
            try:
                [outcome] = self._submit([a]).result()
            except BrokenProcessPool:
                self._restart()
                outcome = WORKER_DIED
            yield a, outcome

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
