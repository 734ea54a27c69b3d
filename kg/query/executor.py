"""Query execution with a hard timeout, bounded memory and streamed results.

pyoxigraph cannot cancel a running query (oxigraph issue 1926): a thread that runs one runs it to
the end. So queries run in **worker processes**, which can be killed:

- each worker holds a read-only replica of the data in an in-memory Oxigraph store, loaded from an
  N-Quads snapshot of the primary store (on disk or in memory) that the server process writes;
  the in-memory store also answers the benchmark mix 3-6x faster than RocksDB does;
- a request takes an idle worker (waiting at most the timeout, else :class:`Overloaded`, 503),
  sends it the query, and reads the serialised result back in chunks through a pipe, so nothing
  holds a whole result: the worker blocks when the pipe is full, the pipe drains as the HTTP
  server writes to the client;
- past the deadline (``KG_QUERY_TIMEOUT``) the worker is killed (SIGKILL) and replaced, the client
  gets :class:`QueryTimeout` (504), and the other workers keep answering;
- the replicas follow writes: the primary's ``data_version`` is compared before each query; when it
  moved, a new snapshot is written and each worker reloads it before its next query, so a query
  sent after a write has returned sees that write (read-your-writes).

Writes (SPARQL Update, Graph Store Protocol) go to the primary store in the server process.

The executor is an optional layer: :func:`make_executor` gives an :class:`InlineExecutor` (queries
run in the calling thread, results spooled to a temporary file, no hard timeout) for a store that
is not a local Oxigraph one (e.g. a remote SPARQL backend, which enforces its own limits) or when
``KG_QUERY_WORKERS=0``.
"""
from __future__ import annotations

import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from multiprocessing.connection import Connection

from kg.query import formats
from kg.errors import NewsgraphError, NotAcceptable, Overloaded, QueryFailed, QuerySyntaxError, QueryTimeout  # noqa: F401
from kg.query.results import HTML_INTERNAL, Outcome, write_result

log = logging.getLogger("newsgraph.executor")

#: Bytes a worker gathers before its first send: a result that fits (most do) is complete, with
#: its status known, before the HTTP status line is written.
FIRST_CHUNK = 64 * 1024
CHUNK = 64 * 1024


@dataclass
class QueryJob:
    """Everything a worker needs to answer one query; picklable.

    ``formats`` maps each result kind to a format name (``"html"`` for the internal form an HTML
    page is built from) or is missing the kind, with ``refusals[kind]`` the 406 message.
    """

    query: str
    formats: dict[str, str]
    refusals: dict[str, str] = field(default_factory=dict)
    default_graph: list[str] | None = None
    named_graphs: list[str] | None = None
    substitutions: dict[str, Any] | None = None
    base_iri: str | None = None
    max_rows: int | None = None
    truncation_link: str = ""


def _format_for(job: QueryJob, kind: str) -> formats.Format:
    name = job.formats.get(kind)
    if name is None:
        raise NotAcceptable(job.refusals.get(kind) or f"no acceptable format for a {kind.upper()} result")
    return formats.get(HTML_INTERNAL[kind] if name == "html" else name)


def evaluate(store: Any, job: QueryJob, write: Any, on_head: Any) -> Outcome:
    """Run ``job`` on a :class:`kg.store.local.GraphStore` and write the result; raises named errors."""
    try:
        result = store.query(job.query, substitutions=job.substitutions, default_graph=job.default_graph,
                             named_graphs=job.named_graphs, base_iri=job.base_iri)
    except (QuerySyntaxError, NewsgraphError):
        raise
    except (OSError, RuntimeError, ValueError, TypeError) as e:
        raise QueryFailed(f"the query cannot be evaluated: {e}") from None
    try:
        return write_result(result, lambda kind: _format_for(job, kind), write, max_rows=job.max_rows,
                            on_head=on_head, truncation_link=job.truncation_link)
    except NewsgraphError:
        raise
    except (OSError, RuntimeError, ValueError, TypeError, SyntaxError) as e:
        raise QueryFailed(f"the query failed during evaluation: {e}") from None


