"""Property tests: for any text (every plane, CRLF, combining marks, ZWJ sequences, flags) and
any set of spans a format can hold, writing a document and reading it back gives the same
document: the same text and spans for the formats that keep the text, the same labelled
words for the token formats (CoNLL and Hugging Face rebuild the text from tokens)."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotator.formats import registry
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord

EXACT_FORMATS = ["jsonl", "label-studio", "doccano", "brat", "prodigy", "spacy"]
TOKEN_FORMATS = ["conll", "hf"]
OUT_NAMES = {"brat": "out", "spacy": "out.spacy", "conll": "out.conll"}
LABELS = ["PERSON", "ORG", "GPE"]

WORDS = [
    "Merkel",
    "Café",
    "e\u0301tat",
    "👩\u200d🔬",
    "🇫🇷",
    "𝔸lpha",
    "naïve",
    "İstanbul",
    "42",
    "ß",
]
SEPARATORS = [" ", "  ", "\r\n", "\n", ", ", ". ", "\t", " — ", "\u00a0"]
words = st.one_of(
    st.sampled_from(WORDS),
    st.text(
        st.characters(exclude_categories=["Cs", "Cc", "Z"], max_codepoint=0x10FFFF),
        min_size=1,
        max_size=6,
    ),
)


@st.composite
def documents(draw, within_lines: bool) -> DocumentRecord:
    """A text of words and separators, and non-overlapping spans over whole words (inside
    one line when within_lines)."""
    pieces = draw(st.lists(st.tuples(words, st.sampled_from(SEPARATORS)), min_size=1, max_size=12))
    text, word_ranges = "", []
    for word, separator in pieces:
        word_ranges.append((len(text), len(text) + len(word)))
        text += word + separator
    spans, index = [], 0
    while index < len(word_ranges):
        length = draw(st.integers(0, 3))
        if length == 0:
            index += 1
            continue
        first, last = word_ranges[index], word_ranges[min(index + length, len(word_ranges)) - 1]
        start, end = first[0], last[1]
        if not (within_lines and ("\n" in text[start:end] or "\r" in text[start:end])):
            spans.append(Annotation(start, end, draw(st.sampled_from(LABELS)), layer="entity"))
        index += length
    return DocumentRecord(text=text, id="doc", annotator="alice", spans=spans)


def round_trip(format_name: str, document: DocumentRecord) -> DocumentRecord:
    """Write the document in the format and read it back."""
    spec = registry.spec(format_name)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / OUT_NAMES.get(format_name, "out.jsonl")
        spec.write(iter([document]), out)
        [back] = list(spec.read(out))
    return back


def spans_of(document: DocumentRecord) -> list[tuple]:
    return sorted((s.start, s.end, s.label) for s in document.spans)


def labelled_words(document: DocumentRecord) -> list[tuple]:
    """Each span's label and characters without whitespace (token formats keep the tokens,
    and rebuild the whitespace between them)."""
    ordered = sorted(document.spans, key=lambda span: span.start)
    return [(span.label, "".join(document.text[span.start : span.end].split())) for span in ordered]


PROPERTY = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize("format_name", EXACT_FORMATS)
@PROPERTY
@given(data=st.data())
def test_formats_that_keep_the_text_give_back_the_same_document(format_name, data):
    document = data.draw(documents(within_lines=False))
    back = round_trip(format_name, document)
    assert back.text == document.text
    assert spans_of(back) == spans_of(document)


@pytest.mark.parametrize("format_name", TOKEN_FORMATS)
@PROPERTY
@given(data=st.data())
def test_token_formats_give_back_the_same_labelled_words(format_name, data):
    document = data.draw(documents(within_lines=True))
    back = round_trip(format_name, document)
    assert "".join(back.text.split()) == "".join(document.text.split())
    assert labelled_words(back) == labelled_words(document)
