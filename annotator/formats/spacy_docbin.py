"""spaCy v3 DocBin (`.spacy`) files; needs the optional extra: pip install annotator[spacy].

Read: for each Doc, the text is `doc.text`; spans come from every `doc.spans[key]` (layer =
key) and from `doc.ents` (layer "entity"), duplicates removed. spaCy's character offsets are
Python string indexes, i.e. code points, as ours. The id and title written by `write` are
restored from `doc.user_data`; a Doc without them gets `<stem>` (or `<stem>-N` when the file
holds several).

Write: each document becomes a Doc built from the project's tokenizer
(`annotator.text.tokens.tokenize`, span offsets as boundaries) with its whitespace kept the
way spaCy keeps it: one following space is a token's `whitespace_`, any other whitespace
(leading, runs, newlines, CRLF) is a whitespace token, so `doc.text == text` exactly. Every span
goes into `doc.spans[layer]` (no layer: "entity"); the entity-layer spans also go into
`doc.ents`, keeping the longest of overlapping ones. Spans are made with
`doc.char_span(start, end, label, alignment_mode="strict")`. Saved with
`DocBin(store_user_data=True)`. A discontinuous span is written as its covering [start, end);
duplicate spans (same offsets, label and layer) are written once.
"""

import zlib
from bisect import bisect_left
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from annotator.formats import conll
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.text.tokens import tokenize

NAME = "spacy"
ENTITY_LAYER = "entity"
ID_KEY = "annotator.id"
TITLE_KEY = "annotator.title"
MISSING = "spaCy is not installed: pip install annotator[spacy]"

_SNIFF_BYTES = 4096


def _spacy():
    """The spaCy modules this format needs, imported on first use."""
    try:
        from spacy.tokens import Doc
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab
    except ImportError as error:
        raise RuntimeError(MISSING) from error
    return Doc, DocBin, Vocab


def sniff(path: Path) -> bool:
    """Whether the file is a zlib-compressed msgpack DocBin (checked without spaCy)."""
    with Path(path).open("rb") as handle:
        data = handle.read(_SNIFF_BYTES)
    try:
        head = zlib.decompressobj().decompress(data, _SNIFF_BYTES)
    except zlib.error:
        return False
    if not head or b"attrs" not in head or b"tokens" not in head:
        return False
    return 0x80 <= head[0] <= 0x8F or head[0] in (0xDE, 0xDF)  # a msgpack map


# --- reading --------------------------------------------------------------------------------


def read(path: Path, **options) -> list[DocumentRecord]:
    """The documents of a `.spacy` DocBin file."""
    conll.take_options(options, {})
    _, DocBin, Vocab = _spacy()
    path = Path(path)
    try:
        docs = list(DocBin().from_bytes(path.read_bytes()).get_docs(Vocab()))
    except Exception as error:  # spaCy raises zlib, msgpack, value and key errors
        raise FormatError(str(path), f"not a spaCy DocBin: {error}") from None
    return [_document(path, index, len(docs), doc) for index, doc in enumerate(docs)]


def _document(path: Path, index: int, count: int, doc) -> DocumentRecord:
    """Our document from a Doc."""
    spans: dict[tuple, Annotation] = {}
    for key, group in doc.spans.items():
        for span in group:
            _add(spans, span, key)
    for span in doc.ents:
        _add(spans, span, ENTITY_LAYER)
    name = doc.user_data.get(ID_KEY)
    if name is None:
        name = path.stem if count == 1 else f"{path.stem}-{index + 1}"
    return DocumentRecord(
        text=doc.text,
        id=name,
        title=doc.user_data.get(TITLE_KEY),
        spans=[spans[key] for key in sorted(spans)],
        where=f"{path}: doc {index + 1}",
    )


def _add(spans: dict, span, layer: str) -> None:
    """Add a spaCy span to spans, keyed so duplicates collapse."""
    key = (span.start_char, span.end_char, span.label_, layer)
    ref = f"doc.ents[{span.start}:{span.end}]" if layer == ENTITY_LAYER else f"spans[{layer!r}]"
    spans.setdefault(key, Annotation(key[0], key[1], key[2], layer=layer, ref=ref))


# --- writing --------------------------------------------------------------------------------


def write(documents: Iterable[DocumentRecord], out: Path, **options) -> list[Path]:
    """Write the documents as a DocBin; [out]."""
    conll.take_options(options, {})
    Doc, DocBin, Vocab = _spacy()
    out = Path(out)
    vocab = Vocab()
    docbin = DocBin(store_user_data=True)
    for index, document in enumerate(documents):
        docbin.add(_doc(Doc, vocab, out, conll.document_name(document, index), document))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(docbin.to_bytes())
    return [out]


def _doc(Doc, vocab, out: Path, name: str, document: DocumentRecord):
    """A Doc with the document's exact text, spans, entities, id and title."""
    for span in document.spans:
        conll.check_span(out, name, document, span)
    words, spaces = words_and_spaces(document.text, document.spans)
    doc = Doc(vocab, words=words, spaces=spaces)
    if doc.text != document.text:  # cannot happen: words_and_spaces keeps every character
        raise FormatError(str(out), f"{name}: the Doc's text differs from the document's")
    for layer in sorted({span.layer or ENTITY_LAYER for span in document.spans}):
        spans = conll.layer_spans(document, layer)
        doc.spans[layer] = [_span(doc, out, name, span) for span in spans]
    entities = conll.keep_longest(conll.layer_spans(document, ENTITY_LAYER))[0]
    doc.ents = [_span(doc, out, name, span) for span in entities]
    doc.user_data[ID_KEY] = document.id
    doc.user_data[TITLE_KEY] = document.title
    return doc


def _span(doc, out: Path, name: str, span: Annotation):
    """doc.char_span in strict mode; FormatError if it does not align (it always should)."""
    made = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
    if made is None:
        reason = f"{name}: span {span.label} [{span.start}, {span.end}) does not align to tokens"
        raise FormatError(str(out), reason)
    return made


@dataclass(frozen=True)
class _Cuts:
    """Where spans start and end: the places a Doc must have token edges."""

    starts: frozenset[int]
    ends: frozenset[int]
    offsets: tuple[int, ...]


def words_and_spaces(text: str, spans: Iterable[Annotation]) -> tuple[list[str], list[bool]]:
    """Doc words and spaces for text, breaking at every span offset, whitespace included."""
    spans = list(spans)
    starts = frozenset(span.start for span in spans)
    ends = frozenset(span.end for span in spans)
    cuts = _Cuts(starts, ends, tuple(sorted(starts | ends)))
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for token in tokenize(text, cuts.offsets):
        _add_gap(text, position, token.start, cuts, words, spaces)
        words.append(text[token.start : token.end])
        spaces.append(False)
        position = token.end
    _add_gap(text, position, len(text), cuts, words, spaces)
    return words, spaces


def _add_gap(text: str, start: int, end: int, cuts: _Cuts, words: list, spaces: list) -> None:
    """Add the whitespace text[start:end]: its first space as the previous word's trailing
    space unless a span starts or ends inside it, the rest as whitespace words cut at span
    offsets."""
    if start < end and words and text[start] == " ":
        if start not in cuts.starts and start + 1 not in cuts.ends:
            spaces[-1] = True
            start += 1
    # cuts.offsets is sorted: bisect rather than scan every span offset for every gap.
    inner = cuts.offsets[bisect_right(cuts.offsets, start) : bisect_left(cuts.offsets, end)]
    for piece_start, piece_end in zip([start, *inner], [*inner, end], strict=True):
        if piece_start < piece_end:
            words.append(text[piece_start:piece_end])
            spaces.append(False)
