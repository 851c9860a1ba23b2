"""spaCy v3 DocBin (`.spacy`) files; needs the optional extra: pip install -e '.[spacy]'.

Read: for each Doc, the text is `doc.text`; spans come from every `doc.spans[key]` (layer =
key) and from `doc.ents` (layer "entity"), duplicates removed. spaCy's character offsets are
Python string indexes, i.e. code points, as ours. The id and title written by `write` are
restored from `doc.user_data`; a Doc without them gets `<stem>` (or `<stem>-N` when the file
holds several). Docs are handed on one at a time (`read` returns an iterator); a DocBin file
is one compressed blob, so one file is in memory at a time: write big corpora in several files.

Write: each document becomes a Doc built from the project's tokenizer
(`annotator.text.tokens.token_offsets`, span offsets as boundaries) with its whitespace kept the
way spaCy keeps it: one following space is a token's `whitespace_`, any other whitespace
(leading, runs, newlines, CRLF) is a whitespace token, so `doc.text == text` exactly. Every span
goes into `doc.spans[layer]` (no layer: "entity"); the entity-layer spans also go into
`doc.ents`, keeping the longest of overlapping ones. Spans are made with
`doc.char_span(start, end, label, alignment_mode="strict")`. Saved with
`DocBin(store_user_data=True)`, token attributes `ORTH`, `SPACY`, `ENT_IOB`, `ENT_TYPE` (what
the Docs hold). A discontinuous span is written as its covering [start, end); duplicate spans
(same offsets, label and layer) are written once.

A DocBin keeps every Doc's arrays until it is saved, so `write` saves one every
`docs_per_file` documents (default DOCS_PER_FILE): up to that many, `out` is one `.spacy` file;
more make `out` a folder of `<stem>-00001.spacy`, `<stem>-00002.spacy`... which `spacy train`
reads as one corpus when given the folder (`--paths.train out`), and which `annotator import`
reads file by file. Either way the output is staged beside `out` and replaces it only when all
was written.
"""

import zlib
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from operator import add
from pathlib import Path

from annotator.formats.options import Option
from annotator.formats.output import replace_path
from annotator.formats.output import staging_folder
from annotator.formats.overlaps import document_name
from annotator.formats.overlaps import keep_longest
from annotator.formats.overlaps import layer_spans
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.spacy_words import words_and_spaces
from annotator.formats.spec import FormatSpec
from annotator.formats.tagging import check_span
from annotator.formats.tagging import take_options

NAME = "spacy"
ENTITY_LAYER = "entity"
ID_KEY = "annotator.id"
TITLE_KEY = "annotator.title"
MISSING = "spaCy is not installed: pip install -e '.[spacy]'"  # as the README installs it
DOCS_PER_FILE = 1000
ATTRS = ("ENT_IOB", "ENT_TYPE")  # ORTH and SPACY are always stored

_SNIFF_BYTES = 4096
_SPACE = {True: " ", False: ""}


class SpacyMissing(RuntimeError):
    """spaCy is not installed; str() says how to install it, in one line."""


def _spacy():
    """The spaCy modules this format needs, imported on first use."""
    try:
        from spacy.tokens import Doc
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab
    except ImportError as error:
        raise SpacyMissing(MISSING) from error
    return Doc, DocBin, Vocab


@contextmanager
def _msgpack_without_plugin_scan() -> Iterator[None]:
    """srsly collects its msgpack encoders and decoders anew each time it packs or unpacks,
    scanning every installed package's entry points and all of spaCy's registries (~1 ms,
    several times per Doc: half an export's time). Meanwhile they are collected once."""
    from srsly.msgpack import msgpack_decoders
    from srsly.msgpack import msgpack_encoders

    registries = (msgpack_encoders, msgpack_decoders)
    for registry in registries:
        found = registry.get_all()
        registry.get_all = lambda found=found: dict(found)  # shadows the method
    try:
        yield
    finally:
        for registry in registries:
            del registry.get_all


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


def read(path: Path, **options) -> Iterator[DocumentRecord]:
    """The documents of a `.spacy` DocBin file, one at a time."""
    take_options(options, {})
    return _documents(Path(path))


