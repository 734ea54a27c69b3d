"""Linked Data routes: every IRI under the base dereferences, and so do the ontology and its terms.

- ``GET /id/{kind}/{slug}``: the resource's IRI. ``303 See Other`` to the document that content
  negotiation picks (Accept with q-values, or ``?format=``), ``Link`` headers to every form,
  ``Vary: Accept``; 404 with an HTML or RDF body as negotiated when the graph does not know it.
- ``GET /doc/{kind}/{slug}.{ext}``: the documents (``ttl nt jsonld rdf nq trig html``); ETag and
  Last-Modified from the data version, 304 for a matching conditional request; ``?page=N`` pages
  the inbound links.
- ``GET /ontology`` (the ontology IRI; ``ontology#Term`` for each term, a hash IRI): 303 to
  ``/ontology.{ext}``, whose HTML form has one section per term (``/ontology.html#Meeting``).
- ``GET /context.jsonld``: the JSON-LD context every JSON-LD document refers to.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request
from pyoxigraph import NamedNode

from kg.views import describe as ld_describe
from kg.errors import BadRequest
from kg.vocab import ONTOLOGY_IRI
from server import current_store
from server import documents as docs
from server import html_pages
from server.documents import local_href  # noqa: F401  (pages.py imports it from here)
from server.negotiate import negotiate_ld

bp = Blueprint("ld", __name__)

#: Query parameters that page the inbound links (RDF and HTML) and the panels (HTML).
PAGE_PARAMS = ("page", "events", "posts", "people", "holders", "mentions")


def _pages() -> dict[str, int]:
    out = {}
    for key in PAGE_PARAMS:
        raw = request.args.get(key)
        if raw is not None:
            if not raw.isdigit() or int(raw) < 1:
                raise BadRequest(f"?{key}= must be a page number from 1, not {raw!r}")
            out[key] = int(raw)
    return out


def _see_other(target: str, path_for) -> Response:
    resp = redirect(target, code=303)
    resp.headers["Vary"] = "Accept"
    for link in docs.alternates(path_for):
        resp.headers.add("Link", link)
    return resp


def _moved(target: str) -> Response:
    """301 to where a merged entity (or its document) now is, with the link that says so."""
    resp = redirect(local_href(target) if "://" in target else target, code=301)
    resp.headers["Vary"] = "Accept"
    return resp


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    """The IRI itself: 303 to the negotiated document, or 404."""
    iri = docs.iri_for_path(rest)
    fmt = negotiate_ld(request)
    target = ld_describe.merged_into(current_store(), iri)
    if target is not None:   # merged into another entity: the old IRI moved for good
        return _moved(target)
    if not ld_describe.exists(current_store(), iri):
        return html_pages.not_found(iri, fmt)
    rest = docs.id_rest(iri)
    params = {k: request.args[k] for k in PAGE_PARAMS if k in request.args}
    return _see_other(docs.doc_path(rest, docs.extension(fmt), **params),
                      lambda ext: docs.doc_path(rest, ext, **params))


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """One document describing a resource, in the format its extension names."""
    stem, _, ext = rest.rpartition(".")
    try:
        fmt = docs.format_for_extension(ext)
    except KeyError:
        abort(404, f"no document form {ext!r}; the forms are: html, "
                   + ", ".join(f.extension for f in docs.rdf_formats()))
    pages = _pages()
    cached = docs.not_modified(request, ext)
    if cached is not None:
        return cached
    iri = docs.iri_for_path(stem)
    target = ld_describe.merged_into(current_store(), iri)
    if target is not None:
        return _moved(docs.doc_path(docs.id_rest(target), ext))
    d = ld_describe.describe(current_store(), iri, page=pages.get("page", 1))
    if not d.exists:
        return html_pages.not_found(iri, fmt)
    stem = docs.id_rest(iri)
    if fmt is None:
        resp = html_pages.resource_page(d, pages, stem)
    else:
        url = docs.absolute(docs.doc_path(stem, ext, page=pages.get("page")))

        def page_url(n: int) -> str | None:
            return docs.absolute(docs.doc_path(stem, ext, page=n)) if 1 <= n <= d.pages else None
        paging = {"first": page_url(1), "last": page_url(d.pages), "next": page_url(d.page + 1),
                  "previous": page_url(d.page - 1)} if d.pages > 1 else {}
        meta = docs.metadata(url, iri, d, **paging)
        resp = docs.rdf_response(fmt, d.triples() + meta, d.quads() + docs.as_quads(meta))
    for link in docs.alternates(lambda e: docs.doc_path(stem, e, page=pages.get("page"))):
        resp.headers.add("Link", link)
    resp.headers.add("Link", f'<{local_href(iri)}>; rel="describes"')
    return docs.set_validators(resp, ext)


# ---------------------------------------------------------------------------------- ontology

def _ontology_path(ext: str) -> str:
    return f"/ontology.{ext}"


@bp.get("/ontology")
def ontology() -> Response:
    """The ontology IRI (and, with a fragment, every term's): 303 to the negotiated document."""
    fmt = negotiate_ld(request)
    return _see_other(_ontology_path(docs.extension(fmt)), _ontology_path)


@bp.get("/ontology.<ext>")
def ontology_document(ext: str) -> Response:
    try:
        fmt = docs.format_for_extension(ext)
    except KeyError:
        abort(404)
    cached = docs.not_modified(request, ext)
    if cached is not None:
        return cached
    graph = NamedNode(ONTOLOGY_IRI)
    quads = list(current_store().quads(None, None, None, graph))
    if not quads:
        return html_pages.not_found(ONTOLOGY_IRI, fmt)
    if fmt is None:
        resp = html_pages.ontology_page([q.triple for q in quads])
    else:
        meta = docs.metadata(docs.absolute(_ontology_path(ext)), ONTOLOGY_IRI)
        resp = docs.rdf_response(fmt, [q.triple for q in quads] + meta, quads + docs.as_quads(meta))
    for link in docs.alternates(_ontology_path):
        resp.headers.add("Link", link)
    return docs.set_validators(resp, ext)


@bp.get(docs.CONTEXT_PATH)
def jsonld_context() -> Response:
    """The published JSON-LD context (built from the ontology graph)."""
    cached = docs.not_modified(request, "context")
    if cached is not None:
        return cached
    import json
    body = json.dumps({"@context": docs.compactor()[1]}, indent=1, ensure_ascii=False)
    resp = Response(body, content_type="application/ld+json; charset=utf-8")
    return docs.set_validators(resp, "context")
