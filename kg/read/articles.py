"""Read article files into :class:`Article` objects: the first stage of the pipeline.

Two input formats are understood:

* the seed format (``*.txt``): line 1 is `` date YYYY-MM-DD headline``, the body follows;
* JSON Lines (``*.jsonl``): one ``{"id", "date", "headline", "text"}`` object per line.

An article need not have a known publication date: ``0000-00-00`` (the convention of the seed
format), a first line without the ``date`` prefix, or a JSON ``date`` that is missing, ``null``
or empty all give an undated article (``Article.date is None``). A date that is given but is not
a calendar date (``2022-13-45``) is an error.

Reading never stops at a bad file: :func:`read_paths` yields an :class:`~kg.errors.ArticleError`
naming the file (and line) in place of each article it could not read, and goes on.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.errors import ArticleError

#: Articles larger than this are refused with a clear message rather than tying up a worker: the
#: rule components' time and the parser's memory grow faster than the text (a 90 kB article takes
#: 7 s and 0.4 GB, a 450 kB one 88 s and 1.5 GB), and real news articles stay far below 200 kB.
MAX_ARTICLE_BYTES = int(os.environ.get("KG_MAX_ARTICLE_BYTES") or 200_000)

SUFFIXES = (".txt", ".jsonl")
_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+(.*))?$")
#: A first line that announces a date but does not give one in the YYYY-MM-DD form: the word
#: ``date`` alone or before a space, or ``Date``/``DATE``/``date:`` before a digit ("Date 2022-1-5").
#: Such a line is an error, not the headline of an undated article, so a mistyped date line
#: never silently loses the date.
_DATE_WORD = re.compile(r"^\s*(?:date(?:\s|$)|(?i:date)\s*:?\s*\d)")
_BLANK_LINES = re.compile(r"(?:[ \t\r]*\n)*")
#: The seed format's way of saying "publication date unknown".
UNKNOWN_DATE = "0000-00-00"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")


@dataclass(frozen=True)
class Article:
    """One news article as read from its file, before any analysis."""

    id: str
    date: dt.date | None     # None: the publication date is not known
    headline: str
    body: str
    source: str = ""

    @property
    def text(self) -> str:
        """The string that extraction reads and every character offset refers to.

        It is the headline, a blank line, then the body, so names in the headline are found too.
        """
        if not self.headline:
            return self.body
        return f"{self.headline}\n\n{self.body}" if self.body else self.headline

    @property
    def body_offset(self) -> int:
        """Where the body starts inside :attr:`text`."""
        return len(self.headline) + 2 if self.headline and self.body else (len(self.headline) if self.headline else 0)

    @property
    def checksum(self) -> str:
        """A digest of everything extraction reads, so unchanged articles can be recognised."""
        h = hashlib.sha256()
        date = self.date.isoformat() if self.date is not None else UNKNOWN_DATE
        for part in (self.id, date, self.headline, self.body):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return h.hexdigest()


def _check_id(ident: str, path: str, line: int | None) -> str:
    if not _ID.match(ident):
        raise ArticleError(
            path, line,
            f"article id {ident!r} must be 1-200 characters of letters, digits, '.', '_', '~', '-'",
        )
    return ident


def _parse_date(raw: str | None, path: str, line: int | None) -> dt.date | None:
    """The publication date, or None when the article says it is unknown."""
    if raw is None or raw.strip() in ("", UNKNOWN_DATE):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        shown = raw if len(raw) <= 40 else raw[:40] + "..."
        raise ArticleError(path, line, f"date {shown!r} is not a valid YYYY-MM-DD date") from None


def _decode(data: bytes, path: str) -> str:
    if b"\0" in data[:8192]:
        raise ArticleError(path, None, "binary file (contains NUL bytes), not a text article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ArticleError(path, line, f"invalid UTF-8 (byte {e.start})") from None


def _too_large(size: int) -> str:
    return f"too large: {size:,} bytes, the limit is {MAX_ARTICLE_BYTES:,} (KG_MAX_ARTICLE_BYTES)"


def parse_seed_text(text: str, ident: str, path: str = "<text>") -> Article:
    """Parse the seed format: `` date YYYY-MM-DD headline``, a blank line, then the body.

    Without the date line the article is undated: its first line is the headline when a blank
    line follows it, else the whole text is the body.
    """
    if not text.strip():
        raise ArticleError(path, None, "empty file")
    first, _, rest = text.partition("\n")
    m = _DATE_LINE.match(first)
    if m:
        date = _parse_date(m.group(1), path, 1)
        headline = (m.group(2) or "").strip()
    elif _DATE_WORD.match(first):
        raise ArticleError(
            path, 1, "line 1 must be ' date YYYY-MM-DD headline' (seed format; 0000-00-00 when the "
            f"date is unknown); found {first[:60]!r}",
        )
    else:
        lead = _BLANK_LINES.match(text).end()
        text, skipped = text[lead:], text[:lead].count("\n")
        first, _, rest = text.partition("\n")
        if skipped and (_DATE_LINE.match(first) or _DATE_WORD.match(first)):
            raise ArticleError(path, skipped + 1, "the date line must be line 1, with no blank line before it")
        date = None
        # a blank second line ("\r\n" endings or stray spaces included) makes line 1 the headline
        blank, _, after = rest.partition("\n")
        if not blank.strip():
            headline, rest = first.strip(), after
        else:
            headline, rest = "", text
    body = rest.strip("\n").rstrip()
    if not body.strip() and not headline:
        raise ArticleError(path, None, "the article has neither headline nor body")
    return Article(id=_check_id(ident, path, None), date=date, headline=headline, body=body, source=path)


def read_seed_file(path: Path) -> Article:
    """Read one seed-format ``.txt`` file; its identifier is the file's stem."""
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise ArticleError(str(path), None, _too_large(size))
    with open(path, "rb") as fh:  # read at most the limit: the file may have grown since stat()
        data = fh.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(str(path), None, _too_large(len(data)))
    text = _decode(data, str(path))
    return parse_seed_text(text, path.stem, str(path))


