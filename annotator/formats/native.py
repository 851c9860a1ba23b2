"""annotator's own JSONL: one document (per annotator) per line, as `annotator export` writes.

`{"id"?, "title"?, "text", "meta"?, "annotator"?, "status"?, "spans"?: [{"start", "end",
"label", "layer"?, "text"?, "fragments"?}], "suggestions"?: [... "score"?, "source"?,
"status"?]}`;
offsets are code points on "text". Spans carrying "text" are checked against it on import.
"""

from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

from annotator.formats import jsonlines
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.spec import FormatSpec

NAME = "jsonl"
# A record's keys; others are kept in meta.kept["fields"], counted in the report, not dropped.
_KEYS = frozenset(("id", "title", "text", "meta", "annotator", "status", "spans", "suggestions"))
_PEEK_LINES = 5


def sniff(path: Path) -> bool:
    """A .jsonl file whose first records have "text" and, if any, our span shape."""
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    records = jsonlines.head_records(path.open("rb"), _PEEK_LINES)
    return bool(records) and all(_looks_native(record) for record in records)


def _looks_native(record: object) -> bool:
    """Our record: "text", and spans (if any) as objects with start/end/label, no tokens."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return False
    if {"tokens", "answer", "_input_hash", "label", "entities", "data", "annotations"} & (
        record.keys()
    ):
        return False
    spans = record.get("spans", [])
    return isinstance(spans, list) and all(isinstance(span, dict) for span in spans)


def read(path: Path) -> Iterator[DocumentRecord]:
    """Every document of a native JSONL file, one at a time."""
    return documents(jsonlines.read_records(path), str(path))


def documents(records: Iterable[tuple[int, object]], name: str) -> Iterator[DocumentRecord]:
    """Documents from (line number, parsed JSON) pairs (see `annotator.formats.jsonlines`)."""
    source = Path(name).name
    for number, record in records:
        yield _document(record, name, number, source)


def _document(record: object, name: str, number: int, source: str) -> DocumentRecord:
    """Check one record's shape and turn it into a DocumentRecord."""
    record = jsonlines.object_record(record, name, number)
    text = jsonlines.record_text(record, name, number)
    for key in ("id", "title", "annotator", "status"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise FormatError(name, f'"{key}" must be a string', number)
    unknown = {key: value for key, value in record.items() if key not in _KEYS}
    return DocumentRecord(
        kept={"fields": [{key: value} for key, value in unknown.items()]} if unknown else {},
        text=text,
        id=record.get("id"),
        title=record.get("title"),
        meta=jsonlines.record_meta(record, name, number),
        annotator=record.get("annotator"),
        status=record.get("status"),
        spans=_annotations(record.get("spans"), "spans", name, number),
        suggestions=_annotations(record.get("suggestions"), "suggestions", name, number),
        where=f"{name}:{number}",
        source=source,
    )


def _annotations(items: object, key: str, name: str, number: int) -> list[Annotation]:
    """Check a record's span list (the fast path first: a corpus has many spans)."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise FormatError(name, f'"{key}" must be a list', number)
    result = []
    append = result.append
    for index, item in enumerate(items):
        try:
            start, end, label = item["start"], item["end"], item["label"]
            text = item.get("text")
        except (TypeError, KeyError, AttributeError):
            start = end = label = text = None
        if (
            type(start) is not int
            or type(end) is not int
            or type(label) is not str
            or not label
            or (text is not None and type(text) is not str)
        ):
            _refuse(item, f"{key[:-1]} {index}", name, number)
        fragments = item.get("fragments")
        if fragments:
            fragments = _fragments(fragments, name, number)
        # Positional, no per-span ref string: a corpus has hundreds of thousands of spans
        # (messages say "span N" from the index).
        layer, score = item.get("layer"), item.get("score")
        if key == "suggestions":
            source, status = item.get("source"), item.get("status")
            annotation = Annotation(
                start, end, label, fragments, layer, score, "", text, source, status
            )
        else:
            annotation = Annotation(start, end, label, fragments, layer, score, "", text)
        annotation.layer_stated = layer is not None
        append(annotation)
    return result


def _fragments(value: object, name: str, number: int) -> tuple[tuple[int, int], ...]:
    """A discontinuous span's [[start, end], ...], offsets whole numbers (a float or a string
    is refused, not rounded by int())."""
    try:
        fragments = tuple((start, end) for start, end in value)
    except (TypeError, ValueError):
        fragments = ()
    if not fragments or not all(type(a) is int and type(b) is int for a, b in fragments):
        raise FormatError(name, '"fragments" must be [[start, end], ...] of whole numbers', number)
    return fragments


def _refuse(item: object, what: str, name: str, number: int) -> None:
    """Say what is wrong with one span of a record."""
    if not isinstance(item, dict):
        raise FormatError(name, f"{what} is not an object", number)
    if type(item.get("start")) is not int or type(item.get("end")) is not int:
        raise FormatError(name, f'{what} needs integer "start" and "end"', number)
    if not isinstance(item.get("label"), str) or not item["label"]:
        raise FormatError(name, f'{what} needs a "label"', number)
    raise FormatError(name, f'{what} "text" must be a string', number)


def write(documents: Iterable[DocumentRecord], out: Path) -> list[Path]:
    """Write one line per document, as `annotator export` does; return [out]."""
    with Path(out).open("w", encoding="utf-8", newline="\n") as handle:
        for document in documents:
            handle.write(jsonlines.json_line(_record(document)) + "\n")
    return [Path(out)]


def _record(document: DocumentRecord) -> dict:
    """A document as its native line."""
    record = {
        "id": document.id,
        "title": document.title,
        "text": document.text,
        "meta": document.meta,
        "annotator": document.annotator,
        "status": document.status,
        "spans": [_item(document.text, span) for span in document.spans],
    }
    if document.suggestions:
        record["suggestions"] = [_item(document.text, item) for item in document.suggestions]
    return record


def _item(text: str, annotation: Annotation) -> dict:
    """A span or suggestion as its line has it."""
    item = {
        "start": annotation.start,
        "end": annotation.end,
        "label": annotation.label,
        "layer": annotation.layer,
        "text": text[annotation.start : annotation.end],
    }
    if annotation.fragments:
        item["fragments"] = [list(piece) for piece in annotation.fragments]
    for key in ("score", "source", "status"):
        if getattr(annotation, key) is not None:
            item[key] = getattr(annotation, key)
    return item


SPEC = FormatSpec(
    name=NAME,
    description="annotator's own JSONL: everything stored, incl. discontinuous fragments",
    sniff=sniff,
    reader=read,
    writer=write,
    suffixes=(".jsonl",),
)
