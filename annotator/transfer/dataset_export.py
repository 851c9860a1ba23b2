"""Exports that are ready to train on: any format, split by document, with a manifest.

`export_dataset` turns the stored annotations into interchange documents, optionally splits
them by document (`annotator.transfer.splits`: by a hash of id and seed, so no text is in two
splits and documents keep their split as the corpus grows), hands each split to the format's
writer, and writes a manifest beside the output: format, schema, the label map (one per export,
from the schema: the same in every split), counts per label and split of the spans the files
hold (the token formats write one layer, and with overlap="longest" not every span of it), the
command, the project version and a sha256 per file, so a dataset can be traced and reproduced.

Everything streams: documents come from the database as the writer takes them, and a split is
one more pass over the database that keeps its own documents, so memory does not grow with the
corpus. Only the document ids are held (for the split assignment).
"""

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from sqlmodel import Session

from annotator.formats import hf
from annotator.formats import registry
from annotator.formats.fragments import fragments_as_spans
from annotator.formats.output import replace_path
from annotator.formats.output import staging_folder
from annotator.formats.overlaps import DEFAULT_LAYER
from annotator.formats.overlaps import Dropped
from annotator.formats.overlaps import document_name
from annotator.formats.overlaps import keep_longest
from annotator.formats.overlaps import layer_spans
from annotator.formats.overlaps import ref
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.schema.catalog import LabelCatalog
from annotator.schema.toml_file import dump_schema
from annotator.transfer.exporting import document_ids
from annotator.transfer.exporting import export_records
from annotator.transfer.exporting import write_jsonl
from annotator.transfer.splits import assign_splits
from annotator.transfer.splits import parse_split


@dataclass(frozen=True)
class ExportedDataset:
    """What an export wrote."""

    files: list[Path]
    manifest: Path
    counts: dict[str, dict[str, int]]  # split -> label -> spans (and "documents")
    dropped: list[str]  # CoNLL/HF with overlap="longest": each span left out, and why


def documents_of(records: Iterator[dict]) -> Iterator[DocumentRecord]:
    """Export records as interchange documents for the format writers."""
    for record in records:
        yield DocumentRecord(
            text=record["text"],
            id=record["id"],
            title=record["title"],
            meta=record["meta"],
            annotator=record["annotator"],
            status=record["status"],
            spans=[
                Annotation(
                    span["start"],
                    span["end"],
                    span["label"],
                    fragments=tuple(map(tuple, span["fragments"])) if "fragments" in span else None,
                    layer=span["layer"],
                    text=span["text"],
                )
                for span in record["spans"]
            ],
        )


def export_dataset(
    session: Session,
    catalog: LabelCatalog,
    format_name: str,
    out: Path,
    *,
    split: str | None = None,
    seed: int = 0,
    writer_options: dict | None = None,
    command: str = "",
    progress: Callable[[int], None] | None = None,
) -> ExportedDataset:
    """Write the annotations in format_name to out (one output per split) and a manifest."""
    options = _writer_options(format_name, catalog, writer_options or {})
    parts = parse_split(split) if split else None
    assigned = assign_splits(document_ids(session), parts, seed) if parts else {}
    outputs = [(n, _split_path(out, n, format_name)) for n, _ in parts] if parts else [(None, out)]
    files: list[Path] = []
    dropped: list[str] = []
    counts: dict[str, dict[str, int]] = {}
    for name, path in outputs:
        records = export_records(session, catalog)  # one streamed pass per output
        try:
            chosen = _in_split(records, assigned, name) if name else records
            counting = _Counting(format_name, options, counts.setdefault(name or "all", Counter()))
            counting.progress, counting.dropped = progress, dropped  # dropped: all outputs'
            files.extend(_write(format_name, chosen, path, options, counting))
        finally:  # a writer that stopped early: close the cursors while the session is open
            records.close()
    facts = {"split": split, "seed": seed if split else None, "command": command}
    facts.update(_label_map(format_name, catalog, options))
    manifest = _write_manifest(out, format_name, files, counts, catalog, facts)
    return ExportedDataset(files, manifest, {k: dict(v) for k, v in counts.items()}, dropped)


def _split_path(out: Path, split_name: str, format_name: str) -> Path:
    """Where one split goes: out/<split>/ for folder formats, else <stem>.<split><suffix>."""
    if registry.spec(format_name).writes_folder and out.suffix != ".zip":
        return out / split_name
    return out.with_name(f"{out.stem}.{split_name}{out.suffix}")


def _in_split(records: Iterator[dict], assigned: dict, name: str) -> Iterator[dict]:
    """The records of the documents assigned to split name."""
    return (record for record in records if assigned[record["id"]] == name)


