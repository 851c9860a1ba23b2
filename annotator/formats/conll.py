"""CoNLL-2003 / IOB files: one token per line with its tag, or one sentence per line.

Reading accepts three layouts, all UTF-8 (a leading BOM is dropped):

- token per line, token and tag separated by tabs or spaces; any middle columns (POS, chunk)
  are ignored and the tag is the last column; a blank line ends a sentence;
- CoNLL-2003: the same, with `-DOCSTART-` lines starting a new document;
- one sentence per line, `word|TAG` or `word|POS|TAG` items separated by spaces.

Tags may be IOB1, IOB2 or BILOU/IOBES (`E-`/`L-`, `S-`/`U-`). In an IOB file an `I-` tag that
does not continue a span of its label starts one (IOB1). A file with any `E-`, `L-`, `S-` or
`U-` tag is read strictly as BILOU/IOBES: every span must open with `B-` and close with
`L-`/`E-`, or be a single `U-`/`S-`; anything else is an error naming the line.

CoNLL keeps tokens, not whitespace. The text of a read document is rebuilt: its tokens joined by
single spaces, its sentences by "\\n"; span offsets are code points on that text. A document
without `-DOCSTART-` is the whole file, and its id is the file name without extension;
otherwise documents are `<stem>-1`, `<stem>-2`... Documents without tokens are skipped.

Writing uses the project's tokenizer, `annotator.text.tokens.tokenize`, with every span
offset as a boundary: a token is a word (letters, digits, marks, joiners) or one other
character (an emoji grapheme counts as one), never whitespace, and every span covers whole
tokens (a span on `Sony` in `SonyCorp` makes the tokens `Sony` and `Corp`). A sentence is a line
of the text; lines that a span crosses are written as one sentence, so the span survives. Each
document starts with `-DOCSTART- -X- -X- O` and a blank line; each sentence is followed by a
blank line; a token line is `token<TAB>TAG`. Ids, titles and whitespace are not kept (reading
numbers the documents again); a document without tokens is an empty `-DOCSTART-` block, which
reading skips. Labels must not be empty or contain whitespace.

One layer is written at a time (`layer`, default "entity"; a span without a layer counts as
"entity"). Tags cannot express two overlapping spans: `conflicts()` lists every overlapping
pair, `overlap="fail"` refuses to write them, `overlap="longest"` keeps the longest span of each
overlapping group (ties: earliest start, then label) and `dropped()` lists what it left out. A
discontinuous span is written as its covering range [start, end).
"""

import codecs
import re
from bisect import bisect_left
from bisect import bisect_right
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.records import decode_utf8
from annotator.text.tokens import TOKEN_OFFSETS
from annotator.text.tokens import Token
from annotator.text.tokens import document_tokens

NAME = "conll"
DOCSTART = "-DOCSTART- -X- -X- O"
DEFAULT_LAYER = "entity"
SCHEMES = ("iob2", "bilou")
OVERLAPS = ("longest", "fail")

_TAG = re.compile(r"O|[BIELSU]-.+", re.DOTALL)
_COLUMNS = re.compile(r"[ \t]+")
_NEWLINE = re.compile(r"[\r\n]")
_STRICT_PREFIXES = frozenset("ELSU")
_SNIFF_BYTES = 65536
_SNIFF_LINES = 20


# --- shared helpers (also used by the hf and spacy_docbin modules) ---------------------------


def decode(path: Path, data: bytes) -> str:
    """data decoded as UTF-8 without a leading BOM; FormatError naming path if it is not."""
    return decode_utf8(data, str(path))


def read_text(path: Path) -> str:
    """The file's text, decoded as UTF-8 without a leading BOM."""
    return decode(path, Path(path).read_bytes())


def head_text(path: Path) -> str | None:
    """The start of the file as text (BOM dropped), or None if it is not UTF-8 text."""
    with Path(path).open("rb") as handle:
        data = handle.read(_SNIFF_BYTES)
    if b"\x00" in data:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff")


