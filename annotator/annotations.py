"""Creating, relabelling and deleting spans, and an annotator's progress on a document.

The htmx views, the JSON API, the importer and the CLI all call these functions, so this is
the one place that decides what a valid span is. Offsets are code points (`annotator.offsets`).
"""

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from annotator.db import writing
from annotator.labels import LabelCatalog
from annotator.labels import LabelInfo
from annotator.models import Annotator
from annotator.models import Document
from annotator.models import DocumentStatus
from annotator.models import Span
from annotator.models import Status
from annotator.models import utc_now
from annotator.offsets import OffsetError
from annotator.offsets import check_span_bounds
from annotator.offsets import spans_overlap


class AnnotationError(ValueError):
    """A request the user can correct; the message says what is wrong."""

    status_code = 422


class ConflictError(AnnotationError):
    """Another change to the same document happened at the same moment; trying again works."""

    status_code = 409


class NotFoundError(AnnotationError):
    """The document or span the request names does not exist (any more)."""

    status_code = 404


@dataclass(frozen=True)
class SpanView:
    """A stored span with its label resolved, as pages, the API and exports show it."""

    id: int
    start: int
    end: int
    text: str
    label: LabelInfo
    document_id: str


@dataclass(frozen=True)
class ExistingSpan:
    """The part of a span that validity checks look at."""

    id: int | None
    start: int
    end: int
    label_id: int


# The span path's statements, built once: SQLAlchemy then reuses their compiled form, and they
# run on the session's connection, skipping ORM bookkeeping (see the benchmark in bench/).
_DOCUMENT_TEXT = select(Document.id, Document.text).where(Document.id == bindparam("document_id"))
_SPANS_TOUCHING = select(Span.id, Span.start, Span.end, Span.label_id).where(
    Span.document_id == bindparam("document_id"),
    Span.annotator_id == bindparam("annotator_id"),
    Span.start < bindparam("end"),
    Span.end > bindparam("start"),
)
_INSERT_SPAN = insert(Span)
_STATUS = select(DocumentStatus.status).where(
    DocumentStatus.document_id == bindparam("document_id"),
    DocumentStatus.annotator_id == bindparam("annotator_id"),
)
_INSERT_STATUS = insert(DocumentStatus)


@dataclass(frozen=True)
class DocumentText:
    """Just what span checks need of a document."""

    id: str
    text: str


def get_annotator(session: Session, name: str) -> Annotator:
    """The annotator called name, created on first use."""
    annotator = session.execute(select(Annotator).where(Annotator.name == name)).scalar()
    if annotator is None:
        annotator = Annotator(name=name)
        session.add(annotator)
        session.commit()
    return annotator


def get_document_text(session: Session, document_id: str) -> DocumentText:
    """A document's id and text (a light read for the span path), or NotFoundError."""
    row = session.connection().execute(_DOCUMENT_TEXT, {"document_id": document_id}).first()
    if row is None:
        raise NotFoundError(f"document '{document_id}' does not exist")
    return DocumentText(row.id, row.text)


def get_document(session: Session, document_id: str) -> Document:
    """The document with this id, or NotFoundError."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"document '{document_id}' does not exist")
    return document


def resolve_label(catalog: LabelCatalog, label_name: object) -> LabelInfo:
    """The schema's label called label_name, or an error listing the labels there are."""
    label = catalog.get(label_name) if isinstance(label_name, str) else None
    if label is None:
        known = ", ".join(catalog.by_name)
        raise AnnotationError(f"unknown label '{label_name}' (the schema has: {known})")
    return label


