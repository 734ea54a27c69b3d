"""Conformance to the W3C SPARQL 1.1 Protocol and the SPARQL 1.1 Graph Store HTTP Protocol.

The cases come from the Recommendations (https://www.w3.org/TR/sparql11-protocol/,
https://www.w3.org/TR/sparql11-http-rdf-update/) and the W3C test manifests in w3c/rdf-tests:
``sparql/sparql11/protocol/manifest.ttl`` and ``sparql/sparql11/graph-store-protocol/manifest-indirect.ttl``
/ ``manifest-direct.ttl`` (which supersede the deprecated ``sparql/sparql11/http-rdf-update/manifest.ttl``).
Each case names the manifest entry it implements in its pytest id (``protocol:…``, ``gsp:…``);
cases marked ``extra`` check a requirement of the specification text that no manifest entry
covers, or are negative controls. Controls matter here: this server's default graph is the union
of all graphs, so the manifest's positive dataset tests alone would also pass if
``default-graph-uri``/``named-graph-uri`` were ignored.

How the manifests map onto Newsgraph: their ``/sparql/`` is ``/sparql`` for queries and
``/update`` for updates (the manifest allows separate endpoints); their ``/gsp`` is ``/store``;
their ``ut:graphData`` (data1.nt … data3.nt, one triple each) is loaded into named graphs before
the dataset cases. Writes carry the bearer token unless a case is about its absence.
Optional features left out because Newsgraph does not implement them: RDFa results
(``query_content_type_describe``/``construct`` list it among acceptable forms), guessing the
type of a Graph Store payload sent without ``Content-Type`` (a SHOULD of GSP section 5;
Newsgraph answers 415) and JSON-LD payloads for PUT/POST (which syntaxes a graph store
understands is its choice; /store answers 415 to JSON-LD).

Everything runs against a real ``kg serve`` (waitress, query worker processes) on a scratch
RocksDB store; every request is sent byte for byte as written (``send``), so percent-encodings
reach the server unchanged.
"""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote, urlencode

import pytest
import requests
from pyoxigraph import (BlankNode, CanonicalizationAlgorithm, Dataset, DefaultGraph, Literal, NamedNode, Quad,
                        QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, parse, parse_query_results)

from tests.conftest import start_server, stop_server

TOKEN = "w3c-conformance-token"

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
TURTLE_UTF8 = "text/turtle; charset=utf-8"

# The protocol manifest's graphs (ut:graphData: data1.nt … data3.nt, named by their rdfs:label).
KASEI = "http://kasei.us/2009/09/sparql/data/"
D0, D1, D2, D3 = (f"{KASEI}data{i}.rdf" for i in range(4))
FOAF_DOC = "http://xmlns.com/foaf/0.1/Document"
GRAPH_DATA = "".join(f"GRAPH <{d}> {{ <{d}> a <{FOAF_DOC}> }} " for d in (D1, D2, D3))

RESULT_FORMATS = {"application/sparql-results+json": QueryResultsFormat.JSON,
                  "application/sparql-results+xml": QueryResultsFormat.XML,
                  "text/tab-separated-values": QueryResultsFormat.TSV,
                  "text/csv": QueryResultsFormat.CSV}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
GRAPH_FORMATS = {"text/turtle": RdfFormat.TURTLE, "application/n-triples": RdfFormat.N_TRIPLES,
                 "application/rdf+xml": RdfFormat.RDF_XML, "application/ld+json": RdfFormat.JSON_LD}
#: What GSP section 5 requires when GET carries no Accept header.
GSP_DEFAULT_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}


# ------------------------------------------------------------------------------------------ server

class Endpoint:
    """A running `kg serve` and an HTTP session to it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers = requests.structures.CaseInsensitiveDict({"User-Agent": "newsgraph-w3c-tests"})

    def send(self, method: str, target: str, *, headers: dict | None = None, body: str | bytes | None = None,
             token: bool = False) -> requests.Response:
        """``method url+target`` with exactly these headers and body (requests would re-quote ``%31`` to ``1``)."""
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {TOKEN}"
        data = body.encode("utf-8") if isinstance(body, str) else body
        prep = self.http.prepare_request(requests.Request(method, self.url + "/", headers=h, data=data))
        prep.url = self.url + target
        return self.http.send(prep, timeout=60, allow_redirects=False)

    # --- SPARQL helpers (used to check the effect of the requests under test)
    def update(self, text: str) -> None:
        r = self.send("POST", "/update", headers={"Content-Type": UPDATE}, body=text, token=True)
        assert r.status_code == 204, explain(r)

    def ask(self, query: str) -> bool:
        r = self.send("POST", "/sparql", headers={"Content-Type": QUERY, "Accept": "application/sparql-results+json"},
                      body=query)
        assert r.status_code == 200, explain(r)
        return json.loads(r.content)["boolean"]

    def select(self, query: str) -> list[dict]:
        r = self.send("POST", "/sparql", headers={"Content-Type": QUERY, "Accept": "application/sparql-results+json"},
                      body=query)
        assert r.status_code == 200, explain(r)
        return json.loads(r.content)["results"]["bindings"]

    def graph_via_select(self, graph: str | None) -> set:
        """A stored graph as SELECT sees it: ``GRAPH <graph>``, or (None) the triples of no named graph."""
        if graph is None:
            where = "?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } }"
        else:
            where = f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        rows = self.select(f"SELECT ?s ?p ?o WHERE {{ {where} }}")
        return canonical(Quad(_term(b["s"]), _term(b["p"]), _term(b["o"]), DefaultGraph()) for b in rows)

    def has_kasei_data(self) -> bool:
        return self.ask("ASK { " + GRAPH_DATA + "}")


def _term(binding: dict):
    if binding["type"] == "uri":
        return NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return BlankNode(binding["value"])
    if "xml:lang" in binding:
        return Literal(binding["value"], language=binding["xml:lang"])
    return Literal(binding["value"], datatype=NamedNode(binding["datatype"]) if "datatype" in binding else None)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from kg.store.local import GraphStore
    tmp = tmp_path_factory.mktemp("w3c")
    store = GraphStore.open(tmp / "store")
    store.load_ontology()
    del store  # release RocksDB's lock for the server
    proc, url = start_server(tmp / "store", tmp / "serve.log", {"KG_WRITE_TOKEN": TOKEN})
    endpoint = Endpoint(url)
    try:
        yield endpoint
    finally:
        endpoint.http.close()
        stop_server(proc)


@pytest.fixture()
def ep(server):
    """The server with an empty store (the manifests expect a fresh one for each test)."""
    server.update("DROP ALL")
    assert not server.ask("ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    return server


@pytest.fixture()
def kasei(ep):
    """The protocol manifest's ut:graphData: data1, data2, data3 each in its named graph."""
    ep.update("INSERT DATA { " + GRAPH_DATA + "}")
    assert ep.has_kasei_data()
    return ep


