"""The tokenizer for token-based formats (Prodigy, CoNLL/IOB, Hugging Face, spaCy).

A token is a run of word characters (letters, digits, combining marks, joiners: `\\w` plus
marks, ZWJ and variation selectors), or one other non-space character (punctuation, an emoji
and its modifiers count as one grapheme via `\\X`). Tokens never contain whitespace; `ws` says
whether whitespace follows. Offsets are code points on the text as stored.

Tokens also break at every offset in `boundaries`, so each span starts and ends on a token
edge and maps to tokens exactly (`'U.S.-led'` with a span on `U.S.` becomes `U.S.`, `-led`
rather than dropping the span).
"""

import re
from bisect import bisect_left
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from itertools import compress
from operator import not_
from typing import NamedTuple

import regex

# Where a document keeps the tokens its source file had ([[start, end], ...]), e.g. CoNLL.
TOKEN_OFFSETS = "token_offsets"
_TOKEN = regex.compile(r"[\w\p{M}\u200d\ufe0f]+|\X", regex.UNICODE)
# The same tokens in simple text (see is_simple): the standard library's regex is several
# times faster, and it partitions the text, whitespace included. The one joining character
# simple text may hold is U+FE0F (emoji presentation, as in "❤️") right after a symbol.
# Possessive (++, *+): the same matches (the alternatives' classes are disjoint and nothing
# follows them), ~25% faster because the engine keeps no backtracking points.
_FAST = re.compile(r"\w++|\s++|[^\w\s]\ufe0f*+")
_WORDS = re.compile(r"\w++|[^\w\s]\ufe0f*+")  # _FAST's pieces without the whitespace ones
_LOOSE_VS16 = re.compile(r"(?:^|[\w\s])\ufe0f")  # U+FE0F first, or after a word or space
_WORD = regex.compile(r"[\w\p{M}\u200d\ufe0f]")
_JOINS = regex.compile(r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=RI}]")
_SPACE = re.compile(r"\s")  # the same characters as str.isspace
_SAFE: set[str] = {*map(chr, range(128)), "\ufe0f"}  # U+FE0F: see _LOOSE_VS16
_SAFE_RUN = re.compile(r"[\x00-\x7f\ufe0f]*")  # text of known-safe characters only
_safe_run_size = len(_SAFE)
_safe_run_builds = 0
_UNSAFE: set[str] = set()


@dataclass(frozen=True, slots=True)
class Token:
    """A token: code points [start, end) of the text, and whether whitespace follows."""

    start: int
    end: int
    ws: bool


class TokenOffsets(NamedTuple):
    """Tokens as two lists: where each starts and ends (code points, end exclusive)."""

    starts: list[int]
    ends: list[int]


def tokenize(text: str, boundaries: Iterable[int] = ()) -> list[Token]:
    """Split text into tokens, also breaking at each offset in boundaries."""
    return _as_tokens(text, token_offsets(text, boundaries))


def _as_tokens(text: str, offsets: TokenOffsets) -> list[Token]:
    """Token objects (with whether whitespace follows) from offsets."""
    length = len(text)
    return [
        Token(start, end, end < length and text[end].isspace())
        for start, end in zip(offsets.starts, offsets.ends, strict=True)
    ]


def token_offsets(text: str, boundaries: Iterable[int] = ()) -> TokenOffsets:
    """The tokens of text (see the module docstring), also broken at each offset in
    boundaries, as start and end lists."""
    return token_words(text, boundaries)[1]


def token_words(text: str, boundaries: Iterable[int] = ()) -> tuple[list[str], TokenOffsets]:
    """token_offsets(text, boundaries) and the tokens' texts; in simple text the texts come
    with the offsets from one regex pass rather than a slice each."""
    if not is_simple(text):
        tokens = _cut(_regex_offsets(text), boundaries)
        return _slices(text, tokens), tokens
    words, tokens = _fast_words(text)
    _cut(tokens, boundaries)
    if len(tokens.starts) != len(words):  # a token was cut: its pieces are new texts
        return _slices(text, tokens), tokens
    return words, tokens


def _slices(text: str, tokens: TokenOffsets) -> list[str]:
    """The texts of tokens, sliced from text."""
    return list(map(text.__getitem__, map(slice, tokens.starts, tokens.ends)))


def simple_words(text: str) -> list[str]:
    """The texts of text's tokens; only right when is_simple(text) (or of a piece of it).
    Whitespace splits first, in C; a piece of word characters only (isalnum is exactly the
    regex's \\w, less "_") is one token, and only the other pieces go through the regex."""
    words: list[str] = []
    for piece in text.split():
        if piece.isalnum():
            words.append(piece)
        else:
            words.extend(_WORDS.findall(piece))
    return words


def _fast_offsets(text: str) -> TokenOffsets:
    """The tokens by the standard library's regex; only right when is_simple(text)."""
    return _fast_words(text)[1]


