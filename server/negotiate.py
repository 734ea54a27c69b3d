"""Content negotiation, in one place.

Precedence: an explicit ``?format=`` (or a document's file extension) beats the Accept header; an
empty Accept or ``*/*`` gets the default; nothing acceptable gets 406 naming what would have worked.
Every negotiated response must carry ``Vary: Accept``.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import Request
from werkzeug.datastructures import MIMEAccept

from kg.query import formats
from kg.errors import NotAcceptable

HTML = "text/html"


def _accept(request: Request) -> MIMEAccept:
    """The Accept header without media-type parameters: ``text/turtle; charset=utf-8`` accepts Turtle."""
    accept = request.accept_mimetypes
    if not any(";" in value for value, _ in accept):
        return accept
    return MIMEAccept([(value.split(";", 1)[0].strip(), q) for value, q in accept])


def _choose(request: Request, offers: list[str], default: str) -> str:
    accept = _accept(request)
    if not accept or accept.best == "*/*" and len(list(accept.values())) == 1:
        return default
    best = accept.best_match(offers, default=None)
    if best is None:
        raise NotAcceptable(f"the Accept header ({request.headers.get('Accept')}) offers none of: {', '.join(offers)}")
    return best


def negotiate(request: Request, kind: str, html: bool = True) -> formats.Format | None:
    """The format for a result of ``kind``; ``None`` means an HTML page."""
    explicit = request.args.get("format")
    if not explicit and request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        explicit = request.form.get("format")
    if explicit:
        if explicit.lower() in ("html", HTML):
            return None
        return formats.check(formats.get(explicit), kind)
    candidates = formats.for_kind(kind)
    offers = [mt for f in candidates for mt in f.media_types]
    if html:
        offers.append(HTML)
    chosen = _choose(request, offers, candidates[0].media_type)
    if chosen == HTML:
        return None
    return formats.get(chosen)


def best_offer(request: Request, offers: Sequence[str]) -> str | None:
    """The one of ``offers`` the client's Accept ranks first (ties: the earlier offer), or None."""
    accept = _accept(request)
    return accept.best_match(list(offers), default=None) if accept else None


def wants_html(request: Request, offers: Sequence[str] = ("application/json",)) -> bool:
    """True for a browser: its Accept ranks text/html above the other types the resource ``offers``.

    The one browser test of the app (pages, reports, errors, the editor). Ties go to ``offers``, so
    ``*/*`` (curl, scripts) never gets a page; parameters are dropped first, so Chromium's
    ``application/signed-exchange;v=b3;q=0.7`` is just one more type it accepts less.
    """
    return best_offer(request, [*offers, HTML]) == HTML


#: JSON clients asking for plain JSON get JSON-LD from Linked Data documents.
_LD_ALIASES = {"application/json": "jsonld"}


def negotiate_ld(request: Request) -> formats.Format | None:
    """The format of a Linked Data document: a graph or dataset syntax, or HTML (``None``).

    Same precedence as :func:`negotiate`; Turtle is the default, offered first so it wins ties
    (rdflib's ``Graph().parse(url)`` sends every RDF type at equal quality).
    """
    kinds = (formats.GRAPH, formats.DATASET)
    explicit = request.args.get("format")
    if explicit:
        if explicit.lower() in ("html", HTML):
            return None
        fmt = formats.get(explicit)
        if not fmt.kinds & set(kinds):
            raise NotAcceptable(f"format {fmt.name!r} is not an RDF syntax; use one of: "
                                f"{', '.join(f.name for k in kinds for f in formats.for_kind(k))}, html")
        return fmt
    candidates = [f for k in kinds for f in formats.for_kind(k)]
    offers = [mt for f in candidates for mt in f.media_types] + [HTML, *_LD_ALIASES]
    chosen = _choose(request, offers, candidates[0].media_type)
    if chosen == HTML:
        return None
    return formats.get(_LD_ALIASES.get(chosen, chosen))
