"""SHACL validation of article graphs against ``ontology/shapes.ttl`` (W3C SHACL, with pyshacl).

Each article's named graph is validated on its own, with the ontology's class hierarchy mixed in
so that ``sh:targetClass``/``sh:class`` see subclasses (``ng:Meeting`` is a ``sem:Event``). The
shapes' cardinalities are per article, and every problem is reported with the article it is in.
``kg validate`` prints the report; ``kg ingest --strict`` calls :meth:`ShapeValidator.check_quads`
before writing an article and refuses it on any violation.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import Quad
from pyshacl import validate as shacl_validate
from rdflib import RDF
from rdflib.namespace import SH

from kg.resources import SHAPES_FILE
from kg.store.rdflib_bridge import ArticleGraph, article_graphs, class_hierarchy, compact, ontology_graph, to_rdflib
from kg.store import Store


VIOLATION, WARNING, INFO = "Violation", "Warning", "Info"


@dataclass(frozen=True)
class Problem:
    """One SHACL result: where (article, node, property), what (message) and how bad (severity)."""

    article: str
    focus: str
    path: str
    message: str
    severity: str = VIOLATION
    value: str = ""
    component: str = ""

    def __str__(self) -> str:
        where = self.focus + (f" {self.path}" if self.path else "")
        value = f" (value {self.value})" if self.value and self.value != self.focus else ""
        return f"{self.severity.lower()}: {where}: {self.message}{value} [{self.component}]"


@dataclass
class ValidationReport:
    """The outcome of validating some article graphs."""

    articles: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == VIOLATION]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != VIOLATION]

    @property
    def conforms(self) -> bool:
        """True when no article has a violation (warnings do not count)."""
        return not self.violations

    def summary(self) -> str:
        bad = {p.article for p in self.violations}
        return (f"SHACL: {len(self.articles)} article graph(s) checked, {len(self.articles) - len(bad)} conform; "
                f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)")

    def text(self) -> str:
        """A readable report: problems grouped by article, then the summary line."""
        lines = []
        for article in self.articles:
            mine = [p for p in self.problems if p.article == article]
            if mine:
                lines.append(f"article {article}:")
                lines.extend(f"  {p}" for p in mine)
        lines.append(self.summary())
        return "\n".join(lines)


class ShapeValidator:
    """Validates article graphs against the shapes; parse once, validate many."""

    def __init__(self, shapes: Path | rdflib.Graph = SHAPES_FILE, ontology: rdflib.Graph | None = None) -> None:
        self.shapes = shapes if isinstance(shapes, rdflib.Graph) else rdflib.Graph().parse(str(shapes), format="turtle")
        self.hierarchy = class_hierarchy(ontology if ontology is not None else ontology_graph())

    def validate_graph(self, graph: rdflib.Graph, article: str) -> list[Problem]:
        """The problems of one article graph (empty when it conforms)."""
        _conforms, results, _text = shacl_validate(
            graph, shacl_graph=self.shapes, ont_graph=self.hierarchy, inference="none",
            allow_warnings=True, advanced=False, meta_shacl=False, do_owl_imports=False)
        return sorted(_problems(results, article), key=lambda p: (p.severity != VIOLATION, p.focus, p.path))

    def check_quads(self, quads: Sequence[Quad], article: str = "") -> list[Problem]:
        """The violations (not warnings) of an article given as the mapper's quads: the strict check."""
        return [p for p in self.validate_graph(to_rdflib(quads), article) if p.severity == VIOLATION]

    def validate_articles(self, graphs: Iterable[ArticleGraph]) -> ValidationReport:
        report = ValidationReport()
        for ag in graphs:
            report.articles.append(ag.identifier)
            report.problems.extend(self.validate_graph(ag.graph, ag.identifier))
        return report


def validate_store(store: Store, identifiers: Sequence[str] | None = None,
                   validator: ShapeValidator | None = None) -> ValidationReport:
    """Validate every article graph of the store (or those whose identifiers are given)."""
    return (validator or ShapeValidator()).validate_articles(article_graphs(store, identifiers))


def strict_check(validator: ShapeValidator | None = None):
    """The check ``kg ingest --strict`` gives the ingest loop: quads -> reason to refuse, or None."""
    v = validator or ShapeValidator()

    def check(quads: Sequence[Quad]) -> str | None:
        problems = v.check_quads(quads)
        if not problems:
            return None
        shown = "; ".join(f"{p.focus} {p.path}: {p.message}".replace("  ", " ") for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        return f"violates the shapes (ontology/shapes.ttl): {shown}{more}"

    return check


def _problems(results: rdflib.Graph, article: str) -> Iterable[Problem]:
    for r in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(r, SH.resultSeverity)
        component = results.value(r, SH.sourceConstraintComponent)
        messages = [str(m) for m in results.objects(r, SH.resultMessage)]
        yield Problem(
            article=article,
            focus=compact(results.value(r, SH.focusNode)),
            path=_path_text(results, results.value(r, SH.resultPath)),
            message=messages[0] if messages else "constraint not met",
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else VIOLATION,
            value=compact(results.value(r, SH.value)),
            component=str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent") if component else "",
        )


def _path_text(g: rdflib.Graph, path) -> str:
    if path is None:
        return ""
    if isinstance(path, rdflib.URIRef):
        return compact(path)
    inverse = g.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(g, inverse)
    if g.value(path, RDF.first) is not None:
        return "/".join(_path_text(g, p) for p in rdflib.collection.Collection(g, path))
    return "(path)"
