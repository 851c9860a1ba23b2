"""Hugging Face token classification: JSONL rows of tokens and integer IOB2 tags.

Written: one row per document,
`{"id", "tokens": [...], "ner_tags": [int, ...], "text", "offsets": [[start, end], ...]}`,
plus `<stem>.labels.json` beside the file: the tag names in id order, "O" first, then `B-`/`I-`
for each label (the `labels` option's order, else sorted). `datasets.load_dataset("json",
data_files=...)` loads the rows as they are; `ner_tags` are plain integers there, so pass the
label list to a `ClassLabel` if a model needs names.

Read back: tags are ids into the label list (`labels` option, else `<stem>.labels.json` beside
the file) or tag strings; IOB1, IOB2 and BILOU are accepted as for CoNLL. With `text` and
`offsets` (our rows) the text and span offsets are restored exactly. Without offsets (rows from
other tools) the text is rebuilt as the tokens joined by single spaces: like CoNLL, such rows
keep tokens, not whitespace.

Tokens come from the project's tokenizer with span offsets as boundaries, as for CoNLL (see
`annotator.formats.conll`); one layer at a time, with the same overlap handling.
"""

import json
from collections.abc import Iterable
from collections.abc import Sequence
from pathlib import Path

from annotator.formats import conll
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError

NAME = "hf"
TAGS_KEY = "ner_tags"


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
    text = conll.head_text(path)
    if text is None:
        return False
    line = next((line for line in conll.physical_lines(text) if line.strip()), "")
    try:
        row = json.loads(line)
    except ValueError:
        return False
    return (
        isinstance(row, dict)
        and isinstance(row.get("tokens"), list)
        and isinstance(row.get(TAGS_KEY), list)
    )


def read(path: Path, **options) -> list[DocumentRecord]:
    """The documents of a token-classification JSONL file, one per row.

    Options: labels=[tag names in id order] (default: `<stem>.labels.json` beside the file)."""
    opts = conll.take_options(options, {"labels": None})
    path = Path(path)
    rows = _rows(path)
    names = opts["labels"]
    if names is None and any(_has_ids(row) for _, row in rows):
        names = _label_file(path)
    strict = conll.is_strict(names or _string_tags(rows))
    documents = []
    for number, row in rows:
        try:
            documents.append(_document(path, number, row, names, strict))
        except _RowError as error:
            raise FormatError(str(path), str(error), number) from None
    return documents


class _RowError(ValueError):
    """A problem with one row; read() adds the file and line."""


def _rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, object) for each non-blank line."""
    rows = []
    for number, line in enumerate(conll.physical_lines(conll.read_text(path)), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as error:
            raise FormatError(str(path), f"not JSON: {error}", number) from None
        if not isinstance(row, dict):
            raise FormatError(str(path), "expected a JSON object", number)
        rows.append((number, row))
    return rows


def _has_ids(row: dict) -> bool:
    """Whether the row's tags include integer ids."""
    tags = row.get(TAGS_KEY)
    return isinstance(tags, list) and any(isinstance(tag, int) for tag in tags)


def _string_tags(rows: list[tuple[int, dict]]) -> list[str]:
    """Every string tag in the rows (to tell IOB from BILOU)."""
    return [
        tag
        for _, row in rows
        if isinstance(row.get(TAGS_KEY), list)
        for tag in row[TAGS_KEY]
        if isinstance(tag, str)
    ]


def _label_file(path: Path) -> list[str]:
    """The tag names from `<stem>.labels.json`, or FormatError if it is missing or wrong."""
    source = labels_path(path)
    if not source.is_file():
        reason = f"tags are ids but there is no label list {source.name} beside it"
        raise FormatError(str(path), reason)
    try:
        names = json.loads(conll.read_text(source))
    except ValueError as error:
        raise FormatError(str(source), f"not JSON: {error}") from None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise FormatError(str(source), "expected a JSON list of tag names")
    return names


