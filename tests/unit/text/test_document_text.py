"""Reading documents: decoding, titles, hashes, files and JSONL records."""

import pytest

from annotator.formats.records import FormatError
from annotator.formats.records import decode_utf8
from annotator.text.document_text import content_hash
from annotator.text.document_text import title_of


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
    with pytest.raises(FormatError, match=r"^f\.txt: not UTF-8 \(byte 0xff at position 2\)$"):
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
