"""Ingest: files -> articles -> extraction -> quads -> store, with a progress bar and a report.

A bad file never stops the batch: it is reported (file, line, reason) and the rest is ingested.
An article whose text and extractor version are unchanged is skipped.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tqdm import tqdm

from kg.articles import Article, read_paths
from kg.errors import ArticleError
from kg.extract import Extractor
from kg.iris import Minter
from kg.mapping import ArticleMapper
from kg.resolve import NameIndex, reconcile, refresh_labels, uses_of
from kg.store import GraphStore


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[ArticleError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (f"{len(self.ingested)} ingested, {len(self.unchanged)} unchanged, "
                f"{len(self.failed)} failed")


#: A check run on each article's quads before they are written: a reason to refuse it, or None
#: (``kg ingest --strict`` passes :func:`kg.validate.strict_check`).
ArticleCheck = Callable[[list], "str | None"]


def ingest_paths(paths: Iterable[str | os.PathLike[str]], store: GraphStore, minter: Minter, *,
                 extractor: Extractor | None = None, force: bool = False, progress: bool = True,
                 batch_size: int = 16, check: ArticleCheck | None = None) -> IngestReport:
    """Ingest every article under ``paths`` into ``store``; ``check`` may refuse an article's graph."""
    report = IngestReport()
    store.load_ontology()
    items = list(read_paths(paths))
    articles: list[Article] = []
    for item in items:
        if isinstance(item, ArticleError):
            report.failed.append(item)
        else:
            articles.append(item)
    extractor = extractor or Extractor()
    version = extractor.version
    todo = []
    for a in articles:
        if not force and store.article_state(a.id) == (a.checksum, version):
            report.unchanged.append(a.id)
        else:
            todo.append(a)
    index = NameIndex.load(store)
    mapper = ArticleMapper(minter, version, resolve=index.hook(minter))
    bar = tqdm(total=len(todo), unit="article", desc="ingest", disable=not progress or not todo,
               file=sys.stderr, dynamic_ncols=True)
    try:
        for article, extraction in extractor.extract_many(todo, batch_size=batch_size):
            bar.update(1)
            if isinstance(extraction, Exception):
                report.failed.append(ArticleError(article.source or article.id, None,
                                                  f"extraction failed: {type(extraction).__name__}: {extraction}"))
                continue
            graph = minter.article(article.id)
            index.drop_graph(graph)          # resolve against the other articles only
            quads = mapper.quads(article, extraction)
            refusal = check(quads) if check is not None else None
            if refusal is not None:
                index.add_graph(graph, [])  # keep whatever the store still holds out of the index
                report.failed.append(ArticleError(article.source or article.id, None, refusal))
                continue
            store.replace_graph(graph, quads)
            iris = mapper.entity_iris(extraction)
            index.add_graph(graph, uses_of(extraction.entities, iris))
            report.ingested.append(article.id)
    finally:
        bar.close()
    if report.ingested:
        settle(store, index, minter)
    store.flush()
    return report


def settle(store: GraphStore, index: NameIndex, minter: Minter) -> None:
    """After articles changed: re-resolve names across the corpus, then refresh entity labels."""
    reconcile(store, index, minter)
    refresh_labels(store, minter)


def remove_article(store: GraphStore, minter: Minter, identifier: str) -> bool:
    """Delete one article's facts and nothing else; entities mentioned elsewhere stay."""
    graph = minter.article(identifier)
    if not store.remove_graph(graph):
        return False
    index = NameIndex.load(store)
    settle(store, index, minter)
    store.flush()
    return True
