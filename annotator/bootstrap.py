"""First start on an empty database: install the label schema and import the seed articles."""

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from annotator.db import engine_of
from annotator.db import session_scope
from annotator.importing import ImportOptions
from annotator.importing import import_paths
from annotator.labels import has_schema
from annotator.labels import install_schema
from annotator.models import Document
from annotator.schema import load_schema


def bootstrap(app: Flask) -> None:
    """Give an empty database the configured schema and the seed articles."""
    engine = engine_of(app)
    with session_scope(engine) as session:
        if not has_schema(session):
            install_schema(session, load_schema(app.config["SCHEMA_PATH"]))
            session.commit()
        has_documents = session.execute(select(Document.id).limit(1)).first() is not None
    seeds = app.config.get("SEEDS_DIR")
    if seeds and not has_documents and Path(seeds).is_dir():
        import_paths(engine, [seeds], ImportOptions(annotator_name=app.config["ANNOTATOR_USER"]))
