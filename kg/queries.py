"""Canned queries: ``queries/*.rq`` files with a grlc-style metadata header, run with parameters.

The header is YAML in ``#+ `` comment lines, compatible with grlc's decorators where they overlap::

    #+ summary: Meetings of a person
    #+ description: Every meeting the person took part in, newest first.
    #+ tags: [meetings]
    #+ defaults:
    #+   - person: http://localhost:5000/id/person/maulen-ashimbayev

Parameters are the query's variables named as in grlc: ``?_name`` (required), ``?__name``
(optional), with an optional type suffix: ``?_person_iri``, ``?_from_date``, ``?_n_integer``. The
URL/CLI parameter is ``name``. Values are bound with pyoxigraph's ``substitutions`` (SEP-0007),
never pasted into the query text, so no value can change the query's shape.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal, NamedNode

from kg.errors import BadRequest, NotFound, QuerySyntaxError
from kg.vocab import PREFIXES, XSD

TYPES = ("iri", "string", "integer", "decimal", "date", "datetime", "boolean")
_VAR = re.compile(r"[?$](__?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)")
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`]')
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


@dataclass(frozen=True)
class Param:
    """One parameter of a canned query."""

    name: str
    type: str = "string"
    required: bool = True
    default: str | None = None
    allowed: tuple[str, ...] = ()
    variable: str = ""

    def bind(self, raw: str) -> Any:
        """The RDF term for a raw string value; :class:`BadRequest` if it is not of the type."""
        raw = raw.strip() if self.type != "string" else raw
        if self.allowed and raw not in self.allowed:
            raise BadRequest(f"parameter {self.name!r} must be one of: {', '.join(self.allowed)}")
        try:
            if self.type == "iri":
                iri = _expand(raw)
                if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) or _IRI_FORBIDDEN.search(iri):
                    raise ValueError("not an absolute IRI")
                return NamedNode(iri)
            if self.type == "integer":
                return Literal(str(int(raw)), datatype=XSD.integer)
            if self.type == "decimal":
                float(raw)
                if not re.match(r"^[+-]?(\d+\.?\d*|\.\d+)$", raw):
                    raise ValueError("not a decimal")
                return Literal(raw, datatype=XSD.decimal)
            if self.type == "date":
                return Literal(dt.date.fromisoformat(raw).isoformat(), datatype=XSD.date)
            if self.type == "datetime":
                return Literal(dt.datetime.fromisoformat(raw).isoformat(), datatype=XSD.dateTime)
            if self.type == "boolean":
                if raw.lower() not in ("true", "false", "1", "0"):
                    raise ValueError("not a boolean")
                return Literal("true" if raw.lower() in ("true", "1") else "false", datatype=XSD.boolean)
        except ValueError as e:
            raise BadRequest(f"parameter {self.name!r} must be of type {self.type}: {raw[:80]!r} ({e})") from None
        return Literal(raw)


def _expand(value: str) -> str:
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


@dataclass
class CannedQuery:
    """A named, documented, parameterised SPARQL query."""

    name: str
    sparql: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def title(self) -> str:
        return self.summary or self.name.replace("_", " ").replace("-", " ").capitalize()

    def bindings(self, values: dict[str, str]) -> dict[str, Any]:
        """Check and type every parameter; unknown parameters are refused so typos are seen."""
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known - {"format", "limit", "offset"})
        if unknown:
            raise BadRequest(f"unknown parameter(s) {', '.join(unknown)} for query {self.name!r}; "
                             f"it takes: {', '.join(sorted(known)) or 'none'}")
        out: dict[str, Any] = {}
        for p in self.params:
            raw = values.get(p.name)
            if raw is None or raw == "":
                raw = p.default
            if raw is None:
                if p.required:
                    raise BadRequest(f"missing required parameter {p.name!r} ({p.type}) for query {self.name!r}")
                continue
            out[p.variable] = p.bind(raw)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "summary": self.summary,
            "description": self.description, "tags": self.tags,
            "parameters": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                            "allowed": list(p.allowed)} for p in self.params],
            "sparql": self.sparql,
        }


def parse_header(text: str) -> dict[str, Any]:
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[2:].removeprefix(" "))
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    if not lines:
        return {}
    try:
        meta = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as e:
        raise QuerySyntaxError(f"the metadata header is not valid YAML: {e}") from None
    if not isinstance(meta, dict):
        raise QuerySyntaxError("the metadata header must be YAML key: value lines")
    return meta


def _defaults(meta: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    raw = meta.get("defaults") or []
    items = raw if isinstance(raw, list) else [raw]
    for item in items:
        if isinstance(item, dict):
            out.update({str(k): str(v) for k, v in item.items()})
    return out


def _enumerations(meta: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    raw = meta.get("enumerate") or []
    for item in raw if isinstance(raw, list) else [raw]:
        if isinstance(item, dict):
            for k, v in item.items():
                if isinstance(v, list):
                    out[str(k)] = tuple(str(x) for x in v)
    return out


def find_params(sparql: str, meta: dict[str, Any]) -> list[Param]:
    """Parameters from the grlc-style variable names, with defaults and allowed values from the header."""
    body = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    defaults, allowed = _defaults(meta), _enumerations(meta)
    params: dict[str, Param] = {}
    for m in _VAR.finditer(body):
        underscores, rest = m.groups()
        variable = underscores + rest
        name, typ = rest, "string"
        for t in TYPES:
            if rest.endswith("_" + t):
                name, typ = rest[: -len(t) - 1], t
                break
        else:
            xm = re.match(r"^(.*)_xsd_(\w+)$", rest)
            if xm and xm.group(2) in TYPES:
                name, typ = xm.group(1), xm.group(2)
        if name not in params:
            params[name] = Param(name=name, type=typ, required=underscores == "_" and name not in defaults,
                                 default=defaults.get(name), allowed=allowed.get(name, ()), variable=variable)
    return list(params.values())


def parse_query(name: str, text: str, path: Path | None = None, check: Any = None) -> CannedQuery:
    """Parse a ``.rq`` text. ``check(sparql)`` may raise :class:`QuerySyntaxError` to refuse it."""
    if not _NAME.match(name):
        raise BadRequest(f"query name {name!r} must be letters, digits, '_' or '-' (at most 100)")
    meta = parse_header(text)
    if check is not None:
        check(text)
    tags = meta.get("tags") or []
    return CannedQuery(
        name=name, sparql=text, summary=str(meta.get("summary") or ""),
        description=str(meta.get("description") or ""),
        tags=[str(t) for t in (tags if isinstance(tags, list) else [tags])],
        params=find_params(text, meta), meta=meta, path=path,
    )


def load_dir(directory: Path) -> dict[str, CannedQuery]:
    """Every ``*.rq`` file of a folder, by name (the file's stem)."""
    out = {}
    for p in sorted(Path(directory).glob("*.rq")):
        out[p.stem] = parse_query(p.stem, p.read_text(encoding="utf-8"), p)
    return out


def get(queries: dict[str, CannedQuery], name: str) -> CannedQuery:
    try:
        return queries[name]
    except KeyError:
        raise NotFound(f"no canned query named {name!r}; see /queries for the list") from None
