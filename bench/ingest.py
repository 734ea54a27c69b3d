"""Ingest benchmark: `kg ingest` against the raw spaCy pipeline on the same texts, in one run.

For a synthetic corpus (bench/corpus.py) it prints:

* articles/s of the raw ``nlp.pipe`` (the full Newsgraph pipeline, Docs thrown away: no reading,
  no extraction to dataclasses, no mapping, no store) with P processes, and of
  ``kg ingest --jobs P`` into a fresh RocksDB store, for each P, and their ratio (the target is
  >= 0.8 with all cores). Both are wall-clock times of fresh processes that load the pipeline,
  measured alternately on the same files, best of --repeat runs each (the machine is shared:
  other jobs slow single runs down); and the CPU time each spends per article (user + system,
  all processes), which other jobs on the machine barely change;
* store size on disk per 1,000 articles, and the peak RSS of the writer and of each worker for
  a 1,000- and a 10,000-article corpus (memory must stay flat as the corpus grows).

    nice python bench/ingest.py                       # 2,000 articles, P = 1 and 2, 1k vs 10k
    nice python bench/ingest.py --articles 500 --scale 500,2000   # a quicker look
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402

KG = [sys.executable, "-m", "kg.cli"]


# ---------------------------------------------------------------- the raw pipeline
def _raw_worker(files: list[str]) -> int:
    from kg.read.articles import read_seed_file
    from kg.extract import Extractor
    ex = Extractor()
    articles = [read_seed_file(Path(f)) for f in files]
    n = 0
    for _ in ex.nlp.pipe((ex.make_doc(a) for a in articles), batch_size=16):
        n += 1
    return n


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def raw_pipe_rate(files: list[Path], processes: int) -> tuple[float, float]:
    """(articles/s, CPU ms/article) of nlp.pipe alone, ``processes`` fresh processes splitting
    the texts evenly."""
    shares = [[str(f) for f in files[i::processes]] for i in range(processes)]
    ctx = multiprocessing.get_context("spawn")
    cpu = _children_cpu()
    start = time.monotonic()
    pool = ctx.Pool(processes)
    done = sum(pool.map(_raw_worker, shares, chunksize=1))
    elapsed = time.monotonic() - start
    pool.close()
    pool.join()
    assert done == len(files)
    return done / elapsed, (_children_cpu() - cpu) / done * 1000


# ---------------------------------------------------------------- memory of a process tree
def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _is_worker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read()
    except OSError:
        return False
    return b"multiprocessing" in cmd and b"resource_tracker" not in cmd


class TreeSampler(threading.Thread):
    """Polls the RSS of a process and its descendants; keeps the writer's and a worker's peak."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.writer = self.worker = self.total = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            tree, frontier = [], [self.pid]
            while frontier:
                p = frontier.pop()
                tree.append(p)
                frontier += _children(p)
            rss = {p: _rss_mb(p) for p in tree}
            self.writer = max(self.writer, rss.get(self.pid, 0.0))
            workers = [v for p, v in rss.items() if p != self.pid and _is_worker(p)]
            self.worker = max([self.worker, *workers])
            self.total = max(self.total, sum(rss.values()))
            time.sleep(self.interval)


