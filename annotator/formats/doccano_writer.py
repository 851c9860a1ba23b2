"""Writing doccano JSONL: sequence labelling (`text`, `label` sorted, plus `id` and `meta` when
the document has them), or the relation form (`entities`, `relations`) when `relations=True`,
or by default when any document has kept relations. `per_annotator=True` writes the export
layout instead: `out` is a folder, with one `<annotator>.jsonl` per annotator (`all.jsonl` for
documents without one). Offsets are written in the chosen unit (`doccano_units`). Documents
are written as they come, so memory does not grow with the export."""

import json
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from annotator.formats.doccano_units import offset_writer
from annotator.formats.jsonlines import json_line
from annotator.formats.output import replace_path
from annotator.formats.output import staging_folder
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
    """Write doccano JSONL (one file, or one per annotator), one document at a time, into a
    staging folder moved into place when all is written; return the files written."""
    out = Path(out)
    with staging_folder(out) as staging:
        files = _Files(staging, offsets, relations, str(out))
        try:
            for document in documents:
                stem = _file_stem(document, str(out)) if per_annotator else None
                files.write(f"{stem}.jsonl" if per_annotator else out.name, document)
        finally:
            names = files.close()
        if not per_annotator:
            replace_path(staging / out.name, out)
            return [out]
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            replace_path(staging / name, out / name)
    return [out / name for name in names]


class _Files:
    """The open output files. Without a choice of form, lines are written in the sequence form
    until a document with relations comes; then what was written is rewritten in the relation
    form (the same spans, in the same order), so the form holds for every line of every file."""

    def __init__(self, folder: Path, unit: str, relations: bool | None, out: str) -> None:
        self.folder = folder
        self.unit = unit
        self.relations = relations
        self.out = out
        self.handles: dict[str, TextIO] = {}

    def write(self, name: str, document: DocumentRecord) -> None:
        """Write one document's line to the file called name."""
        if self.relations is None and document.kept.get("relations"):
            self._to_relation_form()
        if name not in self.handles:
            self.handles[name] = (self.folder / name).open("w", encoding="utf-8", newline="\n")
        record = _record(document, self.unit, bool(self.relations), self.out)
        self.handles[name].write(json_line(record) + "\n")

    def close(self) -> list[str]:
        """Close every file; their names, sorted."""
        for handle in self.handles.values():
            handle.close()
        return sorted(self.handles)

    def _to_relation_form(self) -> None:
        """Rewrite the lines written so far in the relation form; write it from now on."""
        self.relations = True
        for name, handle in self.handles.items():
            handle.close()
            path = self.folder / name
            converted = self.folder / f".{name}.relations"
            with (
                path.open(encoding="utf-8") as lines,
                converted.open("w", encoding="utf-8", newline="\n") as target,
            ):
                for line in lines:
                    target.write(json_line(_with_entities(json.loads(line))))
                    target.write("\n")
            converted.replace(path)
            self.handles[name] = path.open("a", encoding="utf-8", newline="\n")


def _with_entities(record: dict) -> dict:
    """A sequence-form record in the relation form: its label triples as entities."""
    converted = {}
    for key, value in record.items():
        if key != "label":
            converted[key] = value
            continue
        converted["entities"] = [
            {"id": index, "label": label, "start_offset": start, "end_offset": end}
            for index, (start, end, label) in enumerate(value)
        ]
        converted["relations"] = []
    return converted


def _file_stem(document: DocumentRecord, out: str) -> str:
    """The per-annotator file name (without .jsonl) for a document."""
    annotator = document.annotator
    if annotator is None:
        return COLLABORATIVE
    unsafe = annotator in ("", COLLABORATIVE) or annotator.startswith(".")
    if unsafe or "/" in annotator or "\\" in annotator:
        raise FormatError(out, f"annotator {annotator!r} cannot name a file")
    return annotator


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
