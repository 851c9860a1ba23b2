"""The people (and later models) whose work is kept apart."""

from sqlalchemy import Column
from sqlalchemy import String
from sqlmodel import Field
from sqlmodel import SQLModel

from annotator.models.base import IDS_NEVER_REUSED
from annotator.models.base import id_column


class Annotator(SQLModel, table=True):
    """A person (or, later, a model) whose spans are kept apart from everybody else's."""

    __table_args__ = IDS_NEVER_REUSED

    id: int | None = Field(default=None, sa_column=id_column())
    name: str = Field(sa_column=Column(String(128), unique=True, nullable=False))
