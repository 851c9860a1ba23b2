"""Reading a CoNLL/IOB file into documents, one document at a time (the layouts and rules are
in `annotator.formats.conll`).

The file is read in pieces; a document is the text between two `-DOCSTART-` lines, a sentence
a run of non-blank lines. A sentence of `token<TAB>TAG` lines (what we write) is split with
string methods in one go; any other sentence line by line. Whether tags are read strictly
(BILOU) is decided by the first `E-`/`L-`/`S-`/`U-` tag: documents before it have been read as
IOB, which is only right if none of them has a span; otherwise reading stops with the error
strict reading gives for the first of them.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from itertools import chain
from itertools import compress
from operator import add
from operator import not_
from pathlib import Path

from annotator.formats.file_text import text_chunks
from annotator.formats.limits import DOCUMENT_CHARS
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.tagging import TagError
from annotator.formats.tagging import decode_tags
from annotator.formats.tagging import is_strict
from annotator.formats.tagging import is_tag
from annotator.text.brief import brief
from annotator.text.tokens import TOKEN_OFFSETS
from annotator.text.tokens import is_simple
from annotator.text.tokens import simple_words

COLUMNS = re.compile(r"[ \t]+")
_DOCSTART = re.compile(r"^[ \t]*-DOCSTART-(?=[ \t]|\r?$)[^\n]*(?:\n|\Z)", re.MULTILINE)
_SENTENCE = re.compile(r"(?:^[ \t]*[^ \t\n][^\n]*(?:\n|\Z))+", re.MULTILINE)


@dataclass(slots=True)
class Sentence:
    """A sentence's tokens and tags; item i is on line `line + i` (token per line) or `line`
    (sentence per line)."""

    line: int
    words: list[str]
    tags: list[str]
    per_line: bool

    def line_of(self, index: int) -> int:
        """The line of the sentence's index-th token."""
        return self.line + index if self.per_line else self.line


def documents(path: Path) -> Iterator[DocumentRecord]:
    """The file's documents with tokens, named `<stem>` (one) or `<stem>-1`, `<stem>-2`...;
    each is yielded once the next one is known (the name depends on whether there is one)."""
    held: DocumentRecord | None = None
    count = 0
    for document in _unnamed(path):
        count += 1
        if held is not None:
            held.id = f"{path.stem}-{count - 1}"
            yield held
        held = document
    if held is not None:
        held.id = path.stem if count == 1 else f"{path.stem}-{count}"
        yield held


def _unnamed(path: Path) -> Iterator[DocumentRecord]:
    """The documents in order, tags decoded (see the module docstring for strictness)."""
    layout = None
    strict = False
    first_tagged: list[Sentence] | None = None  # read as IOB before strictness was known
    for line, block in _blocks(path):
        if layout is None and _SENTENCE.search(block):
            layout = _layout(block)
        sentences = list(_sentences(path, line, block, layout or "token"))
        if not sentences:
            continue
        tags = set().union(*(sentence.tags for sentence in sentences))
        if not strict and is_strict(tags):
            strict = True
            if first_tagged is not None:
                _spans(path, first_tagged, strict=True)  # raises the error reading it gives
        if not strict and first_tagged is None and tags != {"O"}:
            first_tagged = sentences
        yield _document(path, sentences, strict)


_COLUMNS_PER_TEXT = 4


def _blocks(path: Path) -> Iterator[tuple[int, str]]:
    """(number of its first line, text) of each stretch between `-DOCSTART-` lines."""
    pieces: list[str] = []
    first_line = 1
    line = 1  # the number of the line at `counted` in the chunk
    # A document's columns (token, tags) are a few times its text: past that, refuse it before
    # holding more of it (a hostile file: one sentence of millions of tokens).
    most = _COLUMNS_PER_TEXT * DOCUMENT_CHARS.value()
    for chunk in text_chunks(path):
        position = counted = 0
        for match in _DOCSTART.finditer(chunk):
            pieces.append(chunk[position : match.start()])
            yield first_line, "".join(pieces)
            pieces = []
            line += chunk.count("\n", counted, match.end())
            counted = position = match.end()
            first_line = line
        pieces.append(chunk[position:])
        line += chunk.count("\n", counted)
        if sum(map(len, pieces)) > most:
            raise FormatError(
                str(path),
                f"the document from this line is over {most} characters of CoNLL, more than a "
                f"document of {DOCUMENT_CHARS.describe()} can be",
                first_line,
            )
    yield first_line, "".join(pieces)


def _layout(block: str) -> str:
    """The file's layout from its first non-blank line: "sentence" if it is `word|TAG` items,
    else "token"."""
    first = _SENTENCE.search(block).group().split("\n", 1)[0].removesuffix("\r")
    items = COLUMNS.split(first.strip(" \t"))
    if "\t" not in first and all(is_sentence_item(item) for item in items):
        return "sentence"
    return "token"


