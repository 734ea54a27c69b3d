"""The OpenAPI 3.0 document of the reports API, generated from the reports themselves.

Like grlc, every report becomes an operation, ``GET /queries/{name}/run``, whose query parameters
are the report's typed parameters (with their defaults and allowed values), so client generators
and API consoles get a typed function per report. The generic operations (list, read, save,
delete, versions) are described once. https://spec.openapis.org/oas/v3.0.3
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from kg.query import formats
from kg.reports.catalogue import MAX_PAGING, CannedQuery, Param

_SCHEMAS = {
    "iri": {"type": "string", "format": "uri"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "boolean": {"type": "boolean"},
}
_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$"
_TEXT = {"schema": {"type": "string"}}
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                  "text/plain": _TEXT, "text/html": _TEXT}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _ERROR_CONTENT}


def _typed(p: Param, raw: str) -> Any:
    """A default or enum value in the JSON type of its schema."""
    if p.type == "integer":
        return int(raw)
    if p.type == "decimal":
        return float(raw)
    if p.type == "boolean":
        return raw.lower() in ("true", "1")
    return raw


def _param(p: Param) -> dict[str, Any]:
    schema: dict[str, Any] = dict(_SCHEMAS[p.type])
    if p.allowed:
        schema["enum"] = [_typed(p, a) for a in p.allowed]
    if p.default is not None:
        schema["default"] = _typed(p, p.default)
    text = p.description or f"binds ?{p.variable} ({p.type})"
    out = {"name": p.name, "in": "query", "required": p.required, "description": text, "schema": schema}
    if not p.required:
        out["allowEmptyValue"] = True  # an empty form field means "not given"
    return out


def _paging(q: CannedQuery) -> list[dict[str, Any]]:
    if not q.pageable:
        return []
    out = [
        {"name": "limit", "in": "query", "required": False, "description": "at most this many rows",
         "schema": {"type": "integer", "minimum": 0, "maximum": MAX_PAGING}},
        {"name": "offset", "in": "query", "required": False, "description": "skip this many rows first",
         "schema": {"type": "integer", "minimum": 0, "maximum": MAX_PAGING}},
    ]
    if q.pagination:
        out.append({"name": "page", "in": "query", "required": False,
                    "description": f"page number ({q.pagination} rows a page, grlc pagination)",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGING}})
    return out


def _kind(q: CannedQuery) -> str:
    return {"SELECT": formats.SELECT, "ASK": formats.ASK}.get(q.form, formats.GRAPH)


def _results(kind: str) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for f in formats.for_kind(kind):
        if f.name == "json":
            schema: dict[str, Any] = {"$ref": "#/components/schemas/SparqlResults"}
        else:  # JSON-LD and the XML syntaxes are documents of their own; text formats are strings
            schema = {} if f.media_type.endswith(("json", "xml")) else {"type": "string"}
        for mt in f.media_types:
            content[mt] = {"schema": schema}
    content["text/html"] = _TEXT
    what = "SPARQL results" if kind != formats.GRAPH else "an RDF graph"
    return {"description": f"{what}, by Accept or ?format=", "content": content}


def _format_param(kinds: list[str]) -> dict[str, Any]:
    names = [f.name for k in kinds for f in formats.for_kind(k)]
    return {"name": "format", "in": "query", "required": False,
            "description": "result format (overrides Accept); html is the report page",
            "schema": {"type": "string", "enum": sorted(set(names)) + ["html"]}}


def _download_param() -> dict[str, Any]:
    return {"name": "download", "in": "query", "required": False, "allowEmptyValue": True,
            "description": "send as an attachment (Content-Disposition)", "schema": {"type": "string"}}


def _run_operation(q: CannedQuery) -> dict[str, Any]:
    kind = _kind(q)
    return {
        "operationId": f"run_{q.name}",  # names are unique and path-safe
        "summary": q.title,
        "description": (q.description + "\n\n" if q.description else "") + f"Version {q.version}.\n\n```sparql\n{q.sparql}\n```",
        "tags": q.tags or ["reports"],
        "parameters": [_param(p) for p in q.params] + _paging(q) + [_format_param([kind]), _download_param()],
        "responses": {"200": _results(kind), "400": _error("a parameter is missing, unknown or not of its type"),
                      "404": _error("no such report"), "406": _error("no acceptable format"),
                      "410": _error("the report was deleted")},
    }


_NAME = {"name": "name", "in": "path", "required": True, "description": "the report's name",
         "schema": {"type": "string", "pattern": _NAME_PATTERN}}
_VERSION = {"name": "version", "in": "path", "required": True, "description": "a version number",
            "schema": {"type": "integer", "minimum": 1, "maximum": 10**9}}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _report_content(description: str) -> dict[str, Any]:
    return {"description": description, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
        "application/sparql-query": _TEXT, "text/html": _TEXT}}


def _report_format() -> dict[str, Any]:
    return {"name": "format", "in": "query", "required": False,
            "description": "json (metadata), rq (the .rq text) or html (the form)",
            "schema": {"type": "string", "enum": ["json", "rq", "html"]}}


def _generic_paths() -> dict[str, Any]:
    all_kinds = [formats.SELECT, formats.GRAPH]
    run_generic = {
        "summary": "Run one version of a report",
        "description": "Parameters as for the report's own run operation (see GET /queries/{name}/versions/{version}).",
        "operationId": "run_version",
        "tags": ["versions"],
        "parameters": [_NAME, _VERSION, _format_param(all_kinds)],
        "responses": {"200": {"description": "SPARQL results or an RDF graph", "content": {
            **_results(formats.SELECT)["content"], **_results(formats.GRAPH)["content"]}},
            "400": _error("a parameter is missing, unknown or not of its type"),
            "404": _error("no such report or version"), "406": _error("no acceptable format"),
            "410": _error("this version records the report's deletion")},
    }
    return {
        "/queries": {"get": {
            "summary": "List the reports", "operationId": "list_reports", "tags": ["reports"],
            "parameters": [{"name": "format", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": ["json", "html"]}}],
            "responses": {"200": {"description": "every report, latest versions", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ReportList"}}, "text/html": _TEXT}},
                "400": _error("an unknown format")}}},
        "/queries/{name}": {
            "parameters": [_NAME],
            "get": {"summary": "A report's metadata, parameters and SPARQL", "operationId": "get_report",
                    "tags": ["reports"], "parameters": [_report_format()],
                    "responses": {"200": _report_content("the latest version"), "400": _error("an unknown format"),
                                  "404": _error("no such report"),
                                  "410": _error("the report was deleted")}},
            "put": {"summary": "Save a new version of a report", "operationId": "save_report", "tags": ["reports"],
                    "description": "The body is the .rq text with its #+ header. It is parsed and test-run first; "
                                   "a syntax error is a 400 and nothing is saved.",
                    "security": [{"bearerAuth": []}],
                    "requestBody": {"required": True, "content": {"application/sparql-query": _TEXT, "text/plain": _TEXT}},
                    "responses": {"200": _json("Report", "a new version of an existing report"),
                                  "201": _json("Report", "the first version of a new report"),
                                  "400": _error("the text is not a valid report"),
                                  "401": _error("no or wrong bearer token"), "403": _error("writes are disabled"),
                                  "415": _error("not application/sparql-query")}},
            "delete": {"summary": "Delete a report (its versions stay readable)", "operationId": "delete_report",
                       "tags": ["reports"], "security": [{"bearerAuth": []}],
                       "responses": {"200": _json("Deleted", "the deletion, recorded as a version"),
                                     "401": _error("no or wrong bearer token"), "403": _error("writes are disabled"),
                                     "404": _error("no such report"), "410": _error("already deleted")}},
        },
        "/queries/{name}/versions": {"get": {
            "summary": "A report's history", "operationId": "list_versions", "tags": ["versions"],
            "parameters": [_NAME, {"name": "format", "in": "query", "required": False,
                                   "schema": {"type": "string", "enum": ["json", "html"]}}],
            "responses": {"200": {"description": "every version, oldest first", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/History"}}, "text/html": _TEXT}},
                "400": _error("an unknown format"), "404": _error("no such report")}}},
        "/queries/{name}/versions/{version}": {"get": {
            "summary": "One version of a report", "operationId": "get_version", "tags": ["versions"],
            "parameters": [_NAME, _VERSION, _report_format()],
            "responses": {"200": _report_content("that version"), "400": _error("an unknown format"),
                          "404": _error("no such report or version"),
                          "410": _error("this version records the report's deletion")}}},
        "/queries/{name}/versions/{version}/run": {"get": run_generic},
    }


def _components() -> dict[str, Any]:
    parameter = {"type": "object", "properties": {
        "name": {"type": "string"}, "type": {"type": "string", "enum": list(_SCHEMAS)},
        "required": {"type": "boolean"}, "default": {"type": "string", "nullable": True},
        "allowed": {"type": "array", "items": {"type": "string"}}, "description": {"type": "string"},
        "variable": {"type": "string"}}}
    report = {"type": "object", "required": ["name", "version", "sparql", "parameters"], "properties": {
        "name": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
        "description": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
        "form": {"type": "string", "enum": ["SELECT", "CONSTRUCT", "ASK", "DESCRIBE"]},
        "parameters": {"type": "array", "items": parameter},
        "columns": {"type": "array", "items": {"type": "string"}, "nullable": True},
        "chart": {"type": "object", "nullable": True, "additionalProperties": {"type": "string"}},
        "pagination": {"type": "integer", "nullable": True},
        "version": {"type": "integer"}, "created": {"type": "string", "nullable": True},
        "shipped": {"type": "boolean"}, "sparql": {"type": "string"},
        "url": {"type": "string"}, "run": {"type": "string"}, "versions": {"type": "string"},
        "version_url": {"type": "string"}}}
    version_ = {"type": "object", "properties": {
        "version": {"type": "integer"}, "iri": {"type": "string"}, "created": {"type": "string", "nullable": True},
        "deleted": {"type": "boolean"}, "shipped": {"type": "boolean"}, "url": {"type": "string"}}}
    return {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                           "description": "the server's KG_WRITE_TOKEN"}},
        "schemas": {
            "Error": {"type": "object", "properties": {"status": {"type": "integer"}, "error": {"type": "string"},
                                                       "message": {"type": "string"}}},
            "Report": report,
            "ReportList": {"type": "object", "required": ["queries"],
                           "properties": {"queries": {"type": "array", "items": report}}},
            "History": {"type": "object", "properties": {"name": {"type": "string"},
                                                         "versions": {"type": "array", "items": version_}}},
            "Deleted": {"type": "object", "properties": {"name": {"type": "string"}, "deleted": {"type": "boolean"},
                                                         "version": {"type": "integer"},
                                                         "versions": {"type": "string"}}},
            "SparqlResults": {
                "description": "SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)",
                "type": "object", "required": ["head"], "properties": {
                    "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
                    "boolean": {"type": "boolean"},
                    "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {"type": "object"}}}}}},
        },
    }


def document(reports: dict[str, CannedQuery], server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.0 document for these reports."""
    try:
        release = version("newsgraph")
    except PackageNotFoundError:  # running from a source tree without installing
        release = "0"
    paths = _generic_paths()
    for q in reports.values():
        paths[f"/queries/{q.name}/run"] = {"get": _run_operation(q)}
    tags = sorted({t for q in reports.values() for t in (q.tags or ["reports"])} | {"reports", "versions"})
    return {
        "openapi": "3.0.3",
        "info": {"title": "Newsgraph reports", "version": release,
                 "description": "Canned SPARQL reports over the Newsgraph knowledge graph: run them with typed "
                                "parameters, read and save their versions. Generated from the reports."},
        "servers": [{"url": "/"}],
        "tags": [{"name": t} for t in tags],
        "paths": paths,
        "components": _components(),
    }
