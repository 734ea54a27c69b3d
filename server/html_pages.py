"""The HTML forms of Linked Data documents: resource pages, article pages, the ontology, 404s.

Views only shape data for the templates: the data comes from ``kg.views.describe`` (triples),
``kg.views.profile`` (posts, events, sources) and ``kg.ontology.docs`` (the one ontology documenter, shared with ``kg docs``); the small
charts are SVG drawn by ``server.charts``. Text and labels are escaped by Jinja (autoescape) or
by :func:`markupsafe.escape` in the article markup.
"""
from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from markupsafe import Markup, escape
from pyoxigraph import Literal, NamedNode, Triple

from kg.query import formats
from kg.views.describe import Description
from kg.ontology.docs import load_doc, page_context
from kg.store.rdflib_bridge import to_rdflib
from kg.views.profile import ArticleText, Lookup, Ref, profile
from kg.query.tables import term_text
from kg.vocab import GEO, OWL, RDF, RDFS
from server import charts, current_store
from server import documents as docs


def _forms(path_for: Any) -> list[dict[str, str]]:
    """The document forms for the "also as" links."""
    out = [{"ext": f.extension, "label": f.label, "type": f.media_type, "href": path_for(f.extension)}
           for f in docs.rdf_formats()]
    return out


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type="text/html; charset=utf-8")


class Terms:
    """Display helpers for RDF terms: names from the page's lookups, links kept on this server."""

    def __init__(self, look: Lookup) -> None:
        self.look = look

    def label(self, term: Any) -> str:
        return self.look.label(term) if isinstance(term, NamedNode) else term.value

    @staticmethod
    def short(term: Any) -> str:
        return term_text(term)


def _coordinates(d: Description) -> dict[str, str] | None:
    """A place's WGS84 coordinates and its GeoNames page, when the graph links it."""
    found = {st.predicate.value: st.object for st in d.outgoing}
    lat, long = found.get(GEO.lat.value), found.get(GEO.long.value)
    if lat is None or long is None:
        return None
    geonames = next((st.object.value for st in d.outgoing if st.predicate == OWL.sameAs
                     and st.object.value.startswith("https://sws.geonames.org/")), None)
    return {"lat": lat.value, "long": long.value, "geonames": geonames}


def resource_page(d: Description, pages: dict[str, int], stem: str) -> Response:
    """The page of one resource (any kind; panels appear when the data supports them)."""
    store = current_store()
    look = Lookup(store)
    p = profile(store, d, pages, look)
    terms = Terms(look)
    href = docs.hrefs()
    node = d.node

    statements: list[dict[str, Any]] = []
    for st in d.outgoing:
        if st.predicate == RDF.type:
            continue
        statements.append({"predicate": st.predicate, "object": st.object,
                           "iri": isinstance(st.object, NamedNode),
                           "sources": [Ref(g.value, "this article") if g == node else look.ref(g)
                                       for g in st.graphs[:3] if isinstance(g, NamedNode)],
                           "n_sources": st.n_graphs})
    coordinates = _coordinates(d)
    inbound_counts = sorted(((terms.short(p_), n, p_) for p_, n in d.inbound_counts.items()), key=lambda x: -x[1])
    timeline = charts.timeline(p, href)
    graph = charts.who_met_whom(Ref(d.iri, p.label), p.coactors, p.coactor_edges, href) if p.coactors else None
    article_html = markup_text(p.article, href) if p.article else None

    def page_link(key: str, n: int) -> str:
        args = {k: v for k, v in request.args.items()}
        args[key] = str(n)
        return docs.doc_path(stem, docs.HTML_EXT, **args)

    body = render_template(
        "resource.html", d=d, p=p, iri=d.iri, node=node, terms=terms, statements=statements, coordinates=coordinates,
        inbound_counts=inbound_counts, timeline=timeline, graph=graph, article_html=article_html,
        forms=_forms(lambda ext: docs.doc_path(stem, ext)), page_link=page_link, href=href,
    )
    return _html(body)


def markup_text(article: ArticleText, href: Any) -> Markup:
    """The article text as HTML: every NIF string a span whose id is its fragment (``char=b,e``),
    so ``{article}#char=b,e`` opens the page at that sentence and ``:target`` highlights it;
    every mention a link to its entity. Crossing spans are cut at their parent's end; a mention
    inside another mention keeps its id but no second link (links cannot nest)."""
    text = article.text
    out: list[str] = []
    stack: list[tuple[int, str]] = []          # (end, closing tag)
    pos = 0
    ids: set[str] = set()
    in_link = 0

    def emit(upto: int) -> None:
        nonlocal pos
        if upto > pos:
            out.append(str(escape(text[pos:upto])))
            pos = upto

    def close() -> None:
        nonlocal in_link
        end, tag = stack.pop()
        emit(end)
        out.append(tag)
        if tag == "</a>":
            in_link -= 1

    for span in article.spans:
        while stack and stack[-1][0] <= span.begin:
            close()
        emit(span.begin)
        end = min(span.end, stack[-1][0]) if stack else span.end
        if end <= span.begin:
            continue
        frag = span.iri.split("#", 1)[1] if "#" in span.iri else ""
        id_attr = f' id="{escape(frag)}"' if frag and frag not in ids else ""
        ids.add(frag)
        if span.kind == "mention" and span.entity is not None and not in_link:
            out.append(f'<a class="mention"{id_attr} href="{escape(href(span.entity.iri))}" '
                       f'title="{escape(span.entity.label)}" data-entity="{escape(span.entity.iri)}">')
            stack.append((end, "</a>"))
            in_link += 1
        else:
            cls = "sentence" if span.kind == "sentence" else "mention nested"
            out.append(f'<span class="{cls}"{id_attr}>')
            stack.append((end, "</span>"))
    while stack:
        close()
    emit(len(text))
    return Markup("".join(out))


def ontology_page(triples: list[Triple]) -> Response:
    """HTML documentation of the ontology graph: one section per class and property."""
    context = page_context(load_doc(to_rdflib(triples)))
    body = render_template("ontology.html", forms=_forms(lambda ext: f"/ontology.{ext}"), **context)
    return _html(body)


def not_found(iri: str, fmt: formats.Format | None) -> Response:
    """404 for an IRI the graph does not know, with a body in the negotiated form."""
    message = f"The graph holds nothing about <{iri}>."
    if fmt is None:
        resp = _html(render_template("error.html", status=404, title="Not Found", message=message), 404)
    else:
        doc = docs.absolute(request.path)
        meta = [Triple(NamedNode(doc), RDFS.comment, Literal(message))]
        resp = docs.rdf_response(fmt, meta, docs.as_quads(meta), status=404)
    resp.headers["Vary"] = "Accept"
    return resp
