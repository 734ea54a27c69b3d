#!/usr/bin/env python3
"""Benchmark: Linked Data pages of the most linked entities, next to a bare SPARQL DESCRIBE.

On a store of at least 10,000 articles (by default the shared synthetic corpus,
``shared/tools/synth_news_kg.py --articles 10000`` (see bench/shared.py), whose IRIs are under
``https://w3id.org/newsgraph/``), it starts the real server (``kg serve``, waitress) and, for
the N entities (people, organizations, places) with the most inbound links, times in one run:

- ``html``: the HTML page ``/doc/{kind}/{id}.html`` (description, posts, events, who met whom,
  sources, timeline);
- ``ttl``: the Turtle document ``/doc/{kind}/{id}.ttl`` (outgoing triples, labels and types of
  neighbours, the first page of inbound links with their counts);
- ``describe``: ``DESCRIBE <iri>`` through ``/sparql`` as Turtle (Oxigraph: the outgoing triples);
- ``303``: the ``/id/`` IRI's redirect alone.

One client, sequential requests over a kept-alive connection; a warm-up pass first, then
``--rounds`` passes in which the order of the kinds rotates per entity. Prints p50/p90/p99/mean
per kind and the ratios to DESCRIBE.

    nice .venv/bin/python bench/linked_data.py                        # builds /tmp/newsgraph-bench-10k
    nice .venv/bin/python bench/linked_data.py --store DIR --top 100 --rounds 3
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SYNTH_BASE = "https://w3id.org/newsgraph/"
TOP = """SELECT ?e (COUNT(*) AS ?n) WHERE {
  ?x ?p ?e . { ?e a foaf:Person } UNION { ?e a org:Organization } UNION { ?e a schema:Place }
} GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT %d"""
COUNT = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }"


def build_store(path: Path, articles: int, nquads: Path | None) -> None:
    """Load a synthetic corpus (generated unless given) and the ontology into a RocksDB store."""
    sys.path.insert(0, str(ROOT))

    from kg.store.local import GraphStore

    if nquads is None:
        nquads = Path(tempfile.gettempdir()) / f"newsgraph-synth-{articles}.nq"
        if not nquads.exists():
            print(f"generating {articles} synthetic articles -> {nquads}", file=sys.stderr)
            from bench.shared import shared_tools
            synth = shared_tools("generating the corpus (or pass --nquads FILE)") / "synth_news_kg.py"
            subprocess.run([sys.executable, str(synth), "--articles", str(articles), "--out", str(nquads)], check=True)
    print(f"loading {nquads} into {path}", file=sys.stderr)
    store = GraphStore.open(path)
    store.bulk_load(nquads)
    store.load_ontology()
    store.flush()
    del store


def start_server(store: Path, base: str, threads: int) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "KG_BASE_IRI": base, "PYTHONUNBUFFERED": "1"}
    log = open(Path(tempfile.gettempdir()) / "newsgraph-bench-serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", "0",
                             "--threads", str(threads)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = Path(log.name).read_text()
        for line in text.splitlines():
            if " at http://" in line:
                url = line.rsplit(" at ", 1)[1].strip().rstrip("/")
                try:
                    requests.get(url + "/healthz", timeout=5)
                    return proc, url
                except requests.ConnectionError:
                    pass
        if proc.poll() is not None:
            raise SystemExit(f"kg serve exited:\n{text}")
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("kg serve did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "newsgraph-bench-10k",
                    help="RocksDB store; built from the synthetic corpus when it does not exist")
    ap.add_argument("--articles", type=int, default=10_000, help="synthetic articles when building (default 10000)")
    ap.add_argument("--nquads", type=Path, help="load this N-Quads file instead of generating one")
    ap.add_argument("--base", default=SYNTH_BASE, help=f"KG_BASE_IRI of the data (default {SYNTH_BASE})")
    ap.add_argument("--top", type=int, default=100, help="how many most linked entities (default 100)")
    ap.add_argument("--rounds", type=int, default=3, help="measured passes (default 3)")
    ap.add_argument("--threads", type=int, default=4, help="server threads (default 4)")
    args = ap.parse_args()

    if not args.store.exists():
        build_store(args.store, args.articles, args.nquads)
    proc, url = start_server(args.store, args.base, args.threads)
    try:
        run(url, args)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run(url: str, args: argparse.Namespace) -> None:
    s = requests.Session()
    h_json = {"Accept": "application/sparql-results+json"}
    n_articles = int(s.post(url + "/sparql", data={"query": COUNT}, headers=h_json, timeout=300)
                     .json()["results"]["bindings"][0]["n"]["value"])
    rows = s.post(url + "/sparql", data={"query": TOP % args.top}, headers=h_json, timeout=300).json()
    top = [(b["e"]["value"], int(b["n"]["value"])) for b in rows["results"]["bindings"]]
    print(f"store: {args.store} ({n_articles} articles); server {url}; base {args.base}")
    print(f"entities: the {len(top)} most linked, inbound links {top[0][1]} (first) to {top[-1][1]} (last), "
          f"median {statistics.median(n for _, n in top):.0f}")
    if n_articles < 10_000:
        print(f"WARNING: fewer than 10,000 articles ({n_articles})")

    id_prefix = args.base + "id/"

    def requests_for(iri: str) -> dict[str, tuple[str, str, dict]]:
        rest = iri[len(id_prefix):]
        return {
            "html": ("GET", f"{url}/doc/{rest}.html", {}),
            "ttl": ("GET", f"{url}/doc/{rest}.ttl", {}),
            "describe": ("POST", f"{url}/sparql", {"data": {"query": f"DESCRIBE <{iri}>"},
                                                   "headers": {"Accept": "text/turtle"}}),
            "303": ("GET", f"{url}/id/{rest}", {"headers": {"Accept": "text/turtle"}, "allow_redirects": False}),
        }

    kinds = ["html", "ttl", "describe", "303"]
    timings: dict[str, list[float]] = {k: [] for k in kinds}
    sizes: dict[str, list[int]] = {k: [] for k in kinds}
    expected = {"html": 200, "ttl": 200, "describe": 200, "303": 303}

    def fetch(kind: str, spec: tuple[str, str, dict]) -> float:
        method, target, kw = spec
        t0 = time.perf_counter()
        r = s.request(method, target, timeout=300, **kw)
        dt = time.perf_counter() - t0
        if r.status_code != expected[kind]:
            raise SystemExit(f"{kind} {target}: HTTP {r.status_code}\n{r.text[:500]}")
        sizes[kind].append(len(r.content))
        return dt

    specs = [requests_for(iri) for iri, _ in top]
    for spec in specs:                                   # warm-up, not measured
        for kind in kinds:
            fetch(kind, spec[kind])
    for k in sizes:
        sizes[k].clear()
    for rnd in range(args.rounds):
        for i, spec in enumerate(specs):
            order = kinds[(i + rnd) % len(kinds):] + kinds[:(i + rnd) % len(kinds)]
            for kind in order:
                timings[kind].append(fetch(kind, spec[kind]))

    print(f"\n{len(specs)} entities x {args.rounds} rounds, sequential, one client (ms):")
    print(f"{'page':<10}{'p50':>9}{'p90':>9}{'p99':>9}{'mean':>9}{'max':>9}{'bytes p50':>12}")
    stats = {}
    for kind in kinds:
        ms = [t * 1000 for t in timings[kind]]
        stats[kind] = {"p50": percentile(ms, 50), "p90": percentile(ms, 90), "p99": percentile(ms, 99),
                       "mean": statistics.fmean(ms), "max": max(ms)}
        st = stats[kind]
        print(f"{kind:<10}{st['p50']:>9.1f}{st['p90']:>9.1f}{st['p99']:>9.1f}{st['mean']:>9.1f}{st['max']:>9.1f}"
              f"{statistics.median(sizes[kind]):>12.0f}")
    d = stats["describe"]
    print("\nratio to DESCRIBE through /sparql (same run):")
    for kind in ("html", "ttl"):
        print(f"  {kind:<5} p50 x{stats[kind]['p50'] / d['p50']:.1f}   p99 x{stats[kind]['p99'] / d['p99']:.1f}"
              f"   mean x{stats[kind]['mean'] / d['mean']:.1f}")


if __name__ == "__main__":
    main()
