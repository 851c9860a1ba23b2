"""The offset units of doccano files, converted to and from code points.

doccano's annotation view takes offsets from the browser as JavaScript string indexes, UTF-16
code units (the one conversion: `annotator.text.offsets.utf16_offsets`); a project with "Count
grapheme clusters as one character" counts grapheme clusters (as the `regex` module's `\\X`
sees them); files made by Python scripts count code points. An offset that splits a character
in the chosen unit is refused with a hint.
"""

from collections.abc import Callable

import regex

from annotator.formats.records import FormatError
from annotator.text.offsets import OffsetError
from annotator.text.offsets import utf16_offsets

UNITS = ("utf-16", "code-points", "graphemes")
_GRAPHEME = regex.compile(r"\X")


def offset_reader(text: str, unit: str, name: str, number: int) -> Callable[[int, str], int]:
    """A function converting an offset in unit (and the ref of its span, for messages) to a
    checked code point offset."""

    def outside(offset: int, ref: str) -> FormatError:
        return FormatError(name, f"{ref} offset {offset} is outside the text", number)

    if _same_as_code_points(text, unit):

        def same(offset: int, ref: str) -> int:
            if not 0 <= offset <= len(text):
                raise outside(offset, ref)
            return offset

        return same
    if unit == "utf-16":
        units = utf16_offsets(text)

        def from_utf16(offset: int, ref: str) -> int:
            if not 0 <= offset <= units.browser_length:
                raise outside(offset, ref)
            try:
                return units.to_code_point(offset)
            except OffsetError:
                raise FormatError(
                    name,
                    f"{ref} offset {offset} splits a character in {unit} units "
                    "(was the file written with offsets='code-points'?)",
                    number,
                ) from None

        return from_utf16
    starts = _grapheme_starts(text)

    def from_graphemes(offset: int, ref: str) -> int:
        if not 0 <= offset < len(starts):
            raise outside(offset, ref)
        return starts[offset]

    return from_graphemes


def offset_writer(text: str, unit: str, where: str, out: str) -> Callable[[int], int]:
    """A function converting a code point offset to unit."""
    if _same_as_code_points(text, unit):
        return lambda offset: offset
    if unit == "utf-16":
        return utf16_offsets(text).to_browser
    index = {code_point: i for i, code_point in enumerate(_grapheme_starts(text))}

    def to_graphemes(offset: int) -> int:
        if offset not in index:
            raise FormatError(out, f"{where}: offset {offset} is inside a grapheme cluster")
        return index[offset]

    return to_graphemes


def _same_as_code_points(text: str, unit: str) -> bool:
    """True when the unit counts text exactly as code points do."""
    if unit == "code-points":
        return True
    if unit == "utf-16":
        return text.isascii() or utf16_offsets(text).browser_length == len(text)
    return text.isascii()


def _grapheme_starts(text: str) -> list[int]:
    """The code point offset of each grapheme cluster, and the text's end."""
    return [match.start() for match in _GRAPHEME.finditer(text)] + [len(text)]
