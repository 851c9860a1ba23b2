"""Plain text files: one document per `.txt` file, with the encoding recognised from its BOM.

Decoding (`decode`, shared by the CSV and HTML readers):

- a UTF-32 BOM (`FF FE 00 00` little-endian, `00 00 FE FF` big-endian) means UTF-32, checked
  before UTF-16 because the little-endian UTF-32 BOM starts with the UTF-16 one;
- a UTF-16 BOM (`FF FE`, `FE FF`) means UTF-16 (surrogate pairs become one code point);
- anything else must be UTF-8, with or without its BOM (`EF BB BF`).

The BOM is dropped and nothing else is touched: no newline translation (CRLF stays CRLF), no
Unicode normalisation, so offsets line up with the user's own file. Bytes that are not valid in
the chosen encoding are a FormatError naming the file and the byte position (counted from the
start of the file, BOM included). UTF-16 or UTF-32 without a BOM is not guessed.
"""

import codecs
from pathlib import Path

from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.spec import FormatSpec

NAME = "text"
SUFFIXES = (".txt",)
# Longest BOM first: the UTF-32 LE BOM begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"),
)
_TRUNCATED = ("truncated data", "unexpected end of data")


def encoding_of(data: bytes) -> tuple[str, str, int]:
    """(Python codec, display name, BOM length) for data, from its BOM; UTF-8 without one."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return codec, label, len(bom)
    return "utf-8", "UTF-8", 0


def decode(data: bytes, name: str) -> str:
    """The text of a file's bytes (see the module docstring); FormatError names file and byte."""
    codec, label, skip = encoding_of(data)
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError as error:
        raise FormatError(name, _decode_problem(data, error, label, skip)) from None


def _decode_problem(data: bytes, error: UnicodeDecodeError, label: str, skip: int) -> str:
    """Say where and why decoding failed, with a hint for BOM-less UTF-16/32 files."""
    position = skip + error.start
    if error.reason in _TRUNCATED:
        problem = f"not {label}: the file ends inside a character (byte position {position})"
    else:
        byte = data[position]
        problem = f"not {label} (byte 0x{byte:02x} at position {position}: {error.reason})"
    if skip == 0:
        problem += "; UTF-16 and UTF-32 files need a byte order mark (BOM)"
    return problem


def sniff(path: Path) -> bool:
    """Whether path is a .txt file."""
    path = Path(path)
    return path.suffix.lower() in SUFFIXES and path.is_file()


def read(path: Path) -> list[DocumentRecord]:
    """One document: the file's text exactly as decoded, its id the file name without suffix."""
    path = Path(path)
    text = decode(path.read_bytes(), str(path))
    return [DocumentRecord(text=text, id=path.stem, where=str(path))]


SPEC = FormatSpec(
    name=NAME,
    description="plain text: one document per .txt file (UTF-8, or UTF-16/32 with a BOM)",
    sniff=sniff,
    reader=read,
    suffixes=SUFFIXES,
    raw_text=True,
)
