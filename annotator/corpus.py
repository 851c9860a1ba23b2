"""Texts as the project stores them: decoding, titles and content hashes.

A text is stored exactly as decoded from UTF-8: a leading BOM is dropped and nothing else is
touched (no newline translation, no Unicode normalisation), so offsets line up with the
user's own copy of the file.
"""

import hashlib

from annotator.formats.model import FormatError

TITLE_LENGTH = 200


def content_hash(text: str) -> str:
    """The hash that recognises a text imported twice."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def title_of(text: str) -> str:
    """A title for a text that has none: its first non-empty line, shortened."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:TITLE_LENGTH]
    return "(empty)"


def decode_utf8(data: bytes, name: str) -> str:
    """Decode UTF-8, dropping one leading BOM; refuse anything else, naming the file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(
            name, f"not UTF-8 (byte 0x{data[error.start]:02x} at position {error.start})"
        ) from None
