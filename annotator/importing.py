"""Importing documents (and the spans they carry) into the database.

Each file is one transaction: it is written whole or not at all. A text already in the
database (same content hash) is not duplicated; its spans are added to it, skipping those it
already has, so an export imports back unchanged.
"""

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from annotator.annotations import AnnotationError
from annotator.annotations import ExistingSpan
from annotator.annotations import check_spans
from annotator.annotations import get_annotator
from annotator.corpus import CorpusError
from annotator.corpus import SourceDocument
from annotator.corpus import content_hash
from annotator.corpus import find_files
from annotator.corpus import read_file
from annotator.corpus import title_of
from annotator.db import insert_plain_rows
from annotator.db import session_scope
from annotator.labels import LabelCatalog
from annotator.labels import load_catalog
from annotator.models import Document
from annotator.models import DocumentStatus
from annotator.models import Span
from annotator.models import Status
from annotator.models import utc_now

Progress = Callable[[int], None]


@dataclass
class FileReport:
    """What one file added."""

    path: str
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0


@dataclass
class ImportReport:
    """What an import added, file by file."""

    files: list[FileReport] = field(default_factory=list)

    def total(self, name: str) -> int:
        """The sum of one FileReport counter over all files."""
        return sum(getattr(report, name) for report in self.files)


class _KnownDocuments:
    """The ids and content hashes already in the database, kept current during an import."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(Document.id, Document.content_hash)).all()
        self.id_by_hash = {row.content_hash: row.id for row in rows}
        self.ids = set(self.id_by_hash.values())


def total_size(paths: Iterable[str | Path]) -> int:
    """The bytes an import of paths will read, for a progress bar."""
    return sum(path.stat().st_size for path in find_files(paths))


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    *,
    annotator_name: str,
    progress: Progress | None = None,
) -> ImportReport:
    """Import .txt and .jsonl files and folders of them, one transaction per file.

    Raises CorpusError naming file and line at the first bad file; the files before it stay
    imported, nothing of the bad one is written.
    """
    report = ImportReport()
    files = find_files(paths)
    with session_scope(engine) as session:
        catalog = load_catalog(session)
        known = _KnownDocuments(session)
        for path in files:
            documents = read_file(path)
            file_report = _import_documents(
                session, documents, str(path), catalog, known, annotator_name
            )
            session.commit()
            report.files.append(file_report)
            if progress:
                progress(path.stat().st_size)
    return report


def import_documents(
    engine: Engine, documents: list[SourceDocument], *, name: str, annotator_name: str
) -> FileReport:
    """Import documents read by other means (a test, a web upload) as one transaction."""
    with session_scope(engine) as session:
        report = _import_documents(
            session,
            documents,
            name,
            load_catalog(session),
            _KnownDocuments(session),
            annotator_name,
        )
        session.commit()
    return report


def _import_documents(
    session: Session,
    documents: list[SourceDocument],
    path: str,
    catalog: LabelCatalog,
    known: _KnownDocuments,
    default_annotator: str,
) -> FileReport:
    """Write one file's documents and spans in the open transaction."""
    report = FileReport(path=path)
    new_rows: dict[str, dict] = {}
    span_rows: list[dict] = []
    statuses: dict[tuple[str, int], str] = {}
    annotators: dict[str, int] = {}
    now = utc_now()
    for document in documents:
        text_hash = content_hash(document.text)
        document_id = known.id_by_hash.get(text_hash) or _new_document_id(
            document, text_hash, known
        )
        if text_hash in known.id_by_hash or document_id in new_rows:
            report.documents_existing += document_id not in new_rows
        else:
            new_rows[document_id] = _document_row(document, document_id, text_hash)
            report.documents_added += 1
        if document.annotator is None and not document.spans and document.status in (None, "new"):
            continue
        name = document.annotator or default_annotator
        if name not in annotators:
            annotators[name] = get_annotator(session, name).id
        annotator_id = annotators[name]
        existing = (
            [] if document_id in new_rows else _stored_spans(session, document_id, annotator_id)
        )
        added = _span_rows(document, document_id, annotator_id, catalog, existing)
        report.spans_existing += len(document.spans or []) - len(added)
        report.spans_added += len(added)
        span_rows.extend(added)
        statuses[(document_id, annotator_id)] = _status_of(document, has_spans=bool(document.spans))
    # Core inserts on the connection: ORM bulk-insert bookkeeping cost more than SQLite itself.
    connection = session.connection()
    try:
        if new_rows:
            connection.execute(insert(Document.__table__), list(new_rows.values()))
        insert_plain_rows(connection, Span.__table__, span_rows)
        _write_statuses(session, statuses, set(new_rows), now)
    except Exception:
        session.rollback()
        raise
    for document_id, row in new_rows.items():
        known.id_by_hash[row["content_hash"]] = document_id
        known.ids.add(document_id)
    return report


