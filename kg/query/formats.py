"""The registry of output formats: one record per format, looked up by name, media type or extension.

SPARQL results (SELECT/ASK) use the W3C result formats (JSON, XML, CSV, TSV); graphs (CONSTRUCT,
DESCRIBE, Linked Data documents) use the RDF syntaxes. pyoxigraph does the serialising, streaming
to the output; this module only knows which format suits which result.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat, serialize

from kg.errors import UnknownFormat
from kg.vocab import PREFIXES

#: Result kinds: what a query returned.
SELECT, ASK, GRAPH, DATASET = "select", "ask", "graph", "dataset"


@dataclass(frozen=True)
class Format:
    """An output format: names, media types, the result kinds it can render, how to write it."""

    name: str
    media_type: str
    extension: str
    kinds: frozenset[str]
    render: Callable[[Any, IO[bytes]], None]
    other_media_types: tuple[str, ...] = ()
    label: str = ""

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.other_media_types)

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


FORMATS: list[Format] = []
_BY_KEY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS.append(fmt)
    for key in (fmt.name, fmt.extension, *fmt.media_types):
        _BY_KEY.setdefault(key.lower(), fmt)
    return fmt


def _results(qformat: QueryResultsFormat) -> Callable[[Any, IO[bytes]], None]:
    def render(result: Any, out: IO[bytes]) -> None:
        result.serialize(out, format=qformat)
    return render


def _rdf(rformat: RdfFormat) -> Callable[[Any, IO[bytes]], None]:
    def render(triples: Iterable[Any], out: IO[bytes]) -> None:
        serialize(triples, out, format=rformat, prefixes=PREFIXES if rformat in (
            RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML) else None)
    return render


_TABULAR = frozenset({SELECT, ASK})
_GRAPHS = frozenset({GRAPH})
register(Format("json", "application/sparql-results+json", "srj", _TABULAR, _results(QueryResultsFormat.JSON),
                ("application/json",), "SPARQL results JSON"))
register(Format("xml", "application/sparql-results+xml", "srx", _TABULAR, _results(QueryResultsFormat.XML),
                ("application/xml", "text/xml"), "SPARQL results XML"))
register(Format("csv", "text/csv", "csv", _TABULAR, _results(QueryResultsFormat.CSV), (), "CSV"))
register(Format("tsv", "text/tab-separated-values", "tsv", _TABULAR, _results(QueryResultsFormat.TSV), (), "TSV"))
register(Format("turtle", "text/turtle", "ttl", _GRAPHS, _rdf(RdfFormat.TURTLE),
                ("application/x-turtle",), "Turtle"))
register(Format("ntriples", "application/n-triples", "nt", _GRAPHS, _rdf(RdfFormat.N_TRIPLES),
                ("text/plain",), "N-Triples"))
register(Format("jsonld", "application/ld+json", "jsonld", _GRAPHS, _rdf(RdfFormat.JSON_LD), (), "JSON-LD"))
register(Format("rdfxml", "application/rdf+xml", "rdf", _GRAPHS, _rdf(RdfFormat.RDF_XML), (), "RDF/XML"))
register(Format("nquads", "application/n-quads", "nq", frozenset({DATASET}), _rdf(RdfFormat.N_QUADS), (), "N-Quads"))
register(Format("trig", "application/trig", "trig", frozenset({DATASET}), _rdf(RdfFormat.TRIG), (), "TriG"))


def get(key: str) -> Format:
    """A format by name (``json``), extension (``ttl``) or media type (``text/turtle``)."""
    fmt = _BY_KEY.get(key.lower().split(";")[0].strip())
    if fmt is None:
        raise UnknownFormat(f"unknown format {key!r}; known: {', '.join(f.name for f in FORMATS)}")
    return fmt


def for_kind(kind: str) -> list[Format]:
    """The formats that can render a result of this kind, preferred first."""
    return [f for f in FORMATS if kind in f.kinds]


def kind_of(result: Any) -> str:
    if isinstance(result, QuerySolutions):
        return SELECT
    if isinstance(result, QueryBoolean):
        return ASK
    if isinstance(result, QueryTriples):
        return GRAPH
    raise TypeError(f"not a query result: {type(result).__name__}")


def default_for(kind: str) -> Format:
    return for_kind(kind)[0]


def check(fmt: Format, kind: str) -> Format:
    if kind not in fmt.kinds:
        raise UnknownFormat(f"format {fmt.name!r} cannot render a {kind.upper()} result; use one of: "
                            f"{', '.join(f.name for f in for_kind(kind))}")
    return fmt
