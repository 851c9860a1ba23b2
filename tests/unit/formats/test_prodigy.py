"""Tests for annotator.formats.prodigy: real `db-out` exports, binary-annotation merging,
rejected answers, token checks, round trips and sniffing."""

import json
from collections import Counter
from pathlib import Path

import pytest

from annotator.formats import prodigy
from annotator.formats import prodigy_writer
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from tests.unit.formats.shared import FIXTURES
from tests.unit.formats.shared import NATIVE_LINE
from tests.unit.formats.shared import UNICODE_SPANS
from tests.unit.formats.shared import UNICODE_TEXT
from tests.unit.formats.shared import unicode_document

HEADLINES = FIXTURES / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"
REDDIT = FIXTURES / "prodigy" / "annotated_reddit-PRODUCT-ner.first500.jsonl"
TWEETS = FIXTURES / "prodigy" / "ner_tweets_demo.jsonl"


def _lines(path: Path) -> list[dict]:
    """The file's records, parsed independently of the module."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _jsonl(path: Path, records: list[dict]) -> Path:
    """Write records as JSONL and return path."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _spans(annotations: list[Annotation]) -> Counter:
    """The multiset of (start, end, label)."""
    return Counter((a.start, a.end, a.label) for a in annotations)


def _task(text: str, spans: list[tuple[int, int, str]], answer: str = "accept", **extra) -> dict:
    """A minimal Prodigy task."""
    task_spans = [{"start": s, "end": e, "label": label} for s, e, label in spans]
    return {"text": text, "spans": task_spans, "answer": answer, **extra}


# ---------------------------------------------------------------------------------------------
# the real samples


@pytest.mark.parametrize(
    ("path", "documents", "spans", "rejected", "without_spans"),
    [
        (HEADLINES, 373, 303, 0, 152),
        (REDDIT, 487, 90, 410, 398),
        (TWEETS, 1, 1, 0, 0),
    ],
    ids=["headlines", "reddit", "tweets"],
)
def test_samples_read_with_their_counts(path, documents, spans, rejected, without_spans):
    docs = list(prodigy.read(path))
    assert len(docs) == documents
    assert sum(len(d.spans) for d in docs) == spans
    assert sum(len(d.rejected) for d in docs) == rejected
    assert sum(not d.spans for d in docs) == without_spans


@pytest.mark.parametrize("path", [HEADLINES, REDDIT, TWEETS], ids=["headlines", "reddit", "tweets"])
def test_every_span_covers_the_files_own_span_text(path):
    records = _lines(path)
    checked = 0
    for document in prodigy.read(path):
        for span in document.spans + document.rejected:
            line, index = (int(part) for part in span.ref.removeprefix("line ").split(" span "))
            original = records[line - 1]["spans"][index]
            assert (span.start, span.end, span.label) == (
                original["start"],
                original["end"],
                original["label"],
            )
            if "text" in original:
                assert document.text[span.start : span.end] == original["text"]
                checked += 1
    assert checked > 0 or path == HEADLINES


def test_headline_spans_match_their_inclusive_tokens():
    for record in _lines(HEADLINES):
        for span in record.get("spans", []):
            tokens = record["tokens"]
            assert tokens[span["token_start"]]["start"] == span["start"]
            assert tokens[span["token_end"]]["end"] == span["end"]  # token_end is inclusive
    [document] = [d for d in prodigy.read(HEADLINES) if d.text.startswith("Uber\u2019s Lesson")]
    assert [(a.label, document.text[a.start : a.end]) for a in document.spans] == [
        ("ORG", "Uber"),
        ("LOCATION", "Silicon Valley"),
    ]


