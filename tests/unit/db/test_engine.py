"""Opening a new SQLite database while another connection is writing to it (creating the
tables on first use): the switch to WAL waits for the writer instead of failing with "database
is locked". SQLite answers that switch with SQLITE_BUSY at once, without its busy handler,
while another connection holds the write lock, so threads starting together on a new database
failed in CI."""

import gc
import sqlite3
import threading

from sqlalchemy import text

from annotator.db import engine as engine_module
from annotator.db.engine import make_engine


def test_a_new_connection_waits_for_a_writer_creating_the_database(tmp_path):
    path = tmp_path / "annotator.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")  # the write lock, the file still in rollback-journal mode
    writer.execute("CREATE TABLE t (x)")
    done_writing = threading.Timer(0.3, writer.commit)
    done_writing.start()

    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            mode = connection.execute(text("PRAGMA journal_mode")).scalar_one()
    finally:
        done_writing.join()
        engine.dispose()
        writer.close()
    assert mode == "wal"


def test_an_engine_that_is_gone_leaves_no_write_gate_behind(tmp_path):
    # Gates were kept by id(engine) forever: a later engine that Python gave the same id (a
    # PostgreSQL one) would have been taken for SQLite and skipped its row locks.
    gc.collect()  # engines other tests left
    engine = make_engine(f"sqlite:///{tmp_path / 'gone.sqlite3'}")
    before = len(engine_module._write_locks)
    engine.dispose()
    del engine
    gc.collect()
    assert len(engine_module._write_locks) == before - 1