def _document(
    path: Path, number: int, row: dict, names: Sequence[str] | None, strict: bool
) -> DocumentRecord:
    """A document from one row."""
    tokens = row.get("tokens")
    if not isinstance(tokens, list) or not all(isinstance(token, str) for token in tokens):
        raise _RowError("'tokens' must be a list of strings")
    tags = _tags(row.get(TAGS_KEY), names, len(tokens))
    text, offsets = _text(row, tokens)
    try:
        ranges = conll.decode_tags(tags, strict)
    except conll.TagError as error:
        raise _RowError(f"token {error.index}: {error.reason}") from None
    spans = [
        Annotation(offsets[first][0], offsets[last][1], label, ref=f"tokens {first}-{last}")
        for first, last, label in ranges
    ]
    name = row.get("id")
    name = f"{path.stem}-{number}" if name is None else str(name)
    return DocumentRecord(text=text, id=name, spans=spans, where=f"{path}:{number}")


def _tags(tags: object, names: Sequence[str] | None, count: int) -> list[str]:
    """The row's tags as names; ids are looked up in names."""
    if not isinstance(tags, list) or len(tags) != count:
        raise _RowError(f"'{TAGS_KEY}' must be a list with one tag per token ({count})")
    result = []
    for index, tag in enumerate(tags):
        if isinstance(tag, str):
            result.append(tag)
        elif isinstance(tag, int) and not isinstance(tag, bool) and names is not None:
            if not 0 <= tag < len(names):
                raise _RowError(f"token {index}: tag id {tag} is not in the label list")
            result.append(names[tag])
        else:
            raise _RowError(f"token {index}: tag {tag!r} is neither a name nor a label id")
    return result


def _text(row: dict, tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The row's text and token offsets: as given, else tokens joined by spaces."""
    if "offsets" not in row:
        offsets, position = [], 0
        for token in tokens:
            offsets.append((position, position + len(token)))
            position += len(token) + 1
        return " ".join(tokens), offsets
    text, offsets = row.get("text"), row["offsets"]
    if not isinstance(text, str):
        raise _RowError("'offsets' needs the row's 'text'")
    if not isinstance(offsets, list) or len(offsets) != len(tokens):
        raise _RowError("'offsets' must be a list with one [start, end] per token")
    return text, [
        _offset(text, token, pair, index)
        for index, (token, pair) in enumerate(zip(tokens, offsets, strict=True))
    ]


def _offset(text: str, token: str, pair: object, index: int) -> tuple[int, int]:
    """One token's [start, end], checked against the text."""
    ok = isinstance(pair, list) and len(pair) == 2 and all(type(x) is int for x in pair)
    if not ok:
        raise _RowError(f"token {index}: offsets {pair!r} are not [start, end]")
    start, end = pair
    if not 0 <= start <= end <= len(text) or text[start:end] != token:
        raise _RowError(f"token {index}: {token!r} is not text[{start}:{end}]")
    return start, end


# --- writing --------------------------------------------------------------------------------


def write(documents: Iterable[DocumentRecord], out: Path, **options) -> list[Path]:
    """Write one layer of the documents as rows; [out, its label list].

    Options: layer="entity", overlap="longest"|"fail", labels=[label order] (default sorted)."""
    opts = conll.take_options(options, {"layer": "entity", "overlap": "longest", "labels": None})
    out = Path(out)
    documents = list(documents)
    layer = opts["layer"]
    conll.check_overlap(out, documents, layer, opts["overlap"])
    names = tag_names(opts["labels"] or _labels(documents, layer))
    ids = {name: index for index, name in enumerate(names)}
    rows = [_row(out, index, document, layer, ids) for index, document in enumerate(documents)]
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    out.write_text(lines, encoding="utf-8", newline="")
    labels_file = labels_path(out)
    labels_file.write_text(json.dumps(names, ensure_ascii=False) + "\n", encoding="utf-8")
    return [out, labels_file]


def _labels(documents: list[DocumentRecord], layer: str) -> list[str]:
    """The labels used in layer, sorted."""
    return sorted({span.label for doc in documents for span in conll.layer_spans(doc, layer)})


def _row(out: Path, index: int, document: DocumentRecord, layer: str, ids: dict) -> dict:
    """One document as a row."""
    name = conll.document_name(document, index)
    tagged = conll.tag_document(out, name, document, layer, "iob2")
    missing = sorted({tag for tag in tagged.tags if tag not in ids})
    if missing:
        raise FormatError(str(out), f"{name}: labels not in the label list: {missing}")
    text = document.text
    return {
        "id": document.id if document.id is not None else str(index),
        "tokens": [text[token.start : token.end] for token in tagged.tokens],
        TAGS_KEY: [ids[tag] for tag in tagged.tags],
        "text": text,
        "offsets": [[token.start, token.end] for token in tagged.tokens],
    }
