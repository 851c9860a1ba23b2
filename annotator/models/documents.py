"""Documents: articles, their text stored exactly as decoded."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Column
from sqlalchemy import String
from sqlalchemy import Text
from sqlmodel import Field
from sqlmodel import SQLModel

from annotator.models.base import timestamp_column


class Document(SQLModel, table=True):
    """An article, its text stored exactly as decoded (BOM dropped, nothing else)."""

    id: str = Field(sa_column=Column(String(256), primary_key=True))
    title: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    source: str = ""
    meta: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = Field(sa_column=timestamp_column())
