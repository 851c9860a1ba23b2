"""Suggestions: spans proposed by a model, a pattern file or an imported prediction.

Suggestions belong to the document, not to an annotator: everybody sees the same pending
ones. Accepting one creates the accepting annotator's own span, through
`annotations.create_span`, so every span rule applies (bounds, duplicates, the layer's overlap
policy); the decision (accepted or rejected) is recorded on the suggestion, which then leaves
every annotator's page. Until accepted, a suggestion is never an annotation: exports, the
JSON API and the statistics read spans only.

Accepting is one transaction (the span and the decision, committed by the caller), so a
failure leaves neither.
"""

from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy import update
from sqlmodel import Session

from annotator.annotation.documents import get_document_text
from annotator.annotation.documents import lock_document
from annotator.annotation.row_ids import require_row_id
from annotator.annotation.spans import SpanView
from annotator.annotation.spans import create_span
from annotator.errors import AnnotationError
from annotator.errors import NotFoundError
from annotator.models.annotations import Span
from annotator.models.people import Annotator
from annotator.models.suggestions import Suggestion
from annotator.models.suggestions import SuggestionStatus
from annotator.schema.catalog import LabelCatalog
from annotator.schema.catalog import LabelInfo

PENDING = SuggestionStatus.PENDING.value
BATCH = 500


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
        Suggestion.document_id == document_id, Suggestion.status == PENDING
    )
    if start is not None and end is not None:
        query = query.where(Suggestion.start < end, Suggestion.end > start)
    views = [_view(row, catalog) for row in session.execute(query).scalars()]
    views.sort(key=lambda view: (view.start, view.end, view.label.name, view.id))
    return views


def _pending(session: Session, suggestion_id: int) -> Suggestion:
    """The pending suggestion with this id, read after locking its document, or NotFoundError
    saying why it is not pending."""
    require_row_id("suggestion", suggestion_id)
    row = session.get(Suggestion, suggestion_id)
    if row is not None and lock_document(session, row.document_id):
        row = session.get(Suggestion, suggestion_id, populate_existing=True)  # as it is now
    if row is None:
        raise NotFoundError(
            f"suggestion {suggestion_id} no longer exists; reload to see what is pending"
        )
    if row.status != PENDING:
        raise NotFoundError(
            f"suggestion {suggestion_id} was already {row.status} (in another tab?); "
            "reload to see what is pending"
        )
    return row


def _decide(session: Session, suggestion_id: int, status: SuggestionStatus) -> None:
    """Record the decision on a pending suggestion (flushed)."""
    session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion_id, Suggestion.status == PENDING)
        .values(status=status.value)
    )


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
    rules leaves it pending. Flushed; the caller's transaction commits."""
    row = _pending(session, suggestion_id)
    view = _view(row, catalog)
    return view, _accept(session, row, annotator, catalog)


def reject_suggestion(
    session: Session, *, suggestion_id: int, catalog: LabelCatalog
) -> SuggestionView:
    """Mark a pending suggestion rejected, for every annotator (flushed)."""
    row = _pending(session, suggestion_id)
    _decide(session, row.id, SuggestionStatus.REJECTED)
    return _view(row, catalog)


def accept_all(
    session: Session, *, document_id: str, annotator: Annotator, catalog: LabelCatalog
) -> AcceptAllReport:
    """Accept every pending suggestion of the document in (start, end) order, skipping (and
    reporting) those the span rules refuse; they stay pending."""
    get_document_text(session, document_id)  # NotFoundError for a document that is gone
    lock_document(session, document_id)
    report = AcceptAllReport()
    for view in list_suggestions(session, document_id=document_id, catalog=catalog):
        row = session.get(Suggestion, view.id)
        try:
            report.accepted.append((view, _accept(session, row, annotator, catalog)))
        except AnnotationError as error:
            report.skipped.append((view, str(error)))
    return report
