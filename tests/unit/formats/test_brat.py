"""Tests for annotator.formats.brat: brat's own tutorial files, generated edge cases, round
trips through folders and zips, and every reading error with its file and line."""

import zipfile
from collections import Counter
from pathlib import Path

import pytest

from annotator.config import DEFAULT_SCHEMA_PATH
from annotator.formats import brat
from annotator.formats import brat_writer
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.schema.toml_file import load_schema


def read_all(path, **options) -> list[DocumentRecord]:
    """Every document brat.read gives (it streams them)."""
    return list(brat.read(path, **options))


NEWS = Path(__file__).resolve().parents[2] / "fixtures" / "brat" / "brat_tutorial_news"
NEWS_IDS = ["000-introduction", "010-navigation", "100-attribute_annotation", "110-note_annotation"]

# Every kind of text the offsets must survive, with a span after each of them.
UNICODE_TEXT = (
    "Smile 😀 said Ana.\r\n"
    "Family 👩\u200d👩\u200d👧 of Caracas.\r\n"
    "Flag 🇻🇪 for Venezuela.\r\n"
    "Cafe\u0301 Bolivar opened.\r\n"
    "Last line without CRLF"
)


def _write(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (name -> text or bytes) into folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def _zip(path: Path, folder: Path, prefix: str = "") -> Path:
    """Zip every file of folder into path, under prefix."""
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, prefix + file.relative_to(folder).as_posix())
    return path


def _spans(document: DocumentRecord) -> Counter:
    """The multiset of (start, end, label, fragments) of a document."""
    return Counter((a.start, a.end, a.label, a.fragments) for a in document.spans)


def _covered(text: str, span: Annotation) -> str:
    """The text of a span as its T-line has it: fragment texts joined by a space."""
    return " ".join(text[start:end] for start, end in span.fragments or [(span.start, span.end)])


def _t_lines(ann: Path) -> dict[str, tuple[str, str]]:
    """id -> (label, text) of every T-line of an .ann file, parsed independently."""
    result = {}
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            ident, head, text = line.split("\t", 2)
            result[ident] = (head.split(" ")[0], text)
    return result


def _by_id(documents: list[DocumentRecord]) -> dict[str, DocumentRecord]:
    """Documents by id."""
    return {document.id: document for document in documents}


def _generated() -> list[DocumentRecord]:
    """Documents with astral characters, ZWJ sequences, flags, combining accents and CRLF,
    spans on and after each of them, a discontinuous span and one across a line break."""
    text = UNICODE_TEXT
    spans = []
    for piece, label in [
        ("😀", "EMOJI"),
        ("Ana", "PERSON"),
        ("👩\u200d👩\u200d👧", "EMOJI"),
        ("Caracas", "GPE"),
        ("🇻🇪", "FLAG"),
        ("Venezuela", "GPE"),
        ("Cafe\u0301 Bolivar", "ORG"),
        ("Last", "WORD"),
    ]:
        start = text.index(piece)
        spans.append(Annotation(start, start + len(piece), label, ref=f"s{len(spans)}"))
    across = text.index("Ana.\r\nFamily")
    spans.append(Annotation(across, across + len("Ana.\r\nFamily"), "CROSS"))
    first, second = text.index("Flag"), text.index("Venezuela")
    fragments = ((first, first + 4), (second, second + 9))
    spans.append(Annotation(first, second + 9, "DISC", fragments=fragments, ref="d"))
    relation = {"id": "R1", "type": "Near", "args": [["Arg1", "s1"], ["Arg2", "d"]]}
    kept = {"relations": [relation], "notes": [{"id": "#1", "type": "N", "target": "R1"}]}
    kept["notes"][0]["note"] = "multi\nline"
    return [
        DocumentRecord(text=text, id="unicode", spans=spans, kept=kept),
        DocumentRecord(text="", id="empty"),
        DocumentRecord(text="no spans\r\n", id="plain"),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("folder", True),
        ("single_ann", True),
        ("zip_with_ann", True),
        ("txt_only_folder", False),
        ("zip_without_ann", False),
        ("not_a_zip", False),
        ("single_txt", False),
    ],
    ids=lambda value: str(value),
)
def test_sniff(tmp_path: Path, name: str, expected: bool) -> None:
    """sniff recognises folders, zips and single files holding .ann files, and nothing else."""
    txt_only = _write(tmp_path / "txt_only", {"a.txt": "x"})
    paths = {
        "folder": NEWS,
        "single_ann": NEWS / "000-introduction.ann",
        "zip_with_ann": _zip(tmp_path / "news.zip", NEWS, "news/"),
        "txt_only_folder": txt_only,
        "zip_without_ann": _zip(tmp_path / "txt.zip", txt_only),
        "not_a_zip": _write(tmp_path, {"fake.zip": "not a zip"}) / "fake.zip",
        "single_txt": NEWS / "000-introduction.txt",
    }
    assert brat.sniff(paths[name]) is expected


