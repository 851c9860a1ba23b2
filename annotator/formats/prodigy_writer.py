"""Writing Prodigy JSONL tasks (see `annotator.formats.prodigy` for the format).

One task per document with `text`, `meta` (the document's, without `prodigy`, with `id` and
`title` when the document has them), `tokens` from `annotator.text.tokens.token_words` broken at
every span offset (so each span maps to whole tokens), `spans` with inclusive `token_end`,
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
from bisect import bisect_left
from collections.abc import Iterable
from itertools import count
from json.encoder import encode_basestring
from pathlib import Path

from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.text.tokens import token_words

_TOKEN_JSON = '{"text": %s, "start": %d, "end": %d, "id": %d, "ws": %s}'  # json.dumps's
_WS_JSON = {True: "true", False: "false"}

try:  # spaCy's MurmurHash3 x86 32-bit (signed, seed 0), installed with the spacy extra
    from murmurhash.mrmr import hash as _c_murmurhash
except ImportError:  # pragma: no cover - without spaCy
    _c_murmurhash = None


def write(documents: Iterable[DocumentRecord], out: Path) -> list[Path]:
    """Write one accepted Prodigy task per document to out (JSONL), one at a time; return
    [out]."""
    out = Path(out)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for document in documents:
            handle.write(task_line(document, str(out)))
    return [out]


def task_line(document: DocumentRecord, out: str) -> str:
    """The Prodigy task for one document as a JSON line: the bytes `json.dumps(task,
    ensure_ascii=False)` gives, with the tokens (most of a task) formatted in one C-level pass
    instead of a dict each."""
    text = document.text
    spans = sorted(document.spans, key=lambda a: (a.start, a.end, a.label))
    texts, (starts, ends) = token_words(
        text, [offset for span in spans for offset in (span.start, span.end)]
    )
    task_spans = [_task_span(document, span, starts, ends, out) for span in spans]
    input_hash = murmurhash3_32(json.dumps(text))
    head = {
        "text": text,
        "meta": _task_meta(document),
        "_input_hash": input_hash,
        "_task_hash": _task_hash(input_hash, spans),
    }
    tail = {"spans": task_spans, "answer": "accept"}
    if document.annotator is not None:
        tail["_annotator_id"] = document.annotator
    words = map(encode_basestring, texts)
    after = map(text.__getitem__, map(slice, ends, map((1).__add__, ends)))
    spaced = map(_WS_JSON.__getitem__, map(str.isspace, after))
    tokens = ", ".join(map(_TOKEN_JSON.__mod__, zip(words, starts, ends, count(), spaced)))
    head_json = json.dumps(head, ensure_ascii=False)
    tail_json = json.dumps(tail, ensure_ascii=False)
    return f'{head_json[:-1]}, "tokens": [{tokens}], {tail_json[1:]}\n'


def _task_meta(document: DocumentRecord) -> dict:
    """The document's meta without our own Prodigy bookkeeping, with its id and title."""
    meta = {key: value for key, value in document.meta.items() if key != "prodigy"}
    if document.id is not None:
        meta.setdefault("id", document.id)
    if document.title is not None:
        meta.setdefault("title", document.title)
    return meta


def _task_span(document: DocumentRecord, span: Annotation, starts, ends, out: str) -> dict:
    """A span with its inclusive token range; refuse one that cannot map to tokens."""
    where = document.where or document.id or "document"
    if span.fragments is not None and len(span.fragments) > 1:
        raise FormatError(
            out,
            f"{where}: discontinuous span {span.ref or span.label} cannot be "
            "written as a Prodigy span",
        )
    first = bisect_left(starts, span.start)
    last = bisect_left(ends, span.end)
    if (
        first == len(starts)
        or last == len(ends)
        or first > last
        or starts[first] != span.start
        or ends[last] != span.end
    ):
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
        "token_start": first,
        "token_end": last,
        "label": span.label,
    }


def _task_hash(input_hash: int, spans: list[Annotation]) -> int:
    """Our stable task hash: the input hash and the sorted (start, end, label) spans."""
    key = {"_input_hash": input_hash, "spans": [[s.start, s.end, s.label] for s in spans]}
    return murmurhash3_32(json.dumps(key, sort_keys=True))


def murmurhash3_32(text: str, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit of the UTF-8 bytes of text, as a signed int (like mmh3.hash);
    in C when spaCy's `murmurhash` package is installed (the Python loop below is most of a
    Prodigy export's time otherwise)."""
    if _c_murmurhash is not None and seed == 0:
        return _c_murmurhash(text)
    return python_murmurhash3_32(text, seed)


def python_murmurhash3_32(text: str, seed: int = 0) -> int:
    """murmurhash3_32 in Python."""
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
