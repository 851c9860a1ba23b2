"""doccano JSONL: sequence labeling, relations, and the per-annotator export layout.

Formats (doccano/doccano, `backend/data_import/pipeline/examples/`,
`backend/data_export/pipeline/{factories,celery_tasks}.py` and `data_export/models.py`):

- sequence labeling: `{"text": ..., "label": [[start, end, "LABEL"], ...]}` (key `labels` is
  accepted too). Exports add `"id"` (doccano's example id), the example's meta flattened into the
  record, and `"Comments"`.
- relations (projects with "use relation"): `{"text", "entities": [{"id", "start_offset",
  "end_offset", "label"}], "relations": [{"id", "from_id", "to_id", "type"}]}`. Relations are kept
  in `DocumentRecord.kept["relations"]` as `{"id", "from", "to", "type"}` where `from`/`to` are the
  refs
  of the spans they link ("entity 3"); spans read from `label` are "span I".
- export layout: a project without collaborative annotation exports a zip with one
  `<username>.jsonl` per member (`DocumentRecord.annotator` = username); a collaborative project
  exports
  `all.jsonl` (annotator None). `read` takes a `.jsonl` file, a folder of them, or the zip.
- Other column names (doccano's import dialog lets users choose them; its own examples say
  `column_data` / `column_label`) are read with the options `column_data=` / `column_label=`.
- Text classification labels (strings in `label`) are kept in `DocumentRecord.kept["categories"]`;
  comments in `kept["comments"]`. `meta` and unknown keys go to `DocumentRecord.meta`.

Offsets: doccano's annotation view (doccano/v-annotator) takes offsets from the browser's
Selection as JavaScript string indexes, i.e. UTF-16 code units (`Text.ts`: "codePointLength" is
`text.length`; doccano issue #2290: "label indices ... refer to positions in a sequence of 16-bit
Unicode code units"), and with the project option "Count grapheme clusters as one character" in
grapheme clusters. So `offsets="utf-16"` is the default, for both reading and writing;
`offsets="code-points"` reads and writes files made by Python scripts, `offsets="graphemes"`
grapheme projects (clusters as the `regex` module's `\\X` sees them). The units only differ on
texts with characters outside the Basic Multilingual Plane (utf-16) or multi-code-point clusters
(graphemes). An offset that splits a character in the chosen unit is refused with a hint.

Checks: a line without `text` is refused (FormatError naming the line), as is an offset out of
range or a malformed label. A span given twice (same start, end and label, e.g. doccano's
`example_overlapping.jsonl`) is merged into one; a relation to the dropped copy points at the kept
one.

Writing: sequence-labeling JSONL (`text`, `label` sorted, plus `id` and `meta` when the document has
them), or the relation form (`entities`, `relations`) when `relations=True`, or by default when any
document has kept relations. `per_annotator=True` writes the export layout instead: `out` is a
folder, with one `<annotator>.jsonl` per annotator (`all.jsonl` for documents without one).
"""

import json
import zipfile
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import regex

from annotator.formats.options import Option
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.records import decode_utf8
from annotator.formats.spec import FormatSpec

NAME = "doccano"
UNITS = ("utf-16", "code-points", "graphemes")
COLLABORATIVE = "all"
_SNIFF_RECORDS = 5
_SNIFF_WHOLE_BYTES = 4 * 1024 * 1024
_KNOWN_KEYS = ("text", "label", "labels", "entities", "relations", "id", "meta", "Comments")
_GRAPHEME = regex.compile(r"\X")


# ---------------------------------------------------------------------------------------------
# sniff


