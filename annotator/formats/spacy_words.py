"""A text as spaCy Doc words and spaces, so that `Doc(vocab, words, spaces).text` is the text
exactly: the project's tokens (`annotator.text.tokens.token_offsets`, every span offset a
boundary); one space after a token is its `whitespace_`, any other whitespace (leading, runs,
newlines, CRLF, a space a span starts on or ends after) becomes whitespace words, cut at span
offsets so every span starts and ends on a word edge.
"""

from bisect import bisect_left
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress
from operator import not_

from annotator.formats.records import Annotation
from annotator.text.tokens import token_words

_PLAIN_GAPS = frozenset(("", " "))


@dataclass(frozen=True)
class _Cuts:
    """Where spans start and end: the places a Doc must have token edges."""

    starts: frozenset[int]
    ends: frozenset[int]
    offsets: tuple[int, ...]


def words_and_spaces(text: str, spans: Iterable[Annotation]) -> tuple[list[str], list[bool]]:
    """Doc words and spaces for text, breaking at every span offset, whitespace included.

    Most gaps between tokens are nothing or one space (the previous word's trailing space),
    so words and spaces are made for all tokens at once; the other gaps (line breaks, runs of
    spaces, a space at a span's edge) are spliced in as whitespace words."""
    spans = list(spans)
    starts = frozenset(span.start for span in spans)
    ends = frozenset(span.end for span in spans)
    cuts = _Cuts(starts, ends, tuple(sorted(starts | ends)))
    words, tokens = token_words(text, cuts.offsets)
    gap_starts, gap_ends = [0, *tokens.ends], [*tokens.starts, len(text)]
    gaps = list(map(text.__getitem__, map(slice, gap_starts, gap_ends)))
    spaces = list(map(" ".__eq__, gaps[1:]))
    special = list(compress(range(len(gaps)), map(not_, map(_PLAIN_GAPS.__contains__, gaps))))
    if gaps[0] == " ":  # leading whitespace is a word of its own
        special.insert(0, 0)
    edges = {p for p in starts if text[p : p + 1] == " "} | {p - 1 for p in ends if p > 0}
    edges = {p for p in edges if text[p : p + 1] == " "}
    if edges:  # a one-space gap at a span's edge cannot be a trailing space
        special = sorted({*special, *(i for i in range(1, len(gaps)) if gap_starts[i] in edges)})
    if not special:
        return words, spaces
    out_words: list[str] = []
    out_spaces: list[bool] = []
    copied = 0
    for index in special:
        out_words.extend(words[copied:index])
        out_spaces.extend(spaces[copied:index])
        if out_spaces:
            out_spaces[-1] = False
        _add_gap(text, gap_starts[index], gap_ends[index], cuts, out_words, out_spaces)
        copied = index
    out_words.extend(words[copied:])
    out_spaces.extend(spaces[copied:])
    return out_words, out_spaces


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
