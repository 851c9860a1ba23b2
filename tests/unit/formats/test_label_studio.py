"""Tests for annotator.formats.label_studio: Label Studio's example tasks (and the broken one),
its code point offsets, regions, predictions, relations, round trips and sniffing."""

import json
from collections import Counter
from pathlib import Path

import pytest

from annotator.formats import label_studio
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from tests.unit.formats.shared import FIXTURES
from tests.unit.formats.shared import NATIVE_LINE
from tests.unit.formats.shared import UNICODE_SPANS
from tests.unit.formats.shared import UNICODE_TEXT
from tests.unit.formats.shared import unicode_document


def read_all(path, **options) -> list[DocumentRecord]:
    """Every document label_studio.read gives (it streams them)."""
    return list(label_studio.read(path, **options))


LS = FIXTURES / "label_studio"
TASKS = LS / "named_entity" / "tasks.json"
ANNOTATED = LS / "named_entity" / "annotations" / "1.json"
BROKEN = LS / "rich_text_plain" / "annotations" / "1.json"


def _spans(annotations: list[Annotation]) -> Counter:
    """The multiset of (start, end, label)."""
    return Counter((a.start, a.end, a.label) for a in annotations)


def _region(start: int, end: int, text: str | None, labels: list[str], region_id: str = "r1"):
    """A `labels` result item."""
    value = {"start": start, "end": end, "labels": labels}
    if text is not None:
        value["text"] = text
    return {
        "id": region_id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": value,
    }


def _file(path: Path, tasks: object) -> Path:
    """Write tasks as JSON and return path."""
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def _task(text: str, result: list[dict], **extra) -> dict:
    """A task with one annotation."""
    return {"id": 5, "data": {"text": text}, "annotations": [{"id": 50, "result": result}], **extra}


# ---------------------------------------------------------------------------------------------
# Label Studio's example tasks


def test_the_prediction_example_reads_as_a_suggestion_with_its_model_version():
    [document] = read_all(TASKS)
    assert document.spans == []
    [suggestion] = document.suggestions
    assert (suggestion.label, suggestion.ref) == ("Date", "region beFiQTT1cU")
    assert document.text[suggestion.start : suggestion.end] == "February 22"
    assert document.meta["label_studio"]["model_versions"] == ["model 1"]


def test_the_annotation_example_reads_as_a_span_with_its_value_text():
    raw = json.loads(ANNOTATED.read_text(encoding="utf-8"))
    [document] = read_all(ANNOTATED)
    [span] = document.spans
    value = raw["annotations"][0]["result"][0]["value"]
    assert (span.start, span.end, span.label) == (value["start"], value["end"], "Date")
    assert document.text[span.start : span.end] == value["text"]
    assert (document.id, document.meta["label_studio"]["annotation_id"]) == ("1", "1001")


def test_the_broken_rich_text_example_is_refused_naming_task_and_region():
    with pytest.raises(FormatError) as error:
        read_all(BROKEN)
    message = str(error.value)
    assert message.startswith(f"{BROKEN}: task 1 (id 1): region beFiQTT1cU: ")
    assert (
        "value.text 'February 22' is not the text at 343-354 of data.ner (' supporters')" in message
    )
    assert "the region names ['text'], which the task's data does not have" in message


# ---------------------------------------------------------------------------------------------
# offsets


def test_code_point_offsets_after_an_emoji_are_taken_as_they_are(tmp_path):
    # Label Studio's own test: "test" in this text starts at 21 (code points; UTF-16 says 22).
    text = "🐱 Warning: This is a test text"
    path = _file(tmp_path / "emoji.json", [_task(text, [_region(21, 25, "test", ["region"])])])
    [document] = read_all(path)
    assert [(a.start, a.end, document.text[a.start : a.end]) for a in document.spans] == [
        (21, 25, "test")
    ]


