"""Suggestions from pattern files, matched over every document."""

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy import select
from sqlmodel import Session

from annotator.errors import AnnotationError
from annotator.errors import NotFoundError
from annotator.models.documents import Document
from annotator.models.suggestions import Suggestion
from annotator.schema.catalog import LabelCatalog
from annotator.suggestions.decisions import BATCH
from annotator.suggestions.decisions import PENDING
from annotator.suggestions.pattern_files import labels_used
from annotator.suggestions.pattern_matcher import PatternMatcher


@dataclass
class SuggestReport:
    """What `annotator suggest` added."""

    documents: int = 0
    added: int = 0
    existing: int = 0
    by_label: dict[str, int] = field(default_factory=dict)


def check_pattern_labels(patterns, catalog: LabelCatalog, path: str | Path) -> None:
    """Refuse labels the schema lacks, naming each with the lines that use it."""
    missing = {
        label: lines
        for label, lines in labels_used(patterns).items()
        if label not in catalog.by_name
    }
    if missing:
        listed = ", ".join(
            f"{label} (line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines[:5]))})"
            for label, lines in sorted(missing.items())
        )
        known = ", ".join(catalog.by_name)
        raise AnnotationError(f"{path}: labels the schema lacks: {listed} (it has: {known})")


@dataclass
class PatternMatches:
    """Every match of the patterns in the documents, as suggestion rows not yet written."""

    documents: int
    rows: list[dict]


def match_documents(
    session: Session,
    *,
    matcher: PatternMatcher,
    catalog: LabelCatalog,
    source: str,
    document_ids: Sequence[str] = (),
) -> PatternMatches:
    """Match the patterns in the documents (all when none are named). Only reads: matching
    runs outside the write transaction, which `add_suggestions` then keeps short."""
    ids = list(dict.fromkeys(document_ids)) or list(
        session.execute(select(Document.id).order_by(Document.id)).scalars()
    )
    _check_documents(session, ids)
    rows = []
    for first in range(0, len(ids), BATCH):
        rows.extend(_match_rows(session, ids[first : first + BATCH], matcher, catalog, source))
    return PatternMatches(documents=len(ids), rows=rows)


def add_suggestions(
    session: Session, matches: PatternMatches, catalog: LabelCatalog
) -> SuggestReport:
    """Add the matches the source has not suggested yet (whatever was decided); flushed, in
    the caller's transaction, which also covers this check of what is already there."""
    report = SuggestReport(documents=matches.documents)
    names = {label.id: name for name, label in catalog.by_name.items()}
    for first in range(0, len(matches.rows), BATCH):
        batch = matches.rows[first : first + BATCH]
        known = _known_keys(session, batch)
        new_rows = []
        for row in batch:
            key = (row["document_id"], row["label_id"], row["start"], row["end"])
            if key in known:
                report.existing += 1
                continue
            known.add(key)
            new_rows.append(row)
            label = names[row["label_id"]]
            report.by_label[label] = report.by_label.get(label, 0) + 1
        report.added += len(new_rows)
        if new_rows:
            session.connection().execute(insert(Suggestion.__table__), new_rows)
    return report


def _known_keys(session: Session, rows: list[dict]) -> set[tuple]:
    """(document, label, start, end) of the suggestions the rows' source already made in the
    rows' documents."""
    source = rows[0]["source"]
    ids = {row["document_id"] for row in rows}
    query = select(
        Suggestion.document_id, Suggestion.label_id, Suggestion.start, Suggestion.end
    ).where(Suggestion.source == source, Suggestion.document_id.in_(ids))
    return set(session.execute(query).all())


def _check_documents(session: Session, ids: list[str]) -> None:
    """NotFoundError naming the given document ids that do not exist."""
    found = set()
    for first in range(0, len(ids), BATCH):
        batch = ids[first : first + BATCH]
        found.update(session.execute(select(Document.id).where(Document.id.in_(batch))).scalars())
    missing = [document_id for document_id in ids if document_id not in found]
    if missing:
        raise NotFoundError(f"no such document: {', '.join(missing)}")


def _match_rows(session, ids, matcher, catalog, source) -> list[dict]:
    """Suggestion rows for every match in one batch of documents."""
    texts = dict(
        session.execute(select(Document.id, Document.text).where(Document.id.in_(ids))).all()
    )
    rows = []
    for document_id in ids:
        text = texts[document_id]
        for match in matcher.match(text):
            rows.append(
                {
                    "document_id": document_id,
                    "label_id": catalog.by_name[match.label].id,
                    "start": match.start,
                    "end": match.end,
                    "text": text[match.start : match.end],
                    "source": source,
                    "status": PENDING,
                }
            )
    return rows
