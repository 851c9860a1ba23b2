"""Finding documents: the filtered, paged list, overall progress and neighbours."""

import math
from dataclasses import dataclass

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlmodel import Session

from annotator.models.annotations import DocumentStatus
from annotator.models.annotations import Span
from annotator.models.annotations import Status
from annotator.models.documents import Document


@dataclass(frozen=True)
class DocumentRow:
    """A document as the list shows it, for one annotator."""

    id: str
    title: str
    source: str
    length: int
    span_count: int
    status: str


@dataclass(frozen=True)
class DocumentPage:
    """One page of the filtered list."""

    rows: list[DocumentRow]
    page: int
    pages: int
    total: int


def _status_column():
    return func.coalesce(DocumentStatus.status, Status.NEW.value)


def _with_status(query, annotator_id: int):
    """Join the annotator's status (absent means new) onto a document query."""
    return query.outerjoin(
        DocumentStatus,
        and_(
            DocumentStatus.document_id == Document.id,
            DocumentStatus.annotator_id == annotator_id,
        ),
    )


def _filtered(query, status: str | None, search: str | None):
    """Apply the status filter and the text search (title or text, case-insensitive)."""
    if status:
        query = query.where(_status_column() == Status(status).value)
    if search:
        query = query.where(
            or_(
                Document.title.icontains(search, autoescape=True),
                Document.text.icontains(search, autoescape=True),
            )
        )
    return query


def list_documents(
    session: Session,
    annotator_id: int,
    *,
    status: str | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> DocumentPage:
    """The documents matching status and search, in id order, one page of them."""
    counts = (
        select(Span.document_id, func.count().label("span_count"))
        .where(Span.annotator_id == annotator_id)
        .group_by(Span.document_id)
        .subquery()
    )
    total = session.execute(
        _filtered(
            _with_status(select(func.count()).select_from(Document), annotator_id), status, search
        )
    ).scalar_one()
    pages = max(math.ceil(total / per_page), 1)
    page = min(max(page, 1), pages)
    query = _filtered(
        _with_status(
            select(
                Document.id,
                Document.title,
                Document.source,
                func.length(Document.text),
                func.coalesce(counts.c.span_count, 0),
                _status_column(),
            ),
            annotator_id,
        ).outerjoin(counts, counts.c.document_id == Document.id),
        status,
        search,
    )
    rows = session.execute(
        query.order_by(Document.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return DocumentPage([DocumentRow(*row) for row in rows], page, pages, total)


def progress(session: Session, annotator_id: int) -> dict[str, int]:
    """How many documents the annotator has in each status, and the total."""
    rows = session.execute(
        _with_status(
            select(DocumentStatus.status, func.count()).select_from(Document), annotator_id
        ).group_by(DocumentStatus.status)
    ).all()
    counts = {status.value: 0 for status in Status}
    for status, number in rows:
        counts[status or Status.NEW.value] += number
    counts["total"] = sum(counts[status.value] for status in Status)
    return counts


def neighbours(session: Session, document_id: str) -> tuple[str | None, str | None]:
    """The ids of the documents before and after this one, in id order."""
    previous_id = session.execute(
        select(func.max(Document.id)).where(Document.id < document_id)
    ).scalar()
    next_id = session.execute(
        select(func.min(Document.id)).where(Document.id > document_id)
    ).scalar()
    return previous_id, next_id
