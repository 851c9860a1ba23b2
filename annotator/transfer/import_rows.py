"""One imported document as database rows: its spans and suggestions checked against its text,
its status checked against the statuses we know."""

from annotator.annotation.rules import ExistingSpan
from annotator.annotation.rules import check_spans
from annotator.errors import AnnotationError
from annotator.errors import OverlapError
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.scores import checked_score
from annotator.models.annotations import Status
from annotator.models.suggestions import SuggestionStatus
from annotator.schema.catalog import LabelCatalog
from annotator.text.brief import brief
from annotator.text.document_text import title_of

# Span rows of a bulk insert are tuples in this order (the fast path in db.insert_plain_rows).
SPAN_COLUMNS = ("document_id", "annotator_id", "label_id", "start", "end", "text")
_SUGGESTION_STATUSES = frozenset(status.value for status in SuggestionStatus)


def document_row(document: DocumentRecord, document_id: str, text_hash: str) -> dict:
    """The row of a new document; what the project cannot store yet goes into meta."""
    meta = dict(document.meta)
    if document.kept:
        meta["kept"] = document.kept
    return {
        "id": document_id,
        "title": document.title or title_of(document.text),
        "text": document.text,
        "source": document.source,
        "meta": meta,
        "content_hash": text_hash,
    }


def span_rows(
    document: DocumentRecord,
    document_id: str,
    annotator_id: int,
    catalog: LabelCatalog,
    existing: list[ExistingSpan],
) -> list:
    """Check a document's spans and return rows for those not stored yet: tuples in
    SPAN_COLUMNS order, or dicts for discontinuous spans (their fragments are JSON)."""
    text = document.text
    stored = {(span.start, span.end, span.label_id) for span in existing}
    candidates = []
    fragments_of = {}
    first_of: dict[tuple, int] = {}  # a span's label and offsets -> its first index
    repeats = []
    by_name = catalog.by_name
    for index, span in enumerate(document.spans):
        label = by_name[span.label]
        if span.layer_stated and span.layer != label.layer:
            _check_layer(document, index, span, label.layer)
        if (span.start, span.end, label.id) in stored:
            continue
        key = (span.start, span.end, label.id, repr(span.fragments) if span.fragments else None)
        if key in first_of:  # brat corpora repeat a span under two ids: kept once, and said
            first = first_of[key]
            repeats.append(f"{_name(span, index)} = {_name(document.spans[first], first)}")
            continue
        first_of[key] = index
        if span.text is not None and (span.fragments or span.text != text[span.start : span.end]):
            _check_own_text(document, index, span)
        fragments = None
        if span.fragments:
            fragments = fragments_of[len(candidates)] = _checked_fragments(document, index, span)
        candidates.append((span.start, span.end, label, fragments))
    try:
        check_spans(text, candidates, catalog, existing)
    except OverlapError as error:
        raise FormatError(document.where, f"{error}; {overlap_way_out(error.layer)}") from None
    except AnnotationError as error:
        raise FormatError(document.where, str(error)) from None
    if repeats:
        _note_repeats(document, repeats)
    rows: list = []
    for index, (start, end, label, _fragments) in enumerate(candidates):
        if index in fragments_of:  # a JSON column: goes through SQLAlchemy, as a dict
            values = (document_id, annotator_id, label.id, start, end, text[start:end])
            rows.append(dict(zip(SPAN_COLUMNS, values, strict=True), fragments=fragments_of[index]))
        else:
            rows.append((document_id, annotator_id, label.id, start, end, text[start:end]))
    return rows


def _name(span: Annotation, index: int) -> str:
    """How messages name a span: as its file did, else by its index."""
    return span.ref or f"span {index}"


def _note_repeats(document: DocumentRecord, repeats: list[str]) -> None:
    """Say in the import report which spans repeated another and were kept once."""
    shown = ", ".join(repeats[:5]) + (f" and {len(repeats) - 5} more" if len(repeats) > 5 else "")
    document.notes.append(
        f"{document.where or document.id}: {len(repeats)} span(s) with the same label and "
        f"offsets as another kept once ({shown})"
    )


def overlap_way_out(layer: str) -> str:
    """How a user brings in a corpus whose spans overlap in a layer that forbids it."""
    return (
        f"to keep such spans, let the {layer} layer allow overlap first: `annotator schema show "
        f"> schema.toml`, set allow_overlap = true under the {layer} layer, then `annotator "
        "schema load schema.toml`"
    )


