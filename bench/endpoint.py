#!/usr/bin/env python3
"""Benchmark of the SPARQL endpoint against its peers, measured side by side in one run.

    .venv/bin/python bench/endpoint.py                    # 10k synthetic articles, c=1 and c=8, 20 s each
    .venv/bin/python bench/endpoint.py --articles 2000 --duration 10 --no-virtuoso

What it does (everything under bench/out/, which git ignores):
1. data: ``shared/tools/synth_news_kg.py --articles N`` (N-Quads, one named graph per article);
2. loads it into a Newsgraph store (RocksDB, through ``kg.store.local.GraphStore``) and into each peer;
3. serves it with ``kg serve`` (waitress + query worker processes), ``oxigraph serve
   --union-default-graph`` (PyPI ``oxigraph``, installed by this script in bench/out/venv-oxigraph)
   and, where it installs (Debian ``virtuoso-opensource``, with apt-get as root), Virtuoso;
4. runs the shared query mix (``shared/tools/queries``) with ``shared/tools/sparql_load.py`` at
   concurrency 1 and 8 on each, one server at a time, and prints QPS, p50, p99 and every ratio;
5. streams a 1,000,000-row SELECT from ``kg serve`` (with the write token: uncapped) and reports the
   server's peak RSS growth (the server process and its workers, sampled every 20 ms).

Figures are only comparable within one run on one machine; run it with ``nice`` on a shared box.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
TOKEN = "bench-token"


def shared_tools() -> Path:
    from bench.shared import shared_tools as find
    return find("bench/endpoint.py (the synthetic corpus, the load generator and the query mix)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg: str) -> None:
    print(f"# {msg}", flush=True)


def wait_http(url: str, timeout: float = 600, ok=lambda body: True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if ok(r.read()):
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout}s")


# ------------------------------------------------------------------------------------------ data
def make_data(articles: int) -> Path:
    nq = OUT / f"news{articles}.nq"
    if not nq.exists():
        log(f"generating {articles} synthetic articles -> {nq}")
        subprocess.run([PY, str(shared_tools() / "synth_news_kg.py"), "--articles", str(articles), "--out",
                        str(nq) + ".tmp"], check=True)
        os.replace(str(nq) + ".tmp", nq)
    return nq


def newsgraph_store(nq: Path) -> Path:
    path = OUT / f"{nq.stem}-newsgraph-store"
    done = path / ".loaded"
    if not done.exists():
        shutil.rmtree(path, ignore_errors=True)
        sys.path.insert(0, str(ROOT))

        from kg.store.local import GraphStore
        t0 = time.monotonic()
        store = GraphStore.open(path)
        store.bulk_load(nq)
        store.flush()
        n = len(store)
        del store
        done.write_text(str(n))
        log(f"loaded {n} quads into the Newsgraph store in {time.monotonic() - t0:.1f}s")
    return path


# --------------------------------------------------------------------------------------- servers
class Server:
    name = ""
    url = ""
    proc: subprocess.Popen | None = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class Newsgraph(Server):
    name = "newsgraph"

    def __init__(self, store: Path, workers: int | None) -> None:
        port = free_port()
        env = {**os.environ, "KG_WRITE_TOKEN": TOKEN, "KG_BASE_IRI": "https://w3id.org/newsgraph/",
               "KG_MAX_ROWS": "0"}  # peers return every row: so do we, to compare like with like
        if workers is not None:
            env["KG_QUERY_WORKERS"] = str(workers)
        self.log = open(OUT / "newsgraph-serve.log", "w")
        self.proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "kg"), "serve", "--store", str(store), "--port",
                                      str(port)], env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.url = f"http://127.0.0.1:{port}/sparql"
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/healthz", ok=lambda b: (lambda h: h["query_workers"].get("idle") ==
                                                     h["query_workers"].get("workers"))(json.loads(b)))


class Oxigraph(Server):
    name = "oxigraph"

    def __init__(self, nq: Path) -> None:
        venv = OUT / "venv-oxigraph"
        exe = venv / "bin" / "oxigraph"
        if not exe.exists():
            log("installing oxigraph (PyPI) into bench/out/venv-oxigraph")
            subprocess.run([PY, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                            "oxigraph==0.5.13"], check=True)
        loc = OUT / f"{nq.stem}-oxigraph-store"
        if not (loc / ".loaded").exists():
            shutil.rmtree(loc, ignore_errors=True)
            t0 = time.monotonic()
            subprocess.run([str(exe), "load", "--location", str(loc), "--file", str(nq)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            (loc / ".loaded").write_text("ok")
            log(f"loaded into oxigraph in {time.monotonic() - t0:.1f}s")
        port = free_port()
        self.log = open(OUT / "oxigraph-serve.log", "w")
        self.proc = subprocess.Popen([str(exe), "serve", "--location", str(loc), "--bind",
                                      f"127.0.0.1:{port}", "--union-default-graph"],
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{port}/query"
        wait_http(self.url + "?query=ASK%7B%7D")


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = {isql}
CheckpointInterval = 60
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 2G
ServerThreads = 20
DirsAllowed = ., {data}, /usr/share/virtuoso-opensource-7/vad
[HTTPServer]
ServerPort = {http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 20
MaxClientConnections = 20
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
DefaultQuery = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
"""