def test_reads_the_tutorial_documents_in_name_order() -> None:
    """Every .ann with its .txt, in name order, with the T-line counts of each file."""
    documents = read_all(NEWS, skip_unsupported=True)
    assert [d.id for d in documents] == NEWS_IDS
    assert [len(d.spans) for d in documents] == [7, 0, 26, 14]
    assert all(d.where.endswith(f"{d.id}.ann") for d in documents)
    for document in documents:
        assert document.text == (NEWS / f"{document.id}.txt").read_bytes().decode("utf-8")


@pytest.mark.parametrize("doc_id", NEWS_IDS)
def test_every_span_matches_its_t_line(doc_id: str) -> None:
    """text[start:end] of every span is the text its T-line gives, with its label and ref."""
    document = _by_id(read_all(NEWS, skip_unsupported=True))[doc_id]
    t_lines = _t_lines(NEWS / f"{doc_id}.ann")
    assert {span.ref for span in document.spans} == set(t_lines)
    for span in document.spans:
        assert (span.label, document.text[span.start : span.end]) == t_lines[span.ref]
        assert span.layer == "entity"
        assert span.fragments is None


@pytest.mark.parametrize(
    ("doc_id", "counts"),
    [
        ("000-introduction", {"relations": 2, "attributes": 5, "notes": 1, "unsupported": 2}),
        ("010-navigation", {}),
        ("100-attribute_annotation", {"attributes": 6, "unsupported": 10}),
        ("110-note_annotation", {"relations": 2, "notes": 3, "unsupported": 2}),
    ],
    ids=NEWS_IDS,
)
def test_kept_relations_attributes_notes_and_unsupported(doc_id: str, counts: dict) -> None:
    """R, A and # lines are kept parsed; E and N lines verbatim under skip_unsupported."""
    document = _by_id(read_all(NEWS, skip_unsupported=True))[doc_id]
    assert {section: len(entries) for section, entries in document.kept.items()} == counts


def test_kept_entries_have_the_verbatim_line_and_parsed_fields() -> None:
    """Each kept entry has its line number, the line as it was, and its fields."""
    kept = _by_id(read_all(NEWS, skip_unsupported=True))["000-introduction"].kept
    assert kept["relations"][0] == {
        "line": 9,
        "text": "R2\tOrigin Arg1:T6 Arg2:T7\t",
        "id": "R2",
        "type": "Origin",
        "args": [["Arg1", "T6"], ["Arg2", "T7"]],
    }
    mention, individual = kept["attributes"][:2]
    assert (mention["type"], mention["target"], mention["value"]) == ("Mention", "T4", "Name")
    assert (individual["type"], individual["target"], individual["value"]) == (
        "Individual",
        "T4",
        None,
    )
    note = kept["notes"][0]
    assert (note["id"], note["type"], note["target"], note["note"]) == (
        "#1",
        "AnnotatorNotes",
        "T2",
        "100000000 USD",
    )
    assert kept["unsupported"] == [
        {
            "line": 4,
            "text": "E1\tTransfer-money:T3 Giver-Arg:T1 Money-Arg:T2 "
            "Beneficiary-Arg:T4 Recipient-Arg:T6",
        },
        {"line": 17, "text": "N1\tReference T5 Wikipedia:64488\tCarlos Salinas de Gortari"},
    ]


