"""The home page (what the dataset holds) and the health check."""
from __future__ import annotations

from flask import Blueprint, render_template

from pyoxigraph import NamedNode

from kg.vocab import NG
from server import current_store

NG_NS = str(NG)
from server.ld import local_href

bp = Blueprint("pages", __name__)

_COUNTS = """
SELECT
  (COUNT(DISTINCT ?article) AS ?articles) (COUNT(DISTINCT ?person) AS ?people)
  (COUNT(DISTINCT ?org) AS ?organizations) (COUNT(DISTINCT ?place) AS ?places)
  (COUNT(DISTINCT ?event) AS ?events) (COUNT(DISTINCT ?membership) AS ?memberships)
WHERE {
  { ?article a ng:Article } UNION { ?person a ng:Person } UNION { ?org a ng:Organization }
  UNION { ?place a ng:Place } UNION { ?event a ?ec . ?ec rdfs:subClassOf ng:Event . FILTER(?ec != ng:AnnouncedEvent) }
  UNION { ?membership a ng:Membership }
}"""
_TOP = """
SELECT ?kind ?e ?label (COUNT(DISTINCT ?a) AS ?articles) (COUNT(DISTINCT ?m) AS ?mentions) WHERE {
  ?a schema:mentions ?e . ?e a ?kind ; rdfs:label ?label .
  OPTIONAL { ?m itsrdf:taIdentRef ?e }
} GROUP BY ?e ?label ?kind ORDER BY DESC(?articles) DESC(?mentions) ?label LIMIT 5"""
# newest first; undated articles (no schema:datePublished) after every dated one
_RECENT = """
SELECT ?a ?headline ?date WHERE { ?a a ng:Article ; schema:headline ?headline OPTIONAL { ?a schema:datePublished ?date } }
ORDER BY DESC(BOUND(?date)) DESC(?date) ?a LIMIT 10"""


@bp.get("/")
def home():
    store = current_store()
    row = next(iter(store.query(_COUNTS)))
    counts = {v: int(row[v].value) for v in ("articles", "people", "organizations", "places", "events", "memberships")}
    top = [{"href": local_href(r["e"].value), "label": r["label"].value, "kind": r["kind"].value.rsplit("#", 1)[-1],
            "articles": int(r["articles"].value)}
           for kind in ("Person", "Organization", "Place")
           for r in store.query(_TOP, substitutions={"kind": NamedNode(NG_NS + kind)})]
    recent = [{"href": local_href(r["a"].value), "headline": r["headline"].value or local_href(r["a"].value).rsplit("/", 1)[-1],
               "date": r["date"].value if r["date"] is not None else None}
              for r in store.query(_RECENT)]
    from server.reports import catalogue
    from server.editor import editor_context
    return render_template("home.html", counts=counts, top=top, recent=recent, queries=list(catalogue().values()),
                           **editor_context())


@bp.get("/healthz")
def healthz():
    """Liveness: answers from the server process even while every query worker is busy."""
    from flask import current_app
    store = current_store()
    n = len(store)
    executor = current_app.extensions.get("kg_executor")
    return {"status": "ok", "quads": n, "data_version": getattr(store, "data_version", None),
            "query_workers": executor.status() if executor is not None else {"mode": "not started"}}
