"""A new database is created on first use, once, even when several processes (or threads)
start on it at the same moment: the upgrade holds the SQLite write gate or a PostgreSQL
advisory lock, and whoever comes second finds it at head."""

import subprocess
import sys
import threading

from annotator.db.engine import make_engine
from annotator.db.migrate import database_version
from annotator.db.migrate import ensure_current
from annotator.db.migrate import head_revision

ANNOTATOR = [sys.executable, "-m", "annotator"]


def test_processes_upgrading_a_new_database_at_once_create_it_once(database_url):
    processes = [
        subprocess.Popen(
            [*ANNOTATOR, "--db", database_url, "db", "upgrade"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    created = [out for out, _err in outputs if out.startswith("upgraded an empty database")]
    assert len(created) == 1, outputs


def test_threads_starting_on_a_new_database_at_once_all_find_it_at_head(database_url):
    engines = [make_engine(database_url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    errors = []

    def first_use(engine) -> None:
        start.wait()
        try:
            ensure_current(engine)
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=first_use, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert database_version(engines[0]).revision == head_revision()
    for engine in engines:
        engine.dispose()
