"""Overlapping spans in one layer, which token tags (CoNLL, Hugging Face, spaCy's `doc.ents`)
cannot hold: listing them, and keeping the longest of each overlapping group.

A span without a layer counts as "entity". Duplicates (same offsets and label) are one span.
`overlap="fail"` refuses a layer with any overlapping pair, `overlap="longest"` keeps the
longest span of each overlapping group (ties: earliest start, then label).
"""

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from annotator.formats.options import Option
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord

DEFAULT_LAYER = "entity"
OVERLAPS = ("longest", "fail")
# The export options every one-layer (token) format declares in its FormatSpec.
LAYER_OPTION = Option("layer", "The layer a token format writes.", DEFAULT_LAYER)
OVERLAP_OPTION = Option(
    "overlap",
    "Overlapping spans in the layer: fail, naming each, or keep the longest.",
    OVERLAPS[0],
    OVERLAPS,
)


@dataclass(frozen=True, slots=True)
class SpanRef:
    """A span as messages show it: offsets, label and its text."""

    start: int
    end: int
    label: str
    text: str

    def __str__(self) -> str:
        """`LABEL [start, end) 'text'`."""
        return f"{self.label} [{self.start}, {self.end}) {self.text!r}"


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two spans of one layer of a document that overlap, so tags cannot hold both."""

    document: str
    first: SpanRef
    second: SpanRef

    def __str__(self) -> str:
        """`document: LABEL [s, e) 'text' overlaps LABEL [s, e) 'text'`."""
        return f"{self.document}: {self.first} overlaps {self.second}"


@dataclass(frozen=True, slots=True)
class Dropped:
    """A span that overlap="longest" leaves out, and the longer span it overlaps."""

    document: str
    span: SpanRef
    kept: SpanRef

    def __str__(self) -> str:
        """`document: dropped LABEL [s, e) 'text' (overlaps LABEL [s, e) 'text')`."""
        return f"{self.document}: dropped {self.span} (overlaps {self.kept})"


def document_name(document: DocumentRecord, index: int) -> str:
    """How messages name a document: its id, else where it came from, else its position."""
    return document.id or document.where or f"document {index + 1}"


def layer_spans(document: DocumentRecord, layer: str) -> list[Annotation]:
    """The document's spans in layer (no layer counts as "entity"), duplicates removed,
    sorted by (start, end, label)."""
    unique = {
        (span.start, span.end, span.label): span
        for span in document.spans
        if (span.layer or DEFAULT_LAYER) == layer
    }
    return [unique[key] for key in sorted(unique)]


def ref(document: DocumentRecord, span: Annotation) -> SpanRef:
    """The span with its text, for messages."""
    return SpanRef(span.start, span.end, span.label, document.text[span.start : span.end])


def overlapping_pairs(spans: list[Annotation]) -> list[tuple[Annotation, Annotation]]:
    """Every pair of spans (sorted by start) whose ranges overlap."""
    pairs = []
    for index, span in enumerate(spans):
        for other in spans[index + 1 :]:
            if other.start >= span.end:
                break
            pairs.append((span, other))
    return pairs


def keep_longest(spans: list[Annotation]) -> tuple[list[Annotation], list[tuple]]:
    """Non-overlapping spans, longest first (ties: earliest start, then label), sorted by
    start; and the (dropped, kept) pairs of the spans left out."""
    kept: list[Annotation] = []  # sorted by start; no overlaps, so also sorted by end
    starts: list[int] = []
    dropped: list[tuple[Annotation, Annotation]] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start, s.label)):
        index = bisect_left(starts, span.end)  # kept[:index] start before span ends
        if index and kept[index - 1].end > span.start:
            dropped.append((span, kept[index - 1]))
            continue
        kept.insert(index, span)
        starts.insert(index, span.start)
    dropped.sort(key=lambda pair: (pair[0].start, pair[0].end, pair[0].label))
    return kept, dropped


def document_conflicts(document: DocumentRecord, name: str, layer: str) -> list[Conflict]:
    """Every pair of overlapping spans in one document's layer."""
    return [
        Conflict(name, ref(document, first), ref(document, second))
        for first, second in overlapping_pairs(layer_spans(document, layer))
    ]


def document_dropped(document: DocumentRecord, name: str, layer: str) -> list[Dropped]:
    """The spans that overlap="longest" leaves out of one document's layer."""
    return [
        Dropped(name, ref(document, span), ref(document, kept))
        for span, kept in keep_longest(layer_spans(document, layer))[1]
    ]


def conflicts(documents: Iterable[DocumentRecord], layer: str = DEFAULT_LAYER) -> list[Conflict]:
    """Every pair of overlapping spans in layer, in every document."""
    return [
        conflict
        for index, document in enumerate(documents)
        for conflict in document_conflicts(document, document_name(document, index), layer)
    ]


def dropped(documents: Iterable[DocumentRecord], layer: str = DEFAULT_LAYER) -> list[Dropped]:
    """The spans that overlap="longest" leaves out of layer, in every document."""
    return [
        item
        for index, document in enumerate(documents)
        for item in document_dropped(document, document_name(document, index), layer)
    ]


def check_overlap_option(overlap: str) -> None:
    """ValueError unless overlap is one of OVERLAPS."""
    if overlap not in OVERLAPS:
        raise ValueError(f"overlap must be one of {OVERLAPS}, got {overlap!r}")


def overlap_reason(found: list[Conflict], layer: str) -> str:
    """The message of a refused export: how many pairs, then each on its own line."""
    listing = "\n".join(f"  {conflict}" for conflict in found)
    return f"{len(found)} overlapping span pair(s) in layer {layer!r}, not written:\n" + listing