def test_old_utf16_exports_convert_to_code_points(tmp_path):
    text = "💩This is an annotation."  # Label Studio issue #1347: 13-23 in UTF-16
    path = _file(tmp_path / "old.json", [_task(text, [_region(13, 23, "annotation", ["A"])])])
    with pytest.raises(FormatError, match="region r1: value.text 'annotation' is not the text"):
        read_all(path)
    [document] = read_all(path, offsets="utf-16")
    assert [(a.start, a.end) for a in document.spans] == [(12, 22)]
    split = _file(tmp_path / "split.json", [_task(text, [_region(1, 5, None, ["A"])])])
    with pytest.raises(FormatError, match="region r1 offset 1 splits a character in UTF-16"):
        read_all(split, offsets="utf-16")


@pytest.mark.parametrize(
    ("text", "region_text"),
    [
        ("Warning:\n🐱 This is a test", "Warning:\\n🐱 This is a test"),
        ("Warning:\r\nThis", "Warning:\\n\\nThis"),
        ("two  spaces", "two spaces"),
    ],
    ids=["escaped-lf", "escaped-crlf", "collapsed-spaces"],
)
def test_region_text_as_the_browser_gives_it_is_accepted(tmp_path, text, region_text):
    path = _file(tmp_path / "nl.json", [_task(text, [_region(0, len(text), region_text, ["X"])])])
    [document] = read_all(path)
    assert _spans(document.spans) == Counter({(0, len(text), "X"): 1})


@pytest.mark.parametrize(
    ("region", "message"),
    [
        (_region(0, 3, "Bob", ["P"]), r"region r1: value.text 'Bob' is not the text at 0-3"),
        (_region(0, 99, None, ["P"]), r"region r1 0-99 is not within the text \(length 11\)"),
        (_region(3, 3, None, ["P"]), r"region r1 3-3 is not within the text"),
        (_region(0, 3, None, []), r'region r1 needs a non-empty list of "labels"'),
        ({"id": "r1", "type": "labels", "value": "x"}, r'region r1 has no "value" object'),
        (_region("0", 3, None, ["P"]), r'region r1 needs integer "start" and "end"'),
    ],
    ids=["text-mismatch", "past-end", "empty", "no-labels", "no-value", "string-offset"],
)
def test_bad_regions_are_refused_naming_task_and_region(tmp_path, region, message):
    path = _file(tmp_path / "bad.json", [_task("Ana met Bo.", []), _task("Ana met Bo.", [region])])
    with pytest.raises(FormatError, match=rf"^{path}: task 2 \(id 5\): {message}"):
        read_all(path)


def test_files_that_are_not_task_lists_are_refused(tmp_path):
    latin = tmp_path / "latin.json"
    latin.write_bytes('[{"data": {"text": "caf\u00e9"}}]'.encode("latin-1"))
    with pytest.raises(FormatError, match=rf"^{latin}: not UTF-8"):
        read_all(latin)
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"data": \n', encoding="utf-8")
    with pytest.raises(FormatError, match=rf"^{broken}:3: not JSON"):
        read_all(broken)
    no_data = _file(tmp_path / "nodata.json", [{"data": {"text": "x"}}, {"text": "x"}])
    with pytest.raises(FormatError, match=r'task 2: expected an object with a "data" object'):
        read_all(no_data)
    many = _file(tmp_path / "many.json", [{"data": {"a": "x", "b": "y"}}])
    with pytest.raises(FormatError, match=r"cannot tell which data key holds the text"):
        read_all(many)


# ---------------------------------------------------------------------------------------------
# regions, annotators, predictions, relations


def test_each_label_of_a_region_is_one_annotation_and_writes_back_as_one_region(tmp_path):
    path = _file(
        tmp_path / "multi.json", [_task("Ana met Bo.", [_region(0, 3, "Ana", ["P", "NAME"])])]
    )
    [document] = read_all(path)
    assert [(a.label, a.ref) for a in document.spans] == [("P", "region r1"), ("NAME", "region r1")]
    out = tmp_path / "out.json"
    label_studio.write([document], out)
    [task] = json.loads(out.read_text(encoding="utf-8"))
    [region] = task["annotations"][0]["result"]
    assert region["id"] == "r1" and sorted(region["value"]["labels"]) == ["NAME", "P"]


