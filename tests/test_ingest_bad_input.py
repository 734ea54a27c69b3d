"""Bad input never stops a batch: each bad file or record gets one line naming it and the reason,
the rest is ingested, and the exit status says that some failed."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

from kg.store.local import GraphStore
from tests.conftest import BASE, FIXTURES, KG, ROOT, SEEDS

GOOD_RECORD = {"id": "j-good", "date": "2020-01-15", "headline": "Dana Okafor meets Rafael Mendes",
               "text": "LISBON (Reuters) - Dana Okafor, Secretary-General of the Atlantic Fisheries Organization, "
                       "met with Governor Rafael Mendes in Lisbon on Wednesday."}


def test_every_bad_input_is_named_and_the_rest_is_ingested(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(FIXTURES / "articles", src)
    shutil.copy(next(SEEDS.glob("*.txt")), src)
    ten_mb = " date 2022-01-01 A very long article\n\n" + "The Senate met again today. " * 380_000
    bad_files = {
        "empty.txt": (b"", "empty file"),
        "blank.txt": (b"\n\n  \n", "empty file"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)) * 40, "binary file"),
        "latin1.txt": (" date 2022-01-01 Café\n\nLe café est très bon.".encode("latin-1"), "invalid UTF-8"),
        # no date line at all is an undated article (tests/test_undated.py); a date word without a date is not
        "dateword.txt": (b" date tbc Senate Speaker meets Turksoy head\n\nNUR-SULTAN. KAZINFORM - The Speaker met.",
                         "line 1 must be ' date YYYY-MM-DD headline'"),
        "baddate.txt": (b" date 2022-02-30 Headline\n\nBody.", "is not a valid YYYY-MM-DD date"),
        "huge.txt": (ten_mb.encode(), "too large"),
    }
    for name, (content, _) in bad_files.items():
        (src / name).write_bytes(content)
    assert (src / "huge.txt").stat().st_size > 10_000_000
    records = [
        json.dumps(GOOD_RECORD),
        json.dumps({"id": "j-baddate", "date": "2020-13-45", "headline": "Bad date", "text": "Body."}),
        json.dumps({"id": "j-nofields"}),
        "not json at all",
        json.dumps(["a", "list"]),
        '{"id": "j-surrogate", "date": "2020-01-01", "headline": "x", "text": "bad \\ud800 escape"}',
        json.dumps({"id": "j-huge", "date": "2020-01-01", "headline": "Huge", "text": "word " * 2_100_000}),
        json.dumps({"id": "bad/id", "date": "2020-01-01", "headline": "x", "text": "y"}),
    ]
    (src / "records.jsonl").write_text("\n".join(records) + "\n")
    jsonl = src / "records.jsonl"
    expected = {str(src / name): reason for name, (_, reason) in bad_files.items()}
    expected.update({
        f"{jsonl}:2": "date '2020-13-45' is not a valid YYYY-MM-DD date",
        f"{jsonl}:3": "missing field(s): headline, text",
        f"{jsonl}:4": "invalid JSON",
        f"{jsonl}:5": "each line must be a JSON object",
        f"{jsonl}:6": "invalid Unicode in field 'text'",
        f"{jsonl}:7": "too large",
        f"{jsonl}:8": "article id 'bad/id' must be",
    })

    db = tmp_path / "db"
    r = subprocess.run(KG + ["ingest", "--quiet", "--jobs", "2", "--store", str(db), str(src)], capture_output=True,
                       text=True, cwd=ROOT, env={**os.environ, "KG_BASE_IRI": BASE}, timeout=900)
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == len(expected), "\n".join(errors)
    got = {}
    for line in errors:  # "error: FILE[:LINE]: reason" (a seed file's line is dropped for the lookup)
        where, _, reason = line.removeprefix("error: ").partition(": ")
        if not where.startswith(str(jsonl)):
            where = re.sub(r":\d+$", "", where)
        assert where not in got, f"two lines for {where}"
        got[where] = reason
    assert set(got) == set(expected)
    for where, reason in expected.items():
        assert reason in got[where], (where, got[where])
    assert lines[-1].startswith(f"5 ingested, 0 unchanged, {len(expected)} failed ("), lines[-1]

    store = GraphStore.open_read_only(db)
    ids = {r["id"].value for r in store.query("SELECT ?id WHERE { ?a a ng:Article ; dcterms:identifier ?id }")}
    assert ids == {"000_680be299d0ccbf4c", "101_visit", "102_appointment", "103_phonecall", "j-good"}
    assert store.query("ASK { ?p a foaf:Person ; rdfs:label 'Dana Okafor' }")
