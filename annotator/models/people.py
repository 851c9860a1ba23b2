"""The people (and later models) whose work is kept apart."""

from sqlalchemy import Column
from sqlalchemy import String
from sqlmodel import Field
from sqlmodel import SQLModel


class Annotator(SQLModel, table=True):
    """A person (or, later, a model) whose spans are kept apart from everybody else's."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(128), unique=True, nullable=False))
