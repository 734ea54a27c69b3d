"""A plain-text table of SELECT/ASK results, for people reading a terminal."""
from __future__ import annotations

from typing import Any

from pyoxigraph import Literal, NamedNode, QueryBoolean

from kg.vocab import PREFIXES


def term_text(term: Any) -> str:
    """A term as a person reads it: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        iri = term.value
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri
    if isinstance(term, Literal):
        return term.value
    return str(term)


def render_table(result: Any, max_width: int = 60) -> str:
    if isinstance(result, QueryBoolean):
        return "true" if bool(result) else "false"
    variables = [v.value for v in result.variables]
    rows = [[term_text(sol[v]) for v in variables] for sol in result]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(variables, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
