"""Canned queries: ``.rq`` texts with a grlc-style metadata header and typed parameters.

The header is YAML in ``#+ `` comment lines, compatible with grlc's decorators where they overlap
(https://github.com/CLARIAH/grlc#decorator-syntax)::

    #+ summary: Meetings of a person
    #+ description: Every meeting the person took part in, newest first.
    #+ tags: [meetings]
    #+ defaults:
    #+   - person: http://localhost:5000/id/person/maulen-ashimbayev
    #+ enumerate:
    #+   - kind: [Meeting, PhoneCall]
    #+ pagination: 50
    #+ chart: {type: bar, x: withLabel}

Parameters are the query's variables named as in grlc: ``?_name`` (required), ``?__name``
(optional), with an optional type suffix (``?_person_iri``, ``?_from_date``, ``?_n_integer``); or
declared in the header with ``parameters:`` (a list of ``{name, type, required, default, enum,
description, variable}``), which may also refine a grlc variable. The URL/CLI parameter is
``name``. Values are checked against the type and bound with pyoxigraph's ``substitutions``
(SEP-0007), never pasted into the query text, so no value can change the query's shape.

grlc's ``endpoint``, ``method`` and ``transform`` keys are accepted and ignored; ``pagination: N``
adds grlc's ``page`` parameter. Every SELECT report also takes ``limit`` and ``offset``.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal, NamedNode, QueryBoolean, Store, Variable

from kg.sparql import text as query_text
from kg.errors import BadRequest, NotFound, QuerySyntaxError
from kg.vocab import PREFIXES, XSD

TYPES = ("iri", "string", "integer", "decimal", "date", "datetime", "boolean")
_TYPE_ALIASES = {"uri": "iri", "str": "string", "literal": "string", "int": "integer", "number": "decimal",
                 "float": "decimal", "double": "decimal", "datetime": "datetime", "bool": "boolean"}
#: URL parameters every report understands; no query parameter may take these names.
RESERVED = frozenset({"format", "limit", "offset", "page", "download"})
CHARTS = {"bar": ("x",), "line": ("x", "y"), "timeline": ("start", "label"), "network": ("source", "target")}
CHART_COLUMNS = ("x", "y", "start", "end", "label", "source", "target", "weight")
MAX_TEXT = 100_000
MAX_PAGING = 10**9
_VAR = re.compile(r"[?$](__?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$")
#: A value of each type that lets a query be test-run with every parameter bound.
_SAMPLE = {"iri": "urn:x-newsgraph:check", "string": "x", "integer": "0", "decimal": "0.0",
           "date": "2000-01-01", "datetime": "2000-01-01T00:00:00", "boolean": "true"}


def check_name(name: str) -> str:
    """A report name is a path segment: letters, digits, ``_`` and ``-``."""
    if not _NAME.match(name or ""):
        raise BadRequest(f"report name {name!r} must be letters, digits, '_' or '-' (at most 100, not starting with '_' or '-')")
    return name


@dataclass(frozen=True)
class Param:
    """One parameter of a canned query: the URL name, its type and the variable it binds."""

    name: str
    type: str = "string"
    required: bool = True
    default: str | None = None
    allowed: tuple[str, ...] = ()
    variable: str = ""
    description: str = ""

    def bind(self, raw: str) -> Any:
        """The RDF term for a raw string value; :class:`BadRequest` if it is not of the type."""
        raw = raw.strip() if self.type != "string" else raw
        if self.allowed and raw not in self.allowed:
            raise BadRequest(f"parameter {self.name!r} must be one of: {', '.join(self.allowed)}")
        try:
            return _term(self.type, raw)
        except ValueError as e:
            raise BadRequest(f"parameter {self.name!r} must be of type {self.type}: {raw[:80]!r} ({e})") from None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "required": self.required, "default": self.default,
                "allowed": list(self.allowed), "description": self.description, "variable": self.variable}


def _term(typ: str, raw: str) -> Any:
    """A value as an RDF term of a parameter type (ValueError if it is not one)."""
    if "\x00" in raw:
        raise ValueError("contains a NUL character")
    if typ == "iri":
        iri = _expand(raw)
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) or _IRI_FORBIDDEN.search(iri):
            raise ValueError("not an absolute IRI")
        return NamedNode(iri)
    if typ == "integer":
        if not _INTEGER.match(raw):
            raise ValueError("not an integer")
        return Literal(str(int(raw)), datatype=XSD.integer)
    if typ == "decimal":
        if not _DECIMAL.match(raw):
            raise ValueError("not a decimal")
        return Literal(raw, datatype=XSD.decimal)
    if typ == "date":
        return Literal(dt.date.fromisoformat(raw).isoformat(), datatype=XSD.date)
    if typ == "datetime":
        return Literal(dt.datetime.fromisoformat(raw).isoformat(), datatype=XSD.dateTime)
    if typ == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError("not a boolean")
        return Literal("true" if raw.lower() in ("true", "1") else "false", datatype=XSD.boolean)
    return Literal(raw)


def _expand(value: str) -> str:
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


@dataclass
class CannedQuery:
    """A named, documented, parameterised SPARQL query (one version of a report)."""

    name: str
    sparql: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    shape: query_text.Shape | None = None
    chart: dict[str, str] | None = None
    pagination: int | None = None
    version: int = 1
    created: str | None = None
    shipped: bool = False
    _executables: dict[frozenset[str], tuple[str, list[str]]] = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        return self.summary or self.name.replace("_", " ").replace("-", " ").capitalize()

    @property
    def form(self) -> str:
        return self.shape.form if self.shape else "SELECT"

    @property
    def pageable(self) -> bool:
        """LIMIT/OFFSET paging applies to SELECT results."""
        return self.form == "SELECT"

    @property
    def columns(self) -> list[str] | None:
        """The result columns, when the projection names them (``None`` for ``SELECT *``)."""
        if self.shape is None or self.shape.form != "SELECT" or self.shape.star:
            return None
        return list(self.shape.projection)

    def executable(self, bound: frozenset[str]) -> tuple[str, list[str]]:
        """The text to run with these variables substituted, and the columns to hide from results.

        Oxigraph substitutes only projected variables, so bound parameters missing from the
        projection are added to it (see :mod:`kg.sparql.text`) and hidden again from the result.
        """
        cached = self._executables.get(bound)
        if cached is None:
            if self.shape is None:
                cached = (self.sparql, [])
            else:
                cached = query_text.project(self.sparql, self.shape, sorted(bound))
            self._executables[bound] = cached
        return cached

    def bindings(self, values: dict[str, str]) -> dict[str, Any]:
        """Check and type every parameter; unknown parameters are refused so typos are seen."""
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known - RESERVED)
        if unknown:
            raise BadRequest(f"unknown parameter(s) {', '.join(unknown)} for report {self.name!r}; "
                             f"it takes: {', '.join(sorted(known)) or 'none'}")
        out: dict[str, Any] = {}
        for p in self.params:
            raw = values.get(p.name)
            if raw is None or raw == "":
                raw = p.default
            if raw is None:
                if p.required:
                    raise BadRequest(f"missing required parameter {p.name!r} ({p.type}) for report {self.name!r}")
                continue
            out[p.variable] = p.bind(raw)
        return out

    def paging(self, values: dict[str, str]) -> tuple[int, int | None]:
        """(offset, limit) from ``limit``/``offset`` (or grlc's ``page``); (0, None) for all rows."""
        def number(key: str, minimum: int) -> int | None:
            raw = values.get(key)
            if raw is None or raw == "":
                return None
            if not _INTEGER.match(raw.strip()) or not minimum <= int(raw) <= MAX_PAGING:
                raise BadRequest(f"parameter {key!r} must be an integer from {minimum} to {MAX_PAGING}")
            return int(raw)
        limit, offset, page = number("limit", 0), number("offset", 0), number("page", 1)
        if (limit is not None or offset is not None or page is not None) and not self.pageable:
            raise BadRequest(f"limit, offset and page apply to SELECT reports; {self.name!r} is a {self.form}")
        if page is not None and self.pagination:
            size = limit if limit is not None else self.pagination
            return (offset or 0) + (page - 1) * size, size
        if limit is None and self.pagination and offset is None and page is None:
            return 0, None
        return offset or 0, limit

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "summary": self.summary,
            "description": self.description, "tags": self.tags, "form": self.form,
            "parameters": [p.to_json() for p in self.params],
            "columns": self.columns, "chart": self.chart, "pagination": self.pagination,
            "version": self.version, "created": self.created, "shipped": self.shipped,
            "sparql": self.sparql,
        }


