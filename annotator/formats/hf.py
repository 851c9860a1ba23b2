"""Hugging Face token classification: JSONL rows of tokens and integer IOB2 tags.

Written: one row per document,
`{"id", "tokens": [...], "ner_tags": [int, ...], "text", "offsets": [[start, end], ...]}`,
plus `<stem>.labels.json` beside the file: the tag names in id order, "O" first, then `B-`/`I-`
for each label. The label order is the `labels` option's (an export passes the schema's labels
of the layer, so every split of a dataset has the same ids); without it, labels get ids in the
order they first appear. Rows are written as they come, into temporary files that replace the
targets only when everything was written. `datasets.load_dataset("json",
data_files=...)` loads the rows as they are; `ner_tags` are plain integers there, so pass the
label list to a `ClassLabel` if a model needs names.

Read back: tags are ids into the label list (`labels` option, else `<stem>.labels.json` beside
the file) or tag strings; IOB1, IOB2 and BILOU are accepted as for CoNLL. With `text` and
`offsets` (our rows) the text and span offsets are restored exactly. Without offsets (rows from
other tools) the text is rebuilt as the tokens joined by single spaces: like CoNLL, such rows
keep tokens, not whitespace. Rows are read one at a time (`read` returns an iterator). Tags are
read strictly as BILOU when the label list has any `E-`/`L-`/`S-`/`U-` name or, for string
tags, once such a tag appears; a row read as IOB before that must have had no spans, else the
error of reading it strictly is raised.

Tokens come from the project's tokenizer with span offsets as boundaries, as for CoNLL (see
`annotator.formats.conll`); one layer at a time, with the same overlap handling.
"""

import json
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path

from annotator.formats import jsonlines
from annotator.formats.file_text import head_text
from annotator.formats.file_text import physical_lines
from annotator.formats.file_text import read_text
from annotator.formats.hf_rows import TAGS_KEY
from annotator.formats.hf_rows import RowError
from annotator.formats.hf_rows import row_tags
from annotator.formats.hf_rows import row_text
from annotator.formats.hf_rows import token_count
from annotator.formats.jsonlines import json_line
from annotator.formats.options import Option
from annotator.formats.output import atomic_file
from annotator.formats.overlaps import DEFAULT_LAYER
from annotator.formats.overlaps import LAYER_OPTION
from annotator.formats.overlaps import OVERLAP_OPTION
from annotator.formats.overlaps import check_overlap_option
from annotator.formats.overlaps import document_conflicts
from annotator.formats.overlaps import document_name
from annotator.formats.overlaps import overlap_reason
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.spec import FormatSpec
from annotator.formats.tagging import TagError
from annotator.formats.tagging import decode_tags
from annotator.formats.tagging import is_strict
from annotator.formats.tagging import tag_document
from annotator.formats.tagging import take_options

NAME = "hf"


def labels_path(path: Path) -> Path:
    """The label list beside a rows file: `train.jsonl` -> `train.labels.json`."""
    path = Path(path)
    return path.with_name(f"{path.stem}.labels.json")


def tag_names(labels: Iterable[str]) -> list[str]:
    """IOB2 tag names in id order: "O", then B- and I- for each label."""
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in ("B", "I")]


# --- reading --------------------------------------------------------------------------------


def sniff(path: Path) -> bool:
    """Whether the first non-blank line is a JSON object with `tokens` and `ner_tags` lists."""
    text = head_text(path)
    if text is None:
        return False
    line = next((line for line in physical_lines(text) if line.strip()), "")
    try:
        row = json.loads(line)
    except ValueError:
        return False
    return (
        isinstance(row, dict)
        and isinstance(row.get("tokens"), list)
        and isinstance(row.get(TAGS_KEY), list)
    )


def read(path: Path, **options) -> Iterator[DocumentRecord]:
    """The documents of a token-classification JSONL file, one per row, one at a time.

    Options: labels=[tag names in id order] (default: `<stem>.labels.json` beside the file)."""
    names = take_options(options, {"labels": None})["labels"]
    return _documents(Path(path), names)


def _documents(path: Path, names: Sequence[str] | None) -> Iterator[DocumentRecord]:
    """The rows as documents (see the module docstring for strictness)."""
    strict = names is not None and is_strict(names)
    first_tagged: tuple[int, list[str]] | None = None  # a row read as IOB, with spans
    for number, row in _rows(path):
        try:
            tags = row.get(TAGS_KEY)
            if names is None and _has_ids(tags):
                names = _label_file(path)
                strict = strict or is_strict(names)
            tags = row_tags(tags, names, token_count(row))
            if not strict and is_strict(set(tags)):
                strict = True
                if first_tagged is not None:
                    _decode(first_tagged[1], True, first_tagged[0], path)
            if not strict and first_tagged is None and set(tags) - {"O"}:
                first_tagged = (number, tags)
            yield _document(path, number, row, tags, strict)
        except RowError as error:
            raise FormatError(str(path), str(error), number) from None


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line (the shared JSONL loop: lines over the
    length limit are refused before they are read whole)."""
    for number, row in jsonlines.read_records(path):
        yield number, jsonlines.object_record(row, str(path), number)


def _has_ids(tags: object) -> bool:
    """Whether the row's tags include integer ids."""
    return isinstance(tags, list) and any(isinstance(tag, int) for tag in tags)


