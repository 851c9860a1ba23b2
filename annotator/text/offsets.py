"""Span offsets, and the one place where stored offsets and browser offsets are converted.

Offset unit: every offset the application stores is a Python code point index into the stored
text exactly as imported (no newline translation, no Unicode normalisation), and a span is the
half-open range [start, end).

The browser sees the same text differently: its HTML parser turns CRLF (and a lone CR) into LF,
and JavaScript counts UTF-16 code units, so an astral character (above U+FFFF, e.g. most emoji)
is two units. BrowserOffsets is the ONE boundary where the two are converted; nothing else
should do offset arithmetic across it. Files written by JavaScript tools (doccano, old Label
Studio exports) count UTF-16 units over the text as it is, CRLF included: `utf16_offsets`
gives the same conversion without the newline change.
"""

import re
import unicodedata
from bisect import bisect_left

from annotator.text.brief import brief

# An astral character (two UTF-16 units), or the CR of a CRLF pair (gone in the browser).
_SPECIAL = re.compile("[\U00010000-\U0010ffff]|\r(?=\n)")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetError(ValueError):
    """A span offset that does not fit the text; the message names the problem for the user."""


def _require_int(name: str, value: object) -> int:
    """Return value if it is a real int (not a bool), else raise OffsetError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OffsetError(f"{name} must be an integer, got {type(value).__name__} {brief(value)}")
    return value


def browser_text(text: str) -> str:
    """The text as the browser's DOM holds it: CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class BrowserOffsets:
    """Converts offsets between the stored text (code points) and the browser (UTF-16 over
    browser_text; over the text as it is with newlines=False, see utf16_offsets)."""

    def __init__(self, text: str, *, newlines: bool = True):
        """Index the astral characters (and CRLF pairs) of text with one regex scan."""
        self.text_length = len(text)
        self._astral: list[int] = []  # code-point positions of astral characters
        self._crlf_cr: list[int] = []  # code-point positions of the CR of each CRLF
        for match in (_SPECIAL if newlines else _ASTRAL).finditer(text):
            position = match.start()
            if text[position] == "\r":
                self._crlf_cr.append(position)
            else:
                self._astral.append(position)
        self.browser_length = self.text_length + len(self._astral) - len(self._crlf_cr)

    def _browser(self, code_point: int) -> int:
        """Browser offset of an in-range code point: astral characters before it count twice,
        CRs of CRLF pairs before it not at all."""
        return (
            code_point
            + bisect_left(self._astral, code_point)
            - bisect_left(self._crlf_cr, code_point)
        )

    def to_browser(self, code_point: int) -> int:
        """Browser (UTF-16) offset of a code-point offset; a code point between the CR and LF
        of a CRLF maps to the offset of that LF."""
        code_point = _require_int("code point", code_point)
        if code_point < 0:
            raise OffsetError(f"code point {code_point} is negative")
        if code_point > self.text_length:
            raise OffsetError(
                f"code point {code_point} is past the end of the text (length {self.text_length})"
            )
        return self._browser(code_point)

    def to_code_point(self, browser_offset: int) -> int:
        """Code-point offset of a browser (UTF-16) offset; an offset at the LF of a CRLF maps to
        the position of its CR."""
        browser_offset = _require_int("browser offset", browser_offset)
        if browser_offset < 0:
            raise OffsetError(f"browser offset {browser_offset} is negative")
        if browser_offset > self.browser_length:
            raise OffsetError(
                f"browser offset {browser_offset} is past the end of the text "
                f"(length {self.browser_length} in the browser)"
            )
        if not self._astral and not self._crlf_cr:
            return browser_offset
        # _browser is non-decreasing, so take the first code point that reaches the offset.
        code_point = bisect_left(range(self.text_length + 1), browser_offset, key=self._browser)
        if self._browser(code_point) != browser_offset:
            raise OffsetError(
                f"browser offset {browser_offset} splits a character "
                "(it falls inside a UTF-16 surrogate pair)"
            )
        return code_point

    def span_to_code_points(self, start: int, end: int) -> tuple[int, int]:
        """Convert a browser span to a checked code-point span."""
        span = self.to_code_point(start), self.to_code_point(end)
        check_span_bounds(self.text_length, *span)
        return span

    def span_to_browser(self, start: int, end: int) -> tuple[int, int]:
        """Convert a code-point span to a checked browser span."""
        span = self.to_browser(start), self.to_browser(end)
        check_span_bounds(self.browser_length, *span)
        return span


def utf16_offsets(text: str) -> BrowserOffsets:
    """Code points <-> UTF-16 code units of text as it is (a CRLF counts two): the offsets of
    JavaScript string indexes in files (doccano, old Label Studio exports). `to_code_point`
    refuses an offset inside a surrogate pair with OffsetError."""
    return BrowserOffsets(text, newlines=False)


def check_span_bounds(text_length: int, start: int, end: int) -> None:
    """Raise OffsetError unless 0 <= start < end <= text_length, with both ends plain ints."""
    _require_int("start", start)
    _require_int("end", end)
    if start < 0:
        raise OffsetError(f"start {brief(start)} is negative")
    if end > text_length:
        raise OffsetError(f"end {brief(end)} is past the end of the text (length {text_length})")
    if start == end:
        raise OffsetError(f"start {start} is not before end {end} (empty span)")
    if start > end:
        raise OffsetError(f"start {brief(start)} is not before end {end} (reversed span)")


# Categories that end a word: punctuation (P*), maths symbols such as < > + = | ~ (Sm) and
# modifier symbols such as ^ ` (Sk). Letters, digits, marks, joiners, emoji (So) and currency
# (Sc: "₹900" and "$5" stay whole) are word content.
_WORD_BREAKS = ("P", "Sm", "Sk")


def _is_content(char: str) -> bool:
    """True for characters that belong to a word (see _WORD_BREAKS)."""
    return not char.isspace() and not unicodedata.category(char).startswith(_WORD_BREAKS)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace and punctuation (and maths/modifier symbols) from both ends of
    [start, end), then grow outward to whole words. Raise OffsetError if nothing else was
    selected."""
    check_span_bounds(len(text), start, end)
    while start < end and not _is_content(text[start]):
        start += 1
    while end > start and not _is_content(text[end - 1]):
        end -= 1
    if start == end:
        raise OffsetError("the selection contains only whitespace and punctuation")
    while start > 0 and _is_content(text[start - 1]):
        start -= 1
    while end < len(text) and _is_content(text[end]):
        end += 1
    return start, end


def spans_overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """True when the half-open ranges share at least one code point."""
    return max(a_start, b_start) < min(a_end, b_end)


def pieces_overlap(pieces, others) -> bool:
    """True when a [start, end) piece of one span (a discontinuous span has several) overlaps a
    piece of the other."""
    return any(spans_overlap(s, e, os, oe) for s, e in pieces for os, oe in others)
