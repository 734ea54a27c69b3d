"""Resolution benchmark: what cross-article resolution costs per article, next to extraction's own
cost, and how right its merges are, on a synthetic corpus whose people are written in several
romanisations (bench/corpus.py's generator with ``variants=True``: "Kassymov" / "Kasymov",
"Zhumabekov" / "Jumabekov", "Yerlan" / "Erlan", ...), in one run.

1. Extract every article once (the full pipeline, ``extract_many``): extraction's time per article.
2. Map every extraction to quads twice, in one process, on in-memory stores: without resolution
   (each entity keeps the IRI its own article gives it) and with it (the on-disk name index, the
   resolver, the writes to the index, and the settling at the end: ``reconcile`` and the labels).
   The difference is the time resolution adds per article.
3. Merges against the generator's truth: every full-name spelling the generator wrote is a
   (person, spelling) pair; two spellings of one person on one IRI are a right merge, of two
   people a wrong one, and two spellings of one person on two IRIs a missed one. Spellings that
   two people of the cast share are left out (nothing could tell them apart).

    nice python bench/resolution.py                  # 10,000 articles
    nice python bench/resolution.py --articles 2000  # a quicker look
"""
from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import CorpusGenerator  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch-size", type=int, default=16)
    args = ap.parse_args()

    from kg.extract import Extractor
    from kg.ingest.run import settle
    from kg.iris import Minter
    from kg.mapping.quads import ArticleMapper
    from kg.read.articles import parse_seed_text
    from kg.resolve.name_index import NameIndex
    from kg.resolve.resolver import resolver, uses_of
    from kg.store.local import GraphStore

    gen = CorpusGenerator(seed=args.seed, variants=True)
    synthetic = list(gen.articles(args.articles))
    articles = [parse_seed_text(a.seed_text(), a.id) for a in synthetic]
    words = sum(len(a.text.split()) for a in articles)
    print(f"{len(articles)} synthetic articles, {words / len(articles):.0f} words each, "
          f"{len({s for a in synthetic for _, s in a.spellings})} spellings of "
          f"{len({c for a in synthetic for c, _ in a.spellings})} people", flush=True)

    extractor = Extractor()
    started = time.process_time()
    extractions = [x for _, x in extractor.extract_many(articles, args.batch_size)]
    extract_s = time.process_time() - started
    assert not any(isinstance(x, Exception) for x in extractions), "an extraction failed"

    minter = Minter("http://bench.example/")

    def ingest(resolve: bool) -> tuple[float, GraphStore]:
        store = GraphStore.memory()
        store.load_ontology()
        index = NameIndex()
        mapper = ArticleMapper(minter, extractor.version, resolve=resolver(index, minter) if resolve else None)
        t = time.process_time()
        for article, x in zip(articles, extractions):
            graph = minter.article(article.id)
            quads = mapper.quads(article, x)
            store.replace_graph(graph, quads)
            if resolve:
                index.add_graph(graph, uses_of(x.entities, mapper.entity_iris(x), x.posts))
        if resolve:
            settle(store, index, minter, None)
        seconds = time.process_time() - t
        index.close()
        return seconds, store

    plain_s, _ = ingest(False)
    resolved_s, store = ingest(True)
    n = len(articles)
    print(f"\n{'per article (CPU)':28} {'ms':>8}")
    print(f"{'extraction':28} {1000 * extract_s / n:8.2f}")
    print(f"{'mapping and writing':28} {1000 * plain_s / n:8.2f}")
    print(f"{'resolution added':28} {1000 * (resolved_s - plain_s) / n:8.2f}"
          f"   ({(resolved_s - plain_s) / extract_s:.1%} of extraction)")

    # ---- merges against the truth
    owners: dict[str, set[int]] = defaultdict(set)      # spelling -> cast members written so
    for a in synthetic:
        for cast, spelling in a.spellings:
            owners[spelling].add(cast)
    iri_of: dict[str, set[str]] = defaultdict(set)       # spelling -> IRIs carrying it as a name
    for r in store.query("SELECT ?e ?n WHERE { ?e a ng:Person ; skos:altLabel ?n }"):
        iri_of[r["n"].value].add(r["e"].value)
    clear = {s: next(iter(c)) for s, c in owners.items() if len(c) == 1 and s in iri_of}
    right = wrong = missed = 0
    examples: dict[str, list[str]] = {"wrong": [], "missed": []}
    for s, t in itertools.combinations(sorted(clear), 2):
        together = bool(iri_of[s] & iri_of[t])
        if clear[s] == clear[t]:
            right += together
            missed += not together
            if not together:
                examples["missed"].append(f"{s} / {t}")
        else:
            wrong += together
            if together:
                examples["wrong"].append(f"{s} (#{clear[s]}) / {t} (#{clear[t]})")
    precision = right / (right + wrong) if right + wrong else 1.0
    recall = right / (right + missed) if right + missed else 1.0
    print(f"\nmerges of spellings: {right} right, {wrong} wrong, {missed} missed "
          f"(precision {precision:.3f}, recall {recall:.3f}); "
          f"{len(owners) - len(clear)} spellings left out (shared by two people, or not extracted)")
    for what, pairs in examples.items():
        if pairs:
            print(f"  {what}: " + "; ".join(pairs[:6]) + (" ..." if len(pairs) > 6 else ""))


if __name__ == "__main__":
    main()
