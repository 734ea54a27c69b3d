"""The writer's atomicity under `kill -9`, with kills that land mid-write.

`kg ingest` spends most of its time waiting for spaCy, so few random kills of it land while an
article is being written (tests/test_crash.py kills it anyway). Here a process does nothing but
replace article-sized graphs through GraphStore.replace_graph, first creating them (the
``extend`` path) and then replacing them (the ``DROP`` + ``INSERT DATA`` update path), and is
killed at random moments many times: every graph found afterwards must be one whole version, and
no graph may vanish (as it would if the old version were removed and the new one not yet written).
"""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

from pyoxigraph import NamedNode

from kg.store.local import GraphStore
from tests.conftest import ROOT

GRAPHS, QUADS = 6, 3000
WRITER = f"""
import sys
from pyoxigraph import Literal, NamedNode, Quad
from kg.store.local import GraphStore
store = GraphStore.open(sys.argv[1])
version, start = int(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
while True:
    for n in range({GRAPHS}):
        k = (start + n) % {GRAPHS}
        g = NamedNode(f"http://example.org/article/{{k}}")
        quads = [Quad(NamedNode(f"http://example.org/e/{{k}}/{{i}}"), NamedNode("http://example.org/version"),
                      Literal(str(version)), g) for i in range({QUADS})]
        store.replace_graph(g.value, quads)
    version += 1
"""


def versions_per_graph(path) -> dict[str, set[str]]:
    store = GraphStore.open(path)  # the store must open after a kill
    out: dict[str, list[str]] = {}
    for q in store.quads(None, NamedNode("http://example.org/version"), None, None):
        out.setdefault(q.graph_name.value, []).append(q.object.value)
    del store
    for g, values in out.items():
        assert len(values) == QUADS, f"{g} holds {len(values)} of {QUADS} quads: not whole"
    return {g: set(v) for g, v in out.items()}


def test_graphs_are_whole_after_kills_mid_write(tmp_path):
    rng = random.Random(4)
    path = tmp_path / "db"
    version = 0
    existing: set[str] = set()
    for run in range(12):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(version * 1000), str(run)],
                                cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        found = versions_per_graph(path)
        for g, values in found.items():
            assert len(values) == 1, f"{g} mixes versions {sorted(values)}"
        # a graph once written is never lost: replacing it is one step, not remove-then-insert
        assert existing <= set(found), f"graphs lost by a kill: {sorted(existing - set(found))}"
        existing = set(found)
        version += 1
    assert len(found) == GRAPHS  # every graph was created, then replaced by later runs
    assert len({v for values in found.values() for v in values}) > 1
