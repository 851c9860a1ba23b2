"""The `annotator` command group; each command family lives in a module of its own.

Every command takes the database from --db or ANNOTATOR_DATABASE_URL (an SQLAlchemy URL),
defaulting to the embedded SQLite file.
"""

import click

from annotator.cli.db import db
from annotator.cli.schema import schema
from annotator.cli.serve import serve
from annotator.cli.suggest import suggest_command
from annotator.cli.transfer import export
from annotator.cli.transfer import import_command
from annotator.config import ENV_DATABASE_URL


@click.group()
@click.option("--db", "database_url", envvar=ENV_DATABASE_URL, help="SQLAlchemy database URL.")
@click.option(
    "--schema",
    "schema_path",
    type=click.Path(dir_okay=False),
    help="Label schema (TOML) for a new database; default seeds/schema.toml.",
)
@click.option("--user", envvar="ANNOTATOR_USER", help="Annotator name (default: OS user).")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, schema_path: str | None, user: str | None):
    """Span annotation for news text, with exact offsets."""
    config = {}
    if database_url:
        config["DATABASE_URL"] = database_url
    if schema_path:
        config["SCHEMA_PATH"] = schema_path
    if user:
        config["ANNOTATOR_USER"] = user
    ctx.obj = config


main.add_command(serve)
main.add_command(import_command, "import")
main.add_command(export)
main.add_command(schema)
main.add_command(suggest_command, "suggest")
main.add_command(db)
