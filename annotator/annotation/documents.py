"""Looking up documents for the span path."""

from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy import select
from sqlmodel import Session

from annotator.db.engine import holds_write_gate
from annotator.db.engine import is_sqlite
from annotator.errors import NotFoundError
from annotator.models.documents import Document

# The span path's statements, built once: SQLAlchemy then reuses their compiled form, and they
# run on the session's connection, skipping ORM bookkeeping (see the benchmark in bench/).
_DOCUMENT_TEXT = select(Document.id, Document.text).where(Document.id == bindparam("document_id"))

_LOCK_DOCUMENT = (
    select(Document.id)
    .where(Document.id == bindparam("document_id"))
    .with_for_update(key_share=True)
)


@dataclass(frozen=True)
class DocumentText:
    """Just what span checks need of a document."""

    id: str
    text: str


def get_document_text(session: Session, document_id: str) -> DocumentText:
    """A document's id and text (a light read for the span path), or NotFoundError."""
    row = session.connection().execute(_DOCUMENT_TEXT, {"document_id": document_id}).first()
    if row is None:
        raise NotFoundError(f"document '{document_id}' does not exist")
    return DocumentText(row.id, row.text)


def lock_document(session: Session, document_id: str) -> bool:
    """Lock the document for this transaction: writers of one document take turns, so the
    checks that read its rows (overlap, duplicates, status) see every committed change. True
    when the lock was taken just now, so rows read before it may have changed since.

    SQLite has one writer at a time already (the write gate that `transaction` holds from its
    start, so nothing read in it can change: False); elsewhere the document row is locked FOR
    NO KEY UPDATE (others may still insert rows that refer to it, so an import does not wait
    on it)."""
    if is_sqlite(session):
        if not holds_write_gate(session):
            raise RuntimeError("a write outside annotator.db.session.transaction()")
        return False
    if session.connection().execute(_LOCK_DOCUMENT, {"document_id": document_id}).first() is None:
        raise NotFoundError(f"document '{document_id}' does not exist")
    return True


def get_document(session: Session, document_id: str) -> Document:
    """The document with this id, or NotFoundError."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"document '{document_id}' does not exist")
    return document
