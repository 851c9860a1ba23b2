"""Tests for annotator.offsets: stored code points versus UTF-16 over CRLF-folded browser text."""

import re

import pytest

from annotator.text.offsets import BrowserOffsets
from annotator.text.offsets import OffsetError
from annotator.text.offsets import browser_text
from annotator.text.offsets import check_span_bounds
from annotator.text.offsets import snap_to_words
from annotator.text.offsets import spans_overlap

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # 👩‍👩‍👧: 5 code points, 8 UTF-16 units
FLAG_VE = "\U0001f1fb\U0001f1ea"  # 🇻🇪: 2 code points, 4 UTF-16 units
GRIN = "\U0001f600"  # 😀
E_ACUTE_DECOMPOSED = "e\u0301"

TEXTS = {
    "ascii": "Hello, world.",
    "accents": "Nicolás Maduro, café",
    "curly_quotes": "“an option” and Venezuela’s",
    "emoji": f"hi {GRIN} there {GRIN}{GRIN}",
    "zwj_family": f"a {FAMILY} b",
    "flag": f"{FLAG_VE} Venezuela",
    "decomposed_e": f"caf{E_ACUTE_DECOMPOSED} au lait",
    "crlf": "line one\r\nline two\r\n\r\nend",
    "lone_cr": "a\rb\r\rc\r",
    "mixed": f"Sí {GRIN}\r\n{FAMILY} {FLAG_VE}\rcaf{E_ACUTE_DECOMPOSED}\r\n“q”\n\r\n",
}


def _dom(text: str) -> str:
    """CRLF/CR folding written independently of the module under test."""
    return re.sub(r"\r\n?", "\n", text)


def _utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _boundaries(text: str) -> list[int]:
    """Code-point offsets that exist in the browser: all but those between a CR and its LF."""
    return [
        i for i in range(len(text) + 1) if not (0 < i < len(text) and text[i - 1 : i + 1] == "\r\n")
    ]


# ---------------------------------------------------------------- browser_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\r\nb", "a\n\nb"),
        ("a\n\rb", "a\n\nb"),
        ("no newlines", "no newlines"),
        ("cafe\u0301", "cafe\u0301"),
    ],
    ids=["crlf", "lone_cr", "cr_then_crlf", "lf_then_cr", "plain", "no_normalisation"],
)
def test_browser_text(text: str, expected: str) -> None:
    """CRLF and lone CR become LF; nothing else changes."""
    assert browser_text(text) == expected


# ---------------------------------------------------------------- known values


@pytest.mark.parametrize(
    ("text", "browser_length", "pairs"),
    [
        ("Hello", 5, [(0, 0), (3, 3), (5, 5)]),
        ("Nicolás", 7, [(5, 5), (6, 6), (7, 7)]),
        ("“a”", 3, [(1, 1), (2, 2), (3, 3)]),
        (f"hi {GRIN} x", 7, [(3, 3), (4, 5), (5, 6), (6, 7)]),
        (f"a {FAMILY} b", 12, [(2, 2), (3, 4), (4, 5), (5, 7), (6, 8), (7, 10), (9, 12)]),
        (f"{FLAG_VE} V", 6, [(0, 0), (1, 2), (2, 4), (3, 5), (4, 6)]),
        (f"caf{E_ACUTE_DECOMPOSED}", 5, [(3, 3), (4, 4), (5, 5)]),
        ("ab\r\ncd", 5, [(2, 2), (3, 2), (4, 3), (6, 5)]),
        ("a\rb", 3, [(1, 1), (2, 2), (3, 3)]),
        (f"{GRIN}\r\n{GRIN}", 5, [(1, 2), (2, 2), (3, 3), (4, 5)]),
    ],
    ids=["ascii", "accent", "curly", "emoji", "zwj", "flag", "decomposed", "crlf", "cr", "mixed"],
)
def test_known_values(text: str, browser_length: int, pairs: list[tuple[int, int]]) -> None:
    """Hand-computed code point -> browser offsets, including a code point between CR and LF."""
    offsets = BrowserOffsets(text)
    assert offsets.browser_length == browser_length
    for code_point, browser in pairs:
        assert offsets.to_browser(code_point) == browser


def test_ascii_is_identity() -> None:
    """Without astral characters or CRLF the conversion is the identity in both directions."""
    text = TEXTS["ascii"]
    offsets = BrowserOffsets(text)
    assert offsets.browser_length == len(text)
    for i in range(len(text) + 1):
        assert offsets.to_browser(i) == i
        assert offsets.to_code_point(i) == i


