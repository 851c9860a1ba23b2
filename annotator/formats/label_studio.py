"""Label Studio JSON tasks: text regions (`labels`) from annotations and predictions.

Format (labelstud.io/guide/task_format): a JSON list of tasks (a single task object is accepted
too), each `{"id", "data": {"text": ...}, "annotations": [{"id", "completed_by", "result": [...]}],
"predictions": [{"model_version", "score", "result": [...]}]}`. A text region is a result item
`{"id", "from_name", "to_name", "type": "labels", "value": {"start", "end", "text", "labels"}}`;
a relation is `{"type": "relation", "from_id", "to_id", "direction", "labels"}`.

Offset unit — code points. Current Label Studio counts `value.start`/`value.end` of Text regions
in Unicode code points over the task's text as given (CR and LF count one each). Evidence:

- the editor's `web/libs/editor/src/utils/selection-tools.js` (HumanSignal/label-studio
  @ 014c626a) converts every DOM offset with `charsToCodePoints` ("In python and other modern
  tools complex unicode symbols handled as code points, not UTF chars. So for external usage js
  length should be converted to code points count"); `findGlobalOffset` counts
  `[...textContent].length`;
- the newer DOM manager (`tags/object/RichText/domManager.ts` @ 190e88d2: `content =
  [...(text)]`, `endPos += contentLength`) does the same, and its notes (`domManager.md`
  @ 69a009de) call the global offset "the number of elements in the content array";
- the editor's functional test `describe("NER - Emoji - Text")` ("Should calculate offsets by
  code points in text", with and without feature flag FF_LSDV_4620_3) expects `start: 21` for
  "test" in "🐱 Warning: This is a test text" (21 code points; UTF-16 would be 22);
- the Text tag's docs: the editor "counts `\\r\\n` as two different symbols"; open files with
  `newline=''` and slice `text[start_offset:end_offset]` in Python;
- issue #4988 (Label Studio 1.9.1, 2023): after an emoji the highlight is drawn wrong, "but
  'firetrucks' is correctly marked in the exported JSON".

Before the 2021 fix (label-studio PR #1559 "Store code points instead of js length", merged via
label-studio-frontend PR #308; PR #1662 "emoji in NER"; issues #1008, #1347 "All annotations
after an astral codepoint are off") offsets were UTF-16 code units: read such old exports with
`offsets="utf-16"` (an offset inside a surrogate pair is then refused).

`value.text` is the browser's selection text, in which Label Studio writes every CR and LF as the
two characters `\\n` (`captureSelection`: `selection.toString().replace(/[\\n\\r]/g, "\\\\n")`)
and, without pre-wrap styling, may collapse whitespace. A region is accepted when `value.text`
equals the text at its offsets exactly, or after that newline escaping, or ignoring whitespace;
otherwise it is refused, naming the task and region. So is a region whose text cannot be found:
the data key is the region's `source` (`"$text"`) or `to_name` when the task has it, else `text`
or the task's only text field (regions naming several keys need `text_key=`, and regions on
other keys are then kept verbatim in `kept["results"]`). Upstream's
`rich_text_plain/annotations/1.json` names `text` but has only `ner`, whose text at 343-354 is not
"February 22": it is refused.

Reading: one DocumentRecord per annotation (`annotator` from `completed_by`: a user id, or the
email/id of an expanded user; `status` "skipped" for a cancelled annotation); a task
without annotations is one DocumentRecord. Each label of a region is one Annotation (ref "region
ID");
predictions become `suggestions` (with the region's or prediction's `score`) of the task's first
DocumentRecord; relations go to `kept["relations"]` as `{"from", "to", "direction", "labels",
"source"}`
with region refs; other result items are kept verbatim in `kept["results"]`. `DocumentRecord.meta`
is
the task's `meta` plus `meta["label_studio"]`: `task_id`, `annotation_id`, `completed_by`,
`model_versions`, `data_key`. `DocumentRecord.id` is the task meta's `id` when it is a string, else
the
task id.

Writing: a JSON task list, one task per document: `data.text`, `meta` (the document's, without
`label_studio`, with `id`/`title`/`annotator`), `annotations[0].result` with one `labels` region
per (region ref, start, end) — `from_name` "label", `to_name` "text", `value.start/end/text/labels`
in code points (or `offsets="utf-16"`) — and the kept relations between them, and
`predictions[0]` for suggestions (model_version from meta when read from Label Studio).
"""

import codecs
import json
import re
from bisect import bisect_left
from collections.abc import Iterable
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from annotator.formats.options import Option
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.spec import FormatSpec

