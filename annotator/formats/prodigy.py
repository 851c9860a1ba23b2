"""Prodigy JSONL tasks, as `prodigy db-out` writes them.

One JSON task per line: `text`, `meta`, `tokens` (`{"text", "start", "end", "id", "ws"}`),
`spans` (`{"start", "end", "label", "token_start", "token_end"}`, `token_end` INCLUSIVE),
`_input_hash`, `_task_hash` and `answer` (`accept`, `reject` or `ignore`). Offsets are Python code
points (Prodigy is Python; every span of the sample files, real `db-out` exports, matches its
tokens and its `text`), so they are used as they are.

Reading:

- Tasks with the same text (and the same `_annotator_id`, when there is one) are ONE document:
  binary annotation repeats a text once per decision. Their accepted spans are merged, and
  identical spans (same start, end and label) are kept once.
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

Writing: one task per document with `text`, `meta` (the document's, without `prodigy`, with `id`
and `title` when the document has them), `tokens` from `annotator.text.tokens.tokenize` broken
at every span offset (so each span maps to whole tokens), `spans` with inclusive `token_end`,
`answer: "accept"` and `_annotator_id` when the document has an annotator. `rejected` and
`suggestions` are not written. A span that starts or ends inside whitespace (it cannot map to
tokens) or a discontinuous span is refused with a FormatError.

Hashes: `_input_hash` is MurmurHash3 (x86, 32-bit, seed 0, as a signed int) of `json.dumps(text)`
— the scheme that reproduces every `_input_hash` of the Reddit sample (Prodigy hashes its input
keys with MurmurHash; other Prodigy versions, e.g. the headlines sample's, hash differently).
`_task_hash` is the same hash of `json.dumps({"_input_hash": ..., "spans": [[start, end, label],
...]}, sort_keys=True)` over the sorted spans: our own stable scheme, not Prodigy's.
"""

import json
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

from annotator.formats.options import refuse_others
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.records import decode_utf8
from annotator.text.tokens import Token
from annotator.text.tokens import token_span
from annotator.text.tokens import tokenize

NAME = "prodigy"
ANSWERS = ("accept", "reject", "ignore")
REJECTED_OPTIONS = ("keep", "drop")
_SNIFF_RECORDS = 5
_TASK_KEYS = ("_input_hash", "_task_hash", "answer", "tokens")
_TASK_INFO_KEYS = (
    "_input_hash",
    "_task_hash",
    "answer",
    "_annotator_id",
    "_session_id",
    "_view_id",
)


# ---------------------------------------------------------------------------------------------
# sniff


def sniff(path: Path) -> bool:
    """True when the first records of path are Prodigy tasks (tokens, answer or hashes)."""
    records = _head_records(Path(path))
    return bool(records) and all(_looks_like_task(record) for record in records)


def _head_records(path: Path) -> list:
    """The first few JSON records of a JSONL file, or [] if it is not one."""
    if not path.is_file():
        return []
    records = []
    try:
        with path.open("rb") as handle:
            for raw in handle:
                line = raw.decode("utf-8-sig" if not records else "utf-8").strip()
                if line:
                    records.append(json.loads(line))
                if len(records) >= _SNIFF_RECORDS:
                    break
    except (UnicodeDecodeError, json.JSONDecodeError, OSError):
        return []
    return records


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


# ---------------------------------------------------------------------------------------------
# read


def read(path: Path, **options) -> list[DocumentRecord]:
    """Read a Prodigy JSONL file into documents, one per distinct text (and annotator)."""
    rejected = options.pop("rejected", "keep")
    refuse_others(options)
    if rejected not in REJECTED_OPTIONS:
        raise ValueError(f"rejected must be one of {REJECTED_OPTIONS}, got {rejected!r}")
    name = str(path)
    documents: dict[tuple[str, str | None], DocumentRecord] = {}
    for number, record in _records(_decode(Path(path)), name):
        _add_task(documents, record, name, number, rejected == "keep")
    return list(documents.values())


def _decode(path: Path) -> str:
    """The file's text: UTF-8 with one leading BOM dropped; anything else is refused."""
    return decode_utf8(path.read_bytes(), str(path))


def _records(content: str, name: str) -> Iterator[tuple[int, object]]:
    """(line number, parsed JSON) for each non-blank line."""
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise FormatError(name, f"not JSON ({error.msg})", number) from None


def _add_task(documents: dict, record: object, name: str, number: int, keep_rejected: bool) -> None:
    """Merge one task into the document of its text, creating that document if needed."""
    text, meta, annotator = _task_header(record, name, number)
    key = (text, annotator)
    document = documents.get(key)
    if document is None:
        document = _new_document(text, meta, annotator, f"{name}:{number}")
        documents[key] = document
    bookkeeping = document.meta["prodigy"]
    bookkeeping["tasks"].append(_task_info(record, number))
    tokens = _tokens(record, text, name, number)
    for annotation, answer in _spans(record, text, tokens, name, number):
        if answer == "accept":
            _add_unique(document.spans, annotation)
            continue
        bookkeeping.setdefault("span_answers", {})[annotation.ref] = answer
        if keep_rejected:
            _add_unique(document.rejected, annotation)


