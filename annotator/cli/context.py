"""What every command shares: the app for the command's database, a progress bar."""

import sys
from contextlib import contextmanager

import click
from flask import Flask

from annotator import create_app
from annotator.db.migrate import DatabaseVersionError
from annotator.formats.records import FormatError
from annotator.schema.toml_file import SchemaError


def command_app(ctx: click.Context, *, seeds: bool = True) -> Flask:
    """The app for this command's database; an unusable schema file is a usage error."""
    config = dict(ctx.find_root().obj or {})
    if not seeds:
        config["SEEDS_DIR"] = None
    try:
        return create_app(config)
    except (SchemaError, FormatError, DatabaseVersionError) as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def progress_bar(total: int, label: str):
    """A progress bar on a terminal, silence when stderr is piped."""
    with click.progressbar(
        length=total, label=label, file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        yield bar.update
