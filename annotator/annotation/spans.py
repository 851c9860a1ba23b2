"""Creating, relabelling and deleting spans, and an annotator's progress on a document.

The htmx views, the JSON API, the importer and the CLI all call these functions, so this is
the one place that decides what a valid span is. Offsets are code points (`annotator.text.offsets`).
"""

from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlmodel import Session

from annotator.annotation.documents import DocumentText
from annotator.annotation.documents import get_document_text
from annotator.annotation.documents import lock_document
from annotator.annotation.row_ids import require_row_id
from annotator.annotation.rules import ExistingSpan
from annotator.annotation.rules import check_bounds
from annotator.annotation.rules import check_span
from annotator.annotation.rules import resolve_label
from annotator.annotation.status import start_progress
from annotator.errors import NotFoundError
from annotator.models.annotations import Span
from annotator.models.base import utc_now
from annotator.models.documents import Document
from annotator.models.people import Annotator
from annotator.schema.catalog import LabelCatalog
from annotator.schema.catalog import LabelInfo


@dataclass(frozen=True)
class SpanView:
    """A stored span with its label resolved, as pages, the API and exports show it."""

    id: int
    start: int
    end: int
    text: str
    label: LabelInfo
    document_id: str


_SPANS_TOUCHING = select(Span.id, Span.start, Span.end, Span.label_id, Span.fragments).where(
    Span.document_id == bindparam("document_id"),
    Span.annotator_id == bindparam("annotator_id"),
    Span.start < bindparam("end"),
    Span.end > bindparam("start"),
)
_INSERT_SPAN = insert(Span)
_OWN_SPAN = select(Span.id, Span.document_id, Span.label_id, Span.start, Span.end, Span.text).where(
    Span.id == bindparam("span_id"), Span.annotator_id == bindparam("annotator_id")
)
# A Core statement, built once: the ORM's delete cost more per request than SQLite itself.
_DELETE_OWN_SPAN = delete(Span.__table__).where(
    Span.__table__.c.id == bindparam("span_id"),
    Span.__table__.c.annotator_id == bindparam("annotator_id"),
)


def _spans_touching(
    session: Session, document_id: str, annotator_id: int, start: int, end: int
) -> list[ExistingSpan]:
    """The annotator's spans in the document that overlap [start, end)."""
    parameters = {
        "document_id": document_id,
        "annotator_id": annotator_id,
        "start": start,
        "end": end,
    }
    rows = session.connection().execute(_SPANS_TOUCHING, parameters)
    return [ExistingSpan(*row) for row in rows]


def create_span(
    session: Session,
    *,
    document: Document | DocumentText,
    annotator: Annotator,
    label_name: str,
    start: int,
    end: int,
    catalog: LabelCatalog,
) -> SpanView:
    """Check and save a new span, marking the document in progress (flushed, not committed:
    the caller's `transaction` commits). Callers read the document before that transaction
    starts, so SQLite's write gate is not held for it: a document's text never changes, and
    what can (the labels, the other spans) is read here, under the gate or the row lock."""
    lock_document(session, document.id)
    label = resolve_label(catalog, label_name)
    check_bounds(document.text, start, end)  # before the query: any int reaches it otherwise
    others = _spans_touching(session, document.id, annotator.id, start, end)
    check_span(document.text, label, start, end, others, catalog)
    now = utc_now()
    span_text = document.text[start:end]
    row = {
        "document_id": document.id,
        "annotator_id": annotator.id,
        "label_id": label.id,
        "start": start,
        "end": end,
        "text": span_text,
        "created_at": now,
        "updated_at": now,
    }
    span_id = session.connection().execute(_INSERT_SPAN, row).inserted_primary_key[0]
    start_progress(session, document.id, annotator.id)
    return SpanView(span_id, start, end, span_text, label, document.id)


def _own_span(session: Session, span_id: int, annotator: Annotator):
    """The annotator's span with this id, read after locking its document, or NotFoundError
    for a stale edit (deleted elsewhere, or never theirs)."""
    require_row_id("span", span_id)
    parameters = {"span_id": span_id, "annotator_id": annotator.id}
    row = session.connection().execute(_OWN_SPAN, parameters).first()
    if row is not None and lock_document(session, row.document_id):
        row = session.connection().execute(_OWN_SPAN, parameters).first()  # as it is now
    if row is None:
        raise NotFoundError(
            f"span {span_id} no longer exists (deleted elsewhere?); reload to see what is saved"
        )
    return row


def relabel_span(
    session: Session,
    *,
    span_id: int,
    annotator: Annotator,
    label_name: str,
    catalog: LabelCatalog,
) -> SpanView:
    """Give an existing span another label, under the same checks as a new one (flushed)."""
    span = _own_span(session, span_id, annotator)
    label = resolve_label(catalog, label_name)
    if label.id != span.label_id:
        others = [
            other
            for other in _spans_touching(
                session, span.document_id, annotator.id, span.start, span.end
            )
            if other.id != span.id
        ]
        document = get_document_text(session, span.document_id)
        check_span(document.text, label, span.start, span.end, others, catalog)
        session.execute(
            update(Span).where(Span.id == span.id).values(label_id=label.id, updated_at=utc_now())
        )
    return SpanView(span.id, span.start, span.end, span.text, label, span.document_id)


def delete_span(session: Session, *, span_id: int, annotator: Annotator):
    """Delete the annotator's span (flushed); its row as it was, or NotFoundError when another
    request deleted it first."""
    span = _own_span(session, span_id, annotator)
    parameters = {"span_id": span.id, "annotator_id": annotator.id}
    deleted = session.connection().execute(_DELETE_OWN_SPAN, parameters).rowcount
    if deleted != 1:
        raise NotFoundError(
            f"span {span_id} no longer exists (deleted elsewhere?); reload to see what is saved"
        )
    return span


def list_spans(
    session: Session, document_id: str, annotator_id: int, catalog: LabelCatalog
) -> list[SpanView]:
    """The annotator's spans in a document, sorted by (start, end, label)."""
    rows = session.execute(
        select(Span.id, Span.start, Span.end, Span.text, Span.label_id).where(
            Span.document_id == document_id, Span.annotator_id == annotator_id
        )
    )
    views = [
        SpanView(
            id=row.id,
            start=row.start,
            end=row.end,
            text=row.text,
            label=catalog.by_id[row.label_id],
            document_id=document_id,
        )
        for row in rows
    ]
    views.sort(key=lambda view: (view.start, view.end, view.label.name))
    return views