NAME = "label-studio"
UNITS = ("code-points", "utf-16")
_SNIFF_BYTES = 1024 * 1024
_WHITESPACE = re.compile(r"\s+")


class _TaskError(Exception):
    """A problem in one task, turned into a FormatError naming the file."""


class _Text(NamedTuple):
    """The text a task's regions are read against: its data key, the task's data, the unit."""

    text: str
    key: str
    data: dict
    unit: str


# ---------------------------------------------------------------------------------------------
# sniff


def sniff(path: Path) -> bool:
    """True when the file is one JSON list (or object) of Label Studio tasks with `data`."""
    path = Path(path)
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            # An incremental decoder tolerates a character cut at the end of the head.
            head = codecs.getincrementaldecoder("utf-8-sig")().decode(handle.read(_SNIFF_BYTES))
    except (OSError, UnicodeDecodeError):
        return False
    first = _first_task(head)
    if first is None and path.stat().st_size > _SNIFF_BYTES and _cut_short(head):
        first = _first_task(_decode_or_none(path) or "")
    return _looks_like_task(first)


def _cut_short(head: str) -> bool:
    """True when the head ends inside the file's first JSON value, so only the whole file can
    tell. A complete first value already decides (a JSONL file is not one JSON document), and
    reading a large corpus whole just to say no cost most of its import's recognition time."""
    body = head.lstrip()
    body = body[1:].lstrip() if body.startswith("[") else body
    try:
        json.JSONDecoder().raw_decode(body)
    except json.JSONDecodeError:
        return True
    return False


def _decode_or_none(path: Path) -> str | None:
    """The whole file as UTF-8, or None."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _first_task(content: str) -> object:
    """The first task of a JSON list, or the object a file holds alone; None otherwise."""
    decoder = json.JSONDecoder()
    stripped = content.lstrip()
    try:
        if stripped.startswith("["):
            body = stripped[1:].lstrip()
            return decoder.raw_decode(body)[0] if body[:1] == "{" else None
        if stripped.startswith("{"):
            value, end = decoder.raw_decode(stripped)
            return value if not stripped[end:].strip() else None
    except json.JSONDecodeError:
        return None
    return None


def _looks_like_task(task: object) -> bool:
    """A dict with a `data` object."""
    return isinstance(task, dict) and isinstance(task.get("data"), dict)


# ---------------------------------------------------------------------------------------------
# read


def read(
    path: Path, *, offsets: str = "code-points", text_key: str | None = None
) -> list[DocumentRecord]:
    """Read a Label Studio JSON export (task list or one task) into documents."""
    unit = offsets
    name = str(path)
    tasks = _tasks(_load(Path(path)), name)
    documents: list[DocumentRecord] = []
    for position, task in enumerate(tasks, start=1):
        where = _task_name(task, position)
        try:
            documents.extend(_task_documents(task, unit, text_key, f"{name}: {where}"))
        except _TaskError as error:
            raise FormatError(name, f"{where}: {error}") from None
    return documents


def _load(path: Path) -> object:
    """The file's JSON value: UTF-8 (one BOM dropped), else a FormatError naming the file."""
    data = path.read_bytes()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(
            str(path), f"not UTF-8 (byte 0x{data[error.start]:02x} at position {error.start})"
        ) from None
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        raise FormatError(str(path), f"not JSON ({error.msg})", error.lineno) from None


def _tasks(value: object, name: str) -> list[dict]:
    """The task list of a file: a list of task objects, or one task object."""
    tasks = [value] if isinstance(value, dict) else value
    if not isinstance(tasks, list):
        raise FormatError(name, "expected a JSON list of tasks or one task object")
    for position, task in enumerate(tasks, start=1):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise FormatError(name, f'task {position}: expected an object with a "data" object')
    return tasks


def _task_name(task: dict, position: int) -> str:
    """'task 3' or 'task 3 (id 17)', for messages."""
    return f"task {position}" if task.get("id") is None else f"task {position} (id {task['id']})"


def _task_documents(
    task: dict, unit: str, text_key: str | None, where: str
) -> list[DocumentRecord]:
    """The documents of one task: one per annotation, or one if it has none."""
    results = _task_results(task)
    key = _data_key(task, results, text_key)
    text = task["data"][key]
    annotations: list = _list_of_objects(task, "annotations")
    if not annotations:
        annotations = [None]
    documents = [_document(task, key, annotation, where) for annotation in annotations]
    target = _Text(text, key, task["data"], unit)
    for document, annotation in zip(documents, annotations, strict=True):
        if annotation is not None:
            _read_result(document, annotation.get("result"), target, "annotation")
    _read_predictions(documents[0], task, target)
    return documents