def test_the_empty_ann_gives_a_document_without_spans() -> None:
    """010-navigation.ann is empty: its document has its text and nothing else."""
    (document,) = read_all(NEWS / "010-navigation.ann")
    assert document.id == "010-navigation"
    assert document.text.startswith("In brat, documents are organized into COLLECTIONS")
    assert (document.spans, document.kept) == ([], {})


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("000-introduction.ann", 4),
        ("100-attribute_annotation.ann", 18),
        ("110-note_annotation.ann", 7),
    ],
    ids=["introduction", "attributes", "notes"],
)
def test_events_are_refused_by_default_with_file_and_line(name: str, line: int) -> None:
    """Without skip_unsupported an E-line is an error naming the file, line and line type."""
    with pytest.raises(FormatError) as caught:
        read_all(NEWS / name)
    assert f"{name}:{line}: E-lines (events) cannot be represented" in str(caught.value)
    assert "--skip-unsupported" in str(caught.value)
    assert (Path(caught.value.path).name, caught.value.line) == (name, line)


def test_reading_the_folder_stops_at_the_first_unsupported_line() -> None:
    """The folder read fails on the first file with an event, named with its line."""
    with pytest.raises(FormatError, match=r"000-introduction\.ann:4: E-lines"):
        read_all(NEWS)


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("N1\tReference T1 Wikipedia:123\tBank", "N-lines (normalisations)"),
        ("*\tAlias T1 T2", "*-lines (equivalences)"),
        ("X1\tWhatever T1", "'X'-lines (unknown type)"),
    ],
    ids=["normalisation", "equivalence", "unknown"],
)
def test_other_unsupported_lines(tmp_path: Path, line: str, phrase: str) -> None:
    """N, * and unknown lines are refused naming file:line and kept verbatim when skipped."""
    ann = "T1\tORG 0 4\tBank\nT2\tORG 8 12\tBank\n" + line + "\n"
    folder = _write(tmp_path, {"doc.txt": "Bank or Bank", "doc.ann": ann})
    with pytest.raises(FormatError) as caught:
        read_all(folder)
    assert f"doc.ann:3: {phrase} cannot be represented" in str(caught.value)
    (document,) = read_all(folder, skip_unsupported=True)
    assert document.kept == {"unsupported": [{"line": 3, "text": line}]}
    assert len(document.spans) == 2


def test_discontinuous_span_is_one_annotation_with_fragments(tmp_path: Path) -> None:
    """`T1 ORG 0 4;14 27` is one span from 0 to 27 keeping both fragments, in a round trip."""
    text = "Bank of North America"
    ann = "T1\tORG 0 4;8 13\tBank North\nT2\tGPE 8 21\tNorth America\n"
    folder = _write(tmp_path / "in", {"disc.txt": text, "disc.ann": ann})
    (document,) = read_all(folder)
    disc = next(span for span in document.spans if span.ref == "T1")
    assert (disc.start, disc.end, disc.fragments) == (0, 13, ((0, 4), (8, 13)))
    assert _covered(text, disc) == "Bank North"
    brat.write([document], tmp_path / "out")
    written = (tmp_path / "out" / "disc.ann").read_text(encoding="utf-8")
    assert written.splitlines()[0] == "T1\tORG 0 4;8 13\tBank North"
    assert _spans(read_all(tmp_path / "out")[0]) == _spans(document)


@pytest.mark.parametrize("suffix", ["", ".zip"], ids=["folder", "zip"])
def test_round_trip_of_the_tutorial(tmp_path: Path, suffix: str) -> None:
    """write(read(x)) read again: byte-exact texts and the same spans, folder or zip."""
    documents = read_all(NEWS, skip_unsupported=True)
    out = tmp_path / f"out{suffix}"
    written = brat.write(documents, out, schema=load_schema(DEFAULT_SCHEMA_PATH))
    again = read_all(out)  # nothing unsupported was written
    assert [d.id for d in again] == NEWS_IDS
    for before, after in zip(documents, again, strict=True):
        assert after.text == before.text
        assert _spans(after) == _spans(before)
    if suffix:
        assert written == [out]
        with zipfile.ZipFile(out) as archive:
            assert (
                archive.read("000-introduction.txt") == (NEWS / "000-introduction.txt").read_bytes()
            )
    else:
        assert len(written) == 2 * len(NEWS_IDS) + 1 and all(p.is_file() for p in written)
        for doc_id in NEWS_IDS:
            assert (out / f"{doc_id}.txt").read_bytes() == (NEWS / f"{doc_id}.txt").read_bytes()


