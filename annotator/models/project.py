"""The project's settings and label schema: layers and their labels."""

from sqlalchemy import Column
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlmodel import Field
from sqlmodel import SQLModel

from annotator.models.base import IDS_NEVER_REUSED
from annotator.models.base import id_column


class Setting(SQLModel, table=True):
    """A project-wide value, such as the schema revision."""

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str


class Layer(SQLModel, table=True):
    """A family of labels (entity, stance, claim) with its own overlap policy."""

    __table_args__ = IDS_NEVER_REUSED

    id: int | None = Field(default=None, sa_column=id_column())
    name: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    title: str
    description: str = ""
    allow_overlap: bool = False
    position: int


class Label(SQLModel, table=True):
    """A label annotators apply to spans; its name is unique across the whole schema."""

    __table_args__ = IDS_NEVER_REUSED

    id: int | None = Field(default=None, sa_column=id_column())
    name: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    layer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("layer.id", ondelete="RESTRICT"), nullable=False)
    )
    color: str
    hotkey: str
    description: str = ""
    position: int
