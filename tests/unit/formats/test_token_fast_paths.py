"""The token formats' fast paths against the plain code they replaced, on random Unicode text
(CRLF, astral emoji, ZWJ sequences, flags, combining marks, curly quotes, variation selectors):
the same bytes out, the same documents and spans in."""

import json
import random
from itertools import chain
from operator import sub

import pytest

from annotator.formats import conll_parsing
from annotator.formats import hf_rows
from annotator.formats import prodigy_writer
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.text.tokens import is_simple
from annotator.text.tokens import simple_words
from annotator.text.tokens import token_offsets
from annotator.text.tokens import token_span
from annotator.text.tokens import token_words
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


def test_token_words_are_the_slices_of_token_offsets():
    rng = random.Random(3)
    for document in random_documents(12, 3000):
        text = document.text
        cuts = [rng.randint(0, len(text)) for _ in range(rng.randint(0, 4))]
        words, tokens = token_words(text, cuts)
        assert tokens == token_offsets(text, cuts), (text, cuts)
        assert words == [text[s:e] for s, e in zip(*tokens, strict=True)], (text, cuts)


def test_conll_reader_keeps_tokens_exactly_when_the_tokenizer_differs():
    """_are_our_tokens against the check it replaced: our tokens of the whole text."""
    rng = random.Random(4)
    for _ in range(5000):
        words = [rng.choice(PIECES).strip(" ") or "x" for _ in range(rng.randint(1, 8))]
        words = [word for word in words if "\n" not in word and "\t" not in word] or ["x"]
        text = " ".join(words)
        old = is_simple(text) and simple_words(text) == words
        assert (is_simple(text) and conll_parsing._are_our_tokens(words)) == old, words


def old_offsets_fit(text: str, tokens: list, offsets: list) -> bool:
    """hf_rows._offsets_fit before it transposed the pairs with zip."""
    if not offsets:
        return True
    if set(map(type, offsets)) != {list} or set(map(len, offsets)) != {2}:
        return False
    flat = list(chain.from_iterable(offsets))
    if set(map(type, flat)) != {int}:
        return False
    starts, ends = flat[0::2], flat[1::2]
    if min(starts) < 0 or max(ends) > len(text):
        return False
    if list(map(sub, ends, starts)) != list(map(len, tokens)):
        return False
    return all(map(text.startswith, tokens, starts))


def test_hf_offsets_check_is_the_old_one():
    rng = random.Random(6)
    odd = [[], [1], [0, 1, 2], "ab", {"a": 1, "b": 2}, [True, 1], [0.0, 1], [-1, 0], None]
    for document in random_documents(13, 3000):
        text = document.text
        words, (starts, ends) = token_words(text)
        offsets = [[start, end] for start, end in zip(starts, ends, strict=True)]
        if offsets and rng.random() < 0.5:
            index = rng.randrange(len(offsets))
            choice = rng.random()
            if choice < 0.5:
                offsets[index] = rng.choice(odd)
            elif choice < 0.7:
                offsets = [rng.choice(odd) for _ in offsets]
            else:
                offsets[index] = [offsets[index][0], offsets[index][1] + rng.choice([-1, 1])]
        assert hf_rows._offsets_fit(text, words, offsets) == old_offsets_fit(text, words, offsets)
