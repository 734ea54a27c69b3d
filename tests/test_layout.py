"""The layout is the data flow (pyproject.toml's import-linter contracts: a stage imports only the
stages before it; no cycles; extraction knows nothing of RDF, the server nothing of spaCy), no
caller reaches through the store's interface into the engine behind it, and docs/layout.md names what
is in the tree."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


def test_no_caller_reaches_into_a_stores_engine():
    # a store's own ``store`` (or ``_store``) attribute: the engine behind the interface
    pattern = re.compile(r"\bstore(\(\))?\.(store|_store)\b|\b\w+\._store\.")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in [*ROOT.glob("kg/**/*.py"), *ROOT.glob("server/**/*.py"),
                                                   *ROOT.glob("tests/**/*.py"), *ROOT.glob("bench/*.py")]
             if "kg/store" not in p.as_posix() and p.name != "test_layout.py"
             for n, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert found == []


def test_the_layout_page_names_the_packages_and_modules_of_the_tree():
    page = (ROOT / "docs" / "layout.md").read_text()
    packages = sorted(p.parent.relative_to(ROOT).as_posix() for p in ROOT.glob("kg/*/__init__.py"))
    missing = [p for p in packages if f"`{p}/`" not in page]
    assert missing == [], f"docs/layout.md does not name {missing}"
    gone = [n for n in re.findall(r"`(kg/[a-z_]+)/`", page) if not (ROOT / n).is_dir()]
    assert gone == [], f"docs/layout.md names folders that do not exist: {gone}"
    modules = sorted(p.name for d in ["kg", *packages, "server"] for p in (ROOT / d).glob("*.py")
                     if p.name != "__init__.py")
    unnamed = [m for m in modules if f"`{m}`" not in page]
    assert unnamed == [], f"docs/layout.md does not name the modules {unnamed}"


def _sources(*globs: str) -> dict[str, str]:
    return {p.relative_to(ROOT).as_posix(): p.read_text() for g in globs for p in ROOT.glob(g)}


def test_one_of_each_lexer_chart_engine_documenter_cors_and_browser_test():
    code = _sources("kg/**/*.py", "server/**/*.py")
    # one SPARQL lexer: the IRIREF terminal is written once
    iri = [p for p, text in code.items() if '<[^<>"{}|^`' in text]
    assert iri == ["kg/sparql/lexer.py"]
    # one chart engine: SVG is drawn on the server, never by the browser's script
    drawing = [p for p, text in _sources("server/static/*.js").items() if "createElementNS" in text]
    assert drawing == []
    # CORS set in one place; one UnsupportedMediaType; one browser test
    assert [p for p, text in code.items() if "Access-Control-Allow-Origin" in text] == ["server/cors.py"]
    assert [p for p, text in code.items() if "class UnsupportedMediaType" in text] == ["kg/errors.py"]
    assert [p for p, text in code.items() if re.search(r'best_match\([^)]*"text/html"', text)
            or "def wants_html" in text or ".best ==" in text] == ["server/negotiate.py"]
    # one ontology documenter: `kg docs` and the server's page render the same body
    templates = _sources("kg/templates/*.html", "server/templates/*.html")
    assert {p for p, text in templates.items() if 'include "ontology_body.html"' in text} == {
        "kg/templates/ontology_doc.html", "server/templates/ontology.html"}
