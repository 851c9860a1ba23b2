"""Database engines: SQLite's pragmas and write gate; any other URL (PostgreSQL) as it is."""

import fcntl
import os
import sqlite3
import threading
import time
import weakref
from contextlib import nullcontext
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session
from sqlmodel import create_engine

# Every table module, so SQLModel.metadata holds every table (migrations compare against it).
from annotator.models import annotations  # noqa: F401
from annotator.models import documents  # noqa: F401
from annotator.models import people  # noqa: F401
from annotator.models import project  # noqa: F401
from annotator.models import suggestions  # noqa: F401

# SQLite lets one connection write at a time; a writer that finds the file locked sleeps in
# SQLite's busy handler (1, 2, 5 ... 100 ms), which made the 8-client p99 reach 100 ms. Writers
# queue on a _WriteGate instead, and wake the moment the writer commits.
# Keyed by the engine itself, weakly: an id() key outlived its engine, and a new engine given
# the same id (a PostgreSQL one) would have been taken for SQLite and skipped its row locks.
_write_locks: "weakref.WeakKeyDictionary[Engine, _WriteGate]" = weakref.WeakKeyDictionary()
BUSY_TIMEOUT_MS = 10_000


class _WriteGate:
    """Serialises SQLite write transactions: threads on a lock, processes (gunicorn workers)
    on an flock of a file beside the database, so a waiter wakes as soon as the writer is
    done instead of sleeping in SQLite's busy handler."""

    def __init__(self, database: str | None) -> None:
        self._threads = threading.Lock()
        self._path = f"{database}.write-lock" if database and database != ":memory:" else None
        self._handle = None
        self._pid = None
        self._owner: int | None = None

    def __enter__(self) -> None:
        self._threads.acquire()
        if self._path is not None:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        self._owner = threading.get_ident()

    def __exit__(self, *_exc) -> None:
        self._owner = None
        if self._path is not None:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        self._threads.release()

    @property
    def held_here(self) -> bool:
        """True while this thread holds the gate."""
        return self._owner == threading.get_ident()

    def _file(self):
        """This process's own handle: one inherited across fork would be shared, and an
        flock on a shared handle does not keep the two processes apart."""
        if self._pid != os.getpid():
            self._handle = open(self._path, "a")  # kept open while the engine lives
            self._pid = os.getpid()
        return self._handle

    def close(self) -> None:
        """Close this process's handle (the engine was disposed)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = self._pid = None


def make_engine(url: str) -> Engine:
    """Create the engine for url; `annotator.db.migrate` creates or checks its tables."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        gate = _write_locks[engine] = _WriteGate(parsed.database)
        event.listen(engine, "engine_disposed", lambda _engine: gate.close())
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Turn on what SQLite leaves off: foreign keys, concurrent readers, waiting on a lock."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _switch_to_wal(cursor) -> None:
    """PRAGMA journal_mode=WAL, waiting like a busy handler would: while another connection
    holds the write lock of a database not yet in WAL mode (a new one being created), SQLite
    answers the switch with "database is locked" at once instead of calling its handler."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def writing(session: Session):
    """Hold around a write transaction (first check to commit): serialises SQLite writers.
    Elsewhere (PostgreSQL) writers lock the rows they check instead (`lock_document`)."""
    return write_gate(session.get_bind())


def write_gate(engine: Engine):
    """The engine's SQLite write gate (a no-op context elsewhere), e.g. around a migration."""
    lock = _write_locks.get(engine)
    return lock if lock is not None else nullcontext()


def is_sqlite(session: Session) -> bool:
    """True when the session's database is SQLite (its writers queue on the write gate)."""
    return session.get_bind() in _write_locks


def holds_write_gate(session: Session) -> bool:
    """True when this thread holds the session's SQLite write gate."""
    lock = _write_locks.get(session.get_bind())
    return lock is not None and lock.held_here
