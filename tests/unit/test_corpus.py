"""Reading documents: decoding, titles, hashes, files and JSONL records."""

import pytest

from annotator.corpus import CorpusError
from annotator.corpus import content_hash
from annotator.corpus import decode_utf8
from annotator.corpus import find_files
from annotator.corpus import read_file
from annotator.corpus import read_jsonl_lines
from annotator.corpus import title_of


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"plain", "plain"),
        (b"\xef\xbb\xbfwith BOM", "with BOM"),
        (b"crlf\r\nkept\r\n", "crlf\r\nkept\r\n"),
        ("e\u0301 stays decomposed".encode(), "e\u0301 stays decomposed"),
        (b"\xef\xbb\xbf\xef\xbb\xbftwo BOMs", "\ufefftwo BOMs"),
    ],
    ids=["plain", "bom", "crlf", "decomposed", "only-first-bom"],
)
def test_decode_keeps_text_exactly(data, text):
    assert decode_utf8(data, "x.txt") == text


def test_decode_names_file_and_byte():
    with pytest.raises(CorpusError, match=r"^f\.txt: not UTF-8 \(byte 0xff at position 2\)$"):
        decode_utf8(b"ab\xffcd", "f.txt")


@pytest.mark.parametrize(
    ("text", "title"),
    [("\n\n  First line  \nSecond", "First line"), ("", "(empty)"), ("x" * 300, "x" * 200)],
    ids=["first-non-empty", "empty", "shortened"],
)
def test_title_of(text, title):
    assert title_of(text) == title


def test_content_hash_tells_crlf_apart():
    assert content_hash("a\r\nb") != content_hash("a\nb")
    assert content_hash("a") == content_hash("a")


def test_find_files_expands_folders_in_name_order(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.jsonl", "sub/c.TXT", "skip.md"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in find_files([tmp_path])] == ["a.jsonl", "b.txt", "c.TXT"]
    with pytest.raises(CorpusError, match="no such file or folder"):
        find_files([tmp_path / "missing.txt"])


def test_txt_file_is_one_document_named_after_the_file(tmp_path):
    path = tmp_path / "000_abc.txt"
    path.write_bytes(b"Hello\r\nworld")
    [document] = read_file(path)
    assert (document.id, document.text, document.source) == (
        "000_abc",
        "Hello\r\nworld",
        "000_abc.txt",
    )


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
    with pytest.raises(CorpusError, match=message):
        list(read_jsonl_lines(content, "f.jsonl"))


def test_jsonl_reads_spans_and_skips_blank_lines():
    content = '\n{"text": "ab", "spans": [{"start": 0, "end": 1, "label": "ORG", "text": "a"}]}\n\n'
    [document] = read_jsonl_lines(content, "dir/f.jsonl")
    assert document.where == "f.jsonl:2"
    assert [(s.start, s.end, s.label, s.text) for s in document.spans] == [(0, 1, "ORG", "a")]
