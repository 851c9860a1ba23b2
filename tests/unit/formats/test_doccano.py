"""Tests for annotator.formats.doccano: doccano's own examples and importer test files, offset
units, relations, the per-annotator export layout, round trips and sniffing."""

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from annotator.formats import doccano
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from tests.unit.formats.shared import FIXTURES
from tests.unit.formats.shared import NATIVE_LINE
from tests.unit.formats.shared import UNICODE_SPANS
from tests.unit.formats.shared import UNICODE_TEXT
from tests.unit.formats.shared import unicode_document


def read_all(path, **options) -> list[DocumentRecord]:
    """Every document doccano.read gives (it streams them)."""
    return list(doccano.read(path, **options))


DOCCANO = FIXTURES / "doccano"
EXPORT_SEQUENCE = DOCCANO / "export_examples" / "sequence_labeling" / "example.jsonl"
EXPORT_RELATIONS = DOCCANO / "export_examples" / "relation_extraction" / "example.jsonl"
EXPORT_CLASSES = DOCCANO / "export_examples" / "text_classification" / "example.jsonl"
IMPORT_SEQUENCE = DOCCANO / "import_examples" / "sequence_labeling" / "example.jsonl"
IMPORT_RELATIONS = DOCCANO / "import_examples" / "relation_extraction" / "example.jsonl"
TEST_MISSING_TEXT = DOCCANO / "import_tests" / "sequence_labeling" / "example.jsonl"
TEST_OVERLAPPING = DOCCANO / "import_tests" / "sequence_labeling" / "example_overlapping.jsonl"
TEST_RELATIONS = DOCCANO / "import_tests" / "relation_extraction" / "example.jsonl"
TEST_CLASSES = DOCCANO / "import_tests" / "text_classification" / "example.jsonl"
GOOGLE_SPANS = [
    ("Google", "ORG"),
    ("September 4, 1998", "DATE"),
    ("Larry Page", "PERSON"),
    ("Sergey Brin", "PERSON"),
]
GOOGLE_RELATIONS = [
    ("Google", "foundedAt", "September 4, 1998"),
    ("Google", "foundedBy", "Larry Page"),
    ("Google", "foundedBy", "Sergey Brin"),
]


def _spans(annotations: list[Annotation]) -> Counter:
    """The multiset of (start, end, label)."""
    return Counter((a.start, a.end, a.label) for a in annotations)


def _covered(document: DocumentRecord) -> list[tuple[str, str]]:
    """(text, label) of every span, in order."""
    return [(document.text[a.start : a.end], a.label) for a in document.spans]


def _relations(document: DocumentRecord) -> list[tuple[str, str, str]]:
    """(from text, type, to text) of every kept relation, through the span refs."""
    by_ref = {a.ref: document.text[a.start : a.end] for a in document.spans}
    return [(by_ref[r["from"]], r["type"], by_ref[r["to"]]) for r in document.kept["relations"]]