def test_round_trip_keeps_relations_attributes_and_notes_renumbered(tmp_path: Path) -> None:
    """Kept lines are written with the new T ids; those referring to events are dropped."""
    documents = read_all(NEWS, skip_unsupported=True)
    brat.write(documents, tmp_path)
    again = _by_id(read_all(tmp_path))
    intro = again["000-introduction"]
    spans = {span.ref: intro.text[span.start : span.end] for span in intro.spans}
    assert {k: len(v) for k, v in intro.kept.items()} == {
        "relations": 2,
        "attributes": 4,
        "notes": 1,
    }
    assert spans[intro.kept["notes"][0]["target"]] == "$100 million"  # was T2, is now T3
    origin = next(r for r in intro.kept["relations"] if r["type"] == "Origin")
    assert [spans[ref] for _, ref in origin["args"]] == ["banks", "Switzerland"]
    notes = again["110-note_annotation"].kept["notes"]
    assert [note["note"] for note in notes] == [
        "Should fictional places be annotated?",
        "Should this be marked? It's not explicitly stated.",
    ]
    relation_ids = {r["id"] for r in again["110-note_annotation"].kept["relations"]}
    assert notes[1]["target"] in relation_ids
    assert "unsupported" not in again["100-attribute_annotation"].kept


@pytest.mark.parametrize("suffix", ["", ".zip"], ids=["folder", "zip"])
def test_round_trip_of_unicode_and_crlf(tmp_path: Path, suffix: str) -> None:
    """Emoji, ZWJ sequences, flags, combining accents and CRLF survive byte-exact with spans
    on and after each of them, a discontinuous span and one across a line break."""
    documents = _generated()
    out = tmp_path / f"out{suffix}"
    brat.write(documents, out)
    again = _by_id(read_all(out))
    assert set(again) == {"unicode", "empty", "plain"}
    for document in documents:
        assert again[document.id].text == document.text
        assert _spans(again[document.id]) == _spans(document)
    unicode = again["unicode"]
    (relation,) = unicode.kept["relations"]
    labels = {span.ref: span.label for span in unicode.spans}
    assert [labels[ref] for _, ref in relation["args"]] == ["PERSON", "DISC"]
    assert unicode.kept["notes"][0]["note"] == "multi line"
    assert unicode.kept["notes"][0]["target"] == relation["id"]


def test_written_files_are_byte_exact_and_spans_use_code_points(tmp_path: Path) -> None:
    """The .txt is the text's UTF-8 bytes (CRLF kept); T-line offsets count code points."""
    (document, *_) = _generated()
    brat.write([document], tmp_path)
    assert (tmp_path / "unicode.txt").read_bytes() == UNICODE_TEXT.encode("utf-8")
    lines = (tmp_path / "unicode.ann").read_bytes().decode("utf-8").split("\n")
    start = UNICODE_TEXT.index("Caracas")
    assert f"T5\tGPE {start} {start + 7}\tCaracas" in lines
    assert any(line.endswith("\tAna.  Family") for line in lines)  # CR and LF as spaces


def test_zip_output_is_deterministic(tmp_path: Path) -> None:
    """Writing the same documents twice gives the same zip bytes."""
    first = brat.write(_generated(), tmp_path / "a.zip")[0].read_bytes()
    assert brat.write(_generated(), tmp_path / "b.zip")[0].read_bytes() == first


def test_reads_a_zip_without_extracting_it(tmp_path: Path) -> None:
    """A zip of the tutorial folder (in a subfolder) reads like the folder itself."""
    archive = _zip(tmp_path / "news.zip", NEWS, "news/")
    from_zip = read_all(archive, skip_unsupported=True)
    from_folder = read_all(NEWS, skip_unsupported=True)
    assert [(d.id, d.text, _spans(d), d.kept) for d in from_zip] == [
        (d.id, d.text, _spans(d), d.kept) for d in from_folder
    ]
    assert from_zip[0].where == str(archive / "news" / "000-introduction.ann")
    assert not list(tmp_path.glob("news/*"))


def test_folder_recursion_and_txt_without_ann(tmp_path: Path) -> None:
    """Subfolders are read in path order; a .txt without .ann is a document with no spans."""
    folder = _write(
        tmp_path,
        {"b/one.txt": "One", "b/one.ann": "T1\tX 0 3\tOne\n", "a/two.txt": "Two", "c.conf": "x"},
    )
    documents = read_all(folder)
    assert [(d.id, len(d.spans)) for d in documents] == [("two", 0), ("one", 1)]
    assert documents[0].where.endswith("two.txt")


