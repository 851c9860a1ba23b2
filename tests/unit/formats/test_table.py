"""Tests for annotator.formats.table: CSV/TSV with a chosen text column, doccano's CSV samples,
line breaks inside quoted fields kept byte-exact, row-numbered errors and round trips."""

import codecs
import csv
from pathlib import Path

import pytest

from annotator.formats import table
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError


def read_all(path, **options) -> list[DocumentRecord]:
    """Every document table.read gives (it streams them)."""
    return list(table.read(path, **options))


DOCCANO = Path(__file__).resolve().parents[2] / "fixtures" / "text" / "doccano"
UTF16_CSV = DOCCANO / "import_tests" / "example.utf16.csv"
CLASSES_CSV = DOCCANO / "import_tests" / "text_classification" / "example.csv"
OUT_OF_ORDER_CSV = (
    DOCCANO / "import_tests" / "text_classification" / "example_out_of_order_columns.csv"
)
INVALID_CSV = DOCCANO / "import_tests" / "text_classification" / "example.invalid.2.csv"
PLACEHOLDER_CSV = DOCCANO / "import_examples" / "text_classification" / "example.csv"

UNICODE_TEXTS = [
    "Smile 😀 said Ana.\r\nFamily 👩\u200d👩\u200d👧 of Caracas.",
    'Flag 🇻🇪, Cafe\u0301 Bolivar; \u201cquoted\u201d and "straight" quotes',
    "  leading and trailing spaces\t",
    "lone CR\rand lone LF\nand CRLF\r\n",
    "a|b;c\td,e",
]


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    """A file in tmp_path with exactly these bytes."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def texts(documents: list[DocumentRecord]) -> list[str]:
    """The texts of documents, in order."""
    return [document.text for document in documents]


# --- doccano's samples --------------------------------------------------------------------


def test_doccano_utf16_csv():
    """UTF-16LE with BOM and CRLF rows: decoded, parsed, label kept in meta."""
    documents = read_all(UTF16_CSV)
    assert documents == [
        DocumentRecord(text="AAA", meta={"label": "Positive"}, where=f"{UTF16_CSV}:row 2"),
        DocumentRecord(text="BBB", meta={"label": "Positive"}, where=f"{UTF16_CSV}:row 3"),
        DocumentRecord(text="CCC", meta={"label": "Negative"}, where=f"{UTF16_CSV}:row 4"),
    ]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (CLASSES_CSV, "row 4: the text column 'text' is empty"),
        (OUT_OF_ORDER_CSV, "row 4: the text column 'text' is empty"),
        (INVALID_CSV, "row 2: 3 fields, but the header has 2"),
        (PLACEHOLDER_CSV, "no text column 'text'; the columns are: 'column_data', 'column_label'"),
    ],
    ids=["empty-text", "out-of-order-empty-text", "too-many-fields", "no-text-column"],
)
def test_doccano_files_refused_with_the_row(path, message):
    """doccano's importer test files that hold bad rows are refused, naming file and row."""
    with pytest.raises(FormatError) as caught:
        read_all(path)
    assert str(caught.value) == f"{path}: {message}"


def test_doccano_placeholder_columns_with_a_chosen_text_column():
    """doccano's import-dialog example reads once the text column is named."""
    documents = read_all(PLACEHOLDER_CSV, text_column="column_data")
    assert texts(documents) == [
        "Terrible customer service.",
        "Really great transaction.",
        "Great price.",
    ]
    assert [d.meta for d in documents] == [
        {"column_label": "negative"},
        {"column_label": "positive"},
        {"column_label": "positive"},
    ]


# --- columns ------------------------------------------------------------------------------


def test_out_of_order_columns(tmp_path):
    """The text column is found by name wherever it is; the others go to meta."""
    path = write_bytes(
        tmp_path,
        "news.csv",
        b"label,source,text\r\npositive,AFP,Guaido spoke.\r\n,,Maduro replied.\r\n",
    )
    assert read_all(path) == [
        DocumentRecord(
            text="Guaido spoke.",
            meta={"label": "positive", "source": "AFP"},
            where=f"{path}:row 2",
        ),
        DocumentRecord(
            text="Maduro replied.", meta={"label": "", "source": ""}, where=f"{path}:row 3"
        ),
    ]


