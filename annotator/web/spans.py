"""The htmx endpoints that create, relabel and delete spans from the annotation page.

The browser sends offsets in its own units (UTF-16 over the text with CRLF seen as LF); they
are converted here, once, by `annotator.text.offsets.BrowserOffsets`. Each answer re-renders only
the
paragraphs the span touches (with the suggestions drawn in them), plus the span list, as
out-of-band swaps.
"""

import json

from flask import Blueprint
from flask import render_template
from flask import request

from annotator.annotation.documents import DocumentText
from annotator.annotation.documents import get_document_text
from annotator.annotation.spans import create_span
from annotator.annotation.spans import delete_span
from annotator.annotation.spans import list_spans
from annotator.annotation.spans import relabel_span
from annotator.db.session import get_session
from annotator.db.session import transaction
from annotator.errors import AnnotationError
from annotator.suggestions.decisions import list_suggestions
from annotator.text.offsets import BrowserOffsets
from annotator.text.offsets import OffsetError
from annotator.text.offsets import snap_to_words
from annotator.web.common import catalog
from annotator.web.common import current_annotator
from annotator.web.common import layer_order
from annotator.web.rendering import paragraphs_touching
from annotator.web.rendering import render_document
from annotator.web.rendering import split_paragraphs

bp = Blueprint("spans", __name__)


def _form_offset(name: str) -> int:
    """An integer form field, or an error naming it."""
    value = request.form.get(name, "")
    try:
        return int(value)
    except ValueError:
        raise AnnotationError(f"{name} must be a whole number, not '{value}'") from None


def code_point_span(
    text: str, browser_start: int, browser_end: int, exact: bool
) -> tuple[int, int]:
    """Turn a browser selection into stored offsets, snapped to words unless exact."""
    try:
        start, end = BrowserOffsets(text).span_to_code_points(browser_start, browser_end)
        return (start, end) if exact else snap_to_words(text, start, end)
    except OffsetError as error:
        raise AnnotationError(f"selection [{browser_start}, {browser_end}): {error}") from None


def render_changes(
    document: DocumentText,
    start: int,
    end: int,
    selected_id: int | None,
    *,
    suggestion_list: list | None = None,
    message: str | None = None,
    events: dict | None = None,
):
    """Re-rendered paragraphs around [start, end) and the span list, with settle triggers.

    Pending suggestions stay drawn in those paragraphs; after a suggestion was decided the
    caller passes them all (suggestion_list) and they and their list are swapped too.
    """
    session = get_session()
    spans = list_spans(session, document.id, current_annotator().id, catalog())
    touched = paragraphs_touching(split_paragraphs(document.text), start, end)
    suggestions = suggestion_list
    if suggestions is None and touched:
        suggestions = list_suggestions(
            session,
            document_id=document.id,
            catalog=catalog(),
            start=touched[0].start,
            end=touched[-1].end,
        )
    paragraphs = render_document(
        document.text, spans, layer_order(), only=touched, suggestions=suggestions or ()
    )
    body = render_template(
        "documents/_changes.html",
        paragraphs=paragraphs,
        spans=spans,
        document=document,
        suggestion_list=suggestion_list,
        message=message,
        level="info",
    )
    trigger = {"span-changed": {"selected": selected_id}} | (events or {})
    return body, 200, {"HX-Trigger-After-Settle": json.dumps(trigger)}


@bp.post("/documents/<document_id>/spans")
def create(document_id: str):
    """Save the selection as a span with the chosen label."""
    annotator = current_annotator()
    session = get_session()
    document = get_document_text(session, document_id)  # see create_span: before the gate
    start, end = code_point_span(
        document.text,
        _form_offset("start"),
        _form_offset("end"),
        exact=request.form.get("exact") == "1",
    )
    with transaction(session):
        span = create_span(
            session,
            document=document,
            annotator=annotator,
            label_name=request.form.get("label", ""),
            start=start,
            end=end,
            catalog=catalog(),
        )
    return render_changes(document, span.start, span.end, None)


@bp.post("/spans/<int:span_id>/label")
def relabel(span_id: int):
    """Give the selected span the label the user picked."""
    annotator = current_annotator()
    with transaction(get_session()) as session:
        span = relabel_span(
            session,
            span_id=span_id,
            annotator=annotator,
            label_name=request.form.get("label", ""),
            catalog=catalog(),
        )
    document = get_document_text(session, span.document_id)
    return render_changes(document, span.start, span.end, span.id)


@bp.delete("/spans/<int:span_id>")
def remove(span_id: int):
    """Delete the selected span."""
    annotator = current_annotator()
    with transaction(get_session()) as session:
        span = delete_span(session, span_id=span_id, annotator=annotator)
    document = get_document_text(session, span.document_id)
    return render_changes(document, span.start, span.end, None)
