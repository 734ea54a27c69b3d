"""Linked Data documents: their URLs, headers, validators and RDF bodies.

Cool URIs for the Semantic Web (W3C note, "303 URIs forwarding to different documents"): the IRI
``/id/person/x`` names the person; each description of it is a document with its own URL,
``/doc/person/x.ttl`` (``.nt``, ``.jsonld``, ``.rdf``, ``.nq``, ``.trig``, ``.html``). The IRI
answers ``303 See Other`` to the document the Accept header (or ``?format=``) picks; every
response names the other documents in ``Link: <...>; rel="alternate"; type="..."`` headers.

Documents carry ``ETag`` and ``Last-Modified`` from the store's data version
(:attr:`GraphStore.data_version`), so a repeated conditional request costs no query and gets 304.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlencode

from flask import Request, Response, current_app, request
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Triple
from werkzeug.http import http_date, is_resource_modified

from kg.query import formats
from kg.views.describe import Description
from kg.views.jsonld import Compactor, build_context
from kg.vocab import DCTERMS, FOAF, ONTOLOGY_IRI, RDF, XSD
from server import current_minter, current_store

HTML_EXT = "html"
HTML_TYPE = "text/html"
HYDRA = "http://www.w3.org/ns/hydra/core#"
CONTEXT_PATH = "/context.jsonld"
#: Path characters kept as they are when an /id/ path is turned back into an IRI (the Minter
#: percent-encodes everything else in identifiers, so the IRI matches what was minted).
_PATH_SAFE = "/-._~"


def rdf_formats() -> list[formats.Format]:
    """The RDF syntaxes a document comes in: triples first (Turtle is the default), then datasets."""
    return formats.for_kind(formats.GRAPH) + formats.for_kind(formats.DATASET)


def format_for_extension(ext: str) -> formats.Format | None:
    """The format of a document extension (``None`` for ``html``); KeyError if unknown."""
    if ext == HTML_EXT:
        return None
    for f in rdf_formats():
        if f.extension == ext:
            return f
    raise KeyError(ext)


def extension(fmt: formats.Format | None) -> str:
    return HTML_EXT if fmt is None else fmt.extension


def is_dataset(fmt: formats.Format | None) -> bool:
    return fmt is not None and formats.DATASET in fmt.kinds


# ---------------------------------------------------------------------------------- URLs

def iri_for_path(rest: str) -> str:
    """The IRI ``/id/{rest}`` stands for (Flask hands over the path percent-decoded)."""
    return current_minter().id + quote(rest, safe=_PATH_SAFE)


def id_rest(iri: str) -> str | None:
    """The part of a local IRI after ``{base}id/`` (``person/x``), or None for other IRIs."""
    prefix = current_minter().id
    return iri[len(prefix):].split("#", 1)[0] if iri.startswith(prefix) else None


def doc_path(rest: str, ext: str, **params: Any) -> str:
    """``/doc/{rest}.{ext}`` with the given query parameters (None values left out)."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"/doc/{rest}.{ext}" + (f"?{query}" if query else "")


def hrefs() -> Callable[[str], str]:
    """:func:`local_href` for many links (the base is read once)."""
    minter = current_minter()
    base, ids, onto = minter.base, minter.id, ONTOLOGY_IRI + "#"

    def href(iri: str) -> str:
        if iri.startswith(ids):
            return "/" + iri[len(base):]
        if iri == ONTOLOGY_IRI or iri.startswith(onto):
            return "/ontology" + iri[len(ONTOLOGY_IRI):]
        return iri
    return href


def local_href(iri: str) -> str:
    """Links to IRIs under our base stay on this server, wherever it runs; others are kept.

    The ontology and its terms (``ng:Meeting``) link to ``/ontology#Meeting``.
    """
    return hrefs()(iri)


def alternates(path_for: Any) -> list[str]:
    """``Link`` header values naming every document form; ``path_for(ext)`` builds each URL."""
    links = [f'<{path_for(HTML_EXT)}>; rel="alternate"; type="{HTML_TYPE}"']
    links += [f'<{path_for(f.extension)}>; rel="alternate"; type="{f.media_type}"' for f in rdf_formats()]
    return links


def absolute(path: str) -> str:
    return request.host_url.rstrip("/") + path


# ---------------------------------------------------------------------------------- validators

def etag(ext: str) -> str:
    return f"{current_store().data_version}.{ext}"


def not_modified(req: Request, ext: str) -> Response | None:
    """A 304 when the client's validators match the current data version (no query is run)."""
    store = current_store()
    if not (req.if_none_match or req.if_modified_since):
        return None
    if is_resource_modified(req.environ, etag=etag(ext), last_modified=store.last_modified):
        return None
    resp = Response(status=304)
    set_validators(resp, ext)
    return resp


def set_validators(resp: Response, ext: str) -> Response:
    resp.set_etag(etag(ext), weak=True)
    resp.headers["Last-Modified"] = http_date(current_store().last_modified)
    # Revalidate every time: the data may change at any write, and a 304 is cheap.
    resp.headers["Cache-Control"] = "no-cache"
    return resp


# ---------------------------------------------------------------------------------- bodies

def compactor() -> tuple[Compactor, dict[str, Any]]:
    """The JSON-LD context for the current data version (built from the ontology graph once)."""
    store = current_store()
    cache = current_app.extensions.setdefault("kg_jsonld", {})
    version = store.data_version
    if cache.get("version") != version:
        onto = [q.triple for q in store.quads(None, None, None, NamedNode(ONTOLOGY_IRI))]
        ctx = build_context(onto)
        cache.update(version=version, context=ctx, compactor=Compactor(ctx))
    return cache["compactor"], cache["context"]


def serialize(fmt: formats.Format, triples: list[Triple], quads: list[Quad]) -> bytes:
    """The body in ``fmt``: quads for dataset syntaxes, triples otherwise; JSON-LD is compacted
    with the published context."""
    if fmt.name == "jsonld":
        # The context travels inside the document (identical to the one published at
        # /context.jsonld), so it parses offline: pyoxigraph, for one, loads no remote context.
        return compactor()[0].serialize(triples)
    buf = io.BytesIO()
    fmt.render(quads if is_dataset(fmt) else triples, buf)
    return buf.getvalue()


def metadata(doc_url: str, topic: str, d: Description | None = None, **links: str | None) -> list[Triple]:
    """Statements about the document itself: what it describes, when the data last changed, and
    for paged descriptions the number of inbound links and the neighbouring pages (Hydra)."""
    doc = NamedNode(doc_url)
    ts = [Triple(doc, RDF.type, FOAF.Document), Triple(doc, FOAF.primaryTopic, NamedNode(topic)),
          Triple(doc, DCTERMS.modified, Literal(_iso(current_store().last_modified), datatype=XSD.dateTime))]
    if d is not None:
        ts.append(Triple(doc, NamedNode(HYDRA + "totalItems"), Literal(str(d.inbound_total), datatype=XSD.integer)))
    for rel, url in links.items():
        if url:
            ts.append(Triple(doc, NamedNode(HYDRA + rel), NamedNode(url)))
    return ts


def rdf_response(fmt: formats.Format, triples: list[Triple], quads: list[Quad], status: int = 200) -> Response:
    return Response(serialize(fmt, triples, quads), status=status, content_type=fmt.content_type)


def as_quads(triples: Iterable[Triple]) -> list[Quad]:
    """Triples in the default graph (document metadata in a dataset syntax)."""
    return [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