def _jsonl(path: Path, records: list[dict]) -> Path:
    """Write records as JSONL (non-ASCII as is) and return path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_text(lines, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# doccano's own files


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            EXPORT_SEQUENCE,
            [
                [("EU", "ORG"), ("German", "MISC")],
                [("Peter Blackburn", "PERSON")],
                [("Obama", "PERSON")],
            ],
        ),
        (TEST_OVERLAPPING, [[("e", "LOC")]]),
        (EXPORT_RELATIONS, [GOOGLE_SPANS]),
        (IMPORT_RELATIONS, [GOOGLE_SPANS]),
        (TEST_RELATIONS, [GOOGLE_SPANS]),
        (EXPORT_CLASSES, [[], [], []]),
    ],
    ids=[
        "export-sequence",
        "import-test-overlapping",
        "export-relations-pretty",
        "import-relations",
        "import-test-relations",
        "export-classification",
    ],
)
def test_doccano_files_read_with_their_spans(path, expected):
    documents = read_all(path)
    assert [_covered(d) for d in documents] == expected


def test_the_duplicated_identical_span_is_merged_into_one():
    record = json.loads(TEST_OVERLAPPING.read_text(encoding="utf-8"))
    assert record["label"] == [[0, 1, "LOC"], [0, 1, "LOC"]]
    [document] = read_all(TEST_OVERLAPPING)
    assert _spans(document.spans) == Counter({(0, 1, "LOC"): 1})
    assert document.meta == {"wikiPageID": 1}


def test_the_line_without_text_is_refused_with_its_line_number():
    with pytest.raises(FormatError, match=rf'^{TEST_MISSING_TEXT}:3: missing "text"') as error:
        read_all(TEST_MISSING_TEXT)
    assert error.value.line == 3


@pytest.mark.parametrize(
    "path", [EXPORT_RELATIONS, IMPORT_RELATIONS, TEST_RELATIONS], ids=["export", "import", "test"]
)
def test_relations_are_kept_with_span_refs(path):
    [document] = read_all(path)
    assert _relations(document) == GOOGLE_RELATIONS
    assert [a.ref for a in document.spans] == ["entity 0", "entity 1", "entity 2", "entity 3"]
    assert document.kept["relations"][0] == {
        "id": 0,
        "from": "entity 0",
        "to": "entity 1",
        "type": "foundedAt",
    }


def test_a_relation_to_a_merged_duplicate_points_at_the_kept_span(tmp_path):
    path = _jsonl(
        tmp_path / "dup.jsonl",
        [
            {
                "text": "Ana met Bo.",
                "entities": [
                    {"id": 7, "start_offset": 0, "end_offset": 3, "label": "P"},
                    {"id": 8, "start_offset": 0, "end_offset": 3, "label": "P"},
                    {"id": 9, "start_offset": 8, "end_offset": 10, "label": "P"},
                ],
                "relations": [{"id": 1, "from_id": 8, "to_id": 9, "type": "met"}],
            }
        ],
    )
    [document] = read_all(path)
    assert [a.ref for a in document.spans] == ["entity 7", "entity 9"]
    assert document.kept["relations"] == [
        {"id": 1, "from": "entity 7", "to": "entity 9", "type": "met"}
    ]


def test_import_dialog_columns_are_read_with_options():
    with pytest.raises(FormatError, match=r':1: missing "text"'):
        read_all(IMPORT_SEQUENCE)
    documents = read_all(IMPORT_SEQUENCE, column_data="column_data", column_label="column_label")
    assert [_covered(d) for d in documents] == [
        [("EU", "ORG")],
        [("Peter Blackburn", "PERSON")],
        [("Obama", "PERSON")],
    ]


def test_classification_labels_labels_key_meta_id_and_comments(tmp_path):
    documents = read_all(TEST_CLASSES)
    assert [d.kept.get("categories") for d in documents] == [
        ["positive"],
        ["positive", "negative"],
        None,
    ]
    path = _jsonl(
        tmp_path / "export.jsonl",
        [
            {
                "id": 12,
                "text": "Ana",
                "labels": [[0, 3, "P"]],
                "source": "wiki",
                "Comments": ["check"],
            }
        ],
    )
    [document] = read_all(path)
    assert (document.id, document.meta, document.kept["comments"]) == (
        "12",
        {"source": "wiki"},
        ["check"],
    )
    assert _covered(document) == [("Ana", "P")]


# ---------------------------------------------------------------------------------------------
# offset units


def _utf16(text: str, index: int) -> int:
    """The UTF-16 offset of a code point offset, computed independently."""
    return len(text[:index].encode("utf-16-le")) // 2


def test_offsets_are_utf16_by_default_as_doccanos_browser_counts_them(tmp_path):
    text = "Smile 😀 said Ana."
    start = text.index("Ana")
    path = _jsonl(
        tmp_path / "emoji.jsonl",
        [{"text": text, "label": [[_utf16(text, start), _utf16(text, start + 3), "PERSON"]]}],
    )
    [document] = read_all(path)
    assert _covered(document) == [("Ana", "PERSON")]
    [as_code_points] = read_all(path, offsets="code-points")
    assert _covered(as_code_points) == [("na.", "PERSON")]


def test_code_point_and_grapheme_offsets_are_read_with_options(tmp_path):
    text = "Family 👩\u200d👩\u200d👧 of Cafe\u0301 Bolivar"
    start = text.index("Cafe")
    clusters = 7 + 1 + 4  # "Family ", one family cluster, " of "
    path = _jsonl(
        tmp_path / "units.jsonl",
        [{"text": text, "label": [[clusters, clusters + 12, "ORG"]]}],
    )
    [graphemes] = read_all(path, offsets="graphemes")
    assert _covered(graphemes) == [("Cafe\u0301 Bolivar", "ORG")]
    path = _jsonl(tmp_path / "cp.jsonl", [{"text": text, "label": [[start, start + 13, "ORG"]]}])
    [code_points] = read_all(path, offsets="code-points")
    assert _covered(code_points) == [("Cafe\u0301 Bolivar", "ORG")]


@pytest.mark.parametrize(
    ("record", "options", "message"),
    [
        (
            {"text": "😀 x", "label": [[1, 3, "X"]]},
            {},
            r"span 0 offset 1 splits a character in utf-16",
        ),
        ({"text": "abc", "label": [[0, 9, "X"]]}, {}, r"span 0 offset 9 is outside the text"),
        ({"text": "abc", "label": [[2, 1, "X"]]}, {}, r"span 0 is empty or reversed \(2-1\)"),
        ({"text": "abc", "label": [[0, 1]]}, {}, r"label 0 is not \[start, end, label\]"),
        ({"text": "abc", "label": {"a": 1}}, {}, r'"label" must be a list'),
        (
            {"text": "abc", "entities": [{"id": 1, "start_offset": 0, "label": "X"}]},
            {},
            r"entity 0 needs integer start_offset/end_offset and a label",
        ),
        (
            {
                "text": "abc",
                "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "X"}],
                "relations": [{"from_id": 1, "to_id": 5, "type": "r"}],
            },
            {},
            r"relation 0 to_id 5 is not an entity id",
        ),
        ({"text": "abc", "meta": 3}, {}, r'"meta" must be an object'),
        ("just a string", {}, r"expected a JSON object, got str"),
    ],
    ids=[
        "splits-surrogate",
        "out-of-range",
        "reversed",
        "short-triple",
        "label-not-list",
        "entity-offsets",
        "relation-unknown-entity",
        "bad-meta",
        "not-object",
    ],
)
def test_bad_lines_are_refused_with_file_and_line(tmp_path, record, options, message):
    path = _jsonl(tmp_path / "bad.jsonl", [{"text": "fine", "label": []}, record])
    with pytest.raises(FormatError, match=rf"^{path}:2: {message}"):
        read_all(path, **options)


def test_not_utf8_and_not_json_are_refused(tmp_path):
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"text": "caf\u00e9", "label": []}\n'.encode("latin-1"))
    with pytest.raises(FormatError, match=rf"^{latin}: not UTF-8"):
        read_all(latin)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "a", "label": []}\n{"text": \n', encoding="utf-8")
    with pytest.raises(FormatError, match=rf"^{broken}:2: not JSON"):
        read_all(broken)
    with pytest.raises(ValueError, match="offsets must be one of"):
        doccano.SPEC.read(EXPORT_SEQUENCE, offsets="bytes")


# ---------------------------------------------------------------------------------------------
# per-annotator export layout


def _export_folder(folder: Path) -> Path:
    """doccano's per-annotator layout: one <username>.jsonl per project member."""
    lines = EXPORT_SEQUENCE.read_bytes()
    folder.mkdir()
    (folder / "alice.jsonl").write_bytes(lines)
    (folder / "bob.jsonl").write_bytes(lines.splitlines(keepends=True)[0])
    return folder


