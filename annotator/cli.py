"""The `annotator` command: serve, import, export and the label schema.

Every command takes the database from --db or ANNOTATOR_DATABASE_URL (an SQLAlchemy URL),
defaulting to the embedded SQLite file.
"""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from annotator import create_app
from annotator.corpus import CorpusError
from annotator.db import ENV_DATABASE_URL
from annotator.db import engine_of
from annotator.db import session_scope
from annotator.exporting import ExportError
from annotator.exporting import default_export_path
from annotator.exporting import export_records
from annotator.exporting import write_jsonl
from annotator.importing import import_paths
from annotator.importing import total_size
from annotator.labels import SchemaInUseError
from annotator.labels import install_schema
from annotator.labels import load_catalog
from annotator.labels import stored_schema
from annotator.models import Document
from annotator.schema import SchemaError
from annotator.schema import dump_schema
from annotator.schema import load_schema


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


def _app(ctx: click.Context, *, seeds: bool = True) -> Flask:
    """The app for this command's database; an unusable schema file is a usage error."""
    config = dict(ctx.find_root().obj or {})
    if not seeds:
        config["SEEDS_DIR"] = None
    try:
        return create_app(config)
    except (SchemaError, CorpusError) as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def _progress(total: int, label: str):
    """A progress bar on a terminal, silence when stderr is piped."""
    with click.progressbar(
        length=total, label=label, file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        yield bar.update


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    envvar="ANNOTATOR_WORKERS",
    default=min(os.cpu_count() or 1, 4),
    show_default="CPU cores, at most 4",
    type=click.IntRange(min=1),
    help="Worker processes: one per core lets Python use every core.",
)
@click.option("--threads", envvar="ANNOTATOR_THREADS", default=4, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn, a production WSGI server."""
    from annotator.server import run_gunicorn

    app = _app(ctx)  # once, before the workers start: the seeds are imported once
    click.echo(f"annotator on http://{host}:{port}/ (database {app.config['DATABASE_URL']})")
    run_gunicorn(app, bind=f"{host}:{port}", workers=workers, threads=threads)


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.pass_context
def import_command(ctx: click.Context, paths: tuple[str, ...]) -> None:
    """Import .txt and .jsonl files, or folders of them."""
    app = _app(ctx, seeds=False)
    try:
        with _progress(total_size(paths), "Importing") as advance:
            report = import_paths(
                engine_of(app), paths, annotator_name=app.config["ANNOTATOR_USER"], progress=advance
            )
    except CorpusError as error:
        raise click.ClickException(f"{error} (nothing of that file was imported)") from None
    for file_report in report.files if len(report.files) <= 20 else []:
        click.echo(
            f"{file_report.path}: {file_report.documents_added} documents added, "
            f"{file_report.documents_existing} already there; {file_report.spans_added} spans "
            f"added, {file_report.spans_existing} already there"
        )
    click.echo(
        f"imported {report.total('documents_added')} documents and "
        f"{report.total('spans_added')} spans from {len(report.files)} files"
    )


@main.command()
@click.option("--format", "export_format", type=click.Choice(["jsonl"]), default="jsonl")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Output file.")
@click.pass_context
def export(ctx: click.Context, export_format: str, out_path: str | None) -> None:
    """Export every document's annotations as JSONL."""
    app = _app(ctx, seeds=False)
    target = Path(out_path) if out_path else default_export_path(app.config["EXPORTS_DIR"])
    with session_scope(engine_of(app)) as session:
        total = session.execute(select(func.count()).select_from(Document)).scalar_one()
        try:
            with _progress(total, "Exporting") as advance:
                count = write_jsonl(export_records(session, load_catalog(session)), target, advance)
        except ExportError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"{count} lines written", err=True)
    click.echo(str(target))


@main.group()
def schema() -> None:
    """Show or change the label schema stored in the database."""


@schema.command("show")
@click.pass_context
def schema_show(ctx: click.Context) -> None:
    """Print the stored schema as TOML."""
    app = _app(ctx, seeds=False)
    with session_scope(engine_of(app)) as session:
        click.echo(dump_schema(stored_schema(session)), nl=False)


@schema.command("load")
@click.argument("schema_file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def schema_load(ctx: click.Context, schema_file: str) -> None:
    """Replace the stored schema with SCHEMA_FILE, keeping labels that spans use."""
    app = _app(ctx, seeds=False)
    try:
        new_schema = load_schema(schema_file)
        with session_scope(engine_of(app)) as session:
            install_schema(session, new_schema)
            session.commit()
    except (SchemaError, SchemaInUseError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"schema loaded: {len(new_schema.label_names)} labels")
