"""annotator's own JSONL: one document (per annotator) per line, as `annotator export` writes.

`{"id"?, "title"?, "text", "meta"?, "annotator"?, "status"?, "spans"?: [{"start", "end",
"label", "layer"?, "text"?, "fragments"?}], "suggestions"?: [... "score"?, "source"?,
"status"?]}`;
offsets are code points on "text". Spans carrying "text" are checked against it on import.
"""

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.records import decode_utf8

NAME = "jsonl"
_PEEK_LINES = 5


def sniff(path: Path) -> bool:
    """A .jsonl file whose first records have "text" and, if any, our span shape."""
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    with path.open("rb") as handle:
        lines = [line for line in (handle.readline() for _ in range(_PEEK_LINES)) if line.strip()]
    try:
        records = [json.loads(line) for line in lines]
    except ValueError:
        return False
    return bool(records) and all(_looks_native(record) for record in records)


def _looks_native(record: object) -> bool:
    """Our record: "text", and spans (if any) as objects with start/end/label, no tokens."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return False
    if {"tokens", "answer", "_input_hash", "label", "entities", "data"} & record.keys():
        return False
    spans = record.get("spans", [])
    return isinstance(spans, list) and all(isinstance(span, dict) for span in spans)


def read(path: Path) -> list[DocumentRecord]:
    """Every document of a native JSONL file."""
    content = decode_utf8(path.read_bytes(), str(path))
    return list(read_lines(content, str(path)))


def read_lines(content: str, name: str) -> Iterator[DocumentRecord]:
    """Parse JSONL content: one document object per line, blank lines skipped."""
    source = Path(name).name
    # JSONL lines end at \n; str.splitlines would also cut at U+2028, which JSON allows raw.
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise FormatError(name, f"not JSON ({error.msg})", number) from None
        yield _document(record, name, number, source)


def _document(record: object, name: str, number: int, source: str) -> DocumentRecord:
    """Check one record's shape and turn it into a DocumentRecord."""
    if not isinstance(record, dict):
        raise FormatError(name, f"expected a JSON object, got {type(record).__name__}", number)
    text = record.get("text")
    if not isinstance(text, str):
        raise FormatError(name, 'missing "text" (a string)', number)
    for key in ("id", "title", "annotator", "status"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise FormatError(name, f'"{key}" must be a string', number)
    meta = record.get("meta")
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        raise FormatError(name, '"meta" must be an object', number)
    return DocumentRecord(
        text=text,
        id=record.get("id"),
        title=record.get("title"),
        meta=meta,
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
            append(Annotation(start, end, label, fragments, layer, score, "", text, source, status))
        else:
            append(Annotation(start, end, label, fragments, layer, score, "", text))
    return result


def _fragments(value: object, name: str, number: int) -> tuple[tuple[int, int], ...]:
    """A discontinuous span's [[start, end], ...]."""
    try:
        fragments = tuple((int(start), int(end)) for start, end in value)
    except (TypeError, ValueError):
        raise FormatError(name, '"fragments" must be [[start, end], ...]', number) from None
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