def parse_header(text: str) -> dict[str, Any]:
    """The YAML of the leading ``#+`` lines (other comments and blank lines may sit among them)."""
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
        raise QuerySyntaxError("the metadata header must be YAML 'key: value' lines")
    return meta


def _pairs(raw: Any) -> dict[str, Any]:
    """grlc writes ``defaults``/``enumerate`` as a list of one-key mappings; a mapping works too."""
    out: dict[str, Any] = {}
    for item in raw if isinstance(raw, list) else [raw]:
        if isinstance(item, dict):
            out.update({str(k): v for k, v in item.items()})
    return out


def _type(raw: Any, where: str) -> str:
    typ = _TYPE_ALIASES.get(str(raw).lower(), str(raw).lower())
    if typ not in TYPES:
        raise QuerySyntaxError(f"{where}: unknown type {raw!r}; use one of {', '.join(TYPES)}")
    return typ


def _grlc_params(sparql: str) -> dict[str, Param]:
    """Parameters from variables named as in grlc (``?_name``, ``?__name``, ``?_name_type``)."""
    params: dict[str, Param] = {}
    for token in query_text.tokenize(sparql):
        m = _VAR.fullmatch(token.text) if token.kind == "var" else None
        if not m:
            continue
        underscores, rest = m.groups()
        name, typ = rest, "string"
        for t in TYPES:
            if rest.endswith("_" + t):
                name, typ = rest[: -len(t) - 1], t
                break
        else:
            xm = re.match(r"^(.*)_xsd_(\w+)$", rest)
            if xm and _TYPE_ALIASES.get(xm.group(2).lower(), xm.group(2).lower()) in TYPES:
                name, typ = xm.group(1), _type(xm.group(2), rest)
        params.setdefault(name, Param(name=name, type=typ, required=underscores == "_", variable=underscores + rest))
    return params