def _zip_folder(folder: Path, path: Path) -> Path:
    """Zip the files of folder flat, as doccano's exporter does."""
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, file.name)
    return path


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
def test_per_annotator_export_sets_the_annotator_from_the_file_name(tmp_path, packed):
    source = _export_folder(tmp_path / "export")
    if packed:
        source = _zip_folder(source, tmp_path / "export.zip")
    documents = read_all(source)
    assert [(d.annotator, d.text) for d in documents] == [
        ("alice", "EU rejects German call to boycott British lamb."),
        ("alice", "Peter Blackburn"),
        ("alice", "President Obama"),
        ("bob", "EU rejects German call to boycott British lamb."),
    ]
    member = "export.zip!bob.jsonl" if packed else "export/bob.jsonl"
    assert documents[-1].where == f"{tmp_path / member}:1"


def test_collaborative_all_jsonl_has_no_annotator(tmp_path):
    folder = tmp_path / "collab"
    folder.mkdir()
    (folder / "all.jsonl").write_bytes(EXPORT_SEQUENCE.read_bytes())
    zipped = _zip_folder(folder, tmp_path / "collab.zip")
    assert {d.annotator for d in read_all(zipped)} == {None}


def test_errors_in_a_zip_member_name_the_member(tmp_path):
    folder = tmp_path / "members"
    folder.mkdir()
    (folder / "carol.jsonl").write_bytes(TEST_MISSING_TEXT.read_bytes())
    zipped = _zip_folder(folder, tmp_path / "members.zip")
    with pytest.raises(FormatError, match=rf"^{zipped}!carol.jsonl:3: missing"):
        read_all(zipped)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FormatError, match="no .jsonl files"):
        read_all(empty)


