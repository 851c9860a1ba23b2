"""First start on an empty database: install the label schema and import the seed articles."""

from pathlib import Path

from flask import Flask

from annotator.db.migrate import lock_setup
from annotator.db.session import engine_of
from annotator.db.session import session_scope
from annotator.db.session import transaction
from annotator.schema.stored import has_schema
from annotator.schema.stored import install_schema
from annotator.schema.toml_file import load_schema
from annotator.transfer.importing import ImportOptions
from annotator.transfer.importing import import_paths


def bootstrap(app: Flask) -> None:
    """Give a database without a schema the configured one; give a database this process
    has just created the seed articles, unless seeding is turned off (`serve --no-seeds`
    empties SEEDS_DIR, ANNOTATOR_SEEDS=off turns SEEDS off). A database made by another
    command, or by another process starting at the same moment, gets no demo articles."""
    engine = engine_of(app)
    with session_scope(engine) as session, transaction(session):
        lock_setup(session.connection())
        if not has_schema(session):
            install_schema(session, load_schema(app.config["SCHEMA_PATH"]))
    seeds = app.config.get("SEEDS_DIR") if app.config.get("SEEDS", True) else None
    if seeds and app.extensions.get("annotator.database_created") and Path(seeds).is_dir():
        import_paths(engine, [seeds], ImportOptions(annotator_name=app.config["ANNOTATOR_USER"]))
