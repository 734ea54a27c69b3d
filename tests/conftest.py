"""Shared fixtures: the real pipeline, a seed store, the app, a live server.

The session ``store`` is an in-memory Oxigraph store holding the ontology and the seed article,
ingested by the real pipeline (spaCy model included); persistence tests use RocksDB in tmp_path.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = "http://localhost:5000/"
KG = [sys.executable, "-m", "kg.cli"]


@pytest.fixture(scope="session")
def extractor():
    from kg.extract import Extractor
    return Extractor()


@pytest.fixture(scope="session")
def minter():
    from kg.iris import Minter
    return Minter(BASE)


@pytest.fixture(scope="session")
def store(extractor, minter):
    from kg.ingest.run import ingest_paths
    from kg.store.local import GraphStore
    s = GraphStore.memory()
    report = ingest_paths([SEEDS, FIXTURES / "articles"], s, minter, extractor=extractor, progress=False)
    assert report.ok, report.failed
    return s


@pytest.fixture(scope="session")
def app(store):
    from kg.config import Settings
    from server import create_app
    return create_app(store, Settings(base_iri=BASE, write_token="test-token"))


@pytest.fixture()
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_responds(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    import requests
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise RuntimeError(f"server exited early ({proc.returncode}):\n{out}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


@pytest.fixture(scope="session")
def disk_store_path(tmp_path_factory):
    """A RocksDB store holding the seed, ingested by the real `kg ingest` command."""
    path = tmp_path_factory.mktemp("store") / "store"
    env = {**os.environ, "KG_BASE_IRI": BASE}
    r = subprocess.run(KG + ["ingest", "--quiet", "--store", str(path), str(SEEDS)], capture_output=True,
                       text=True, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return path


def start_server(store_path: Path, log_path: Path, extra_env: dict | None = None,
                 args: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    """Start `kg serve --port 0`, read the URL it prints from its log, wait until it answers."""
    env = {**os.environ, "KG_BASE_IRI": BASE, "KG_WRITE_TOKEN": "test-token", "PYTHONUNBUFFERED": "1",
           **(extra_env or {})}
    with open(log_path, "w") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(KG + ["serve", "--store", str(store_path), "--port", "0", *args], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    url = None
    while url is None and time.monotonic() < deadline:
        for line in log_path.read_text().splitlines():
            if " at http://" in line:
                url = line.rsplit(" at ", 1)[1].strip().rstrip("/")
                break
        if proc.poll() is not None:
            raise RuntimeError(f"kg serve exited ({proc.returncode}):\n{log_path.read_text()}")
        time.sleep(0.1)
    assert url, f"kg serve printed no URL:\n{log_path.read_text()}"
    wait_until_responds(url + "/healthz", proc)
    return proc, url


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def live_server(disk_store_path, tmp_path_factory):
    """`kg serve --port 0` as a subprocess (waitress, threaded) on the RocksDB store; yields its URL."""
    proc, url = start_server(disk_store_path, tmp_path_factory.mktemp("log") / "serve.log")
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for UI tests (see tests/browser.py)."""
    from tests.browser import start_browser
    driver = start_browser()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def seed_store(extractor, minter):
    """Only the seed article, in memory (the store `kg demo` builds): canned reports are checked on it."""
    from kg.ingest.run import ingest_paths
    from kg.store.local import GraphStore
    s = GraphStore.memory()
    s.load_ontology()
    report = ingest_paths([SEEDS], s, minter, extractor=extractor, progress=False)
    assert report.ok, report.failed
    return s


def copy_store(src: Path, dst: Path) -> Path:
    """A private RocksDB copy of a store (readable while a server holds the original's lock)."""
    from pyoxigraph import Store
    source = Store.read_only(str(src))
    target = Store(str(dst))
    target.extend(source.quads_for_pattern(None, None, None, None))
    target.flush()
    del source, target
    return dst


@pytest.fixture(scope="module")
def private_store_path(disk_store_path, tmp_path_factory):
    """The seed store, copied for one test module's own server (issue 4: endpoint tests)."""
    return copy_store(disk_store_path, tmp_path_factory.mktemp("private") / "store")
