"""OWL reasoning over the ontology and article graphs: consistency, inferred facts, closed-world checks.

Two reasoners, the better one that can run:

* HermiT (an OWL 2 DL reasoner, bundled with owlready2, run on Java) when ``java`` works. HermiT
  knows only the OWL 2 datatype map, which lacks ``xsd:date``, so the copy it reads carries dates
  as ``xsd:dateTime`` at midnight (same order, same equality).
* Otherwise the OWL 2 RL rules in Python (owlrl), a forward-chaining materialisation: sound, and
  complete for the RL part of the ontology (disjointness, domains/ranges, sub-properties,
  inverses, property chains, functional properties, hasValue), not for its unions/existentials.

The graph is *inconsistent* when no world satisfies ontology and data (a person who is also an
organization, an event with two statuses). When HermiT says so, the OWL 2 RL rules name the
individuals; if they cannot (a DL-only clash), bisection names the article(s).

OWL is open-world: a membership without ``org:member`` is not inconsistent, an unknown member is
simply assumed. So the ontology's cardinality and existential restrictions are also read as
integrity constraints over the inferred graph, under the closed-world and unique-name assumptions
(as Stardog ICV or Pellet IC do): "ng:Membership requires exactly 1 org:member; <m> has 0".

Inferred types and property values can be written back to the store in a named graph of their own
(:data:`INFERRED_GRAPH` under the base IRI) with :func:`write_inferred`.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import rdflib
from pyoxigraph import Quad
from rdflib import OWL, RDF, RDFS, XSD, BNode, Literal, URIRef

from kg.errors import NewsgraphError
from kg.store.rdflib_bridge import ArticleGraph, article_graph, article_iris, compact, ontology_graph, to_oxigraph_term
from kg.store import Store

HERMIT, OWLRL, AUTO = "hermit", "owlrl", "auto"
INCONSISTENCY, CONSTRAINT = "inconsistency", "constraint"
#: The named graph inferred facts are written to, under the base IRI.
INFERRED_GRAPH = "graph/inferred"

_NOT_INFORMATIVE = {OWL.Thing, OWL.NamedIndividual, RDFS.Resource, OWL.Class, RDF.Property, OWL.ObjectProperty,
                    OWL.DatatypeProperty, OWL.AnnotationProperty, RDFS.Class, OWL.Nothing}
_IRI = re.compile(r"https?://[^\s,()'\"]+")


class ReasonerError(NewsgraphError):
    """The reasoner asked for cannot run (no Java for HermiT), or failed for another reason."""

    status = 500


@dataclass(frozen=True)
class Finding:
    """An inconsistency or a closed-world constraint violation, with who and where."""

    kind: str
    message: str
    individuals: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()

    def __str__(self) -> str:
        who = ", ".join(compact(URIRef(i)) for i in self.individuals)
        where = ", ".join(self.articles)
        return (f"{self.kind}: {self.message}" + (f"\n    individuals: {who}" if who else "")
                + (f"\n    article(s): {where}" if where else ""))


@dataclass
class ReasoningReport:
    """What a reasoner run found."""

    reasoner: str
    articles: list[str]
    triples: int
    consistent: bool
    findings: list[Finding] = field(default_factory=list)
    inferred: rdflib.Graph = field(default_factory=rdflib.Graph)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.consistent and not self.findings

    def text(self) -> str:
        lines = [f"reasoner: {self.reasoner}, over the ontology and {len(self.articles)} article graph(s) "
                 f"({self.triples} triples), {self.seconds:.1f} s"]
        lines += [f"  {f}" for f in self.findings]
        state = "consistent" if self.consistent else "INCONSISTENT"
        constraints = sum(f.kind == CONSTRAINT for f in self.findings)
        lines.append(f"OWL: {state}; {constraints} closed-world constraint violation(s); "
                     f"{len(self.inferred)} inferred triple(s)")
        return "\n".join(lines)


@lru_cache(maxsize=1)
def java_available() -> bool:
    """True when a Java runtime starts (HermiT needs one)."""
    java = shutil.which("java")
    if not java:
        return False
    try:
        return subprocess.run([java, "-version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def reasoner_name(reasoner: str) -> str:
    import owlready2
    import owlrl
    if reasoner == HERMIT:
        return f"HermiT (owlready2 {owlready2.VERSION}, Java)"
    return f"OWL 2 RL (owlrl {owlrl.__version__}, Python)"


def choose_reasoner(reasoner: str = AUTO) -> str:
    """``auto`` -> HermiT when Java runs, else OWL 2 RL; ``hermit`` without Java is an error."""
    if reasoner == AUTO:
        return HERMIT if java_available() else OWLRL
    if reasoner == HERMIT and not java_available():
        raise ReasonerError("HermiT needs a Java runtime (`java` on PATH; scripts/system-deps installs "
                            "Debian's default-jre-headless); use --reasoner owlrl for the Python OWL 2 RL reasoner")
    if reasoner not in (HERMIT, OWLRL):
        raise ReasonerError(f"unknown reasoner {reasoner!r} (hermit, owlrl or auto)")
    return reasoner


def reason_store(store: Store, *, reasoner: str = AUTO, identifiers: Sequence[str] | None = None,
                 sample: int | None = None, seed: int = 0) -> ReasoningReport:
    """Reason over the ontology file and the store's article graphs (all, some, or a random sample)."""
    graphs = [article_graph(store, iri, ident) for iri, ident in article_iris(store, identifiers, sample, seed)]
    return reason(graphs, reasoner=reasoner)