# ---------------------------------------------------------------------------------------------
# writing and round trips


def _round_trip(documents: list[DocumentRecord], tmp_path: Path, **options) -> list[DocumentRecord]:
    """Write then read back with the same options."""
    out = tmp_path / "out.jsonl"
    reading = {k: v for k, v in options.items() if k == "offsets"}
    assert doccano.write(documents, out, **options) == [out]
    return read_all(out, **reading)


@pytest.mark.parametrize(
    "path",
    [EXPORT_SEQUENCE, TEST_OVERLAPPING, EXPORT_RELATIONS, TEST_RELATIONS, EXPORT_CLASSES],
    ids=["export-sequence", "overlapping", "export-relations", "test-relations", "classification"],
)
def test_doccano_files_round_trip(tmp_path, path):
    documents = read_all(path)
    again = _round_trip(documents, tmp_path)
    assert [d.text for d in again] == [d.text for d in documents]
    assert [_spans(d.spans) for d in again] == [_spans(d.spans) for d in documents]
    if path in (EXPORT_RELATIONS, TEST_RELATIONS):
        assert _relations(again[0]) == GOOGLE_RELATIONS


@pytest.mark.parametrize("offsets", ["utf-16", "code-points"], ids=["utf-16", "code-points"])
def test_generated_unicode_document_round_trips(tmp_path, offsets):
    document = unicode_document(id="u1", meta={"source": "generated"})
    [again] = _round_trip([document], tmp_path, offsets=offsets)
    assert again.text == UNICODE_TEXT
    assert _spans(again.spans) == _spans(document.spans)
    assert _covered(again) == [(text, label) for text, label in UNICODE_SPANS]
    assert (again.id, again.meta) == ("u1", {"source": "generated"})


def test_written_offsets_are_utf16_units_by_default(tmp_path):
    out = tmp_path / "out.jsonl"
    doccano.write([unicode_document()], out)
    record = json.loads(out.read_text(encoding="utf-8"))
    expected = [
        [_utf16(UNICODE_TEXT, a.start), _utf16(UNICODE_TEXT, a.end), a.label]
        for a in unicode_document().spans
    ]
    assert record == {"text": UNICODE_TEXT, "label": sorted(expected)}


def test_grapheme_round_trip_and_spans_inside_a_cluster_are_refused(tmp_path):
    text = "Cafe\u0301 👩\u200d👩\u200d👧 Bolivar"
    document = DocumentRecord(
        text=text, spans=[Annotation(text.index("Bolivar"), len(text), "ORG")]
    )
    [again] = _round_trip([document], tmp_path, offsets="graphemes")
    assert _covered(again) == [("Bolivar", "ORG")]
    inside = DocumentRecord(text=text, spans=[Annotation(0, 4, "X")], where="gen:1")
    with pytest.raises(FormatError, match="gen:1: offset 4 is inside a grapheme cluster"):
        doccano.write([inside], tmp_path / "bad.jsonl", offsets="graphemes")


def test_relation_form_is_written_when_documents_have_relations(tmp_path):
    [document] = read_all(TEST_RELATIONS)
    out = tmp_path / "rel.jsonl"
    doccano.write([document], out)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert set(record) == {"text", "entities", "relations"}
    assert record["entities"][0] == {"id": 0, "label": "ORG", "start_offset": 0, "end_offset": 6}
    assert record["relations"][2] == {"id": 2, "from_id": 0, "to_id": 3, "type": "foundedBy"}
    doccano.write([document], out, relations=False)
    assert set(json.loads(out.read_text(encoding="utf-8"))) == {"text", "label"}


