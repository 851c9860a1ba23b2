"""annotator: span annotation for news text, with exact offsets."""

import getpass
import os
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_user() -> str:
    """The local annotator until logins exist: ANNOTATOR_USER, else the OS user name."""
    return os.environ.get("ANNOTATOR_USER") or getpass.getuser() or "annotator"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, database, label schema, seed articles and blueprints."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from annotator import db

    app.config.from_mapping(
        DATABASE_URL=os.environ.get(db.ENV_DATABASE_URL)
        or db.default_database_url(app.instance_path),
        SCHEMA_PATH=str(PROJECT_ROOT / "seeds" / "schema.toml"),
        SEEDS_DIR=str(PROJECT_ROOT / "seeds"),
        EXPORTS_DIR=str(PROJECT_ROOT / "exports"),
        ANNOTATOR_USER=default_user(),
        DOCUMENTS_PER_PAGE=50,
        SPAN_LIST_LIMIT=300,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)

    from annotator.extensions import htmx
    from annotator.labels import CatalogCache

    db.init_app(app)
    htmx.init_app(app)
    app.extensions["annotator.catalog"] = CatalogCache()

    from annotator.bootstrap import bootstrap

    bootstrap(app)

    from annotator.web import api
    from annotator.web import documents
    from annotator.web import errors
    from annotator.web import spans
    from annotator.web import suggestions
    from annotator.web import transfer
    from annotator.web.common import span_map

    app.add_template_filter(span_map)
    app.register_blueprint(documents.bp)
    app.register_blueprint(spans.bp)
    app.register_blueprint(suggestions.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(transfer.bp)
    errors.register(app)
    return app