def test_the_36_headline_tasks_without_spans_are_documents_without_spans():
    lines = _lines(HEADLINES)
    no_key = {record["text"] for record in lines if "spans" not in record}
    assert len(no_key) == 36
    by_text = {d.text: d for d in prodigy.read(HEADLINES)}
    assert all(by_text[text].spans == [] for text in no_key)
    assert {d.meta["prodigy"]["tasks"][0]["answer"] for d in by_text.values()} == {
        "accept",
        "ignore",
    }


def test_reddit_repeated_texts_become_one_document_each():
    lines = _lines(REDDIT)
    repeated = [text for text, n in Counter(r["text"] for r in lines).items() if n > 1]
    documents = {d.text: d for d in prodigy.read(REDDIT)}
    assert len(repeated) == 10
    for text in repeated:
        tasks = documents[text].meta["prodigy"]["tasks"]
        assert len(tasks) == sum(r["text"] == text for r in lines)
        assert {t["_input_hash"] for t in tasks} == {
            r["_input_hash"] for r in lines if r["text"] == text
        }


def test_a_spans_own_answer_wins_over_its_tasks():
    # Line 8 of the sample: the task is rejected, its "i7" span was accepted.
    text = "Why the fuck would you go with an i5 for 200 when an i7 is 220?"
    [document] = [d for d in prodigy.read(REDDIT) if d.text == text]
    assert [document.text[a.start : a.end] for a in document.spans] == ["i7"]
    assert [document.text[a.start : a.end] for a in document.rejected] == ["220"]


# ---------------------------------------------------------------------------------------------
# binary annotation, answers


def test_binary_annotation_of_one_text_merges_into_one_document(tmp_path):
    text = "Apple hired Tim Cook in Cupertino."
    path = _jsonl(
        tmp_path / "binary.jsonl",
        [
            _task(text, [(0, 5, "ORG")], _input_hash=1, _task_hash=10),
            _task("Another text.", [], _input_hash=2, _task_hash=20),
            _task(text, [(12, 20, "PERSON")], _input_hash=1, _task_hash=11),
            _task(text, [(0, 5, "ORG")], _input_hash=1, _task_hash=10),
        ],
    )
    first, second = prodigy.read(path)
    assert first.text == text and second.text == "Another text."
    assert _spans(first.spans) == Counter({(0, 5, "ORG"): 1, (12, 20, "PERSON"): 1})
    assert [t["line"] for t in first.meta["prodigy"]["tasks"]] == [1, 3, 4]
    assert [t["_task_hash"] for t in first.meta["prodigy"]["tasks"]] == [10, 11, 10]
    assert first.where == f"{path}:1"
    assert first.spans[1].ref == "line 3 span 0"


@pytest.mark.parametrize(
    ("rejected", "expected"),
    [("keep", Counter({(0, 5, "ORG"): 1, (12, 20, "ORG"): 1})), ("drop", Counter())],
    ids=["keep", "drop"],
)
def test_rejected_and_ignored_spans_are_kept_apart_or_dropped(tmp_path, rejected, expected):
    text = "Apple hired Tim Cook in Cupertino."
    path = _jsonl(
        tmp_path / "answers.jsonl",
        [
            _task(text, [(24, 33, "GPE")]),
            _task(text, [(0, 5, "ORG")], "reject"),
            _task(text, [(12, 20, "ORG")], "ignore"),
            _task(text, [(0, 5, "ORG")], "reject"),
        ],
    )
    [document] = prodigy.read(path, rejected=rejected)
    assert _spans(document.spans) == Counter({(24, 33, "GPE"): 1})
    assert _spans(document.rejected) == expected
    assert document.meta["prodigy"]["span_answers"] == {
        "line 2 span 0": "reject",
        "line 3 span 0": "ignore",
        "line 4 span 0": "reject",
    }


def test_a_task_without_answer_counts_as_accepted(tmp_path):
    path = _jsonl(
        tmp_path / "raw.jsonl",
        [{"text": "Rome", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "tokens": []}],
    )
    [document] = prodigy.read(path)
    assert _spans(document.spans) == Counter({(0, 4, "GPE"): 1})


