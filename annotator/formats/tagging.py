"""IOB1 / IOB2 / BILOU (IOBES) tags: spans to tags and back, and a document's layer as tagged
tokens, shared by the CoNLL, Hugging Face and spaCy formats.

A tag is `O` or a prefix (B, I, E, L, S, U), a hyphen and a label. Decoding reads IOB1 and IOB2
leniently (an `I-` that continues no span of its label starts one) and BILOU/IOBES strictly:
every span opens with `B-` and closes with `L-`/`E-`, or is one `U-`/`S-`. Spans are token
indexes (first, last inclusive, label). Most tags are `O`, so the loops skip over them.
"""

import re
from bisect import bisect_left
from bisect import bisect_right
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

from annotator.formats.overlaps import keep_longest
from annotator.formats.overlaps import layer_spans
from annotator.formats.overlaps import ref
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.text.tokens import document_token_words

_TAG = re.compile(r"O|[BIELSU]-.+", re.DOTALL)
_STRICT_PREFIXES = frozenset("ELSU")
_NEWLINE = re.compile(r"[\r\n]")


def take_options(options: dict, defaults: dict) -> dict:
    """defaults updated from options (in the defaults' order); TypeError for an option not in
    defaults. For the token formats' readers and writers."""
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        raise TypeError(f"unknown option(s): {', '.join(unknown)}")
    return {**defaults, **options}


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
    return any(tag[:1] in _STRICT_PREFIXES and tag[1:2] == "-" for tag in set(tags))


def _first_invalid(tags: Sequence[str]) -> int:
    """The index of the first tag that is not a tag, or len(tags) (distinct tags checked once)."""
    bad = {tag for tag in set(tags) if not is_tag(tag)}
    if not bad:
        return len(tags)
    return next(index for index, tag in enumerate(tags) if tag in bad)


def decode_tags(tags: Sequence[str], strict: bool) -> list[tuple[int, int, str]]:
    """Spans as (first token, last token inclusive, label) from IOB1/IOB2/BILOU tags."""
    invalid = _first_invalid(tags)
    spans: list[tuple[int, int, str]] = []
    current: tuple[int, str] | None = None  # (first token, label) of the open span
    previous = -1
    for index in compress(range(invalid), map("O".__ne__, tags[:invalid])):
        if current is not None and index > previous + 1:  # an O closed the open span
            if strict:
                raise TagError(previous + 1, f"'O' inside an unfinished {current[1]} span")
            spans.append((current[0], previous, current[1]))
            current = None
        tag = tags[index]
        prefix, label = tag[0], tag[2:]
        if current is not None and not (prefix in "IEL" and label == current[1]):
            if strict:
                raise TagError(index, f"{tag!r} inside an unfinished {current[1]} span")
            spans.append((current[0], index - 1, current[1]))
            current = None
        current = _step(spans, current, index, tag, strict)
        previous = index
    if current is not None and strict and previous + 1 < min(invalid, len(tags)):
        raise TagError(previous + 1, f"'O' inside an unfinished {current[1]} span")
    if invalid < len(tags):
        raise TagError(invalid, f"invalid tag {tags[invalid]!r}")
    if current is not None:
        if strict:
            raise TagError(len(tags) - 1, f"{current[1]} span not closed at sentence end")
        spans.append((current[0], previous, current[1]))
    return spans


def _step(spans: list, current: tuple | None, index: int, tag: str, strict: bool):
    """Apply one tag (not O) to the open span; return the open span afterwards."""
    prefix, label = tag[0], tag[2:]
    if current is not None:  # the tag continues it (checked by the caller)
        if prefix in "EL":
            spans.append((current[0], index, label))
            return None
        return current
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
        tags[first + 1 : last + 1] = [f"I-{label}"] * (last - first)
        if scheme == "bilou":
            tags[last] = f"L-{label}"
    return tags


# --- a document's layer as tagged tokens ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tagged:
    """A document as tokens (code-point offsets) and their tags, ready for a token writer."""

    starts: list[int]
    ends: list[int]
    tags: list[str]
    texts: list[str]  # the tokens' texts

    def words(self, text: str) -> list[str]:
        """The tokens' texts (of text, the document's)."""
        return self.texts


def check_span(out: Path, name: str, document: DocumentRecord, span: Annotation) -> None:
    """FormatError if the span does not fit the document's text."""
    if not 0 <= span.start < span.end <= len(document.text):
        reason = f"{name}: span {span.label} [{span.start}, {span.end}) is out of range"
        raise FormatError(str(out), reason)


def tag_document(out: Path, name: str, document: DocumentRecord, layer: str, scheme: str) -> Tagged:
    """The document's tokens (its own, or tokenized with the kept spans' offsets as
    boundaries) and their tags; the longest of overlapping spans is kept."""
    spans = keep_longest(layer_spans(document, layer))[0]
    for span in spans:
        check_span(out, name, document, span)
        if not span.label:
            raise FormatError(str(out), f"{name}: span {ref(document, span)} has no label")
    boundaries = [offset for span in spans for offset in (span.start, span.end)]
    texts, tokens = document_token_words(document.text, document.meta, boundaries)
    ranges = []
    for span in spans:
        first = bisect_left(tokens.starts, span.start)
        last = bisect_right(tokens.ends, span.end) - 1
        if first > last:
            raise FormatError(str(out), f"{name}: span {ref(document, span)} has no token")
        ranges.append((first, last, span.label))
    tags = encode_tags(len(tokens.starts), ranges, scheme)
    return Tagged(tokens.starts, tokens.ends, tags, texts)


def sentence_starts(text: str, tagged: Tagged) -> list[int]:
    """Indexes of the tokens that begin a sentence: the first, and each first token after a
    line break that no span crosses (the break is inside no I-/L- tagged token run)."""
    starts = [0] if tagged.starts else []
    for match in _NEWLINE.finditer(text):
        index = bisect_left(tagged.starts, match.end())
        if index == len(tagged.starts) or index == starts[-1]:
            continue
        if tagged.starts[index - 1] < match.start() and tagged.tags[index][:1] not in ("I", "L"):
            starts.append(index)
    return starts