def test_missing_text_column_lists_the_columns(tmp_path):
    """The error lists the header as it is, so a stray space is visible."""
    path = write_bytes(tmp_path, "a.csv", b"body, label\nGuaido spoke.,x\n")
    with pytest.raises(FormatError) as caught:
        read_all(path)
    assert str(caught.value) == f"{path}: no text column 'text'; the columns are: 'body', ' label'"


def test_id_and_title_columns(tmp_path):
    """A column named id gives the id, one named title the title; empty cells give None."""
    path = write_bytes(
        tmp_path,
        "a.csv",
        b"id,title,text,source\nn1,Caracas,Guaido spoke.,AFP\n,,Maduro.,\n",
    )
    assert read_all(path) == [
        DocumentRecord(
            text="Guaido spoke.",
            id="n1",
            title="Caracas",
            meta={"source": "AFP"},
            where=f"{path}:row 2",
        ),
        DocumentRecord(text="Maduro.", meta={"source": ""}, where=f"{path}:row 3"),
    ]


def test_chosen_id_column(tmp_path):
    """id_column picks the id; a column named id then stays in meta."""
    path = write_bytes(tmp_path, "a.csv", b"id,uid,body\n7,u-1,Guaido spoke.\n")
    [document] = read_all(path, text_column="body", id_column="uid")
    assert (document.id, document.text, document.meta) == ("u-1", "Guaido spoke.", {"id": "7"})


def test_missing_id_column_lists_the_columns(tmp_path):
    """A chosen id column must exist."""
    path = write_bytes(tmp_path, "a.csv", b"text,label\nGuaido spoke.,x\n")
    with pytest.raises(FormatError) as caught:
        read_all(path, id_column="uid")
    assert str(caught.value) == f"{path}: no id column 'uid'; the columns are: 'text', 'label'"


# --- line breaks and rows -----------------------------------------------------------------


def test_crlf_inside_a_quoted_field_is_kept_byte_exact(tmp_path):
    """Line breaks inside quotes are part of the text, as the file has them."""
    data = b'id,text\r\nn1,"Line one\r\nLine two\nLine three\rend"\r\nn2,after\r\n'
    path = write_bytes(tmp_path, "a.csv", data)
    first, second = read_all(path)
    assert first.text == "Line one\r\nLine two\nLine three\rend"
    assert (second.id, second.text, second.where) == ("n2", "after", f"{path}:row 3")


def test_blank_lines_count_as_rows_but_hold_no_document(tmp_path):
    """Rows are numbered as a spreadsheet shows them; blank lines are skipped."""
    path = write_bytes(tmp_path, "a.csv", b"text\n\nfirst\n\n\nsecond\n")
    assert [(d.text, d.where) for d in read_all(path)] == [
        ("first", f"{path}:row 3"),
        ("second", f"{path}:row 6"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "row 1: expected a header row with the column names"),
        (b"\n", "row 1: expected a header row with the column names"),
        (b"text,text\nx,y\n", "row 1: column 'text' appears more than once"),
        (b"text,label\nx\n", "row 2: 1 fields, but the header has 2"),
        (b"text,label\n   ,x\n", "row 2: the text column 'text' is empty"),
        (b'text\n"multi\nline"\n"unclosed\n', "row 3: not valid CSV (unexpected end of data)"),
        (b'text,label\n"quoted"junk,x\n', "row 2: not valid CSV (',' expected after '\"')"),
        (
            b"text\n\xff\n",
            "not UTF-8 (byte 0xff at position 5: invalid start byte); "
            "UTF-16 and UTF-32 files need a byte order mark (BOM)",
        ),
    ],
    ids=[
        "empty-file",
        "blank-header",
        "duplicate-column",
        "too-few-fields",
        "whitespace-text",
        "unclosed-quote",
        "junk-after-quote",
        "not-utf8",
    ],
)
def test_bad_files_are_refused(tmp_path, data, message):
    """Every refusal names the file and, where there is one, the row."""
    path = write_bytes(tmp_path, "a.csv", data)
    with pytest.raises(FormatError) as caught:
        read_all(path)
    assert str(caught.value) == f"{path}: {message}"


# --- delimiters ---------------------------------------------------------------------------


