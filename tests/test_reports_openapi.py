"""The OpenAPI document served by a real `kg serve` validates, and schemathesis, generating requests
from it (with the write token, so saves and deletes are fuzzed too), finds no server error.

The server has its own copy of the seed store: the run saves and deletes reports."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import requests
from openapi_spec_validator import validate

from tests.conftest import start_server, stop_server
from tests.reports_support import disk_copy

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
#: Conformance checks that hold; `negative_data_rejection` and `positive_data_acceptance` do not
#: apply as written (an empty optional field is accepted on purpose; a free-text body must parse as
#: SPARQL) and `use_after_free` would flag the kept history of a deleted report.
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_openapi_validates_and_schemathesis_finds_no_server_error(seed_store, tmp_path):
    path = disk_copy(seed_store, tmp_path / "store")
    proc, url = start_server(path, tmp_path / "serve.log")
    try:
        doc = requests.get(url + "/openapi.json", timeout=30).json()
        validate(doc)
        assert "/queries/who_met_whom/run" in doc["paths"]
        run = subprocess.run(
            [SCHEMATHESIS, "run", url + "/openapi.json", "--checks", CHECKS, "-H", "Authorization: Bearer test-token",
             "--max-examples", "25", "--max-time", "60", "--workers", "2", "--seed", "6", "--no-color",
             "--generation-database", "none", "--report-dir", str(tmp_path / "st")],
            capture_output=True, text=True, timeout=400, cwd=tmp_path)  # its caches stay out of the tree
        summary = run.stdout[-3000:]
        assert run.returncode == 0, summary
        generated = re.search(r"(\d+) generated", summary)
        assert generated and int(generated.group(1)) >= 300, summary
        alive = requests.get(url + "/healthz", timeout=10)
        assert alive.status_code == 200
    finally:
        stop_server(proc)
    log = (tmp_path / "serve.log").read_text()
    assert "unexpected error" not in log, log[-3000:]