# ------------------------------------------------------------------------------------ the worker
def _worker_main(conn: Any, snapshot: str, version: str, memory_mb: int) -> None:  # pragma: no cover - child
    """Entry point of a worker process: load the snapshot, then answer queries until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb > 0:
        import resource
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    parent = os.getppid()

    def watchdog() -> None:  # a busy worker must not outlive a killed server
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        store = _load(snapshot)
    except FileNotFoundError:  # a newer snapshot replaced it meanwhile: the parent starts another worker
        return
    conn.send(("ready", version))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg[0] == "load":
            store = None
            try:
                store = _load(msg[1])
            except FileNotFoundError:
                return
            conn.send(("ready", msg[2]))
        elif msg[0] == "query":
            _answer(conn, store, msg[1])


def _load(snapshot: str) -> Any:
    from pyoxigraph import RdfFormat, Store

    from kg.store.local import GraphStore
    s = Store()
    if os.path.getsize(snapshot):
        s.bulk_load(path=snapshot, format=RdfFormat.N_QUADS)
    return GraphStore(s, None)


def _answer(conn: Any, store: Any, job: QueryJob) -> None:  # pragma: no cover - child
    buf = bytearray()
    sent = [False]

    def write(data: bytes) -> None:
        buf.extend(data)
        if len(buf) >= (CHUNK if sent[0] else FIRST_CHUNK):
            conn.send(("data", bytes(buf)))
            buf.clear()
            sent[0] = True

    def on_head(out: Outcome) -> None:
        conn.send(("head", out))

    try:
        out = evaluate(store, job, write, on_head)
    except NewsgraphError as e:
        conn.send(("error", e.status, type(e).__name__, str(e)))
        return
    except MemoryError:
        conn.send(("error", 503, "Overloaded", "the query needed more memory than a query worker may use "
                                               "(KG_WORKER_MEMORY_MB)"))
        return
    conn.send(("end", out, bytes(buf)))  # the last bytes ride with the end: a small result is one message


# ------------------------------------------------------------------------------------ the parent
class _Worker:
    """A worker process (``python -m kg.query.executor``, so it never re-imports the server's main
    module) and the socket it talks on, with multiprocessing's message framing."""

    def __init__(self, snapshot: str, version: str, memory_mb: int) -> None:
        ours, theirs = socket.socketpair()
        fd = theirs.fileno()
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.query.executor", str(fd), snapshot, version, str(memory_mb)],
                                     pass_fds=[fd], stdin=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.version = ""
        self._kill_lock = threading.Lock()   # the executor's close and a starter thread may both kill

    def is_alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, timeout: float) -> bool:
        try:
            if not self.conn.poll(timeout):
                return False
            msg = self.conn.recv()
        except (EOFError, OSError):
            return False
        if msg[0] != "ready":
            return False
        self.version = msg[1]
        return True

    def kill(self) -> None:
        """Stop the process and close its socket, once, whichever thread asks first."""
        with self._kill_lock:
            try:
                self.proc.kill()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):  # already gone
                pass
            if not self.conn.closed:
                self.conn.close()


class Execution:
    """One running query: its outcome (kind, format, rows, truncation) and its bytes, streamed.

    Iterating yields the bytes; ``close()`` must be called (WSGI servers do, through the
    response) even when nothing was read, as for HEAD or a client that went away: it gives the
    worker back, after draining what it still sends, or kills it.
    """

    def __init__(self, chunks: Iterator[bytes], outcome: Outcome, abandon: Any = None) -> None:
        self._chunks = chunks
        self.outcome = outcome
        self._abandon = abandon

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close:
            close()
        if self._abandon is not None:
            self._abandon()


