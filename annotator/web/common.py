"""What every view needs: the session's annotator, the label catalog, page or fragment."""

from flask import current_app
from flask import g

from annotator.annotation.annotators import get_annotator
from annotator.db.session import engine_of
from annotator.db.session import get_session
from annotator.db.session import session_scope
from annotator.db.session import transaction
from annotator.extensions import htmx
from annotator.models.people import Annotator
from annotator.schema.catalog import LabelCatalog


def catalog() -> LabelCatalog:
    """The project's labels, cached per process and refreshed after a schema change."""
    if "catalog" not in g:
        g.catalog = current_app.extensions["annotator.catalog"].get(get_session())
    return g.catalog


def current_annotator() -> Annotator:
    """The local user until logins exist (ANNOTATOR_USER, else the OS user name).

    Annotator rows are never changed once made, so each process looks a name up only once; a
    new name is registered in a transaction of its own. Call it before `transaction()`.
    """
    known = current_app.extensions.setdefault("annotator.annotators", {})
    name = current_app.config["ANNOTATOR_USER"]
    if name not in known:
        with session_scope(engine_of(current_app)) as session, transaction(session):
            known[name] = get_annotator(session, name)
    return known[name]


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page (not a history restore)."""
    return bool(htmx) and not htmx.history_restore_request


def layer_order() -> dict[str, int]:
    """Each layer's display position: the first is drawn as a background, the rest as bands."""
    return {layer.name: index for index, layer in enumerate(catalog().schema.layers)}


def span_map(spans) -> dict[str, list]:
    """Spans as the page's script reads them: {"id": [start, end, label, text]}."""
    return {str(span.id): [span.start, span.end, span.label.name, span.text] for span in spans}
