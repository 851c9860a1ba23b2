"""annotator's own JSONL: records, errors that name file and line, and recognition."""

import json

import pytest

from annotator.formats import jsonlines
from annotator.formats import native
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError


def read_lines(content: str, name: str) -> list[DocumentRecord]:
    """The documents of JSONL content, as if read from a file called name."""
    lines = content.encode("utf-8").split(b"\n")
    return list(native.documents(jsonlines.parse_lines(lines, name), name))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": 5}', 'f.jsonl:1: missing "text"'),
        ('{"text": "a", "meta": []}', 'f.jsonl:1: "meta" must be an object'),
        ('{"text": "a", "id": 3}', 'f.jsonl:1: "id" must be a string'),
        ('{"text": "a", "spans": {}}', 'f.jsonl:1: "spans" must be a list'),
        ('{"text": "a", "spans": [{"start": 0, "end": "1", "label": "X"}]}', "integer"),
        ('{"text": "a", "spans": [{"start": 0, "end": 1}]}', 'span 0 needs a "label"'),
        ("\n\n{oops", "f.jsonl:3: not JSON"),
    ],
    ids=["text", "meta", "id", "spans", "offset-type", "label", "line-number"],
)
def test_jsonl_errors_name_file_and_line(content, message):
    with pytest.raises(FormatError, match=message):
        (read_lines(content, "f.jsonl"))


def test_jsonl_reads_spans_and_skips_blank_lines():
    content = '\n{"text": "ab", "spans": [{"start": 0, "end": 1, "label": "ORG", "text": "a"}]}\n\n'
    [document] = read_lines(content, "dir/f.jsonl")
    assert document.where == "dir/f.jsonl:2" and document.source == "f.jsonl"
    assert [(s.start, s.end, s.label, s.text) for s in document.spans] == [(0, 1, "ORG", "a")]


def test_fragments_and_suggestions_are_read():
    content = (
        '{"text": "abc def", "spans": [{"start": 0, "end": 7, "label": "ORG", '
        '"fragments": [[0, 3], [4, 7]]}], "suggestions": [{"start": 4, "end": 7, '
        '"label": "GPE", "score": 0.5}]}'
    )
    [document] = read_lines(content, "f.jsonl")
    assert document.spans[0].fragments == ((0, 3), (4, 7))
    assert (document.suggestions[0].label, document.suggestions[0].score) == ("GPE", 0.5)


@pytest.mark.parametrize(
    ("line", "recognised"),
    [
        ('{"id": "a", "text": "x", "spans": [{"start": 0, "end": 1, "label": "ORG"}]}', True),
        ('{"text": "x"}', True),
        ('{"text": "x", "tokens": [], "spans": []}', False),
        ('{"text": "x", "label": [[0, 1, "ORG"]]}', False),
        ('{"data": {"text": "x"}}', False),
    ],
    ids=["native", "bare-text", "prodigy", "doccano", "label-studio"],
)
def test_sniff(tmp_path, line, recognised):
    path = tmp_path / "f.jsonl"
    path.write_text(line + "\n")
    assert native.sniff(path) is recognised


def test_a_line_separator_inside_a_text_does_not_split_the_record():
    content = json.dumps({"text": "one\u2028two\u2029three"}, ensure_ascii=False) + "\r\n"
    [document] = read_lines(content, "f.jsonl")
    assert document.text == "one\u2028two\u2029three"


def test_documents_stream_one_at_a_time_and_a_bad_last_line_is_reached_last(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"text": "a"}\n{"text": "b"}\n{oops\n')
    documents = native.read(path)
    assert next(documents).text == "a" and next(documents).text == "b"
    with pytest.raises(FormatError, match="f.jsonl:3: not JSON"):
        next(documents)


def test_not_utf8_names_the_byte_position_in_the_file(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"text": "a"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(FormatError, match=r"f.jsonl: not UTF-8 \(byte 0xe9 at position 27\)"):
        list(native.read(path))


def test_written_lines_read_back(tmp_path):
    [document] = read_lines(
        '{"id": "d", "text": "abc def", "spans": [{"start": 0, "end": 7, "label": "ORG", '
        '"fragments": [[0, 3], [4, 7]]}], "suggestions": [{"start": 4, "end": 7, '
        '"label": "GPE", "score": 0.5}]}',
        "f.jsonl",
    )
    native.write([document], tmp_path / "out.jsonl")
    [again] = native.read(tmp_path / "out.jsonl")
    assert (again.id, again.text) == ("d", "abc def")
    assert [(s.start, s.end, s.label, s.fragments, s.text) for s in again.spans] == [
        (0, 7, "ORG", ((0, 3), (4, 7)), "abc def")
    ]
    assert [(s.start, s.end, s.label, s.score) for s in again.suggestions] == [(4, 7, "GPE", 0.5)]
