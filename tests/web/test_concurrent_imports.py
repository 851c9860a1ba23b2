"""Imports run as separate processes at the same time into one new SQLite database queue on
the write gate: none fails with `UNIQUE constraint failed: annotator.name` (issue 7)."""

import json
import os
import sqlite3
import subprocess
import sys

ANNOTATOR = [sys.executable, "-m", "annotator"]
PROCESSES = 6
DOCUMENTS = 2000


def test_concurrent_imports_into_a_new_database_all_succeed(tmp_path):
    database = tmp_path / "new.db"
    files = []
    for number in range(PROCESSES):
        source = tmp_path / f"part{number}.jsonl"
        lines = (
            json.dumps(
                {
                    "id": f"p{number}-{index}",
                    "text": f"Mary wrote part {number}, line {index}.",
                    "spans": [{"start": 0, "end": 4, "label": "PERSON"}],
                }
            )
            for index in range(DOCUMENTS)
        )
        source.write_text("\n".join(lines) + "\n")
        files.append(source)
    processes = [
        subprocess.Popen(
            [*ANNOTATOR, "--db", f"sqlite:///{database}", "import", str(source)],
            env={**os.environ, "ANNOTATOR_USER": "tester"},
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for source in files
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
        assert "Traceback" not in output and "IntegrityError" not in output
    with sqlite3.connect(database) as connection:
        (annotators,) = connection.execute(
            "select count(*) from annotator where name = 'tester'"
        ).fetchone()
        (documents,) = connection.execute(
            "select count(*) from document where id like 'p%-%'"
        ).fetchone()
    assert annotators == 1
    assert documents == PROCESSES * DOCUMENTS
