"""Tests for annotator.formats.text: encodings recognised from the BOM, texts exactly as decoded,
and decoding errors that name the file and the byte."""

import codecs
from pathlib import Path

import pytest

from annotator.formats import text
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "text"
DOCCANO_TXT = FIXTURES / "doccano" / "import_tests" / "example.txt"
SAMPLE = "Caf\u00e9 \u201cMaduro\u201d 😀 👩\u200d👩\u200d👧 🇻🇪 e\u0301\r\nsecond line\n"


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"),
        codecs.BOM_UTF32_BE + SAMPLE.encode("utf-32-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"],
)
def test_decode_every_encoding_to_the_same_text(data):
    """The BOM picks the encoding and is dropped; CRLF and every character stay as they are."""
    decoded = text.decode(data, "a.txt")
    assert decoded == SAMPLE
    assert len(decoded) == 41
    assert decoded.count("\r\n") == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + "\ufeffx".encode(), "\ufeffx"),
        (codecs.BOM_UTF16_LE + "\ufeffx".encode("utf-16-le"), "\ufeffx"),
        (b"", ""),
        (codecs.BOM_UTF16_LE, ""),
        (codecs.BOM_UTF32_LE + "\x00".encode("utf-32-le"), "\x00"),
    ],
    ids=["second-utf8-bom-kept", "second-utf16-bom-kept", "empty", "only-a-bom", "utf32-nul"],
)
def test_decode_edges(data, expected):
    """Only one leading BOM is dropped; the UTF-32 LE BOM wins over the UTF-16 LE one."""
    assert text.decode(data, "a.txt") == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"Caracas \xff",
            "a.txt: not UTF-8 (byte 0xff at position 8: invalid start byte); "
            "UTF-16 and UTF-32 files need a byte order mark (BOM)",
        ),
        (
            "Bogot\u00e1".encode("latin-1"),
            "a.txt: not UTF-8: the file ends inside a character (byte position 5); "
            "UTF-16 and UTF-32 files need a byte order mark (BOM)",
        ),
        (
            "caf\u00e9 ok".encode("latin-1"),
            "a.txt: not UTF-8 (byte 0xe9 at position 3: invalid continuation byte); "
            "UTF-16 and UTF-32 files need a byte order mark (BOM)",
        ),
        (
            codecs.BOM_UTF8 + b"ok\xc3",
            "a.txt: not UTF-8: the file ends inside a character (byte position 5)",
        ),
        (
            codecs.BOM_UTF16_LE + b"a\x00b",
            "a.txt: not UTF-16LE: the file ends inside a character (byte position 4)",
        ),
        (
            codecs.BOM_UTF16_BE + b"\xdc\x00\x00a",
            "a.txt: not UTF-16BE (byte 0xdc at position 2: illegal encoding)",
        ),
        (
            codecs.BOM_UTF32_LE + b"\x00\x00\x11\x00",
            "a.txt: not UTF-32LE (byte 0x00 at position 4: code point not in range(0x110000))",
        ),
        (
            "é".encode("utf-16-le"),
            "a.txt: not UTF-8 (byte 0xe9 at position 0: invalid continuation byte); "
            "UTF-16 and UTF-32 files need a byte order mark (BOM)",
        ),
    ],
    ids=[
        "invalid-byte",
        "latin-1-at-end",
        "latin-1-inside",
        "utf8-truncated-after-bom",
        "utf16-odd-length",
        "utf16-lone-low-surrogate",
        "utf32-out-of-range",
        "utf16-without-bom",
    ],
)
def test_decode_refuses_bytes_naming_file_and_position(data, message):
    """The error says which file, which encoding and which byte (BOM included in the count)."""
    with pytest.raises(FormatError) as caught:
        text.decode(data, "a.txt")
    assert str(caught.value) == message
    assert caught.value.path == "a.txt"


def test_read_keeps_the_text_exactly(tmp_path):
    """One document per file, id = file stem, CRLF and the BOM-less text as decoded."""
    path = tmp_path / "001_story.txt"
    path.write_bytes(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"))
    assert text.read(path) == [DocumentRecord(text=SAMPLE, id="001_story", where=str(path))]


def test_read_utf16_file_with_crlf(tmp_path):
    """A UTF-16 file (as Windows Notepad saves it) reads with its CRLF line breaks."""
    path = tmp_path / "notepad.TXT"
    path.write_bytes(codecs.BOM_UTF16_LE + "One\r\nTwo\r\n".encode("utf-16-le"))
    [document] = text.read(path)
    assert (document.id, document.text) == ("notepad", "One\r\nTwo\r\n")


def test_read_doccano_plain_text_example():
    """doccano's example.txt: lines with an empty one, one document, nothing dropped."""
    [document] = text.read(DOCCANO_TXT)
    assert document.text == "exampleA\nexampleB\n\nexampleC\n"
    assert document.id == "example"
    assert document.title is None


def test_read_refuses_a_file_that_is_not_utf8(tmp_path):
    """The FormatError names the file by its path."""
    path = tmp_path / "latin.txt"
    path.write_bytes("M\u00e9rida\n".encode("latin-1"))
    with pytest.raises(FormatError) as caught:
        text.read(path)
    assert str(caught.value) == (
        f"{path}: not UTF-8 (byte 0xe9 at position 1: invalid continuation byte); "
        "UTF-16 and UTF-32 files need a byte order mark (BOM)"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.txt", True), ("B.TXT", True), ("a.csv", False), ("a.html", False), ("txt", False)],
    ids=["txt", "upper-case", "csv", "html", "no-suffix"],
)
def test_sniff_by_suffix(tmp_path, name, expected):
    """.txt files (any case) are text; other suffixes are not."""
    path = tmp_path / name
    path.write_text("Some text\n", encoding="utf-8")
    assert text.sniff(path) is expected


def test_sniff_needs_a_file(tmp_path):
    """A folder or a missing path named .txt is not a text file."""
    (tmp_path / "folder.txt").mkdir()
    assert text.sniff(tmp_path / "folder.txt") is False
    assert text.sniff(tmp_path / "missing.txt") is False


def test_name():
    """The format's name, as the registry knows it."""
    assert text.NAME == "text"