def physical_lines(text: str) -> list[str]:
    """The lines of text split at "\\n", each without its trailing "\\r"."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def take_options(options: dict, defaults: dict) -> dict:
    """defaults updated from options; TypeError for an option not in defaults."""
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        raise TypeError(f"unknown option(s): {', '.join(unknown)}")
    return {**defaults, **options}


def document_name(document: DocumentRecord, index: int) -> str:
    """How messages name a document: its id, else where it came from, else its position."""
    return document.id or document.where or f"document {index + 1}"


# --- tags -----------------------------------------------------------------------------------


class TagError(ValueError):
    """An invalid tag or tag sequence at token `index`."""

    def __init__(self, index: int, reason: str) -> None:
        self.index = index
        self.reason = reason
        super().__init__(reason)


def is_tag(tag: str) -> bool:
    """Whether tag is `O` or a prefix B/I/E/L/S/U, a hyphen and a label."""
    return tag == "O" or _TAG.fullmatch(tag) is not None  # most tags are O: skip the regex


def is_strict(tags: Iterable[str]) -> bool:
    """Whether the tags are BILOU/IOBES (any E-, L-, S- or U- tag), read strictly."""
    return any(tag[:1] in _STRICT_PREFIXES and tag[1:2] == "-" for tag in tags)


def decode_tags(tags: Sequence[str], strict: bool) -> list[tuple[int, int, str]]:
    """Spans as (first token, last token inclusive, label) from IOB1/IOB2/BILOU tags."""
    spans: list[tuple[int, int, str]] = []
    current: tuple[int, str] | None = None  # (first token, label) of the open span
    for index, tag in enumerate(tags):
        if not is_tag(tag):
            raise TagError(index, f"invalid tag {tag!r}")
        prefix, label = tag[0], tag[2:]
        if current is not None and not (prefix in "IEL" and label == current[1]):
            if strict:
                raise TagError(index, f"{tag!r} inside an unfinished {current[1]} span")
            spans.append((current[0], index - 1, current[1]))
            current = None
        current = _step(spans, current, index, tag, strict)
    if current is not None:
        if strict:
            raise TagError(len(tags) - 1, f"{current[1]} span not closed at sentence end")
        spans.append((current[0], len(tags) - 1, current[1]))
    return spans


def _step(spans: list, current: tuple | None, index: int, tag: str, strict: bool):
    """Apply one tag to the open span; return the open span afterwards."""
    prefix, label = tag[0], tag[2:]
    if current is not None:  # the tag continues it (checked by the caller)
        if prefix in "EL":
            spans.append((current[0], index, label))
            return None
        return current
    if prefix == "O":
        return None
    if prefix in "SU":
        spans.append((index, index, label))
        return None
    if prefix == "B" or (prefix == "I" and not strict):
        return (index, label)
    raise TagError(index, f"{tag!r} does not continue a {label} span")


def encode_tags(count: int, spans: Iterable[tuple[int, int, str]], scheme: str) -> list[str]:
    """Tags for count tokens from non-overlapping (first, last inclusive, label) spans."""
    tags = ["O"] * count
    for first, last, label in spans:
        if scheme == "bilou" and first == last:
            tags[first] = f"U-{label}"
            continue
        tags[first] = f"B-{label}"
        for index in range(first + 1, last + 1):
            tags[index] = f"I-{label}"
        if scheme == "bilou":
            tags[last] = f"L-{label}"
    return tags


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    """A token read from the file, its tag and its line number."""

    text: str
    tag: str
    line: int


def sniff(path: Path) -> bool:
    """Whether the file looks like CoNLL/IOB: most of its first lines are tagged tokens."""
    text = head_text(path)
    if text is None or text.lstrip()[:1] in ("{", "["):
        return False
    lines = physical_lines(text)
    if Path(path).stat().st_size > _SNIFF_BYTES:
        lines = lines[:-1]  # may be cut short
    lines = [line for line in lines if line.strip(" \t")][:_SNIFF_LINES]
    layout = _layout(lines)
    tokens = sum(1 for line in lines if not _is_docstart(line) and _line_ok(line, layout))
    starts = sum(1 for line in lines if _is_docstart(line))
    return tokens > 0 and (tokens + starts) * 5 >= len(lines) * 4


def _line_ok(line: str, layout: str) -> bool:
    """Whether a non-blank line parses in the layout."""
    try:
        _parse_line(Path("?"), 0, line, layout)
    except FormatError:
        return False
    return True


def read(path: Path, **options) -> list[DocumentRecord]:
    """The documents of a CoNLL/IOB file (see the module docstring for the layouts)."""
    take_options(options, {})
    path = Path(path)
    lines = physical_lines(read_text(path))
    layout = _layout([line for line in lines if line.strip(" \t")])
    blocks = _documents(path, lines, layout)
    strict = is_strict(item.tag for block in blocks for sentence in block for item in sentence)
    return [
        _document(path, _name(path, index, len(blocks)), block, strict)
        for index, block in enumerate(blocks)
    ]


def _name(path: Path, index: int, count: int) -> str:
    """A read document's id: the file's stem, numbered from 1 when it holds several."""
    return path.stem if count == 1 else f"{path.stem}-{index + 1}"


def _layout(lines: list[str]) -> str:
    """The file's layout: "sentence" if its first token line is `word|TAG` items, else "token"."""
    for line in lines:
        if _is_docstart(line):
            continue
        items = _COLUMNS.split(line.strip(" \t"))
        if "\t" not in line and all(_is_sentence_item(item) for item in items):
            return "sentence"
        return "token"
    return "token"