def test_bom_is_dropped_and_offsets_counting_it_are_converted(tmp_path: Path) -> None:
    """A leading BOM is not part of the text; offsets counting it (as brat does) still fit."""
    bom = "\ufeff".encode()
    folder = _write(
        tmp_path,
        {
            "ours.txt": bom + b"Hello Bob",
            "ours.ann": "T1\tPERSON 6 9\tBob\n",
            "brats.txt": bom + b"Hello Bob",
            "brats.ann": "T1\tPERSON 7 10\tBob\n",
        },
    )
    for document in read_all(folder):
        assert document.text == "Hello Bob"
        assert _spans(document) == Counter({(6, 9, "PERSON", None): 1})


def test_offsets_counting_crlf_as_one_are_converted(tmp_path: Path) -> None:
    """brat counts CRLF as one character (nlplab/brat#853): such files read right, too."""
    text = "Line one\r\nBob and Ann\r\n"
    brat_style = "T1\tPERSON 9 12\tBob\nT2\tPERSON 17 20\tAnn\nT3\tX 5 12;17 20\tone Bob Ann\n"
    folder = _write(tmp_path, {"doc.txt": text, "doc.ann": brat_style})
    (document,) = read_all(folder)
    assert document.text == text
    assert [_covered(text, span) for span in document.spans] == ["Bob", "Ann", "one\r\nBob Ann"]
    assert document.spans[2].fragments == ((5, 13), (18, 21))


@pytest.mark.parametrize(
    ("files", "file", "line", "phrase"),
    [
        ({"a.ann": "T1\tX 0 1\tx\n"}, "a.ann", None, "no text file: a.txt is missing"),
        ({"a.txt": "abc", "a.ann": "T1\tX 0 1\ta\nT2\tX 0 b\tab\n"}, "a.ann", 2, "bad offsets"),
        ({"a.txt": "abc", "a.ann": "T1\tX 2 1\tx\n"}, "a.ann", 1, "bad offsets 2 1"),
        ({"a.txt": "abc", "a.ann": "T1\tX 0 2;1 3\tab bc\n"}, "a.ann", 1, "not overlap"),
        ({"a.txt": "abc", "a.ann": "\nT1\tX 1 9\tbc\n"}, "a.ann", 2, "out of range"),
        ({"a.txt": "abc", "a.ann": "T1\tX 0 2\tabc\n"}, "a.ann", 1, "does not match"),
        ({"a.txt": "abc", "a.ann": "T1\tX 0 1;2 3\tac\n"}, "a.ann", 1, "'ac' does not match"),
        ({"a.txt": b"ab\xffc", "a.ann": ""}, "a.txt", None, "not UTF-8 (byte 0xff at position 2)"),
        ({"a.txt": "abc", "a.ann": b"T1\tX 0 1\t\xe9\n"}, "a.ann", None, "not UTF-8"),
        (
            {"a.txt": "ab", "a.ann": "T1\tX 0 1\ta\nR1\tR Arg1:T1 Arg2:T9\t\n"},
            "a.ann",
            2,
            "unknown id 'T9'",
        ),
        ({"a.txt": "ab", "a.ann": "T1\tX 0 1\ta\nA1\tNeg T7\n"}, "a.ann", 2, "unknown id 'T7'"),
        (
            {"a.txt": "ab", "a.ann": "T1\tX 0 1\ta\n#1\tNotes T3\tn\n"},
            "a.ann",
            2,
            "unknown id 'T3'",
        ),
        ({"a.txt": "ab", "a.ann": "T1 X 0 1 a\n"}, "a.ann", 1, "missing tab after the id"),
        ({"a.txt": "ab", "a.ann": "T1\tX 0 1\n"}, "a.ann", 1, "missing tab before the annotated"),
        ({"a.txt": "ab", "a.ann": "T1\tX 0 1\ta\nT1\tX 1 2\tb\n"}, "a.ann", 2, "defined twice"),
        (
            {"a.txt": "ab", "a.ann": "T1\tX 0 1\ta\nR1\tR Arg1:T1\t\n"},
            "a.ann",
            2,
            "malformed relation",
        ),
        ({"a.txt": "ab", "a.ann": "T1\tX 0 1\ta\nA1\tNeg\n"}, "a.ann", 2, "malformed attribute"),
        ({"a.txt": "ab", "a.ann": "T1\tX 0 1\ta\n#1\tNotes T1\n"}, "a.ann", 2, "malformed note"),
    ],
    ids=[
        "missing-txt",
        "bad-offsets",
        "reversed-offsets",
        "overlapping-fragments",
        "out-of-range",
        "text-mismatch",
        "fragment-text-mismatch",
        "txt-not-utf8",
        "ann-not-utf8",
        "unknown-relation-argument",
        "unknown-attribute-target",
        "unknown-note-target",
        "missing-tab",
        "missing-text-tab",
        "duplicate-id",
        "malformed-relation",
        "malformed-attribute",
        "malformed-note",
    ],
)
def test_errors_name_file_line_and_problem(
    tmp_path: Path, files: dict, file: str, line: int | None, phrase: str
) -> None:
    """Each broken input is a FormatError whose message is 'file[:line]: problem'."""
    folder = _write(tmp_path, files)
    with pytest.raises(FormatError) as caught:
        read_all(folder)
    error = caught.value
    assert (Path(error.path).name, error.line) == (file, line)
    where = file if line is None else f"{file}:{line}"
    assert f"{where}: " in str(error)
    assert phrase in str(error)


