"""The one UTF-8 decoder: a leading BOM dropped, and a bad byte named where it is in the file."""

import pytest

from annotator.text.decoding import NotUtf8Error
from annotator.text.decoding import decode_utf8

BOM = b"\xef\xbb\xbf"


def test_a_leading_bom_is_dropped_only_at_the_start_of_the_file():
    assert decode_utf8(BOM + "Zoë".encode()) == "Zoë"
    assert decode_utf8(BOM + b"x", position=10) == "\ufeffx"


@pytest.mark.parametrize(
    ("data", "position", "message"),
    [
        (b"ab\xff", 0, "byte 0xff at position 2"),
        (BOM + b"ab\xff", 0, "byte 0xff at position 5"),
        (BOM + b"ab\xff", 7, "byte 0xff at position 12"),
        (b"ab\xff", 7, "byte 0xff at position 9"),
    ],
    ids=["plain", "after-bom", "bom-not-at-start", "later-line"],
)
def test_a_bad_byte_is_named_with_its_position_in_the_file(data, position, message):
    with pytest.raises(NotUtf8Error, match=f"^not UTF-8 \\({message}\\)$"):
        decode_utf8(data, position)
