"""One doccano record as a DocumentRecord: spans from `label` (or `labels`) and `entities`,
relations between them, categories and comments kept (see `annotator.formats.doccano`)."""

from collections.abc import Callable

from annotator.formats import jsonlines
from annotator.formats.doccano_units import offset_reader
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError

_KNOWN_KEYS = (
    "text",
    "label",
    "labels",
    "entities",
    "relations",
    "id",
    "meta",
    "Comments",
    "_note",
)


def is_triple(item: object) -> bool:
    """[start, end, label]."""
    return (
        isinstance(item, list)
        and len(item) == 3
        and type(item[0]) is int
        and type(item[1]) is int
        and isinstance(item[2], str)
    )


def renamed(record: object, column_data: str, column_label: str) -> object:
    """The record with the chosen text and label columns named "text" and "label"."""
    if not isinstance(record, dict):
        return record
    renames = {column_data: "text", column_label: "label"}
    renames = {old: new for old, new in renames.items() if old != new and old in record}
    if not renames:
        return record
    return {
        renames.get(key, key): value for key, value in record.items() if key not in renames.values()
    }


def document_of(
    record: object, name: str, number: int, annotator: str | None, unit: str
) -> DocumentRecord:
    """One record as a DocumentRecord."""
    record = jsonlines.object_record(record, name, number)
    text = jsonlines.record_text(record, name, number)
    converter = offset_reader(text, unit, name, number)
    document = DocumentRecord(
        text=text,
        id=None if record.get("id") is None else str(record["id"]),
        meta=_meta(record, name, number),
        annotator=annotator,
        where=f"{name}:{number}",
    )
    if record.get("_note"):  # said in the import report (see doccano._per_user)
        document.notes.append(record["_note"])
    _read_label_list(document, record, converter, name, number)
    refs = _read_entities(document, record, converter, name, number)
    _read_relations(document, record, refs, name, number)
    comments = record.get("Comments", record.get("comments"))
    if comments:
        document.kept["comments"] = comments
    return document


def _meta(record: dict, name: str, number: int) -> dict:
    """`meta` plus every key doccano flattened into the record."""
    meta = jsonlines.record_meta(record, name, number)
    extra = {k: v for k, v in record.items() if k not in _KNOWN_KEYS and k != "comments"}
    return {**meta, **extra}


def _read_label_list(
    document: DocumentRecord, record: dict, converter: Callable, name: str, number: int
) -> None:
    """Spans from `label` / `labels`; strings there are categories."""
    key = "label" if "label" in record else "labels"
    labels = record.get(key)
    if labels is None:
        return
    if not isinstance(labels, list):
        raise FormatError(name, f'"{key}" must be a list', number)
    for index, item in enumerate(labels):
        if isinstance(item, str):
            document.kept.setdefault("categories", []).append(item)
            continue
        if not is_triple(item):
            raise FormatError(name, f"{key} {index} is not [start, end, label]: {item!r}", number)
        span = _annotation(item[0], item[1], item[2], f"span {index}", converter, name, number)
        _add_span(document, span)


def _read_entities(
    document: DocumentRecord, record: dict, converter: Callable, name: str, number: int
) -> dict:
    """Spans from `entities`; return {entity id: ref of the span it became}."""
    entities = record.get("entities")
    if entities is None:
        return {}
    if not isinstance(entities, list):
        raise FormatError(name, '"entities" must be a list', number)
    refs = {}
    for index, entity in enumerate(entities):
        entity_id, start, end, label = _entity_fields(entity, index, name, number)
        ref = f"entity {index if entity_id is None else entity_id}"
        span = _annotation(start, end, label, ref, converter, name, number)
        kept = _add_span(document, span)
        if entity_id is not None:
            refs[entity_id] = kept.ref
    return refs


def _entity_fields(entity: object, index: int, name: str, number: int) -> tuple:
    """(id, start, end, label) of an entity object (or an intent-detection [s, e, l] triple)."""
    if is_triple(entity):
        return None, entity[0], entity[1], entity[2]
    if not isinstance(entity, dict):
        raise FormatError(name, f"entity {index} is not an object", number)
    start, end = entity.get("start_offset"), entity.get("end_offset")
    label = entity.get("label")
    if type(start) is not int or type(end) is not int or not isinstance(label, str) or not label:
        raise FormatError(
            name, f"entity {index} needs integer start_offset/end_offset and a label", number
        )
    entity_id = entity.get("id")
    if entity_id is not None and (
        isinstance(entity_id, bool) or not isinstance(entity_id, int | str)
    ):
        raise FormatError(name, f"entity {index} id must be an integer or a string", number)
    return entity_id, start, end, label


def _annotation(
    start: int, end: int, label: str, ref: str, converter: Callable, name: str, number: int
) -> Annotation:
    """A checked Annotation from offsets in the file's unit."""
    if not label:
        raise FormatError(name, f"{ref} has an empty label", number)
    start, end = converter(start, ref), converter(end, ref)
    if start >= end:
        raise FormatError(name, f"{ref} is empty or reversed ({start}-{end})", number)
    return Annotation(start, end, label, ref=ref)


def _add_span(document: DocumentRecord, span: Annotation) -> Annotation:
    """Add span unless an identical one (start, end, label) is there; return the one kept."""
    for existing in document.spans:
        if (existing.start, existing.end, existing.label) == (span.start, span.end, span.label):
            return existing
    document.spans.append(span)
    return span


def _read_relations(
    document: DocumentRecord, record: dict, refs: dict, name: str, number: int
) -> None:
    """Relations, with entity ids mapped to span refs, into kept["relations"]."""
    relations = record.get("relations")
    if relations is None:
        return
    if not isinstance(relations, list):
        raise FormatError(name, '"relations" must be a list', number)
    kept = [
        _relation(relation, index, refs, name, number) for index, relation in enumerate(relations)
    ]
    if kept:
        document.kept["relations"] = kept


def _relation(relation: object, index: int, refs: dict, name: str, number: int) -> dict:
    """One relation as {"id", "from", "to", "type"}."""
    if not isinstance(relation, dict):
        raise FormatError(name, f"relation {index} is not an object", number)
    ends = {}
    for key in ("from_id", "to_id"):
        if relation.get(key) not in refs:
            raise FormatError(
                name, f"relation {index} {key} {relation.get(key)!r} is not an entity id", number
            )
        ends[key] = refs[relation[key]]
    kind = relation.get("type")
    if not isinstance(kind, str) or not kind:
        raise FormatError(name, f'relation {index} needs a "type"', number)
    return {
        "id": relation.get("id", index),
        "from": ends["from_id"],
        "to": ends["to_id"],
        "type": kind,
    }