def reason(graphs: Sequence[ArticleGraph], *, reasoner: str = AUTO,
           ontology: rdflib.Graph | None = None) -> ReasoningReport:
    """Check the article graphs against the ontology; return findings and inferred facts."""
    started = time.monotonic()
    which = choose_reasoner(reasoner)
    onto = ontology if ontology is not None else ontology_graph()
    data, owner = _union(graphs)
    if which == HERMIT:
        consistent, inferred = _hermit(onto, data)
        findings = [] if consistent else _explain(onto, data, owner, graphs)
    else:
        consistent, inferred, errors = _owlrl(onto, data)
        findings = [_finding(m, owner) for m in errors]
    types = _TypeIndex(onto, data, inferred)
    # from an inconsistent graph anything follows: nothing is offered as inferred then, but the
    # closed-world check still runs on what was asserted, so every defect is reported at once
    inferred = _informative(inferred, onto, data, types, owner) if consistent else rdflib.Graph()
    findings += closed_world_check(onto, data, inferred, types, owner)
    return ReasoningReport(reasoner_name(which), [g.identifier for g in graphs], len(data), consistent,
                           findings, inferred, time.monotonic() - started)


def write_inferred(store: Store, inferred: rdflib.Graph, base_iri: str) -> str:
    """Replace the store's inferred graph with these triples; returns the graph's IRI."""
    iri = base_iri.rstrip("/") + "/" + INFERRED_GRAPH
    from pyoxigraph import NamedNode
    g = NamedNode(iri)
    store.replace_graph(iri, (Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), g)
                              for s, p, o in inferred))
    store.flush()
    return iri


# ---------------------------------------------------------------------------------- the reasoners

def _union(graphs: Iterable[ArticleGraph]) -> tuple[rdflib.Graph, dict[URIRef, set[str]]]:
    data = rdflib.Graph()
    owner: dict[URIRef, set[str]] = defaultdict(set)
    for ag in graphs:
        for s, p, o in ag.graph:
            data.add((s, p, o))
            owner[s].add(ag.identifier)
    return data, owner