def _check_layer(
    document: DocumentRecord, index: int, span: Annotation, layer: str, what: str = "span"
) -> None:
    """A span whose file states its layer must name its label's layer (not silently ignored)."""
    if span.layer_stated and span.layer != layer:
        raise FormatError(
            document.where,
            f"{span.ref or f'{what} {index}'}: layer {brief(span.layer)} is not the layer of "
            f"label {brief(span.label)}, which is {layer!r}",
        )


def _check_own_text(document: DocumentRecord, index: int, span: Annotation) -> None:
    """A span that carries its text must match the document there. A discontinuous span's
    text is its whole extent (what our export writes) or its fragments' texts joined by a
    space (what brat writes in its .ann)."""
    if span.text is None:
        return
    marked = document.text[span.start : span.end]
    if span.fragments:
        pieces = " ".join(document.text[start:end] for start, end in span.fragments)
        if span.text in (marked, pieces):
            return
        raise FormatError(
            document.where,
            f"{span.ref or f'span {index}'}: text {brief(span.text)} matches neither the text "
            f"at [{span.start}, {span.end}): {brief(marked)} nor its fragments joined by a "
            f"space: {brief(pieces)}",
        )
    if span.text != marked:
        raise FormatError(
            document.where,
            f"{span.ref or f'span {index}'}: text {brief(span.text)} does not match the text at "
            f"[{span.start}, {span.end}): {brief(marked)}",
        )


def _checked_fragments(document: DocumentRecord, index: int, span: Annotation) -> list:
    """A discontinuous span's pieces: in order, inside its extent and the text."""
    pieces = [list(piece) for piece in span.fragments]
    flat = [offset for piece in pieces for offset in piece]
    if (
        flat != sorted(flat)
        or flat[0] != span.start
        or flat[-1] != span.end
        or any(start >= end for start, end in pieces)
        or span.end > len(document.text)
    ):
        raise FormatError(
            document.where, f"{span.ref or f'span {index}'}: fragments {pieces} do not fit"
        )
    return pieces


def suggestion_rows(
    document: DocumentRecord, document_id: str, catalog: LabelCatalog, source: str
) -> list[dict]:
    """Rows for a document's suggestions (and rejected answers, kept apart as rejected)."""
    batches = (
        (document.suggestions, SuggestionStatus.PENDING),
        (document.rejected, SuggestionStatus.REJECTED),
    )
    text = document.text
    rows = []
    for annotations, status in batches:
        for index, annotation in enumerate(annotations):
            start, end = annotation.start, annotation.end
            label = catalog.by_name[annotation.label]
            _check_layer(document, index, annotation, label.layer, "suggestion")
            if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
                raise FormatError(
                    document.where,
                    f"{annotation.ref or f'suggestion {index}'}: [{start}, {end}) does not fit "
                    f"the text (length {len(text)})",
                )
            fragments = annotation.fragments
            rows.append(
                {
                    "document_id": document_id,
                    "label_id": label.id,
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                    "fragments": [list(piece) for piece in fragments] if fragments else None,
                    "source": annotation.source or source,
                    "score": _score(document, annotation, index),
                    # the status a file gives a suggestion (our own export does), else the default
                    "status": annotation.status
                    if annotation.status in _SUGGESTION_STATUSES
                    else status.value,
                }
            )
    return rows


def _score(document: DocumentRecord, annotation: Annotation, index: int) -> float | None:
    """A suggestion's score, a finite number or None; FormatError naming the line if not."""
    try:
        return checked_score(annotation.score)
    except ValueError as error:
        ref = annotation.ref or f"suggestion {index}"
        raise FormatError(document.where, f"{ref}: {error}") from None


def status_of(document: DocumentRecord, *, has_spans: bool) -> str:
    """The status a file gives a document, defaulting by whether it carries spans."""
    if document.status is None:
        return Status.IN_PROGRESS.value if has_spans else Status.NEW.value
    try:
        return Status(document.status).value
    except ValueError:
        known = ", ".join(item.value for item in Status)
        raise FormatError(
            document.where, f"unknown status '{document.status}' (one of: {known})"
        ) from None