def _task_header(record: object, name: str, number: int) -> tuple[str, dict, str | None]:
    """The task's text, meta and annotator id, checked."""
    if not isinstance(record, dict):
        raise FormatError(name, f"expected a JSON object, got {type(record).__name__}", number)
    text = record.get("text")
    if not isinstance(text, str):
        raise FormatError(name, 'missing "text" (a string)', number)
    meta = record.get("meta")
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        raise FormatError(name, '"meta" must be an object', number)
    annotator = record.get("_annotator_id")
    if annotator is not None and not isinstance(annotator, str):
        raise FormatError(name, '"_annotator_id" must be a string', number)
    return text, meta, annotator


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


def _task_info(record: dict, number: int) -> dict:
    """What a task says about itself: line, hashes, answer, session."""
    return {"line": number, **{key: record[key] for key in _TASK_INFO_KEYS if key in record}}


def _add_unique(annotations: list[Annotation], annotation: Annotation) -> None:
    """Append unless an annotation with the same start, end and label is already there."""
    key = (annotation.start, annotation.end, annotation.label)
    if all((a.start, a.end, a.label) != key for a in annotations):
        annotations.append(annotation)


def _answer(value: object, name: str, number: int, what: str) -> str:
    """A checked answer; a missing one counts as accept."""
    if value is None:
        return "accept"
    if value not in ANSWERS:
        raise FormatError(name, f"{what} answer {value!r} is not one of {ANSWERS}", number)
    return value


def _tokens(record: dict, text: str, name: str, number: int) -> list[Token] | None:
    """The task's tokens, checked against the text, or None when it has none."""
    tokens = record.get("tokens")
    if tokens is None:
        return None
    if not isinstance(tokens, list):
        raise FormatError(name, '"tokens" must be a list', number)
    return [_token(token, index, text, name, number) for index, token in enumerate(tokens)]


def _token(token: object, index: int, text: str, name: str, number: int) -> Token:
    """One checked token."""
    start = token.get("start") if isinstance(token, dict) else None
    end = token.get("end") if isinstance(token, dict) else None
    if type(start) is not int or type(end) is not int or not 0 <= start <= end <= len(text):
        raise FormatError(name, f"token {index} needs integer start <= end within the text", number)
    if "text" in token and token["text"] != text[start:end]:
        raise FormatError(
            name,
            f"token {index} text {token['text']!r} is not the text at {start}-{end} "
            f"({text[start:end]!r})",
            number,
        )
    return Token(start, end, bool(token.get("ws", False)))


def _spans(
    record: dict, text: str, tokens: list[Token] | None, name: str, number: int
) -> Iterator[tuple[Annotation, str]]:
    """(annotation, answer) for each span of a task."""
    task_answer = _answer(record.get("answer"), name, number, "task")
    spans = record.get("spans")
    if spans is None:
        return
    if not isinstance(spans, list):
        raise FormatError(name, '"spans" must be a list', number)
    for index, span in enumerate(spans):
        if not isinstance(span, dict):
            raise FormatError(name, f"span {index} is not an object", number)
        annotation = _span(span, index, text, tokens, name, number)
        answer = task_answer
        if "answer" in span:
            answer = _answer(span["answer"], name, number, f"span {index}")
        yield annotation, answer


def _span(
    span: dict, index: int, text: str, tokens: list[Token] | None, name: str, number: int
) -> Annotation:
    """One checked span as an Annotation."""
    label = span.get("label")
    if not isinstance(label, str) or not label:
        raise FormatError(name, f'span {index} needs a "label"', number)
    start, end = _span_offsets(span, index, tokens, name, number)
    if not 0 <= start < end <= len(text):
        raise FormatError(
            name, f"span {index} {start}-{end} is not within the text (length {len(text)})", number
        )
    if "text" in span and span["text"] != text[start:end]:
        raise FormatError(
            name,
            f"span {index} text {span['text']!r} is not the text at {start}-{end} "
            f"({text[start:end]!r})",
            number,
        )
    score = span.get("score")
    score = float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None
    return Annotation(start, end, label, score=score, ref=f"line {number} span {index}")


def _span_offsets(
    span: dict, index: int, tokens: list[Token] | None, name: str, number: int
) -> tuple[int, int]:
    """Character offsets of a span, checked against its tokens when both are given."""
    start, end = span.get("start"), span.get("end")
    has_chars = type(start) is int and type(end) is int
    token_range = _token_range(span, index, tokens, name, number)
    if token_range is None:
        if not has_chars:
            raise FormatError(name, f'span {index} needs integer "start" and "end"', number)
        return start, end
    token_start, token_end = token_range
    if not has_chars:
        return token_start, token_end
    if (start, end) != (token_start, token_end):
        raise FormatError(
            name,
            f"span {index} {start}-{end} disagrees with its tokens "
            f"{span['token_start']}-{span['token_end']} ({token_start}-{token_end})",
            number,
        )
    return start, end


