"""SQLite engines: a new connection's switch to WAL waits for a writer creating the database
(SQLite answers it SQLITE_BUSY at once, without its busy handler, so threads starting together
on a new database failed in CI); write gates go with their engine; and a read opens no
transaction, so what is read before the write gate holds no snapshot."""

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


def test_a_read_before_the_write_gate_holds_no_snapshot(tmp_path):
    # Creating a span reads its document before taking the gate (annotator.web.api.add_span).
    # That is only safe while a read opens no SQLite transaction: a snapshot taken before the
    # gate would hide spans other writers commit meanwhile from the overlap check under it.
    # Python's sqlite3 begins a transaction at the first write, not at a SELECT; a change of
    # that (BEGIN on every SQLAlchemy begin, or sqlite3's autocommit=False) must fail here.
    from sqlmodel import Session

    engine = make_engine(f"sqlite:///{tmp_path / 'reads.sqlite3'}")
    try:
        with Session(engine) as session:
            session.connection().exec_driver_sql("CREATE TABLE t (x)")
            session.commit()
            assert session.connection().execute(text("SELECT x FROM t")).first() is None
            assert not session.connection().connection.dbapi_connection.in_transaction
            session.connection().execute(text("INSERT INTO t VALUES (1)"))
            assert session.connection().connection.dbapi_connection.in_transaction
    finally:
        engine.dispose()
