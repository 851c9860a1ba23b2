"""doccano JSONL: sequence labeling, relations, and the per-annotator export layout.

Formats (doccano/doccano, `backend/data_import/pipeline/examples/`,
`backend/data_export/pipeline/{factories,celery_tasks}.py` and `data_export/models.py`):

- sequence labeling: `{"text": ..., "label": [[start, end, "LABEL"], ...]}` (key `labels` is
  accepted too). Exports add `"id"` (doccano's example id), the example's meta flattened into the
  record, and `"Comments"`.
- relations (projects with "use relation"): `{"text", "entities": [{"id", "start_offset",
  "end_offset", "label"}], "relations": [{"id", "from_id", "to_id", "type"}]}`. Relations are kept
  in `DocumentRecord.kept["relations"]` as `{"id", "from", "to", "type"}` where `from`/`to` are the
  refs
  of the spans they link ("entity 3"); spans read from `label` are "span I".
- export layout: a project without collaborative annotation exports a zip with one
  `<username>.jsonl` per member (`DocumentRecord.annotator` = username); a collaborative project
  exports
  `all.jsonl` (annotator None). `read` takes a `.jsonl` file, a folder of them, or the zip.
- Other column names (doccano's import dialog lets users choose them; its own examples say
  `column_data` / `column_label`) are read with the options `column_data=` / `column_label=`.
- Text classification labels (strings in `label`) are kept in `DocumentRecord.kept["categories"]`;
  comments in `kept["comments"]`. `meta` and unknown keys go to `DocumentRecord.meta`.

Offsets: doccano's annotation view (doccano/v-annotator) takes offsets from the browser's
Selection as JavaScript string indexes, i.e. UTF-16 code units (`Text.ts`: "codePointLength" is
`text.length`; doccano issue #2290: "label indices ... refer to positions in a sequence of 16-bit
Unicode code units"), and with the project option "Count grapheme clusters as one character" in
grapheme clusters. So `offsets="utf-16"` is the default, for both reading and writing;
`offsets="code-points"` reads and writes files made by Python scripts, `offsets="graphemes"`
grapheme projects (clusters as the `regex` module's `\\X` sees them). The units only differ on
texts with characters outside the Basic Multilingual Plane (utf-16) or multi-code-point clusters
(graphemes). An offset that splits a character in the chosen unit is refused with a hint.

Checks: a line without `text` is refused (FormatError naming the line), as is an offset out of
range or a malformed label. A span given twice (same start, end and label, e.g. doccano's
`example_overlapping.jsonl`) is merged into one; a relation to the dropped copy points at the kept
one.

Reading streams: each file (or zip member) is read line by line, one document at a time; only
a file that is one pretty-printed JSON value is read whole.

Writing: `annotator.formats.doccano_writer`; offset units: `annotator.formats.doccano_units`.
"""

import json
import zipfile
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from annotator.formats import doccano_v1
from annotator.formats import jsonlines
from annotator.formats.doccano_records import document_of
from annotator.formats.doccano_records import is_triple
from annotator.formats.doccano_records import renamed
from annotator.formats.doccano_units import UNITS
from annotator.formats.doccano_writer import COLLABORATIVE
from annotator.formats.doccano_writer import write
from annotator.formats.options import Option
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.records import decode_utf8
from annotator.formats.spec import FormatSpec
from annotator.formats.zip_members import safe_members

NAME = "doccano"
_SNIFF_RECORDS = 5
_SNIFF_WHOLE_BYTES = 4 * 1024 * 1024

_Opener = Callable[[], BinaryIO]


# ---------------------------------------------------------------------------------------------
# sniff


def sniff(path: Path) -> bool:
    """True for doccano JSONL (or a folder / zip of it): `label` as [start, end, label] lists or
    `entities` with offsets."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        return bool(files) and all(_sniff_records(f.open("rb")) for f in files)
    if zipfile.is_zipfile(path):
        return _sniff_zip(path)
    if not path.is_file():
        return False
    return _sniff_records(path.open("rb")) or _sniff_whole(path)


def _sniff_whole(path: Path) -> bool:
    """True for a small pretty-printed JSON object or list of doccano records."""
    if path.stat().st_size > _SNIFF_WHOLE_BYTES:
        return False
    with path.open("rb") as handle:
        if handle.read(_SNIFF_WHOLE_BYTES).lstrip()[:1] not in (b"{", b"[", b"\xef"):
            return False
    try:
        records = _whole_json(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        return False
    return bool(records) and all(_looks_like_doccano(record) for record in records)


def _sniff_zip(path: Path) -> bool:
    """True when every .jsonl member of the zip looks like doccano."""
    with zipfile.ZipFile(path) as archive:
        members = _zip_members(archive, str(path), [])
        return bool(members) and all(_sniff_records(archive.open(member)) for member in members)


def _sniff_records(handle: BinaryIO) -> bool:
    """True when the first records behind handle are doccano records."""
    records = jsonlines.head_records(handle, _SNIFF_RECORDS)
    return bool(records) and all(_looks_like_doccano(record) for record in records)


def _looks_like_doccano(record: object) -> bool:
    """A record with a text and doccano's span lists (or a labelled line without text)."""
    if not isinstance(record, dict) or "data" in record or "tokens" in record:
        return False
    if any(key in record for key in ("_input_hash", "_task_hash", "answer", "spans")):
        return False
    if isinstance(record.get("entities"), list) or doccano_v1.is_multi_user(record):
        return True
    labels = record.get("label", record.get("labels"))
    return isinstance(labels, list) and all(is_triple(item) for item in labels)


