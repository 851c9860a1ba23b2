"""`annotator schema show|load`: the label schema as the database stores it."""

import click

from annotator.cli.context import command_app
from annotator.db.session import engine_of
from annotator.db.session import session_scope
from annotator.db.session import transaction
from annotator.schema.stored import SchemaInUseError
from annotator.schema.stored import install_schema
from annotator.schema.stored import stored_schema
from annotator.schema.toml_file import SchemaError
from annotator.schema.toml_file import dump_schema
from annotator.schema.toml_file import load_schema


@click.group()
def schema() -> None:
    """Show or change the label schema stored in the database."""


@schema.command("show")
@click.pass_context
def schema_show(ctx: click.Context) -> None:
    """Print the stored schema as TOML."""
    app = command_app(ctx, seeds=False)
    with session_scope(engine_of(app)) as session:
        click.echo(dump_schema(stored_schema(session)), nl=False)


@schema.command("load")
@click.argument("schema_file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def schema_load(ctx: click.Context, schema_file: str) -> None:
    """Replace the stored schema with SCHEMA_FILE and say which labels were added, changed
    and dropped. A label the file lacks is dropped if no span or suggestion uses it; if one
    does, nothing changes and the command names the label."""
    app = command_app(ctx, seeds=False)
    try:
        new_schema = load_schema(schema_file)
        with session_scope(engine_of(app)) as session, transaction(session):
            change = install_schema(session, new_schema)
    except (SchemaError, SchemaInUseError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"schema loaded: {len(new_schema.label_names)} labels; {change.summary()}")