def test_crlf_lf_maps_to_cr() -> None:
    """A browser offset at the LF of a CRLF maps to the CR; the one after it to after the LF."""
    offsets = BrowserOffsets("ab\r\ncd")
    assert offsets.to_code_point(2) == 2
    assert offsets.to_code_point(3) == 4
    assert offsets.span_to_code_points(2, 3) == (2, 4)
    assert offsets.span_to_browser(2, 4) == (2, 3)
    assert offsets.span_to_browser(0, 3) == (0, 2)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("text", list(TEXTS.values()), ids=list(TEXTS))
def test_browser_length_matches_utf16(text: str) -> None:
    """browser_length is the UTF-16 length of the browser text."""
    assert BrowserOffsets(text).browser_length == _utf16_len(_dom(text))
    assert browser_text(text) == _dom(text)


@pytest.mark.parametrize("text", list(TEXTS.values()), ids=list(TEXTS))
def test_every_span_round_trips(text: str) -> None:
    """Every code-point span maps to the browser span holding the same (CRLF-folded) text."""
    offsets = BrowserOffsets(text)
    dom16 = browser_text(text).encode("utf-16-le")
    boundaries = _boundaries(text)
    for i in boundaries:
        expected = _utf16_len(_dom(text[:i]))
        assert offsets.to_browser(i) == expected
        assert offsets.to_code_point(expected) == i
    for i in boundaries:
        for j in boundaries:
            if j <= i:
                continue
            b_start, b_end = offsets.span_to_browser(i, j)
            assert dom16[2 * b_start : 2 * b_end].decode("utf-16-le") == _dom(text[i:j])
            assert offsets.span_to_code_points(b_start, b_end) == (i, j)


@pytest.mark.parametrize("text", list(TEXTS.values()), ids=list(TEXTS))
def test_every_browser_offset(text: str) -> None:
    """Each browser offset round-trips, except those on a low surrogate, which raise."""
    offsets = BrowserOffsets(text)
    dom16 = browser_text(text).encode("utf-16-le")
    for b in range(offsets.browser_length + 1):
        unit = int.from_bytes(dom16[2 * b : 2 * b + 2], "little") if b < len(dom16) // 2 else 0
        if 0xDC00 <= unit <= 0xDFFF:
            with pytest.raises(OffsetError, match="splits a character"):
                offsets.to_code_point(b)
        else:
            assert offsets.to_browser(offsets.to_code_point(b)) == b


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("browser_offset", "message"),
    [
        (-1, "browser offset -1 is negative"),
        (8, "browser offset 8 is past the end of the text (length 7 in the browser)"),
        (4, "browser offset 4 splits a character"),
        (True, "browser offset must be an integer, got bool"),
        (1.0, "browser offset must be an integer, got float"),
    ],
    ids=["negative", "past_end", "inside_surrogate_pair", "bool", "float"],
)
def test_to_code_point_errors(browser_offset: object, message: str) -> None:
    """Out-of-range, pair-splitting and non-int browser offsets are refused."""
    offsets = BrowserOffsets(f"hi {GRIN} x")
    with pytest.raises(OffsetError, match=re.escape(message)):
        offsets.to_code_point(browser_offset)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code_point", "message"),
    [
        (-1, "code point -1 is negative"),
        (7, "code point 7 is past the end of the text (length 6)"),
        (False, "code point must be an integer, got bool"),
    ],
    ids=["negative", "past_end", "bool"],
)
def test_to_browser_errors(code_point: object, message: str) -> None:
    """Out-of-range and non-int code points are refused."""
    offsets = BrowserOffsets(f"hi {GRIN} x")
    with pytest.raises(OffsetError, match=re.escape(message)):
        offsets.to_browser(code_point)  # type: ignore[arg-type]


def test_span_conversions_check_bounds() -> None:
    """Span conversions refuse empty and reversed spans."""
    offsets = BrowserOffsets(f"hi {GRIN} x")
    with pytest.raises(OffsetError, match="empty span"):
        offsets.span_to_code_points(5, 5)
    with pytest.raises(OffsetError, match="reversed span"):
        offsets.span_to_browser(4, 3)
    with pytest.raises(OffsetError, match="splits a character"):
        offsets.span_to_code_points(0, 4)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 5, "start -1 is negative"),
        (0, 120, "end 120 is past the end of the text (length 100)"),
        (5, 5, "start 5 is not before end 5 (empty span)"),
        (7, 5, "start 7 is not before end 5 (reversed span)"),
        (True, 5, "start must be an integer, got bool"),
        (0, False, "end must be an integer, got bool"),
        (0, 5.0, "end must be an integer, got float"),
        ("0", 5, "start must be an integer, got str"),
    ],
    ids=["negative", "past_end", "empty", "reversed", "bool_start", "bool_end", "float", "str"],
)
def test_check_span_bounds_errors(start: object, end: object, message: str) -> None:
    """Each bad span gets a message naming the problem."""
    with pytest.raises(OffsetError, match=re.escape(message)):
        check_span_bounds(100, start, end)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end"), [(0, 1), (0, 100), (99, 100)], ids=["first", "all", "last"]
)
def test_check_span_bounds_accepts(start: int, end: int) -> None:
    """Valid spans pass silently."""
    assert check_span_bounds(100, start, end) is None


