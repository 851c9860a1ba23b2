"""`annotator db upgrade|current|revision`: the database's revision (see annotator.db.migrate).

These commands open the database without the app: every other command refuses a database
that is behind until `annotator db upgrade` has run.
"""

import click
from sqlalchemy.engine import Engine

from annotator.config import default_database_url
from annotator.db.engine import make_engine
from annotator.db.migrate import DatabaseVersion
from annotator.db.migrate import DatabaseVersionError
from annotator.db.migrate import database_version
from annotator.db.migrate import new_revision
from annotator.db.migrate import upgrade_database


@click.group()
def db() -> None:
    """The database's revision: show it, or upgrade to the newest."""


def _engine(ctx: click.Context) -> Engine:
    """The engine for --db (or ANNOTATOR_DATABASE_URL, or the embedded SQLite file)."""
    config = ctx.find_root().obj or {}
    return make_engine(config.get("DATABASE_URL") or default_database_url())


def _where(version: DatabaseVersion) -> str:
    if version.empty:
        return "an empty database"
    return f"revision {version.revision}" if version.revision else "0.1.0 (before migrations)"


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Upgrade the database to the newest revision, in one transaction (back it up first)."""
    engine = _engine(ctx)
    try:
        before, after = upgrade_database(engine)
    except DatabaseVersionError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()
    if before.revision == after.revision:
        click.echo(f"already at revision {after.revision} (head); nothing to do")
    else:
        click.echo(f"upgraded {_where(before)} to revision {after.revision} (head)")


@db.command()
@click.pass_context
def current(ctx: click.Context) -> None:
    """Print the database's revision and whether it is the newest (head)."""
    engine = _engine(ctx)
    try:
        version = database_version(engine)
    finally:
        engine.dispose()
    click.echo(version.describe())


@db.command()
@click.argument("message")
@click.pass_context
def revision(ctx: click.Context, message: str) -> None:
    """For developers: write the next revision, from what the models changed since head
    (compared on the --db database, which must be at head). Review it before committing."""
    engine = _engine(ctx)
    try:
        path = new_revision(engine, message)
    except DatabaseVersionError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()
    click.echo(str(path))
