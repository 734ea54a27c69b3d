"""Newsgraph: news articles in, a knowledge graph of actors, roles, organizations and events out.

Data flows one way: :mod:`kg.read.articles` (files -> Article) -> :mod:`kg.extract` (Article -> plain
dataclasses) -> :mod:`kg.mapping.quads` (dataclasses -> RDF quads) -> :mod:`kg.store.local` (Oxigraph) ->
the server and the CLI.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsgraph")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
