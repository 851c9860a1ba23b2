"""Prodigy JSONL tasks, as `prodigy db-out` writes them.

One JSON task per line: `text`, `meta`, `tokens` (`{"text", "start", "end", "id", "ws"}`),
`spans` (`{"start", "end", "label", "token_start", "token_end"}`, `token_end` INCLUSIVE),
`_input_hash`, `_task_hash` and `answer` (`accept`, `reject` or `ignore`). Offsets are Python code
points (Prodigy is Python; every span of the sample files, real `db-out` exports, matches its
tokens and its `text`), so they are used as they are.

Reading:

- Tasks with the same text (and the same `_annotator_id`, when there is one) are ONE document:
  binary annotation repeats a text once per decision. Their accepted spans are merged, and
  identical spans (same start, end and label) are kept once. Documents come in the order of
  their first task.
- Memory: the file is read twice, line by line. The first pass keeps only a 16-byte hash of
  each (text, annotator) with the line of its last task (reading just the leading "text" and
  the "_annotator_id" of a line, not its tokens); the second parses each task, builds each
  document and hands it on once its last task is read. So memory holds the documents whose
  texts recur further down the file (none when a text's tasks are consecutive, as `db-out`
  writes them per session), plus finished ones waiting behind an earlier unfinished one,
  never the whole file. The price is reading the file twice.
- A span's answer is its own `answer` when it has one (merged review tasks carry one per span),
  else its task's; a task without `answer` counts as accepted. Spans answered `reject` or `ignore`
  never become `DocumentRecord.spans`: with `rejected="keep"` (the default) they go to
  `DocumentRecord.rejected`, with `rejected="drop"` they are dropped.
- A task without `spans` is a document without spans.
- A span whose `start`/`end` disagree with its `token_start`/`token_end` tokens, a token whose
  `text` is not the text at its offsets, or a span `text` that does not match refuses the file.
- `DocumentRecord.meta` is the first task's `meta`, plus `meta["prodigy"]`: `tasks` (per task:
`line`,
  `_input_hash`, `_task_hash`, `answer`, and `_annotator_id` / `_session_id` / `_view_id` when
  present) and `span_answers` (`{ref: answer}` for every span not accepted). Span refs are
  "line N span I".


Writing: `annotator.formats.prodigy_writer`.
"""

import hashlib
import json
import re
from collections import deque
from collections.abc import Iterator
from json.decoder import scanstring
from pathlib import Path

from annotator.formats import jsonlines
from annotator.formats.options import Option
from annotator.formats.prodigy_tasks import task_header
from annotator.formats.prodigy_tasks import task_info
from annotator.formats.prodigy_tasks import task_spans
from annotator.formats.prodigy_writer import write
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.spec import FormatSpec

NAME = "prodigy"
REJECTED_CHOICES = ("keep", "drop")
_SNIFF_RECORDS = 5
_TASK_KEYS = ("_input_hash", "_task_hash", "answer", "tokens")

_Key = tuple[bytes, str | None]  # a hash of the text, and the annotator
_TEXT_FIRST = re.compile(r'\s*\{\s*"text"\s*:\s*"')
_ANNOTATOR_KEY = '"_annotator_id"'
_ANNOTATOR_VALUE = re.compile(r'\s*:\s*"')  # a string value follows the key


def sniff(path: Path) -> bool:
    """True when the first records of path are Prodigy tasks (tokens, answer or hashes)."""
    records = _head_records(Path(path))
    return bool(records) and all(_looks_like_task(record) for record in records)


def _head_records(path: Path) -> list:
    """The first few JSON records of a JSONL file, or [] if it is not one."""
    if not path.is_file():
        return []
    return jsonlines.head_records(path.open("rb"), _SNIFF_RECORDS) or []


