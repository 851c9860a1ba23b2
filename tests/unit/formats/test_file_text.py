"""Reading the token formats' text files in pieces (annotator.formats.file_text)."""

import pytest

from annotator.formats.file_text import text_chunks
from annotator.formats.records import FormatError


@pytest.mark.parametrize("size", [1, 2, 3, 5, 64])
def test_pieces_end_at_line_ends_and_join_to_the_text(tmp_path, size):
    text = "é\tO\r\n👩\u200d👩\u200d👧\tB-X\n\nlast line without end"
    path = tmp_path / "in.conll"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    pieces = list(text_chunks(path, size))
    assert "".join(pieces) == text
    assert all(piece.endswith("\n") for piece in pieces[:-1])


@pytest.mark.parametrize("size", [1, 4, 64])
def test_a_bad_byte_is_named_by_its_position_in_the_file(tmp_path, size):
    path = tmp_path / "in.conll"
    path.write_bytes("ab\ncé\n".encode() + b"\xff\n")
    with pytest.raises(FormatError, match=r"not UTF-8 \(byte 0xff at position 7\)"):
        list(text_chunks(path, size))


@pytest.mark.parametrize("size", [1, 4, 64])
def test_a_bad_byte_after_a_bom_is_named_by_its_position_in_the_file(tmp_path, size):
    # "utf-8-sig" counts from after the BOM: the message named the byte three places early.
    path = tmp_path / "in.conll"
    path.write_bytes(b"\xef\xbb\xbfParis\tB-LOC\nCaf\xe9\tO\n")
    with pytest.raises(FormatError, match=r"not UTF-8 \(byte 0xe9 at position 18\)"):
        list(text_chunks(path, size))
