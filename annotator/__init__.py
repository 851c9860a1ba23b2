"""annotator: span annotation for news text, with exact offsets."""

from flask import Flask

from annotator.config import INSTANCE_PATH
from annotator.config import PROJECT_ROOT
from annotator.config import settings


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, database, label schema, seed articles and blueprints."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(settings(test_config))
    from annotator.db import session as db
    from annotator.extensions import htmx
    from annotator.schema.catalog import CatalogCache

    db.init_app(app)
    htmx.init_app(app)
    app.extensions["annotator.catalog"] = CatalogCache()

    from annotator.transfer.seeding import bootstrap

    bootstrap(app)

    from annotator.web import api
    from annotator.web import documents
    from annotator.web import errors
    from annotator.web import security
    from annotator.web import sessions
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
    security.register(app)
    sessions.register(app)
    security.exempt_from_csrf_tokens(api.bp)
    return app
