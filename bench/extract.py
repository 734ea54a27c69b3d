"""How much Newsgraph's extraction costs on top of the raw spaCy pipeline, measured side by side.

    python bench/extract.py [--articles 300] [--rounds 3] [--batch-size 16] [--dir FOLDER]

Both run in this process on the same articles: the raw statistical pipeline in use
(``kg.extract.pipeline.load_statistical_model``: en_core_web_md unless ``KG_SPACY_MODEL`` says otherwise, its
``nlp.pipe``) and Newsgraph's ``Extractor.extract_many`` (the same pipeline plus the rule
components plus building the dataclasses). The articles are synthetic (bench/corpus.py), or the
ones of ``--dir`` (real news, e.g. the team's dev set, whose long sentences cost the rules more).
Rounds alternate raw/ours so a noisy machine hurts both alike; the best round of each is compared
(wall and CPU time). Target: extraction at most 1.5x the raw pipeline's time.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_corpus  # noqa: E402
from kg.read.articles import Article, read_paths  # noqa: E402
from kg.extract import Extractor  # noqa: E402
from kg.extract.pipeline import load_statistical_model  # noqa: E402


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--dir", type=Path, help="a folder of articles to use instead of synthetic ones")
    args = ap.parse_args()

    if args.dir is not None:
        articles = [a for a in read_paths([args.dir]) if isinstance(a, Article)]
        what = f"{len(articles)} articles of {args.dir}"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            write_corpus(Path(tmp) / "corpus", args.articles)
            articles = [a for a in read_paths([Path(tmp) / "corpus"]) if isinstance(a, Article)]
        what = f"{len(articles)} synthetic articles"
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    raw = load_statistical_model()
    ours = Extractor()
    # warm both up (first calls allocate)
    list(raw.pipe(texts[:8]))
    list(ours.extract_many(articles[:8]))

    raw_runs, our_runs = [], []
    failures = 0
    for _ in range(args.rounds):
        raw_runs.append(timed(lambda: list(raw.pipe(texts, batch_size=args.batch_size))))
        results = []
        our_runs.append(timed(lambda: results.extend(ours.extract_many(articles, batch_size=args.batch_size))))
        failures = sum(isinstance(x, Exception) for _, x in results)

    rw, rc = min(r[0] for r in raw_runs), min(r[1] for r in raw_runs)
    ow, oc = min(r[0] for r in our_runs), min(r[1] for r in our_runs)
    n = len(articles)
    meta = raw.meta
    print(f"model: {meta.get('lang')}_{meta.get('name')} {meta.get('version')}")
    print(f"corpus: {what}, {words:,} words, batch size {args.batch_size}, best of {args.rounds} rounds")
    print(f"{'':28s} {'articles/s':>11s} {'words/s':>10s} {'wall s':>8s} {'cpu s':>8s}")
    print(f"{'raw spaCy nlp.pipe':28s} {n / rw:11.1f} {words / rw:10.0f} {rw:8.2f} {rc:8.2f}")
    print(f"{'Newsgraph extract_many':28s} {n / ow:11.1f} {words / ow:10.0f} {ow:8.2f} {oc:8.2f}")
    print(f"ratio extraction/raw: wall {ow / rw:.2f}x  cpu {oc / rc:.2f}x  (target <= 1.5x)")
    if failures:
        print(f"WARNING: {failures} articles failed extraction")


if __name__ == "__main__":
    main()