def test_each_annotation_is_a_document_with_its_annotator(tmp_path):
    task = {
        "id": 9,
        "data": {"text": "Ana met Bo."},
        "annotations": [
            {"id": 1, "completed_by": 3, "result": [_region(0, 3, "Ana", ["P"])]},
            {"id": 2, "completed_by": {"id": 4, "email": "bo@example.org"}, "result": []},
            {"id": 3, "was_cancelled": True, "result": []},
        ],
        "predictions": [
            {"model_version": "v2", "score": 0.5, "result": [_region(8, 10, "Bo", ["P"], "p1")]}
        ],
    }
    path = _file(tmp_path / "multi.json", task)
    first, second, third = read_all(path)
    assert [d.annotator for d in (first, second, third)] == ["3", "bo@example.org", None]
    assert [d.status for d in (first, second, third)] == [None, None, "skipped"]
    assert [(a.label, a.score) for a in first.suggestions] == [("P", 0.5)]
    assert second.suggestions == [] and third.suggestions == []
    assert first.meta["label_studio"]["model_versions"] == ["v2"]


def test_relations_and_other_results_are_kept_and_relations_written_back(tmp_path):
    result = [
        _region(0, 3, "Ana", ["P"], "a"),
        _region(8, 10, "Bo", ["P"], "b"),
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": ["met"]},
        {"id": "c", "type": "choices", "value": {"choices": ["ok"]}, "from_name": "q"},
    ]
    path = _file(tmp_path / "rel.json", [_task("Ana met Bo.", result)])
    [document] = read_all(path)
    assert document.kept["relations"] == [
        {
            "from": "region a",
            "to": "region b",
            "direction": "right",
            "labels": ["met"],
            "source": "annotation",
        }
    ]
    assert document.kept["results"] == [result[3]]
    out = tmp_path / "out.json"
    label_studio.write([document], out)
    [again] = read_all(out)
    assert again.kept["relations"] == document.kept["relations"]


def test_the_text_key_comes_from_the_region_or_the_option(tmp_path):
    on_body = {**_region(0, 3, "Ana", ["P"]), "to_name": "body"}
    on_title = {**_region(0, 4, "Rome", ["GPE"], "r2"), "to_name": "title"}
    task = {
        "data": {"title": "Rome", "body": "Ana met Bo."},
        "annotations": [{"result": [on_body]}],
    }
    [document] = read_all(_file(tmp_path / "keys.json", task))
    assert (document.text, document.meta["label_studio"]["data_key"]) == ("Ana met Bo.", "body")
    task["annotations"][0]["result"].append(on_title)
    both = _file(tmp_path / "both.json", task)
    with pytest.raises(FormatError, match=r"regions are on several data keys \['body', 'title'\]"):
        read_all(both)
    [titled] = read_all(both, text_key="title")
    assert [(titled.text[a.start : a.end], a.label) for a in titled.spans] == [("Rome", "GPE")]
    assert titled.kept["results"] == [on_body]


# ---------------------------------------------------------------------------------------------
# writing and round trips


def _round_trip(documents: list[DocumentRecord], tmp_path: Path, **options) -> list[DocumentRecord]:
    """Write then read back with the same options."""
    out = tmp_path / "out.json"
    assert label_studio.write(documents, out, **options) == [out]
    return read_all(out, **options)


@pytest.mark.parametrize("path", [TASKS, ANNOTATED], ids=["predictions", "annotations"])
def test_label_studio_examples_round_trip(tmp_path, path):
    documents = read_all(path)
    again = _round_trip(documents, tmp_path)
    assert [d.text for d in again] == [d.text for d in documents]
    assert [_spans(d.spans) for d in again] == [_spans(d.spans) for d in documents]
    assert [_spans(d.suggestions) for d in again] == [_spans(d.suggestions) for d in documents]


@pytest.mark.parametrize("offsets", ["code-points", "utf-16"], ids=["code-points", "utf-16"])
def test_generated_unicode_document_round_trips(tmp_path, offsets):
    document = unicode_document(
        id="u1", annotator="alice", suggestions=[Annotation(0, 5, "X", score=0.25)]
    )
    [again] = _round_trip([document], tmp_path, offsets=offsets)
    assert again.text == UNICODE_TEXT
    assert _spans(again.spans) == _spans(document.spans)
    assert [(a.label, a.score) for a in again.suggestions] == [("X", 0.25)]
    assert (again.id, again.annotator) == ("u1", "alice")