class ProcessExecutor:
    """A pool of killable worker processes over in-memory replicas of a local Oxigraph store."""

    def __init__(self, store: Any, workers: int = 2, timeout: float = 30.0, memory_mb: int = 0,
                 load_timeout: float = 600.0) -> None:
        self.store = store
        self.size = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.load_timeout = load_timeout
        self._dir = tempfile.mkdtemp(prefix="kg-snapshot-")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._snapshot_lock = threading.Lock()
        self._snapshot: tuple[str, str] = ("", "")
        self._all: set[_Worker] = set()
        self._closed = False
        self._serial = 0
        self.kills = 0
        self._refresh()
        for _ in range(self.size):
            self._spawn()

    # -- snapshots
    def _refresh(self) -> tuple[str, str]:
        """Write a new snapshot if the primary's data version moved; returns (path, version)."""
        with self._snapshot_lock:
            version = self.store.data_version
            if version == self._snapshot[1]:
                return self._snapshot
            from pyoxigraph import RdfFormat
            self._serial += 1
            path = os.path.join(self._dir, f"snapshot-{self._serial}.nq")
            started = time.monotonic()
            self.store.dump(path, format=RdfFormat.N_QUADS)
            old = self._snapshot[0]
            self._snapshot = (path, version)
            if old:
                os.unlink(old)  # workers already loading it keep their open handle
            log.info("snapshot %s written in %.2fs (%d bytes)", version, time.monotonic() - started,
                     os.path.getsize(path))
            return self._snapshot

    # -- workers
    def _spawn(self) -> None:
        """Start a worker in the background; it joins the idle queue once loaded."""
        path, version = self._snapshot
        worker = _Worker(path, version, self.memory_mb)
        self._all.add(worker)

        def wait() -> None:
            if worker.wait_ready(self.load_timeout) and not self._closed:
                self._idle.put(worker)
            else:
                self._discard(worker, respawn=not self._closed)

        threading.Thread(target=wait, daemon=True, name="kg-worker-start").start()

    def _discard(self, worker: _Worker, respawn: bool = True) -> None:
        worker.kill()
        self._all.discard(worker)
        if respawn and not self._closed:
            self._spawn()

    def _acquire(self) -> _Worker:
        path, version = self._refresh()
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise Overloaded(f"all {self.size} query workers stayed busy for {self.timeout:g}s; "
                                 "try again later") from None
            if not worker.is_alive():  # died while idle: replace it, take another
                self._discard(worker)
                continue
            if worker.version != version:
                try:
                    worker.conn.send(("load", path, version))
                    ok = worker.wait_ready(self.load_timeout)
                except (OSError, EOFError):
                    ok = False
                if not ok:
                    self._discard(worker)
                    raise Overloaded("a query worker failed to load the current data; it is being restarted")
            return worker

    # -- queries
    def run(self, job: QueryJob) -> Execution:
        """Start ``job``; returns once its outcome is known or its first bytes are ready."""
        worker = self._acquire()
        deadline = time.monotonic() + self.timeout
        try:
            worker.conn.send(("query", job))
        except (OSError, EOFError):
            self._discard(worker)
            raise Overloaded("a query worker died; it is being restarted") from None
        outcome: Outcome | None = None
        pending: list[bytes] = []
        while True:
            msg = self._recv(worker, deadline)
            if msg[0] == "head":
                outcome = msg[1]
            elif msg[0] == "data":
                pending.append(msg[1])
                break
            elif msg[0] == "end":
                outcome = msg[1]
                pending.append(msg[2])
                self._idle.put(worker)
                return Execution(iter(pending), outcome)
            elif msg[0] == "error":
                self._idle.put(worker)
                raise _error(msg[1], msg[2], msg[3])
        assert outcome is not None
        settled = [False]

        def abandon() -> None:  # closed before the end: drain in the background, then reuse or kill
            if not settled[0]:
                settled[0] = True
                threading.Thread(target=self._drain, args=(worker, deadline), daemon=True).start()

        return Execution(self._stream(worker, deadline, pending, outcome, settled), outcome, abandon)

    def _recv(self, worker: _Worker, deadline: float) -> tuple:
        remaining = deadline - time.monotonic()
        try:
            ready = remaining > 0 and worker.conn.poll(remaining)
            if ready:
                return worker.conn.recv()
        except (EOFError, OSError):
            self._discard(worker)
            raise Overloaded("the query worker died while evaluating this query (it may have run out of "
                             "memory); it is being restarted") from None
        self.kills += 1
        self._discard(worker)
        raise QueryTimeout(f"the query ran longer than {self.timeout:g}s (KG_QUERY_TIMEOUT) and was stopped; "
                           "narrow it (LIMIT, more specific patterns) and try again")

    def _stream(self, worker: _Worker, deadline: float, pending: list[bytes], outcome: Outcome,
                settled: list[bool]) -> Iterator[bytes]:
        yield from pending
        pending.clear()
        while True:
            try:
                msg = self._recv(worker, deadline)
            except NewsgraphError:
                settled[0] = True  # _recv killed the worker
                raise
            if msg[0] == "data":
                yield msg[1]
                continue
            settled[0] = True
            self._idle.put(worker)
            if msg[0] == "end":
                outcome.rows = msg[1].rows
                if msg[2]:
                    yield msg[2]
                return
            # an error after the status line went out: cut the response, never end it cleanly
            raise RuntimeError(f"query failed while streaming: {msg[3] if len(msg) > 3 else msg}")

    def _drain(self, worker: _Worker, deadline: float) -> None:
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not worker.conn.poll(remaining):
                    break
                msg = worker.conn.recv()
                if msg[0] in ("end", "error"):
                    self._idle.put(worker)
                    return
        except (EOFError, OSError):
            pass
        self._discard(worker)

    def status(self) -> dict[str, Any]:
        return {"mode": "processes", "workers": self.size, "idle": self._idle.qsize(),
                "alive": sum(1 for w in list(self._all) if w.is_alive()), "snapshot": self._snapshot[1],
                "timeouts": self.kills}

    def close(self) -> None:
        self._closed = True
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        shutil.rmtree(self._dir, ignore_errors=True)


