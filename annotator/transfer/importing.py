"""Importing documents (and the spans they carry) into the database, from any format.

Each input file is one transaction: written whole or not at all. Its format's reader hands over
one document at a time, and they are written in batches inside that transaction, so memory stays
flat as the file grows; a bad line at the end still refuses the whole file (the transaction is
rolled back). A text already in the database (same content hash) is not duplicated; its spans
are added to it, skipping those it already has, so an export imports back unchanged. What the
database cannot hold yet (relations, attributes, notes, unsupported lines) is counted and kept
in the document's metadata.
"""

from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from annotator.db.engine import writing
from annotator.db.session import session_scope
from annotator.formats import registry
from annotator.formats.folders import files_below
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.schema.catalog import LabelCatalog
from annotator.schema.catalog import load_catalog
from annotator.schema.stored import add_labels
from annotator.schema.toml_file import SchemaError
from annotator.text.document_text import content_hash
from annotator.transfer.import_batch import BatchContext
from annotator.transfer.import_batch import FileReport
from annotator.transfer.import_batch import write_batch
from annotator.transfer.import_checks import checked_documents

Progress = Callable[[int], None]
BATCH_SIZE = 1000  # documents written at a time


@dataclass
class ImportOptions:
    """How to import: the CLI's and the web import page's choices."""

    annotator_name: str
    format: str | None = None  # None: recognise each file's format from its content
    add_labels: bool = False  # add labels the schema lacks instead of refusing the file
    as_suggestions: bool = False  # the file's spans are predictions, not annotations
    source: str | None = None  # the name suggestions are filed under
    keep_boilerplate: bool = False
    # The readers' options (see each FormatSpec), e.g. {"rejected": "drop"}: each input's
    # reader gets those its format declares, checked against the declared choices.
    format_options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RefusedInput:
    """An input that was refused: nothing of it was written."""

    path: str
    format: str
    reason: str


@dataclass
class ImportReport:
    """What an import added, input by input, and the inputs it refused."""

    files: list[FileReport] = field(default_factory=list)
    refused: list[RefusedInput] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # links out of a given folder, not read

    def total(self, name: str) -> int:
        """The sum of one FileReport counter over all files."""
        return sum(getattr(report, name) for report in self.files)


def total_size(paths: Iterable[str | Path]) -> int:
    """The bytes an import of paths will read, for a progress bar."""
    total = 0
    for path in map(Path, paths):
        if path.is_dir():
            total += sum(entry.stat().st_size for _, entry in files_below(path))
        elif path.is_file():
            total += path.stat().st_size
    return total


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    options: ImportOptions,
    progress: Progress | None = None,
    *,
    keep_going: bool = False,
) -> ImportReport:
    """Import files and folders, one transaction per input.

    A bad input (FormatError naming file and line, and the format it was read as) writes
    nothing of itself; the inputs before it stay imported. It is raised, or with keep_going
    noted in the report's `refused` while the remaining inputs are imported.
    """
    report = ImportReport()
    inputs = registry.inputs(list(paths), options.format, skipped=report.skipped)
    with session_scope(engine) as session:
        for path, format_name in inputs:
            spec = registry.spec(format_name)
            file_report = FileReport(path=str(path), format=format_name)
            # One SQLite writer at a time, from the input's first read of stored rows (its
            # annotators, ids, texts) to its commit: two imports into one new database both
            # found no annotator and both inserted one (UNIQUE constraint failed).
            with writing(session):
                try:
                    documents = _with_origin(spec.read_with(path, options.format_options), path)
                    if spec.raw_text and not options.keep_boilerplate:
                        documents = _without_boilerplate(documents, file_report)
                    _import_stream(session, documents, options, file_report)
                except (FormatError, SchemaError) as error:
                    if isinstance(error, FormatError):  # recognition may have guessed wrong
                        error.args = (f"read as {format_name}: {error}",)
                    session.rollback()  # before the gate opens for the next writer
                    if not keep_going:
                        raise
                    report.refused.append(RefusedInput(str(path), format_name, str(error)))
                else:
                    session.commit()
                    report.files.append(file_report)
            if progress:
                progress(total_size([path]))
    return report


