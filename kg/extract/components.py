"""Register Newsgraph's spaCy components and the Doc attributes they share.

Kept apart from the rule modules, as spaCy's ``factories.py`` keeps registration apart from the
component classes; :mod:`kg.extract.pipeline` imports this module and assembles the pipeline.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.dateline import set_dateline
from kg.extract.events import tag_events
from kg.extract.mentions import tag_mentions
from kg.extract.posts import tag_posts
from kg.extract.titles import TitleFinder

for _name, _default in (("ng_article_date", None), ("ng_body_start", 0), ("ng_dateline", None),
                        ("ng_posts", None), ("ng_events", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@Language.component("ng_paragraphs")
def mark_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every paragraph break, so the parser never joins headline and body."""
    prev = None
    for tok in doc:
        if prev is not None and prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
        prev = tok
    return doc


@Language.component("ng_dateline", requires=["doc.ents"])
def dateline_component(doc: Doc) -> Doc:
    """Find the wire dateline (``doc._.ng_dateline``)."""
    return set_dateline(doc)


@Language.factory("ng_titles")
def make_titles(nlp: Language, name: str) -> TitleFinder:
    """Mark post titles in ``doc.spans["ng_titles"]``."""
    return TitleFinder(nlp)


@Language.component("ng_mentions", requires=["doc.ents", "doc.sents"])
def mentions_component(doc: Doc) -> Doc:
    """Clean, typed entity mentions in ``doc.spans["ng_mentions"]``."""
    return tag_mentions(doc)


@Language.component("ng_posts", requires=["doc.spans"])
def posts_component(doc: Doc) -> Doc:
    """Post findings (person, title, organization) in ``doc._.ng_posts``."""
    return tag_posts(doc)


@Language.component("ng_events", requires=["doc.spans", "token.dep"])
def events_component(doc: Doc) -> Doc:
    """Event findings in ``doc._.ng_events``."""
    return tag_events(doc)
