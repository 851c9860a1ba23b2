"""Spans and each annotator's progress on a document, and the validated input of a span.

Offsets are Python code points, `[start, end)` (see `annotator.text.offsets`).
"""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import StrictInt
from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import Column
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlmodel import Field
from sqlmodel import SQLModel

from annotator.models.base import IDS_NEVER_REUSED
from annotator.models.base import id_column
from annotator.models.base import timestamp_column


class Status(StrEnum):
    """Where one annotator is with one document."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


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
    updated_at: datetime = Field(sa_column=timestamp_column())


class Span(SQLModel, table=True):
    """A labelled range of a document's text, made by one annotator."""

    __table_args__ = (
        CheckConstraint("start >= 0", name="start_not_negative"),
        CheckConstraint('start < "end"', name="start_before_end"),
        # Also the index for "this annotator's spans in this document" (its leading columns).
        UniqueConstraint("document_id", "annotator_id", "label_id", "start", "end"),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, sa_column=id_column())
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
    created_at: datetime = Field(sa_column=timestamp_column())
    updated_at: datetime = Field(sa_column=timestamp_column())


class SpanCreate(BaseModel):
    """A span as a client asks for it: code-point offsets and a label name."""

    model_config = ConfigDict(extra="forbid")

    start: StrictInt
    end: StrictInt
    label: str