def _writer_options(format_name: str, catalog: LabelCatalog, options: dict) -> dict:
    """The options format_name's writer takes, checked: a layer must be one of the schema's (a
    typo would write every token "O"); labels come from the schema, so every split has the
    same label ids."""
    accepted = {option.name for option in registry.spec(format_name).export_options}
    chosen = {key: value for key, value in options.items() if key in accepted and value is not None}
    if "schema" in accepted:
        chosen["schema"] = catalog.schema
    if "layer" in accepted:
        chosen.setdefault("layer", DEFAULT_LAYER)
        layers = [layer.name for layer in catalog.schema.layers]
        if chosen["layer"] not in layers:
            raise ValueError(f"unknown layer '{chosen['layer']}' (layers: {', '.join(layers)})")
    if "labels" in accepted:
        chosen["labels"] = _layer_labels(catalog)[chosen["layer"]]
    return chosen


def _layer_labels(catalog: LabelCatalog) -> dict[str, list[str]]:
    """The schema's labels by layer, in schema order."""
    labels: dict[str, list[str]] = {layer.name: [] for layer in catalog.schema.layers}
    for name, info in catalog.by_name.items():
        labels.setdefault(info.layer, []).append(name)
    return labels


def _label_map(format_name: str, catalog: LabelCatalog, options: dict) -> dict:
    """The manifest's label map, one per export: the schema's labels of the layers written and,
    for the token formats, the tag names (for HF in id order, as `<name>.labels.json`)."""
    by_layer = _layer_labels(catalog)
    if "layer" not in options:
        return {"labels": by_layer}
    labels = by_layer[options["layer"]]
    if format_name == "hf":
        tags = hf.tag_names(labels)
    else:
        prefixes = "BILU" if options.get("scheme") == "bilou" else "BI"
        tags = ["O"] + [f"{prefix}-{label}" for label in labels for prefix in prefixes]
    return {"labels": {options["layer"]: labels}, "tags": tags}


class _Counting:
    """Counts what a format's writer writes: lines, and spans per label as the file holds them
    (a token format one layer, without what overlap="longest" drops; CSV no spans)."""

    def __init__(self, format_name: str, options: dict, counts: Counter) -> None:
        self.counts = counts
        self.layer = options.get("layer")
        self.longest = options.get("overlap") == "longest"
        self.spans = not registry.spec(format_name).raw_text
        self.by_layer = format_name == "spacy"  # doc.spans[layer]: duplicates once
        self.progress: Callable[[int], None] | None = None
        self.dropped: list[str] = []

    def records(self, records: Iterator[dict]) -> Iterator[dict]:
        """JSONL records passed through, counted (every span is written)."""
        for record in records:
            self._count(span["label"] for span in record["spans"])
            yield record

    def documents(self, documents: Iterator[DocumentRecord]) -> Iterator[DocumentRecord]:
        """Documents passed through, counted as the writer will write them."""
        for index, document in enumerate(documents):
            if not self.spans:
                self._count(())
            elif self.layer is not None:
                kept, dropped = keep_longest(layer_spans(document, self.layer))
                self._count(span.label for span in kept)
                if self.longest:
                    name = document_name(document, index)
                    self.dropped.extend(
                        str(Dropped(name, ref(document, span), ref(document, longer)))
                        for span, longer in dropped
                    )
            elif self.by_layer:
                layers = {span.layer or DEFAULT_LAYER for span in document.spans}
                self._count(s.label for layer in layers for s in layer_spans(document, layer))
            else:
                self._count(span.label for span in document.spans)
            yield document

    def _count(self, labels: Iterable[str]) -> None:
        self.counts["documents"] += 1
        self.counts.update(labels)
        if self.progress:
            self.progress(1)


def _write(format_name, records, path: Path, options: dict, counting: _Counting) -> list[Path]:
    """Hand records to the format's writer, counting what it writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if format_name == "jsonl":
        write_jsonl(counting.records(records), path)
        return [path]
    documents = documents_of(records)
    if registry.spec(format_name).contiguous_only:
        documents = fragments_as_spans(documents, counting.dropped)
    documents = counting.documents(documents)
    spec = registry.spec(format_name)
    write = spec.write  # the options checked against the spec's declarations
    if spec.writes_folder:  # written into a folder the user may keep other files in
        return list(write(documents, path, **options))
    with staging_folder(path) as staged:  # a failed export leaves nothing half-written
        written = [Path(p) for p in write(documents, staged / path.name, **options)]
        targets = [path.parent / p.relative_to(staged) for p in written]
        for source, target in zip(written, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_path(source, target)
    return targets


def _write_manifest(out, format_name, files, counts, catalog, facts: dict) -> Path:
    """manifest.json beside the output (inside it for a folder)."""
    target = out / "manifest.json" if out.is_dir() else out.with_name(f"{out.name}.manifest.json")
    manifest = {
        "format": format_name,
        "project_version": version("annotator"),
        "command": facts.pop("command") or " ".join(sys.argv),
        **facts,
        "counts": {name: dict(sorted(c.items())) for name, c in counts.items()},
        "files": {str(path): _sha256(path) for path in _all_files(files)},
        "schema": dump_schema(catalog.schema),
    }
    target.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def _all_files(paths: list[Path]) -> list[Path]:
    """The files written, folders expanded."""
    found = []
    for path in paths:
        found.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
