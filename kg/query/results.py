"""Write a query result to a byte sink, streamed, with an optional cap on rows.

pyoxigraph serialises natively but only a whole ``QuerySolutions`` at once, which leaves no way
to count rows, to stop after N of them, or to bound memory while streaming. So SELECT solutions
are taken in batches: each batch is written as SPARQL TSV (terms in N-Triples syntax, which
``str(term)`` gives, escapes included), parsed back by pyoxigraph and serialised natively in the
target format, and the batches' bodies are stitched between one header and one footer. Rows are
counted on the way; memory stays at one batch. CONSTRUCT/DESCRIBE triples stream through
``pyoxigraph.serialize`` from a counting generator; ASK is one boolean.

Used by the query workers of :mod:`kg.query.executor` and by its in-process fallback.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from pyoxigraph import QueryResultsFormat, parse_query_results

from kg.query import formats

BATCH = 2048
#: Format used internally when the server renders an HTML page from the rows.
HTML_INTERNAL = {formats.SELECT: "json", formats.ASK: "json", formats.GRAPH: "ntriples"}


@dataclass
class Outcome:
    """What was written: the result kind, the format, rows written, and whether the cap cut it."""

    kind: str
    format: str
    rows: int = 0
    truncated: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _tsv(nvars: int, header: str, rows: list[Any]) -> bytes:
    lines = [header]
    for row in rows:
        lines.append("\t".join("" if (t := row[i]) is None else str(t) for i in range(nvars)))
    return ("\n".join(lines) + "\n").encode()


def _split(fmt: str, data: bytes) -> tuple[bytes, bytes, bytes]:
    """(header, body, footer) of one serialised batch, so batches can be stitched."""
    if fmt == "json":
        head_end = data.index(b'"bindings":[') + len(b'"bindings":[')
        return data[:head_end], data[head_end:-3], data[-3:]
    if fmt == "xml":
        if b"<results/>" in data:  # an empty result written in the short form
            i = data.index(b"<results/>")
            return data[:i] + b"<results>", b"", b"</results>" + data[i + len(b"<results/>"):]
        head_end = data.index(b"<results>") + len(b"<results>")
        foot = data.rindex(b"</results>")
        return data[:head_end], data[head_end:foot], data[foot:]
    sep = b"\r\n" if fmt == "csv" else b"\n"
    head_end = data.index(sep) + len(sep)
    return data[:head_end], data[head_end:], b""


def _mark_truncated(fmt: str, header: bytes, link: str) -> bytes:
    """Say in-band that the rows were cut: a ``link`` in the results head (JSON and XML allow one)."""
    if fmt == "json":
        return header.replace(b'{"head":{', b'{"head":{"link":[' + _json_str(link) + b"],", 1)
    if fmt == "xml":
        return header.replace(b"</head>", b'<link href="' + _xml_attr(link) + b'"/></head>', 1)
    return header


def _json_str(s: str) -> bytes:
    import json
    return json.dumps(s).encode()


def _xml_attr(s: str) -> bytes:
    from xml.sax.saxutils import quoteattr
    return quoteattr(s)[1:-1].encode()


def write_select(solutions: Any, fmt: formats.Format, write: Callable[[bytes], None], *,
                 max_rows: int | None, on_head: Callable[[Outcome], None], truncation_link: str = "") -> Outcome:
    """Stream SELECT solutions in ``fmt``; at most ``max_rows`` rows (None: all)."""
    variables = [v.value for v in solutions.variables]
    nvars = len(variables)
    header_line = "\t".join("?" + v for v in variables)
    out = Outcome(formats.SELECT, fmt.name)
    it: Iterator[Any] = iter(solutions)
    first: list[Any] = []
    if max_rows is not None:  # read one row past the cap to know, before any byte is sent, if it cuts
        first = list(islice(it, max_rows + 1))
        out.truncated = len(first) > max_rows
        first = first[:max_rows]
        it = iter(())
    on_head(out)

    def render(rows: list[Any]) -> tuple[bytes, bytes, bytes]:
        if nvars == 0:  # TSV cannot carry rows without variables; pyoxigraph's own serialiser can
            return _split(fmt.name, _no_variables(len(rows), fmt))
        buf = io.BytesIO()
        fmt.render(parse_query_results(_tsv(nvars, header_line, rows), format=QueryResultsFormat.TSV), buf)
        return _split(fmt.name, buf.getvalue())

    batches: Iterable[list[Any]] = _batches(first, it)
    footer = b""
    started = False
    for rows in batches:
        header, body, footer = render(rows)
        if not started:
            write(_mark_truncated(fmt.name, header, truncation_link) if out.truncated else header)
            started = True
        elif body and out.rows and fmt.name == "json":
            write(b",")
        if body:
            write(body)
        out.rows += len(rows)
    if not started:
        header, _, footer = render([])
        write(_mark_truncated(fmt.name, header, truncation_link) if out.truncated else header)
    write(footer)
    return out


def _batches(first: list[Any], rest: Iterator[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(first), BATCH):
        yield first[i:i + BATCH]
    while batch := list(islice(rest, BATCH)):
        yield batch


def _no_variables(n: int, fmt: formats.Format) -> bytes:
    from pyoxigraph import Store
    buf = io.BytesIO()
    fmt.render(Store().query(f"SELECT * WHERE {{ VALUES () {{ {'() ' * n} }} }}"), buf)
    return buf.getvalue()


def write_graph(triples: Any, fmt: formats.Format, write: Callable[[bytes], None], *,
                max_rows: int | None, on_head: Callable[[Outcome], None]) -> Outcome:
    """Stream CONSTRUCT/DESCRIBE triples in ``fmt``; at most ``max_rows`` triples (None: all)."""
    out = Outcome(formats.GRAPH, fmt.name)
    source: Iterable[Any] = triples
    if max_rows is not None:
        first = list(islice(iter(triples), max_rows + 1))
        out.truncated = len(first) > max_rows
        source = first[:max_rows]
    on_head(out)

    def counted() -> Iterator[Any]:
        for t in source:
            out.rows += 1
            yield t

    fmt.render(counted(), _Writer(write))
    return out


def write_boolean(result: Any, fmt: formats.Format, write: Callable[[bytes], None], *,
                  on_head: Callable[[Outcome], None]) -> Outcome:
    out = Outcome(formats.ASK, fmt.name, rows=1)
    on_head(out)
    buf = io.BytesIO()
    fmt.render(result, buf)
    write(buf.getvalue())
    return out


def write_result(result: Any, fmt_for: Callable[[str], formats.Format], write: Callable[[bytes], None], *,
                 max_rows: int | None, on_head: Callable[[Outcome], None], truncation_link: str = "") -> Outcome:
    """Write any query result; ``fmt_for(kind)`` picks the format once the kind is known (may raise)."""
    kind = formats.kind_of(result)
    fmt = fmt_for(kind)
    if kind == formats.SELECT:
        return write_select(result, fmt, write, max_rows=max_rows, on_head=on_head, truncation_link=truncation_link)
    if kind == formats.GRAPH:
        return write_graph(result, fmt, write, max_rows=max_rows, on_head=on_head)
    return write_boolean(result, fmt, write, on_head=on_head)


class _Writer(io.RawIOBase):
    """A binary file object over a ``write(bytes)`` callable, for pyoxigraph's serialisers."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        super().__init__()
        self._write = write

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:  # type: ignore[override]
        data = bytes(b)
        self._write(data)
        return len(data)
