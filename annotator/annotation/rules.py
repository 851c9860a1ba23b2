"""What makes a span valid: bounds, some visible text, duplicates and the layer's overlap
policy.

Offsets are code points (`annotator.text.offsets`).
"""

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.errors import AnnotationError
from annotator.schema.catalog import LabelCatalog
from annotator.schema.catalog import LabelInfo
from annotator.text.brief import brief
from annotator.text.offsets import OffsetError
from annotator.text.offsets import check_span_bounds
from annotator.text.offsets import spans_overlap


@dataclass(frozen=True)
class ExistingSpan:
    """The part of a span that validity checks look at."""

    id: int | None
    start: int
    end: int
    label_id: int


def resolve_label(catalog: LabelCatalog, label_name: object) -> LabelInfo:
    """The schema's label called label_name, or an error listing the labels there are."""
    label = catalog.get(label_name) if isinstance(label_name, str) else None
    if label is None:
        known = ", ".join(catalog.by_name)
        raise AnnotationError(f"unknown label {brief(label_name)} (the schema has: {known})")
    return label


def check_span(
    text: str,
    label: LabelInfo,
    start: int,
    end: int,
    others: Iterable[ExistingSpan],
    catalog: LabelCatalog,
) -> None:
    """Raise AnnotationError unless [start, end) with label may join the others.

    The offsets must lie inside the text (check_bounds); an exact duplicate is always refused;
    a span may overlap a span of its own layer only where the layer allows overlap.
    """
    check_bounds(text, start, end)
    for other in others:
        if not spans_overlap(start, end, other.start, other.end):
            continue
        other_label = catalog.by_id[other.label_id]
        if (other.start, other.end, other.label_id) == (start, end, label.id):
            raise AnnotationError(
                f"{label.name} [{start}, {end}) '{text[start:end]}' is already annotated"
            )
        if other_label.layer == label.layer and not label.allow_overlap:
            raise AnnotationError(
                f"{label.name} [{start}, {end}) overlaps {other_label.name} "
                f"[{other.start}, {other.end}) '{text[other.start : other.end]}', and the "
                f"{label.layer_title} layer does not allow overlapping spans"
            )


def check_bounds(text: str, start: int, end: int) -> None:
    """Raise AnnotationError unless 0 <= start < end <= len(text) and the span covers more
    than whitespace: a span of only spaces or line breaks (the CR of a CRLF) can never be
    drawn or clicked. Cheap and reads no rows, so it runs before any query."""
    try:
        check_span_bounds(len(text), start, end)
    except OffsetError as error:
        raise AnnotationError(str(error)) from None
    if text[start:end].isspace():
        raise AnnotationError(
            f"[{start}, {end}) {text[start:end]!r} is only whitespace or line breaks"
        )


def check_spans(
    text: str,
    candidates: Sequence[tuple[int, int, LabelInfo]],
    catalog: LabelCatalog,
    existing: Sequence[ExistingSpan] = (),
) -> None:
    """check_span for many (start, end, label) at once: each against the existing spans and
    the candidates before it. Errors start with 'span N' (N indexes candidates).

    A sweep in start order keeps only the spans still open at each start, so a long document
    costs about n log n rather than n squared; the full check runs only where spans meet.
    """
    length = len(text)
    events = [(s.start, s.end, s.label_id, -1) for s in existing]
    for index, (start, end, label) in enumerate(candidates):
        if (
            type(start) is not int
            or type(end) is not int
            or not 0 <= start < end <= length
            or text[start:end].isspace()
        ):
            _check_one(index, text, label, start, end, (), catalog)
        events.append((start, end, label.id, index))
    events.sort()
    open_spans: list[tuple[int, int, int]] = []  # (end, start, label_id): plain tuples, fast
    by_id = catalog.by_id
    for start, end, label_id, index in events:
        if open_spans:
            open_spans = [span for span in open_spans if span[0] > start]
        if index >= 0 and open_spans:
            label = candidates[index][2]
            if any(
                other_label == label_id or by_id[other_label].layer == label.layer
                for _, _, other_label in open_spans
            ):
                others = [ExistingSpan(None, s, e, label_id) for e, s, label_id in open_spans]
                _check_one(index, text, label, start, end, others, catalog)
        open_spans.append((end, start, label_id))


def _check_one(index, text, label, start, end, others, catalog) -> None:
    """The full check of one candidate; its error is prefixed with the candidate's index."""
    try:
        check_span(text, label, start, end, others, catalog)
    except AnnotationError as error:
        raise AnnotationError(f"span {index}: {error}") from None