def _token_range(
    span: dict, index: int, tokens: list[Token] | None, name: str, number: int
) -> tuple[int, int] | None:
    """Character range of a span's token_start..token_end (inclusive), or None without both."""
    first, last = span.get("token_start"), span.get("token_end")
    if tokens is None or first is None or last is None:
        return None
    if type(first) is not int or type(last) is not int or not 0 <= first <= last < len(tokens):
        raise FormatError(
            name,
            f"span {index} token_start/token_end {first!r}-{last!r} are not tokens of the task "
            f"({len(tokens)} tokens)",
            number,
        )
    return tokens[first].start, tokens[last].end


# ---------------------------------------------------------------------------------------------
# write


def write(documents: Iterable[DocumentRecord], out: Path, **options) -> list[Path]:
    """Write one accepted Prodigy task per document to out (JSONL); return [out]."""
    refuse_others(options)
    out = Path(out)
    lines = [json.dumps(_task(document, str(out)), ensure_ascii=False) for document in documents]
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(line + "\n" for line in lines)
    return [out]


def _task(document: DocumentRecord, out: str) -> dict:
    """The Prodigy task for one document."""
    text = document.text
    spans = sorted(document.spans, key=lambda a: (a.start, a.end, a.label))
    tokens = tokenize(text, [offset for span in spans for offset in (span.start, span.end)])
    task_spans = [_task_span(document, span, tokens, out) for span in spans]
    input_hash = murmurhash3_32(json.dumps(text))
    task = {
        "text": text,
        "meta": _task_meta(document),
        "_input_hash": input_hash,
        "_task_hash": _task_hash(input_hash, spans),
        "tokens": [_task_token(text, index, token) for index, token in enumerate(tokens)],
        "spans": task_spans,
        "answer": "accept",
    }
    if document.annotator is not None:
        task["_annotator_id"] = document.annotator
    return task


def _task_meta(document: DocumentRecord) -> dict:
    """The document's meta without our own Prodigy bookkeeping, with its id and title."""
    meta = {key: value for key, value in document.meta.items() if key != "prodigy"}
    if document.id is not None:
        meta.setdefault("id", document.id)
    if document.title is not None:
        meta.setdefault("title", document.title)
    return meta


def _task_token(text: str, index: int, token: Token) -> dict:
    """A token as Prodigy writes it."""
    return {
        "text": text[token.start : token.end],
        "start": token.start,
        "end": token.end,
        "id": index,
        "ws": token.ws,
    }


def _task_span(document: DocumentRecord, span: Annotation, tokens: list[Token], out: str) -> dict:
    """A span with its inclusive token range; refuse one that cannot map to tokens."""
    where = document.where or document.id or "document"
    if span.fragments is not None and len(span.fragments) > 1:
        raise FormatError(
            out,
            f"{where}: discontinuous span {span.ref or span.label} cannot be "
            "written as a Prodigy span",
        )
    token_range = token_span(tokens, span.start, span.end)
    if token_range is None:
        raise FormatError(
            out,
            f"{where}: span {span.start}-{span.end} {span.label} "
            f"({document.text[span.start : span.end]!r}) starts or ends inside whitespace, so it "
            "maps to no tokens",
        )
    return {
        "start": span.start,
        "end": span.end,
        "text": document.text[span.start : span.end],
        "token_start": token_range[0],
        "token_end": token_range[1],
        "label": span.label,
    }


def _task_hash(input_hash: int, spans: list[Annotation]) -> int:
    """Our stable task hash: the input hash and the sorted (start, end, label) spans."""
    key = {"_input_hash": input_hash, "spans": [[s.start, s.end, s.label] for s in spans]}
    return murmurhash3_32(json.dumps(key, sort_keys=True))


def murmurhash3_32(text: str, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit of the UTF-8 bytes of text, as a signed int (like mmh3.hash)."""
    data = text.encode("utf-8")
    hashed = seed & 0xFFFFFFFF
    body = len(data) - len(data) % 4
    for index in range(0, body, 4):
        hashed ^= _mix(int.from_bytes(data[index : index + 4], "little"))
        hashed = _rotl(hashed, 13)
        hashed = (hashed * 5 + 0xE6546B64) & 0xFFFFFFFF
    tail = data[body:]
    if tail:
        hashed ^= _mix(int.from_bytes(tail, "little"))
    return _signed(_finalize(hashed ^ len(data)))


def _mix(block: int) -> int:
    """MurmurHash3's block scramble."""
    block = (block * 0xCC9E2D51) & 0xFFFFFFFF
    return (_rotl(block, 15) * 0x1B873593) & 0xFFFFFFFF


def _rotl(value: int, bits: int) -> int:
    """Rotate a 32-bit value left."""
    return ((value << bits) | (value >> (32 - bits))) & 0xFFFFFFFF


def _finalize(hashed: int) -> int:
    """MurmurHash3's final avalanche."""
    hashed ^= hashed >> 16
    hashed = (hashed * 0x85EBCA6B) & 0xFFFFFFFF
    hashed ^= hashed >> 13
    hashed = (hashed * 0xC2B2AE35) & 0xFFFFFFFF
    return hashed ^ (hashed >> 16)


def _signed(value: int) -> int:
    """A 32-bit unsigned value as a signed int."""
    return value - (1 << 32) if value & 0x80000000 else value
