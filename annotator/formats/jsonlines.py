"""JSON Lines, shared by every JSONL format: the line loop, a cheap look at the head, and the
checks every record of ours, Prodigy's and doccano's has in common.

Files are read line by line, so memory does not grow with the file. Lines end at `\\n` only:
`str.splitlines` would also cut at U+2028, which JSON allows raw inside a string (a record cut
in two, commit a6c88cc). Blank lines are skipped; a CRLF line end is JSON whitespace. The first
line may start with a UTF-8 BOM.

Lines are written by `json_line`: compact JSON, characters as they are (not \\u-escaped).
"""

import json
import math
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from annotator.formats.limits import LINE_BYTES
from annotator.formats.records import FormatError
from annotator.formats.records import decode_utf8

# Python's json recurses once per level: a line of 50,000 "[" ends in a RecursionError.
TOO_DEEP = "JSON nested too deeply"


def json_line(value: object) -> str:
    """value as one line of compact JSON (no newline), characters unescaped. orjson writes it
    several times faster than json.dumps; what orjson refuses (an integer past 64 bits, a lone
    surrogate, a type it does not know) goes to json.dumps, which writes it or raises as ever,
    and so does a NaN or infinity (kept from an imported file's meta), which orjson would
    quietly write as null."""
    try:
        line = orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        line = None
    if line is None or (b"null" in line and _has_non_finite(value)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return line.decode()


def _has_non_finite(value: object) -> bool:
    """Whether a float NaN or infinity is anywhere in value (as deep as orjson writes)."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(map(_has_non_finite, value.values()))
    if isinstance(value, list | tuple):
        return any(map(_has_non_finite, value))
    return False


def read_records(path: Path) -> Iterator[tuple[int, object]]:
    """(line number, parsed JSON) of each non-blank line of a JSONL file."""
    with Path(path).open("rb") as handle:
        yield from parse_lines(handle, str(path))


def parse_lines(lines: Iterable[bytes], name: str) -> Iterator[tuple[int, object]]:
    """(line number, parsed JSON) of each non-blank line; FormatError 'name:line: not JSON'
    (or 'name: not UTF-8 (byte ... at position P)', P counted from the start of the file)."""
    loads = json.loads
    position = 0
    if hasattr(lines, "readline"):
        lines = bounded_lines(lines, name)
    for number, raw in enumerate(lines, start=1):
        if raw.isspace() or not raw:
            position += len(raw)
            continue
        line = decode_utf8(raw, name, position)
        position += len(raw)
        try:
            yield number, loads(line)
        except json.JSONDecodeError as error:
            raise FormatError(name, f"not JSON ({error.msg})", number) from None
        except RecursionError:
            raise FormatError(name, TOO_DEEP, number) from None


def bounded_lines(handle: BinaryIO, name: str) -> Iterator[bytes]:
    """The lines behind a binary handle, each at most ANNOTATOR_MAX_LINE_BYTES long; a longer
    one is refused by line before it is read whole (a 50 MB line was a 50 MB error message)."""
    limit = LINE_BYTES.value()
    readline = handle.readline
    number = 0
    while raw := readline(limit + 1):
        number += 1
        if len(raw) > limit and not (len(raw) == limit + 1 and raw.endswith(b"\n")):
            raise FormatError(
                name, f"the line is longer than the limit of {LINE_BYTES.describe()}", number
            )
        yield raw


def head_records(handle: BinaryIO, count: int) -> list | None:
    """The first count records behind a binary handle (closed after), or None when they are
    not UTF-8 JSON: what recognising a format needs, without reading a large file whole."""
    records = []
    with handle:
        try:
            for raw in handle:
                if raw.strip():
                    records.append(json.loads(raw.decode("utf-8-sig" if not records else "utf-8")))
                if len(records) >= count:
                    break
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return None
    return records


def object_record(record: object, name: str, number: int) -> dict:
    """The record if it is a JSON object; FormatError naming the line if not."""
    if not isinstance(record, dict):
        raise FormatError(name, f"expected a JSON object, got {type(record).__name__}", number)
    return record


def record_text(record: dict, name: str, number: int) -> str:
    """The record's "text" string; FormatError naming the line without one."""
    text = record.get("text")
    if not isinstance(text, str):
        raise FormatError(name, 'missing "text" (a string)', number)
    return text


def record_meta(record: dict, name: str, number: int) -> dict:
    """The record's "meta" object ({} without one); FormatError naming the line if not one."""
    meta = record.get("meta")
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise FormatError(name, '"meta" must be an object', number)
    return meta