# ----------------------------------------------------------------------------------------- helpers

def explain(r: requests.Response) -> str:
    req = r.request
    body = req.body if isinstance(req.body, (bytes, type(None))) else str(req.body).encode()
    return (f"\n>>> {req.method} {req.url}\n>>> {dict(req.headers)}\n>>> {(body or b'')[:600]!r}"
            f"\n<<< {r.status_code} {dict(r.headers)}\n<<< {r.content[:600]!r}")


def media_type(r: requests.Response) -> str:
    return r.headers.get("Content-Type", "").split(";")[0].strip().lower()


def qs(*pairs: tuple[str, str]) -> str:
    return urlencode(pairs, quote_via=quote)


def canonical(quads) -> set:
    ds = Dataset(quads)
    ds.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return set(ds)


def ttl(text: str) -> set:
    return canonical(parse(text, format=RdfFormat.TURTLE))


def read_graph(r: requests.Response) -> set:
    """The RDF graph of a 200 response, parsed in the format its Content-Type names."""
    assert r.status_code == 200, explain(r)
    fmt = GRAPH_FORMATS.get(media_type(r))
    assert fmt is not None, f"not an RDF graph media type: {r.headers.get('Content-Type')}" + explain(r)
    return canonical(parse(r.content, format=fmt, base_iri=r.request.url))


def read_boolean(r: requests.Response) -> bool:
    """An ASK result: 200, a boolean results format (JSON or XML), the value."""
    assert r.status_code == 200, explain(r)
    mt = media_type(r)
    assert mt in BOOLEAN_TYPES, explain(r)
    result = parse_query_results(r.content, format=RESULT_FORMATS[mt])
    assert isinstance(result, QueryBoolean), explain(r)
    return bool(result)


def read_rows(r: requests.Response) -> tuple[list[str], list[dict[str, str]]]:
    """A SELECT result in any of the 4 formats: its variables and rows (term values as strings)."""
    assert r.status_code == 200, explain(r)
    mt = media_type(r)
    assert mt in RESULT_FORMATS, explain(r)
    if mt == "text/csv":  # lossy by design: pyoxigraph does not read it back
        table = list(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))
        return table[0], [dict(zip(table[0], row)) for row in table[1:]]
    result = parse_query_results(r.content, format=RESULT_FORMATS[mt])
    assert isinstance(result, QuerySolutions), explain(r)
    variables = [v.value for v in result.variables]
    return variables, [{v: s[v].value for v in variables if s[v] is not None} for s in result]


# ============================================================ SPARQL 1.1 Protocol: query operation

def _query_request(form: str, query: str, defaults=(), nameds=()) -> tuple[str, str, dict, str | None]:
    """(method, target, headers, body) for one of the 3 ways of section 2.1 to send a query."""
    dataset = [("default-graph-uri", g) for g in defaults] + [("named-graph-uri", g) for g in nameds]
    if form == "get":  # 2.1.1
        return "GET", "/sparql?" + qs(("query", query), *dataset), {}, None
    if form == "form":  # 2.1.2: every parameter in the body
        return "POST", "/sparql", {"Content-Type": FORM}, qs(("query", query), *dataset)
    assert form == "direct"  # 2.1.3: the dataset in the URL, the query as the body
    return "POST", "/sparql" + ("?" + qs(*dataset) if dataset else ""), {"Content-Type": QUERY}, query


ASK_BOTH_DEFAULT = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
ASK_BOTH_NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
ASK_FULL = f"ASK {{ <{D3}> a ?type GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"

ASK_CASES = [
    # (id, transport, query, default-graph-uri, named-graph-uri, expected boolean)
    ("protocol:query_get", "get", "ASK {}", [D0], [], True),
    ("protocol:query_post_form", "form", "ASK {}", [D0], [], True),
    ("protocol:query_post_direct", "direct", "ASK {}", [], [], True),
    ("protocol:query_dataset_default_graphs_get", "get", ASK_BOTH_DEFAULT, [D1, D2], [], True),
    ("protocol:query_dataset_default_graphs_post", "direct", ASK_BOTH_DEFAULT, [D1, D2], [], True),
    ("protocol:query_dataset_named_graphs_post", "direct", ASK_BOTH_NAMED, [], [D1, D2], True),
    ("protocol:query_dataset_named_graphs_get", "get", ASK_BOTH_NAMED, [], [D1, D2], True),
    ("protocol:query_dataset_full", "direct", ASK_FULL, [D3], [D1, D2], True),
    ("protocol:query_multiple_dataset", "direct",
     f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}", [], [D1, D2], True),
    # extra: the same dataset parameters in a URL-encoded POST body (section 2.1.2)
    ("extra:query_dataset_default_graphs_post_form", "form", ASK_BOTH_DEFAULT, [D1, D2], [], True),
    ("extra:query_dataset_named_graphs_post_form", "form", ASK_BOTH_NAMED, [], [D1, D2], True),
    # extra, negative controls: a graph left out of the protocol dataset is not seen
    ("extra:query_dataset_default_graphs_get/control", "get", f"ASK {{ <{D3}> a ?type }}", [D1, D2], [], False),
    ("extra:query_dataset_default_graphs_post/control", "direct", f"ASK {{ <{D3}> a ?type }}", [D1, D2], [], False),
    ("extra:query_dataset_default_graphs_post_form/control", "form", f"ASK {{ <{D3}> a ?type }}", [D1, D2], [],
     False),
    ("extra:query_dataset_named_graphs_get/control", "get", f"ASK {{ GRAPH ?g {{ <{D3}> a ?type }} }}", [],
     [D1, D2], False),
    ("extra:query_dataset_named_graphs_post/control", "direct", f"ASK {{ GRAPH ?g {{ <{D3}> a ?type }} }}", [],
     [D1, D2], False),
    ("extra:query_dataset_full/control-default", "direct", f"ASK {{ <{D1}> a ?type }}", [D3], [D1, D2], False),
    ("extra:query_dataset_full/control-named", "direct", f"ASK {{ GRAPH ?g {{ <{D3}> a ?type }} }}", [D3],
     [D1, D2], False),
    # extra, section 2.1.4: the protocol's dataset overrides the query's FROM
    ("extra:query_multiple_dataset/protocol-default-wins", "direct", f"ASK FROM <{D3}> {{ <{D1}> a ?type }}", [D1],
     [], True),
    ("extra:query_multiple_dataset/from-ignored", "direct", f"ASK FROM <{D3}> {{ <{D3}> a ?type }}", [D1], [],
     False),
]


