"""Importing documents (and the spans they carry) into the database, from any format.

Each input file is one transaction: written whole or not at all. A text already in the database
(same content hash) is not duplicated; its spans are added to it, skipping those it already
has, so an export imports back unchanged. What the database cannot hold yet (relations,
attributes, notes, unsupported lines) is counted and kept in the document's metadata.
"""

import inspect
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from annotator.annotation.annotators import get_annotator
from annotator.annotation.rules import ExistingSpan
from annotator.annotation.rules import check_spans
from annotator.db.bulk import insert_plain_rows
from annotator.db.session import session_scope
from annotator.errors import AnnotationError
from annotator.formats import registry
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.models.annotations import DocumentStatus
from annotator.models.annotations import Span
from annotator.models.annotations import Status
from annotator.models.base import utc_now
from annotator.models.documents import Document
from annotator.models.suggestions import Suggestion
from annotator.models.suggestions import SuggestionStatus
from annotator.schema.catalog import LabelCatalog
from annotator.schema.catalog import load_catalog
from annotator.schema.stored import add_labels
from annotator.text.document_text import content_hash
from annotator.text.document_text import title_of

Progress = Callable[[int], None]
# Span rows of a bulk insert are tuples in this order (the fast path in db.insert_plain_rows).
SPAN_COLUMNS = ("document_id", "annotator_id", "label_id", "start", "end", "text")
# Raw text has no offsets to keep valid, so boilerplate may be taken out of it.
RAW_TEXT_FORMATS = ("text", "csv", "html")


@dataclass
class ImportOptions:
    """How to import: the CLI's and the web import page's choices."""

    annotator_name: str
    format: str | None = None  # None: recognise each file's format from its content
    add_labels: bool = False  # add labels the schema lacks instead of refusing the file
    skip_unsupported: bool = False  # keep what the project cannot represent in metadata
    as_suggestions: bool = False  # the file's spans are predictions, not annotations
    source: str | None = None  # the name suggestions are filed under
    keep_boilerplate: bool = False
    rejected: str = "keep"  # Prodigy reject/ignore answers: "keep" (as rejected) or "drop"
    text_column: str = "text"  # CSV/TSV


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


@dataclass
class ImportReport:
    """What an import added, input by input."""

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
    total = 0
    for path in map(Path, paths):
        files = path.rglob("*") if path.is_dir() else [path]
        total += sum(file.stat().st_size for file in files if file.is_file())
    return total


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Import files and folders, one transaction per input.

    Raises FormatError naming file and line at the first bad input; the inputs before it
    stay imported, nothing of the bad one is written.
    """
    report = ImportReport()
    inputs = registry.inputs(list(paths), options.format)
    with session_scope(engine) as session:
        catalog = load_catalog(session)
        known = _KnownDocuments(session)
        for path, format_name in inputs:
            file_report = FileReport(path=str(path), format=format_name)
            documents = read_input(path, format_name, options)
            if format_name in RAW_TEXT_FORMATS and not options.keep_boilerplate:
                _strip_boilerplate(documents, file_report)
            catalog = _ensure_labels(session, documents, catalog, options, file_report)
            _import_documents(session, documents, file_report, catalog, known, options)
            session.commit()
            report.files.append(file_report)
            if progress:
                progress(_size(path))
    return report


def read_input(path: Path, format_name: str, options: ImportOptions) -> list[DocumentRecord]:
    """Read one input with its format's reader, passing the options that reader takes."""
    reader = registry.module(format_name).read
    accepted = inspect.signature(reader).parameters
    wanted = {
        "skip_unsupported": options.skip_unsupported,
        "rejected": options.rejected,
        "text_column": options.text_column,
    }
    documents = reader(path, **{key: value for key, value in wanted.items() if key in accepted})
    for document in documents:
        document.source = document.source or path.name
        document.where = document.where or str(path)
    return documents


def import_documents(
    engine: Engine, documents: list[DocumentRecord], options: ImportOptions, *, name: str
) -> FileReport:
    """Import documents read by other means (a test, a web upload) as one transaction."""
    report = FileReport(path=name)
    with session_scope(engine) as session:
        catalog = _ensure_labels(session, documents, load_catalog(session), options, report)
        _import_documents(session, documents, report, catalog, _KnownDocuments(session), options)
        session.commit()
    return report


def _size(path: Path) -> int:
    return total_size([path])


def _strip_boilerplate(documents: list[DocumentRecord], report: FileReport) -> None:
    """Cut teaser and paywall lines out of raw text, keeping the original in the metadata."""
    from annotator.text.boilerplate import strip_boilerplate

    for document in documents:
        cleaned = strip_boilerplate(document.text)
        if not cleaned.removed:
            continue
        document.meta["boilerplate"] = {
            "original_text": cleaned.original,
            "removed": [
                {"start": r.start, "end": r.end, "text": r.text, "rule": r.rule}
                for r in cleaned.removed
            ],
        }
        document.text = cleaned.text
        report.boilerplate_lines.extend(
            line for removed in cleaned.removed for line in removed.text.splitlines() if line
        )


