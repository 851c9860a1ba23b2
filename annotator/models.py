"""Tables, and the validated inputs that create their rows.

One database is one annotation project: its label schema (layers and labels), its documents,
and the spans and statuses of every annotator. Offsets are Python code points, `[start, end)`
(see `annotator.offsets`).
"""

from datetime import UTC
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import StrictInt
from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlmodel import Field
from sqlmodel import SQLModel


def utc_now() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(UTC)


def _timestamp() -> Column:
    """A UTC timestamp; the database fills it in when a bulk import leaves it out."""
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class Status(StrEnum):
    """Where one annotator is with one document."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


class Setting(SQLModel, table=True):
    """A project-wide value, such as the schema revision."""

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str


class Layer(SQLModel, table=True):
    """A family of labels (entity, stance, claim) with its own overlap policy."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    title: str
    description: str = ""
    allow_overlap: bool = False
    position: int


class Label(SQLModel, table=True):
    """A label annotators apply to spans; its name is unique across the whole schema."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    layer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("layer.id", ondelete="RESTRICT"), nullable=False)
    )
    color: str
    hotkey: str
    description: str = ""
    position: int


class Annotator(SQLModel, table=True):
    """A person (or, later, a model) whose spans are kept apart from everybody else's."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(128), unique=True, nullable=False))


class Document(SQLModel, table=True):
    """An article, its text stored exactly as decoded (BOM dropped, nothing else)."""

    id: str = Field(sa_column=Column(String(256), primary_key=True))
    title: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    source: str = ""
    meta: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = Field(sa_column=_timestamp())


class DocumentStatus(SQLModel, table=True):
    """One annotator's progress on one document; no row means 'new'."""

    __tablename__ = "document_status"
    __table_args__ = (
        CheckConstraint(
            "status IN ('new', 'in_progress', 'done', 'skipped')", name="status_is_known"
        ),
    )

    document_id: str = Field(
        sa_column=Column(
            String(256), ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
        )
    )
    annotator_id: int = Field(
        sa_column=Column(Integer, ForeignKey("annotator.id", ondelete="CASCADE"), primary_key=True)
    )
    status: str = Status.IN_PROGRESS.value
    updated_at: datetime = Field(sa_column=_timestamp())


class Span(SQLModel, table=True):
    """A labelled range of a document's text, made by one annotator."""

    __table_args__ = (
        CheckConstraint("start >= 0", name="start_not_negative"),
        CheckConstraint('start < "end"', name="start_before_end"),
        # Also the index for "this annotator's spans in this document" (its leading columns).
        UniqueConstraint("document_id", "annotator_id", "label_id", "start", "end"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(
        sa_column=Column(String(256), ForeignKey("document.id", ondelete="CASCADE"), nullable=False)
    )
    annotator_id: int = Field(
        sa_column=Column(Integer, ForeignKey("annotator.id", ondelete="CASCADE"), nullable=False)
    )
    label_id: int = Field(
        sa_column=Column(Integer, ForeignKey("label.id", ondelete="RESTRICT"), nullable=False)
    )
    start: int
    end: int
    # The highlighted text as it was when the span was made: export re-checks it against the
    # document so a changed text can never silently shift a span.
    text: str = Field(sa_column=Column(Text, nullable=False))
    # A discontinuous span's pieces, [[start, end], ...] (start/end are then its extent).
    fragments: list | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(sa_column=_timestamp())
    updated_at: datetime = Field(sa_column=_timestamp())


class SuggestionStatus(StrEnum):
    """What the annotators made of a suggestion."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Suggestion(SQLModel, table=True):
    """A span proposed by a model, a pattern file or an imported prediction.

    Suggestions are never annotations: exports and statistics leave them out until an
    annotator accepts one, which creates that annotator's own span.
    """

    __table_args__ = (
        CheckConstraint("start >= 0", name="suggestion_start_not_negative"),
        CheckConstraint('start < "end"', name="suggestion_start_before_end"),
        CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected')", name="suggestion_status_is_known"
        ),
        UniqueConstraint("document_id", "source", "label_id", "start", "end"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(
        sa_column=Column(String(256), ForeignKey("document.id", ondelete="CASCADE"), nullable=False)
    )
    label_id: int = Field(
        sa_column=Column(Integer, ForeignKey("label.id", ondelete="RESTRICT"), nullable=False)
    )
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    fragments: list | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    source: str = Field(sa_column=Column(String(128), nullable=False))
    score: float | None = None
    status: str = SuggestionStatus.PENDING.value
    created_at: datetime = Field(sa_column=_timestamp())


class SpanCreate(BaseModel):
    """A span as a client asks for it: code-point offsets and a label name."""

    model_config = ConfigDict(extra="forbid")

    start: StrictInt
    end: StrictInt
    label: str
