"""Crash safety: `kill -9` at random points of `kg ingest` leaves a store that opens and holds only
whole articles, and a re-run finishes the job without duplicates; a dead worker does not stop it.

The runs are real `kg ingest --jobs 2` processes (a writer and two spaCy workers) on a RocksDB
store. Each kill waits for a random point of the progress bar, then for a random delay, so kills
land while articles are being extracted, mapped and written. Every article graph found after a
kill must equal, quad for quad, that article's graph in an uninterrupted run.
"""
from __future__ import annotations

import os
import random
import re
import resource
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from bench.corpus import CorpusGenerator, write_corpus
from pyoxigraph import RdfFormat, parse

from kg.iris import Minter
from kg.ingest.pool import WORKER_DIED
from kg.resolve.resolver import unresolved
from tests.conftest import BASE, KG, ROOT
from tests.test_ingest import stored_graphs

N = 48
PROGRESS = re.compile(r"(\d+)/(\d+) \[")


class Ingest:
    """`kg ingest --jobs 2` in its own process group, its progress read from stderr as it runs."""

    def __init__(self, store: Path, corpus: Path) -> None:
        self.proc = subprocess.Popen(KG + ["ingest", "--jobs", "2", "--store", str(store), str(corpus)],
                                     cwd=ROOT, env={**os.environ, "KG_BASE_IRI": BASE}, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.stderr = b""
        self.done = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while chunk := os.read(self.proc.stderr.fileno(), 65536):
            self.stderr += chunk
            counts = PROGRESS.findall(chunk.decode("utf-8", "replace"))
            if counts:
                self.done = int(counts[-1][0])

    def wait_for(self, n: int, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while self.done < n and self.proc.poll() is None:
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.02)

    def workers(self) -> list[int]:
        pids = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                pass
        return pids

    def finish(self) -> subprocess.CompletedProcess:
        rc = self.proc.wait(timeout=600)
        self._reader.join(timeout=10)
        self.proc.stderr.close()
        return subprocess.CompletedProcess(self.proc.args, rc, "", self.stderr.decode("utf-8", "replace"))


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def assert_whole_articles(store: Path, *references: dict[str, frozenset[str]]) -> int:
    """The store opens, and each of its article graphs is one reference's graph, quad for quad,
    but for the IRIs cross-article resolution gives entities: a run killed before it settled has
    not yet re-resolved the articles written first (the next run does)."""
    graphs = stored_graphs(store)
    for g, quads in graphs.items():
        assert any(_as_extracted(quads) == _as_extracted(ref.get(g)) for ref in references if ref.get(g)), \
            f"{g} is not a whole article"
    return len(graphs)


def _as_extracted(lines: frozenset[str]) -> frozenset[str]:
    quads = list(parse("".join(line + " .\n" for line in lines).encode(), format=RdfFormat.N_QUADS))
    return frozenset(str(q) for q in unresolved(quads, Minter(BASE)))


def kill_at_random_points(store: Path, corpus: Path, rng: random.Random, runs: int, *refs,
                          at_least: int = 0) -> None:
    for run in range(runs):
        ingest = Ingest(store, corpus)
        ingest.wait_for(rng.randrange(0, N))
        time.sleep(rng.uniform(0, 0.4))
        workers = ingest.workers()
        if run % 2:
            os.killpg(ingest.proc.pid, signal.SIGKILL)  # the whole job: writer and workers
        else:
            os.kill(ingest.proc.pid, signal.SIGKILL)  # the writer only: workers must not linger
        ingest.finish()
        deadline = time.monotonic() + 15
        while any(alive(p) for p in workers):
            assert time.monotonic() < deadline, f"workers outlived the killed ingest: {workers}"
            time.sleep(0.1)
        assert assert_whole_articles(store, *refs) >= at_least


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("crash") / "corpus", N)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> tuple[Path, dict[str, frozenset[str]]]:
    store = tmp_path_factory.mktemp("reference") / "db"
    r = Ingest(store, corpus).finish()
    assert r.returncode == 0, r.stderr
    graphs = stored_graphs(store)
    assert len(graphs) == N
    return store, graphs


def test_sigkill_at_random_points_then_rerun(corpus, reference, tmp_path):
    _, ref = reference
    store = tmp_path / "db"
    kill_at_random_points(store, corpus, random.Random(8), 5, ref)
    stored = len(stored_graphs(store))
    r = Ingest(store, corpus).finish()
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith(f"{N - stored} ingested, {stored} unchanged, 0 failed")
    assert stored_graphs(store) == ref


def test_sigkill_while_replacing_changed_articles(corpus, reference, tmp_path):
    ref_store, ref = reference
    changed = tmp_path / "changed"
    shutil.copytree(corpus, changed)
    for f in changed.glob("*.txt"):
        f.write_text(f.read_text().rstrip() + "\n\nThe talks were also attended by Ambassador Karim Haddad.\n")
    # the uninterrupted replacement run, from a copy of the reference store
    shutil.copytree(ref_store, tmp_path / "ref2")
    r = Ingest(tmp_path / "ref2", changed).finish()
    assert r.returncode == 0 and r.stderr.strip().splitlines()[-1].startswith(f"{N} ingested"), r.stderr
    ref2 = stored_graphs(tmp_path / "ref2")
    assert all(ref2[g] != ref[g] for g in ref)
    store = tmp_path / "db"
    shutil.copytree(ref_store, store)
    # each article is its old or its new version, never a part, never missing
    kill_at_random_points(store, changed, random.Random(9), 3, ref, ref2, at_least=N)
    assert Ingest(store, changed).finish().returncode == 0
    assert stored_graphs(store) == ref2


def test_a_killed_worker_does_not_stop_the_batch(corpus, reference, tmp_path):
    _, ref = reference
    ingest = Ingest(tmp_path / "db", corpus)
    ingest.wait_for(6)
    workers = ingest.workers()
    assert workers, "no worker processes"
    os.kill(max(workers), signal.SIGKILL)  # the newest child: a worker, not the resource tracker
    r = ingest.finish()
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stderr.strip().splitlines()[-1].startswith(f"{N} ingested, 0 unchanged, 0 failed")
    assert stored_graphs(tmp_path / "db") == ref


def test_an_article_that_kills_its_worker_is_reported_and_the_rest_ingested(tmp_path):
    """A CPU-time limit (RLIMIT_CPU, inherited by the workers) makes the kernel kill the worker
    that reads a very long article; it is re-run alone, killed again, and reported. The article
    needs twice the limit on a fast machine (400,000 characters, 30 s of CPU; the test raises
    the size limit for it): 190,000 took 11 s, and a fast enough machine finished it in time."""
    src = tmp_path / "in"
    write_corpus(src, 12)
    body = "\n\n".join(a.body for a in CorpusGenerator(seed=3).articles(600))[:400_000]
    (src / "zz_long.txt").write_text(f" date 2020-01-01 A very long article\n\n{body}")

    def limit_cpu() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (15, 15))

    r = subprocess.run(KG + ["ingest", "--quiet", "--jobs", "2", "--store", str(tmp_path / "db"), str(src)],
                       cwd=ROOT, env={**os.environ, "KG_BASE_IRI": BASE, "KG_MAX_ARTICLE_BYTES": "1000000"},
                       capture_output=True, text=True, preexec_fn=limit_cpu, timeout=600)
    assert r.returncode == 1, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: {src / 'zz_long.txt'}: extraction failed: {WORKER_DIED}"]
    assert r.stderr.strip().splitlines()[-1].startswith("12 ingested, 0 unchanged, 1 failed")
