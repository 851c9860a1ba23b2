"""Alembic migrations, driven from code: no alembic.ini, the revisions ship in the package
(`annotator/db/migrations/versions/`).

A new, empty database is created by upgrading it to head on first use. A database behind head
is refused until `annotator db upgrade` (a 0.1.0 database, made before migrations existed,
has our tables but no alembic_version: it is stamped at the baseline, then upgraded). An
upgrade runs in one transaction under the SQLite write gate (an flock beside the file) or a
PostgreSQL advisory lock, so two processes starting on a new database create it once.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import redirect_stdout
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from annotator.db.engine import write_gate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PACKAGED = MIGRATIONS
BASELINE = "0001"  # release 0.1.0's tables
# The newest revision, so that a database already at head is opened without importing alembic
# (half a second of every command's start-up); tests/migrations checks it against the scripts.
HEAD = "0002"
# Any fixed number: every annotator process takes this PostgreSQL advisory lock to migrate.
ADVISORY_LOCK = 0x616E6E6F


class DatabaseVersionError(RuntimeError):
    """The database is not at the revision this code needs; the message says what to do."""


@dataclass(frozen=True)
class DatabaseVersion:
    """Where a database stands: empty, 0.1.0 (tables, no revision), or at a revision."""

    url: str
    revision: str | None
    has_tables: bool

    @property
    def head(self) -> str:
        """The revision this code needs."""
        return head_revision()

    @property
    def at_head(self) -> bool:
        """True when nothing is left to upgrade."""
        return self.revision == self.head

    @property
    def empty(self) -> bool:
        """True for a new database: none of our tables, no revision."""
        return not self.has_tables and self.revision is None

    @property
    def known(self) -> bool:
        """False for a revision this code does not have (a newer annotator wrote it)."""
        return self.revision is None or self.revision in _revisions()

    def describe(self) -> str:
        """One line for `annotator db current`."""
        if self.empty:
            return "empty database: `annotator db upgrade` (or any command) creates the tables"
        if self.at_head:
            return f"{self.revision} (head)"
        if not self.known:
            return f"{self.revision}: unknown to this annotator (newer than head {self.head})"
        where = self.revision or "0.1.0, before migrations"
        return f"{where}: behind head {self.head}; run `annotator db upgrade`"

    def refusal(self) -> str:
        """Why this code will not use the database, and what to do."""
        if not self.known:
            return (
                f"the database {self.url} is at revision {self.revision}, which this annotator "
                f"does not know (its newest is {self.head}): a newer annotator upgraded it"
            )
        where = f"at revision {self.revision}" if self.revision else "from annotator 0.1.0"
        return (
            f"the database {self.url} is {where} and needs revision {self.head}: back it up, "
            "then run `annotator db upgrade`"
        )


def target_metadata() -> MetaData:
    """Every table of the models (importing `annotator.db.engine` registered them)."""
    return SQLModel.metadata


@cache
def _scripts():
    """The revisions (an alembic ScriptDirectory), read once per process."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS))


@cache
def _revisions() -> frozenset[str]:
    """Every revision id this code has."""
    return frozenset(script.revision for script in _scripts().walk_revisions())


def head_revision() -> str:
    """The newest revision this code knows."""
    return _scripts().get_current_head()


def _config(connection: Connection):
    """Alembic's configuration, in code: the package's migrations on this connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _read_version(connection: Connection) -> DatabaseVersion:
    """Where the connection's database stands (read inside its current transaction)."""
    tables = set(inspect(connection).get_table_names())
    revision = None
    if "alembic_version" in tables:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        revision = versions[0][0] if len(versions) == 1 else None
    ours = tables & set(target_metadata().tables)
    url = connection.engine.url.render_as_string(hide_password=True)
    return DatabaseVersion(url=url, revision=revision, has_tables=bool(ours))


def database_version(engine: Engine) -> DatabaseVersion:
    """Where the database stands now."""
    with engine.connect() as connection:
        return _read_version(connection)


@contextmanager
def _migration_transaction(engine: Engine, connection: Connection) -> Iterator[None]:
    """One transaction for the whole upgrade, held against every other annotator process.

    SQLite: foreign keys off while tables are recreated (dropping a parent table would delete
    or refuse its children) and checked before the commit; BEGIN IMMEDIATE, because Python's
    sqlite3 would otherwise run DDL outside any transaction.
    """
    if connection.dialect.name != "sqlite":
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK}
                )
            yield
        return
    with write_gate(engine):
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DatabaseVersionError(
                    "nothing was upgraded: rows refer to rows that do not exist "
                    f"(table, row, parent table): {[tuple(row[:3]) for row in broken[:5]]}"
                )
            connection.commit()
        finally:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def upgrade_database(
    engine: Engine, *, to: str = "head", only_if_empty: bool = False
) -> tuple[DatabaseVersion, DatabaseVersion]:
    """Upgrade to head, or to the revision `to` (a 0.1.0 database is stamped at the
    baseline first); the version before and after. With only_if_empty, a database another
    process created meanwhile is left as it is, and one behind head is refused."""
    from alembic import command

    with engine.connect() as connection, _migration_transaction(engine, connection):
        before = _read_version(connection)
        if not before.known:
            raise DatabaseVersionError(before.refusal())
        if only_if_empty and not before.empty:
            if not before.at_head:
                raise DatabaseVersionError(before.refusal())
            return before, before
        config = _config(connection)
        with _alembic_errors():
            if before.has_tables and before.revision is None:
                command.stamp(config, BASELINE)
            command.upgrade(config, to)
        after = _read_version(connection)
    return before, after


@contextmanager
def _alembic_errors() -> Iterator[None]:
    """Alembic's own errors (an unknown revision...) as DatabaseVersionError."""
    from alembic.util import CommandError

    try:
        yield
    except CommandError as error:
        raise DatabaseVersionError(str(error)) from None


def ensure_current(engine: Engine) -> bool:
    """Create an empty database at head; refuse one that is not at head. True when this call
    created the database (and no other process did meanwhile)."""
    version = database_version(engine)
    if version.revision == HEAD and MIGRATIONS == _PACKAGED:  # the usual case, without alembic
        return False
    if version.at_head:
        return False
    if version.empty:
        before, _after = upgrade_database(engine, only_if_empty=True)
        return before.empty
    raise DatabaseVersionError(version.refusal())


def lock_setup(connection: Connection) -> None:
    """Inside a transaction: wait for any other process setting up the same database (the
    migration's PostgreSQL advisory lock; SQLite's writers already queue on the write gate)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})


def new_revision(engine: Engine, message: str) -> Path:
    """For developers: write the next revision file (numbered 0003, 0004, ...) with what the
    models changed since head, compared on this database (which must be at head)."""
    from alembic import command

    with engine.connect() as connection:
        number = f"{len(_revisions()) + 1:04d}"
        with redirect_stdout(io.StringIO()), _alembic_errors():  # we print the path instead
            script = command.revision(
                _config(connection), message=message, autogenerate=True, rev_id=number
            )
    _scripts.cache_clear()
    _revisions.cache_clear()
    return Path(script.path)