def sniff(path: Path) -> bool:
    """True for doccano JSONL (or a folder / zip of it): `label` as [start, end, label] lists or
    `entities` with offsets."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        return bool(files) and all(_sniff_records(_head_lines(f.open("rb"))) for f in files)
    if zipfile.is_zipfile(path):
        return _sniff_zip(path)
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        lines = _head_lines(handle)
    return _sniff_records(lines) or _sniff_whole(path, lines)


def _sniff_whole(path: Path, lines: list[str]) -> bool:
    """True for a small pretty-printed JSON object or list of doccano records."""
    if not lines or lines[0][:1] not in "{[" or path.stat().st_size > _SNIFF_WHOLE_BYTES:
        return False
    try:
        records = _whole_json(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        return False
    return bool(records) and all(_looks_like_doccano(record) for record in records)


def _sniff_zip(path: Path) -> bool:
    """True when every .jsonl member of the zip looks like doccano."""
    with zipfile.ZipFile(path) as archive:
        members = _zip_members(archive)
        return bool(members) and all(
            _sniff_records(_head_lines(archive.open(member))) for member in members
        )


def _head_lines(handle) -> list[str]:
    """The first few non-blank lines of a binary handle, decoded; [] if not UTF-8."""
    lines: list[str] = []
    with handle:
        try:
            for raw in handle:
                line = raw.decode("utf-8-sig" if not lines else "utf-8").strip()
                if line:
                    lines.append(line)
                if len(lines) >= _SNIFF_RECORDS:
                    break
        except UnicodeDecodeError:
            return []
    return lines


def _sniff_records(lines: list[str]) -> bool:
    """True when the lines parse as doccano records."""
    try:
        records = [json.loads(line) for line in lines]
    except json.JSONDecodeError:
        return False
    return bool(records) and all(_looks_like_doccano(record) for record in records)


def _looks_like_doccano(record: object) -> bool:
    """A record with a text and doccano's span lists (or a labelled line without text)."""
    if not isinstance(record, dict) or "data" in record or "tokens" in record:
        return False
    if any(key in record for key in ("_input_hash", "_task_hash", "answer", "spans")):
        return False
    if isinstance(record.get("entities"), list):
        return True
    labels = record.get("label", record.get("labels"))
    return isinstance(labels, list) and all(_is_triple(item) for item in labels)


def _is_triple(item: object) -> bool:
    """[start, end, label]."""
    return (
        isinstance(item, list)
        and len(item) == 3
        and type(item[0]) is int
        and type(item[1]) is int
        and isinstance(item[2], str)
    )


# ---------------------------------------------------------------------------------------------
# read


class _Reading(NamedTuple):
    """How to read records: the offset unit and the text and label column names."""

    unit: str
    column_data: str
    column_label: str


def read(
    path: Path, *, offsets: str = "utf-16", column_data: str = "text", column_label: str = "label"
) -> list[DocumentRecord]:
    """Read a doccano JSONL file, a folder of `<username>.jsonl`, or doccano's export zip.

    Options: `offsets` (see the module docstring); `column_data` / `column_label`, the column
    names chosen in doccano's import dialog (default "text" and "label")."""
    reading = _Reading(offsets, column_data, column_label)
    path = Path(path)
    documents: list[DocumentRecord] = []
    for name, data, annotator in _sources(path):
        content = decode_utf8(data, name)
        documents.extend(_read_content(content, name, annotator, reading))
    return documents


def _sources(path: Path) -> Iterator[tuple[str, bytes, str | None]]:
    """(name for messages, bytes, annotator) of each JSONL file behind path."""
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise FormatError(str(path), "no .jsonl files in this folder")
        for file in files:
            yield str(file), file.read_bytes(), _annotator_of(file.name)
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = _zip_members(archive)
            if not members:
                raise FormatError(str(path), "no .jsonl files in this zip")
            for member in members:
                yield f"{path}!{member}", archive.read(member), _annotator_of(member)
    else:
        yield str(path), path.read_bytes(), None


def _zip_members(archive: zipfile.ZipFile) -> list[str]:
    """The .jsonl files of a zip, in name order."""
    return sorted(
        info.filename
        for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(".jsonl")
    )


def _annotator_of(file_name: str) -> str | None:
    """The username a per-annotator export file is named after (None for all.jsonl)."""
    stem = Path(file_name).name.rsplit(".", 1)[0]
    return None if stem == COLLABORATIVE else stem


def _read_content(
    content: str, name: str, annotator: str | None, reading: _Reading
) -> list[DocumentRecord]:
    """All documents of one file's content."""
    return [
        _document(_renamed(record, reading), name, number, annotator, reading.unit)
        for number, record in _records(content, name)
    ]