def _fast_words(text: str) -> tuple[list[str], TokenOffsets]:
    """The tokens' texts and offsets by the standard library's regex, which partitions the text
    into word runs, whitespace runs and single other characters; only right when
    is_simple(text)."""
    pieces = _FAST.findall(text)
    ends = list(accumulate(map(len, pieces)))
    words = list(map(not_, map(str.isspace, pieces)))
    tokens = TokenOffsets(list(compress([0, *ends[:-1]], words)), list(compress(ends, words)))
    return list(compress(pieces, words)), tokens


def _regex_offsets(text: str) -> TokenOffsets:
    """The tokens by the definition: word runs (marks and joiners included) or graphemes."""
    starts, ends = [], []
    for match in _TOKEN.finditer(text):
        if not text[match.start()].isspace():  # \X also matches whitespace: no token
            starts.append(match.start())
            ends.append(match.end())
    return TokenOffsets(starts, ends)


def is_simple(text: str) -> bool:
    """Whether every grapheme of text is one code point and both regex engines agree on its
    word characters: then the fast path gives exactly the tokens of the definition, and text
    cut anywhere tokenizes piece by piece as it does whole with the cuts as boundaries. True
    when each character is a word character for both engines or for neither, whitespace for
    both or neither, and never joins the one before it into a grapheme (combining marks,
    joiners, variation selectors, regional indicators, prepended marks), except U+FE0F
    right after a symbol (or another U+FE0F), which both paths keep with the symbol."""
    if text.isascii():
        return True
    if _SAFE_RUN.fullmatch(text) is None and not _known_safe(text):
        return False
    return "\ufe0f" not in text or _LOOSE_VS16.search(text) is None


def _known_safe(text: str) -> bool:
    """Whether every character of text is safe (see is_simple), learning new ones. The scan for
    known-safe text is rebuilt when new safe characters were learned (after 64 rebuilds, only
    when they have doubled, so text of ever new characters cannot make it rebuild forever)."""
    global _SAFE_RUN, _safe_run_size, _safe_run_builds
    unknown = set(text).difference(_SAFE)
    if not unknown.isdisjoint(_UNSAFE):
        return False
    for char in unknown:
        same_word = bool(_WORD.match(char)) == bool(re.match(r"\w", char))
        same_space = char.isspace() == bool(re.match(r"\s", char))
        safe = same_word and same_space and not _JOINS.match(char)
        (_SAFE if safe else _UNSAFE).add(char)
    needed = 2 * _safe_run_size if _safe_run_builds >= 64 else _safe_run_size + 1
    if len(_SAFE) >= needed:
        _SAFE_RUN = re.compile(f"[{''.join(map(re.escape, sorted(_SAFE)))}]*")
        _safe_run_size = len(_SAFE)
        _safe_run_builds += 1
    return unknown.isdisjoint(_UNSAFE)


def _cut(tokens: TokenOffsets, boundaries: Iterable[int]) -> TokenOffsets:
    """tokens, each split at the boundaries strictly inside it."""
    starts, ends = tokens
    for cut in sorted(set(boundaries)):
        index = bisect_right(starts, cut) - 1
        if index >= 0 and cut < ends[index] and cut != starts[index]:
            starts.insert(index + 1, cut)
            ends.insert(index, cut)
    return tokens


def document_token_offsets(text: str, meta: dict, boundaries: Iterable[int] = ()) -> TokenOffsets:
    """The tokens the document's source file had (meta[TOKEN_OFFSETS]), when they fit the
    text, still broken at boundaries; otherwise token_offsets(text, boundaries)."""
    return document_token_words(text, meta, boundaries)[1]


def document_token_words(
    text: str, meta: dict, boundaries: Iterable[int] = ()
) -> tuple[list[str], TokenOffsets]:
    """document_token_offsets and the tokens' texts."""
    kept = meta.get(TOKEN_OFFSETS) if isinstance(meta, dict) else None
    if not _fits(kept, text):
        return token_words(text, boundaries)
    starts = [start for start, _ in kept]
    ends = [end for _, end in kept]
    tokens = _cut(TokenOffsets(starts, ends), boundaries)
    return _slices(text, tokens), tokens


def document_tokens(text: str, meta: dict, boundaries: Iterable[int] = ()) -> list[Token]:
    """document_token_offsets as Tokens."""
    return _as_tokens(text, document_token_offsets(text, meta, boundaries))


def _fits(kept: object, text: str) -> bool:
    """True for [[start, end], ...] in order, inside the text, never covering whitespace."""
    if not isinstance(kept, list) or not kept:
        return False
    previous = 0
    for item in kept:
        if not (isinstance(item, list | tuple) and len(item) == 2):
            return False
        start, end = item
        if not (type(start) is int and type(end) is int and previous <= start < end):
            return False
        previous = end
    if previous > len(text):
        return False
    return _SPACE.search("".join([text[start:end] for start, end in kept])) is None


def token_span(tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    """The first and last (inclusive) token indexes covering exactly [start, end), or None."""
    first = bisect_left(tokens, start, key=lambda token: token.start)
    last = bisect_left(tokens, end, key=lambda token: token.end)
    if first == len(tokens) or last == len(tokens) or first > last:
        return None
    if tokens[first].start != start or tokens[last].end != end:
        return None
    return first, last
