"""An annotator's progress on a document."""

from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import select
from sqlmodel import Session

from annotator.annotation.documents import lock_document
from annotator.errors import AnnotationError
from annotator.models.annotations import DocumentStatus
from annotator.models.annotations import Status
from annotator.models.base import utc_now
from annotator.models.documents import Document
from annotator.models.people import Annotator

_STATUS = select(DocumentStatus.status).where(
    DocumentStatus.document_id == bindparam("document_id"),
    DocumentStatus.annotator_id == bindparam("annotator_id"),
)


_INSERT_STATUS = insert(DocumentStatus)


def start_progress(session: Session, document_id: str, annotator_id: int) -> None:
    """Mark a document in progress for an annotator the first time they label it."""
    connection = session.connection()
    key = {"document_id": document_id, "annotator_id": annotator_id}
    if connection.execute(_STATUS, key).first() is None:
        row = key | {"status": Status.IN_PROGRESS.value, "updated_at": utc_now()}
        connection.execute(_INSERT_STATUS, row)


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
    """Record the annotator's status on a document (done, skipped, ...); flushed."""
    try:
        new_status = Status(status)
    except ValueError:
        known = ", ".join(item.value for item in Status)
        raise AnnotationError(f"unknown status '{status}' (one of: {known})") from None
    lock_document(session, document.id)
    row = session.get(DocumentStatus, (document.id, annotator.id), populate_existing=True)
    if row is None:
        row = DocumentStatus(document_id=document.id, annotator_id=annotator.id)
    row.status = new_status.value
    row.updated_at = utc_now()
    session.add(row)
    session.flush()
    return new_status