@pytest.mark.parametrize("transport, query, defaults, nameds, expected", [c[1:] for c in ASK_CASES],
                         ids=[c[0] for c in ASK_CASES])
def test_query_operation_and_dataset(kasei, transport, query, defaults, nameds, expected):
    method, target, headers, body = _query_request(transport, query, defaults, nameds)
    r = kasei.send(method, target, headers=headers, body=body)
    # manifest: mf:expectedStatus 2xx/3xx, mf:expectedFormat "boolean", mf:expectedBoolean
    assert read_boolean(r) is expected, explain(r)


# --- content types of results (protocol:query_content_type_*, sections 2.1.5 and 2.1.6)

def test_query_content_type_select(kasei):
    # protocol:query_content_type_select: "expect one of: XML, JSON, CSV, TSV"
    r = kasei.send("POST", "/sparql?" + qs(("default-graph-uri", D0)), headers={"Content-Type": QUERY},
                   body="SELECT (1 AS ?value) {}")
    variables, rows = read_rows(r)
    assert variables == ["value"] and rows == [{"value": "1"}], explain(r)


def test_query_content_type_ask(kasei):
    # protocol:query_content_type_ask: "expect one of: XML, JSON"
    r = kasei.send("POST", "/sparql?" + qs(("default-graph-uri", D0)), headers={"Content-Type": QUERY},
                   body="ASK {}")
    assert read_boolean(r) is True


def test_query_content_type_describe(kasei):
    # protocol:query_content_type_describe: "expect one of: RDF/XML, Turtle, N-Triples, RDFa" (no RDFa here)
    r = kasei.send("POST", "/sparql?" + qs(("default-graph-uri", D0)), headers={"Content-Type": QUERY},
                   body="DESCRIBE <http://example.org/>")
    assert media_type(r) in GSP_DEFAULT_TYPES, explain(r)
    assert read_graph(r) == set()  # nothing in data0 (not in the store) describes it


def test_query_content_type_construct(kasei):
    # protocol:query_content_type_construct: "expect one of: RDF/XML, Turtle, N-Triples, RDFa"
    r = kasei.send("POST", "/sparql?" + qs(("default-graph-uri", D0)), headers={"Content-Type": QUERY},
                   body="CONSTRUCT { <s> <p> 1 } WHERE {}")
    assert media_type(r) in GSP_DEFAULT_TYPES, explain(r)
    [triple] = read_graph(r)
    # relative IRIs resolve against the service's base IRI (section 2.3): absolute, ending in s and p
    assert re.fullmatch(r"https?://.+/s", triple.subject.value), triple
    assert re.fullmatch(r"https?://.+/p", triple.predicate.value), triple
    assert triple.object == Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


SELECT_DOCS = (f"SELECT ?doc ?g WHERE {{ GRAPH ?g {{ ?doc a <{FOAF_DOC}> }} }} ORDER BY ?doc")


@pytest.mark.parametrize("accept", list(RESULT_FORMATS))
@pytest.mark.parametrize("transport", ["get", "form", "direct"])
def test_select_results_negotiated(kasei, accept, transport):
    # extra (sections 2.1.5/2.1.6): each SPARQL results format by Accept, with its own media type
    method, target, headers, body = _query_request(transport, SELECT_DOCS)
    r = kasei.send(method, target, headers={**headers, "Accept": accept}, body=body)
    assert media_type(r) == accept, explain(r)
    variables, rows = read_rows(r)
    assert variables == ["doc", "g"]
    assert rows == [{"doc": d, "g": d} for d in (D1, D2, D3)], explain(r)


@pytest.mark.parametrize("accept", sorted(BOOLEAN_TYPES))
@pytest.mark.parametrize("query, expected", [(f"ASK {{ GRAPH <{D2}> {{ <{D2}> a ?t }} }}", True),
                                             (f"ASK {{ GRAPH <{D2}> {{ <{D1}> a ?t }} }}", False)])
def test_ask_results_negotiated(kasei, accept, query, expected):
    # extra (sections 2.1.5/2.1.6): ASK in JSON and XML, true and false
    r = kasei.send("GET", "/sparql?" + qs(("query", query)), headers={"Accept": accept})
    assert media_type(r) == accept, explain(r)
    assert read_boolean(r) is expected


BIB = "http://purl.org/dc/terms/BibliographicResource"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.mark.parametrize("accept", list(GRAPH_FORMATS))
def test_construct_results_negotiated(kasei, accept):
    # extra (sections 2.1.5/2.1.6): CONSTRUCT in Turtle, N-Triples, RDF/XML, JSON-LD
    query = f"CONSTRUCT {{ ?doc a <{BIB}> }} WHERE {{ GRAPH ?g {{ ?doc a <{FOAF_DOC}> }} }}"
    r = kasei.send("POST", "/sparql", headers={"Content-Type": QUERY, "Accept": accept}, body=query)
    assert media_type(r) == accept, explain(r)
    assert read_graph(r) == canonical(Quad(NamedNode(d), NamedNode(RDF_TYPE), NamedNode(BIB)) for d in (D1, D2, D3))


@pytest.mark.parametrize("accept", list(GRAPH_FORMATS))
def test_describe_results_negotiated(kasei, accept):
    # extra (sections 2.1.5/2.1.6): DESCRIBE in Turtle, N-Triples, RDF/XML, JSON-LD
    r = kasei.send("GET", "/sparql?" + qs(("query", f"DESCRIBE <{D1}>")), headers={"Accept": accept})
    assert media_type(r) == accept, explain(r)
    assert read_graph(r) == {Quad(NamedNode(D1), NamedNode(RDF_TYPE), NamedNode(FOAF_DOC))}


def test_unsatisfiable_accept_is_406(kasei):
    # extra (HTTP content negotiation, section 2.1.5): no results format the client accepts
    r = kasei.send("GET", "/sparql?" + qs(("query", "SELECT * {}")), headers={"Accept": "image/png"})
    assert r.status_code == 406, explain(r)


# --- requests the query operation must refuse