def test_documents_are_split_by_annotator_id(tmp_path):
    path = _jsonl(
        tmp_path / "multi.jsonl",
        [
            _task("Rome", [(0, 4, "GPE")], _annotator_id="news-alice"),
            _task("Rome", [(0, 4, "LOC")], _annotator_id="news-bob"),
        ],
    )
    alice, bob = prodigy.read(path)
    assert (alice.annotator, bob.annotator) == ("news-alice", "news-bob")
    assert [a.label for a in alice.spans] == ["GPE"] and [a.label for a in bob.spans] == ["LOC"]


def test_unknown_option_and_bad_rejected_value_are_refused():
    with pytest.raises(ValueError, match="rejected must be one of"):
        prodigy.SPEC.read(TWEETS, rejected="maybe")
    with pytest.raises(TypeError, match="unknown option"):
        prodigy.SPEC.read(TWEETS, colour="red")


# ---------------------------------------------------------------------------------------------
# errors


def _tokens(text: str) -> list[dict]:
    """Whitespace tokens with offsets, as Prodigy would give them."""
    tokens, start = [], 0
    for index, word in enumerate(text.split(" ")):
        tokens.append({"text": word, "start": start, "end": start + len(word), "id": index})
        start += len(word) + 1
    return tokens


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            {
                "text": "Tim Cook spoke",
                "tokens": _tokens("Tim Cook spoke"),
                "spans": [
                    {"start": 0, "end": 8, "token_start": 0, "token_end": 0, "label": "PERSON"}
                ],
            },
            r"span 0 0-8 disagrees with its tokens 0-0 \(0-3\)",
        ),
        (
            {
                "text": "Tim Cook spoke",
                "tokens": _tokens("Tim Cook spoke"),
                "spans": [
                    {"start": 0, "end": 8, "token_start": 0, "token_end": 7, "label": "PERSON"}
                ],
            },
            r"span 0 token_start/token_end 0-7 are not tokens of the task \(3 tokens\)",
        ),
        (
            {"text": "Tim Cook", "tokens": [{"text": "Tom", "start": 0, "end": 3, "id": 0}]},
            r"token 0 text 'Tom' is not the text at 0-3 \('Tim'\)",
        ),
        (
            {"text": "Tim Cook", "spans": [{"start": 0, "end": 3, "text": "Tom", "label": "P"}]},
            r"span 0 text 'Tom' is not the text at 0-3 \('Tim'\)",
        ),
        (
            {"text": "Tim", "spans": [{"start": 0, "end": 9, "label": "PERSON"}]},
            r"span 0 0-9 is not within the text \(length 3\)",
        ),
        ({"text": "Tim", "spans": [{"start": 0, "end": 3}]}, r'span 0 needs a "label"'),
        ({"text": "Tim", "answer": "maybe"}, r"task answer 'maybe' is not one of"),
        ({"spans": []}, r'missing "text" \(a string\)'),
        ({"text": "Tim", "meta": []}, r'"meta" must be an object'),
    ],
    ids=[
        "span-disagrees-with-tokens",
        "token-out-of-range",
        "token-text",
        "span-text",
        "span-out-of-range",
        "no-label",
        "bad-answer",
        "no-text",
        "bad-meta",
    ],
)
def test_bad_tasks_are_refused_with_file_and_line(tmp_path, record, message):
    path = _jsonl(tmp_path / "bad.jsonl", [{"text": "fine", "answer": "accept"}, record])
    with pytest.raises(FormatError, match=rf"^{path}:2: {message}") as error:
        list(prodigy.read(path))
    assert error.value.line == 2


