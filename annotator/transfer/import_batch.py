"""Writing one batch of an input's documents in the input's open transaction.

A batch holds each text at most once (the caller starts a new batch at a repeat), so a text
repeated in a file meets its first copy in the database and its spans are merged, not doubled.
The documents, spans and suggestions the batch already has are looked up with one query each
per batch, so memory stays flat however large the database and the file are.
"""

from collections import Counter
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import insert
from sqlalchemy import select
from sqlmodel import Session

from annotator.annotation.annotators import get_annotator
from annotator.annotation.rules import ExistingSpan
from annotator.db.bulk import insert_plain_rows
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.models.annotations import DocumentStatus
from annotator.models.annotations import Span
from annotator.models.base import utc_now
from annotator.models.documents import Document
from annotator.models.suggestions import Suggestion
from annotator.schema.catalog import LabelCatalog
from annotator.text.brief import brief
from annotator.transfer.import_checks import SeenDocuments
from annotator.transfer.import_rows import SPAN_COLUMNS
from annotator.transfer.import_rows import document_row
from annotator.transfer.import_rows import span_rows
from annotator.transfer.import_rows import status_of
from annotator.transfer.import_rows import suggestion_rows


@dataclass
class FileReport:
    """What one input added, and what it could not keep as annotations."""

    path: str
    format: str = ""
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    suggestions_added: int = 0
    kept: Counter = field(default_factory=Counter)  # relations, attributes, notes, ... kept in meta
    boilerplate_lines: list[str] = field(default_factory=list)
    labels_added: list[str] = field(default_factory=list)
    # The documents this input added: a repeat of one of them is not "already there".
    added_ids: set[str] = field(default_factory=set, repr=False)
    # Ids and texts this input gave, for refusing an id given two texts; notes its merges.
    seen: SeenDocuments = field(default_factory=SeenDocuments, repr=False)
    notes: list[str] = field(default_factory=list)  # said in the report: merges, skipped files


@dataclass
class BatchContext:
    """What every batch of one input shares."""

    session: Session
    catalog: LabelCatalog
    report: FileReport
    annotator_name: str  # for documents that name no annotator
    source: str  # the name suggestions are filed under
    annotators: dict[str, int] = field(default_factory=dict)  # name -> id, looked up once


def write_batch(context: BatchContext, batch: list[tuple[DocumentRecord, str]]) -> None:
    """Write a batch of (document, content hash), each text at most once in the batch."""
    session, catalog, report = context.session, context.catalog, context.report
    id_by_hash, taken_ids = _stored_documents(session, batch)
    new_rows: dict[str, dict] = {}
    rows: list = []
    suggestions: list[dict] = []
    statuses: dict[tuple[str, int], str] = {}
    for document, text_hash in batch:
        document_id = id_by_hash.get(text_hash)
        if document_id is None:
            document_id = _new_document_id(document, text_hash, taken_ids, new_rows, report)
            new_rows[document_id] = document_row(document, document_id, text_hash)
            report.documents_added += 1
            report.kept.update({key: len(items) for key, items in document.kept.items()})
        elif document_id not in report.added_ids:
            report.documents_existing += 1
        _note_seen(report, document, document_id)
        report.notes.extend(document.notes)
        suggestions.extend(suggestion_rows(document, document_id, catalog, context.source))
        if document.annotator is None and not document.spans and document.status in (None, "new"):
            continue
        annotator_id = _annotator_id(context, document.annotator or context.annotator_name)
        existing = (
            [] if document_id in new_rows else _stored_spans(session, document_id, annotator_id)
        )
        noted = len(document.notes)
        added = span_rows(document, document_id, annotator_id, catalog, existing)
        report.notes.extend(document.notes[noted:])  # spans repeated in the file, kept once
        report.spans_existing += len(document.spans) - len(added)
        report.spans_added += len(added)
        rows.extend(added)
        statuses[(document_id, annotator_id)] = status_of(document, has_spans=bool(document.spans))
    _insert(session, new_rows, rows)
    report.suggestions_added += _insert_suggestions(session, suggestions)
    _write_statuses(session, statuses, set(new_rows))
    report.added_ids.update(new_rows)


