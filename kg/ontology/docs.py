"""Documentation generated from the ontology itself: an HTML reference and a class diagram.

:func:`load_doc` reads ``ontology/newsgraph.ttl`` into an :class:`OntologyDoc` (metadata, classes,
properties, individuals, with every axiom rendered in Manchester-like syntax); :func:`render_html`
turns it into a self-contained page (the diagram inlined); :func:`class_diagram_dot` draws the
classes, their alignments and the object properties between them as Graphviz DOT, and
:func:`render_svg` renders it with Graphviz's ``dot``. ``kg docs`` writes docs/ontology.html and
docs/ontology.svg (the diagram of docs/ontology.md); the server's ``/ontology.html`` renders the
same ``ontology_body.html`` from :func:`page_context` over the ontology graph in its store, so there
is one documenter and one anchor per term (an own term's local name, which its hash IRI names).
"""
from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef
from rdflib.collection import Collection

from kg.errors import NewsgraphError
from kg.store.rdflib_bridge import DISPLAY_PREFIXES, compact, ontology_graph
from kg.vocab import ONTOLOGY_IRI, PREFIXES

NG = ONTOLOGY_IRI + "#"
DCTERMS = rdflib.Namespace(PREFIXES["dcterms"])
SKOS = rdflib.Namespace(PREFIXES["skos"])

#: Node colours of the class diagram, by vocabulary.
PALETTE = {"ng": "#ffe8a3", "foaf": "#d7ecff", "org": "#d9f2d0", "sem": "#f6d6e8", "schema": "#e6e0f8",
           "prov": "#fde0c8", "nif": "#e0e0e0", "skos": "#d0f0f0"}
_CHARACTERISTICS = {OWL.FunctionalProperty: "functional", OWL.TransitiveProperty: "transitive",
                    OWL.InverseFunctionalProperty: "inverse functional", OWL.SymmetricProperty: "symmetric"}


class DiagramError(NewsgraphError):
    """The class diagram cannot be rendered (Graphviz's ``dot`` is missing or failed)."""

    status = 500


@dataclass
class Term:
    """One class, property or individual, with what the ontology says about it."""

    iri: str
    curie: str
    kind: str
    label: str = ""
    comment: str = ""
    own: bool = False
    axioms: list[tuple[str, list[str]]] = field(default_factory=list)   # (heading, rendered values)

    @property
    def anchor(self) -> str:
        """An own term's local name (its hash IRI's fragment), else the prefixed name with a hyphen."""
        return self.iri[len(NG):] if self.own else self.curie.replace(":", "-")


@dataclass
class OntologyDoc:
    """The ontology as documentation: its header, then terms grouped by kind."""

    iri: str
    title: str
    version: str
    version_iri: str
    prior_version: str
    license: str
    creators: list[str]
    created: str
    modified: str
    description: str
    comment: str
    change_notes: list[str]
    prefixes: dict[str, str]
    classes: list[Term]
    object_properties: list[Term]
    datatype_properties: list[Term]
    annotation_properties: list[Term]
    individuals: list[Term]
    general_axioms: list[str]
    graph: rdflib.Graph = field(repr=False, default_factory=rdflib.Graph)

    @property
    def own_classes(self) -> list[Term]:
        return [t for t in self.classes if t.own]

    def counts(self) -> dict[str, int]:
        return {"classes": len(self.classes), "object properties": len(self.object_properties),
                "datatype properties": len(self.datatype_properties),
                "annotation properties": len(self.annotation_properties), "individuals": len(self.individuals)}


def load_doc(graph: rdflib.Graph | None = None) -> OntologyDoc:
    """Read the ontology (the file, unless a graph is given) into an :class:`OntologyDoc`."""
    g = graph if graph is not None else ontology_graph()
    o = URIRef(ONTOLOGY_IRI)

    def one(p) -> str:
        v = g.value(o, p)
        return str(v) if v is not None else ""

    r = _Renderer(g)
    return OntologyDoc(
        iri=ONTOLOGY_IRI, title=one(DCTERMS.title) or one(RDFS.label), version=one(OWL.versionInfo),
        version_iri=one(OWL.versionIRI), prior_version=one(OWL.priorVersion), license=one(DCTERMS.license),
        creators=sorted(str(c) for c in g.objects(o, DCTERMS.creator)), created=one(DCTERMS.created),
        modified=one(DCTERMS.modified), description=one(DCTERMS.description), comment=one(RDFS.comment),
        change_notes=sorted((str(n) for n in g.objects(o, SKOS.changeNote)), reverse=True),
        prefixes={p: ns for p, ns in DISPLAY_PREFIXES.items() if p != "sh"},
        classes=[r.cls(c) for c in _named(g, OWL.Class)],
        object_properties=[r.prop(p, "object property") for p in _named(g, OWL.ObjectProperty)],
        datatype_properties=[r.prop(p, "datatype property") for p in _named(g, OWL.DatatypeProperty)],
        annotation_properties=[r.term(p, "annotation property") for p in _named(g, OWL.AnnotationProperty)],
        individuals=[r.individual(i) for i in _individuals(g)],
        general_axioms=r.general_axioms(), graph=g)


