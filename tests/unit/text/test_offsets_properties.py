"""Property tests of the browser boundary: for any text and any span, browser offsets and
code points convert back and forth exactly, and the browser's span covers the same text."""

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotator.text.offsets import BrowserOffsets
from annotator.text.offsets import browser_text

# Pieces that break naive offset arithmetic, mixed with characters from every plane.
PIECES = ["\r\n", "\r", "\n", "\u200d", "\u0301", "e\u0301", "👩\u200d🔬", "🇫🇷", "\ufe0f", "𝔸"]
texts = st.lists(
    st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(PIECES)), max_size=60
).map("".join)


def utf16_length(text: str) -> int:
    """How many UTF-16 units JavaScript counts in text."""
    return len(text.encode("utf-16-le")) // 2


def inside_crlf(text: str, offset: int) -> bool:
    """True between the CR and the LF of a CRLF, a position the browser cannot show."""
    return 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n"


@settings(max_examples=300, deadline=None)
@given(text=texts, data=st.data())
def test_every_code_point_offset_round_trips(text, data):
    offsets = BrowserOffsets(text)
    assert offsets.browser_length == utf16_length(browser_text(text))
    code_point = data.draw(st.integers(0, len(text)))
    if inside_crlf(text, code_point):
        return
    browser = offsets.to_browser(code_point)
    assert browser == utf16_length(browser_text(text[:code_point]))
    assert offsets.to_code_point(browser) == code_point


@settings(max_examples=300, deadline=None)
@given(text=texts.filter(lambda t: len(t) >= 1), data=st.data())
def test_every_span_round_trips_and_covers_the_same_text(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    if inside_crlf(text, start) or inside_crlf(text, end):
        return
    offsets = BrowserOffsets(text)
    browser_start, browser_end = offsets.span_to_browser(start, end)
    shown = browser_text(text).encode("utf-16-le")[2 * browser_start : 2 * browser_end]
    assert shown.decode("utf-16-le") == browser_text(text[start:end])
    assert offsets.span_to_code_points(browser_start, browser_end) == (start, end)