def _label_file(path: Path) -> list[str]:
    """The tag names from `<stem>.labels.json`, or FormatError if it is missing or wrong."""
    source = labels_path(path)
    if not source.is_file():
        reason = f"tags are ids but there is no label list {source.name} beside it"
        raise FormatError(str(path), reason)
    try:
        names = json.loads(read_text(source))
    except ValueError as error:
        raise FormatError(str(source), f"not JSON: {error}") from None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise FormatError(str(source), "expected a JSON list of tag names")
    return names


def _decode(tags: list[str], strict: bool, number: int, path: Path) -> list:
    """The row's spans as token ranges; FormatError naming the row and token if wrong."""
    try:
        return decode_tags(tags, strict)
    except TagError as error:
        reason = f"token {error.index}: {error.reason}"
        raise FormatError(str(path), reason, number) from None


def _document(path: Path, number: int, row: dict, tags: list[str], strict: bool) -> DocumentRecord:
    """A document from one row."""
    text, offsets = row_text(row, row["tokens"])
    spans = [
        Annotation(offsets[first][0], offsets[last][1], label, ref=f"tokens {first}-{last}")
        for first, last, label in _decode(tags, strict, number, path)
    ]
    name = row.get("id")
    name = f"{path.stem}-{number}" if name is None else str(name)
    return DocumentRecord(text=text, id=name, spans=spans, where=f"{path}:{number}")


# --- writing --------------------------------------------------------------------------------


def write(documents: Iterable[DocumentRecord], out: Path, **options) -> list[Path]:
    """Write one layer of the documents as rows; [out, its label list].

    Options: layer="entity", overlap="longest"|"fail", labels=[label order] (default: the
    order labels first appear in)."""
    defaults = {"layer": DEFAULT_LAYER, "overlap": "longest", "labels": None}
    layer, overlap, labels = take_options(options, defaults).values()
    check_overlap_option(overlap)
    out = Path(out)
    fixed = labels is not None
    names = tag_names(labels or [])
    ids = {name: index for index, name in enumerate(names)}
    conflicts = []
    with atomic_file(out) as stream, atomic_file(labels_path(out)) as labels_stream:
        for index, document in enumerate(documents):
            name = document_name(document, index)
            if overlap == "fail":
                conflicts.extend(document_conflicts(document, name, layer))
            if conflicts:
                continue
            row = _row(out, index, name, document, layer, ids, names, fixed)
            stream.write(json_line(row) + "\n")
        if conflicts:  # all of them listed; the temporary files are removed
            raise FormatError(str(out), overlap_reason(conflicts, layer))
        labels_stream.write(json.dumps(names, ensure_ascii=False) + "\n")
    return [out, labels_path(out)]


def _row(out, index, name, document, layer, ids: dict, names: list, fixed: bool) -> dict:
    """One document as a row; a label not yet in ids gets the next ones unless they are fixed."""
    tagged = tag_document(out, name, document, layer, "iob2")
    missing = sorted({tag for tag in set(tagged.tags) if tag not in ids})
    if missing and fixed:
        raise FormatError(str(out), f"{name}: labels not in the label list: {missing}")
    if missing:  # new labels get ids in the order they first appear
        for label in dict.fromkeys(tag[2:] for tag in tagged.tags if tag not in ids):
            for tag in (f"B-{label}", f"I-{label}"):
                ids[tag] = len(names)
                names.append(tag)
    text = document.text
    return {
        "id": document.id if document.id is not None else str(index),
        "tokens": tagged.words(text),
        TAGS_KEY: list(map(ids.__getitem__, tagged.tags)),
        "text": text,
        # pairs as tuples: json_line writes them as [start, end] (no list built per token)
        "offsets": list(zip(tagged.starts, tagged.ends, strict=True)),
    }


SPEC = FormatSpec(
    name=NAME,
    contiguous_only=True,
    description="Hugging Face JSONL: tokens and ner_tags, with <name>.labels.json",
    sniff=sniff,
    reader=read,
    writer=write,
    import_options=(Option("labels", "The tag names, in id order.", offered=False),),
    export_options=(
        LAYER_OPTION,
        OVERLAP_OPTION,
        Option("labels", "The label order of the tag ids.", offered=False),
    ),
)
