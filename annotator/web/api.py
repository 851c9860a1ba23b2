"""The JSON API for scripts: the same service functions as the pages, offsets in code points."""

from flask import Blueprint
from flask import current_app
from flask import request
from pydantic import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from annotator.annotation.document_list import list_documents
from annotator.annotation.documents import get_document
from annotator.annotation.documents import get_document_text
from annotator.annotation.spans import SpanView
from annotator.annotation.spans import create_span
from annotator.annotation.spans import delete_span
from annotator.annotation.spans import list_spans
from annotator.annotation.spans import relabel_span
from annotator.annotation.status import document_status
from annotator.annotation.status import set_status
from annotator.db.session import get_session
from annotator.db.session import transaction
from annotator.errors import AnnotationError
from annotator.models.annotations import SpanCreate
from annotator.web.api_description import api_description
from annotator.web.common import catalog
from annotator.web.common import current_annotator
from annotator.web.documents import list_arguments

bp = Blueprint("api", __name__, url_prefix="/api")


def span_json(span: SpanView) -> dict:
    """A span as the API returns it."""
    return {
        "id": span.id,
        "start": span.start,
        "end": span.end,
        "label": span.label.name,
        "layer": span.label.layer,
        "text": span.text,
    }


@bp.before_request
def limit_body_size() -> None:
    """API bodies are small JSON objects: refuse a larger one (413) before reading it."""
    request.max_content_length = current_app.config["MAX_API_BODY_BYTES"]


def _json_body() -> dict:
    """The request's JSON object, or an error saying what is wrong with it."""
    # A chunked body has no length to check first: its stream stops quietly at the limit.
    if len(request.get_data(cache=True)) >= current_app.config["MAX_API_BODY_BYTES"]:
        raise RequestEntityTooLarge()
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise AnnotationError("the request body is JSON nested too deeply") from None
    if not isinstance(body, dict):
        raise AnnotationError("the request body must be a JSON object")
    return body


def _validation_message(error: ValidationError) -> str:
    """Pydantic's errors as one readable line."""
    return "; ".join(
        f"{'.'.join(map(str, item['loc'])) or 'body'}: {item['msg']}" for item in error.errors()
    )


@bp.get("/documents")
def documents():
    """One page of documents, with the same filters as the list page."""
    listing = list_documents(
        get_session(),
        current_annotator().id,
        per_page=current_app.config["DOCUMENTS_PER_PAGE"],
        **list_arguments(),
    )
    return {
        "documents": [row.__dict__ for row in listing.rows],
        "page": listing.page,
        "pages": listing.pages,
        "total": listing.total,
    }


@bp.get("/documents/<document_id>")
def document(document_id: str):
    """A document with the current annotator's spans and status."""
    session = get_session()
    found = get_document(session, document_id)
    annotator = current_annotator()
    return {
        "id": found.id,
        "title": found.title,
        "source": found.source,
        "text": found.text,
        "meta": found.meta,
        "annotator": annotator.name,
        "status": document_status(session, found.id, annotator.id).value,
        "spans": [
            span_json(span) for span in list_spans(session, found.id, annotator.id, catalog())
        ],
    }


@bp.post("/documents/<document_id>/spans")
def add_span(document_id: str):
    """Create a span from {"start", "end", "label"} (code points, end exclusive)."""
    try:
        wanted = SpanCreate.model_validate(_json_body())
    except ValidationError as error:
        raise AnnotationError(_validation_message(error)) from None
    annotator = current_annotator()
    session = get_session()
    document = get_document_text(session, document_id)  # see create_span: before the gate
    with transaction(session):
        span = create_span(
            session,
            document=document,
            annotator=annotator,
            label_name=wanted.label,
            start=wanted.start,
            end=wanted.end,
            catalog=catalog(),
        )
    return span_json(span), 201


@bp.patch("/spans/<int:span_id>")
def change_span(span_id: int):
    """Relabel a span from {"label"}."""
    label = _json_body().get("label")
    annotator = current_annotator()
    with transaction(get_session()) as session:
        span = relabel_span(
            session, span_id=span_id, annotator=annotator, label_name=label, catalog=catalog()
        )
    return span_json(span)


@bp.delete("/spans/<int:span_id>")
def remove_span(span_id: int):
    """Delete a span."""
    annotator = current_annotator()
    with transaction(get_session()) as session:
        span = delete_span(session, span_id=span_id, annotator=annotator)
    return {"deleted": span.id}


@bp.post("/documents/<document_id>/status")
def change_status(document_id: str):
    """Set the current annotator's status from {"status"}."""
    annotator = current_annotator()
    wanted = str(_json_body().get("status", ""))
    with transaction(get_session()) as session:
        status = set_status(
            session,
            document=get_document(session, document_id),
            annotator=annotator,
            status=wanted,
        )
    return {"id": document_id, "status": status.value}


@bp.get("/openapi.json")
def openapi():
    """The API's OpenAPI description."""
    return api_description(list(catalog().by_name))
