"""First start on an empty database: install the label schema and import the seed articles."""

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from annotator.db.session import engine_of
from annotator.db.session import session_scope
from annotator.db.session import transaction
from annotator.models.documents import Document
from annotator.schema.stored import has_schema
from annotator.schema.stored import install_schema
from annotator.schema.toml_file import load_schema
from annotator.transfer.importing import ImportOptions
from annotator.transfer.importing import import_paths


def bootstrap(app: Flask) -> None:
    """Give an empty database the configured schema and the seed articles."""
    engine = engine_of(app)
    with session_scope(engine) as session:
        with transaction(session):
            if not has_schema(session):
                install_schema(session, load_schema(app.config["SCHEMA_PATH"]))
        has_documents = session.execute(select(Document.id).limit(1)).first() is not None
    seeds = app.config.get("SEEDS_DIR")
    if seeds and not has_documents and Path(seeds).is_dir():
        import_paths(engine, [seeds], ImportOptions(annotator_name=app.config["ANNOTATOR_USER"]))
