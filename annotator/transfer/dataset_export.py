"""Exports that are ready to train on: any format, split by document, with a manifest.

`export_dataset` turns the stored annotations into interchange documents, optionally splits
them by document (deterministically: a seeded shuffle of the sorted document ids, so no text is
in two splits), hands each split to the format's writer, and writes a manifest beside the
output: format, schema, counts per label and split, the command, the project version and a
sha256 per file, so a dataset can be traced and reproduced.

Everything streams: documents come from the database as the writer takes them, and a split is
one more pass over the database that keeps its own documents, so memory does not grow with the
corpus. Only the document ids are held (for the seeded shuffle).
"""

import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from sqlmodel import Session

from annotator.formats import registry
from annotator.formats.output import replace_path
from annotator.formats.output import staging_folder
from annotator.formats.overlaps import document_dropped
from annotator.formats.overlaps import document_name
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.schema.catalog import LabelCatalog
from annotator.schema.toml_file import dump_schema
from annotator.transfer.exporting import document_ids
from annotator.transfer.exporting import export_records
from annotator.transfer.exporting import write_jsonl

# The writer options each format takes (its writer refuses others).
WRITER_OPTIONS = {
    "brat": ("schema",),
    "conll": ("layer", "scheme", "overlap"),
    "hf": ("layer", "overlap", "labels"),
}
FOLDER_OUTPUTS = ("brat",)


@dataclass(frozen=True)
class ExportedDataset:
    """What an export wrote."""

    files: list[Path]
    manifest: Path
    counts: dict[str, dict[str, int]]  # split -> label -> spans (and "documents")
    dropped: list[str]  # CoNLL/HF with overlap="longest": each span left out, and why


def parse_split(value: str) -> list[tuple[str, float]]:
    """'train=0.8,dev=0.1,test=0.1' -> [("train", 0.8), ...]; the shares must add up to 1."""
    parts = []
    for item in value.split(","):
        name, _, share = item.partition("=")
        try:
            parts.append((name.strip(), float(share)))
        except ValueError:
            raise ValueError(f"split '{item}' is not NAME=SHARE") from None
    if not parts or any(not name or share <= 0 for name, share in parts):
        raise ValueError(f"split '{value}' needs NAME=SHARE parts with shares above 0")
    if abs(sum(share for _, share in parts) - 1) > 1e-6:
        raise ValueError(f"split shares add up to {sum(s for _, s in parts):g}, not 1")
    return parts


def assign_splits(document_ids: list[str], parts: list[tuple[str, float]], seed: int) -> dict:
    """Each document id's split: a seeded shuffle of the sorted ids, cut by the shares."""
    ids = sorted(set(document_ids))
    random.Random(seed).shuffle(ids)
    assigned, start = {}, 0
    for index, (name, share) in enumerate(parts):
        end = len(ids) if index == len(parts) - 1 else start + round(share * len(ids))
        assigned.update((document_id, name) for document_id in ids[start:end])
        start = end
    return assigned


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
            counted = _counting(chosen, counts.setdefault(name or "all", Counter()), progress)
            files.extend(_write(format_name, counted, path, catalog, writer_options or {}, dropped))
        finally:  # a writer that stopped early: close the cursors while the session is open
            records.close()
    manifest = _write_manifest(out, format_name, files, counts, catalog, split, seed, command)
    return ExportedDataset(files, manifest, {k: dict(v) for k, v in counts.items()}, dropped)


def _split_path(out: Path, split_name: str, format_name: str) -> Path:
    """Where one split goes: out/<split>/ for folder formats, else <stem>.<split><suffix>."""
    if format_name in FOLDER_OUTPUTS and out.suffix != ".zip":
        return out / split_name
    return out.with_name(f"{out.stem}.{split_name}{out.suffix}")


def _in_split(records: Iterator[dict], assigned: dict, name: str) -> Iterator[dict]:
    """The records of the documents assigned to split name."""
    return (record for record in records if assigned[record["id"]] == name)


def _counting(records: Iterator[dict], counts: Counter, progress) -> Iterator[dict]:
    """Pass records through, counting documents and spans per label (and reporting progress)."""
    for record in records:
        counts["documents"] += 1
        counts.update(span["label"] for span in record["spans"])
        if progress:
            progress(1)
        yield record


def _write(format_name, records, path: Path, catalog, options: dict, dropped: list) -> list[Path]:
    """Hand records to the format's writer (adding to dropped what it will leave out)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if format_name == "jsonl":
        write_jsonl(records, path)
        return [path]
    accepted = WRITER_OPTIONS.get(format_name, ())
    chosen = {key: value for key, value in options.items() if key in accepted and value is not None}
    if "schema" in accepted:
        chosen["schema"] = catalog.schema
    if "labels" in accepted:  # from the schema, so every split has the same label ids
        layer = chosen.get("layer", "entity")
        chosen["labels"] = [name for name, info in catalog.by_name.items() if info.layer == layer]
    documents = documents_of(records)
    if chosen.get("overlap") == "longest":
        documents = _noting_dropped(documents, chosen["layer"], dropped)
    write = registry.module(format_name).write
    if format_name in FOLDER_OUTPUTS:  # written into a folder the user may keep other files in
        return list(write(documents, path, **chosen))
    with staging_folder(path) as staged:  # a failed export leaves nothing half-written
        written = [Path(p) for p in write(documents, staged / path.name, **chosen)]
        targets = [path.parent / p.relative_to(staged) for p in written]
        for source, target in zip(written, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_path(source, target)
    return targets


def _noting_dropped(documents, layer: str, dropped: list[str]) -> Iterator[DocumentRecord]:
    """Pass documents through, adding to dropped the spans overlap="longest" leaves out."""
    for index, document in enumerate(documents):
        name = document_name(document, index)
        dropped.extend(str(item) for item in document_dropped(document, name, layer))
        yield document


def _write_manifest(out, format_name, files, counts, catalog, split, seed, command) -> Path:
    """manifest.json beside the output (inside it for a folder)."""
    target = out / "manifest.json" if out.is_dir() else out.with_name(f"{out.name}.manifest.json")
    manifest = {
        "format": format_name,
        "project_version": version("annotator"),
        "command": command or " ".join(sys.argv),
        "split": split,
        "seed": seed if split else None,
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