def is_sentence_item(item: str) -> bool:
    """Whether item is `word|TAG` or `word|POS|TAG` with a valid tag."""
    parts = item.split("|")
    return len(parts) in (2, 3) and parts[0] != "" and is_tag(parts[-1])


def _sentences(path: Path, line: int, block: str, layout: str) -> Iterator[Sentence]:
    """The block's sentences; line is the number of its first line."""
    if "\r" in block:
        block = block.replace("\r\n", "\n")
    position = 0
    for match in _SENTENCE.finditer(block):
        line += block.count("\n", position, match.start())
        position = match.start()
        text = match.group().removesuffix("\n")
        if layout == "sentence":
            for index, row in enumerate(text.split("\n")):
                items = [sentence_item(path, line + index, item) for item in _columns(row)]
                yield Sentence(line + index, [w for w, _ in items], [t for _, t in items], False)
        else:
            yield _token_lines(path, line, text)


def _token_lines(path: Path, line: int, text: str) -> Sentence:
    """A sentence of `token<TAB>TAG` lines (or with spaces and middle columns)."""
    if " " not in text and text.count("\t") == text.count("\n") + 1:
        parts = text.replace("\n", "\t").split("\t")
        if "" not in parts:
            words, tags = parts[0::2], parts[1::2]
            bad = {tag for tag in set(tags) if not is_tag(tag)}
            if bad:
                index = next(index for index, tag in enumerate(tags) if tag in bad)
                row = f"{words[index]}\t{tags[index]}"
                raise FormatError(
                    str(path), f"invalid tag {brief(tags[index])} in {brief(row)}", line + index
                )
            return Sentence(line, words, tags, True)
    items = [token_item(path, line + index, row) for index, row in enumerate(text.split("\n"))]
    return Sentence(line, [word for word, _ in items], [tag for _, tag in items], True)


def _columns(row: str) -> list[str]:
    """A row's columns, split at runs of spaces and tabs."""
    return COLUMNS.split(row.strip(" \t"))


def token_item(path: Path, number: int, row: str) -> tuple[str, str]:
    """(token, tag) of a token-per-line row: the first and the last column."""
    columns = _columns(row)
    if len(columns) < 2:
        raise FormatError(str(path), f"expected a token and a tag, got {brief(row)}", number)
    if not is_tag(columns[-1]):
        raise FormatError(str(path), f"invalid tag {brief(columns[-1])} in {brief(row)}", number)
    return columns[0], columns[-1]


def sentence_item(path: Path, number: int, item: str) -> tuple[str, str]:
    """(word, tag) of one `word|TAG` or `word|POS|TAG` item of a sentence-per-line row."""
    if not is_sentence_item(item):
        raise FormatError(
            str(path), f"expected word|TAG or word|POS|TAG, got {brief(item)}", number
        )
    parts = item.split("|")
    return parts[0], parts[-1]


def _document(path: Path, sentences: list[Sentence], strict: bool) -> DocumentRecord:
    """A document from its sentences: text rebuilt (tokens joined by spaces, sentences by
    newlines) and spans decoded. When the file's tokens are not the ones our tokenizer finds
    in that text (it would split "n't" or "U.S."), they are kept in meta, so writing the
    document back gives the same tokens."""
    words = list(chain.from_iterable(sentence.words for sentence in sentences))
    lengths = list(map(len, words))
    starts = [0, *accumulate(map((1).__add__, lengths[:-1]))]
    ends = list(map(add, starts, lengths))
    text = "\n".join(" ".join(sentence.words) for sentence in sentences)
    meta = {}
    if not (is_simple(text) and _are_our_tokens(words)):
        meta[TOKEN_OFFSETS] = list(map(list, zip(starts, ends, strict=True)))
    return DocumentRecord(
        text=text,
        spans=_spans(path, sentences, strict, starts, ends),
        meta=meta,
        where=f"{path}:{sentences[0].line}",
    )


def _are_our_tokens(words: list[str]) -> bool:
    """Whether our tokenizer finds exactly these words in them joined by spaces (a simple
    text). A word of word characters only is one token, so only the others are tokenized."""
    others = list(compress(words, map(not_, map(str.isalnum, words))))
    return simple_words(" ".join(others)) == others


def _spans(
    path: Path, sentences: list[Sentence], strict: bool, starts=None, ends=None
) -> list[Annotation]:
    """The sentences' spans, offsets from the tokens' starts and ends (when given); a
    FormatError naming the line of a tag sequence that is wrong."""
    spans = []
    offset = 0
    for sentence in sentences:
        try:
            ranges = decode_tags(sentence.tags, strict)
        except TagError as error:
            raise FormatError(str(path), error.reason, sentence.line_of(error.index)) from None
        if starts is not None:
            for first, last, label in ranges:
                start, end = starts[offset + first], ends[offset + last]
                ref = f"line {sentence.line_of(first)}"
                spans.append(Annotation(start=start, end=end, label=label, ref=ref))
        offset += len(sentence.words)
    return spans