def _renamed(record: object, reading: _Reading) -> object:
    """The record with the chosen text and label columns named "text" and "label"."""
    if not isinstance(record, dict):
        return record
    renames = {reading.column_data: "text", reading.column_label: "label"}
    renames = {old: new for old, new in renames.items() if old != new and old in record}
    if not renames:
        return record
    return {
        renames.get(key, key): value for key, value in record.items() if key not in renames.values()
    }


def _records(content: str, name: str) -> Iterator[tuple[int, object]]:
    """(line, record) per non-blank line; a file that is one pretty-printed JSON object or list
    (doccano's documentation shows the relation export so) is read as such, line 1."""
    lines = content.split("\n")
    parsed = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            whole = _whole_json(content) if not parsed else None
            if whole is None:
                raise FormatError(name, f"not JSON ({error.msg})", number) from None
            return iter([(1, record) for record in whole])
    return iter(parsed)


def _whole_json(content: str) -> list | None:
    """The content as one JSON object or list of objects, or None."""
    try:
        value = json.loads(content)
    except json.JSONDecodeError:
        return None
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else None


def _document(
    record: object, name: str, number: int, annotator: str | None, unit: str
) -> DocumentRecord:
    """One record as a DocumentRecord."""
    if not isinstance(record, dict):
        raise FormatError(name, f"expected a JSON object, got {type(record).__name__}", number)
    text = record.get("text")
    if not isinstance(text, str):
        raise FormatError(name, 'missing "text" (a string)', number)
    converter = _reader(text, unit, name, number)
    document = DocumentRecord(
        text=text,
        id=None if record.get("id") is None else str(record["id"]),
        meta=_meta(record, name, number),
        annotator=annotator,
        where=f"{name}:{number}",
    )
    _read_label_list(document, record, converter, name, number)
    refs = _read_entities(document, record, converter, name, number)
    _read_relations(document, record, refs, name, number)
    comments = record.get("Comments", record.get("comments"))
    if comments:
        document.kept["comments"] = comments
    return document


def _meta(record: dict, name: str, number: int) -> dict:
    """`meta` plus every key doccano flattened into the record."""
    meta = record.get("meta")
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        raise FormatError(name, '"meta" must be an object', number)
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
        if not _is_triple(item):
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
    if _is_triple(entity):
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


# ---------------------------------------------------------------------------------------------
# offset units


def _reader(text: str, unit: str, name: str, number: int) -> Callable[[int, str], int]:
    """A function converting an offset in `unit` to a checked code point offset."""
    boundaries = _boundaries(text, unit)

    def convert(offset: int, ref: str) -> int:
        """The code point offset of an offset in the file's unit."""
        if boundaries is None:
            if not 0 <= offset <= len(text):
                raise FormatError(name, f"{ref} offset {offset} is outside the text", number)
            return offset
        if not 0 <= offset < len(boundaries):
            raise FormatError(name, f"{ref} offset {offset} is outside the text", number)
        code_point = boundaries[offset]
        if code_point is None:
            raise FormatError(
                name,
                f"{ref} offset {offset} splits a character in {unit} units "
                "(was the file written with offsets='code-points'?)",
                number,
            )
        return code_point

    return convert


def _boundaries(text: str, unit: str) -> list[int | None] | None:
    """For each offset in unit, its code point (None inside a character); None if identical."""
    if unit == "code-points" or (unit == "utf-16" and _is_bmp(text)):
        return None
    if unit == "utf-16":
        table: list[int | None] = []
        for index, char in enumerate(text):
            table.append(index)
            if ord(char) > 0xFFFF:
                table.append(None)
        return [*table, len(text)]
    return [match.start() for match in _GRAPHEME.finditer(text)] + [len(text)]


def _is_bmp(text: str) -> bool:
    """True when no character needs two UTF-16 units."""
    return text.isascii() or max(map(ord, text), default=0) <= 0xFFFF


def _writer(text: str, unit: str, where: str, out: str) -> Callable[[int], int]:
    """A function converting a code point offset to `unit`."""
    boundaries = _boundaries(text, unit)
    if boundaries is None:
        return lambda offset: offset
    index = {code_point: i for i, code_point in enumerate(boundaries) if code_point is not None}

    def convert(offset: int) -> int:
        """The offset in unit of a code point offset."""
        if offset not in index:
            raise FormatError(out, f"{where}: offset {offset} is inside a grapheme cluster")
        return index[offset]

    return convert


