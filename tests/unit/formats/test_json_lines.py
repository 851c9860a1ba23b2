"""The one JSON line writer: what it writes reads back as exactly the value written, for every
value JSON holds (orjson writes most of them; what orjson refuses goes through json.dumps)."""

import json

from hypothesis import given
from hypothesis import strategies as st

from annotator.formats.jsonlines import json_line

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()  # past 64 bits too: orjson refuses those
    | st.floats(allow_nan=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_a_line_reads_back_as_the_value_written(value):
    line = json_line(value)
    assert "\n" not in line
    assert json.loads(line) == value


def test_characters_are_written_as_they_are_and_huge_integers_exactly():
    line = json_line({"text": "Zoë 😀\u2028", "offset": 2**70})
    assert line == '{"text":"Zoë 😀\u2028","offset":1180591620717411303424}'


def test_nan_and_infinity_are_written_as_json_dumps_writes_them_not_as_null():
    value = {"meta": {"score": float("nan"), "bounds": [float("-inf"), None]}}
    assert json_line(value) == '{"meta":{"score":NaN,"bounds":[-Infinity,null]}}'