def find_params(sparql: str, meta: dict[str, Any], shape: query_text.Shape | None = None) -> list[Param]:
    """Parameters from grlc variable names and the header's ``parameters``, with defaults and enums."""
    params = _grlc_params(sparql)
    declared = meta.get("parameters") or meta.get("params") or []
    if not isinstance(declared, list):
        raise QuerySyntaxError("'parameters' must be a list of {name, type, required, default, enum, ...}")
    for spec in declared:
        if isinstance(spec, str):
            spec = {"name": spec}
        if not isinstance(spec, dict) or not spec.get("name"):
            raise QuerySyntaxError(f"each of 'parameters' needs a name: {spec!r}")
        name = str(spec["name"])
        base = params.get(name) or Param(name=name, variable=name)
        variable = str(spec.get("variable") or base.variable).lstrip("?$")
        allowed = spec.get("enum", spec.get("allowed", spec.get("values")))
        params[name] = Param(
            name=name, type=_type(spec["type"], name) if "type" in spec else base.type,
            required=bool(spec.get("required", base.required)),
            default=None if spec.get("default") is None else str(spec["default"]),
            allowed=tuple(str(v) for v in allowed) if isinstance(allowed, list) else base.allowed,
            variable=variable, description=str(spec.get("description") or ""),
        )
    defaults = {k: None if v is None else str(v) for k, v in _pairs(meta.get("defaults") or []).items()}
    enums = {k: tuple(str(x) for x in v) for k, v in _pairs(meta.get("enumerate") or []).items() if isinstance(v, list)}
    out = []
    for p in params.values():
        default = p.default if p.default is not None else defaults.get(p.name)
        allowed = p.allowed or enums.get(p.name, ())
        out.append(Param(name=p.name, type=p.type, required=p.required and default is None, default=default,
                         allowed=allowed, variable=p.variable, description=p.description))
    for p in out:
        if not _PARAM_NAME.match(p.name) or p.name in RESERVED:
            raise QuerySyntaxError(f"parameter name {p.name!r} is not allowed (letters, digits, '_'; "
                                   f"not one of {', '.join(sorted(RESERVED))})")
        for v in ([p.default] if p.default is not None else []) + list(p.allowed):
            try:
                _term(p.type, v)
            except ValueError as e:
                raise QuerySyntaxError(f"parameter {p.name!r}: {v!r} is not a {p.type} ({e})") from None
        if shape is not None and p.variable not in shape.used:
            raise QuerySyntaxError(f"parameter {p.name!r} binds ?{p.variable}, which the query does not use")
        if shape is not None and p.variable in shape.bound_tests:
            raise QuerySyntaxError(f"parameter {p.name!r}: BOUND(?{p.variable}) is always false for a substituted "
                                   f"variable in Oxigraph; test an optional parameter with COALESCE(?{p.variable}, ...)")
        if shape is not None and p.variable not in shape.visible:
            raise QuerySyntaxError(f"parameter {p.name!r} binds ?{p.variable}, which is only used inside a "
                                   "sub-SELECT that does not project it, so no value can reach it")
    return out


