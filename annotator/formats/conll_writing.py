"""Writing documents as CoNLL-2003 text, one document at a time (the layout is described in
`annotator.formats.conll`).

Most documents are simple text (every grapheme one code point, see
`annotator.text.tokens.is_simple`): their text is cut at the kept spans' offsets and each piece
tokenized on its own, which gives exactly the tokens of the whole text with those offsets as
boundaries, as whole lines joined in C. A document with its own tokens (read from CoNLL) or
with joined graphemes goes through `annotator.formats.tagging.tag_document`.
"""

import re

from annotator.formats.overlaps import keep_longest
from annotator.formats.overlaps import layer_spans
from annotator.formats.overlaps import ref
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.tagging import check_span
from annotator.formats.tagging import encode_tags
from annotator.formats.tagging import sentence_starts
from annotator.formats.tagging import tag_document
from annotator.text.tokens import TOKEN_OFFSETS
from annotator.text.tokens import is_simple
from annotator.text.tokens import simple_words

DOCSTART = "-DOCSTART- -X- -X- O"
_LINE_BREAK = re.compile(r"[\r\n]")
_SPACE = re.compile(r"\s")


def document_text(out, name: str, document: DocumentRecord, layer: str, scheme: str) -> str:
    """DOCSTART, a blank line, then each sentence's `token<TAB>TAG` lines and a blank line."""
    spans = kept_spans(out, name, document, layer)
    if TOKEN_OFFSETS in document.meta or not is_simple(document.text):
        sentences = _tagged_sentences(out, name, document, layer, scheme)
    else:
        sentences = _simple_sentences(out, name, document, spans, scheme)
    return "".join([DOCSTART, "\n\n", *(f"{sentence}\n\n" for sentence in sentences)])


def kept_spans(out, name: str, document: DocumentRecord, layer: str) -> list[Annotation]:
    """The layer's spans that tags can hold (the longest of overlapping ones), checked: inside
    the text, with a label, and no whitespace in the label."""
    spans = keep_longest(layer_spans(document, layer))[0]
    for span in spans:
        check_span(out, name, document, span)
        if not span.label:
            raise FormatError(str(out), f"{name}: span {ref(document, span)} has no label")
        if _SPACE.search(span.label):
            raise FormatError(str(out), f"{name}: label {span.label!r} contains whitespace")
    return spans


class _Sentences:
    """Lines gathered into sentences: a line break between two tokens starts a new sentence
    unless the token after it continues a span."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.current: list[str] = []
        self.broken = False  # a line break since the last token

    def add(self, out, name: str, document: DocumentRecord, piece: str, span=None, scheme=""):
        """The tokens of a piece of text: outside spans (tag O) or the whole of span."""
        words: list[str] = []
        for index, part in enumerate(_LINE_BREAK.split(piece)):
            self.broken = self.broken or index > 0
            found = simple_words(part)
            if not found:
                continue
            if self.broken and self.current and (span is None or not words):
                self.done.append("\n".join(self.current))
                self.current = []
            self.broken = False
            if span is None:
                self.current.append("\tO\n".join(found) + "\tO")
            else:
                words.extend(found)
        if span is not None:
            if not words:
                raise FormatError(str(out), f"{name}: span {ref(document, span)} has no token")
            tags = encode_tags(len(words), [(0, len(words) - 1, span.label)], scheme)
            self.current.append("\n".join(map("\t".join, zip(words, tags, strict=True))))

    def finish(self) -> list[str]:
        """The sentences, each its lines joined."""
        if self.current:
            self.done.append("\n".join(self.current))
        return self.done


def _simple_sentences(out, name, document: DocumentRecord, spans, scheme: str) -> list[str]:
    """Sentences of a simple text: the pieces between span offsets tokenized one by one."""
    text = document.text
    sentences = _Sentences()
    position = 0
    for span in spans:
        sentences.add(out, name, document, text[position : span.start])
        sentences.add(out, name, document, text[span.start : span.end], span, scheme)
        position = span.end
    sentences.add(out, name, document, text[position:])
    return sentences.finish()


def _tagged_sentences(out, name, document: DocumentRecord, layer: str, scheme: str) -> list[str]:
    """Sentences from the document's tokens (its own, or from the tokenizer) and tags."""
    tagged = tag_document(out, name, document, layer, scheme)
    lines = [
        f"{word}\t{tag}" for word, tag in zip(tagged.words(document.text), tagged.tags, strict=True)
    ]
    starts = sentence_starts(document.text, tagged)
    edges = [*starts, len(lines)]
    return ["\n".join(lines[a:b]) for a, b in zip(edges, edges[1:], strict=False) if a < b]
