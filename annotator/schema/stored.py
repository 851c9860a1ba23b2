"""The label schema as the database stores it: install a schema file, add labels, read it back."""

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from sqlalchemy import func
from sqlalchemy import select
from sqlmodel import Session

from annotator.models.annotations import Span
from annotator.models.project import Label
from annotator.models.project import Layer
from annotator.models.project import Setting
from annotator.models.suggestions import Suggestion
from annotator.schema.names import label_name_problem
from annotator.schema.names import layer_name_problem
from annotator.schema.overlapping import overlapping_spans
from annotator.schema.toml_file import HOTKEY_ORDER
from annotator.schema.toml_file import RESERVED_KEYS
from annotator.schema.toml_file import LabelSpec
from annotator.schema.toml_file import LayerSpec
from annotator.schema.toml_file import Schema
from annotator.schema.toml_file import SchemaError


class SchemaInUseError(ValueError):
    """A schema change that would drop labels which spans still use."""


def stored_schema(session: Session) -> Schema:
    """Read the schema back from the database, in schema order."""
    layers = session.execute(select(Layer).order_by(Layer.position)).scalars().all()
    labels = session.execute(select(Label).order_by(Label.position)).scalars().all()
    return Schema(
        layers=tuple(
            LayerSpec(
                name=layer.name,
                title=layer.title,
                allow_overlap=layer.allow_overlap,
                description=layer.description,
                labels=tuple(
                    LabelSpec(
                        name=label.name,
                        color=label.color,
                        hotkey=label.hotkey,
                        description=label.description,
                    )
                    for label in labels
                    if label.layer_id == layer.id
                ),
            )
            for layer in layers
        )
    )


def has_schema(session: Session) -> bool:
    """True once a schema has been installed."""
    return session.execute(select(func.count()).select_from(Label)).scalar_one() > 0


