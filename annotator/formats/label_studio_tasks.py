"""One Label Studio task as documents: one per annotation, its regions checked against the
text (see `annotator.formats.label_studio`)."""

import re
from typing import NamedTuple

from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.scores import checked_score
from annotator.text.offsets import BrowserOffsets
from annotator.text.offsets import OffsetError
from annotator.text.offsets import utf16_offsets

_WHITESPACE = re.compile(r"\s+")


class TaskError(Exception):
    """A problem in one task, turned into a FormatError naming the file."""


class _RegionTarget(NamedTuple):
    """The text a task's regions are read against: its data key, the task's data, the unit."""

    text: str
    key: str
    data: dict
    unit: str


def task_name(task: dict, position: int) -> str:
    """'task 3' or 'task 3 (id 17)', for messages."""
    return f"task {position}" if task.get("id") is None else f"task {position} (id {task['id']})"


def task_documents(task: dict, unit: str, text_key: str | None, where: str) -> list[DocumentRecord]:
    """The documents of one task: one per annotation, or one if it has none."""
    results = _task_results(task)
    key = _data_key(task, results, text_key)
    text = task["data"][key]
    annotations: list = _list_of_objects(task, "annotations")
    if not annotations:
        annotations = [None]
    documents = [_document(task, key, annotation, where) for annotation in annotations]
    target = _RegionTarget(text, key, task["data"], unit)
    for document, annotation in zip(documents, annotations, strict=True):
        if annotation is not None:
            _read_result(document, annotation.get("result"), target, "annotation")
    _read_predictions(documents[0], task, target)
    return documents


def _list_of_objects(task: dict, key: str) -> list[dict]:
    """task[key] as a list of objects (missing = empty)."""
    value = task.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise TaskError(f'"{key}" must be a list of objects')
    return value


def _task_results(task: dict) -> list[dict]:
    """Every result item of the task's annotations and predictions."""
    items = []
    for key in ("annotations", "predictions"):
        for entry in _list_of_objects(task, key):
            result = entry.get("result") or []
            if not isinstance(result, list):
                raise TaskError(f'an item of "{key}" has a "result" that is not a list')
            items.extend(item for item in result if isinstance(item, dict))
    return items


def _data_key(task: dict, results: list[dict], text_key: str | None) -> str:
    """The data key holding the text the task's regions are on."""
    data = task["data"]
    if text_key is not None:
        if not isinstance(data.get(text_key), str):
            raise TaskError(f'data has no text "{text_key}"')
        return text_key
    named = {key for item in results if _is_text_region(item) for key in _named_keys(item, data)}
    if len(named) > 1:
        raise TaskError(f"regions are on several data keys {sorted(named)}; pass text_key=")
    if named:
        return named.pop()
    texts = [key for key, value in data.items() if isinstance(value, str)]
    if "text" in texts:
        return "text"
    if len(texts) == 1:
        return texts[0]
    raise TaskError(f"cannot tell which data key holds the text (string keys: {texts})")


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


def _read_predictions(document: DocumentRecord, task: dict, target: _RegionTarget) -> None:
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
    document: DocumentRecord,
    result: object,
    target: _RegionTarget,
    source: str,
    score: object = None,
) -> None:
    """Add a result list's regions, relations and other items to the document."""
    annotations = document.spans if source == "annotation" else document.suggestions
    for item in result or []:
        if not isinstance(item, dict):
            raise TaskError(f"a {source} result item is not an object")
        if _is_text_region(item) and not _on_other_text(item, target):
            annotations.extend(_region(item, target, item.get("score", score)))
        elif item.get("type") == "relation":
            document.kept.setdefault("relations", []).append(_relation(item, source))
        else:
            document.kept.setdefault("results", []).append(item)


def _on_other_text(item: dict, target: _RegionTarget) -> bool:
    """True for a region on another data key than the document's (possible with text_key=)."""
    named = _named_keys(item, target.data)
    return bool(named) and target.key not in named


def _region(item: dict, target: _RegionTarget, score: object) -> list[Annotation]:
    """One Annotation per label of a `labels` region, offsets checked and converted."""
    text = target.text
    ref = f"region {item.get('id')}"
    value = item.get("value")
    if not isinstance(value, dict):
        raise TaskError(f'{ref} has no "value" object')
    labels = value.get("labels")
    if (
        not isinstance(labels, list)
        or not labels
        or not all(isinstance(label, str) and label for label in labels)
    ):
        raise TaskError(f'{ref} needs a non-empty list of "labels"')
    start, end = _offsets(value, text, target.unit, ref)
    _check_region_text(value, text, start, end, target.key, ref, item)
    try:
        number = checked_score(score)
    except ValueError as error:
        raise TaskError(f"{ref}: {error}") from None
    return [Annotation(start, end, label, score=number, ref=ref) for label in labels]


def _offsets(value: dict, text: str, unit: str, ref: str) -> tuple[int, int]:
    """value.start/end as checked code points."""
    start, end = value.get("start"), value.get("end")
    if type(start) is not int or type(end) is not int:
        raise TaskError(f'{ref} needs integer "start" and "end" (got {start!r}, {end!r})')
    if unit == "utf-16":
        units = utf16_offsets(text)
        start, end = _from_utf16(units, start, ref), _from_utf16(units, end, ref)
    if not 0 <= start < end <= len(text):
        raise TaskError(f"{ref} {start}-{end} is not within the text (length {len(text)})")
    return start, end


def _from_utf16(units: BrowserOffsets, offset: int, ref: str) -> int:
    """The code point offset of a UTF-16 offset; refuse one inside a surrogate pair."""
    if offset > units.browser_length:
        raise TaskError(f"{ref} offset {offset} is past the end of the text")
    try:
        return units.to_code_point(offset)
    except OffsetError:
        raise TaskError(f"{ref} offset {offset} splits a character in UTF-16 units") from None


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
    raise TaskError(
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