def _list_of_objects(task: dict, key: str) -> list[dict]:
    """task[key] as a list of objects (missing = empty)."""
    value = task.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _TaskError(f'"{key}" must be a list of objects')
    return value


def _task_results(task: dict) -> list[dict]:
    """Every result item of the task's annotations and predictions."""
    items = []
    for key in ("annotations", "predictions"):
        for entry in _list_of_objects(task, key):
            result = entry.get("result") or []
            if not isinstance(result, list):
                raise _TaskError(f'an item of "{key}" has a "result" that is not a list')
            items.extend(item for item in result if isinstance(item, dict))
    return items


def _data_key(task: dict, results: list[dict], text_key: str | None) -> str:
    """The data key holding the text the task's regions are on."""
    data = task["data"]
    if text_key is not None:
        if not isinstance(data.get(text_key), str):
            raise _TaskError(f'data has no text "{text_key}"')
        return text_key
    named = {key for item in results if _is_text_region(item) for key in _named_keys(item, data)}
    if len(named) > 1:
        raise _TaskError(f"regions are on several data keys {sorted(named)}; pass text_key=")
    if named:
        return named.pop()
    texts = [key for key, value in data.items() if isinstance(value, str)]
    if "text" in texts:
        return "text"
    if len(texts) == 1:
        return texts[0]
    raise _TaskError(f"cannot tell which data key holds the text (string keys: {texts})")


def _named_keys(item: dict, data: dict) -> list[str]:
    """The data key a region names through `source` ("$text") or `to_name`, if data has it."""
    source = item.get("source")
    if isinstance(source, str) and source.startswith("$") and isinstance(data.get(source[1:]), str):
        return [source[1:]]
    to_name = item.get("to_name")
    return [to_name] if isinstance(data.get(to_name), str) else []


def _is_text_region(item: dict) -> bool:
    """A `labels` result item."""
    return item.get("type") == "labels"


def _document(task: dict, key: str, annotation: dict | None, where: str) -> DocumentRecord:
    """A document for one annotation of a task (or for a task without annotations)."""
    meta = task.get("meta")
    meta = dict(meta) if isinstance(meta, dict) else {}
    info = {"task_id": task.get("id"), "data_key": key}
    annotator = status = None
    if annotation is not None:
        info["annotation_id"] = annotation.get("id")
        info["completed_by"] = annotation.get("completed_by")
        annotator = _annotator(annotation.get("completed_by"))
        status = "skipped" if annotation.get("was_cancelled") else None
    document_id = meta.get("id") if isinstance(meta.get("id"), str) else task.get("id")
    title = meta.get("title")
    return DocumentRecord(
        text=task["data"][key],
        id=None if document_id is None else str(document_id),
        title=title if isinstance(title, str) else None,
        meta={**meta, "label_studio": {k: v for k, v in info.items() if v is not None}},
        annotator=annotator if annotator is not None else _meta_annotator(meta),
        status=status,
        where=where,
    )


def _annotator(completed_by: object) -> str | None:
    """A name for `completed_by`: a user id, or an expanded user's email (or id)."""
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    if completed_by is None or isinstance(completed_by, bool):
        return None
    return str(completed_by)


def _meta_annotator(meta: dict) -> str | None:
    """The annotator our own writer keeps in the task meta."""
    annotator = meta.get("annotator")
    return annotator if isinstance(annotator, str) else None


def _read_predictions(document: DocumentRecord, task: dict, target: _Text) -> None:
    """Every prediction's regions as suggestions of the document."""
    versions = []
    for prediction in _list_of_objects(task, "predictions"):
        if prediction.get("model_version") is not None:
            versions.append(prediction["model_version"])
        score = prediction.get("score")
        _read_result(document, prediction.get("result"), target, "prediction", score)
    if versions:
        document.meta["label_studio"]["model_versions"] = versions


def _read_result(
    document: DocumentRecord, result: object, target: _Text, source: str, score: object = None
) -> None:
    """Add a result list's regions, relations and other items to the document."""
    annotations = document.spans if source == "annotation" else document.suggestions
    for item in result or []:
        if not isinstance(item, dict):
            raise _TaskError(f"a {source} result item is not an object")
        if _is_text_region(item) and not _on_other_text(item, target):
            annotations.extend(_region(item, target, item.get("score", score)))
        elif item.get("type") == "relation":
            document.kept.setdefault("relations", []).append(_relation(item, source))
        else:
            document.kept.setdefault("results", []).append(item)