def test_not_json_is_refused_with_its_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"text": "ok", "answer": "accept"}\n\n{"text": \n', encoding="utf-8")
    with pytest.raises(FormatError, match=rf"^{path}:3: not JSON"):
        list(prodigy.read(path))


def test_not_utf8_is_refused_naming_the_file_and_a_bom_is_dropped(tmp_path):
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"text": "caf\u00e9"}\n'.encode("latin-1"))
    with pytest.raises(FormatError, match=rf"^{latin}: not UTF-8 \(byte 0xe9"):
        list(prodigy.read(latin))
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b'\xef\xbb\xbf{"text": "Rome", "answer": "accept"}\r\n')
    assert [d.text for d in prodigy.read(bom)] == ["Rome"]


# ---------------------------------------------------------------------------------------------
# writing and round trips


def _round_trip(documents: list[DocumentRecord], tmp_path: Path) -> list[DocumentRecord]:
    """Write then read back."""
    out = tmp_path / "out.jsonl"
    assert prodigy_writer.write(documents, out) == [out]
    return list(prodigy.read(out))


@pytest.mark.parametrize("path", [HEADLINES, REDDIT, TWEETS], ids=["headlines", "reddit", "tweets"])
def test_samples_round_trip(tmp_path, path):
    documents = list(prodigy.read(path))
    again = _round_trip(documents, tmp_path)
    assert [d.text for d in again] == [d.text for d in documents]
    assert [_spans(d.spans) for d in again] == [_spans(d.spans) for d in documents]


def test_generated_unicode_document_round_trips(tmp_path):
    document = unicode_document(id="unicode", meta={"source": "generated"})
    [again] = _round_trip([document], tmp_path)
    assert again.text == UNICODE_TEXT
    assert _spans(again.spans) == _spans(document.spans)
    assert [again.text[a.start : a.end] for a in again.spans] == [c for c, _ in UNICODE_SPANS]
    assert again.id == "unicode" and again.meta["source"] == "generated"


def test_written_tasks_have_tokens_inclusive_token_ends_and_accept(tmp_path):
    out = tmp_path / "out.jsonl"
    prodigy_writer.write([unicode_document(id="unicode", meta={"source": "generated"})], out)
    [task] = _lines(out)
    assert task["answer"] == "accept"
    for index, token in enumerate(task["tokens"]):
        assert token["id"] == index
        assert token["text"] == UNICODE_TEXT[token["start"] : token["end"]]
        assert set(token) == {"text", "start", "end", "id", "ws"}
    for span in task["spans"]:
        assert task["tokens"][span["token_start"]]["start"] == span["start"]
        assert task["tokens"][span["token_end"]]["end"] == span["end"]
        assert span["text"] == UNICODE_TEXT[span["start"] : span["end"]]
    assert out.read_bytes().count(b"\n") == 1


def test_written_input_hash_is_prodigys_for_the_reddit_sample(tmp_path):
    originals = {r["text"]: r["_input_hash"] for r in _lines(REDDIT)}
    out = tmp_path / "out.jsonl"
    prodigy_writer.write(prodigy.read(REDDIT), out)
    written = _lines(out)
    assert all(task["_input_hash"] == originals[task["text"]] for task in written)


def test_task_hash_is_stable_and_depends_on_the_spans(tmp_path):
    one, two, three = (tmp_path / name for name in ("1.jsonl", "2.jsonl", "3.jsonl"))
    document = DocumentRecord(text="Rome is old.", spans=[Annotation(0, 4, "GPE")])
    prodigy_writer.write([document], one)
    prodigy_writer.write([document], two)
    prodigy_writer.write(
        [DocumentRecord(text="Rome is old.", spans=[Annotation(0, 4, "LOC")])], three
    )
    hashes = [_lines(path)[0]["_task_hash"] for path in (one, two, three)]
    assert hashes[0] == hashes[1] != hashes[2]
    assert all(-(2**31) <= h < 2**31 for h in hashes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0), ("hello", 613153351), ("The quick brown fox jumps over the lazy dog", 776992547)],
    ids=["empty", "hello", "fox"],
)
def test_murmurhash3_32_matches_the_reference(text, expected):
    assert prodigy_writer.murmurhash3_32(text) == expected


