"""The tokenizer for token-based formats (Prodigy, CoNLL/IOB, Hugging Face, spaCy).

A token is a run of word characters (letters, digits, combining marks, joiners: `\\w` plus
marks, ZWJ and variation selectors), or one other non-space character (punctuation, an emoji
and its modifiers count as one grapheme via `\\X`). Tokens never contain whitespace; `ws` says
whether whitespace follows. Offsets are code points on the text as stored.

Tokens also break at every offset in `boundaries`, so each span starts and ends on a token
edge and maps to tokens exactly (`'U.S.-led'` with a span on `U.S.` becomes `U.S.`, `-led`
rather than dropping the span).
"""

from bisect import bisect_left
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import regex

# Where a document keeps the tokens its source file had ([[start, end], ...]), e.g. CoNLL.
TOKEN_OFFSETS = "token_offsets"
_TOKEN = regex.compile(r"[\w\p{M}\u200d\ufe0f]+|\X", regex.UNICODE)


@dataclass(frozen=True, slots=True)
class Token:
    """A token: code points [start, end) of the text, and whether whitespace follows."""

    start: int
    end: int
    ws: bool


def tokenize(text: str, boundaries: Iterable[int] = ()) -> list[Token]:
    """Split text into tokens, also breaking at each offset in boundaries."""
    cuts = sorted(set(boundaries))
    pieces: list[tuple[int, int]] = []
    next_cut = 0  # tokens come in order: walk the cuts alongside them
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if text[start].isspace():  # \X also matches whitespace, which is no token
            continue
        while next_cut < len(cuts) and cuts[next_cut] <= start:
            next_cut += 1
        while next_cut < len(cuts) and cuts[next_cut] < end:
            pieces.append((start, cuts[next_cut]))
            start = cuts[next_cut]
            next_cut += 1
        pieces.append((start, end))
    length = len(text)
    return [Token(start, end, end < length and text[end].isspace()) for start, end in pieces]


def document_tokens(text: str, meta: dict, boundaries: Iterable[int] = ()) -> list[Token]:
    """The tokens the document's source file had (meta[TOKEN_OFFSETS]), when they fit the
    text, still broken at boundaries; otherwise tokenize(text, boundaries)."""
    kept = meta.get(TOKEN_OFFSETS) if isinstance(meta, dict) else None
    if not _fits(kept, text):
        return tokenize(text, boundaries)
    cuts = sorted(set(boundaries))
    pieces = [piece for start, end in kept for piece in _split(start, end, cuts)]
    return [Token(start, end, end < len(text) and text[end].isspace()) for start, end in pieces]


def _fits(kept: object, text: str) -> bool:
    """True for [[start, end], ...] in order, inside the text, never covering whitespace."""
    if not isinstance(kept, list) or not kept:
        return False
    previous = 0
    for item in kept:
        if not (isinstance(item, list | tuple) and len(item) == 2):
            return False
        start, end = item
        if not (isinstance(start, int) and isinstance(end, int) and previous <= start < end):
            return False
        if end > len(text) or any(char.isspace() for char in text[start:end]):
            return False
        previous = end
    return True


def _split(start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    """[start, end) cut at the boundaries that fall strictly inside it."""
    pieces = []
    index = bisect_right(cuts, start)
    while index < len(cuts) and cuts[index] < end:
        pieces.append((start, cuts[index]))
        start = cuts[index]
        index += 1
    pieces.append((start, end))
    return pieces


def token_span(tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    """The first and last (inclusive) token indexes covering exactly [start, end), or None."""
    first = bisect_left(tokens, start, key=lambda token: token.start)
    last = bisect_left(tokens, end, key=lambda token: token.end)
    if first == len(tokens) or last == len(tokens) or first > last:
        return None
    if tokens[first].start != start or tokens[last].end != end:
        return None
    return first, last