def _new_document_id(document: SourceDocument, text_hash: str, known: _KnownDocuments) -> str:
    """The id a new document gets: its own, else one derived from its text."""
    document_id = document.id or f"doc-{text_hash[:16]}"
    if document_id in known.ids:
        raise CorpusError(
            f"{document.where}: document id '{document_id}' is already used by a different text"
        )
    return document_id


def _document_row(document: SourceDocument, document_id: str, text_hash: str) -> dict:
    """The row of a new document."""
    return {
        "id": document_id,
        "title": document.title or title_of(document.text),
        "text": document.text,
        "source": document.source,
        "meta": document.meta,
        "content_hash": text_hash,
    }


def _stored_spans(session: Session, document_id: str, annotator_id: int) -> list[ExistingSpan]:
    """An existing document's spans by one annotator."""
    rows = session.execute(
        select(Span.id, Span.start, Span.end, Span.label_id).where(
            Span.document_id == document_id, Span.annotator_id == annotator_id
        )
    )
    return [ExistingSpan(*row) for row in rows]


def _span_rows(
    document: SourceDocument,
    document_id: str,
    annotator_id: int,
    catalog: LabelCatalog,
    existing: list[ExistingSpan],
) -> list[dict]:
    """Check a document's spans and return rows for those not stored yet."""
    text = document.text
    stored = {(span.start, span.end, span.label_id) for span in existing}
    candidates = []
    for index, span in enumerate(document.spans or []):
        label = catalog.get(span.label)
        if label is None:
            _fail(
                document,
                index,
                f"unknown label '{span.label}' (the schema has: {', '.join(catalog.by_name)})",
            )
        if (span.start, span.end, label.id) in stored:
            continue
        if span.text is not None and span.text != text[span.start : span.end]:
            _fail(
                document,
                index,
                f"text {span.text!r} does not match the text at [{span.start}, {span.end}): "
                f"{text[span.start : span.end]!r}",
            )
        candidates.append((span.start, span.end, label))
    try:
        check_spans(text, candidates, catalog, existing)
    except AnnotationError as error:
        raise CorpusError(f"{document.where}: {error}") from None
    return [
        {
            "document_id": document_id,
            "annotator_id": annotator_id,
            "label_id": label.id,
            "start": start,
            "end": end,
            "text": text[start:end],
        }
        for start, end, label in candidates
    ]


def _fail(document: SourceDocument, index: int, problem: str) -> None:
    """Refuse the file at one span of one document."""
    raise CorpusError(f"{document.where}: span {index}: {problem}")


def _status_of(document: SourceDocument, *, has_spans: bool) -> str:
    """The status a file gives a document, defaulting by whether it carries spans."""
    if document.status is None:
        return Status.IN_PROGRESS.value if has_spans else Status.NEW.value
    try:
        return Status(document.status).value
    except ValueError:
        known = ", ".join(item.value for item in Status)
        raise CorpusError(
            f"{document.where}: unknown status '{document.status}' (one of: {known})"
        ) from None


def _write_statuses(
    session: Session, statuses: dict[tuple[str, int], str], new_ids: set[str], now
) -> None:
    """Write the (document, annotator) statuses a file carries: bulk for new documents."""
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
