"""CSV and TSV files: one document per row, its text taken from a chosen column.

Reading:

- bytes are decoded like text files (UTF-8 with or without BOM, UTF-16/32 with a BOM, see
  `annotator.formats.text`) as they are read, and parsed by the `csv` module with
  `newline=""`, so a line break inside a quoted field (CRLF included) is kept exactly; rows
  are read one at a time, so memory does not grow with the file;
- the delimiter is the `delimiter` option, else tab for `.tsv`, else the one of `,` `\\t` `;`
  `|` that splits the header row into the most columns (ties in that order; `,` when none do);
- the first row is the header and is required. The text column (`text_column`, default "text")
  must be in it; the id comes from `id_column`, or from a column named "id" when there is one
  (an empty cell gives no id); a column named "title" gives the title; every other column goes
  to `DocumentRecord.meta` under its header name, as a string;
- rows are numbered as a spreadsheet shows them: the header is row 1, a quoted field that
  spans lines is still one row, and blank lines count but hold no document.
  `DocumentRecord.where` is "file:row N". A row with a different number of fields than the header,
  or
  an empty (or whitespace-only) text, is a FormatError naming the row; a duplicated header name
  or malformed quoting is refused too. Fields may be up to FIELD_SIZE_LIMIT characters long
  (reading raises the `csv` module's process-wide limit to that).

Writing: UTF-8 (no BOM), comma-separated, columns `id`, `title`, `text` (text exactly as stored,
quoted when it holds a delimiter, quote or line break), rows ended by CRLF as RFC 4180 says.
Spans and meta are not written: the format holds texts, not annotations.
"""

import csv
import io
import itertools
import re
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from annotator.formats import text as text_format
from annotator.formats.options import Option
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.spec import FormatSpec
from annotator.text.brief import brief

_LISTED_COLUMNS = 20  # a message lists at most these many of a header's columns

NAME = "csv"
SUFFIXES = (".csv", ".tsv")
DELIMITERS = (",", "\t", ";", "|")
ID_COLUMN = "id"
TITLE_COLUMN = "title"
WRITTEN_COLUMNS = (ID_COLUMN, TITLE_COLUMN, "text")
FIELD_SIZE_LIMIT = 1 << 30  # characters; the csv module's default (131,072) is one long article
_BREAK_RE = re.compile(r"\r\n|\r|\n")


def sniff(path: Path) -> bool:
    """Whether path is a .csv or .tsv file."""
    path = Path(path)
    return path.suffix.lower() in SUFFIXES and path.is_file()


def read(
    path: Path,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    delimiter: str | None = None,
) -> Iterator[DocumentRecord]:
    """The documents of a CSV/TSV file, one per non-blank row after the header, read row by
    row."""
    path = Path(path)
    name = str(path)
    _allow_long_fields()
    with _text_lines(path) as lines:
        try:
            first = next(lines, "")
            delimiter = delimiter or _delimiter(path, first)
            rows = _rows(itertools.chain([first], lines), delimiter, name)
            header = _header(next(rows, None), name)
            columns = _pick_columns(header, text_column, id_column, name)
            for number, fields in rows:
                if fields != []:
                    yield _document(fields, number, header, columns, name)
        except UnicodeDecodeError:
            text_format.decode(path.read_bytes(), name)  # says which byte, where
            raise


def _text_lines(path: Path) -> io.TextIOWrapper:
    """The file's lines, decoded as its BOM says (see `annotator.formats.text`), each with its
    own line end (newline=""), read as they are needed."""
    handle = path.open("rb")
    codec, _, skip = text_format.encoding_of(handle.read(4))
    handle.seek(skip)
    return io.TextIOWrapper(handle, encoding=codec, newline="")


def _allow_long_fields() -> None:
    """Raise the csv module's (process-wide) field size limit so long articles can be read."""
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)


