"""What every command shares: the app for the command's database, a progress bar."""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.exc import OperationalError

from annotator import create_app
from annotator.config import ENV_DATABASE_URL
from annotator.config import default_database_url
from annotator.db.migrate import DatabaseVersionError
from annotator.formats.records import FormatError
from annotator.schema.toml_file import SchemaError


def command_app(ctx: click.Context, *, seeds: bool = True, create: bool = True) -> Flask:
    """The app for this command's database; an unusable schema file is a usage error. With
    create=False (commands that only read), an SQLite file that does not exist is refused
    rather than made: a mistyped --db must not export an empty corpus."""
    config = dict(ctx.find_root().obj or {})
    if not seeds:
        config["SEEDS_DIR"] = None
    if not create:
        missing = database_file(database_url(config))
        if missing is not None and not missing.exists():
            raise click.ClickException(
                f"there is no database at {missing} (`annotator import` or `annotator serve` "
                "creates one; check --db or ANNOTATOR_DATABASE_URL)"
            )
    try:
        return create_app(config)
    except (SchemaError, FormatError, DatabaseVersionError) as error:
        raise click.ClickException(str(error)) from None
    except (ArgumentError, ImportError, OperationalError) as error:
        raise click.ClickException(_database_problem(config, error)) from None


def database_url(config: dict) -> str:
    """The URL a command uses: --db, else ANNOTATOR_DATABASE_URL, else the embedded default."""
    return config.get("DATABASE_URL") or os.environ.get(ENV_DATABASE_URL) or default_database_url()


def database_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for another database or an in-memory one)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _database_problem(config: dict, error: Exception) -> str:
    """One line on a database that cannot be opened: a bad URL, a missing driver, no server."""
    url = database_url(config)
    try:
        url = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        pass
    if isinstance(error, ImportError):
        return (
            f"the database driver for {url} is not installed ({error.name}); for PostgreSQL: "
            "pip install -e '.[postgres]'"
        )
    if isinstance(error, OperationalError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        return f"cannot open the database {url}: {reason}"
    return f"{url} is not a database URL annotator can use: {error}"


@contextmanager
def progress_bar(total: int, label: str):
    """A progress bar on a terminal, silence when stderr is piped."""
    with click.progressbar(
        length=total, label=label, file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        yield bar.update
