"""Reading documents from files: decoding, ids, titles and content hashes.

A text is stored exactly as decoded from UTF-8: a leading BOM is dropped and nothing else is
touched (no newline translation, no Unicode normalisation), so offsets line up with the
user's own copy of the file.
"""

import hashlib
import json
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

READABLE_SUFFIXES = (".txt", ".jsonl")
TITLE_LENGTH = 200


class CorpusError(ValueError):
    """A file that cannot be imported; the message names the file (and line)."""


@dataclass(slots=True)
class SourceSpan:
    """A span as a file gives it, before it is checked against the schema."""

    start: int
    end: int
    label: str
    text: str | None = None


@dataclass
class SourceDocument:
    """A document as read from a file, before it is stored."""

    text: str
    source: str
    line: int | None = None
    id: str | None = None
    title: str | None = None
    meta: dict = field(default_factory=dict)
    annotator: str | None = None
    status: str | None = None
    spans: list[SourceSpan] | None = None

    @property
    def where(self) -> str:
        """'file' or 'file:line', for error messages."""
        return self.source if self.line is None else f"{self.source}:{self.line}"


def content_hash(text: str) -> str:
    """The hash that recognises a text imported twice."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def title_of(text: str) -> str:
    """A title for a text that has none: its first non-empty line, shortened."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:TITLE_LENGTH]
    return "(empty)"


def decode_utf8(data: bytes, name: str) -> str:
    """Decode UTF-8, dropping one leading BOM; refuse anything else, naming the file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"{name}: not UTF-8 (byte 0x{data[error.start]:02x} at position {error.start})"
        ) from None


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the readable files below them, in name order."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in READABLE_SUFFIXES)
            )
        elif not path.exists():
            raise CorpusError(f"{path}: no such file or folder")
        elif path.suffix.lower() in READABLE_SUFFIXES:
            files.append(path)
        else:
            raise CorpusError(f"{path}: cannot import '{path.suffix}' files (use .txt or .jsonl)")
    return files


def read_file(path: Path) -> list[SourceDocument]:
    """All documents of one file; a .txt file is one document named after the file."""
    text = decode_utf8(path.read_bytes(), str(path))
    if path.suffix.lower() == ".jsonl":
        return list(read_jsonl_lines(text, str(path)))
    return [SourceDocument(text=text, source=path.name, id=path.stem)]


def read_jsonl_lines(content: str, name: str) -> Iterator[SourceDocument]:
    """Parse JSONL content: one document object per line, blank lines skipped."""
    source = Path(name).name
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(f"{name}:{number}: not JSON ({error.msg})") from None
        yield _document_from_record(record, f"{name}:{number}", source, number)


def _document_from_record(record: object, where: str, source: str, number: int) -> SourceDocument:
    """Check one JSONL record's shape and turn it into a SourceDocument."""
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise CorpusError(f'{where}: missing "text" (a string)')
    for key in ("id", "title", "annotator", "status"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise CorpusError(f'{where}: "{key}" must be a string')
    meta = record.get("meta")
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        raise CorpusError(f'{where}: "meta" must be an object')
    spans = record.get("spans")
    return SourceDocument(
        text=text,
        source=source,
        line=number,
        id=record.get("id"),
        title=record.get("title"),
        meta=meta,
        annotator=record.get("annotator"),
        status=record.get("status"),
        spans=None if spans is None else _spans_from_record(spans, where),
    )


def _spans_from_record(spans: object, where: str) -> list[SourceSpan]:
    """Check the "spans" list of a record (the fast path first: a corpus has many spans)."""
    if not isinstance(spans, list):
        raise CorpusError(f'{where}: "spans" must be a list')
    result = []
    append = result.append
    for index, span in enumerate(spans):
        try:
            start, end, label = span["start"], span["end"], span["label"]
            text = span.get("text")
        except (TypeError, KeyError, AttributeError):
            start = end = label = text = None
        if (
            type(start) is not int
            or type(end) is not int
            or type(label) is not str
            or not label
            or (text is not None and type(text) is not str)
        ):
            _refuse_span(span, index, where)
        append(SourceSpan(start, end, label, text))
    return result


def _refuse_span(span: object, index: int, where: str) -> None:
    """Say what is wrong with one span of a record."""
    if not isinstance(span, dict):
        raise CorpusError(f"{where}: span {index} is not an object")
    if type(span.get("start")) is not int or type(span.get("end")) is not int:
        raise CorpusError(f'{where}: span {index} needs integer "start" and "end"')
    if not isinstance(span.get("label"), str) or not span["label"]:
        raise CorpusError(f'{where}: span {index} needs a "label"')
    raise CorpusError(f'{where}: span {index} "text" must be a string')
