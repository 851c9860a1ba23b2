"""Discontinuous spans for formats that cannot hold them.

Token tags (CoNLL, Hugging Face) and spaCy spans are contiguous: written as its extent, a
discontinuous span ("New [and old] York") would label its gap too. Those formats get one span
per fragment instead (`FormatSpec.contiguous_only`), and the export says which spans it wrote
that way.
"""

from collections.abc import Iterator

from annotator.formats.overlaps import document_name
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord


def fragments_as_spans(
    documents: Iterator[DocumentRecord], notes: list[str]
) -> Iterator[DocumentRecord]:
    """The documents with each discontinuous span replaced by one span per fragment (same
    label and layer); a line in notes for each span written that way."""
    for index, document in enumerate(documents):
        if any(span.fragments for span in document.spans):
            document.spans = list(_split(document, index, notes))
        yield document


def _split(document: DocumentRecord, index: int, notes: list[str]) -> Iterator[Annotation]:
    """The document's spans, discontinuous ones cut into their fragments."""
    for span in document.spans:
        if not span.fragments or len(span.fragments) < 2:
            yield span
            continue
        notes.append(
            f"{document_name(document, index)}: discontinuous {span.label} "
            f"[{span.start}, {span.end}) written as {len(span.fragments)} spans, one per fragment"
        )
        for start, end in span.fragments:
            yield Annotation(
                start, end, span.label, layer=span.layer, text=document.text[start:end]
            )