def run_ingest(corpus: Path, store: Path, jobs: int) -> tuple[float, float, TreeSampler, str]:
    """Wall-clock seconds of `kg ingest --jobs J`, its CPU seconds, its memory, its summary line."""
    if store.exists():
        shutil.rmtree(store)
    cpu = _children_cpu()
    start = time.monotonic()
    proc = subprocess.Popen(KG + ["ingest", "--quiet", "--jobs", str(jobs), "--store", str(store), str(corpus)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.monotonic() - start
    sampler.stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"kg ingest failed ({proc.returncode}):\n{err}")
    return elapsed, _children_cpu() - cpu, sampler, err.strip().splitlines()[-1]


def disk_mb(path: Path) -> float:
    """The store's size on disk once reopened (RocksDB then drops the log of flushed writes)."""
    from pyoxigraph import Store
    store = Store(str(path))
    del store
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=2000, help="corpus for the rates")
    p.add_argument("--jobs", default=None, help="comma-separated process counts (default: 1 and the cores)")
    p.add_argument("--scale", default="1000,10000", help="corpus sizes for the memory check")
    p.add_argument("--repeat", type=int, default=2, help="runs of each rate measurement (the best counts)")
    p.add_argument("--workdir", type=Path, default=None)
    args = p.parse_args()
    cores = len(os.sched_getaffinity(0))
    jobs_list = [int(j) for j in args.jobs.split(",")] if args.jobs else sorted({1, cores})
    scales = [int(s) for s in args.scale.split(",")]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    print(f"workdir {work}; {cores} cores; kg ingest vs nlp.pipe on {args.articles} synthetic articles")

    corpus = write_corpus(work / f"corpus{args.articles}", args.articles)
    files = sorted(corpus.glob("*.txt"))
    words = sum(len(f.read_text().split()) for f in files) / len(files)
    print(f"corpus: {len(files)} articles, {words:.0f} words each on average")

    rates: dict[int, tuple[float, float]] = {}
    for jobs in jobs_list:
        raws, ingests = [], []
        for _ in range(args.repeat):  # alternate, so a busy spell on the machine hits both
            raws.append(raw_pipe_rate(files, jobs))
            seconds, cpu, mem, summary = run_ingest(corpus, work / f"store-j{jobs}", jobs)
            ingests.append((len(files) / seconds, cpu / len(files) * 1000))
            print(f"  jobs={jobs}: raw nlp.pipe {raws[-1][0]:5.1f} articles/s ({raws[-1][1]:.0f} ms CPU/article) | "
                  f"kg ingest {ingests[-1][0]:5.1f} articles/s ({ingests[-1][1]:.0f} ms CPU/article)", flush=True)
        raw, raw_cpu = max(raws)
        rate, ingest_cpu = max(ingests)
        rates[jobs] = (raw, rate)
        print(f"jobs={jobs}: raw nlp.pipe {raw:6.1f} articles/s | kg ingest {rate:6.1f} articles/s | ratio {rate / raw:.2f} "
              f"| CPU per article {raw_cpu:.0f} vs {ingest_cpu:.0f} ms (ratio {raw_cpu / ingest_cpu:.2f})")
        print(f"         ({summary}; peak RSS writer {mem.writer:.0f} MB, worker {mem.worker:.0f} MB)", flush=True)
    size = disk_mb(work / f"store-j{jobs_list[-1]}")
    print(f"store on disk: {size:.1f} MB for {len(files)} articles = {size / len(files) * 1000:.1f} MB per 1,000 articles")
    best = max(jobs_list)
    raw, rate = rates[best]
    verdict = "PASS" if rate >= 0.8 * raw else "FAIL"
    print(f"all cores ({best} processes): ingest/raw = {rate / raw:.2f} (target >= 0.80): {verdict}")

    print(f"memory as the corpus grows (kg ingest --jobs {best}):")
    peaks = {}
    for n in scales:
        c = write_corpus(work / f"corpus{n}", n)
        store = work / f"store-scale{n}"
        seconds, _, mem, summary = run_ingest(c, store, best)
        peaks[n] = mem
        size = disk_mb(store)
        print(f"  {n:6d} articles: {n / seconds:5.1f} articles/s | peak RSS writer {mem.writer:6.0f} MB, "
              f"worker {mem.worker:5.0f} MB, all processes {mem.total:6.0f} MB "
              f"| store {size / n * 1000:.1f} MB per 1,000 articles")
    lo, hi = peaks[scales[0]], peaks[scales[-1]]
    print(f"  peak RSS {scales[-1]} vs {scales[0]} articles: writer x{hi.writer / lo.writer:.2f}, "
          f"worker x{hi.worker / lo.worker:.2f}, all x{hi.total / lo.total:.2f}")


if __name__ == "__main__":
    main()
