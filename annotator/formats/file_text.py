"""Reading the text files of the token formats (CoNLL, Hugging Face): UTF-8 with a leading
BOM dropped, a head for recognising the format, and the rest streamed in pieces so memory does
not grow with the file.
"""

import codecs
from collections.abc import Iterator
from pathlib import Path

from annotator.formats.records import decode_utf8

SNIFF_BYTES = 65536
CHUNK_BYTES = 1 << 22


def read_text(path: Path) -> str:
    """The whole file's text, decoded as UTF-8 without a leading BOM (for small files)."""
    return decode_utf8(Path(path).read_bytes(), str(path))


def head_text(path: Path) -> str | None:
    """The start of the file as text (BOM dropped), or None if it is not UTF-8 text."""
    with Path(path).open("rb") as handle:
        data = handle.read(SNIFF_BYTES)
    if b"\x00" in data:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff")


def physical_lines(text: str) -> list[str]:
    """The lines of text split at "\\n", each without its trailing "\\r"."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def text_chunks(path: Path, size: int | None = None) -> Iterator[str]:
    """The file's text in pieces of about size bytes, each ending at a line end ("\\n") except
    perhaps the last; a leading BOM dropped. FormatError naming the file and byte position if
    it is not UTF-8. Bytes are cut at b"\\n", which is never inside a UTF-8 character, so each
    piece is decoded whole by the one decoder (`annotator.text.decoding`)."""
    path = Path(path)
    size = size or CHUNK_BYTES
    position = 0  # where `held` starts in the file
    held = b""
    with path.open("rb") as handle:
        while data := handle.read(size):
            held += data
            cut = held.rfind(b"\n") + 1
            if cut:
                yield decode_utf8(held[:cut], str(path), position)
                position += cut
                held = held[cut:]
    if held:
        yield decode_utf8(held, str(path), position)