BAD_QUERY_CASES = [
    # (id, method, target, headers, body, status). The manifest asks for 4xx; the exact code is the
    # one HTTP names for the fault (and README documents): 400 malformed, 405 method, 415 media type.
    ("protocol:bad_query_method", "PUT", "/sparql?" + qs(("query", "ASK {}"), ("default-graph-uri", D0)),
     {"Content-Type": FORM}, None, 405),
    ("protocol:bad_multiple_queries", "GET", "/sparql?" + qs(("query", "ASK {}"), ("query", "SELECT * {}")), {},
     None, 400),
    ("protocol:bad_query_wrong_media_type", "POST", "/sparql", {"Content-Type": "text/plain"}, "ASK {}", 415),
    ("protocol:bad_query_missing_form_type", "POST", "/sparql", {}, "query=ASK%20%7B%7D", 415),
    ("protocol:bad_query_missing_direct_type", "POST", "/sparql", {}, "ASK {}", 415),
    ("protocol:bad_query_non_utf8", "POST", "/sparql", {"Content-Type": "application/sparql-query; charset=UTF-16"},
     "ASK {}".encode("utf-16"), 415),
    ("protocol:bad_query_syntax", "GET", "/sparql?query=ASK%20%7B", {}, None, 400),
    # extra: malformed syntax through the two POST forms (section 2.1.7: 400)
    ("extra:bad_query_syntax_post_form", "POST", "/sparql", {"Content-Type": FORM}, "query=ASK%20%7B", 400),
    ("extra:bad_query_syntax_post_direct", "POST", "/sparql", {"Content-Type": QUERY}, "SELECT ?x WHERE { ?x", 400),
    # extra (section 2.1: "exactly one SPARQL query string")
    ("extra:missing_query_post_form", "POST", "/sparql", {"Content-Type": FORM}, qs(("default-graph-uri", D1)), 400),
    ("extra:missing_query_post_direct", "POST", "/sparql", {"Content-Type": QUERY}, "", 400),
    ("extra:multiple_queries_post_form", "POST", "/sparql", {"Content-Type": FORM},
     qs(("query", "ASK {}"), ("query", "ASK {}")), 400),
    ("extra:query_in_url_and_form_body", "POST", "/sparql?" + qs(("query", "ASK {}")), {"Content-Type": FORM},
     qs(("query", "ASK {}")), 400),
    ("extra:query_and_update_together", "POST", "/sparql", {"Content-Type": FORM},
     qs(("query", "ASK {}"), ("update", "CLEAR ALL")), 400),
]


@pytest.mark.parametrize("method, target, headers, body, status", [c[1:] for c in BAD_QUERY_CASES],
                         ids=[c[0] for c in BAD_QUERY_CASES])
def test_bad_query_requests_are_refused(kasei, method, target, headers, body, status):
    r = kasei.send(method, target, headers=headers, body=body)
    assert r.status_code == status, explain(r)
    assert kasei.has_kasei_data()  # and nothing was run that changed the store


# =========================================================== SPARQL 1.1 Protocol: update operation

def _update_request(transport: str, update: str, using=(), using_named=()) -> tuple[str, dict, str]:
    """(target, headers, body) for the 2 ways of section 2.2 to send an update."""
    dataset = [("using-graph-uri", g) for g in using] + [("using-named-graph-uri", g) for g in using_named]
    if transport == "form":  # 2.2.1: every parameter in the body
        return "/update", {"Content-Type": FORM}, qs(("update", update), *dataset)
    assert transport == "direct"  # 2.2.2: the dataset in the URL, the update as the body
    return "/update" + ("?" + qs(*dataset) if dataset else ""), {"Content-Type": UPDATE}, update


@pytest.mark.parametrize("transport, body", [
    pytest.param("form", "update=CLEAR+ALL", id="protocol:update_post_form"),
    pytest.param("direct", "CLEAR ALL", id="protocol:update_post_direct"),
])
def test_update_via_post(kasei, transport, body):
    headers = {"Content-Type": FORM if transport == "form" else UPDATE}
    r = kasei.send("POST", "/update", headers=headers, body=body, token=True)
    assert 200 <= r.status_code < 400, explain(r)  # manifest: 2xx or 3xx
    assert not kasei.ask("ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")  # CLEAR ALL was run


def test_update_base_uri(ep):
    # protocol:update_base_uri: the service defines a base IRI, so <test> becomes an absolute IRI
    r = ep.send("POST", "/update", headers={"Content-Type": UPDATE}, token=True, body=(
        "CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;\n"
        "INSERT DATA { GRAPH <http://example.org/protocol-base-test/> "
        "{ <http://example.org/s> <http://example.org/p> <test> } }"))
    assert 200 <= r.status_code < 400, explain(r)
    assert ep.ask('ASK { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> '
                  '<http://example.org/p> ?o FILTER (isIRI(?o) && STR(?o) != "test") } }')


PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
INSERT_THREE = "DROP ALL ;\nINSERT DATA { " + GRAPH_DATA + "} ;\n"
UPDATE_DATASET_CASES = [
    # (manifest id, update, using-graph-uri, using-named-graph-uri, the manifest's checking ASK)
    ("protocol:update_dataset_default_graph",
     PREFIXES + f"CLEAR ALL ;\nINSERT DATA {{ GRAPH <{D1}> {{ <{D1}> a foaf:Document }} }} ;\n"
     "INSERT { GRAPH <http://example.org/protocol-update-dataset-test/> { ?s a dc:BibliographicResource } }\n"
     "WHERE { ?s a foaf:Document }", [D1], [],
     f"ASK {{ GRAPH <http://example.org/protocol-update-dataset-test/> {{ <{D1}> a <{BIB}> }} }}"),
    ("protocol:update_dataset_default_graphs",
     PREFIXES + INSERT_THREE +
     "INSERT { GRAPH <http://example.org/protocol-update-dataset-graphs-test/> { ?s a dc:BibliographicResource } }\n"
     "WHERE { ?s a foaf:Document }", [D1, D2], [],
     f"ASK {{ GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {{ <{D1}> a <{BIB}> . "
     f"<{D2}> a <{BIB}> . }} FILTER NOT EXISTS {{ GRAPH <http://example.org/protocol-update-dataset-graphs-test/> "
     f"{{ <{D3}> a <{BIB}> . }} }} }}"),
    ("protocol:update_dataset_named_graphs",
     PREFIXES + INSERT_THREE +
     "INSERT { GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> "
     "{ ?s a dc:BibliographicResource } }\nWHERE { GRAPH ?g { ?s a foaf:Document } }", [], [D1, D2],
     f"ASK {{ GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {{ <{D1}> a <{BIB}> . "
     f"<{D2}> a <{BIB}> . }} FILTER NOT EXISTS {{ GRAPH "
     f"<http://example.org/protocol-update-dataset-named-graphs-test/> {{ <{D3}> a <{BIB}> . }} }} }}"),
    ("protocol:update_dataset_full",
     PREFIXES + INSERT_THREE +
     "INSERT { GRAPH <http://example.org/protocol-update-dataset-full-test/> { ?s <http://example.org/in> ?in } }\n"
     "WHERE { { GRAPH ?g { ?s a foaf:Document } BIND(?g AS ?in) } UNION "
     "{ ?s a foaf:Document . BIND(\"default\" AS ?in) } }", [D1], [D2],
     f"ASK {{ GRAPH <http://example.org/protocol-update-dataset-full-test/> {{ "
     f"<{D1}> <http://example.org/in> \"default\" . <{D2}> <http://example.org/in> <{D2}> . }} "
     f"FILTER NOT EXISTS {{ GRAPH <http://example.org/protocol-update-dataset-full-test/> {{ <{D3}> ?p ?o }} }} }}"),
]


