"""Turning a text and its spans into escaped HTML paragraphs.

Each non-empty line becomes a paragraph; inside it the text is cut at every span boundary
into segments, so spans of any layer may nest, overlap and cross paragraph breaks (a span
shows once in each paragraph it touches). Every segment carries `data-o`, its offset in the
browser's units, which is all the JavaScript needs to turn a selection into offsets. The text
is always escaped: it is data, never markup.

Pending suggestions cut segments the same way: a segment they cover gets `has-suggestion`, the
shortest one's `s-<label>` colour class and `data-suggestions` (ids, shortest first), and
`sg-start`/`sg-end` where a suggestion begins or ends, so the page draws them apart from spans.
"""

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup
from markupsafe import escape

from annotator.annotation.spans import SpanView
from annotator.schema.catalog import LabelCatalog
from annotator.schema.toml_file import COLOR_RE
from annotator.text.offsets import BrowserOffsets

_LINE = re.compile(r"[^\r\n]+")
# Layers past the fifth share the last band (see .seg.has-span in static/annotator.css).
_LAST_SLOT = 4
_FALLBACK_COLOR = "#cccccc"


@dataclass(frozen=True)
class Paragraph:
    """A non-empty line of the text, as code points [start, end) without its line break."""

    index: int
    start: int
    end: int


def split_paragraphs(text: str) -> list[Paragraph]:
    """The text's non-empty lines, split at LF, CRLF or CR."""
    return [
        Paragraph(index, match.start(), match.end())
        for index, match in enumerate(_LINE.finditer(text))
    ]


def paragraphs_touching(paragraphs: Sequence[Paragraph], start: int, end: int) -> list[Paragraph]:
    """The paragraphs that share at least one code point with [start, end)."""
    first = max(bisect_right([p.end for p in paragraphs], start), 0)
    touching = []
    for paragraph in paragraphs[first:]:
        if paragraph.start >= end:
            break
        touching.append(paragraph)
    return touching


def spans_by_paragraph(
    paragraphs: Sequence[Paragraph], spans: Sequence[SpanView]
) -> dict[int, list[SpanView]]:
    """Group spans under each paragraph they touch."""
    starts = [p.start for p in paragraphs]
    groups: dict[int, list[SpanView]] = {}
    for span in spans:
        index = max(bisect_right(starts, span.start) - 1, 0)
        while index < len(paragraphs) and paragraphs[index].start < span.end:
            if paragraphs[index].end > span.start:
                groups.setdefault(index, []).append(span)
            index += 1
    return groups


def render_paragraph(
    text: str,
    paragraph: Paragraph,
    spans: Sequence[SpanView],
    offsets: BrowserOffsets,
    layer_order: dict[str, int],
    suggestions: Sequence = (),
) -> Markup:
    """One paragraph's segments as HTML, without the enclosing element."""
    cuts = {paragraph.start, paragraph.end}
    for span in spans:
        cuts.update(cut for cut in (span.start, span.end) if paragraph.start < cut < paragraph.end)
    marks = [(s, start, end) for s in suggestions for start, end in s.pieces]
    for _, start, end in marks:
        cuts.update(cut for cut in (start, end) if paragraph.start < cut < paragraph.end)
    boundaries = sorted(cuts)
    pieces = []
    for seg_start, seg_end in zip(boundaries, boundaries[1:], strict=False):
        covering = [s for s in spans if s.start <= seg_start and s.end >= seg_end]
        html = _segment(
            text[seg_start:seg_end], offsets.to_browser(seg_start), covering, layer_order
        )
        if marks:
            html = _with_suggestions(html, seg_start, seg_end, marks)
        pieces.append(html)
    return Markup("".join(pieces))


def _with_suggestions(html: str, seg_start: int, seg_end: int, marks: list) -> str:
    """Add the suggestions covering a segment to its opening tag."""
    covering = [m for m in marks if m[1] <= seg_start and m[2] >= seg_end]
    if not covering:
        return html
    covering.sort(key=lambda m: (m[2] - m[1], m[0].id))
    classes = ["has-suggestion", f"s-{covering[0][0].label.id}"]
    if any(start == seg_start for _, start, _ in covering):
        classes.append("sg-start")
    if any(end == seg_end for _, _, end in covering):
        classes.append("sg-end")
    ids = " ".join(dict.fromkeys(str(m[0].id) for m in covering))
    head, rest = html.split('" data-o=', 1)
    return f'{head} {" ".join(classes)}" data-suggestions="{ids}" data-o={rest}'


def _segment(
    segment_text: str, browser_offset: int, covering: list[SpanView], layer_order: dict[str, int]
) -> str:
    """A run of text with the same covering spans (plain string building: this is the hot
    loop of a long article, and escape() is markupsafe's C speed-up)."""
    if not covering:
        return f'<span class="seg" data-o="{browser_offset}">{_shown(segment_text)}</span>'
    covering.sort(key=lambda s: (s.end - s.start, s.id))
    ids = " ".join(str(s.id) for s in covering)
    # One colour class per layer: where spans of a layer overlap, the shortest one's.
    classes: dict[str, str] = {}
    for span in covering:
        classes.setdefault(span.label.layer, f"l-{span.label.id}")
    return (
        f'<span class="seg has-span {" ".join(classes.values())}" data-o="{browser_offset}" '
        f'data-spans="{ids}">{_shown(segment_text)}</span>'
    )


def _shown(segment_text: str) -> Markup:
    """The segment escaped for HTML. HTML parsers drop U+0000, which would shift every browser
    offset after it: U+FFFD stands in for it, one UTF-16 unit like the character it shows."""
    return escape(segment_text.replace("\x00", "\ufffd"))


def label_styles(catalog: LabelCatalog) -> str:
    """The label stylesheet: each label's colour on the custom property of its layer's position.

    annotator.css draws --c0 (the first layer) as a background and --c1.. as bands under the
    text, so a segment covered on several layers shows all of them at once. Classes are keyed
    by label id (`l-3` spans, `s-3` suggestions, `lb-3` label buttons), so no label name ever
    reaches CSS; a colour that is not #rrggbb (the schema rule) is drawn grey.
    """
    rules = []
    for order, layer in enumerate(catalog.schema.layers):
        slot = min(order, _LAST_SLOT)
        for spec in layer.labels:
            label = catalog.by_name[spec.name]
            color = label.color if COLOR_RE.fullmatch(label.color) else _FALLBACK_COLOR
            rules.append(f".l-{label.id}{{--c{slot}:{color}}}")
            rules.append(f".s-{label.id}{{--s:{color}}}")
            rules.append(f".lb-{label.id}{{--label-color:{color}}}")
    return "\n".join(rules) + "\n"


def render_document(
    text: str,
    spans: Sequence[SpanView],
    layer_order: dict[str, int],
    only: Sequence[Paragraph] | None = None,
    suggestions: Sequence = (),
) -> list[tuple[Paragraph, Markup]]:
    """Every paragraph of the text (or just those in only) with its rendered segments;
    suggestions (pending, with id, label and pieces) are drawn apart from the spans."""
    offsets = BrowserOffsets(text)
    paragraphs = split_paragraphs(text)
    groups = spans_by_paragraph(paragraphs, spans)
    suggested = spans_by_paragraph(paragraphs, suggestions) if suggestions else {}
    return [
        (
            p,
            render_paragraph(
                text, p, groups.get(p.index, []), offsets, layer_order, suggested.get(p.index, ())
            ),
        )
        for p in (paragraphs if only is None else only)
    ]
