"""Bytes to text, exactly: a leading BOM is dropped and nothing else is touched (no newline
translation, no Unicode normalisation), so offsets line up with the user's own copy of the file.
"""

import codecs

BOM = codecs.BOM_UTF8


class NotUtf8Error(ValueError):
    """Bytes that are not UTF-8; str() says which byte, where."""


def decode_utf8(data: bytes, position: int = 0) -> str:
    """Decode UTF-8; NotUtf8Error names the first bad byte. position is where data starts in
    its file (a line read on its own): messages count from the file's start, and only data at
    the start of the file may begin with the BOM that is dropped."""
    if position == 0 and data.startswith(BOM):
        data, position = data[len(BOM) :], len(BOM)  # "utf-8-sig" would count from after it
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotUtf8Error(
            f"not UTF-8 (byte 0x{data[error.start]:02x} at position {position + error.start})"
        ) from None
