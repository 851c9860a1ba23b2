"""Spans proposed by a model, a pattern file or an imported prediction."""

from datetime import datetime
from enum import StrEnum

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
        CheckConstraint("start >= 0", name="start_not_negative"),
        CheckConstraint('start < "end"', name="start_before_end"),
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status_is_known"),
        UniqueConstraint("document_id", "source", "label_id", "start", "end"),
        IDS_NEVER_REUSED,
    )

    id: int | None = Field(default=None, sa_column=id_column())
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
    created_at: datetime = Field(sa_column=timestamp_column())