class InlineExecutor:
    """Queries in the calling thread, results spooled to a temporary file: no hard timeout.

    For stores that are not a local Oxigraph store (nothing to snapshot) and for
    ``KG_QUERY_WORKERS=0``.
    """

    def __init__(self, store: Any) -> None:
        self.store = store

    def run(self, job: QueryJob) -> Execution:
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        try:
            outcome = evaluate(self.store, job, spool.write, lambda out: None)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)

        def chunks() -> Iterator[bytes]:
            try:
                while data := spool.read(CHUNK):
                    yield data
            finally:
                spool.close()

        return Execution(chunks(), outcome)

    def status(self) -> dict[str, Any]:
        return {"mode": "inline"}

    def close(self) -> None:
        pass


def _error(status: int, name: str, message: str) -> NewsgraphError:
    import kg.errors as errors
    cls = {"QueryTimeout": QueryTimeout, "Overloaded": Overloaded, "QueryFailed": QueryFailed}.get(name) \
        or getattr(errors, name, None)
    if isinstance(cls, type) and issubclass(cls, NewsgraphError):
        e = cls(message)
    else:
        e = NewsgraphError(message)
    e.status = status
    return e


def make_executor(store: Any, workers: int, timeout: float, memory_mb: int = 0) -> ProcessExecutor | InlineExecutor:
    """Worker processes for a local Oxigraph store, the inline executor otherwise (see the module doc)."""
    if workers <= 0 or not getattr(store, "local", False):
        return InlineExecutor(store)
    return ProcessExecutor(store, workers=workers, timeout=timeout, memory_mb=memory_mb)


if __name__ == "__main__":  # a worker process: python -m kg.query.executor FD SNAPSHOT VERSION MEMORY_MB
    from kg.query.executor import _worker_main as main
    main(Connection(int(sys.argv[1])), sys.argv[2], sys.argv[3], int(sys.argv[4]))