def _documents(path: Path) -> Iterator[DocumentRecord]:
    """The file's Docs as documents."""
    _, DocBin, Vocab = _spacy()
    try:
        docbin = DocBin().from_bytes(path.read_bytes())
    except Exception as error:  # spaCy raises zlib, msgpack, value and key errors
        raise FormatError(str(path), f"not a spaCy DocBin: {error}") from None
    count = len(docbin)
    with _msgpack_without_plugin_scan():
        for index, doc in enumerate(docbin.get_docs(Vocab())):
            yield _document(path, index, count, doc)


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
    """Write the documents as DocBin files of up to docs_per_file Docs; [out], a file or a
    folder of files (see the module docstring).

    Options: docs_per_file=DOCS_PER_FILE (None: the default)."""
    per_file = take_options(options, {"docs_per_file": None})["docs_per_file"]
    if per_file is None:
        per_file = DOCS_PER_FILE
    if not (isinstance(per_file, int) and per_file > 0):
        raise ValueError(f"docs_per_file must be a positive integer, got {per_file!r}")
    Doc, DocBin, Vocab = _spacy()
    out = Path(out)
    with staging_folder(out) as staged, _msgpack_without_plugin_scan():
        files: list[Path] = []
        vocab, docbin = Vocab(), DocBin(attrs=ATTRS, store_user_data=True)
        for index, document in enumerate(documents):
            add_doc(docbin, *_doc(Doc, vocab, out, document_name(document, index), document))
            if len(docbin) == per_file:  # a new Vocab too: its strings grow with the Docs
                files.append(_save(docbin, staged / f"{out.stem}-{len(files) + 1:05d}.spacy"))
                vocab, docbin = Vocab(), DocBin(attrs=ATTRS, store_user_data=True)
        if len(docbin) or not files:
            files.append(_save(docbin, staged / f"{out.stem}-{len(files) + 1:05d}.spacy"))
        replace_path(files[0] if len(files) == 1 else staged, out)
    return [out]


def _save(docbin, path: Path) -> Path:
    """The DocBin written to path."""
    path.write_bytes(docbin.to_bytes())
    return path


def _doc(Doc, vocab, out: Path, name: str, document: DocumentRecord):
    """A Doc with the document's exact text, spans, entities, id and title; and its words."""
    for span in document.spans:
        check_span(out, name, document, span)
    words, spaces = words_and_spaces(document.text, document.spans)
    doc = Doc(vocab, words=words, spaces=spaces)
    # Cannot happen (words_and_spaces keeps every character); checked without doc.text, which
    # makes a Token object per token.
    if "".join(map(add, words, map(_SPACE.__getitem__, spaces))) != document.text:
        raise FormatError(str(out), f"{name}: the Doc's text differs from the document's")
    for layer in sorted({span.layer or ENTITY_LAYER for span in document.spans}):
        spans = layer_spans(document, layer)
        doc.spans[layer] = [_span(doc, out, name, span) for span in spans]
    entities = keep_longest(layer_spans(document, ENTITY_LAYER))[0]
    doc.ents = [_span(doc, out, name, span) for span in entities]
    doc.user_data[ID_KEY] = document.id
    doc.user_data[TITLE_KEY] = document.title
    return doc, words


def add_doc(docbin, doc, words: list[str]) -> None:
    """docbin.add(doc) without its loop over every token, which asks each for nine strings
    (most of an export's time): for our Docs those strings are the words, the span labels and
    "" (no tag, lemma, norm, morph, dependency or KB id), so the same bytes are saved."""
    import numpy
    import srsly
    from spacy.attrs import SPACY

    array = doc.to_array(docbin.attrs)
    if len(array.shape) == 1:
        array = array.reshape((array.shape[0], 1))
    docbin.tokens.append(array)
    spaces = doc.to_array(SPACY)
    docbin.spaces.append(numpy.asarray(spaces.reshape((spaces.shape[0], 1)), dtype=bool))
    docbin.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
    docbin.strings.update(words)
    docbin.strings.update(span.label_ for group in doc.spans.values() for span in group)
    docbin.strings.update(span.label_ for span in doc.ents)
    docbin.strings.add("")
    docbin.cats.append(doc.cats)
    if docbin.store_user_data:
        docbin.user_data.append(srsly.msgpack_dumps(doc.user_data))
    docbin.span_groups.append(doc.spans.to_bytes())


def _span(doc, out: Path, name: str, span: Annotation):
    """doc.char_span in strict mode; FormatError if it does not align (it always should)."""
    made = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
    if made is None:
        reason = f"{name}: span {span.label} [{span.start}, {span.end}) does not align to tokens"
        raise FormatError(str(out), reason)
    return made


SPEC = FormatSpec(
    name=NAME,
    contiguous_only=True,
    description="spaCy DocBin (needs the spacy extra)",
    sniff=sniff,
    reader=read,
    writer=write,
    suffixes=(".spacy",),
    export_options=(
        Option("docs_per_file", f"Docs per DocBin file (default {DOCS_PER_FILE}).", offered=False),
    ),
)