# ---------------------------------------------------------------------------------------------
# read


def read(
    path: Path,
    *,
    offsets: str = "utf-16",
    column_data: str = "text",
    column_label: str = "label",
    label_names: str | None = None,
) -> Iterator[DocumentRecord]:
    """Read a doccano JSONL file, a folder of `<username>.jsonl`, or doccano's export zip, one
    document at a time.

    Options: `offsets` (see the module docstring); `column_data` / `column_label`, the column
    names chosen in doccano's import dialog (default "text" and "label"); `label_names`,
    doccano's label list for a 1.x multi-user export (see `doccano_v1`)."""
    skipped: list[str] = []  # zip members not read, said on the next document
    names = doccano_v1.label_names(label_names)
    for name, opener, annotator in _sources(Path(path), skipped):
        for number, record in _records(opener, name):
            record = renamed(record, column_data, column_label)
            for one, user in _per_user(record, names, name, number, annotator):
                document = document_of(one, name, number, user, offsets)
                document.notes.extend(skipped)
                skipped.clear()
                yield document


def _per_user(record: object, names: dict, name: str, number: int, annotator) -> list:
    """(record, annotator) pairs: a doccano 1.x multi-user record as one per user; any other
    record as it is, with the annotator of its file."""
    if not doccano_v1.is_multi_user(record):
        return [(record, annotator)]
    records = doccano_v1.per_user(record, names, name, number)
    unnamed = sorted(
        {e["label"] for r in records for e in r["entities"] if e["label"].startswith("label_")}
    )
    if unnamed and not names:
        records[0]["_note"] = (
            f"{name}:{number}: doccano 1.x gives label ids, named {', '.join(unnamed)}; import "
            "with --label-names LABELS.json (doccano's label export) for their names"
        )
    return [(one, one.pop("annotator")) for one in records]


def _sources(path: Path, skipped: list[str]) -> Iterator[tuple[str, _Opener, str | None]]:
    """(name for messages, how to open it, annotator) of each JSONL file behind path; zip
    members not read (paths out of the archive, links) are added to skipped."""
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise FormatError(str(path), "no .jsonl files in this folder")
        for file in files:
            yield str(file), lambda file=file: file.open("rb"), _annotator_of(file.name)
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = _zip_members(archive, str(path), skipped)
            if not members:
                raise FormatError(str(path), "; ".join([*skipped, "no .jsonl files in this zip"]))
            for member in members:
                opener = lambda member=member: archive.open(member)  # noqa: E731
                yield f"{path}!{member}", opener, _annotator_of(member)
    else:
        yield str(path), lambda: path.open("rb"), None


def _records(opener: _Opener, name: str) -> Iterator[tuple[int, object]]:
    """(line, record) per non-blank line; a file that is one pretty-printed JSON object or list
    (doccano's documentation shows the relation export so) is read whole, as line 1."""
    with opener() as handle:
        lines = jsonlines.parse_lines(handle, name)
        try:
            first = next(lines, None)
        except FormatError as error:
            whole = _whole_json(_whole_text(opener, name)) if error.line is not None else None
            if whole is None:
                raise
            yield from ((1, record) for record in whole)
            return
        if first is not None:
            yield first
            yield from lines


def _whole_text(opener: _Opener, name: str) -> str:
    """A whole (small, pretty-printed) file's text."""
    with opener() as handle:
        return decode_utf8(handle.read(), name)


def _zip_members(archive: zipfile.ZipFile, name: str, skipped: list[str]) -> list[str]:
    """The .jsonl files of a zip an import may read (see zip_members), in name order."""
    members, unsafe = safe_members(archive, name)
    skipped.extend(unsafe)
    return sorted(info.filename for info in members if info.filename.lower().endswith(".jsonl"))


def _annotator_of(file_name: str) -> str | None:
    """The username a per-annotator export file is named after (None for all.jsonl)."""
    stem = Path(file_name).name.rsplit(".", 1)[0]
    return None if stem == COLLABORATIVE else stem


def _whole_json(content: str) -> list | None:
    """The content as one JSON object or list of objects, or None."""
    try:
        value = json.loads(content)
    except (json.JSONDecodeError, RecursionError):
        return None
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else None


_OFFSETS = Option(
    "offsets",
    "The unit of the file's offsets (utf-16: doccano's browser, old Label Studio exports).",
    "utf-16",
    UNITS,
)
SPEC = FormatSpec(
    name=NAME,
    description="doccano JSONL (sequence labelling, relations), a per-annotator folder or zip",
    sniff=sniff,
    reader=read,
    writer=write,
    folder=True,
    import_options=(
        _OFFSETS,
        Option("column_data", "The doccano column that holds the text.", "text"),
        Option("column_label", "The doccano column that holds the labels.", "label"),
        Option("label_names", "doccano 1.x: the label list (JSON) that names its label ids."),
    ),
    export_options=(
        _OFFSETS,
        Option("relations", "Write the relation form (entities and relations).", flag=True),
        Option("per_annotator", "Write one <annotator>.jsonl per annotator.", flag=True),
    ),
)
