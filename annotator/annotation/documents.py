"""Looking up documents for the span path."""

from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy import select
from sqlmodel import Session

from annotator.errors import NotFoundError
from annotator.models.documents import Document

# The span path's statements, built once: SQLAlchemy then reuses their compiled form, and they
# run on the session's connection, skipping ORM bookkeeping (see the benchmark in bench/).
_DOCUMENT_TEXT = select(Document.id, Document.text).where(Document.id == bindparam("document_id"))


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


def get_document(session: Session, document_id: str) -> Document:
    """The document with this id, or NotFoundError."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"document '{document_id}' does not exist")
    return document