def _named(g: rdflib.Graph, kind: URIRef) -> list[URIRef]:
    terms = {s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    # own terms first, then by vocabulary and name
    return sorted(terms, key=lambda t: (not str(t).startswith(NG), compact(t).lower()))


def _individuals(g: rdflib.Graph) -> list[URIRef]:
    schema_kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Ontology,
                    OWL.Restriction, OWL.AllDisjointClasses, OWL.AllDifferent, *_CHARACTERISTICS}
    found = {s for s, t in g.subject_objects(RDF.type) if isinstance(s, URIRef) and t not in schema_kinds
             and not any((s, RDF.type, k) in g for k in schema_kinds)}
    return sorted(found, key=lambda t: compact(t))


class _Renderer:
    """Renders terms and OWL class expressions of one graph."""

    def __init__(self, g: rdflib.Graph) -> None:
        self.g = g

    def name(self, node) -> str:
        if isinstance(node, URIRef):
            return compact(node).strip("<>")
        if isinstance(node, Literal):
            return str(node)
        return self.expression(node)

    def expression(self, node) -> str:
        """A class expression in Manchester-like syntax: ``org:member exactly 1 ng:Actor``."""
        g = self.g
        if isinstance(node, URIRef):
            return self.name(node)
        for op, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
            members = g.value(node, op)
            if members is not None:
                return "(" + word.join(self.expression(m) for m in Collection(g, members)) + ")"
        members = g.value(node, OWL.oneOf)
        if members is not None:
            return "{" + ", ".join(self.name(m) for m in Collection(g, members)) + "}"
        prop = g.value(node, OWL.onProperty)
        if prop is None:
            return "(anonymous)"
        p = self.name(prop)
        on = g.value(node, OWL.onClass)
        of = f" {self.expression(on)}" if on is not None else ""
        for pred, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
            v = g.value(node, pred)
            if v is not None:
                return f"{p} {word} {self.expression(v) if not isinstance(v, Literal) else v}"
        for pred, word in ((OWL.cardinality, "exactly"), (OWL.qualifiedCardinality, "exactly"),
                           (OWL.minCardinality, "min"), (OWL.minQualifiedCardinality, "min"),
                           (OWL.maxCardinality, "max"), (OWL.maxQualifiedCardinality, "max")):
            v = g.value(node, pred)
            if v is not None:
                return f"{p} {word} {int(v)}{of}"
        return f"{p} (restriction)"

    def term(self, t: URIRef, kind: str) -> Term:
        g = self.g
        label = g.value(t, RDFS.label)
        comment = g.value(t, RDFS.comment)
        return Term(str(t), self.name(t), kind, str(label or ""), str(comment or ""), str(t).startswith(NG))

    def cls(self, c: URIRef) -> Term:
        g = self.g
        t = self.term(c, "class")
        sups = list(g.objects(c, RDFS.subClassOf))
        named = sorted(self.name(s) for s in sups if isinstance(s, URIRef))
        restr = sorted(self.expression(s) for s in sups if not isinstance(s, URIRef))
        equiv = [self.expression(e) for e in g.objects(c, OWL.equivalentClass)]
        equiv += [self.name(e) for e in g.subjects(OWL.equivalentClass, c)]
        disjoint = {self.name(d) for d in g.objects(c, OWL.disjointWith)} | \
                   {self.name(d) for d in g.subjects(OWL.disjointWith, c)}
        for ax in g.subjects(RDF.type, OWL.AllDisjointClasses):
            members = list(Collection(g, g.value(ax, OWL.members)))
            if c in members:
                disjoint |= {self.name(m) for m in members if m != c}
        subs = sorted(self.name(s) for s in g.subjects(RDFS.subClassOf, c) if isinstance(s, URIRef))
        domain_of = sorted(self.name(p) for p in g.subjects(RDFS.domain, c))
        range_of = sorted(self.name(p) for p in g.subjects(RDFS.range, c))
        members = sorted(self.name(i) for i in g.subjects(RDF.type, c) if isinstance(i, URIRef))
        t.axioms = [(h, v) for h, v in (
            ("equivalent to", sorted(equiv)), ("subclass of", named), ("restrictions", sorted(restr)),
            ("disjoint with", sorted(disjoint)), ("subclasses", subs), ("domain of", domain_of),
            ("range of", range_of), ("members", members)) if v]
        return t

    def prop(self, p: URIRef, kind: str) -> Term:
        g = self.g
        t = self.term(p, kind)
        chain = [" o ".join(self.name(x) for x in Collection(g, ch)) for ch in g.objects(p, OWL.propertyChainAxiom)]
        inverse = {self.name(i) for i in g.objects(p, OWL.inverseOf)} | {self.name(i) for i in g.subjects(OWL.inverseOf, p)}
        t.axioms = [(h, v) for h, v in (
            ("characteristics", sorted(_CHARACTERISTICS[k] for k in g.objects(p, RDF.type) if k in _CHARACTERISTICS)),
            ("domain", [self.expression(d) for d in g.objects(p, RDFS.domain)]),
            ("range", [self.expression(r) for r in g.objects(p, RDFS.range)]),
            ("sub-property of", sorted(self.name(s) for s in g.objects(p, RDFS.subPropertyOf))),
            ("super-property of", sorted(self.name(s) for s in g.subjects(RDFS.subPropertyOf, p))),
            ("inverse of", sorted(inverse)), ("property chain", chain)) if v]
        return t

    def individual(self, i: URIRef) -> Term:
        g = self.g
        t = self.term(i, "individual")
        t.axioms = [(h, v) for h, v in (
            ("types", sorted(self.name(c) for c in g.objects(i, RDF.type) if c != OWL.NamedIndividual)),
            ("in scheme", sorted(self.name(s) for s in g.objects(i, SKOS.inScheme)))) if v]
        return t

    def general_axioms(self) -> list[str]:
        g = self.g
        out = []
        for ax in g.subjects(RDF.type, OWL.AllDisjointClasses):
            out.append("disjoint: " + ", ".join(self.name(m) for m in Collection(g, g.value(ax, OWL.members))))
        for ax in g.subjects(RDF.type, OWL.AllDifferent):
            out.append("all different: " + ", ".join(self.name(m) for m in Collection(g, g.value(ax, OWL.distinctMembers))))
        return sorted(out)


