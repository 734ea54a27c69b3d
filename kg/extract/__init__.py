"""Extraction: :class:`~kg.read.articles.Article` in, :class:`~kg.model.ArticleExtraction` out.

The statistical spaCy pipeline tags and parses; Newsgraph's rule components (registered in
:mod:`kg.extract.components`, assembled in :mod:`kg.extract.pipeline`) repair the entities and find posts and
events; :func:`kg.extract.build.doc_to_extraction` hands plain dataclasses to mapping.
Nothing here knows about RDF.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kg.model import ArticleExtraction

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from kg.read.articles import Article

#: Bumped whenever a rule or lexicon changes what is extracted, so stored graphs can be redone.
RULES_VERSION = "2"


class Extractor:
    """Holds the loaded pipeline; one per process (loading it costs about a second)."""

    def __init__(self, nlp: "Language | None" = None) -> None:
        if nlp is None:
            from kg.extract.pipeline import load_pipeline
            nlp = load_pipeline()
        self.nlp = nlp

    @property
    def version(self) -> str:
        """What produced a graph: Newsgraph's rules and the statistical model, with versions."""
        from kg import __version__
        meta = self.nlp.meta
        return f"newsgraph {__version__} rules {RULES_VERSION}; {meta.get('lang')}_{meta.get('name')} {meta.get('version')}"

    def make_doc(self, article: "Article") -> "Doc":
        doc = self.nlp.make_doc(article.text)
        doc._.ng_article_date = article.date
        doc._.ng_body_start = article.body_offset
        return doc

    def annotate(self, article: "Article") -> "Doc":
        """The fully annotated Doc (for debugging rules and for tests)."""
        return self.nlp(self.make_doc(article))

    def extract(self, article: "Article") -> ArticleExtraction:
        from kg.extract.build import doc_to_extraction
        return doc_to_extraction(self.annotate(article), article.id)

    def extract_many(self, articles: Iterable["Article"], batch_size: int = 16
                     ) -> Iterator[tuple["Article", "ArticleExtraction | Exception"]]:
        """Extract from many articles with spaCy's batching (``nlp.pipe``).

        A failure on one article is yielded in place of its extraction; the others go on.
        """
        from kg.extract.build import doc_to_extraction
        batch: list[Article] = []

        def run(batch: list["Article"]) -> Iterator[tuple["Article", "ArticleExtraction | Exception"]]:
            try:
                docs = list(self.nlp.pipe([self.make_doc(a) for a in batch], batch_size=batch_size))
            except Exception:  # one bad article: redo the batch one by one to isolate it
                if len(batch) == 1:
                    raise
                for a in batch:
                    yield from run_one(a)
                return
            for a, doc in zip(batch, docs):
                try:
                    yield a, doc_to_extraction(doc, a.id)
                except Exception as e:  # noqa: BLE001 - reported per article by the caller
                    yield a, e

        def run_one(a: "Article") -> Iterator[tuple["Article", "ArticleExtraction | Exception"]]:
            try:
                yield a, doc_to_extraction(self.annotate(a), a.id)
            except Exception as e:  # noqa: BLE001
                yield a, e

        for a in articles:
            batch.append(a)
            if len(batch) >= batch_size:
                yield from run(batch)
                batch = []
        if batch:
            yield from run(batch)
