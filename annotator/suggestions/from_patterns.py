"""Suggestions from pattern files, matched over every document."""

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from annotator.db.engine import writing
from annotator.errors import AnnotationError
from annotator.errors import ConflictError
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


def suggest_from_patterns(
    session: Session,
    *,
    matcher: PatternMatcher,
    catalog: LabelCatalog,
    source: str,
    document_ids: Sequence[str] = (),
) -> SuggestReport:
    """Add a pending suggestion for every pattern match in the documents (all when none are
    named), skipping those the source already suggested (whatever was decided). Matching
    happens before the one short write transaction; commits."""
    ids = list(dict.fromkeys(document_ids)) or list(
        session.execute(select(Document.id).order_by(Document.id)).scalars()
    )
    _check_documents(session, ids)
    report = SuggestReport(documents=len(ids))
    rows = []
    for first in range(0, len(ids), BATCH):
        batch = ids[first : first + BATCH]
        rows.extend(_suggestion_rows(session, batch, matcher, catalog, source, report))
    session.rollback()  # end the read transaction before taking the write lock
    try:
        with writing(session):
            for first in range(0, len(rows), BATCH):
                session.connection().execute(
                    insert(Suggestion.__table__), rows[first : first + BATCH]
                )
            session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(
            f"suggestions of source '{source}' were added at the same moment; run it again"
        ) from None
    return report


def _check_documents(session: Session, ids: list[str]) -> None:
    """NotFoundError naming the given document ids that do not exist."""
    found = set()
    for first in range(0, len(ids), BATCH):
        batch = ids[first : first + BATCH]
        found.update(session.execute(select(Document.id).where(Document.id.in_(batch))).scalars())
    missing = [document_id for document_id in ids if document_id not in found]
    if missing:
        raise NotFoundError(f"no such document: {', '.join(missing)}")


def _suggestion_rows(session, ids, matcher, catalog, source, report) -> list[dict]:
    """New suggestion rows for one batch of documents; counts go into report."""
    texts = dict(
        session.execute(select(Document.id, Document.text).where(Document.id.in_(ids))).all()
    )
    known = set(
        session.execute(
            select(
                Suggestion.document_id, Suggestion.label_id, Suggestion.start, Suggestion.end
            ).where(Suggestion.source == source, Suggestion.document_id.in_(ids))
        ).all()
    )
    rows = []
    for document_id in ids:
        text = texts[document_id]
        for match in matcher.match(text):
            label_id = catalog.by_name[match.label].id
            if (document_id, label_id, match.start, match.end) in known:
                report.existing += 1
                continue
            report.added += 1
            report.by_label[match.label] = report.by_label.get(match.label, 0) + 1
            rows.append(
                {
                    "document_id": document_id,
                    "label_id": label_id,
                    "start": match.start,
                    "end": match.end,
                    "text": text[match.start : match.end],
                    "source": source,
                    "status": PENDING,
                }
            )
    return rows