def test_tsv_is_tab_separated(tmp_path):
    """.tsv means tab, so commas and semicolons in the text need no quotes."""
    path = write_bytes(tmp_path, "a.tsv", b"id\ttext\nn1\tGuaido, the leader; spoke.\n")
    [document] = read_all(path)
    assert (document.id, document.text) == ("n1", "Guaido, the leader; spoke.")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"id;text\nn1;Guaido, the leader, spoke.\n", ("n1", "Guaido, the leader, spoke.")),
        (b"id\ttext\nn1\tGuaido, spoke.\n", ("n1", "Guaido, spoke.")),
        (b"id|text\nn1|Guaido; spoke.\n", ("n1", "Guaido; spoke.")),
        (b'"id","text"\n"n1","Guaido; spoke | twice"\n', ("n1", "Guaido; spoke | twice")),
        (b"text\nGuaido; spoke.\n", (None, "Guaido; spoke.")),
    ],
    ids=["semicolon", "tab-in-csv", "pipe", "comma-quoted", "one-column-is-comma"],
)
def test_delimiter_is_sniffed_from_the_header(tmp_path, data, expected):
    """The candidate that splits the header into most columns wins; one column means comma."""
    path = write_bytes(tmp_path, "a.csv", data)
    [document] = read_all(path)
    assert (document.id, document.text) == expected


def test_chosen_delimiter_wins(tmp_path):
    """The delimiter option overrides the suffix and the sniffing."""
    path = write_bytes(tmp_path, "a.tsv", b"id;text\nn1;Guaido\tspoke.\n")
    [document] = read_all(path, delimiter=";")
    assert (document.id, document.text) == ("n1", "Guaido\tspoke.")


# --- writing and round trips --------------------------------------------------------------


def test_write_bytes(tmp_path):
    """UTF-8, comma-separated, id/title/text, CRLF row ends, quoting only where needed."""
    out = tmp_path / "out.csv"
    documents = [
        DocumentRecord(text="Guaido spoke.\nThen left.", id="n1", title="Caracas, today"),
        DocumentRecord(text='He said "no".', meta={"source": "AFP"}),
    ]
    assert table.write(documents, out) == [out]
    assert out.read_bytes() == (
        b"id,title,text\r\n"
        b'n1,"Caracas, today","Guaido spoke.\nThen left."\r\n'
        b',,"He said ""no""."\r\n'
    )


def test_round_trip_write_read(tmp_path):
    """Texts (CRLF, CR, emoji, ZWJ, flags, combining marks), ids and titles come back as written."""
    out = tmp_path / "round.csv"
    documents = [
        DocumentRecord(text=text, id=f"n{number}" if number % 2 else None, title=f"T {number}")
        for number, text in enumerate(UNICODE_TEXTS)
    ]
    table.write(documents, out)
    read = read_all(out)
    assert [(d.id, d.title, d.text) for d in read] == [(d.id, d.title, d.text) for d in documents]
    assert [d.meta for d in read] == [{}] * len(UNICODE_TEXTS)
    assert [d.where for d in read] == [f"{out}:row {n}" for n in range(2, 7)]


def test_round_trip_of_a_long_article(tmp_path):
    """A text longer than the csv module's default field limit (131,072) reads back whole."""
    out = tmp_path / "long.csv"
    text = 'Guaido spoke, "loudly".\r\n' * 12_000
    table.write([DocumentRecord(text=text, id="long")], out)
    [document] = read_all(out)
    assert len(document.text) == 300_000
    assert document.text == text
    assert csv.field_size_limit() >= table.FIELD_SIZE_LIMIT


def test_utf16_tsv_with_crlf_in_quotes(tmp_path):
    """UTF-16 (as spreadsheet programs save 'Unicode text') with a quoted CRLF."""
    content = 'id\ttext\r\nn1\t"One\r\nTwo"\r\n'
    path = write_bytes(tmp_path, "sheet.tsv", codecs.BOM_UTF16_LE + content.encode("utf-16-le"))
    [document] = read_all(path)
    assert (document.id, document.text) == ("n1", "One\r\nTwo")


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.csv", True), ("a.TSV", True), ("a.txt", False), ("a.jsonl", False)],
    ids=["csv", "tsv-upper", "txt", "jsonl"],
)
def test_sniff_by_suffix(tmp_path, name, expected):
    """.csv and .tsv files are tables."""
    path = write_bytes(tmp_path, name, b"text\nx\n")
    assert table.sniff(path) is expected


def test_sniff_needs_a_file(tmp_path):
    """A folder named .csv is not a table."""
    (tmp_path / "folder.csv").mkdir()
    assert table.sniff(tmp_path / "folder.csv") is False


def test_name():
    """The format's name, as the registry knows it."""
    assert table.NAME == "csv"