def test_per_annotator_layout_round_trips(tmp_path):
    documents = [
        unicode_document(annotator="alice"),
        DocumentRecord(text="Rome", spans=[Annotation(0, 4, "GPE")], annotator="bob"),
        DocumentRecord(text="Oslo", spans=[Annotation(0, 4, "GPE")]),
    ]
    folder = tmp_path / "layout"
    written = doccano.write(documents, folder, per_annotator=True)
    assert [p.name for p in written] == ["alice.jsonl", "all.jsonl", "bob.jsonl"]
    again = read_all(folder)
    assert sorted((d.annotator or "", d.text) for d in again) == sorted(
        (d.annotator or "", d.text) for d in documents
    )
    with pytest.raises(FormatError, match="annotator '../x' cannot name a file"):
        doccano.write([DocumentRecord(text="x", annotator="../x")], folder, per_annotator=True)


# ---------------------------------------------------------------------------------------------
# sniff


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (EXPORT_SEQUENCE, True),
        (TEST_OVERLAPPING, True),
        (TEST_MISSING_TEXT, True),
        (EXPORT_RELATIONS, True),
        (IMPORT_RELATIONS, True),
        (TEST_RELATIONS, True),
        (TEST_CLASSES, False),
        (FIXTURES / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl", False),
        (FIXTURES / "prodigy" / "annotated_reddit-PRODUCT-ner.first500.jsonl", False),
        (FIXTURES / "prodigy" / "ner_tweets_demo.jsonl", False),
        (FIXTURES / "label_studio" / "named_entity" / "tasks.json", False),
        (FIXTURES / "label_studio" / "named_entity" / "annotations" / "1.json", False),
        (FIXTURES / "label_studio" / "rich_text_plain" / "annotations" / "1.json", False),
    ],
    ids=[
        "export-sequence",
        "overlapping",
        "missing-text",
        "export-relations-pretty",
        "import-relations",
        "test-relations",
        "classification",
        "prodigy-headlines",
        "prodigy-reddit",
        "prodigy-tweets",
        "ls-tasks",
        "ls-annotation",
        "ls-broken",
    ],
)
def test_sniff_recognises_doccano_and_no_other_format(path, expected):
    assert doccano.sniff(path) is expected


def test_sniff_reads_content_and_layouts(tmp_path):
    native = tmp_path / "native.jsonl"
    native.write_text(NATIVE_LINE, encoding="utf-8")
    assert doccano.sniff(native) is False
    renamed = tmp_path / "doccano.txt"
    renamed.write_bytes(EXPORT_SEQUENCE.read_bytes())
    assert doccano.sniff(renamed) is True
    folder = _export_folder(tmp_path / "export")
    assert doccano.sniff(folder) is True
    assert doccano.sniff(_zip_folder(folder, tmp_path / "export.zip")) is True
    assert doccano.sniff(tmp_path / "missing.jsonl") is False


def test_a_document_with_relations_late_in_the_stream_turns_every_line_to_the_relation_form(
    tmp_path,
):
    plain = DocumentRecord(text="Ana met Bo.", annotator="alice", spans=[Annotation(0, 3, "PER")])
    linked = DocumentRecord(
        text="Bo met Cy.",
        annotator="bob",
        spans=[Annotation(0, 2, "PER", ref="a"), Annotation(7, 9, "PER", ref="b")],
        kept={"relations": [{"from": "a", "to": "b", "type": "MET"}]},
    )
    written = doccano.write(iter([plain, linked]), tmp_path / "out", per_annotator=True)
    assert [path.name for path in written] == ["alice.jsonl", "bob.jsonl"]
    [alice] = [json.loads(line) for line in written[0].read_text().splitlines()]
    assert alice == {
        "text": "Ana met Bo.",
        "entities": [{"id": 0, "label": "PER", "start_offset": 0, "end_offset": 3}],
        "relations": [],
    }
    [bob] = [json.loads(line) for line in written[1].read_text().splitlines()]
    assert bob["relations"] == [{"id": 0, "from_id": 0, "to_id": 1, "type": "MET"}]
    assert not list(tmp_path.glob(".export-*"))  # the staging folder is gone
