"""Hugging Face token-classification JSONL (annotator.formats.hf)."""

import json
from pathlib import Path

import pytest

from annotator.formats import conll
from annotator.formats import hf
from annotator.formats import overlaps
from annotator.formats.records import FormatError
from tests.unit.formats.test_conll import CONLL
from tests.unit.formats.test_conll import SAMPLES
from tests.unit.formats.test_conll import SNIFF_KINDS
from tests.unit.formats.test_conll import generated
from tests.unit.formats.test_conll import key
from tests.unit.formats.test_conll import make
from tests.unit.formats.test_conll import sniff_files
from tests.unit.formats.test_conll import squeezed
from tests.unit.formats.test_conll import token_texts
from tests.unit.formats.test_conll import write_text


def _samples():
    """Every CoNLL sample's documents."""
    return [document for name in SAMPLES for document in conll.read(CONLL / name)]


def _rows(path: Path) -> list[dict]:
    """The JSON objects of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_written_rows_and_label_list(tmp_path):
    document = make("d1", "Ann Lee met Bo in Oslo.", ("Ann Lee", "PER"), ("Oslo", "GPE"))
    paths = hf.write([document], tmp_path / "train.jsonl")
    assert paths == [tmp_path / "train.jsonl", tmp_path / "train.labels.json"]
    names = json.loads(paths[1].read_text(encoding="utf-8"))
    assert names == ["O", "B-PER", "I-PER", "B-GPE", "I-GPE"]  # first seen first
    (row,) = _rows(paths[0])
    assert list(row) == ["id", "tokens", "ner_tags", "text", "offsets"]
    assert row["id"] == "d1"
    assert row["tokens"] == ["Ann", "Lee", "met", "Bo", "in", "Oslo", "."]
    assert [names[tag] for tag in row["ner_tags"]] == [
        "B-PER", "I-PER", "O", "O", "O", "B-GPE", "O"
    ]  # fmt: skip
    assert row["offsets"][5] == [18, 22]


def test_labels_option_fixes_the_order(tmp_path):
    document = make("d1", "Oslo", ("Oslo", "GPE"))
    paths = hf.write([document], tmp_path / "t.jsonl", labels=["PER", "GPE"])
    assert json.loads(paths[1].read_text()) == ["O", "B-PER", "I-PER", "B-GPE", "I-GPE"]
    assert _rows(paths[0])[0]["ner_tags"] == [3]
    with pytest.raises(FormatError, match=r"d1: labels not in the label list: \['B-GPE'\]"):
        hf.write([document], tmp_path / "u.jsonl", labels=["PER"])


@pytest.mark.parametrize("source", ["samples", "generated"], ids=["samples", "generated"])
def test_round_trip_is_exact_with_offsets(tmp_path, source):
    documents = _samples() if source == "samples" else generated()
    back = list(hf.read(hf.write(documents, tmp_path / "out.jsonl")[0]))
    assert [d.id for d in back] == [d.id for d in documents]
    for original, read in zip(documents, back, strict=True):
        assert read.text.encode("utf-8") == original.text.encode("utf-8")
        assert key(read) == key(original)


def test_rows_without_offsets_keep_tokens(tmp_path):
    documents = generated()
    out = hf.write(documents, tmp_path / "out.jsonl")[0]
    bare = tmp_path / "bare.jsonl"
    rows = [{k: row[k] for k in ("id", "tokens", "ner_tags")} for row in _rows(out)]
    bare.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    back = list(hf.read(bare, labels=json.loads(hf.labels_path(out).read_text())))
    for original, read in zip(documents, back, strict=True):
        assert read.text == " ".join(_rows(out)[documents.index(original)]["tokens"])
        assert squeezed(read.text) == squeezed(original.text)
        assert token_texts(read) == token_texts(original)


def test_string_tags_and_bilou(tmp_path):
    row = {"tokens": ["Ann", "Lee", "in", "Oslo"], "ner_tags": ["B-PER", "L-PER", "O", "U-GPE"]}
    path = write_text(tmp_path, json.dumps(row) + "\n\n", "rows.jsonl")
    (document,) = hf.read(path)
    assert document.id == "rows-1"
    assert document.text == "Ann Lee in Oslo"
    assert [(document.text[s.start : s.end], s.label) for s in document.spans] == [
        ("Ann Lee", "PER"), ("Oslo", "GPE")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "line", "reason"),
    [
        (['{"tokens": ["a"], "ner_tags": [0]}', "not json"], 2, "not JSON"),
        (['{"tokens": ["a", "b"], "ner_tags": [1]}'], 1, "one tag per token (2)"),
        (['{"tokens": ["a"], "ner_tags": [9]}'], 1, "token 0: tag id 9 is not in the label list"),
        (['{"tokens": ["a"], "ner_tags": ["X-Y"]}'], 1, "token 0: invalid tag 'X-Y'"),
        (['{"tokens": ["a", "b"], "ner_tags": [0, 1], "text": "a b", "offsets": [[0, 1], [1, 3]]}'],
         1, "token 1: 'b' is not text[1:3]"),
        (['{"tokens": ["a", "b"], "ner_tags": ["U-X", "I-X"]}'], 1,
         "token 1: 'I-X' does not continue a X span"),
        (["[1, 2]"], 1, "expected a JSON object"),
    ],
    ids=["not-json", "tag-count", "tag-id", "bad-tag", "offsets", "bilou-sequence", "not-object"],
)  # fmt: skip
def test_bad_rows_name_the_line(tmp_path, lines, line, reason):
    path = write_text(tmp_path, "\n".join(lines) + "\n", "rows.jsonl")
    write_text(tmp_path, '["O", "B-X", "I-X"]', "rows.labels.json")
    with pytest.raises(FormatError) as caught:
        list(hf.read(path))
    assert caught.value.line == line
    assert reason in str(caught.value)


def test_ids_without_label_list_are_refused(tmp_path):
    path = write_text(tmp_path, '{"tokens": ["a"], "ner_tags": [0]}\n', "rows.jsonl")
    with pytest.raises(FormatError, match="no label list rows.labels.json beside it"):
        list(hf.read(path))


def test_not_utf8_is_refused(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes('{"tokens": ["café"], "ner_tags": ["O"]}\n'.encode("latin-1"))
    with pytest.raises(FormatError, match="not UTF-8"):
        list(hf.read(path))


def test_overlaps_like_conll(tmp_path):
    document = make("nyc", "New York City Hall", ("New York City", "GPE"), ("City Hall", "ORG"))
    with pytest.raises(FormatError, match=r"nyc: GPE \[0, 13\) 'New York City' overlaps ORG"):
        hf.write([document], tmp_path / "x.jsonl", overlap="fail")
    (back,) = hf.read(hf.write([document], tmp_path / "y.jsonl", overlap="longest")[0])
    assert key(back) == [(0, 13, "GPE")]
    assert [str(d) for d in overlaps.dropped([document])] == [
        "nyc: dropped ORG [9, 18) 'City Hall' (overlaps GPE [0, 13) 'New York City')"
    ]


def test_datasets_loads_the_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    import datasets

    out = hf.write(_samples() + generated(), tmp_path / "train.jsonl")[0]
    loaded = datasets.load_dataset(
        "json", data_files=str(out), split="train", cache_dir=str(tmp_path / "cache")
    )
    assert loaded.features["tokens"] == datasets.List(datasets.Value("string"))
    assert loaded.features["ner_tags"] == datasets.List(datasets.Value("int64"))
    rows = _rows(out)
    assert loaded.num_rows == len(rows)
    assert loaded["tokens"] == [row["tokens"] for row in rows]
    assert loaded["ner_tags"] == [row["ner_tags"] for row in rows]
    assert loaded["id"] == [row["id"] for row in rows]


@pytest.fixture(scope="module")
def sniffed(tmp_path_factory) -> dict[str, Path]:
    """The SNIFF_KINDS files, made once per test module."""
    return sniff_files(tmp_path_factory.mktemp("sniff"))


@pytest.mark.parametrize("case", list(SNIFF_KINDS), ids=list(SNIFF_KINDS))
def test_sniff(sniffed, case):
    assert hf.sniff(sniffed[case]) is (SNIFF_KINDS[case] == hf.NAME)


def test_labels_with_spaces_survive_json(tmp_path):
    document = make("d", "Acme rose.", ("Acme", "BIG ORG"))
    (back,) = hf.read(hf.write([document], tmp_path / "x.jsonl")[0])
    assert key(back) == [(0, 4, "BIG ORG")]
    with pytest.raises(FormatError, match="d: label 'BIG ORG' contains whitespace"):
        conll.write([document], tmp_path / "x.conll")


def _failing(documents):
    """The documents, then an error: a database that went away mid-export."""
    yield from documents
    raise RuntimeError("database went away")


def test_a_failing_stream_writes_nothing(tmp_path):
    out = tmp_path / "rows.jsonl"
    with pytest.raises(RuntimeError, match="went away"):
        hf.write(_failing(generated()), out, labels=["EMO", "GPE", "FLAG", "FAM", "ORG", "PER"])
    assert list(tmp_path.iterdir()) == []


def test_reading_is_lazy_and_stops_at_the_bad_row(tmp_path):
    out = hf.write(generated(), tmp_path / "rows.jsonl")[0]
    out.write_text(out.read_text(encoding="utf-8") + "not json\n", encoding="utf-8")
    documents = hf.read(out)
    assert next(documents).id == "emoji"
    with pytest.raises(FormatError, match="not JSON") as caught:
        list(documents)
    assert caught.value.line == len(generated()) + 1
