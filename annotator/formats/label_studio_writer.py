"""Writing Label Studio JSON: a task list, one task per document (written as it comes).

Each task has `data.text`, `meta` (the document's, without `label_studio`, with
`id`/`title`/`annotator`), `annotations[0].result` with one `labels` region per (region ref,
start, end) — `from_name` "label", `to_name` "text", `value.start/end/text/labels` in code
points (or `offsets="utf-16"`) — and the kept relations between them, and `predictions[0]` for
suggestions (model_version from meta when read from Label Studio).
"""

import json
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.text.offsets import utf16_offsets


def write(
    documents: Iterable[DocumentRecord], out: Path, *, offsets: str = "code-points"
) -> list[Path]:
    """Write a Label Studio JSON task list to out; return [out]."""
    unit = offsets
    out = Path(out)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("[")
        for index, document in enumerate(documents):
            handle.write(",\n" if index else "\n")
            handle.write(json.dumps(_task(document, unit, str(out)), ensure_ascii=False, indent=1))
        handle.write("\n]\n")
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
    return offset if unit == "code-points" else utf16_offsets(text).to_browser(offset)


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
