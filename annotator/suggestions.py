"""Suggestions: spans proposed by a model, a pattern file or an imported prediction.

Suggestions belong to the document, not to an annotator: everybody sees the same pending
ones. Accepting one creates the accepting annotator's own span, through
`annotations.create_span`, so every span rule applies (bounds, duplicates, the layer's overlap
policy); the decision (accepted or rejected) is recorded on the suggestion, which then leaves
every annotator's page. Until accepted, a suggestion is never an annotation: exports, the
JSON API and the statistics read spans only.

Accepting is two commits (the span, then the decision): should the second fail, the span is
there and accepting again just records the decision.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from annotator.annotations import AnnotationError
from annotator.annotations import ConflictError
from annotator.annotations import NotFoundError
from annotator.annotations import SpanView
from annotator.annotations import create_span
from annotator.annotations import get_document_text
from annotator.db import writing
from annotator.labels import LabelCatalog
from annotator.labels import LabelInfo
from annotator.models import Annotator
from annotator.models import Document
from annotator.models import Span
from annotator.models import Suggestion
from annotator.models import SuggestionStatus
from annotator.patterns import PatternMatcher
from annotator.patterns import labels_used

_PENDING = SuggestionStatus.PENDING.value
_BATCH = 500


@dataclass(frozen=True)
class SuggestionView:
    """A pending suggestion with its label resolved, as the page shows it."""

    id: int
    start: int
    end: int
    text: str
    label: LabelInfo
    source: str
    score: float | None
    document_id: str
    fragments: tuple[tuple[int, int], ...] | None = None

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        """The ranges it covers: its fragments, or [start, end) as one piece."""
        return self.fragments or ((self.start, self.end),)


@dataclass
class AcceptAllReport:
    """What accepting every pending suggestion of a document did."""

    accepted: list[tuple[SuggestionView, SpanView]] = field(default_factory=list)
    skipped: list[tuple[SuggestionView, str]] = field(default_factory=list)

    def message(self) -> str:
        """One line for the user: counts, and why each skipped one was skipped."""
        if not self.accepted and not self.skipped:
            return "No pending suggestions to accept."
        text = f"Accepted {len(self.accepted)} suggestion{'s' if len(self.accepted) != 1 else ''}"
        if not self.skipped:
            return text + "."
        reasons = "; ".join(reason for _, reason in self.skipped)
        return f"{text}; skipped {len(self.skipped)} that conflict: {reasons}"


def _view(row: Suggestion, catalog: LabelCatalog) -> SuggestionView:
    """A suggestion row as a view."""
    fragments = tuple(tuple(piece) for piece in row.fragments) if row.fragments else None
    return SuggestionView(
        id=row.id,
        start=row.start,
        end=row.end,
        text=row.text,
        label=catalog.by_id[row.label_id],
        source=row.source,
        score=row.score,
        document_id=row.document_id,
        fragments=fragments,
    )


def list_suggestions(
    session: Session,
    *,
    document_id: str,
    catalog: LabelCatalog,
    start: int | None = None,
    end: int | None = None,
) -> list[SuggestionView]:
    """A document's pending suggestions (those touching [start, end) when given), sorted by
    (start, end, label, id)."""
    query = select(Suggestion).where(
        Suggestion.document_id == document_id, Suggestion.status == _PENDING
    )
    if start is not None and end is not None:
        query = query.where(Suggestion.start < end, Suggestion.end > start)
    views = [_view(row, catalog) for row in session.execute(query).scalars()]
    views.sort(key=lambda view: (view.start, view.end, view.label.name, view.id))
    return views


def _pending(session: Session, suggestion_id: int) -> Suggestion:
    """The pending suggestion with this id, or NotFoundError saying why it is not."""
    row = session.get(Suggestion, suggestion_id)
    if row is None:
        raise NotFoundError(
            f"suggestion {suggestion_id} no longer exists; reload to see what is pending"
        )
    if row.status != _PENDING:
        raise NotFoundError(
            f"suggestion {suggestion_id} was already {row.status} (in another tab?); "
            "reload to see what is pending"
        )
    return row


def _decide(session: Session, suggestion_id: int, status: SuggestionStatus) -> None:
    """Record the decision on a pending suggestion; commits."""
    with writing(session):
        session.execute(
            update(Suggestion)
            .where(Suggestion.id == suggestion_id, Suggestion.status == _PENDING)
            .values(status=status.value)
        )
        session.commit()


def _existing_span(session: Session, row: Suggestion, annotator: Annotator) -> int | None:
    """The id of the annotator's span identical to the suggestion, if they have one."""
    return session.execute(
        select(Span.id).where(
            Span.document_id == row.document_id,
            Span.annotator_id == annotator.id,
            Span.label_id == row.label_id,
            Span.start == row.start,
            Span.end == row.end,
        )
    ).scalar()


def _accept(session: Session, row: Suggestion, annotator: Annotator, catalog) -> SpanView:
    """Make the suggestion the annotator's span (unless they have it) and mark it accepted."""
    view = _view(row, catalog)
    if view.fragments:
        raise AnnotationError(
            f"{view.label.name} '{view.text}' is discontinuous ({len(view.fragments)} pieces); "
            "the annotation page cannot make discontinuous spans"
        )
    span_id = _existing_span(session, row, annotator)
    if span_id is None:
        span = create_span(
            session,
            document=get_document_text(session, row.document_id),
            annotator=annotator,
            label_name=view.label.name,
            start=row.start,
            end=row.end,
            catalog=catalog,
        )
    else:
        span = SpanView(span_id, row.start, row.end, row.text, view.label, row.document_id)
    _decide(session, row.id, SuggestionStatus.ACCEPTED)
    return span


def accept_suggestion(
    session: Session, *, suggestion_id: int, annotator: Annotator, catalog: LabelCatalog
) -> tuple[SuggestionView, SpanView]:
    """Accept a pending suggestion as the annotator's span; an AnnotationError from the span
    rules leaves it pending. Commits."""
    row = _pending(session, suggestion_id)
    view = _view(row, catalog)
    return view, _accept(session, row, annotator, catalog)


def reject_suggestion(
    session: Session, *, suggestion_id: int, catalog: LabelCatalog
) -> SuggestionView:
    """Mark a pending suggestion rejected, for every annotator. Commits."""
    row = _pending(session, suggestion_id)
    _decide(session, row.id, SuggestionStatus.REJECTED)
    return _view(row, catalog)


def accept_all(
    session: Session, *, document_id: str, annotator: Annotator, catalog: LabelCatalog
) -> AcceptAllReport:
    """Accept every pending suggestion of the document in (start, end) order, skipping (and
    reporting) those the span rules refuse; they stay pending."""
    get_document_text(session, document_id)  # NotFoundError for a document that is gone
    report = AcceptAllReport()
    for view in list_suggestions(session, document_id=document_id, catalog=catalog):
        row = session.get(Suggestion, view.id)
        try:
            report.accepted.append((view, _accept(session, row, annotator, catalog)))
        except AnnotationError as error:
            report.skipped.append((view, str(error)))
    return report


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
    for first in range(0, len(ids), _BATCH):
        batch = ids[first : first + _BATCH]
        rows.extend(_suggestion_rows(session, batch, matcher, catalog, source, report))
    session.rollback()  # end the read transaction before taking the write lock
    try:
        with writing(session):
            for first in range(0, len(rows), _BATCH):
                session.connection().execute(
                    insert(Suggestion.__table__), rows[first : first + _BATCH]
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
    for first in range(0, len(ids), _BATCH):
        batch = ids[first : first + _BATCH]
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
                    "status": _PENDING,
                }
            )
    return rows
