"""What makes a span valid: bounds, some visible text, duplicates and the layer's overlap
policy.

Offsets are code points (`annotator.text.offsets`).
"""

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from annotator.errors import AnnotationError
from annotator.errors import OverlapError
from annotator.schema.catalog import LabelCatalog
from annotator.schema.catalog import LabelInfo
from annotator.text.brief import brief
from annotator.text.offsets import OffsetError
from annotator.text.offsets import check_span_bounds
from annotator.text.offsets import pieces_overlap

Pieces = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ExistingSpan:
    """The part of a span that validity checks look at."""

    id: int | None
    start: int
    end: int
    label_id: int
    fragments: Pieces | None = None  # a discontinuous span's pieces; its gaps are free

    @property
    def pieces(self) -> Pieces:
        """The ranges the span covers: its fragments (stored as JSON lists), or [start, end)."""
        if self.fragments:
            return tuple((start, end) for start, end in self.fragments)
        return ((self.start, self.end),)


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
    fragments: Pieces | None = None,
) -> None:
    """Raise AnnotationError unless [start, end) with label (made of fragments, when
    discontinuous) may join the others.

    The offsets must lie inside the text (check_bounds); an exact duplicate is always refused;
    a span may overlap a span of its own layer only where the layer allows overlap. Spans
    overlap where their pieces do: a span in the gap of a discontinuous one does not.
    """
    check_bounds(text, start, end)
    pieces = tuple((s, e) for s, e in fragments) if fragments else ((start, end),)
    for other in others:
        if not pieces_overlap(pieces, other.pieces):
            continue
        other_label = catalog.by_id[other.label_id]
        if (other.start, other.end, other.label_id, other.pieces) == (start, end, label.id, pieces):
            raise AnnotationError(
                f"{label.name} [{start}, {end}) '{text[start:end]}' is already annotated"
            )
        if other_label.layer == label.layer and not label.allow_overlap:
            raise OverlapError(
                f"{label.name} [{start}, {end}) overlaps {other_label.name} "
                f"[{other.start}, {other.end}) '{text[other.start : other.end]}', and the "
                f"{label.layer_title} layer does not allow overlapping spans",
                label.layer,
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
    candidates: Sequence[tuple],
    catalog: LabelCatalog,
    existing: Sequence[ExistingSpan] = (),
) -> None:
    """check_span for many (start, end, label) or (start, end, label, fragments) at once: each
    against the existing spans and the candidates before it. Errors start with 'span N' (N
    indexes candidates).

    A sweep over the spans' pieces in start order keeps only the pieces still open at each
    start, so a long document costs about n log n rather than n squared; the full check runs
    only where two spans meet, whichever of them is the candidate. New contiguous spans of which
    no two in one layer meet (most imported documents) need no sweep at all.
    """
    length = len(text)
    for index, candidate in enumerate(candidates):
        start, end, label = candidate[:3]
        if (
            type(start) is not int
            or type(end) is not int
            or not 0 <= start < end <= length
            or text[start:end].isspace()
        ):
            fragments = candidate[3] if len(candidate) > 3 else None
            _check_one(index, text, label, start, end, (), catalog, fragments)
    if not existing and _apart_in_each_layer(candidates):
        return
    _sweep(text, candidates, catalog, existing)


def _apart_in_each_layer(candidates: Sequence[tuple]) -> bool:
    """True when the candidates are contiguous, none repeats another, and no two meet in a
    layer that forbids overlap: then there is nothing for the sweep to find. Sorted by layer and
    start, each span of such a layer must end before the next one of its layer starts."""
    if any(len(candidate) > 3 and candidate[3] for candidate in candidates):
        return False  # fragments: the sweep looks at the pieces
    if len({(c[0], c[1], c[2].id) for c in candidates}) < len(candidates):
        return False
    forbidding = sorted((c[2].layer, c[0], c[1]) for c in candidates if not c[2].allow_overlap)
    for (layer, _, end), (next_layer, next_start, _) in pairwise(forbidding):
        if end > next_start and layer == next_layer:
            return False
    return True


def _sweep(
    text: str,
    candidates: Sequence[tuple],
    catalog: LabelCatalog,
    existing: Sequence[ExistingSpan],
) -> None:
    """The sweep of check_spans, on candidates whose bounds were checked."""
    spans: list[ExistingSpan] = list(existing)  # by owner: existing spans, then candidates
    candidate_of: list[int] = [-1] * len(spans)  # owner -> index in candidates, or -1
    events = []  # (piece start, piece end, label id, owner): plain tuples, fast
    for owner, span in enumerate(spans):
        for start, end in span.pieces:
            events.append((start, end, span.label_id, owner))
    for index, candidate in enumerate(candidates):
        start, end, label = candidate[:3]
        fragments = candidate[3] if len(candidate) > 3 else None
        owner = len(spans)
        spans.append(ExistingSpan(None, start, end, label.id, fragments))
        candidate_of.append(index)
        for piece_start, piece_end in fragments or ((start, end),):
            events.append((piece_start, piece_end, label.id, owner))
    events.sort()
    open_pieces: list[tuple[int, int, int]] = []  # (end, label id, owner)
    by_id = catalog.by_id
    for start, end, label_id, owner in events:
        if open_pieces:
            open_pieces = [piece for piece in open_pieces if piece[0] > start]
        if open_pieces:
            layer = by_id[label_id].layer
            meeting = {
                other
                for _, other_label, other in open_pieces
                if other != owner
                and (other_label == label_id or by_id[other_label].layer == layer)
                and (candidate_of[other] >= 0 or candidate_of[owner] >= 0)
            }
            for other in sorted(meeting):
                _check_pair(spans, candidate_of, owner, other, text, catalog, candidates)
        open_pieces.append((end, label_id, owner))


def _check_pair(spans, candidate_of, owner, other, text, catalog, candidates) -> None:
    """The full check of the later candidate of two spans whose pieces meet, against the
    other span."""
    first, second = sorted((owner, other))  # existing spans come first, then candidates
    index = candidate_of[second]
    span = spans[second]
    label = candidates[index][2]
    _check_one(index, text, label, span.start, span.end, [spans[first]], catalog, span.fragments)


def _check_one(index, text, label, start, end, others, catalog, fragments=None) -> None:
    """The full check of one candidate; its error is prefixed with the candidate's index."""
    try:
        check_span(text, label, start, end, others, catalog, fragments)
    except AnnotationError as error:
        error.args = (f"span {index}: {error}",)  # keeps its kind (an overlap, a duplicate)
        raise