def _stored_documents(
    session: Session, batch: list[tuple[DocumentRecord, str]]
) -> tuple[dict[str, str], set[str]]:
    """The stored ids of the batch's texts, and which of the ids its documents name are taken."""
    hashes = [text_hash for _, text_hash in batch]
    rows = session.execute(
        select(Document.content_hash, Document.id).where(Document.content_hash.in_(hashes))
    )
    id_by_hash = dict(rows.all())
    named = {document.id or f"doc-{text_hash[:16]}" for document, text_hash in batch}
    taken = set(session.scalars(select(Document.id).where(Document.id.in_(named))))
    return id_by_hash, taken


def _new_document_id(
    document: DocumentRecord,
    text_hash: str,
    taken_ids: set[str],
    new_rows: dict,
    report: FileReport,
) -> str:
    """The id a new document gets: its own, else one derived from its text."""
    document_id = document.id or f"doc-{text_hash[:16]}"
    if document_id in taken_ids or document_id in new_rows:
        first = report.seen.first_place(document_id) or (
            new_rows[document_id]["source"] if document_id in new_rows else None
        )
        place = f"at {first}" if first else "stored before this import"
        raise FormatError(
            document.where,
            f"document id {brief(document_id)} is already used by a different text "
            f"({place}); nothing of this input was written",
        )
    return document_id


def _note_seen(report: FileReport, document: DocumentRecord, document_id: str) -> None:
    """Remember where the input gave document_id; a text given a second id is merged (said)."""
    merged = len(report.seen.merged)
    report.seen.add(document, document_id)
    report.notes.extend(report.seen.merged[merged:])


def _annotator_id(context: BatchContext, name: str) -> int:
    """The id of an annotator, created on first use."""
    if name not in context.annotators:
        context.annotators[name] = get_annotator(context.session, name).id
    return context.annotators[name]


def _stored_spans(session: Session, document_id: str, annotator_id: int) -> list[ExistingSpan]:
    """An existing document's spans by one annotator."""
    rows = session.execute(
        select(Span.id, Span.start, Span.end, Span.label_id, Span.fragments).where(
            Span.document_id == document_id, Span.annotator_id == annotator_id
        )
    )
    return [ExistingSpan(*row) for row in rows]


def _insert(session: Session, new_rows: dict[str, dict], rows: list) -> None:
    """Insert the batch's new documents and spans."""
    # Core inserts on the connection: ORM bulk-insert bookkeeping cost more than SQLite itself.
    connection = session.connection()
    if new_rows:
        connection.execute(insert(Document.__table__), list(new_rows.values()))
    plain = [row for row in rows if type(row) is tuple]
    insert_plain_rows(connection, Span.__table__, SPAN_COLUMNS, plain)
    if len(plain) < len(rows):
        connection.execute(insert(Span.__table__), [r for r in rows if type(r) is dict])


def _insert_suggestions(session: Session, rows: list[dict]) -> int:
    """Insert the suggestion rows not stored yet (nor repeated in the batch); how many."""
    if not rows:
        return 0
    key = ("document_id", "source", "label_id", "start", "end")
    documents = {row["document_id"] for row in rows}
    seen = {
        tuple(row)
        for row in session.execute(
            select(
                Suggestion.document_id,
                Suggestion.source,
                Suggestion.label_id,
                Suggestion.start,
                Suggestion.end,
            ).where(Suggestion.document_id.in_(documents))
        )
    }
    fresh = []
    for row in rows:
        identity = tuple(row[k] for k in key)
        if identity not in seen:
            seen.add(identity)
            fresh.append(row)
    if fresh:
        session.connection().execute(insert(Suggestion.__table__), fresh)
    return len(fresh)


def _write_statuses(
    session: Session, statuses: dict[tuple[str, int], str], new_ids: set[str]
) -> None:
    """Write the (document, annotator) statuses a batch carries: bulk for new documents."""
    now = utc_now()
    fresh = []
    for (document_id, annotator_id), status in statuses.items():
        if document_id in new_ids:
            fresh.append(
                {
                    "document_id": document_id,
                    "annotator_id": annotator_id,
                    "status": status,
                    "updated_at": now,
                }
            )
            continue
        row = session.get(DocumentStatus, (document_id, annotator_id))
        if row is None:
            row = DocumentStatus(document_id=document_id, annotator_id=annotator_id)
        row.status = status
        row.updated_at = now
        session.add(row)
    if fresh:
        session.connection().execute(insert(DocumentStatus.__table__), fresh)
    session.flush()