@dataclass
class SchemaChange:
    """What install_schema did, label by label: {name: what changed} for changed labels."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    layers: dict[str, str] = field(default_factory=dict)  # layer name -> what changed

    def summary(self) -> str:
        """`added: A, B; changed: C (color, hotkey); dropped: D`, or `no label changed`."""
        parts = []
        if self.added:
            parts.append("added: " + ", ".join(self.added))
        if self.changed:
            changes = (f"{name} ({', '.join(what)})" for name, what in self.changed.items())
            parts.append("changed: " + ", ".join(changes))
        if self.dropped:
            parts.append("dropped (no span or suggestion used them): " + ", ".join(self.dropped))
        for layer, what in self.layers.items():
            parts.append(f"{layer} layer: {what}")
        return "; ".join(parts) or "no label changed"


def _differences(was: dict, layer_name: str, spec: LabelSpec) -> list[str]:
    """Which settings of a stored label (and the name of its layer) the schema file changes."""
    label = was["label"]
    pairs = [
        ("layer", was["layer"], layer_name),
        ("color", label.color, spec.color),
        ("hotkey", label.hotkey, spec.hotkey),
        ("description", label.description, spec.description),
    ]
    return [name for name, old, new in pairs if (old or None) != (new or None)]


def install_schema(session: Session, schema: Schema) -> SchemaChange:
    """Make the stored schema equal to schema (the caller commits), and say what changed.

    Layers and labels are matched by name, so spans keep their labels across changes.
    """
    _refuse_dropping_used_labels(session, schema)
    layers = {layer.name: layer for layer in session.execute(select(Layer)).scalars()}
    labels = {label.name: label for label in session.execute(select(Label)).scalars()}
    layer_names = {layer.id: layer.name for layer in layers.values()}
    change = SchemaChange()
    position = 0
    for layer_position, layer_spec in enumerate(schema.layers):
        if layer_spec.name in layers and layers[layer_spec.name].allow_overlap != (
            layer_spec.allow_overlap
        ):
            now = "allowed" if layer_spec.allow_overlap else "forbidden"
            change.layers[layer_spec.name] = f"overlapping spans now {now}"
        layer = layers.pop(layer_spec.name, None) or Layer(name=layer_spec.name, position=0)
        layer.title = layer_spec.title
        layer.description = layer_spec.description
        layer.allow_overlap = layer_spec.allow_overlap
        layer.position = layer_position
        session.add(layer)
        session.flush()
        for label_spec in layer_spec.labels:
            label = labels.pop(label_spec.name, None)
            if label is None:
                label = Label(name=label_spec.name)
                change.added.append(label_spec.name)
            else:
                was = {"layer": layer_names.get(label.layer_id), "label": label}
                differences = _differences(was, layer_spec.name, label_spec)
                if differences:
                    change.changed[label_spec.name] = differences
            label.layer_id = layer.id
            label.color = label_spec.color
            label.hotkey = label_spec.hotkey
            label.description = label_spec.description
            label.position = position
            position += 1
            session.add(label)
    change.dropped = sorted(labels)
    for unused in [*labels.values(), *layers.values()]:
        session.delete(unused)
    session.flush()
    _refuse_overlaps_the_schema_forbids(session, schema, change)
    _bump_revision(session)
    session.flush()
    return change


def _refuse_overlaps_the_schema_forbids(
    session: Session, schema: Schema, change: SchemaChange
) -> None:
    """SchemaInUseError naming stored spans that overlap in a layer which now forbids it
    (its policy changed, or a label moved into it), so the data never breaks its schema."""
    moved = {name for name, what in change.changed.items() if "layer" in what}
    for layer_spec in schema.layers:
        if layer_spec.allow_overlap:
            continue
        if layer_spec.name not in change.layers and not moved & {
            label.name for label in layer_spec.labels
        }:
            continue
        pairs = overlapping_spans(session, layer_spec.name)
        if pairs:
            shown = "; ".join(pairs[:5]) + (f" and {len(pairs) - 5} more" if len(pairs) > 5 else "")
            raise SchemaInUseError(
                f"the {layer_spec.name} layer would forbid overlapping spans, but stored spans "
                f"overlap there: {shown}"
            )


def _refuse_dropping_used_labels(session: Session, schema: Schema) -> None:
    """Raise SchemaInUseError naming the labels that spans use but schema lacks."""
    kept = set(schema.label_names)
    rows = session.execute(
        select(Label.name, func.count(Span.id))
        .join(Span, Span.label_id == Label.id)
        .group_by(Label.name)
        .order_by(Label.name)
    ).all()
    rows += session.execute(
        select(Label.name, func.count(Suggestion.id))
        .join(Suggestion, Suggestion.label_id == Label.id)
        .group_by(Label.name)
    ).all()
    used: dict[str, int] = {}
    for name, count in rows:
        used[name] = used.get(name, 0) + count
    dropped = [
        f"{name} ({count} spans)" for name, count in sorted(used.items()) if name not in kept
    ]
    if dropped:
        raise SchemaInUseError(
            "the new schema drops labels that spans still use: " + ", ".join(dropped)
        )


def _bump_revision(session: Session) -> None:
    """Record that the schema changed, so every process reloads its catalog."""
    setting = session.get(Setting, SCHEMA_REVISION) or Setting(key=SCHEMA_REVISION, value="0")
    setting.value = str(int(setting.value) + 1)
    session.add(setting)


# Colours for labels an import adds, light enough for black text (the schema file can change
# them later with `annotator schema load`).
_ADDED_COLOURS = ("#ffd6a5", "#caffbf", "#9bf6ff", "#bdb2ff", "#ffc6ff", "#fdffb6", "#a0c4ff")


def add_labels(session: Session, layers_of: dict[str, str], *, where: str = "import") -> None:
    """Add labels to the stored schema, each on the named layer (made when missing).

    Names follow the schema file's rule (SchemaError naming `where` and the name otherwise).
    New labels get the next free hotkeys and a colour from a fixed palette (the caller commits).
    """
    for label_name, layer_name in layers_of.items():
        problem = label_name_problem(label_name) or layer_name_problem(layer_name)
        if problem:
            raise SchemaError(where, None, problem)
    schema = stored_schema(session)
    used_keys = {label.hotkey for layer in schema.layers for label in layer.labels}
    free_keys = [key for key in HOTKEY_ORDER if key not in used_keys and key not in RESERVED_KEYS]
    layers = {layer.name: layer for layer in schema.layers}
    count = len(schema.label_names)
    for label_name, layer_name in layers_of.items():
        if not free_keys:
            raise SchemaError("<schema>", 1, f"no hotkey left for label '{label_name}'")
        layer = layers.get(layer_name) or LayerSpec(
            name=layer_name,
            title=layer_name.replace("_", " ").title(),
            allow_overlap=False,
            description="",
            labels=(),
        )
        label = LabelSpec(
            name=label_name,
            color=_ADDED_COLOURS[count % len(_ADDED_COLOURS)],
            hotkey=free_keys.pop(0),
            description="added by an import",
        )
        layers[layer_name] = replace(layer, labels=(*layer.labels, label))
        count += 1
    install_schema(session, Schema(layers=tuple(layers.values())))


SCHEMA_REVISION = "schema_revision"


_REVISION = select(Setting.value).where(Setting.key == SCHEMA_REVISION)


def schema_revision(session: Session) -> int:
    """A number that changes whenever the stored schema does (one cheap read per request)."""
    value = session.connection().execute(_REVISION).scalar()
    return int(value or 0)