def _delimiter(path: Path, first_line: str) -> str:
    """Tab for .tsv; otherwise the candidate that splits the header row into most columns."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    header_line = _BREAK_RE.split(first_line, maxsplit=1)[0]
    counts = [_field_count(header_line, candidate) for candidate in DELIMITERS]
    return DELIMITERS[counts.index(max(counts))]


def _field_count(line: str, delimiter: str) -> int:
    """How many fields line splits into with delimiter."""
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _rows(lines: Iterable[str], delimiter: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, fields) of every record, blank ones included (as [])."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FormatError(name, f"row {number + 1}: not valid CSV ({error})") from None
        number += 1
        yield number, fields


def _header(first: tuple[int, list[str]] | None, name: str) -> list[str]:
    """The header row, checked: present and without duplicated names."""
    if first is None or first[1] == []:
        raise FormatError(name, "row 1: expected a header row with the column names")
    header = first[1]
    seen: set[str] = set()  # header.count per column took minutes for 100,000 columns
    for column in header:
        if column in seen:
            raise FormatError(name, f"row 1: column {brief(column)} appears more than once")
        seen.add(column)
    return header


class _Columns(NamedTuple):
    """Where the text, id and title of a row are (indexes into the header)."""

    text: int
    id: int | None
    title: int | None


def _pick_columns(
    header: list[str], text_column: str, id_column: str | None, name: str
) -> _Columns:
    """Find the text, id and title columns; a missing chosen one is refused, listing them all."""
    if id_column is None and ID_COLUMN in header and text_column != ID_COLUMN:
        id_column = ID_COLUMN
    text = _column_index(header, text_column, "text", name)
    id = None if id_column is None else _column_index(header, id_column, "id", name)
    title = header.index(TITLE_COLUMN) if TITLE_COLUMN in header else None
    return _Columns(text, id, None if title in (text, id) else title)


def _column_index(header: list[str], column: str, role: str, name: str) -> int:
    """The index of a required column; a FormatError listing the header when it is missing."""
    if column not in header:
        there = ", ".join(brief(item) for item in header[:_LISTED_COLUMNS])
        if len(header) > _LISTED_COLUMNS:
            there += f", ... ({len(header)} columns)"
        raise FormatError(name, f"no {role} column {brief(column)}; the columns are: {there}")
    return header.index(column)


def _document(
    fields: list[str], number: int, header: list[str], columns: _Columns, name: str
) -> DocumentRecord:
    """One row as a document."""
    if len(fields) != len(header):
        raise FormatError(
            name, f"row {number}: {len(fields)} fields, but the header has {len(header)}"
        )
    text = fields[columns.text]
    if not text.strip():
        raise FormatError(
            name, f"row {number}: the text column {brief(header[columns.text])} is empty"
        )
    special = {columns.text, columns.id, columns.title}
    return DocumentRecord(
        text=text,
        id=_cell(fields, columns.id),
        title=_cell(fields, columns.title),
        meta={column: fields[index] for index, column in enumerate(header) if index not in special},
        where=f"{name}:row {number}",
    )


def _cell(fields: list[str], index: int | None) -> str | None:
    """A cell's value, None when there is no such column or the cell is empty."""
    if index is None or fields[index] == "":
        return None
    return fields[index]


def write(documents: Iterable[DocumentRecord], out: Path) -> list[Path]:
    """Write id, title and text of each document as one CSV file; return it."""
    out = Path(out)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(WRITTEN_COLUMNS)
        for document in documents:
            writer.writerow([document.id or "", document.title or "", document.text])
    return [out]


SPEC = FormatSpec(
    name=NAME,
    description="CSV/TSV with a header row: one document per row",
    sniff=sniff,
    reader=read,
    writer=write,
    suffixes=SUFFIXES,
    raw_text=True,
    import_options=(
        Option("text_column", "The CSV/TSV column that holds the text.", "text"),
        Option("id_column", "The CSV/TSV column that holds the document id.", offered=False),
        Option("delimiter", "The CSV field delimiter.", offered=False),
    ),
)