def _on_other_text(item: dict, target: _Text) -> bool:
    """True for a region on another data key than the document's (possible with text_key=)."""
    named = _named_keys(item, target.data)
    return bool(named) and target.key not in named


def _region(item: dict, target: _Text, score: object) -> list[Annotation]:
    """One Annotation per label of a `labels` region, offsets checked and converted."""
    text = target.text
    ref = f"region {item.get('id')}"
    value = item.get("value")
    if not isinstance(value, dict):
        raise _TaskError(f'{ref} has no "value" object')
    labels = value.get("labels")
    if (
        not isinstance(labels, list)
        or not labels
        or not all(isinstance(label, str) and label for label in labels)
    ):
        raise _TaskError(f'{ref} needs a non-empty list of "labels"')
    start, end = _offsets(value, text, target.unit, ref)
    _check_region_text(value, text, start, end, target.key, ref, item)
    number = score if isinstance(score, int | float) and not isinstance(score, bool) else None
    return [
        Annotation(start, end, label, score=None if number is None else float(number), ref=ref)
        for label in labels
    ]


def _offsets(value: dict, text: str, unit: str, ref: str) -> tuple[int, int]:
    """value.start/end as checked code points."""
    start, end = value.get("start"), value.get("end")
    if type(start) is not int or type(end) is not int:
        raise _TaskError(f'{ref} needs integer "start" and "end" (got {start!r}, {end!r})')
    if unit == "utf-16":
        start, end = _utf16_to_code_point(text, start, ref), _utf16_to_code_point(text, end, ref)
    if not 0 <= start < end <= len(text):
        raise _TaskError(f"{ref} {start}-{end} is not within the text (length {len(text)})")
    return start, end


def _utf16_to_code_point(text: str, offset: int, ref: str) -> int:
    """The code point offset of a UTF-16 offset; refuse one inside a surrogate pair."""
    positions = _utf16_positions(text)
    index = bisect_left(positions, offset)
    if index == len(positions):
        raise _TaskError(f"{ref} offset {offset} is past the end of the text")
    if positions[index] != offset:
        raise _TaskError(f"{ref} offset {offset} splits a character in UTF-16 units")
    return index


@lru_cache(maxsize=16)
def _utf16_positions(text: str) -> list[int]:
    """The UTF-16 offset of every code point offset 0..len(text)."""
    positions = [0]
    for char in text:
        positions.append(positions[-1] + (2 if ord(char) > 0xFFFF else 1))
    return positions


def _check_region_text(
    value: dict, text: str, start: int, end: int, key: str, ref: str, item: dict
) -> None:
    """Refuse a region whose value.text is not the text at its offsets."""
    expected = value.get("text")
    if expected is None:
        return
    actual = text[start:end]
    if isinstance(expected, str) and _same_region_text(expected, actual):
        return
    named = _region_target(item, key)
    raise _TaskError(
        f"{ref}: value.text {expected!r} is not the text at {start}-{end} of data.{key} "
        f"({actual!r}){named}"
    )


def _same_region_text(expected: str, actual: str) -> bool:
    """Equal, or equal once newlines are escaped as Label Studio does, or ignoring whitespace."""
    if expected == actual or expected == re.sub(r"[\r\n]", r"\\n", actual):
        return True
    squash = _WHITESPACE.sub("", expected.replace("\\n", "\n"))
    return bool(squash) and squash == _WHITESPACE.sub("", actual)


def _region_target(item: dict, key: str) -> str:
    """A note when the region names a data key other than the one used."""
    names = {item.get("to_name"), (item.get("source") or "").lstrip("$")} - {None, "", key}
    if not names:
        return ""
    return f"; the region names {sorted(names)}, which the task's data does not have"


def _relation(item: dict, source: str) -> dict:
    """A relation result item with its region ids as refs."""
    relation = {"from": f"region {item.get('from_id')}", "to": f"region {item.get('to_id')}"}
    for key in ("direction", "labels"):
        if key in item:
            relation[key] = item[key]
    relation["source"] = source
    return relation


# ---------------------------------------------------------------------------------------------
# write