# ---------------------------------------------------------------------------------- class diagram

def diagram_classes(doc: OntologyDoc) -> list[URIRef]:
    """The classes the diagram draws as boxes: Newsgraph's own (alignments are listed inside)."""
    return [URIRef(t.iri) for t in doc.own_classes]


def _lift(g: rdflib.Graph, cls, own: set[URIRef]) -> list[URIRef]:
    """The own classes a domain/range stands for: itself, or its only own direct subclass (for
    each member of a union)."""
    if cls is None:
        return []
    members = g.value(cls, OWL.unionOf) if isinstance(cls, BNode) else None
    if members is not None:
        return [c for m in Collection(g, members) for c in _lift(g, m, own)]
    if cls in own:
        return [cls]
    subs = [s for s in g.subjects(RDFS.subClassOf, cls) if s in own]
    return subs if len(subs) == 1 else []


def diagram_edges(doc: OntologyDoc) -> dict[tuple[URIRef, URIRef], list[str]]:
    """Object properties between own classes, by (domain, range); an ORG/SEM property whose
    domain is org:Membership is drawn from ng:Membership, and so on."""
    g = doc.graph
    own = set(diagram_classes(doc))
    inverses = set(g.objects(None, OWL.inverseOf))  # draw org:member, not also org:hasMembership
    found: dict[tuple[URIRef, URIRef], set[URIRef]] = defaultdict(set)
    for p in g.subjects(RDF.type, OWL.ObjectProperty):
        if p in inverses:
            continue
        for d in _lift(g, g.value(p, RDFS.domain), own):
            for r in _lift(g, g.value(p, RDFS.range), own):
                found[(d, r)].add(p)
    edges = {}
    for key, props in found.items():
        # a super-property on the same arrow (sem:hasActor over ng:host...) adds nothing
        kept = [p for p in props if not any((q, RDFS.subPropertyOf, p) in g for q in props)]
        edges[key] = sorted(compact(p) for p in kept)
    return edges