# ---------------------------------------------------------------------------------------------
# write


def write(
    documents: Iterable[DocumentRecord],
    out: Path,
    *,
    offsets: str = "utf-16",
    relations: bool | None = None,
    per_annotator: bool = False,
) -> list[Path]:
    """Write doccano JSONL (one file, or one per annotator); return the files written."""
    unit = offsets
    documents = list(documents)
    if relations is None:
        relations = any(document.kept.get("relations") for document in documents)
    out = Path(out)
    if not per_annotator:
        return [_write_file(documents, out, unit, relations)]
    out.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[DocumentRecord]] = {}
    for document in documents:
        groups.setdefault(_file_stem(document, str(out)), []).append(document)
    return [
        _write_file(group, out / f"{stem}.jsonl", unit, relations)
        for stem, group in sorted(groups.items())
    ]


def _file_stem(document: DocumentRecord, out: str) -> str:
    """The per-annotator file name (without .jsonl) for a document."""
    annotator = document.annotator
    if annotator is None:
        return COLLABORATIVE
    unsafe = annotator in ("", COLLABORATIVE) or annotator.startswith(".")
    if unsafe or "/" in annotator or "\\" in annotator:
        raise FormatError(out, f"annotator {annotator!r} cannot name a file")
    return annotator


def _write_file(documents: list[DocumentRecord], out: Path, unit: str, relations: bool) -> Path:
    """Write one JSONL file."""
    lines = [
        json.dumps(_record(document, unit, relations, str(out)), ensure_ascii=False)
        for document in documents
    ]
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(line + "\n" for line in lines)
    return out


def _record(document: DocumentRecord, unit: str, relations: bool, out: str) -> dict:
    """One document as a doccano record."""
    where = document.where or document.id or "document"
    convert = _writer(document.text, unit, where, out)
    spans = sorted(document.spans, key=lambda a: (a.start, a.end, a.label))
    for span in spans:
        if span.fragments is not None and len(span.fragments) > 1:
            raise FormatError(out, f"{where}: discontinuous span {span.ref} cannot be written")
    record: dict = {} if document.id is None else {"id": document.id}
    record["text"] = document.text
    if relations:
        record.update(_relation_form(document, spans, convert, where, out))
    else:
        record["label"] = [[convert(s.start), convert(s.end), s.label] for s in spans]
    if document.meta:
        record["meta"] = document.meta
    return record


def _relation_form(
    document: DocumentRecord, spans: list[Annotation], convert: Callable, where: str, out: str
) -> dict:
    """`entities` with ids and `relations` between them."""
    ids = {}
    entities = []
    for index, span in enumerate(spans):
        ids.setdefault(span.ref, index)
        entities.append(
            {
                "id": index,
                "label": span.label,
                "start_offset": convert(span.start),
                "end_offset": convert(span.end),
            }
        )
    relations = []
    for index, relation in enumerate(document.kept.get("relations", [])):
        missing = [relation.get(key) for key in ("from", "to") if relation.get(key) not in ids]
        if missing:
            raise FormatError(out, f"{where}: relation {index} links unknown span(s) {missing}")
        relations.append(
            {
                "id": relation.get("id", index),
                "from_id": ids[relation["from"]],
                "to_id": ids[relation["to"]],
                "type": relation.get("type"),
            }
        )
    return {"entities": entities, "relations": relations}


_OFFSETS = Option(
    "offsets",
    "The unit of the file's offsets (utf-16: doccano's browser, old Label Studio exports).",
    "utf-16",
    UNITS,
)
SPEC = FormatSpec(
    name=NAME,
    description="doccano JSONL (sequence labelling, relations), a per-annotator folder or zip",
    sniff=sniff,
    reader=read,
    writer=write,
    suffixes=(".jsonl",),
    folder=True,
    import_options=(
        _OFFSETS,
        Option("column_data", "The doccano column that holds the text.", "text"),
        Option("column_label", "The doccano column that holds the labels.", "label"),
    ),
    export_options=(
        _OFFSETS,
        Option("relations", "Write the relation form (entities and relations).", flag=True),
        Option("per_annotator", "Write one <annotator>.jsonl per annotator.", flag=True),
    ),
)
