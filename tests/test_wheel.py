"""The built wheel, installed into a fresh virtual environment, gives a `kg` that works from any
directory: everything it reads (ontology, shapes, reports, the seed, lexicons, templates, static
files, the query editor) comes from the installed package, not from this clone."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest
import requests

from tests.conftest import FIXTURES, ROOT, free_port


def run(cmd: list[str], cwd: Path, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{cmd} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}"
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict]:
    """(the kg executable, an empty working folder, the environment) of a wheel install."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "KG_QUERIES_DIR",
                                                            "KG_YASGUI_DIR", "KG_STORE")}
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
         "-w", str(dist), str(ROOT)], cwd=base, env=env)
    [wheel] = dist.glob("newsgraph-*.whl")
    venv.EnvBuilder(with_pip=True, clear=True).create(base / "venv")
    py = base / "venv" / "bin" / "python"
    run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], cwd=base, env=env,
        timeout=1200)
    work = base / "elsewhere"
    work.mkdir()
    return base / "venv" / "bin" / "kg", work, env


def test_the_installed_package_is_not_this_clone(installed):
    kg, work, env = installed
    r = run([str(kg.with_name("python")), "-c", "import kg, server; print(kg.__file__); print(server.__file__)"],
            cwd=work, env=env)
    assert str(ROOT) not in r.stdout and "site-packages" in r.stdout


def test_ingest_validate_report_and_docs_from_an_empty_folder(installed):
    kg, work, env = installed
    r = run([str(kg), "ingest", "--store", "db", str(FIXTURES / "articles")], cwd=work, env=env)
    assert "3 ingested" in r.stderr
    run([str(kg), "validate", "--store", "db"], cwd=work, env=env)
    listing = run([str(kg), "report"], cwd=work, env=env).stdout
    assert "who_met_whom" in listing and "posts_of_person" in listing
    table = run([str(kg), "report", "--store", "db", "who_met_whom"], cwd=work, env=env).stdout
    assert "Ana" in table or "Lima" in table or table.count("\n") >= 3
    run([str(kg), "docs", "--no-diagram", "-o", "out"], cwd=work, env=env)
    assert "ng:Meeting" in (work / "out" / "ontology.html").read_text() or "Meeting" in (work / "out" / "ontology.html").read_text()


def test_serve_with_the_editor_and_the_reports(installed):
    kg, work, env = installed
    run([str(kg), "ingest", "--store", "served", str(ROOT / "seeds")], cwd=work, env=env)
    port = free_port()
    proc = subprocess.Popen([str(kg), "serve", "--store", "served", "--port", str(port)], cwd=work, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(url + "/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        r = requests.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?p a foaf:Person }"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=10)
        assert r.ok and int(r.json()["results"]["bindings"][0]["n"]["value"]) >= 2
        assert requests.get(url + "/queries", timeout=10).json()["queries"]
        page = requests.get(url + "/", headers={"Accept": "text/html"}, timeout=10)
        assert page.ok and "Newsgraph" in page.text
        css = requests.get(url + "/static/newsgraph.css", timeout=10)
        assert css.ok and css.text.strip()
        assert requests.get(url + "/id/person/maulen-ashimbayev", headers={"Accept": "text/turtle"}, timeout=10).ok
    finally:
        proc.terminate()
        proc.wait(timeout=30)