def check_span(
    text: str,
    label: LabelInfo,
    start: int,
    end: int,
    others: Iterable[ExistingSpan],
    catalog: LabelCatalog,
) -> None:
    """Raise AnnotationError unless [start, end) with label may join the others.

    The offsets must lie inside the text; an exact duplicate is always refused; a span may
    overlap a span of its own layer only where the layer allows overlap.
    """
    try:
        check_span_bounds(len(text), start, end)
    except OffsetError as error:
        raise AnnotationError(str(error)) from None
    for other in others:
        if not spans_overlap(start, end, other.start, other.end):
            continue
        other_label = catalog.by_id[other.label_id]
        if (other.start, other.end, other.label_id) == (start, end, label.id):
            raise AnnotationError(
                f"{label.name} [{start}, {end}) '{text[start:end]}' is already annotated"
            )
        if other_label.layer == label.layer and not label.allow_overlap:
            raise AnnotationError(
                f"{label.name} [{start}, {end}) overlaps {other_label.name} "
                f"[{other.start}, {other.end}) '{text[other.start : other.end]}', and the "
                f"{label.layer_title} layer does not allow overlapping spans"
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
    """Check and save a new span, marking the document in progress; commits."""
    label = resolve_label(catalog, label_name)
    if isinstance(start, int) and isinstance(end, int):
        others = _spans_touching(session, document.id, annotator.id, start, end)
    else:
        others = []
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
    try:
        with writing(session):
            span_id = session.connection().execute(_INSERT_SPAN, row).inserted_primary_key[0]
            _start_progress(session, document.id, annotator.id)
            session.commit()
    except IntegrityError:
        # A request racing this one saved the same span, or this document's status row.
        session.rollback()
        touching = _spans_touching(session, document.id, annotator.id, start, end)
        if any((s.start, s.end, s.label_id) == (start, end, label.id) for s in touching):
            raise AnnotationError(
                f"{label.name} [{start}, {end}) '{span_text}' is already annotated"
            ) from None
        raise ConflictError(
            "another change to this document was saved at the same moment; try again"
        ) from None
    return SpanView(span_id, start, end, span_text, label, document.id)


def _start_progress(session: Session, document_id: str, annotator_id: int) -> None:
    """Mark a document in progress for an annotator the first time they label it."""
    connection = session.connection()
    key = {"document_id": document_id, "annotator_id": annotator_id}
    if connection.execute(_STATUS, key).first() is None:
        row = key | {"status": Status.IN_PROGRESS.value, "updated_at": utc_now()}
        connection.execute(_INSERT_STATUS, row)


def _own_span(session: Session, span_id: int, annotator: Annotator) -> Span:
    """The annotator's span with this id, or NotFoundError for a stale edit."""
    span = session.get(Span, span_id)
    if span is None or span.annotator_id != annotator.id:
        raise NotFoundError(
            f"span {span_id} no longer exists (deleted elsewhere?); reload to see what is saved"
        )
    return span


def relabel_span(
    session: Session,
    *,
    span_id: int,
    annotator: Annotator,
    label_name: str,
    catalog: LabelCatalog,
) -> SpanView:
    """Give an existing span another label, under the same checks as a new one; commits."""
    span = _own_span(session, span_id, annotator)
    label = resolve_label(catalog, label_name)
    document = session.get(Document, span.document_id)
    if label.id != span.label_id:
        others = [
            other
            for other in _spans_touching(
                session, span.document_id, annotator.id, span.start, span.end
            )
            if other.id != span.id
        ]
        check_span(document.text, label, span.start, span.end, others, catalog)
        with writing(session):
            session.execute(
                update(Span)
                .where(Span.id == span.id)
                .values(label_id=label.id, updated_at=utc_now())
            )
            session.commit()
    return SpanView(span.id, span.start, span.end, span.text, label, span.document_id)


def delete_span(session: Session, *, span_id: int, annotator: Annotator) -> Span:
    """Delete the annotator's span; commits and returns what was deleted."""
    span = _own_span(session, span_id, annotator)
    with writing(session):
        session.execute(delete(Span).where(Span.id == span.id))
        session.commit()
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


def document_status(session: Session, document_id: str, annotator_id: int) -> Status:
    """The annotator's status on a document ('new' when they never touched it)."""
    status = session.execute(
        select(DocumentStatus.status).where(
            DocumentStatus.document_id == document_id,
            DocumentStatus.annotator_id == annotator_id,
        )
    ).scalar()
    return Status(status or Status.NEW.value)


def set_status(
    session: Session, *, document: Document, annotator: Annotator, status: str
) -> Status:
    """Record the annotator's status on a document (done, skipped, ...); commits."""
    try:
        new_status = Status(status)
    except ValueError:
        known = ", ".join(item.value for item in Status)
        raise AnnotationError(f"unknown status '{status}' (one of: {known})") from None
    row = session.get(DocumentStatus, (document.id, annotator.id))
    if row is None:
        row = DocumentStatus(document_id=document.id, annotator_id=annotator.id)
    row.status = new_status.value
    row.updated_at = utc_now()
    with writing(session):
        session.add(row)
        session.commit()
    return new_status


def check_spans(
    text: str,
    candidates: Sequence[tuple[int, int, LabelInfo]],
    catalog: LabelCatalog,
    existing: Sequence[ExistingSpan] = (),
) -> None:
    """check_span for many (start, end, label) at once: each against the existing spans and
    the candidates before it. Errors start with 'span N' (N indexes candidates).

    A sweep in start order keeps only the spans still open at each start, so a long document
    costs about n log n rather than n squared; the full check runs only where spans meet.
    """
    length = len(text)
    events = [(s.start, s.end, s.label_id, -1) for s in existing]
    for index, (start, end, label) in enumerate(candidates):
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= length:
            _check_one(index, text, label, start, end, (), catalog)
        events.append((start, end, label.id, index))
    events.sort()
    open_spans: list[tuple[int, int, int]] = []  # (end, start, label_id): plain tuples, fast
    by_id = catalog.by_id
    for start, end, label_id, index in events:
        if open_spans:
            open_spans = [span for span in open_spans if span[0] > start]
        if index >= 0 and open_spans:
            label = candidates[index][2]
            if any(
                other_label == label_id or by_id[other_label].layer == label.layer
                for _, _, other_label in open_spans
            ):
                others = [ExistingSpan(None, s, e, label_id) for e, s, label_id in open_spans]
                _check_one(index, text, label, start, end, others, catalog)
        open_spans.append((end, start, label_id))


def _check_one(index, text, label, start, end, others, catalog) -> None:
    """The full check of one candidate; its error is prefixed with the candidate's index."""
    try:
        check_span(text, label, start, end, others, catalog)
    except AnnotationError as error:
        raise AnnotationError(f"span {index}: {error}") from None