def _chart(meta: dict[str, Any], shape: query_text.Shape | None) -> dict[str, str] | None:
    raw = meta.get("chart")
    if raw is None:
        return None
    spec = {"type": raw} if isinstance(raw, str) else raw
    if not isinstance(spec, dict) or spec.get("type") not in CHARTS:
        raise QuerySyntaxError(f"'chart' must name a type ({', '.join(CHARTS)}) and its columns, e.g. "
                               "{type: bar, x: label, y: count}")
    chart = {k: str(v).lstrip("?") for k, v in spec.items() if v is not None}
    if "date" in chart and "start" not in chart:
        chart["start"] = chart.pop("date")
    missing = [k for k in CHARTS[chart["type"]] if k not in chart]
    if missing:
        raise QuerySyntaxError(f"a {chart['type']} chart needs the column(s): {', '.join(missing)}")
    columns = None if shape is None or shape.form != "SELECT" or shape.star else set(shape.projection)
    if shape is not None and shape.form != "SELECT":
        raise QuerySyntaxError("a chart needs a SELECT report")
    for key in CHART_COLUMNS:
        if key in chart and columns is not None and chart[key] not in columns:
            raise QuerySyntaxError(f"chart {key}: ?{chart[key]} is not a column of the report "
                                   f"({', '.join(sorted(columns))})")
    return chart


def _run_check(text: str, shape: query_text.Shape, params: list[Param]) -> None:
    """Let Oxigraph parse the text, and run it on an empty store with every parameter bound."""
    store = Store()
    options: dict[str, Any] = {"prefixes": PREFIXES, "use_default_graph_as_union": True}
    try:
        store.query(text, **options)
        if not params:
            return
        bound = {p.variable: _term(p.type, p.default if p.default is not None else
                                   (p.allowed[0] if p.allowed else _SAMPLE[p.type])) for p in params}
        executable, _ = query_text.project(text, shape, sorted(bound))
        result = store.query(executable, substitutions={Variable(k): v for k, v in bound.items()}, **options)
        if not isinstance(result, QueryBoolean):
            list(result)
    except SyntaxError as e:
        raise QuerySyntaxError(str(e)) from None
    except (RuntimeError, ValueError, OSError) as e:
        raise QuerySyntaxError(f"the query cannot be run with its parameters bound: {e}") from None


def parse_query(name: str, text: str, path: Path | None = None, verify: bool = True) -> CannedQuery:
    """Parse and check a ``.rq`` text: header, parameters, chart, and Oxigraph's own parse.

    :raise QuerySyntaxError: the text, header or a declaration is wrong (the message says which).
    :raise BadRequest: the name is not a valid report name.
    """
    check_name(name)
    if len(text) > MAX_TEXT:
        raise BadRequest(f"a report's text is limited to {MAX_TEXT} characters")
    if "\x00" in text:
        raise QuerySyntaxError("the text contains a NUL character")
    meta = parse_header(text)
    if verify:
        _oxigraph_syntax(text)
    try:
        shape = query_text.analyse(text)
    except query_text.QueryShapeError as e:
        raise QuerySyntaxError(f"not a query: {e}") from None
    if shape.services:
        raise QuerySyntaxError("reports may not use SERVICE (federated queries)")
    params = find_params(text, meta, shape)
    tags = meta.get("tags") or []
    pagination = meta.get("pagination")
    if pagination is not None and (not isinstance(pagination, int) or isinstance(pagination, bool) or pagination < 1):
        raise QuerySyntaxError("'pagination' must be a positive integer (rows per page)")
    q = CannedQuery(
        name=name, sparql=text, summary=str(meta.get("summary") or ""),
        description=str(meta.get("description") or ""),
        tags=[str(t) for t in (tags if isinstance(tags, list) else [tags])],
        params=params, meta=meta, path=path, shape=shape, chart=_chart(meta, shape), pagination=pagination,
    )
    if verify:
        _run_check(text, shape, params)
    return q


def _oxigraph_syntax(text: str) -> None:
    """Raise Oxigraph's own message when it refuses the text (it is clearer than ours)."""
    try:
        Store().query(text, prefixes=PREFIXES)
    except SyntaxError as e:
        raise QuerySyntaxError(str(e)) from None
    except Exception:  # noqa: BLE001 - only the parser's verdict matters here
        pass


def load_dir(directory: Path, verify: bool = True) -> dict[str, CannedQuery]:
    """Every ``*.rq`` file of a folder, by name (the file's stem)."""
    out = {}
    for p in sorted(Path(directory).glob("*.rq")):
        q = parse_query(p.stem, p.read_text(encoding="utf-8"), p, verify=verify)
        q.shipped = True
        out[p.stem] = q
    return out


def get(queries: dict[str, CannedQuery], name: str) -> CannedQuery:
    try:
        return queries[name]
    except KeyError:
        raise NotFound(f"no report named {name!r}; see /queries for the list") from None
