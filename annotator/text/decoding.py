"""Bytes to text, exactly: a leading BOM is dropped and nothing else is touched (no newline
translation, no Unicode normalisation), so offsets line up with the user's own copy of the file.
"""


class NotUtf8Error(ValueError):
    """Bytes that are not UTF-8; str() says which byte, where."""


def decode_utf8(data: bytes) -> str:
    """Decode UTF-8, dropping one leading BOM; NotUtf8Error names the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUtf8Error(
            f"not UTF-8 (byte 0x{data[error.start]:02x} at position {error.start})"
        ) from None