def _ensure_labels(
    session: Session,
    documents: list[DocumentRecord],
    catalog: LabelCatalog,
    options: ImportOptions,
    report: FileReport,
) -> LabelCatalog:
    """Refuse labels the schema lacks, naming them, or add them when asked to."""
    used: Counter = Counter()
    layers: dict[str, str] = {}
    for document in documents:
        for annotation in (*document.spans, *document.suggestions, *document.rejected):
            if annotation.label not in catalog.by_name:
                used[annotation.label] += 1
                layers.setdefault(annotation.label, annotation.layer or "entity")
    if not used:
        return catalog
    listed = ", ".join(f"{label} ({count})" for label, count in sorted(used.items()))
    if not options.add_labels:
        raise FormatError(
            report.path, f"labels the schema lacks: {listed}; add them with --add-labels"
        )
    add_labels(session, layers, where=report.path)
    report.labels_added.extend(sorted(used))
    return load_catalog(session)


def _import_documents(
    session: Session,
    documents: list[DocumentRecord],
    report: FileReport,
    catalog: LabelCatalog,
    known: _KnownDocuments,
    options: ImportOptions,
) -> None:
    """Write one input's documents, spans and suggestions in the open transaction."""
    new_rows: dict[str, dict] = {}
    span_rows: list[dict] = []
    suggestion_rows: list[dict] = []
    statuses: dict[tuple[str, int], str] = {}
    annotators: dict[str, int] = {}
    source = options.source or f"import:{report.format or 'jsonl'}"
    for document in documents:
        if options.as_suggestions:
            document.suggestions = [*document.spans, *document.suggestions]
            document.spans = []
        text_hash = content_hash(document.text)
        document_id = known.id_by_hash.get(text_hash) or _new_document_id(
            document, text_hash, known
        )
        if text_hash in known.id_by_hash or document_id in new_rows:
            report.documents_existing += document_id not in new_rows
        else:
            new_rows[document_id] = _document_row(document, document_id, text_hash)
            report.documents_added += 1
            report.kept.update({key: len(items) for key, items in document.kept.items()})
        suggestion_rows.extend(
            _suggestion_rows(document, document_id, catalog, source, options.rejected == "keep")
        )
        if document.annotator is None and not document.spans and document.status in (None, "new"):
            continue
        name = document.annotator or options.annotator_name
        if name not in annotators:
            annotators[name] = get_annotator(session, name).id
        annotator_id = annotators[name]
        existing = (
            [] if document_id in new_rows else _stored_spans(session, document_id, annotator_id)
        )
        added = _span_rows(document, document_id, annotator_id, catalog, existing)
        report.spans_existing += len(document.spans) - len(added)
        report.spans_added += len(added)
        span_rows.extend(added)
        statuses[(document_id, annotator_id)] = _status_of(document, has_spans=bool(document.spans))
    report.suggestions_added += _write(
        session, new_rows, span_rows, suggestion_rows, statuses, known
    )


def _write(session, new_rows, span_rows, suggestion_rows, statuses, known) -> int:
    """Insert what one input adds; returns how many suggestions were new."""
    # Core inserts on the connection: ORM bulk-insert bookkeeping cost more than SQLite itself.
    connection = session.connection()
    if new_rows:
        connection.execute(insert(Document.__table__), list(new_rows.values()))
    plain = [row for row in span_rows if type(row) is tuple]
    insert_plain_rows(connection, Span.__table__, SPAN_COLUMNS, plain)
    if len(plain) < len(span_rows):
        connection.execute(insert(Span.__table__), [r for r in span_rows if type(r) is dict])
    suggestions = _new_suggestions(session, suggestion_rows)
    if suggestions:
        connection.execute(insert(Suggestion.__table__), suggestions)
    _write_statuses(session, statuses, set(new_rows), utc_now())
    for document_id, row in new_rows.items():
        known.id_by_hash[row["content_hash"]] = document_id
        known.ids.add(document_id)
    return len(suggestions)


def _new_document_id(document: DocumentRecord, text_hash: str, known: _KnownDocuments) -> str:
    """The id a new document gets: its own, else one derived from its text."""
    document_id = document.id or f"doc-{text_hash[:16]}"
    if document_id in known.ids:
        raise FormatError(
            document.where, f"document id '{document_id}' is already used by a different text"
        )
    return document_id