@pytest.mark.parametrize("transport", ["direct", "form"])  # the manifest POSTs directly; form: section 2.2.1
@pytest.mark.parametrize("update, using, using_named, check", [c[1:] for c in UPDATE_DATASET_CASES],
                         ids=[c[0] for c in UPDATE_DATASET_CASES])
def test_update_dataset(ep, transport, update, using, using_named, check):
    target, headers, body = _update_request(transport, update, using, using_named)
    r = ep.send("POST", target, headers=headers, body=body, token=True)
    assert 200 <= r.status_code < 400, explain(r)
    assert ep.ask(check), f"the manifest's check failed after:{explain(r)}"


BAD_UPDATE_CASES = [
    # (id, method, target, headers, body, status); the manifest asks for 4xx
    ("protocol:bad_update_get", "GET", "/update?update=CLEAR%20ALL", {}, None, 400),
    ("protocol:bad_multiple_updates", "POST", "/update", {"Content-Type": FORM},
     "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", 400),
    ("protocol:bad_update_wrong_media_type", "POST", "/update", {"Content-Type": "text/plain"}, "CLEAR NAMED", 415),
    ("protocol:bad_update_missing_form_type", "POST", "/update", {}, "update=CLEAR%20NAMED", 415),
    ("protocol:bad_update_non_utf8", "POST", "/update", {"Content-Type": "application/sparql-update; charset=UTF-16"},
     "CLEAR NAMED".encode("utf-16"), 415),
    ("protocol:bad_update_syntax", "POST", "/update", {"Content-Type": FORM}, "update=CLEAR%20XYZ", 400),
    ("protocol:bad_update_dataset_conflict", "POST",
     "/update?" + qs(("using-named-graph-uri", "http://example/people")), {"Content-Type": UPDATE},
     "PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
     "DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
     "WHERE {\n    ?person foaf:givenName 'Bill'\n}", 400),
    # extra: the conflict with USING (section 2.2.3), a conflict that would otherwise clear the store
    ("extra:bad_update_dataset_conflict_using", "POST", "/update?" + qs(("using-graph-uri", D1)),
     {"Content-Type": UPDATE},
     f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} USING NAMED <{D2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", 400),
    # extra (section 2.2: "exactly one SPARQL update request string", POST form has no URL parameters)
    ("extra:missing_update_post_form", "POST", "/update", {"Content-Type": FORM}, qs(("using-graph-uri", D1)), 400),
    ("extra:missing_update_post_direct", "POST", "/update", {"Content-Type": UPDATE}, "", 400),
    ("extra:update_in_url_and_form_body", "POST", "/update?" + qs(("update", "CLEAR ALL")), {"Content-Type": FORM},
     qs(("update", "CLEAR ALL")), 400),
    ("extra:update_and_query_together", "POST", "/update", {"Content-Type": FORM},
     qs(("update", "CLEAR ALL"), ("query", "ASK {}")), 400),
    ("extra:bad_update_syntax_post_direct", "POST", "/update", {"Content-Type": UPDATE}, "CLEAR XYZ", 400),
]


@pytest.mark.parametrize("method, target, headers, body, status", [c[1:] for c in BAD_UPDATE_CASES],
                         ids=[c[0] for c in BAD_UPDATE_CASES])
def test_bad_update_requests_are_refused(kasei, method, target, headers, body, status):
    r = kasei.send(method, target, headers=headers, body=body, token=True)
    assert r.status_code == status, explain(r)
    assert kasei.has_kasei_data(), f"a refused update changed the store:{explain(r)}"


def test_update_sent_by_get_to_the_query_endpoint_is_not_run(kasei):
    # protocol:bad_update_get, sent to the query endpoint: the manifest's one /sparql/ path for both operations;
    # "the update operation must be invoked using the HTTP POST method" (section 2.2)
    r = kasei.send("GET", "/sparql?update=CLEAR%20ALL")
    assert r.status_code != 204, explain(r)  # /update's success
    assert kasei.has_kasei_data(), f"GET ran an update:{explain(r)}"


@pytest.mark.parametrize("auth", [None, "Bearer wrong-token", f"Basic {TOKEN}"], ids=["no-token", "wrong-token",
                                                                                      "not-bearer"])
@pytest.mark.parametrize("transport", ["form", "direct"])
def test_update_without_the_token_is_401(kasei, auth, transport):
    # extra (SPARQL 1.1 Protocol section 4 policy; HTTP 401 with a challenge)
    target, headers, body = _update_request(transport, "CLEAR ALL")
    if auth:
        headers["Authorization"] = auth
    r = kasei.send("POST", target, headers=headers, body=body)
    assert r.status_code == 401, explain(r)
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer"), explain(r)
    assert kasei.has_kasei_data()


# ================================================ SPARQL 1.1 Graph Store HTTP Protocol (/store)

JOHN = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
<http://www.example/gsp/person/1> a foaf:Person;
    foaf:businessCard [ a v:VCard; v:fn "John Doe" ].
"""
JANE = JOHN.replace("John Doe", "Jane Doe")
JANE_2 = JANE.replace("person/1>", "person/2>")
ALICE = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
[]  a foaf:Person;
    foaf:businessCard [ a v:VCard; v:given-name "Alice" ] .
"""
BOUNDARY = "a6fe4cd636164618814be9f8d3d1a0de"
MULTIPART = (f"--{BOUNDARY}\r\n"
             'Content-Disposition: form-data; name="lastName.ttl"; filename="lastName.ttl"\r\n'
             "Content-Type: text/turtle; charset=utf-8\r\n\r\n"
             "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\r\n"
             '<http://www.example/gsp/person/1> foaf:familyName "Doe" .\r\n\r\n'
             f"--{BOUNDARY}\r\n"
             'Content-Disposition: form-data; name="firstName.ttl"; filename="firstName.ttl"\r\n'
             "Content-Type: text/turtle; charset=utf-8\r\n\r\n"
             "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\r\n"
             '<http://www.example/gsp/person/1> foaf:givenName "Jane" .\r\n\r\n'
             f"--{BOUNDARY}--\r\n")
JANE_MERGED = JANE + ('<http://www.example/gsp/person/1> <http://xmlns.com/foaf/0.1/givenName> "Jane" ;\n'
                      '    <http://xmlns.com/foaf/0.1/familyName> "Doe" .\n')
TTL_IN = {"Content-Type": TURTLE_UTF8}
TTL_OUT = {"Accept": "text/turtle"}


class Graph:
    """One graph as a test addresses it: its request target and the graph IRI that names it."""

    def __init__(self, target: str, iri: str) -> None:
        self.target, self.iri = target, iri

    @classmethod
    def indirect(cls, ep: Endpoint, iri: str) -> "Graph":  # GSP section 4.2
        return cls("/store?graph=" + quote(iri, safe=""), iri)

    @classmethod
    def direct(cls, ep: Endpoint, path: str) -> "Graph":  # GSP section 4.1: the request URL is the graph IRI
        return cls("/store/" + path, ep.url + "/store/" + path)


def graph_for(ep: Endpoint, identification: str, n: int) -> Graph:
    """person/n as the manifests name it, indirectly (manifest-indirect.ttl) or directly (manifest-direct.ttl)."""
    if identification == "indirect":
        return Graph.indirect(ep, f"http://www.example/gsp/person/{n}.ttl")
    return Graph.direct(ep, f"person/{n}.ttl")


def assert_turtle_graph(r: requests.Response, expected: str) -> None:
    """The manifests' expected GET response: 200, ``text/turtle; charset=utf-8``, an isomorphic graph."""
    assert r.status_code == 200, explain(r)
    assert r.headers.get("Content-Type") == TURTLE_UTF8, explain(r)
    assert read_graph(r) == ttl(expected), explain(r)


IDENTIFICATIONS = ["indirect", "direct"]


@pytest.mark.parametrize("identification", IDENTIFICATIONS,
                         ids=["gsp:put_get_repeat_indirect", "gsp:put_get_repeat_direct"])
def test_put_get_repeat(ep, identification):
    g = graph_for(ep, identification, 1)
    r = ep.send("PUT", g.target, headers=TTL_IN, body=JOHN, token=True)
    assert r.status_code == 201, explain(r)  # hts:Created (section 5.3: new graph content -> 201)
    assert_turtle_graph(ep.send("GET", g.target, headers=TTL_OUT), JOHN)
    assert ep.graph_via_select(g.iri) == ttl(JOHN)  # the stored graph, as SPARQL sees it
    r = ep.send("PUT", g.target, headers=TTL_IN, body=JANE, token=True)
    assert r.status_code in (200, 204), explain(r)  # hts:OK, hts:NoContent
    assert_turtle_graph(ep.send("GET", g.target, headers=TTL_OUT), JANE)
    assert ep.graph_via_select(g.iri) == ttl(JANE)  # replaced, not merged
    if identification == "direct":
        # http-rdf-update manifest gsp:get_of_put__initial_state: a directly PUT graph read indirectly
        assert_turtle_graph(ep.send("GET", Graph.indirect(ep, g.iri).target, headers=TTL_OUT), JANE)


def test_put_get_default(ep):
    # gsp:put_get_default
    r = ep.send("PUT", "/store?default", headers=TTL_IN, body=ALICE, token=True)
    assert r.status_code in (200, 201, 204), explain(r)
    assert_turtle_graph(ep.send("GET", "/store?default", headers=TTL_OUT), ALICE)
    # the store's own default graph, not a named graph (GSP: "DROP SILENT DEFAULT; INSERT DATA {...}")
    assert ep.graph_via_select(None) == ttl(ALICE)
    assert not ep.ask("ASK { GRAPH ?g { ?s ?p ?o } }")


@pytest.mark.parametrize("identification", IDENTIFICATIONS,
                         ids=["gsp:put_delete_get_delete_indirect", "gsp:put_delete_get_delete_direct"])
def test_put_delete_get_delete(ep, identification):
    g = graph_for(ep, identification, 2)
    r = ep.send("PUT", g.target, headers=TTL_IN, body=ALICE, token=True)
    assert r.status_code == 201, explain(r)  # manifest: Created, OK or NoContent; a new graph: 201 (5.3)
    assert ep.graph_via_select(g.iri) == ttl(ALICE)
    r = ep.send("DELETE", g.target, token=True)
    assert r.status_code in (200, 204), explain(r)
    r = ep.send("GET", g.target)
    assert r.status_code == 404, explain(r)
    assert not ep.ask(f"ASK {{ GRAPH <{g.iri}> {{ ?s ?p ?o }} }}")  # the triples are gone
    r = ep.send("DELETE", g.target, token=True)
    assert r.status_code == 404, explain(r)  # manifest allows 404/200/204; section 5.4: "MUST respond with 404"


@pytest.mark.parametrize("identification", IDENTIFICATIONS,
                         ids=["gsp:post_get_post_get_indirect", "gsp:post_get_post_get_direct"])
def test_post_get_post_get(ep, identification):
    g = graph_for(ep, identification, 1)
    r = ep.send("POST", g.target, headers=TTL_IN, body=JANE, token=True)
    assert r.status_code in (200, 201, 204), explain(r)
    assert_turtle_graph(ep.send("GET", g.target, headers=TTL_OUT), JANE)
    r = ep.send("POST", g.target, headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
                body=MULTIPART, token=True)
    assert r.status_code in (200, 204), explain(r)
    assert_turtle_graph(ep.send("GET", g.target, headers=TTL_OUT), JANE_MERGED)  # an RDF merge (section 5.5)
    assert ep.graph_via_select(g.iri) == ttl(JANE_MERGED)


def test_post_get_new_graph(ep):
    # gsp:post_get_new_graph (mf:POSTGraphCreation, which /store implements)
    r = ep.send("POST", "/store", headers=TTL_IN, body=ALICE, token=True)
    assert r.status_code == 201, explain(r)
    location = r.headers.get("Location")
    assert location and re.match(r"https?://", location), explain(r)  # mf:expectedLocation
    assert location.rstrip("/") != ep.url + "/store", explain(r)  # "different from the request IRI"
    assert_turtle_graph(ep.send("GET", "/store?graph=" + location, headers=TTL_OUT), ALICE)
    assert ep.graph_via_select(location) == ttl(ALICE)
    # http-rdf-update manifest gsp:get_of_post__create__new_graph: GET $NEWPATH$ itself
    r = requests.get(location, headers=TTL_OUT, timeout=60)
    assert_turtle_graph(r, ALICE)
    # extra (section 5.5: the new IRI "does not correspond to an existing graph IRI")
    again = ep.send("POST", "/store", headers=TTL_IN, body=JOHN, token=True)
    assert again.status_code == 201 and again.headers.get("Location") not in (None, location), explain(again)
    assert ep.graph_via_select(location) == ttl(ALICE)


@pytest.mark.parametrize("identification", IDENTIFICATIONS,
                         ids=["gsp:head_existing_indirect", "gsp:head_existing_direct"])
def test_head_existing(ep, identification):
    g = graph_for(ep, identification, 1)
    r = ep.send("PUT", g.target, headers=TTL_IN, body=JOHN, token=True)
    assert r.status_code in (200, 201, 204), explain(r)
    r = ep.send("HEAD", g.target, headers={"Accept": TURTLE_UTF8})
    assert r.status_code == 200 and r.headers.get("Content-Type") == TURTLE_UTF8, explain(r)
    assert r.content == b""  # section 5.6: no message body


@pytest.mark.parametrize("identification", IDENTIFICATIONS,
                         ids=["gsp:head_non_existing_indirect", "gsp:head_non_existing_direct"])
def test_head_non_existing(ep, identification):
    r = ep.send("HEAD", graph_for(ep, identification, 4).target, headers={"Accept": TURTLE_UTF8})
    assert r.status_code == 404, explain(r)


def test_put_get_uri_pct_encoded_indirect(ep):
    # gsp:put_get_uri_pct_encoded_indirect: the same graph IRI, percent-encoded or not
    r = ep.send("PUT", "/store?graph=http%3A%2F%2Fwww.example%2Fgsp%2Fperson%2F1.ttl", headers=TTL_IN, body=JOHN,
                token=True)
    assert r.status_code == 201, explain(r)
    assert_turtle_graph(ep.send("GET", "/store?graph=http://www.example/gsp/person/1.ttl", headers=TTL_OUT), JOHN)


def test_put_get_uri_pct_encoded_twice(ep):
    # gsp:put_get_uri_pct_encoded_twice: the query component is percent-decoded once, not twice
    r = ep.send("PUT", "/store?graph=http://www.example/gsp/person/%31.ttl", headers=TTL_IN, body=JOHN, token=True)
    assert r.status_code == 201, explain(r)
    r = ep.send("PUT", "/store?graph=http://www.example/gsp/person/%2531.ttl", headers=TTL_IN, body=JANE_2,
                token=True)
    assert r.status_code == 201, explain(r)
    assert_turtle_graph(ep.send("GET", "/store?graph=http://www.example/gsp/person/%31.ttl", headers=TTL_OUT), JOHN)
    assert_turtle_graph(ep.send("GET", "/store?graph=http://www.example/gsp/person/%2531.ttl", headers=TTL_OUT),
                        JANE_2)
    assert ep.graph_via_select("http://www.example/gsp/person/1.ttl") == ttl(JOHN)
    assert ep.graph_via_select("http://www.example/gsp/person/%31.ttl") == ttl(JANE_2)


# --- further requirements of the GSP text (extra)

def test_get_serializes_only_the_addressed_graph(ep):
    # section 5.2: GET ?graph= is CONSTRUCT over GRAPH <graph_uri>, GET ?default over the default graph
    one, two = (Graph.indirect(ep, f"http://www.example/gsp/person/{n}.ttl") for n in (1, 2))
    direct = Graph.direct(ep, "person/3.ttl")
    for g, body in ((one, JOHN), (two, JANE_2), (direct, JANE), (None, ALICE)):
        r = ep.send("PUT", g.target if g else "/store?default", headers=TTL_IN, body=body, token=True)
        assert r.status_code in (201, 204), explain(r)
    assert_turtle_graph(ep.send("GET", one.target, headers=TTL_OUT), JOHN)
    assert_turtle_graph(ep.send("GET", two.target, headers=TTL_OUT), JANE_2)
    assert_turtle_graph(ep.send("GET", direct.target, headers=TTL_OUT), JANE)
    assert_turtle_graph(ep.send("GET", "/store?default", headers=TTL_OUT), ALICE)
    r = ep.send("DELETE", two.target, token=True)
    assert r.status_code in (200, 204), explain(r)
    assert ep.graph_via_select(one.iri) == ttl(JOHN) and ep.graph_via_select(None) == ttl(ALICE)
    assert ep.graph_via_select(direct.iri) == ttl(JANE)  # DELETE dropped that graph and no other


def test_post_merges_into_an_existing_graph(ep):
    # http-rdf-update manifest gsp:post__existing_graph / gsp:get_of_post__existing_graph (section 5.5)
    g = Graph.indirect(ep, "http://www.example/gsp/person/1.ttl")
    assert ep.send("PUT", g.target, headers=TTL_IN, body=JOHN, token=True).status_code == 201
    name = '<http://www.example/gsp/person/1> <http://xmlns.com/foaf/0.1/name> "Jane Doe" .\n'
    r = ep.send("POST", g.target, headers=TTL_IN, body=name, token=True)
    assert r.status_code in (200, 204), explain(r)
    assert_turtle_graph(ep.send("GET", g.target, headers=TTL_OUT), JOHN + name)
    assert ep.graph_via_select(g.iri) == ttl(JOHN + name)


def test_post_and_delete_default_graph(ep):
    # section 5.5 "POST ?default" = INSERT DATA { ... }; section 5.4 "DELETE ?default" = DROP DEFAULT
    assert ep.send("PUT", "/store?default", headers=TTL_IN, body=JOHN, token=True).status_code in (200, 201, 204)
    r = ep.send("POST", "/store?default", headers=TTL_IN, body=ALICE, token=True)
    assert r.status_code in (200, 201, 204), explain(r)
    assert_turtle_graph(ep.send("GET", "/store?default", headers=TTL_OUT), JOHN + ALICE)
    assert ep.graph_via_select(None) == ttl(JOHN + ALICE)
    r = ep.send("DELETE", "/store?default", token=True)
    assert r.status_code in (200, 204), explain(r)
    assert ep.graph_via_select(None) == set()
    assert_turtle_graph(ep.send("GET", "/store?default", headers=TTL_OUT), "")  # the default graph always exists


@pytest.mark.parametrize("accept", list(GRAPH_FORMATS))
@pytest.mark.parametrize("identification", IDENTIFICATIONS)
def test_get_graph_negotiated(ep, identification, accept):
    # section 5.2: GET in any representation the Accept header prefers
    g = graph_for(ep, identification, 1)
    assert ep.send("PUT", g.target, headers=TTL_IN, body=JOHN, token=True).status_code == 201
    r = ep.send("GET", g.target, headers={"Accept": accept})
    assert media_type(r) == accept, explain(r)
    assert read_graph(r) == ttl(JOHN)


def test_get_graph_without_accept(ep):
    # section 5: "If the Accept header is not provided ... MUST return one of RDF XML, Turtle, or N-Triples"
    g = Graph.indirect(ep, "http://www.example/gsp/person/1.ttl")
    assert ep.send("PUT", g.target, headers=TTL_IN, body=JOHN, token=True).status_code == 201
    r = ep.send("GET", g.target)
    assert media_type(r) in GSP_DEFAULT_TYPES, explain(r)
    assert read_graph(r) == ttl(JOHN)


@pytest.mark.parametrize("ctype, fmt", [("application/n-triples", RdfFormat.N_TRIPLES),
                                        ("application/rdf+xml", RdfFormat.RDF_XML),
                                        ("application/ld+json", RdfFormat.JSON_LD)])
def test_put_payload_in_other_rdf_syntaxes(ep, ctype, fmt):
    # section 5: "the server MUST parse the RDF payload according to the media type in Content-Type".
    # Which syntaxes a store understands is its choice (others get 415).
    from pyoxigraph import serialize
    g = Graph.indirect(ep, "http://www.example/gsp/person/1.ttl")
    payload = serialize(parse(JOHN, format=RdfFormat.TURTLE), format=fmt)
    r = ep.send("PUT", g.target, headers={"Content-Type": ctype}, body=payload, token=True)
    assert r.status_code == 201, explain(r)
    assert ep.graph_via_select(g.iri) == ttl(JOHN)


def test_get_graph_unsatisfiable_accept_is_406(ep):
    # section 5.2: "a 406 Not Acceptable response code SHOULD be returned"
    g = Graph.indirect(ep, "http://www.example/gsp/person/1.ttl")
    assert ep.send("PUT", g.target, headers=TTL_IN, body=JOHN, token=True).status_code == 201
    r = ep.send("GET", g.target, headers={"Accept": "image/png"})
    assert r.status_code == 406, explain(r)


@pytest.mark.parametrize("identification", IDENTIFICATIONS)
def test_get_non_existing_graph_is_404(ep, identification):
    # section 5.1: "a 404 Not Found response code MUST be provided"
    r = ep.send("GET", graph_for(ep, identification, 4).target, headers=TTL_OUT)
    assert r.status_code == 404, explain(r)


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_unsupported_payload_type_is_415(ep, method):
    # section 5.1: "a content type that is not understood ... MUST respond with 415"
    g = Graph.indirect(ep, "http://www.example/gsp/person/1.ttl")
    assert ep.send("PUT", g.target, headers=TTL_IN, body=JOHN, token=True).status_code == 201
    r = ep.send(method, g.target, headers={"Content-Type": "application/x-not-rdf"}, body=JANE, token=True)
    assert r.status_code == 415, explain(r)
    assert ep.graph_via_select(g.iri) == ttl(JOHN)


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_unparsable_payload_is_400(ep, method):
    # section 5.1: "if the attempt to parse the RDF payload ... fails then the server MUST respond with 400"
    g = Graph.indirect(ep, "http://www.example/gsp/person/1.ttl")
    assert ep.send("PUT", g.target, headers=TTL_IN, body=JOHN, token=True).status_code == 201
    r = ep.send(method, g.target, headers=TTL_IN, body="<http://www.example/gsp/person/1> a [ this is not Turtle",
                token=True)
    assert r.status_code == 400, explain(r)
    assert ep.graph_via_select(g.iri) == ttl(JOHN)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_relative_graph_iri_is_400(ep, method):
    # section 4.2: "The query string IRI MUST be an absolute IRI and the server MUST respond with a 400"
    r = ep.send(method, "/store?graph=person/1.ttl", headers=TTL_IN if method == "PUT" else {},
                body=JOHN if method == "PUT" else None, token=True)
    assert r.status_code == 400, explain(r)


def test_unsupported_verb_is_405(ep):
    # section 5.1: an unsupported HTTP verb "MUST receive a response with a 405 Method Not Allowed"
    g = Graph.indirect(ep, "http://www.example/gsp/person/1.ttl")
    r = ep.send("PATCH", g.target, headers={"Content-Type": UPDATE}, body="CLEAR ALL", token=True)
    assert r.status_code == 405, explain(r)


@pytest.mark.parametrize("auth", [None, "Bearer wrong-token"], ids=["no-token", "wrong-token"])
@pytest.mark.parametrize("method, target", [("PUT", "graph"), ("POST", "graph"), ("DELETE", "graph"),
                                            ("PUT", "default"), ("POST", "store"), ("PUT", "direct")])
def test_unauthenticated_writes_are_401(ep, auth, method, target):
    # section 7 (security): unauthenticated writes refused with 401 Unauthorized; nothing changes
    named = Graph.indirect(ep, "http://www.example/gsp/person/1.ttl")
    assert ep.send("PUT", named.target, headers=TTL_IN, body=JOHN, token=True).status_code == 201
    url = {"graph": named.target, "default": "/store?default", "store": "/store",
           "direct": Graph.direct(ep, "person/1.ttl").target}[target]
    headers = {} if method == "DELETE" else dict(TTL_IN)
    if auth:
        headers["Authorization"] = auth
    r = ep.send(method, url, headers=headers, body=None if method == "DELETE" else ALICE)
    assert r.status_code == 401, explain(r)
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer"), explain(r)
    assert ep.graph_via_select(named.iri) == ttl(JOHN)
    assert ep.graph_via_select(None) == set()
    assert ep.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }") == [
        {"g": {"type": "uri", "value": named.iri}}]


def test_a_json_ld_body_with_named_graphs_is_refused(ep):
    # a graph's payload is one graph: JSON-LD that names graphs of its own is a 400, nothing written
    g = Graph.indirect(ep, "http://www.example/gsp/person/1.ttl")
    body = '{"@id": "http://example.org/g", "@graph": [{"@id": "http://example.org/a", "http://example.org/p": "x"}]}'
    r = ep.send("PUT", g.target, headers={"Content-Type": "application/ld+json"}, body=body, token=True)
    assert r.status_code == 400, explain(r)
    assert ep.send("GET", g.target, headers=TTL_OUT).status_code == 404
