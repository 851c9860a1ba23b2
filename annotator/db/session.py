"""Database engine and per-request session.

Everything that knows which database is behind the URL lives here: SQLite gets its pragmas
(foreign keys, WAL, a busy timeout) in a connect listener; any other SQLAlchemy URL (PostgreSQL)
is used as it is.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from annotator.db.engine import make_engine
from annotator.db.engine import writing
from annotator.db.migrate import ensure_current
from annotator.errors import ConflictError


def get_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["annotator.engine"], expire_on_commit=False)
    return g.db_session


def close_session(error: BaseException | None = None) -> None:
    """Roll back what a failed request left and close its session."""
    session = g.pop("db_session", None)
    if session is None:
        return
    if error is not None:
        session.rollback()
    session.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for the CLI and scripts: committed by the caller, rolled back on error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """One user action: its checks and writes, committed once at the end or rolled back whole.

    Service functions only flush; the request or command that calls them owns this. On SQLite
    the action holds the write gate from its first check to its commit; on other databases the
    services lock the rows their checks read (`annotator.annotation.documents.lock_document`).
    A constraint that still catches a race (another writer won) becomes a ConflictError.
    """
    with writing(session):
        try:
            yield session
            session.commit()
        except IntegrityError:
            session.rollback()
            raise ConflictError(
                "another change to the same data was saved at the same moment; try again"
            ) from None
        except BaseException:
            session.rollback()
            raise


def init_app(app: Flask) -> None:
    """Create the engine for the app's DATABASE_URL (and a new database's tables), and close
    sessions at teardown. DatabaseVersionError for a database that needs `annotator db upgrade`."""
    engine = make_engine(app.config["DATABASE_URL"])
    try:
        created = ensure_current(engine)  # creates a new database; refuses an old one
    except BaseException:
        engine.dispose()
        raise
    app.extensions["annotator.engine"] = engine
    app.extensions["annotator.database_created"] = created
    app.teardown_appcontext(close_session)


def engine_of(app: Flask) -> Engine:
    """The app's engine."""
    return app.extensions["annotator.engine"]
