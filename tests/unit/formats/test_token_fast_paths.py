"""The token formats' fast paths against the plain code they replaced, on random Unicode text
(CRLF, astral emoji, ZWJ sequences, flags, combining marks, curly quotes, variation selectors):
the same bytes out, the same documents and spans in."""

import json
import random

import pytest

from annotator.formats import prodigy_writer
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.text.tokens import token_span
from annotator.text.tokens import tokenize

PIECES = [
    "Ann",
    "Lee",
    "caf\u00e9",
    "Cafe\u0301",
    "42",
    "snake_case",
    " ",
    "  ",
    "\t",
    "\u00a0",
    "\n",
    "\r\n",
    "\n\n",
    ".",
    ",",
    "-",
    "\u201cq\u201d",
    "\u2018",
    "\U0001f642",
    "\u2764\ufe0f",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1fb\U0001f1ea",
    "\U0001f44d\U0001f3fd",
    "\u0915\u094d\u0937",
    "\ufe0f",
    "\u200d",
]


def random_documents(seed: int, count: int, spans_per_document: int = 5) -> list:
    """Documents of random pieces with random spans that do not start or end in whitespace."""
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 14)))
        spans = []
        for _ in range(rng.randint(0, spans_per_document) if text.strip() else 0):
            start = rng.randrange(len(text))
            end = rng.randint(start + 1, len(text))
            covered = text[start:end]
            if covered.strip() == covered:
                spans.append(Annotation(start, end, rng.choice(["A", "B"]), layer="entity"))
        documents.append(DocumentRecord(text=text, id=str(number), spans=spans))
    return documents


def old_prodigy_task(document: DocumentRecord) -> str:
    """The Prodigy writer before its fast path: Token objects, dicts and json.dumps."""
    text = document.text
    spans = sorted(document.spans, key=lambda a: (a.start, a.end, a.label))
    tokens = tokenize(text, [offset for span in spans for offset in (span.start, span.end)])
    task_spans = []
    for span in spans:
        first, last = token_span(tokens, span.start, span.end) or _refuse()
        task_spans.append(
            {
                "start": span.start,
                "end": span.end,
                "text": text[span.start : span.end],
                "token_start": first,
                "token_end": last,
                "label": span.label,
            }
        )
    input_hash = prodigy_writer.python_murmurhash3_32(json.dumps(text))
    key = {"_input_hash": input_hash, "spans": [[s.start, s.end, s.label] for s in spans]}
    task = {
        "text": text,
        "meta": prodigy_writer._task_meta(document),
        "_input_hash": input_hash,
        "_task_hash": prodigy_writer.python_murmurhash3_32(json.dumps(key, sort_keys=True)),
        "tokens": [
            {"text": text[t.start : t.end], "start": t.start, "end": t.end, "id": i, "ws": t.ws}
            for i, t in enumerate(tokens)
        ],
        "spans": task_spans,
        "answer": "accept",
    }
    if document.annotator is not None:
        task["_annotator_id"] = document.annotator
    return json.dumps(task, ensure_ascii=False) + "\n"


def _refuse():
    raise FormatError("x", "maps to no tokens")


def test_prodigy_task_lines_are_the_old_writers_bytes():
    refused = 0
    for document in random_documents(11, 3000):
        if document.spans:
            document.annotator = "ann"
        try:
            expected = old_prodigy_task(document)
        except FormatError:  # a span on a joiner that follows whitespace: both refuse it
            refused += 1
            with pytest.raises(FormatError, match="maps to no tokens"):
                prodigy_writer.task_line(document, "x")
            continue
        assert prodigy_writer.task_line(document, "x") == expected, document
    assert refused < 300


@pytest.mark.parametrize("length", [0, 1, 2, 3, 4, 5, 7, 8, 100, 1001])
def test_murmurhash_in_c_is_the_python_one(length):
    rng = random.Random(length)
    text = "".join(rng.choice(PIECES) for _ in range(length))
    assert prodigy_writer.murmurhash3_32(text) == prodigy_writer.python_murmurhash3_32(text)
