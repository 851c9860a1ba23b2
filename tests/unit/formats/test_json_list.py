"""The items of one JSON list, read a piece at a time."""

import json

import pytest

from annotator.formats import json_list
from annotator.formats.records import FormatError

ITEMS = [{"data": {"text": f"caf\u00e9 {i} \U0001f600"}, "n": i} for i in range(50)]


@pytest.fixture
def small_pieces(monkeypatch):
    """Pieces of 7 bytes: items, strings and characters are cut at every place."""
    monkeypatch.setattr(json_list, "CHUNK_BYTES", 7)


@pytest.mark.parametrize("indent", [None, 1], ids=["compact", "pretty"])
def test_items_come_back_whole_across_pieces(tmp_path, small_pieces, indent):
    path = tmp_path / "tasks.json"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps(ITEMS, ensure_ascii=False, indent=indent).encode()
    )
    assert list(json_list.read_items(path)) == ITEMS


def test_one_object_and_an_empty_list(tmp_path):
    one = tmp_path / "one.json"
    one.write_text('  {"data": {}}\n')
    assert list(json_list.read_items(one)) == [{"data": {}}]
    empty = tmp_path / "empty.json"
    empty.write_text("[ ]")
    assert list(json_list.read_items(empty)) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[\n{"a": 1},\n{"a": \n', r":4: not JSON"),
        (b'[{"a": 1}\n{"a": 2}]', r":2: not JSON \(expected ',' or '\]'"),
        (b'[{"a": 1}] [', r":1: not JSON \(extra data"),
        (b'"text"', r": expected a JSON list or one JSON object"),
        (b'[{"a": "caf\xe9"}]', r": not UTF-8 \(byte 0xe9 at position 11\)"),
    ],
    ids=["cut-short", "no-comma", "extra", "not-a-list", "not-utf8"],
)
def test_errors_name_file_and_line(tmp_path, small_pieces, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=rf"^{path}{message}"):
        list(json_list.read_items(path))