def import_documents(
    engine: Engine, documents: Iterable[DocumentRecord], options: ImportOptions, *, name: str
) -> FileReport:
    """Import documents read by other means (a test, a web upload) as one transaction."""
    report = FileReport(path=name)
    with session_scope(engine) as session, writing(session):
        _import_stream(session, documents, options, report)
        session.commit()
    return report


def _with_origin(documents: Iterable[DocumentRecord], path: Path) -> Iterator[DocumentRecord]:
    """Documents that say which file they came from, for the database and for messages."""
    for document in documents:
        document.source = document.source or path.name
        document.where = document.where or str(path)
        yield document


def _without_boilerplate(
    documents: Iterable[DocumentRecord], report: FileReport
) -> Iterator[DocumentRecord]:
    """Cut teaser and paywall lines out of raw text, keeping the original in the metadata."""
    from annotator.text.boilerplate import strip_boilerplate

    for document in documents:
        cleaned = strip_boilerplate(document.text)
        if cleaned.removed:
            document.meta["boilerplate"] = {
                "original_text": cleaned.original,
                "removed": [
                    {"start": r.start, "end": r.end, "text": r.text, "rule": r.rule}
                    for r in cleaned.removed
                ],
            }
            document.text = cleaned.text
            report.boilerplate_lines.extend(
                line for removed in cleaned.removed for line in removed.text.splitlines() if line
            )
        yield document


def _import_stream(
    session: Session,
    documents: Iterable[DocumentRecord],
    options: ImportOptions,
    report: FileReport,
) -> None:
    """Write one input's documents in batches, in the open transaction (the caller commits).

    Labels the schema lacks are added when asked to; otherwise the rest of the input is still
    read (so the refusal lists every such label with its count, and a bad line is named
    first), and nothing is written after the first one.
    """
    documents = checked_documents(documents, report.seen)  # before their labels are looked at
    labels = _LabelCheck(session, options, report)
    context = BatchContext(
        session,
        labels.catalog,
        report,
        options.annotator_name,
        options.source or f"import:{report.format or 'jsonl'}",
    )
    for batch in _batches(documents, options.as_suggestions):
        context.catalog = labels.admit(batch)
        if not labels.missing:
            write_batch(context, batch)
    labels.finish()


def _batches(
    documents: Iterable[DocumentRecord], as_suggestions: bool
) -> Iterator[list[tuple[DocumentRecord, str]]]:
    """(document, content hash) in batches of up to BATCH_SIZE, each text once per batch."""
    batch: list[tuple[DocumentRecord, str]] = []
    hashes: set[str] = set()
    for document in documents:
        if as_suggestions:
            document.suggestions = [*document.spans, *document.suggestions]
            document.spans = []
        text_hash = content_hash(document.text)
        if text_hash in hashes or len(batch) >= BATCH_SIZE:
            yield batch
            batch, hashes = [], set()
        batch.append((document, text_hash))
        hashes.add(text_hash)
    if batch:
        yield batch


class _LabelCheck:
    """Labels an input uses that the schema lacks: added, or counted for the refusal."""

    def __init__(self, session: Session, options: ImportOptions, report: FileReport) -> None:
        self.session = session
        self.add = options.add_labels
        self.report = report
        self.catalog: LabelCatalog = load_catalog(session)
        self.missing: Counter = Counter()

    def admit(self, batch: list[tuple[DocumentRecord, str]]) -> LabelCatalog:
        """The catalog to write the batch with, its lacking labels added (or counted)."""
        used: Counter = Counter()
        layers: dict[str, str] = {}
        known = self.catalog.by_name
        for document, _ in batch:
            for annotation in (*document.spans, *document.suggestions, *document.rejected):
                if annotation.label not in known:
                    used[annotation.label] += 1
                    layers.setdefault(annotation.label, annotation.layer or "entity")
        if used and not self.add:
            self.missing.update(used)
        elif used:
            add_labels(self.session, layers, where=self.report.path)
            self.report.labels_added.extend(sorted(used))
            self.catalog = load_catalog(self.session)
        return self.catalog

    def finish(self) -> None:
        """Refuse the input when it used labels the schema lacks, naming each with its count."""
        if self.missing:
            listed = ", ".join(f"{label} ({n})" for label, n in sorted(self.missing.items()))
            raise FormatError(
                self.report.path, f"labels the schema lacks: {listed}; add them with --add-labels"
            )
