"""Writing doccano JSONL: sequence labelling (`text`, `label` sorted, plus `id` and `meta` when
the document has them), or the relation form (`entities`, `relations`) when `relations=True`,
or by default when any document has kept relations. `per_annotator=True` writes the export
layout instead: `out` is a folder, with one `<annotator>.jsonl` per annotator (`all.jsonl` for
documents without one). Offsets are written in the chosen unit (`doccano_units`)."""

import json
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path

from annotator.formats.doccano_units import offset_writer
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError

COLLABORATIVE = "all"  # the file of a collaborative project, and of documents without annotator


def write(
    documents: Iterable[DocumentRecord],
    out: Path,
    *,
    offsets: str = "utf-16",
    relations: bool | None = None,
    per_annotator: bool = False,
) -> list[Path]:
    """Write doccano JSONL (one file, or one per annotator); return the files written."""
    unit = offsets
    documents = list(documents)
    if relations is None:
        relations = any(document.kept.get("relations") for document in documents)
    out = Path(out)
    if not per_annotator:
        return [_write_file(documents, out, unit, relations)]
    out.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[DocumentRecord]] = {}
    for document in documents:
        groups.setdefault(_file_stem(document, str(out)), []).append(document)
    return [
        _write_file(group, out / f"{stem}.jsonl", unit, relations)
        for stem, group in sorted(groups.items())
    ]


def _file_stem(document: DocumentRecord, out: str) -> str:
    """The per-annotator file name (without .jsonl) for a document."""
    annotator = document.annotator
    if annotator is None:
        return COLLABORATIVE
    unsafe = annotator in ("", COLLABORATIVE) or annotator.startswith(".")
    if unsafe or "/" in annotator or "\\" in annotator:
        raise FormatError(out, f"annotator {annotator!r} cannot name a file")
    return annotator


def _write_file(documents: list[DocumentRecord], out: Path, unit: str, relations: bool) -> Path:
    """Write one JSONL file."""
    lines = [
        json.dumps(_record(document, unit, relations, str(out)), ensure_ascii=False)
        for document in documents
    ]
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(line + "\n" for line in lines)
    return out


def _record(document: DocumentRecord, unit: str, relations: bool, out: str) -> dict:
    """One document as a doccano record."""
    where = document.where or document.id or "document"
    convert = offset_writer(document.text, unit, where, out)
    spans = sorted(document.spans, key=lambda a: (a.start, a.end, a.label))
    for span in spans:
        if span.fragments is not None and len(span.fragments) > 1:
            raise FormatError(out, f"{where}: discontinuous span {span.ref} cannot be written")
    record: dict = {} if document.id is None else {"id": document.id}
    record["text"] = document.text
    if relations:
        record.update(_relation_form(document, spans, convert, where, out))
    else:
        record["label"] = [[convert(s.start), convert(s.end), s.label] for s in spans]
    if document.meta:
        record["meta"] = document.meta
    return record


def _relation_form(
    document: DocumentRecord, spans: list[Annotation], convert: Callable, where: str, out: str
) -> dict:
    """`entities` with ids and `relations` between them."""
    ids = {}
    entities = []
    for index, span in enumerate(spans):
        ids.setdefault(span.ref, index)
        entities.append(
            {
                "id": index,
                "label": span.label,
                "start_offset": convert(span.start),
                "end_offset": convert(span.end),
            }
        )
    relations = []
    for index, relation in enumerate(document.kept.get("relations", [])):
        missing = [relation.get(key) for key in ("from", "to") if relation.get(key) not in ids]
        if missing:
            raise FormatError(out, f"{where}: relation {index} links unknown span(s) {missing}")
        relations.append(
            {
                "id": relation.get("id", index),
                "from_id": ids[relation["from"]],
                "to_id": ids[relation["to"]],
                "type": relation.get("type"),
            }
        )
    return {"entities": entities, "relations": relations}