def _document_row(document: DocumentRecord, document_id: str, text_hash: str) -> dict:
    """The row of a new document; what the project cannot store yet goes into meta."""
    meta = dict(document.meta)
    if document.kept:
        meta["kept"] = document.kept
    return {
        "id": document_id,
        "title": document.title or title_of(document.text),
        "text": document.text,
        "source": document.source,
        "meta": meta,
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
    document: DocumentRecord,
    document_id: str,
    annotator_id: int,
    catalog: LabelCatalog,
    existing: list[ExistingSpan],
) -> list:
    """Check a document's spans and return rows for those not stored yet: tuples in
    SPAN_COLUMNS order, or dicts for discontinuous spans (their fragments are JSON)."""
    text = document.text
    stored = {(span.start, span.end, span.label_id) for span in existing}
    candidates = []
    fragments_of = {}
    for index, span in enumerate(document.spans):
        label = catalog.by_name[span.label]
        if (span.start, span.end, label.id) in stored:
            continue
        _check_own_text(document, index, span)
        if span.fragments:
            fragments_of[len(candidates)] = _checked_fragments(document, index, span)
        candidates.append((span.start, span.end, label))
    try:
        check_spans(text, candidates, catalog, existing)
    except AnnotationError as error:
        raise FormatError(document.where, str(error)) from None
    rows: list = []
    for index, (start, end, label) in enumerate(candidates):
        if index in fragments_of:  # a JSON column: goes through SQLAlchemy, as a dict
            values = (document_id, annotator_id, label.id, start, end, text[start:end])
            rows.append(dict(zip(SPAN_COLUMNS, values, strict=True), fragments=fragments_of[index]))
        else:
            rows.append((document_id, annotator_id, label.id, start, end, text[start:end]))
    return rows


def _check_own_text(document: DocumentRecord, index: int, span: Annotation) -> None:
    """A span that carries its text must match the document there."""
    if span.text is None or span.fragments:
        return
    marked = document.text[span.start : span.end]
    if span.text != marked:
        raise FormatError(
            document.where,
            f"{span.ref or f'span {index}'}: text {span.text!r} does not match the text at "
            f"[{span.start}, {span.end}): {marked!r}",
        )


def _checked_fragments(document: DocumentRecord, index: int, span: Annotation) -> list:
    """A discontinuous span's pieces: in order, inside its extent and the text."""
    pieces = [list(piece) for piece in span.fragments]
    flat = [offset for piece in pieces for offset in piece]
    if (
        flat != sorted(flat)
        or flat[0] != span.start
        or flat[-1] != span.end
        or any(start >= end for start, end in pieces)
        or span.end > len(document.text)
    ):
        raise FormatError(
            document.where, f"{span.ref or f'span {index}'}: fragments {pieces} do not fit"
        )
    return pieces


def _suggestion_rows(
    document: DocumentRecord,
    document_id: str,
    catalog: LabelCatalog,
    source: str,
    keep_rejected: bool,
) -> list[dict]:
    """Rows for a document's suggestions (and rejected answers, kept apart as rejected)."""
    batches = [(document.suggestions, SuggestionStatus.PENDING)]
    if keep_rejected:
        batches.append((document.rejected, SuggestionStatus.REJECTED))
    rows = []
    for annotations, status in batches:
        for index, annotation in enumerate(annotations):
            start, end = annotation.start, annotation.end
            if not (
                type(start) is int and type(end) is int and 0 <= start < end <= len(document.text)
            ):
                raise FormatError(
                    document.where,
                    f"{annotation.ref or f'suggestion {index}'}: [{start}, {end}) does not fit "
                    f"the text (length {len(document.text)})",
                )
            rows.append(
                {
                    "document_id": document_id,
                    "label_id": catalog.by_name[annotation.label].id,
                    "start": start,
                    "end": end,
                    "text": document.text[start:end],
                    "fragments": [list(p) for p in annotation.fragments]
                    if annotation.fragments
                    else None,
                    "source": annotation.source or source,
                    "score": annotation.score,
                    "status": _suggestion_status(annotation, status),
                }
            )
    return rows


def _suggestion_status(annotation: Annotation, default: SuggestionStatus) -> str:
    """The status a file gives a suggestion (our own export does), else the default."""
    known = {status.value for status in SuggestionStatus}
    return annotation.status if annotation.status in known else default.value


def _new_suggestions(session: Session, rows: list[dict]) -> list[dict]:
    """Suggestion rows not stored yet (nor repeated within the input)."""
    key = ("document_id", "source", "label_id", "start", "end")
    documents = {row["document_id"] for row in rows}
    seen = set()
    if documents:
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
    return fresh


def _status_of(document: DocumentRecord, *, has_spans: bool) -> str:
    """The status a file gives a document, defaulting by whether it carries spans."""
    if document.status is None:
        return Status.IN_PROGRESS.value if has_spans else Status.NEW.value
    try:
        return Status(document.status).value
    except ValueError:
        known = ", ".join(item.value for item in Status)
        raise FormatError(
            document.where, f"unknown status '{document.status}' (one of: {known})"
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