def class_diagram_dot(doc: OntologyDoc) -> str:
    """The class diagram as Graphviz DOT.

    One box per Newsgraph class: its name, the external classes it is aligned to (⊑), and its
    cardinality restrictions; hollow arrows are rdfs:subClassOf, labelled arrows object properties.
    """
    g = doc.graph
    r = _Renderer(g)
    nodes = diagram_classes(doc)
    lines = ["digraph newsgraph {",
             '  graph [rankdir=TB, fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=0.6, labelloc=t, '
             f'label="Newsgraph ontology {doc.version} (generated from ontology/newsgraph.ttl by kg docs)"];',
             '  node [shape=plain, fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9, color="#555555", fontcolor="#333333"];']
    for c in nodes:
        aligned = sorted(compact(s) for s in g.objects(c, RDFS.subClassOf)
                         if isinstance(s, URIRef) and not str(s).startswith(NG))
        restr = sorted(r.expression(x) for x in g.objects(c, RDFS.subClassOf)
                       if isinstance(x, BNode) and g.value(x, OWL.onProperty) is not None)
        rows = [f'<TR><TD BGCOLOR="{PALETTE["ng"]}"><B>{_html(compact(c))}</B></TD></TR>']
        if aligned:
            rows.append('<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="#1f4e8c">'
                        + "<BR/>".join(_html("⊑ " + a) for a in aligned) + "</FONT></TD></TR>")
        if restr:
            rows.append('<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="8">'
                        + "<BR/>".join(_html(x) for x in restr) + "</FONT></TD></TR>")
        table = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">' + "".join(rows) + "</TABLE>"
        lines.append(f'  "{compact(c)}" [label=<{table}>, tooltip="{_dot_escape(str(g.value(c, RDFS.comment) or ""))}"];')
    ids = set(nodes)
    for c in nodes:
        for s in g.objects(c, RDFS.subClassOf):
            if s in ids:
                lines.append(f'  "{compact(s)}" -> "{compact(c)}" [dir=back, arrowtail=empty];')
    for (d, rng), props in sorted(diagram_edges(doc).items(), key=lambda e: (compact(e[0][0]), compact(e[0][1]))):
        label = "\\n".join(sorted(props))
        lines.append(f'  "{compact(d)}" -> "{compact(rng)}" [label="{label}", style=dashed, arrowhead=vee];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render_svg(dot_source: str) -> str:
    """Render DOT to SVG with Graphviz's ``dot`` (Debian package ``graphviz``)."""
    dot = shutil.which("dot")
    if dot is None:
        raise DiagramError("the class diagram needs Graphviz's `dot` (Debian: apt-get install graphviz; "
                           "scripts/system-deps installs it), or use --no-diagram")
    r = subprocess.run([dot, "-Tsvg"], input=dot_source.encode(), capture_output=True, timeout=120)
    if r.returncode != 0:
        raise DiagramError(f"dot failed: {r.stderr.decode(errors='replace').strip()}")
    svg = r.stdout.decode()
    return svg[svg.index("<svg"):]  # drop the XML prolog and DOCTYPE so it can be inlined in HTML


# ---------------------------------------------------------------------------------- HTML

_env = Environment(loader=PackageLoader("kg", "templates"), autoescape=select_autoescape(["html"]))


def page_context(doc: OntologyDoc, diagram_svg: str | None = None) -> dict[str, object]:
    """The variables of ``ontology_body.html``: shared by ``kg docs`` and the server's /ontology.html."""
    sections = [("Classes", "classes", doc.classes), ("Object properties", "object-properties", doc.object_properties),
                ("Datatype properties", "datatype-properties", doc.datatype_properties),
                ("Annotation properties", "annotation-properties", doc.annotation_properties),
                ("Individuals", "individuals", doc.individuals)]
    anchors = {t.curie: t.anchor for _, _, terms in sections for t in terms}
    return {"doc": doc, "sections": sections, "diagram": diagram_svg, "anchors": anchors}


def render_html(doc: OntologyDoc, diagram_svg: str | None = None) -> str:
    """The documentation page: header, diagram (inlined SVG, when given), then every term."""
    return _env.get_template("ontology_doc.html").render(**page_context(doc, diagram_svg))


def write_docs(out_dir: Path, *, diagram: bool = True) -> list[Path]:
    """Write ontology.html (and ontology.svg, unless ``diagram`` is False) into ``out_dir``."""
    doc = load_doc()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    svg = None
    if diagram:
        svg = render_svg(class_diagram_dot(doc))
        path = out_dir / "ontology.svg"
        path.write_text('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + svg, encoding="utf-8")
        written.append(path)
    path = out_dir / "ontology.html"
    path.write_text(render_html(doc, svg), encoding="utf-8")
    written.append(path)
    return written