def test_offset_error_is_value_error() -> None:
    """Callers may catch OffsetError as ValueError."""
    assert issubclass(OffsetError, ValueError)


# ---------------------------------------------------------------- snap_to_words


def _select(text: str, selected: str) -> tuple[int, int]:
    """Span of the first occurrence of selected in text."""
    start = text.index(selected)
    return start, start + len(selected)


@pytest.mark.parametrize(
    ("text", "selected", "expected"),
    [
        ("President Nicolás Maduro said", "colás Ma", "Nicolás Maduro"),
        ("it is “an option” now", " “an option” ", "an option"),
        ("Venezuela’s oil", "Venez", "Venezuela"),
        ("Venezuela’s oil", "’s o", "s oil"),
        ("well, then", "well, ", "well"),
        ("Maduro", "Maduro", "Maduro"),
        ("Maduro said", "dur", "Maduro"),
        ("said Maduro", "dur", "Maduro"),
        (f"love {GRIN} it", GRIN, GRIN),
        (f"family {FAMILY} here", "\U0001f469", FAMILY),
        (f"family {FAMILY} here", "\u200d", FAMILY),
        (f"flag {FLAG_VE} here", "\U0001f1ea", FLAG_VE),
        (f"un caf{E_ACUTE_DECOMPOSED} noir", "caf", f"caf{E_ACUTE_DECOMPOSED}"),
        (f"un caf{E_ACUTE_DECOMPOSED} noir", "\u0301", f"caf{E_ACUTE_DECOMPOSED}"),
        (
            f"un caf{E_ACUTE_DECOMPOSED}, noir",
            f"{E_ACUTE_DECOMPOSED}, ",
            f"caf{E_ACUTE_DECOMPOSED}",
        ),
        ("a\r\nword\r\nb", "\r\nwo", "word"),
        ("price 42% up", "4", "42"),
        ("in <i>italic</i> type", "tal", "italic"),
        ("a+b=c", "+b", "b"),
        ("only ₹900 now", "90", "₹900"),
        ("cost $5 each", "5", "$5"),
    ],
    ids=[
        "grow_both_ends",
        "trim_curly_quotes",
        "curly_apostrophe_stops",
        "after_apostrophe",
        "trim_comma",
        "already_whole",
        "grow_to_text_start",
        "grow_to_text_end",
        "emoji",
        "zwj_part",
        "zwj_joiner",
        "flag_half",
        "decomposed_grow_to_mark",
        "decomposed_mark_only",
        "decomposed_trim_comma",
        "crlf_trimmed",
        "digits",
        "maths_symbols_stop",
        "plus_and_equals_stop",
        "currency_stays",
        "dollar_stays",
    ],
)
def test_snap_to_words(text: str, selected: str, expected: str) -> None:
    """The snapped span covers exactly the expected whole words."""
    start, end = snap_to_words(text, *_select(text, selected))
    assert text[start:end] == expected
    assert (start, end) == _select(text, expected)


@pytest.mark.parametrize(
    ("text", "start", "end", "message"),
    [
        ("a  ,  b", 1, 6, "only whitespace and punctuation"),
        ("“ — ”", 0, 5, "only whitespace and punctuation"),
        ("abc", 2, 2, "empty span"),
        ("abc", 0, 4, "past the end"),
    ],
    ids=["comma_and_spaces", "quotes_and_dash", "empty", "past_end"],
)
def test_snap_to_words_errors(text: str, start: int, end: int, message: str) -> None:
    """Selections with no content, and invalid spans, are refused."""
    with pytest.raises(OffsetError, match=message):
        snap_to_words(text, start, end)


# ---------------------------------------------------------------- spans_overlap


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 5), (3, 8), True),
        ((3, 8), (0, 5), True),
        ((0, 5), (5, 8), False),
        ((5, 8), (0, 5), False),
        ((0, 10), (3, 4), True),
        ((3, 4), (0, 10), True),
        ((2, 6), (2, 6), True),
        ((0, 2), (7, 9), False),
        ((4, 5), (4, 9), True),
        ((0, 10), (3, 3), False),
    ],
    ids=[
        "partial",
        "partial_swapped",
        "touching",
        "touching_swapped",
        "nested",
        "nested_swapped",
        "identical",
        "disjoint",
        "one_char_shared",
        "empty_inside",
    ],
)
def test_spans_overlap(a: tuple[int, int], b: tuple[int, int], expected: bool) -> None:
    """Half-open ranges overlap only when they share a code point."""
    assert spans_overlap(*a, *b) is expected