def test_read_refuses_other_paths(tmp_path: Path) -> None:
    """A path that is no folder, .zip or .ann is an error; so is a broken zip."""
    with pytest.raises(FormatError, match="not a brat folder"):
        read_all(NEWS / "000-introduction.txt")
    fake = _write(tmp_path, {"fake.zip": "nope"}) / "fake.zip"
    with pytest.raises(FormatError, match="fake.zip: not a readable zip file"):
        read_all(fake)


def test_unsafe_ids_get_safe_unique_deterministic_file_names(tmp_path: Path) -> None:
    """Ids with slashes, dots, spaces or none at all, and duplicates, become safe names."""
    ids = ["a/b", "../up", "a b", "dup", "DUP", None, "ok-1.x", "Ünïcode"]
    documents = [DocumentRecord(text=f"text {i}", id=doc_id) for i, doc_id in enumerate(ids)]
    first = [p.name for p in brat.write(documents, tmp_path / "one")]
    second = [p.name for p in brat.write(documents, tmp_path / "two")]
    assert first == second
    stems = [name.removesuffix(".txt") for name in first if name.endswith(".txt")]
    assert len(set(stems)) == len(ids)
    assert all("/" not in stem and not stem.startswith(".") and " " not in stem for stem in stems)
    assert stems[3:5] == ["dup", "DUP-2"]
    assert stems[6:] == ["ok-1.x", "Ünïcode"]
    assert stems[5].startswith("document-")
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == sorted(first)
    assert sorted(d.id for d in read_all(tmp_path / "one")) == sorted(stems)


def test_writing_an_impossible_span_fails(tmp_path: Path) -> None:
    """A span out of range or with a label containing whitespace cannot be written."""
    for span in [Annotation(0, 9, "X"), Annotation(0, 1, "TWO WORDS")]:
        with pytest.raises(ValueError, match="cannot be written to brat"):
            brat.write([DocumentRecord(text="abc", id="d", spans=[span])], tmp_path)


def test_annotation_conf_of_the_default_schema() -> None:
    """Every label of the default schema is under [entities]; all four sections exist."""
    schema = load_schema(DEFAULT_SCHEMA_PATH)
    conf = brat_writer.annotation_conf(schema)
    sections = [line for line in conf.splitlines() if line.startswith("[")]
    assert sections == ["[entities]", "[relations]", "[events]", "[attributes]"]
    entities = conf.split("[entities]")[1].split("[relations]")[0].splitlines()
    labels = [line for line in entities if line and not line.startswith("#")]
    assert labels == schema.label_names and len(labels) == 11


def test_written_annotation_conf_lists_the_kept_relation_types(tmp_path: Path) -> None:
    """write(schema=...) adds annotation.conf with the relation types of kept relations."""
    documents = read_all(NEWS, skip_unsupported=True)
    brat.write(documents, tmp_path, schema=load_schema(DEFAULT_SCHEMA_PATH))
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    relations = conf.split("[relations]")[1].split("[events]")[0].split("\n")
    assert [line for line in relations if line] == [
        "Family Arg1:<ENTITY>, Arg2:<ENTITY>",
        "Origin Arg1:<ENTITY>, Arg2:<ENTITY>",
    ]