def _looks_like_task(record: object) -> bool:
    """A dict with a text and something only Prodigy writes."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return False
    if "data" in record or "entities" in record or isinstance(record.get("label"), list):
        return False
    spans = record.get("spans")
    token_spans = isinstance(spans, list) and any(
        isinstance(span, dict) and "token_start" in span for span in spans
    )
    return token_spans or any(key in record for key in _TASK_KEYS)


def read(path: Path, *, rejected: str = "keep") -> Iterator[DocumentRecord]:
    """The documents of a Prodigy JSONL file, one per distinct text (and annotator), in the
    order of their first task; with rejected="drop" reject/ignore answers are left out."""
    name = str(path)
    last_lines = _last_lines(path)
    documents: dict[_Key, DocumentRecord] = {}
    finished: set[_Key] = set()
    order: deque[_Key] = deque()  # unfinished or waiting documents, by their first task
    for number, record in jsonlines.read_records(path):
        text, meta, annotator = task_header(record, name, number)
        key = (_text_hash(text), annotator)
        document = documents.get(key)
        if document is None:
            document = documents[key] = _new_document(text, meta, annotator, f"{name}:{number}")
            order.append(key)
        _add_task(document, record, text, name, number, rejected == "keep")
        if last_lines.get(key) == number:
            finished.add(key)
            while order and order[0] in finished:
                done = order.popleft()
                finished.discard(done)
                yield documents.pop(done)
    for key in order:  # only when the first pass stopped early (the second has refused then)
        yield documents[key]


def _last_lines(path: Path) -> dict[_Key, int]:
    """The line of each (text, annotator)'s last task. Lines are looked at cheaply where they
    allow it (see _line_key) and parsed where not; a bad line stops the pass quietly, and the
    second pass then refuses it with its own message."""
    last: dict[_Key, int] = {}
    loads = json.loads
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.isspace():
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                key = _line_key(line)
                if key is None:
                    record = loads(line)
                    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                        break
                    key = (_text_hash(record["text"]), record.get("_annotator_id"))
                    hash(key)
            except (ValueError, TypeError, RecursionError):  # not UTF-8 or JSON, too deep, ...
                break
            last[key] = number
    return last


def _line_key(line: str) -> _Key | None:
    """A task line's (text hash, annotator) without parsing its tokens: its "text" when that is
    the first key (Prodigy and our writer put it first) and its "_annotator_id" when that key
    appears once (or not at all); None when the line must be parsed. The second pass groups
    by the parsed values; a line where the two differed (a duplicated top-level key) would only
    keep its document in memory longer, or split its tasks into two documents of one text,
    which the import merges again."""
    start = _TEXT_FIRST.match(line)
    if start is None:
        return None
    text = scanstring(line, start.end())[0]
    at = line.find(_ANNOTATOR_KEY)
    if at < 0:
        return _text_hash(text), None
    value = _ANNOTATOR_VALUE.match(line, at + len(_ANNOTATOR_KEY))
    if value is None or line.find(_ANNOTATOR_KEY, at + 1) >= 0:
        return None
    return _text_hash(text), scanstring(line, value.end())[0]


def _text_hash(text: str) -> bytes:
    """A short hash that tells texts apart."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _add_task(
    document: DocumentRecord, record: dict, text: str, name: str, number: int, keep_rejected: bool
) -> None:
    """Merge one task's spans and bookkeeping into the document of its text."""
    bookkeeping = document.meta["prodigy"]
    bookkeeping["tasks"].append(task_info(record, number))
    _keep_categories(document, record)
    for annotation, answer in task_spans(record, text, name, number):
        if answer == "accept":
            _add_unique(document.spans, annotation)
            continue
        bookkeeping.setdefault("span_answers", {})[annotation.ref] = answer
        if keep_rejected:
            _add_unique(document.rejected, annotation)


def _keep_categories(document: DocumentRecord, record: dict) -> None:
    """A text classification task's `label` (or `accept`ed options) with its answer, kept until
    the project has article labels (it was dropped without a word)."""
    for key in ("label", "accept"):
        if record.get(key) not in (None, []):
            category = {key: record[key], "answer": record.get("answer")}
            document.kept.setdefault("categories", []).append(category)


def _new_document(text: str, meta: dict, annotator: str | None, where: str) -> DocumentRecord:
    """A document for a text seen for the first time."""
    document_id = meta.get("id")
    title = meta.get("title")
    return DocumentRecord(
        text=text,
        id=document_id if isinstance(document_id, str) else None,
        title=title if isinstance(title, str) else None,
        meta={**meta, "prodigy": {"tasks": []}},
        annotator=annotator,
        where=where,
    )


def _add_unique(annotations: list[Annotation], annotation: Annotation) -> None:
    """Append unless an annotation with the same start, end and label is already there."""
    key = (annotation.start, annotation.end, annotation.label)
    if all((a.start, a.end, a.label) != key for a in annotations):
        annotations.append(annotation)


SPEC = FormatSpec(
    name=NAME,
    description="Prodigy JSONL tasks (db-out): tokens, spans, answers",
    sniff=sniff,
    reader=read,
    writer=write,
    import_options=(
        Option(
            "rejected",
            "Prodigy reject/ignore answers: kept apart as rejected suggestions, or dropped.",
            "keep",
            REJECTED_CHOICES,
        ),
    ),
)