def test_written_regions_are_in_label_studios_unit(tmp_path):
    out = tmp_path / "out.json"
    label_studio.write([unicode_document()], out)
    [task] = json.loads(out.read_text(encoding="utf-8"))
    assert task["data"] == {"text": UNICODE_TEXT}
    regions = task["annotations"][0]["result"]
    assert len(regions) == len(UNICODE_SPANS)
    for region in regions:
        value = region["value"]
        assert (region["from_name"], region["to_name"], region["type"]) == (
            "label",
            "text",
            "labels",
        )
        assert UNICODE_TEXT[value["start"] : value["end"]] == value["text"]  # code points
    label_studio.write([unicode_document()], out, offsets="utf-16")
    [task] = json.loads(out.read_text(encoding="utf-8"))
    ana = next(r["value"] for r in task["annotations"][0]["result"] if r["value"]["text"] == "Ana")
    assert (ana["start"], ana["end"]) == (
        UNICODE_TEXT.index("Ana") + 1,
        UNICODE_TEXT.index("Ana") + 4,
    )


# ---------------------------------------------------------------------------------------------
# sniff


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (TASKS, True),
        (ANNOTATED, True),
        (BROKEN, True),
        (FIXTURES / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl", False),
        (FIXTURES / "prodigy" / "annotated_reddit-PRODUCT-ner.first500.jsonl", False),
        (FIXTURES / "prodigy" / "ner_tweets_demo.jsonl", False),
        (FIXTURES / "doccano" / "export_examples" / "sequence_labeling" / "example.jsonl", False),
        (FIXTURES / "doccano" / "export_examples" / "relation_extraction" / "example.jsonl", False),
        (FIXTURES / "doccano" / "import_tests" / "relation_extraction" / "example.jsonl", False),
    ],
    ids=[
        "tasks",
        "annotation",
        "broken-is-still-label-studio",
        "prodigy-headlines",
        "prodigy-reddit",
        "prodigy-tweets",
        "doccano-sequence",
        "doccano-pretty-relations",
        "doccano-relations",
    ],
)
def test_sniff_recognises_label_studio_and_no_other_format(path, expected):
    assert label_studio.sniff(path) is expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (NATIVE_LINE, False),
        ('{"data": {"text": "a"}}\n{"data": {"text": "b"}}\n', False),
        ('  [ {"data": {"text": "a"}} ]', True),
        ("[]", False),
        ('{"text": "a"}', False),
        ("not json", False),
    ],
    ids=["native", "jsonl-of-tasks", "list", "empty-list", "no-data", "not-json"],
)
def test_sniff_reads_content_not_suffix(tmp_path, content, expected):
    path = tmp_path / "export.txt"
    path.write_text(content, encoding="utf-8")
    assert label_studio.sniff(path) is expected
    assert label_studio.sniff(tmp_path) is False


@pytest.mark.parametrize("shape", ["list", "object"], ids=["list", "object"])
def test_sniff_reads_past_its_head_for_a_large_first_task(tmp_path, shape):
    task = {"data": {"text": "\u00e9" * 700_000}}  # 1.4 MB, a character cut at 1 MiB
    path = _file(tmp_path / "big.json", [task] if shape == "list" else task)
    assert path.stat().st_size > 1024 * 1024
    assert label_studio.sniff(path) is True


def test_sniff_reads_past_the_head_only_when_the_first_task_is_longer(tmp_path):
    long_task = [{"data": {"text": "word " * 40_000}, "annotations": []}]
    big = tmp_path / "big.json"
    big.write_text(json.dumps(long_task), encoding="utf-8")
    assert big.stat().st_size > 65_536
    assert label_studio.sniff(big)
    corpus = tmp_path / "corpus.jsonl"
    line = json.dumps({"data": {"text": "x" * 500}}) + "\n"
    corpus.write_text(line * 400, encoding="utf-8")  # JSON objects, one per line: not one task
    assert corpus.stat().st_size > 65_536
    assert not label_studio.sniff(corpus)
