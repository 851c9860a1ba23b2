"""The project's label schema as the database keeps it.

A schema file is parsed by `annotator.schema.toml_file`; `install_schema` makes the database match
it,
refusing to drop a label that spans still use. The span path reads labels through
`LabelCatalog`, loaded once per process and reloaded only when the schema revision changes.
"""

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from annotator.models.project import Label
from annotator.models.project import Layer
from annotator.schema.stored import schema_revision
from annotator.schema.stored import stored_schema
from annotator.schema.toml_file import Schema


@dataclass(frozen=True)
class LabelInfo:
    """Everything the span path needs to know about one label."""

    id: int
    name: str
    color: str
    hotkey: str
    description: str
    layer: str
    layer_title: str
    allow_overlap: bool


@dataclass(frozen=True)
class LabelCatalog:
    """The labels of a project by name and by id, in schema order."""

    revision: int
    schema: Schema
    by_name: dict[str, LabelInfo]
    by_id: dict[int, LabelInfo]

    def get(self, name: str) -> LabelInfo | None:
        """The label called name, or None."""
        return self.by_name.get(name)


def load_catalog(session: Session) -> LabelCatalog:
    """Build the catalog from the database."""
    revision = schema_revision(session)
    rows = session.execute(
        select(Label, Layer).join(Layer, Label.layer_id == Layer.id).order_by(Label.position)
    ).all()
    infos = [
        LabelInfo(
            id=label.id,
            name=label.name,
            color=label.color,
            hotkey=label.hotkey,
            description=label.description,
            layer=layer.name,
            layer_title=layer.title,
            allow_overlap=layer.allow_overlap,
        )
        for label, layer in rows
    ]
    return LabelCatalog(
        revision=revision,
        schema=stored_schema(session),
        by_name={info.name: info for info in infos},
        by_id={info.id: info for info in infos},
    )


class CatalogCache:
    """One catalog per process, refreshed when another process changed the schema."""

    def __init__(self) -> None:
        self._catalog: LabelCatalog | None = None
        self._lock = threading.Lock()

    def get(self, session: Session) -> LabelCatalog:
        """The current catalog: one cheap revision read, a full load only after a change."""
        revision = schema_revision(session)
        catalog = self._catalog
        if catalog is None or catalog.revision != revision:
            with self._lock:
                catalog = self._catalog = load_catalog(session)
        return catalog
