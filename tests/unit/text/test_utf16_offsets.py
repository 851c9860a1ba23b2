"""The one UTF-16 <-> code point conversion that doccano and Label Studio files use."""

import pytest

from annotator.text.offsets import OffsetError
from annotator.text.offsets import utf16_offsets

TEXT = "a\U0001f600b\r\nc\U0001f1fb\U0001f1eaz"


def test_every_code_point_offset_round_trips_and_crlf_counts_two():
    units = utf16_offsets(TEXT)
    utf16 = [len(TEXT[:i].encode("utf-16-le")) // 2 for i in range(len(TEXT) + 1)]
    assert [units.to_browser(i) for i in range(len(TEXT) + 1)] == utf16
    assert [units.to_code_point(u) for u in utf16] == list(range(len(TEXT) + 1))
    assert units.browser_length == len(TEXT.encode("utf-16-le")) // 2


def test_an_offset_inside_a_surrogate_pair_is_refused():
    with pytest.raises(OffsetError, match="surrogate pair"):
        utf16_offsets(TEXT).to_code_point(2)