def write(
    documents: Iterable[DocumentRecord], out: Path, *, offsets: str = "code-points"
) -> list[Path]:
    """Write a Label Studio JSON task list to out; return [out]."""
    unit = offsets
    out = Path(out)
    tasks = [_task(document, unit, str(out)) for document in documents]
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        json.dump(tasks, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return [out]


def _task(document: DocumentRecord, unit: str, out: str) -> dict:
    """One document as a Label Studio task."""
    where = document.where or document.id or "document"
    annotation = {"result": _result(document, document.spans, unit, "a", where, out)}
    annotation["result"].extend(_relations_out(document, annotation["result"]))
    task = {"data": {"text": document.text}, "annotations": [annotation]}
    meta = _task_meta(document)
    if meta:
        task["meta"] = meta
    if document.suggestions:
        task["predictions"] = [_prediction(document, unit, where, out)]
    return task


def _task_meta(document: DocumentRecord) -> dict:
    """The document's meta without our Label Studio bookkeeping, plus id, title, annotator."""
    meta = {key: value for key, value in document.meta.items() if key != "label_studio"}
    for key in ("id", "title", "annotator"):
        if getattr(document, key) is not None:
            meta.setdefault(key, getattr(document, key))
    return meta


def _prediction(document: DocumentRecord, unit: str, where: str, out: str) -> dict:
    """The document's suggestions as one prediction."""
    prediction: dict = {}
    versions = document.meta.get("label_studio", {}).get("model_versions")
    if versions:
        prediction["model_version"] = versions[0]
    prediction["result"] = _result(document, document.suggestions, unit, "p", where, out)
    return prediction


def _result(
    document: DocumentRecord,
    annotations: list[Annotation],
    unit: str,
    prefix: str,
    where: str,
    out: str,
) -> list[dict]:
    """`labels` regions: annotations with the same region ref and offsets share one region."""
    regions: dict[tuple, dict] = {}
    for annotation in sorted(annotations, key=lambda a: (a.start, a.end, a.label)):
        if annotation.fragments is not None and len(annotation.fragments) > 1:
            raise FormatError(
                out, f"{where}: discontinuous span {annotation.ref} cannot be written"
            )
        key = (_region_id(annotation), annotation.start, annotation.end)
        region = regions.get(key)
        if region is None:
            region = _new_region(document.text, annotation, unit, f"{prefix}{len(regions)}")
            regions[key] = region
        if annotation.label not in region["value"]["labels"]:
            region["value"]["labels"].append(annotation.label)
    return list(regions.values())


def _region_id(annotation: Annotation) -> str | None:
    """The Label Studio region id an annotation came from, if any."""
    prefix = "region "
    return annotation.ref[len(prefix) :] if annotation.ref.startswith(prefix) else None


def _new_region(text: str, annotation: Annotation, unit: str, fallback_id: str) -> dict:
    """A `labels` result item without labels yet."""
    region: dict = {
        "id": _region_id(annotation) or fallback_id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {
            "start": _unit_offset(text, annotation.start, unit),
            "end": _unit_offset(text, annotation.end, unit),
            "text": text[annotation.start : annotation.end],
            "labels": [],
        },
    }
    if annotation.score is not None:
        region["score"] = annotation.score
    return region


def _unit_offset(text: str, offset: int, unit: str) -> int:
    """A code point offset in the chosen unit."""
    return offset if unit == "code-points" else _utf16_positions(text)[offset]


def _relations_out(document: DocumentRecord, regions: list[dict]) -> Iterator[dict]:
    """The kept annotation relations whose two regions are written."""
    ids = {region["id"] for region in regions}
    for relation in document.kept.get("relations", []):
        if relation.get("source", "annotation") != "annotation":
            continue
        ends = [_region_ref_id(relation.get(key)) for key in ("from", "to")]
        if all(end in ids for end in ends):
            item = {"from_id": ends[0], "to_id": ends[1], "type": "relation"}
            item.update({k: relation[k] for k in ("direction", "labels") if k in relation})
            yield item


def _region_ref_id(ref: object) -> str | None:
    """The region id in a "region ID" ref."""
    prefix = "region "
    return ref[len(prefix) :] if isinstance(ref, str) and ref.startswith(prefix) else None


_OFFSETS = Option(
    "offsets",
    "The unit of the file's offsets (utf-16: doccano's browser, old Label Studio exports).",
    "code-points",
    UNITS,
)
SPEC = FormatSpec(
    name=NAME,
    description="Label Studio JSON tasks: annotations as spans, predictions as suggestions",
    sniff=sniff,
    reader=read,
    writer=write,
    suffixes=(".json",),
    import_options=(
        _OFFSETS,
        Option("text_key", "The task data key that holds the text (Label Studio)."),
    ),
    export_options=(_OFFSETS,),
)