def _is_sentence_item(item: str) -> bool:
    """Whether item is `word|TAG` or `word|POS|TAG` with a valid tag."""
    parts = item.split("|")
    return len(parts) in (2, 3) and parts[0] != "" and is_tag(parts[-1])


def _is_docstart(line: str) -> bool:
    """Whether the line is a CoNLL-2003 document start."""
    if "-DOCSTART-" not in line:  # every line is asked: the cheap test first
        return False
    return _COLUMNS.split(line.strip(" \t"))[0] == "-DOCSTART-"


def _documents(path: Path, lines: list[str], layout: str) -> list[list[list[_Item]]]:
    """The file's documents, each a list of sentences, each a list of items."""
    documents: list[list[list[_Item]]] = [[]]
    for number, line in enumerate(lines, start=1):
        if _is_docstart(line):
            documents.append([])
            continue
        if not line.strip(" \t"):
            if documents[-1] and documents[-1][-1]:
                documents[-1].append([])
            continue
        if layout == "sentence" or not documents[-1]:
            documents[-1].append([])
        documents[-1][-1].extend(_parse_line(path, number, line, layout))
    cleaned = [[sentence for sentence in document if sentence] for document in documents]
    return [document for document in cleaned if document]


def _parse_line(path: Path, number: int, line: str, layout: str) -> list[_Item]:
    """The items of a non-blank line: one token, or a sentence in the `word|TAG` layout."""
    if layout == "sentence":
        return [_sentence_item(path, number, item) for item in _COLUMNS.split(line.strip(" \t"))]
    columns = _COLUMNS.split(line.strip(" \t"))
    if len(columns) < 2:
        raise FormatError(str(path), f"expected a token and a tag, got {line!r}", number)
    if not is_tag(columns[-1]):
        raise FormatError(str(path), f"invalid tag {columns[-1]!r} in {line!r}", number)
    return [_Item(columns[0], columns[-1], number)]


def _sentence_item(path: Path, number: int, item: str) -> _Item:
    """One `word|TAG` or `word|POS|TAG` item of a sentence-per-line file."""
    if not _is_sentence_item(item):
        raise FormatError(str(path), f"expected word|TAG or word|POS|TAG, got {item!r}", number)
    parts = item.split("|")
    return _Item(parts[0], parts[-1], number)


def _document(path: Path, name: str, sentences: list[list[_Item]], strict: bool) -> DocumentRecord:
    """A document from its sentences: text rebuilt, spans decoded from the tags."""
    items = [item for sentence in sentences for item in sentence]
    starts = []
    position = 0
    for item in items:
        starts.append(position)
        position += len(item.text) + 1
    spans = []
    offset = 0
    for sentence in sentences:
        for first, last, label in _sentence_spans(path, sentence, strict):
            start, end = starts[offset + first], starts[offset + last] + len(sentence[last].text)
            spans.append(_annotation(start, end, label, sentence[first]))
        offset += len(sentence)
    text = "\n".join(" ".join(item.text for item in sentence) for sentence in sentences)
    # The file's own tokens, so writing the document back gives the same tokens (ours would
    # split "n't" or "U.S." differently); see annotator.formats.tokens.document_tokens.
    offsets = [[start, start + len(item.text)] for start, item in zip(starts, items, strict=True)]
    return DocumentRecord(
        text=text,
        id=name,
        spans=spans,
        meta={TOKEN_OFFSETS: offsets},
        where=f"{path}:{items[0].line}",
    )


def _annotation(start: int, end: int, label: str, item: _Item) -> Annotation:
    """A read span, its ref naming the line of its first token."""
    return Annotation(start=start, end=end, label=label, ref=f"line {item.line}")


def _sentence_spans(path: Path, sentence: list[_Item], strict: bool) -> list:
    """The sentence's spans (token indexes), or FormatError naming the offending line."""
    try:
        return decode_tags([item.tag for item in sentence], strict)
    except TagError as error:
        raise FormatError(str(path), error.reason, sentence[error.index].line) from None


# --- overlaps -------------------------------------------------------------------------------


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


def conflicts(documents: Iterable[DocumentRecord], layer: str = DEFAULT_LAYER) -> list[Conflict]:
    """Every pair of overlapping spans in layer, in every document (pass a list)."""
    found = []
    for index, document in enumerate(documents):
        name = document_name(document, index)
        for first, second in overlapping_pairs(layer_spans(document, layer)):
            found.append(Conflict(name, ref(document, first), ref(document, second)))
    return found