def test_spans_that_cannot_map_to_tokens_are_refused(tmp_path):
    document = DocumentRecord(text="Rome is old.", spans=[Annotation(4, 7, "X")], where="x.jsonl:1")
    with pytest.raises(FormatError, match=r"x.jsonl:1: span 4-7 X \(' is'\) starts or ends inside"):
        prodigy_writer.write([document], tmp_path / "out.jsonl")
    broken = Annotation(0, 12, "X", fragments=((0, 4), (8, 12)), ref="T1")
    with pytest.raises(FormatError, match="discontinuous span T1"):
        prodigy_writer.write(
            [DocumentRecord(text="Rome is old.", spans=[broken])], tmp_path / "out.jsonl"
        )


# ---------------------------------------------------------------------------------------------
# sniff


SNIFF_CASES = [
    (HEADLINES, True),
    (REDDIT, True),
    (TWEETS, True),
    (FIXTURES / "doccano" / "export_examples" / "sequence_labeling" / "example.jsonl", False),
    (FIXTURES / "doccano" / "import_tests" / "relation_extraction" / "example.jsonl", False),
    (FIXTURES / "doccano" / "import_tests" / "sequence_labeling" / "example.jsonl", False),
    (FIXTURES / "doccano" / "export_examples" / "relation_extraction" / "example.jsonl", False),
    (FIXTURES / "label_studio" / "named_entity" / "tasks.json", False),
    (FIXTURES / "label_studio" / "named_entity" / "annotations" / "1.json", False),
    (FIXTURES / "label_studio" / "rich_text_plain" / "annotations" / "1.json", False),
]


@pytest.mark.parametrize(
    ("path", "expected"),
    SNIFF_CASES,
    ids=[
        "headlines",
        "reddit",
        "tweets",
        "doccano-sequence",
        "doccano-relations",
        "doccano-missing-text",
        "doccano-pretty",
        "ls-tasks",
        "ls-annotation",
        "ls-broken",
    ],
)
def test_sniff_recognises_prodigy_and_no_other_format(path, expected):
    assert prodigy.sniff(path) is expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (NATIVE_LINE, False),
        ('{"text": "x", "label": [[0, 1, "ORG"]]}\n', False),
        ('{"text": "x", "answer": "accept"}\n', True),
        (
            '{"text": "x", "spans": [{"start": 0, "end": 1, "token_start": 0, "token_end": 0, '
            '"label": "X"}]}\n',
            True,
        ),
        ("not json\n", False),
        (b"\xff\xfe".decode("latin-1"), False),
        ("", False),
    ],
    ids=["native", "doccano", "answer", "token-spans", "not-json", "not-utf8", "empty"],
)
def test_sniff_reads_content_not_suffix(tmp_path, content, expected):
    path = tmp_path / "data.txt"
    path.write_bytes(content.encode("latin-1" if content.startswith("\xff") else "utf-8"))
    assert prodigy.sniff(path) is expected
    assert prodigy.sniff(tmp_path) is False


def test_text_classification_labels_are_kept_with_their_answers(tmp_path):
    path = tmp_path / "textcat.jsonl"
    tasks = [
        {"text": "Great product.", "label": "POSITIVE", "answer": "accept"},
        {"text": "Terrible.", "label": "POSITIVE", "answer": "reject"},
        {"text": "Fine.", "options": [{"id": "A"}], "accept": ["A"], "answer": "accept"},
    ]
    path.write_text("".join(json.dumps(task) + "\n" for task in tasks))
    kept = [document.kept.get("categories") for document in prodigy.read(path)]
    assert kept == [
        [{"label": "POSITIVE", "answer": "accept"}],
        [{"label": "POSITIVE", "answer": "reject"}],
        [{"accept": ["A"], "answer": "accept"}],
    ]