def _hermit(onto: rdflib.Graph, data: rdflib.Graph) -> tuple[bool, rdflib.Graph]:
    """Run HermiT through owlready2; returns (consistent, the triples it inferred)."""
    import owlready2

    world = owlready2.World()
    nt = _hermit_copy(onto, data).serialize(format="nt", encoding="utf-8")
    world.get_ontology("http://newsgraph.invalid/reasoning").load(fileobj=io.BytesIO(nt), format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False, rdflib.Graph()
    except owlready2.OwlReadyJavaError as e:
        raise ReasonerError(f"HermiT failed: {str(e).strip().splitlines()[-1]}") from None
    inferred = rdflib.Graph()
    for s, p, o in world.get_ontology("http://inferrences/")._get_obj_triples_spo_spo():
        triple = tuple(world._unabbreviate(x) for x in (s, p, o))
        if all(isinstance(x, str) and x.startswith(("http://", "https://")) for x in triple):
            inferred.add(tuple(URIRef(x) for x in triple))
    return True, inferred


def _hermit_copy(onto: rdflib.Graph, data: rdflib.Graph) -> rdflib.Graph:
    """Ontology + data, with xsd:date (outside the OWL 2 datatype map) as xsd:dateTime."""
    g = rdflib.Graph()
    for graph in (onto, data):
        for s, p, o in graph:
            if isinstance(o, Literal) and o.datatype == XSD.date:
                o = Literal(f"{o}T00:00:00", datatype=XSD.dateTime)
            elif o == XSD.date:
                o = XSD.dateTime
            g.add((s, p, o))
    return g


def _owlrl(onto: rdflib.Graph, data: rdflib.Graph) -> tuple[bool, rdflib.Graph, list[str]]:
    """OWL 2 RL closure; returns (consistent, new triples, the rules' error messages)."""
    import owlrl
    from owlrl.Namespaces import ERRNS

    g = rdflib.Graph()
    for graph in (onto, data):
        for t in graph:
            g.add(t)
    before = set(g)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    errors = sorted(str(m) for m in g.objects(None, ERRNS.error))
    inferred = rdflib.Graph()
    for t in g:
        if t not in before:
            inferred.add(t)
    return not errors, inferred, errors


def _finding(message: str, owner: dict[URIRef, set[str]]) -> Finding:
    iris = [URIRef(m) for m in _IRI.findall(message)]
    individuals = tuple(dict.fromkeys(str(i) for i in iris if i in owner))
    articles = tuple(sorted({a for i in individuals for a in owner[URIRef(i)]}))
    text = _IRI.sub(lambda m: compact(URIRef(m.group(0))), message)
    return Finding(INCONSISTENCY, text, individuals, articles)


def _explain(onto: rdflib.Graph, data: rdflib.Graph, owner: dict[URIRef, set[str]],
             graphs: Sequence[ArticleGraph]) -> list[Finding]:
    """Name what makes the graph inconsistent: the OWL 2 RL rules' messages, else bisected articles."""
    _, _, errors = _owlrl(onto, data)
    if errors:
        return [_finding(m, owner) for m in errors]
    culprits = _bisect(onto, list(graphs))
    return [Finding(INCONSISTENCY, "HermiT finds these article graphs inconsistent with the ontology "
                                   "(a clash no OWL 2 RL rule names)", (), tuple(culprits))]


def _bisect(onto: rdflib.Graph, graphs: list[ArticleGraph]) -> list[str]:
    """Smallest groups of articles HermiT finds inconsistent (one HermiT run per step)."""
    if len(graphs) <= 1:
        return [g.identifier for g in graphs]
    half = len(graphs) // 2
    found = []
    for part in (graphs[:half], graphs[half:]):
        if not _hermit(onto, _union(part)[0])[0]:
            found += _bisect(onto, part)
    return found or [g.identifier for g in graphs]  # the clash needs articles from both halves


# ---------------------------------------------------------------------------------- inferred facts

class _TypeIndex:
    """Every named type of every node (asserted, inferred, and all their superclasses)."""

    def __init__(self, onto: rdflib.Graph, data: rdflib.Graph, inferred: rdflib.Graph) -> None:
        self.supers = _superclasses(onto, inferred)
        self.types: dict[rdflib.term.Node, set[URIRef]] = defaultdict(set)
        for graph in (data, inferred):
            for s, c in graph.subject_objects(RDF.type):
                if isinstance(c, URIRef):
                    self.types[s] |= self.supers.get(c, {c})

    def of(self, node) -> set[URIRef]:
        return self.types.get(node, set())


def _superclasses(onto: rdflib.Graph, inferred: rdflib.Graph) -> dict[URIRef, set[URIRef]]:
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for graph in (onto, inferred):
        for s, o in graph.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                direct[s].add(o)
        for s, o in graph.subject_objects(OWL.equivalentClass):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                direct[s].add(o)
                direct[o].add(s)
    return {c: _reachable(c, direct) for c in list(direct)}


def _reachable(start: URIRef, edges: dict[URIRef, set[URIRef]]) -> set[URIRef]:
    """``start`` and every node reachable from it (the closure both hierarchies need)."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _informative(inferred: rdflib.Graph, onto: rdflib.Graph, data: rdflib.Graph, types: _TypeIndex,
                 owner: dict[URIRef, set[str]]) -> rdflib.Graph:
    """New facts about the data's individuals: their types (with superclasses) and object properties."""
    object_props = set(onto.subjects(RDF.type, OWL.ObjectProperty))
    out = rdflib.Graph()
    for s, p, o in inferred:
        if s in owner and isinstance(o, URIRef) and p in object_props and s != o and (s, p, o) not in data:
            out.add((s, p, o))
    for s in owner:
        if not isinstance(s, URIRef):
            continue
        for c in types.of(s):
            if c not in _NOT_INFORMATIVE and (s, RDF.type, c) not in data:
                out.add((s, RDF.type, c))
    return out


# ---------------------------------------------------------------------------------- closed world

@dataclass(frozen=True)
class _Restriction:
    cls: URIRef
    prop: URIRef
    low: int | None
    high: int | None
    on_class: URIRef | None

    def wanted(self) -> str:
        """``exactly 1 org:member (a ng:Actor)``."""
        of = f" (a {compact(self.on_class)})" if self.on_class not in (None, OWL.Thing) else ""
        prop = compact(self.prop)
        if self.low == self.high:
            return f"exactly {self.low} {prop}{of}"
        if self.high is None:
            return f"at least {self.low} {prop}{of}"
        return f"at most {self.high} {prop}{of}"


def restrictions(onto: rdflib.Graph) -> list[_Restriction]:
    """The cardinality and existential restrictions of the ontology's named classes."""
    found = []
    for cls, r in onto.subject_objects(RDFS.subClassOf):
        if not isinstance(cls, URIRef) or not isinstance(r, BNode) or (r, RDF.type, OWL.Restriction) not in onto:
            continue
        prop = onto.value(r, OWL.onProperty)
        on_class = onto.value(r, OWL.onClass) or onto.value(r, OWL.someValuesFrom)
        low = high = None
        if onto.value(r, OWL.someValuesFrom) is not None:
            low = 1
        for p, bound in ((OWL.minCardinality, "low"), (OWL.minQualifiedCardinality, "low"),
                         (OWL.maxCardinality, "high"), (OWL.maxQualifiedCardinality, "high"),
                         (OWL.cardinality, "both"), (OWL.qualifiedCardinality, "both")):
            v = onto.value(r, p)
            if v is not None:
                n = int(v)
                low = n if bound in ("low", "both") else low
                high = n if bound in ("high", "both") else high
        if prop is not None and (low is not None or high is not None):
            found.append(_Restriction(cls, prop, low, high, on_class))
    return found


def _same_as(*graphs: rdflib.Graph) -> dict[Any, Any]:
    """Each individual named in an ``owl:sameAs`` to one representative of its class (union-find)."""
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for g in graphs:
        for a, b in g.subject_objects(OWL.sameAs):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def closed_world_check(onto: rdflib.Graph, data: rdflib.Graph, inferred: rdflib.Graph, types: _TypeIndex,
                       owner: dict[URIRef, set[str]]) -> list[Finding]:
    """Read the ontology's restrictions as integrity constraints over data + inferred facts."""
    sub_props: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in onto.subject_objects(RDFS.subPropertyOf):
        sub_props[o].add(s)

    same = _same_as(data, inferred)
    findings = []
    for r in restrictions(onto):
        ps = _reachable(r.prop, sub_props)
        for x in owner:
            if r.cls not in types.of(x):
                continue
            values = {v for graph in (data, inferred) for p in ps for v in graph.objects(x, p)}
            if r.on_class not in (None, OWL.Thing):
                values = {v for v in values if r.on_class in types.of(v)}
            n = len({same.get(v, v) for v in values})   # a place and its GeoNames feature are one
            if (r.low is not None and n < r.low) or (r.high is not None and n > r.high):
                findings.append(Finding(
                    CONSTRAINT,
                    f"{compact(r.cls)} requires {r.wanted()}; {compact(x)} has {n}",
                    (str(x),), tuple(sorted(owner[x]))))
    return sorted(findings, key=lambda f: (f.articles, f.message))
