"""Exporting annotations as JSONL: one line per document and annotator.

A pipeline of three steps: records (three streamed queries merged in document order, so
memory does not grow with the corpus) -> checked lines -> a jsonlines writer into a temporary
file that replaces the target only when everything was written.
"""

from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import jsonlines
from sqlalchemy import Result
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from annotator.formats.jsonlines import json_line
from annotator.formats.output import atomic_file
from annotator.models.annotations import DocumentStatus
from annotator.models.annotations import Span
from annotator.models.annotations import Status
from annotator.models.documents import Document
from annotator.models.people import Annotator
from annotator.models.project import Label
from annotator.models.suggestions import Suggestion
from annotator.schema.catalog import LabelCatalog

BATCH = 1000


class ExportError(ValueError):
    """A span that no longer matches its document's text; the export stops."""


# What an export is called when no --out is given: a folder for brat.
_SUFFIXES = {
    "jsonl": ".jsonl",
    "prodigy": ".jsonl",
    "doccano": ".jsonl",
    "hf": ".jsonl",
    "label-studio": ".json",
    "conll": ".conll",
    "spacy": ".spacy",
    "csv": ".csv",
    "brat": "",
}


def default_export_path(exports_dir: str | Path, format_name: str = "jsonl") -> Path:
    """exports/annotations-<UTC timestamp>.<suffix of the format>."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = "annotations" if format_name == "jsonl" else f"annotations-{format_name}"
    return Path(exports_dir) / f"{name}-{stamp}{_SUFFIXES.get(format_name, '')}"


def export_records(session: Session, catalog: LabelCatalog) -> Iterator[dict]:
    """One record per document and annotator, in document order; untouched documents once."""
    connection = session.connection()
    names = dict(connection.execute(select(Annotator.id, Annotator.name)).all())
    results = [
        _stream(connection, _document_query()),
        _stream(connection, _status_query()),
        _stream(connection, _span_query()),
        _stream(connection, _suggestion_query()),
    ]
    try:
        yield from _merge(*results, names, catalog)
    finally:
        for result in results:  # server-side cursors on PostgreSQL: close even when stopped
            result.close()


def document_ids(session: Session) -> list[str]:
    """The id of every document (what a dataset split shuffles)."""
    return list(session.connection().execute(select(Document.id)).scalars())


def _merge(
    documents, status_rows, span_rows, suggestion_rows, names: dict[int, str], catalog
) -> Iterator[dict]:
    """Walk the ordered streams together, one document at a time."""
    layer_of = {name: info.layer for name, info in catalog.by_name.items()}
    statuses = groupby(status_rows, key=itemgetter(0))
    spans = groupby(span_rows, key=itemgetter(0))
    suggestions = groupby(suggestion_rows, key=itemgetter(0))
    next_status = next(statuses, None)
    next_spans = next(spans, None)
    next_suggestions = next(suggestions, None)
    for document in documents:
        document_id = document[0]
        by_annotator: dict[int, list] = {}
        status_of: dict[int, str] = {}
        if next_status and next_status[0] == document_id:
            status_of = {row[1]: row[2] for row in next_status[1]}
            next_status = next(statuses, None)
        if next_spans and next_spans[0] == document_id:
            for row in next_spans[1]:
                by_annotator.setdefault(row[1], []).append(row)
            next_spans = next(spans, None)
        proposed = []
        if next_suggestions and next_suggestions[0] == document_id:
            proposed = [_suggestion(row, layer_of) for row in next_suggestions[1]]
            next_suggestions = next(suggestions, None)
        annotator_ids = sorted(set(status_of) | set(by_annotator), key=names.__getitem__)
        records = [
            _record(
                document,
                names[annotator_id],
                status_of.get(annotator_id, Status.IN_PROGRESS.value),
                by_annotator.get(annotator_id, []),
                layer_of,
            )
            for annotator_id in annotator_ids
        ] or [_record(document, None, Status.NEW.value, [], layer_of)]
        if proposed:  # once per document: suggestions belong to no annotator
            records[0]["suggestions"] = proposed
        yield from records


def _stream(connection: Connection, query) -> Result:
    """Rows of a query fetched in batches rather than all at once."""
    return connection.execution_options(yield_per=BATCH).execute(query)


def _document_query():
    return select(Document.id, Document.title, Document.text, Document.meta).order_by(Document.id)


def _status_query():
    return select(
        DocumentStatus.document_id, DocumentStatus.annotator_id, DocumentStatus.status
    ).order_by(DocumentStatus.document_id)


def _span_query():
    return (
        select(
            Span.document_id,
            Span.annotator_id,
            Span.start,
            Span.end,
            Span.text,
            Label.name,
            Span.fragments,
        )
        .join(Label, Span.label_id == Label.id)
        .order_by(Span.document_id, Span.start, Span.end, Label.name)
    )


def _suggestion_query():
    return (
        select(
            Suggestion.document_id,
            Suggestion.start,
            Suggestion.end,
            Label.name,
            Suggestion.text,
            Suggestion.source,
            Suggestion.score,
            Suggestion.status,
            Suggestion.fragments,
        )
        .join(Label, Suggestion.label_id == Label.id)
        .order_by(Suggestion.document_id, Suggestion.start, Suggestion.end, Label.name)
    )


def _suggestion(row, layer_of: dict[str, str]) -> dict:
    """A suggestion as the native export writes it (never among the spans)."""
    _, start, end, label, text, source, score, status, fragments = row
    item = {"start": start, "end": end, "label": label, "layer": layer_of[label], "text": text}
    item.update(source=source, score=score, status=status)
    if fragments:
        item["fragments"] = fragments
    return item


def _record(document, annotator: str | None, status: str, rows: list, layer_of) -> dict:
    """The export line of one document and annotator, every span checked against the text."""
    document_id, title, text, meta = document
    spans = []
    for _, _, start, end, made_on, label, fragments in rows:
        marked = text[start:end]
        if marked != made_on:
            raise ExportError(
                f"document '{document_id}': span [{start}, {end}) {label} was made on "
                f"{made_on!r} but the text there is now {marked!r}; export stopped"
            )
        span = {
            "start": start,
            "end": end,
            "label": label,
            "layer": layer_of[label],
            "text": marked,
        }
        if fragments:
            span["fragments"] = fragments
        spans.append(span)
    return {
        "id": document_id,
        "title": title,
        "text": text,
        "meta": meta,
        "annotator": annotator,
        "status": status,
        "spans": spans,
    }


def write_jsonl(
    records: Iterator[dict], out_path: str | Path, progress: Callable[[int], None] | None = None
) -> int:
    """Write records to out_path atomically; returns how many lines were written."""
    count = 0
    with atomic_file(Path(out_path)) as stream:
        writer = jsonlines.Writer(stream, dumps=json_line)
        for record in records:
            writer.write(record)
            count += 1
            if progress:
                progress(1)
    return count