def parse_json_record(record: object, path: str, line: int) -> Article:
    """Turn one JSON Lines record into an Article, naming the missing or wrong field if any."""
    if not isinstance(record, dict):
        raise ArticleError(path, line, "each line must be a JSON object")
    missing = [k for k in ("id", "headline", "text") if k not in record]
    if missing:
        raise ArticleError(path, line, f"missing field(s): {', '.join(missing)}")
    if record.get("date") is not None and not isinstance(record["date"], str):
        raise ArticleError(path, line, "field 'date' must be a string (or null when the date is unknown)")
    for key in ("id", "headline", "text"):
        if not isinstance(record[key], str):
            raise ArticleError(path, line, f"field {key!r} must be a string")
        try:
            size = len(record[key].encode("utf-8"))
        except UnicodeEncodeError:  # JSON may escape a lone surrogate ("\ud800"): not text
            raise ArticleError(path, line, f"invalid Unicode in field {key!r} (a lone surrogate)") from None
        if size > MAX_ARTICLE_BYTES:
            raise ArticleError(path, line, _too_large(size))
    body = record["text"].strip("\n").rstrip()
    if not body.strip() and not record["headline"].strip():
        raise ArticleError(path, line, "the article has neither headline nor text")
    return Article(
        id=_check_id(record["id"], path, line),
        date=_parse_date(record.get("date"), path, line),
        headline=record["headline"].strip(),
        body=body,
        source=f"{path}:{line}",
    )


