"""Documentation generated from the ontology: `kg docs` writes the HTML reference and the class
diagram, and the diagram docs/ontology.md shows is the one the ontology gives today."""
from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from rdflib import RDF, RDFS, URIRef

from kg.ontology.docs import class_diagram_dot, diagram_classes, diagram_edges, load_doc, render_html
from kg.store.rdflib_bridge import compact
from tests.conftest import KG, ROOT

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def doc():
    return load_doc()


def _node_titles(svg_text: str) -> set[str]:
    root = ET.fromstring(svg_text)
    return {g.findtext(f"{SVG}title") for g in root.iter(f"{SVG}g") if g.get("class") == "node"}


def test_kg_docs_writes_the_reference_and_the_diagram(tmp_path, doc):
    r = subprocess.run(KG + ["docs", "--output", str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ), timeout=300)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "ontology.html").read_text(encoding="utf-8")
    svg = (tmp_path / "ontology.svg").read_text(encoding="utf-8")
    assert _node_titles(svg) == {compact(c) for c in diagram_classes(doc)}
    assert "<svg" in html  # the diagram is inlined
    for term in doc.classes + doc.object_properties + doc.datatype_properties:
        assert f'id="{term.anchor}"' in html, term.curie
        assert term.comment.replace("'", "&#39;").replace('"', "&#34;")[:40] in html, term.curie
    assert f"<code>{doc.version_iri}</code>" in html
    for note in doc.change_notes:
        assert note[:30] in html


def test_axioms_are_rendered_readably(doc):
    membership = next(t for t in doc.classes if t.curie == "ng:Membership")
    axioms = dict(membership.axioms)
    assert "org:member exactly 1 ng:Actor" in axioms["restrictions"]
    assert "org:organization max 1" in axioms["restrictions"]
    assert "ng:Person" in dict(next(t for t in doc.classes if t.curie == "ng:Organization").axioms)["disjoint with"]
    member_of = dict(next(t for t in doc.object_properties if t.curie == "org:memberOf").axioms)
    assert member_of["property chain"] == ["org:hasMembership o org:organization"]
    evidence = dict(next(t for t in doc.object_properties if t.curie == "ng:evidence").axioms)
    assert evidence["domain"] == ["(org:Membership or ng:Event)"]
    assert any("disjoint: ng:Meeting, ng:PhoneCall" in a for a in doc.general_axioms)


def test_the_diagram_draws_the_org_and_sem_structure(doc):
    dot = class_diagram_dot(doc)
    edges = {(compact(d), compact(r)): props for (d, r), props in diagram_edges(doc).items()}
    assert edges[("ng:Membership", "ng:Actor")] == ["org:member"]
    assert "org:role" in edges[("ng:Membership", "ng:Role")] and "org:role" in edges[("ng:Post", "ng:Role")]
    assert set(edges[("ng:Event", "ng:Actor")]) == {"ng:host", "ng:guest", "ng:participant", "ng:signatory",
                                                   "ng:speaker"}
    assert "⊑ foaf:Person" in dot and "⊑ org:Organization" in dot


def test_the_ontology_page_shows_the_current_diagram(doc):
    page = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert re.search(r"!\[[^\]]*\]\(ontology\.svg\)", page)
    committed = (ROOT / "docs" / "ontology.svg").read_text(encoding="utf-8")
    assert _node_titles(committed) == {compact(c) for c in diagram_classes(doc)}, "run `kg docs`"
    assert f"Newsgraph ontology {doc.version} " in committed
    # and every own class of the ontology is in it
    own = {compact(c) for c in doc.graph.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"))
           if str(c).startswith("https://w3id.org/newsgraph/ontology#")}
    assert own <= _node_titles(committed)


def test_render_html_works_without_a_diagram(doc):
    html = render_html(doc)
    assert "<svg" not in html and "Class diagram" not in html
    assert doc.graph.value(URIRef(doc.iri), RDFS.label) is not None