def dropped(documents: Iterable[DocumentRecord], layer: str = DEFAULT_LAYER) -> list[Dropped]:
    """The spans that overlap="longest" leaves out of layer, in every document."""
    found = []
    for index, document in enumerate(documents):
        name = document_name(document, index)
        for span, kept in keep_longest(layer_spans(document, layer))[1]:
            found.append(Dropped(name, ref(document, span), ref(document, kept)))
    return found


def check_overlap(out: Path, documents: list[DocumentRecord], layer: str, overlap: str) -> None:
    """FormatError listing every conflict when overlap="fail" and there are any."""
    if overlap not in OVERLAPS:
        raise ValueError(f"overlap must be one of {OVERLAPS}, got {overlap!r}")
    found = conflicts(documents, layer) if overlap == "fail" else []
    if found:
        listing = "\n".join(f"  {conflict}" for conflict in found)
        reason = f"{len(found)} overlapping span pair(s) in layer {layer!r}, not written:\n"
        raise FormatError(str(out), reason + listing)


# --- tokens for writing ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tagged:
    """A document as tokens and tags, ready for a token-based writer."""

    tokens: list[Token]
    tags: list[str]


def check_span(out: Path, name: str, document: DocumentRecord, span: Annotation) -> None:
    """FormatError if the span does not fit the document's text."""
    if not 0 <= span.start < span.end <= len(document.text):
        reason = f"{name}: span {span.label} [{span.start}, {span.end}) is out of range"
        raise FormatError(str(out), reason)


def tag_document(out: Path, name: str, document: DocumentRecord, layer: str, scheme: str) -> Tagged:
    """The document's tokens (tokenize with the kept spans' offsets as boundaries) and tags."""
    spans = keep_longest(layer_spans(document, layer))[0]
    for span in spans:
        check_span(out, name, document, span)
        if not span.label:
            raise FormatError(str(out), f"{name}: span {ref(document, span)} has no label")
    boundaries = [offset for span in spans for offset in (span.start, span.end)]
    tokens = document_tokens(document.text, document.meta, boundaries)
    starts = [token.start for token in tokens]
    ends = [token.end for token in tokens]
    ranges = []
    for span in spans:
        first, last = bisect_left(starts, span.start), bisect_right(ends, span.end) - 1
        if first > last:
            raise FormatError(str(out), f"{name}: span {ref(document, span)} has no token")
        ranges.append((first, last, span.label))
    return Tagged(tokens, encode_tags(len(tokens), ranges, scheme))


# --- writing --------------------------------------------------------------------------------


def write(documents: Iterable[DocumentRecord], out: Path, **options) -> list[Path]:
    """Write one layer of the documents as CoNLL-2003 with IOB2 or BILOU tags; [out].

    Options: layer="entity", scheme="iob2"|"bilou", overlap="longest"|"fail"."""
    opts = take_options(options, {"layer": DEFAULT_LAYER, "scheme": "iob2", "overlap": "longest"})
    if opts["scheme"] not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {opts['scheme']!r}")
    out = Path(out)
    documents = list(documents)
    check_overlap(out, documents, opts["layer"], opts["overlap"])
    lines: list[str] = []
    for index, document in enumerate(documents):
        name = document_name(document, index)
        tagged = tag_document(out, name, document, opts["layer"], opts["scheme"])
        lines.extend(_document_lines(out, name, document.text, tagged))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8", newline="")
    return [out]


def _document_lines(out: Path, name: str, text: str, tagged: Tagged) -> list[str]:
    """DOCSTART, a blank line, then each sentence's token lines followed by a blank line."""
    lines = [DOCSTART, ""]
    for sentence in sentences(text, tagged):
        for token, tag in sentence:
            if any(character.isspace() for character in tag):
                raise FormatError(str(out), f"{name}: label {tag[2:]!r} contains whitespace")
            lines.append(f"{text[token.start : token.end]}\t{tag}")
        lines.append("")
    return lines


def sentences(text: str, tagged: Tagged) -> list[list[tuple[Token, str]]]:
    """Tokens with their tags, split at line breaks that no span crosses."""
    result: list[list[tuple[Token, str]]] = []
    previous: Token | None = None
    for token, tag in zip(tagged.tokens, tagged.tags, strict=True):
        gap = text[previous.end : token.start] if previous else ""
        if not result or (_NEWLINE.search(gap) and tag[:1] not in ("I", "L")):
            result.append([])
        result[-1].append((token, tag))
        previous = token
    return result