def _lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) for each line of a binary file; ``None`` for a line longer than ``limit``,
    which is skipped without ever being held in memory whole."""
    lineno = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(1 << 20)
            yield lineno, None
        else:
            yield lineno, raw


def read_jsonl_file(path: Path) -> Iterator[Article | ArticleError]:
    """Read a JSON Lines file; a bad line becomes an error for that line only."""
    # a record may hold four fields at the limit each, JSON-escaped
    limit = 8 * MAX_ARTICLE_BYTES + 4096
    try:
        with open(path, "rb") as fh:
            for lineno, raw in _lines(fh, limit):
                if raw is None:
                    yield ArticleError(str(path), lineno, f"too large: the line is over {limit:,} bytes")
                    continue
                if not raw.strip():
                    continue
                try:
                    line = _decode(raw, str(path))
                    yield parse_json_record(json.loads(line), str(path), lineno)
                except json.JSONDecodeError as e:
                    yield ArticleError(str(path), lineno, f"invalid JSON: {e.msg} at column {e.colno}")
                except ArticleError as e:
                    if e.line is None:
                        e = ArticleError(str(path), lineno, e.reason)
                    yield e
    except OSError as e:
        yield ArticleError(str(path), None, f"cannot read: {e.strerror or e}")


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | ArticleError]:
    """Files named directly, and the ``*.txt``/``*.jsonl`` files inside named folders (in the
    order of ``sorted(folder.rglob("*"))``).

    Other files inside folders (gold ``.json`` files, READMEs) are passed over; a file named
    directly with another suffix is an error. A file an earlier path already reached (named, or
    inside a named folder) is read once. Only the names of the folder being read are held in
    memory, so a folder of a million articles costs no more than a hundred.
    """
    earlier: list[tuple[Path, bool]] = []   # (resolved path, is a folder) of the paths before

    def first_time(p: Path) -> bool:
        if not earlier:
            return True
        key = p.resolve()
        return not any(key == q or (is_dir and q in key.parents) for q, is_dir in earlier)

    def wanted(p: Path) -> bool:
        return p.suffix.lower() in SUFFIXES and not p.name.startswith(".")

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            root = p.resolve()
            for child in _files_under(p):
                if not wanted(child) or not first_time(child):
                    continue
                if child.is_symlink():  # another name for a file of this folder: read in its place
                    target = child.resolve()
                    if root in target.parents and wanted(target):
                        continue
                yield child
        elif p.is_file():
            if p.suffix.lower() in SUFFIXES:
                if first_time(p):
                    yield p
            else:
                yield ArticleError(str(p), None, f"unsupported file type {p.suffix or '(none)'!r}; expected .txt (seed format) or .jsonl")
        else:
            yield ArticleError(str(p), None, "no such file or directory")
        if p.exists():
            earlier.append((p.resolve(), p.is_dir()))


def _files_under(folder: Path) -> Iterator[Path]:
    """The files under ``folder`` in path order (a sorted walk: the order of ``sorted(rglob)``),
    not following symbolic links to folders, as ``rglob`` does not."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return  # an unreadable folder is passed over, as rglob passes it over
    for name in names:
        child = folder / name
        if child.is_dir() and not child.is_symlink():
            yield from _files_under(child)
        elif child.is_file():
            yield child


def read_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Article | ArticleError]:
    """Every article under ``paths``, with an :class:`ArticleError` in place of each bad one."""
    for item in expand_paths(paths):
        if isinstance(item, ArticleError):
            yield item
        elif item.suffix.lower() == ".jsonl":
            yield from read_jsonl_file(item)
        else:
            try:
                yield read_seed_file(item)
            except ArticleError as e:
                yield e
            except OSError as e:
                yield ArticleError(str(item), None, f"cannot read: {e.strerror or e}")


def count_articles(paths: Iterable[str | os.PathLike[str]]) -> int:
    """How many items :func:`read_paths` will yield (articles and errors), for a progress bar.

    Counts files and non-blank JSON Lines lines without parsing anything.
    """
    n = 0
    for item in expand_paths(paths):
        if isinstance(item, Path) and item.suffix.lower() == ".jsonl":
            try:
                with open(item, "rb") as fh:
                    n += sum(1 for _, raw in _lines(fh, 1 << 20) if raw is None or raw.strip())
            except OSError:
                n += 1
        else:
            n += 1
    return n