class Virtuoso(Server):
    name = "virtuoso"

    def __init__(self, nq: Path) -> None:
        exe = shutil.which("virtuoso-t")
        if exe is None:
            if os.geteuid() != 0:
                raise RuntimeError("virtuoso-opensource is not installed and this is not root")
            log("installing virtuoso-opensource with apt-get")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            r = subprocess.run(["apt-get", "install", "-y", "-qq", "virtuoso-opensource"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode != 0:
                subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
                subprocess.run(["apt-get", "install", "-y", "-qq", "virtuoso-opensource"], env=env, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            exe = shutil.which("virtuoso-t")
            if exe is None:
                raise RuntimeError("virtuoso-t not found after installing virtuoso-opensource")
        d = OUT / f"{nq.stem}-virtuoso"
        fresh = not (d / ".loaded").exists()
        if fresh:
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
        isql_port, http_port = free_port(), free_port()
        (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=d, data=nq.parent, isql=isql_port, http=http_port))
        self.proc = subprocess.Popen([exe, "+foreground", "+configfile", str(d / "virtuoso.ini")], cwd=d,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.url = f"http://127.0.0.1:{http_port}/sparql"
        wait_http(self.url + "?query=ASK%7B%7D", timeout=120)
        if fresh:
            t0 = time.monotonic()
            isql = shutil.which("isql-vt") or shutil.which("isql")
            script = (f"ld_dir('{nq.parent}', '{nq.name}', 'urn:default');\nrdf_loader_run();\ncheckpoint;\n")
            subprocess.run([isql, str(isql_port), "dba", "dba"], input=script, text=True, check=True,
                           stdout=subprocess.DEVNULL)
            (d / ".loaded").write_text("ok")
            log(f"loaded into Virtuoso in {time.monotonic() - t0:.1f}s")


# ------------------------------------------------------------------------------------------ load
def load(server: Server, concurrency: int, duration: float, queries: Path) -> dict:
    out = OUT / f"load-{server.name}-c{concurrency}.json"
    cmd = [PY, str(shared_tools() / "sparql_load.py"), "--url", server.url, "--queries", str(queries),
           "-c", str(concurrency), "-d", str(duration), "--warmup", "3", "--timeout", "120", "--json", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write("".join(f"  {line}\n" for line in r.stdout.splitlines() if "validate" in line or "RESULT" in line))
    if r.returncode != 0 or not out.exists():
        raise RuntimeError(f"sparql_load failed on {server.name}: {r.stderr[-500:]}")
    data = json.loads(out.read_text())
    bad = [v for v in data["validation"] if not (v["status"] and 200 <= v["status"] < 300)]
    return {**data["result"], "invalid": [v["name"] for v in bad]}


# ---------------------------------------------------------------------------------------- memory
def tree_rss(pid: int) -> int:
    """RSS in bytes of a process and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(p.name))
    total, todo = 0, [pid]
    while todo:
        q = todo.pop()
        try:
            for line in Path(f"/proc/{q}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        todo += children.get(q, [])
    return total


def stream_million(server: Newsgraph, rows: int = 1_000_000) -> dict:
    """Stream a SELECT of ``rows`` rows (TSV, uncapped with the token) and watch the server's RSS."""
    query = f"SELECT ?s ?p ?o ?x WHERE {{ VALUES ?x {{ 1 2 3 4 }} ?s ?p ?o }} LIMIT {rows}"
    assert server.proc is not None
    base = tree_rss(server.proc.pid)
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(server.proc.pid))
            time.sleep(0.02)

    threading.Thread(target=sample, daemon=True).start()
    req = urllib.request.Request(server.url, data=query.encode(), method="POST", headers={
        "Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values",
        "Authorization": f"Bearer {TOKEN}"})
    t0 = time.monotonic()
    got, nbytes, tail = 0, 0, b""
    with urllib.request.urlopen(req, timeout=600) as r:
        while chunk := r.read(1 << 16):
            nbytes += len(chunk)
            got += chunk.count(b"\n")
            tail = chunk[-1:]
    took = time.monotonic() - t0
    done.set()
    time.sleep(0.05)
    return {"rows": got - 1, "bytes": nbytes, "seconds": took, "rss_base_mb": base / 2**20,
            "rss_peak_mb": peak[0] / 2**20, "rss_growth_mb": (peak[0] - base) / 2**20, "ends_with_newline": tail == b"\n"}


# ------------------------------------------------------------------------------------------ main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--duration", type=float, default=20.0, help="measured seconds per run")
    ap.add_argument("--concurrency", default="1,8")
    ap.add_argument("--workers", type=int, default=None, help="KG_QUERY_WORKERS for kg serve (default: its own)")
    ap.add_argument("--no-oxigraph", action="store_true")
    ap.add_argument("--no-virtuoso", action="store_true")
    ap.add_argument("--no-memory", action="store_true", help="skip the 1M-row streaming measurement")
    ap.add_argument("--json", default=str(OUT / "endpoint.json"))
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    conc = [int(c) for c in args.concurrency.split(",")]
    queries = shared_tools() / "queries"
    nq = make_data(args.articles)
    results: dict[str, dict[int, dict]] = {}
    extra: dict[str, object] = {"articles": args.articles, "duration": args.duration, "cpus": os.cpu_count()}

    systems = [("newsgraph", lambda: Newsgraph(newsgraph_store(nq), args.workers))]
    if not args.no_oxigraph:
        systems.append(("oxigraph", lambda: Oxigraph(nq)))
    if not args.no_virtuoso:
        systems.append(("virtuoso", lambda: Virtuoso(nq)))
    for name, start in systems:
        log(f"starting {name}")
        try:
            server = start()
        except Exception as e:  # noqa: BLE001 - a peer that does not install is reported, not fatal
            log(f"{name} unavailable: {e}")
            extra[f"{name}_error"] = str(e)
            continue
        try:
            results[name] = {}
            for c in conc:
                log(f"{name} c={c}")
                results[name][c] = load(server, c, args.duration, queries)
            if name == "newsgraph" and not args.no_memory:
                log("streaming a 1,000,000-row SELECT from kg serve")
                extra["stream"] = stream_million(server)
        finally:
            server.stop()

    print()
    print(f"{'system':10s} {'c':>3s} {'QPS':>8s} {'p50 ms':>9s} {'p99 ms':>9s} {'errors':>7s}  invalid")
    for name, by_c in results.items():
        for c, r in by_c.items():
            print(f"{name:10s} {c:3d} {r['qps']:8.1f} {r['p50_ms']:9.1f} {r['p99_ms']:9.1f} {r['errors']:7d}  "
                  f"{','.join(r['invalid']) or '-'}")
    print()
    ours = results.get("newsgraph", {})
    for peer in ("oxigraph", "virtuoso"):
        for c in conc:
            if peer in results and c in results[peer] and c in ours:
                o, p = ours[c], results[peer][c]
                print(f"newsgraph/{peer} c={c}: QPS ratio {o['qps'] / p['qps']:.2f}x   "
                      f"p50 ratio {o['p50_ms'] / p['p50_ms']:.2f}x   p99 ratio {o['p99_ms'] / p['p99_ms']:.2f}x")
    goals = []
    if "oxigraph" in results and 8 in ours and 8 in results["oxigraph"]:
        o, p = ours[8], results["oxigraph"][8]
        goals.append(f"c=8 QPS >= 1.0x oxigraph: {'met' if o['qps'] >= p['qps'] else 'NOT met'}; "
                     f"p99 no worse: {'met' if o['p99_ms'] <= p['p99_ms'] else 'NOT met'}")
    if "oxigraph" in results and 1 in ours and 1 in results["oxigraph"]:
        goals.append(f"c=1 QPS >= 0.9x oxigraph: "
                     f"{'met' if ours[1]['qps'] >= 0.9 * results['oxigraph'][1]['qps'] else 'NOT met'}")
    for g in goals:
        print("goal " + g)
    if "stream" in extra:
        s = extra["stream"]
        print(f"\nstream: {s['rows']} rows, {s['bytes'] / 2**20:.0f} MiB TSV in {s['seconds']:.1f}s; server RSS "
              f"{s['rss_base_mb']:.0f} -> peak {s['rss_peak_mb']:.0f} MiB (growth {s['rss_growth_mb']:.0f} MiB, "
              f"goal < 200: {'met' if s['rss_growth_mb'] < 200 else 'NOT met'})")
    Path(args.json).write_text(json.dumps({"results": results, **extra}, indent=1, default=str))


if __name__ == "__main__":
    main()
