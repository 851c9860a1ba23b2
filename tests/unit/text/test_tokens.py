"""The tokenizer: the fast path (standard-library regex) gives exactly the tokens of the
definition (word runs with marks and joiners, or one grapheme), on random text full of what
breaks naive tokenizers: emoji ZWJ sequences, flags, skin tones, combining marks, CRLF."""

import random
import re

import pytest
import regex

from annotator.text import tokens
from annotator.text.tokens import TOKEN_OFFSETS
from annotator.text.tokens import Token
from annotator.text.tokens import document_token_offsets
from annotator.text.tokens import document_tokens
from annotator.text.tokens import token_offsets
from annotator.text.tokens import tokenize

_DEFINITION = regex.compile(r"[\w\p{M}\u200d\ufe0f]+|\X", regex.UNICODE)

PIECES = [
    "a", "Zoë", "naïve", "e\u0301", "\u0301", "1", "_", "-", ".", "'", "\u2019", "\u201c",
    " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u2028", "\u3000",
    "👩\u200d👩\u200d👧", "\u200d", "🇫🇷", "🇩🇪🇫", "\U0001f1fa", "👍🏽", "🏽", "❤\ufe0f", "\ufe0f",
    "🙂", "❤\ufe0f\ufe0f", "☀\ufe0f", "'\ufe0f",
    "𝔘", "日本語", "한국어", "\u1100\u1161", "क्षि", "\u093f", "ก\u0e33",
    "\u0600", "٣", "Ⅻ", "\u102b", "x\u20dd",
]  # fmt: skip


def reference(text: str, boundaries=()) -> list[tuple[int, int]]:
    """The tokens by the definition, cut at boundaries, the slow obvious way."""
    cuts = sorted(set(boundaries))
    pieces = []
    for match in _DEFINITION.finditer(text):
        start, end = match.span()
        if text[start].isspace():
            continue
        for cut in cuts:
            if start < cut < end:
                pieces.append((start, cut))
                start = cut
        pieces.append((start, end))
    return pieces


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))


def as_pairs(offsets) -> list[tuple[int, int]]:
    return list(zip(offsets.starts, offsets.ends, strict=True))


def test_matches_the_definition_on_random_text():
    rng = random.Random(20261206)
    for _ in range(3000):
        text = random_text(rng)
        boundaries = [rng.randint(0, len(text)) for _ in range(rng.randint(0, 4))]
        assert as_pairs(token_offsets(text, boundaries)) == reference(text, boundaries), text


def test_fast_path_equals_regex_path_where_it_is_taken():
    rng = random.Random(7)
    taken = 0
    for _ in range(3000):
        text = random_text(rng)
        if tokens.is_simple(text):
            taken += 1
            assert tokens._fast_offsets(text) == tokens._regex_offsets(text), text
    assert taken > 100  # the check is not vacuous


@pytest.mark.parametrize(
    "text",
    ["👩\u200d👩\u200d👧 ok", "🇫🇷🇩🇪", "cafe\u0301 au lait", "a\r\nb", "x\u0301", "🙂🏽", "\u0600a"],
    ids=["zwj", "flags", "combining", "crlf", "mark", "modifier", "prepend"],
)
def test_joining_characters_take_the_regex_path(text):
    assert as_pairs(token_offsets(text)) == reference(text)


def test_every_safe_character_agrees_between_engines():
    """A character the fast path calls safe is a word character, whitespace or neither for
    both engines, and joins no grapheme."""
    sample = "".join(map(chr, range(0, 0x3100))) + "".join(map(chr, range(0x1F000, 0x1FA00)))
    sample = "".join(ch for ch in sample if not 0xD800 <= ord(ch) <= 0xDFFF)
    tokens.is_simple(sample)
    for char in tokens._SAFE - {"\ufe0f"}:  # U+FE0F: safe only after a symbol
        assert bool(re.match(r"\w", char)) == bool(regex.match(r"[\w\p{M}\u200d\ufe0f]", char))
        assert char.isspace() == bool(re.match(r"\s", char))
        assert as_pairs(token_offsets(f"a{char}b")) == reference(f"a{char}b"), hex(ord(char))


def test_tokens_say_whether_whitespace_follows():
    assert tokenize("Hi, you\u00a0there\r\n") == [
        Token(0, 2, False),
        Token(2, 3, True),
        Token(4, 7, True),
        Token(8, 13, True),
    ]


def test_boundaries_split_tokens_and_ignore_whitespace():
    assert as_pairs(token_offsets("SonyCorp  x", [4, 9, 0, 11, 99])) == [(0, 4), (4, 8), (10, 11)]


def test_kept_tokens_are_used_when_they_fit():
    meta = {TOKEN_OFFSETS: [[0, 3], [4, 6]]}
    assert as_pairs(document_token_offsets("n't be", meta, [1])) == [(0, 1), (1, 3), (4, 6)]
    assert document_tokens("n't be", meta) == [Token(0, 3, True), Token(4, 6, False)]


@pytest.mark.parametrize(
    "kept",
    [
        [[0, 2], [1, 3]],  # overlapping
        [[0, 3], [3, 7]],  # holds whitespace
        [[0, 3], [4, 99]],  # past the end
        [[0, 3], [3, 5]],  # starts with whitespace
        [[0, True], [4, 6]],  # not integers
        "0-3",
    ],
    ids=["overlap", "space-inside", "past-end", "leading-space", "bool", "not-a-list"],
)
def test_kept_tokens_that_do_not_fit_are_ignored(kept):
    text = "n't be"
    result = document_token_offsets(text, {TOKEN_OFFSETS: kept})
    assert as_pairs(result) == reference(text)


def test_long_text_with_many_boundaries():
    text = "word " * 20_000
    boundaries = range(2, len(text), 5)  # inside every word
    assert len(token_offsets(text, boundaries).starts) == 40_000


def test_simple_text_tokenizes_piece_by_piece_as_whole():
    """What the CoNLL writer relies on: simple text cut at the span offsets gives, piece by
    piece, the words of the whole text's tokens with those offsets as boundaries."""
    rng = random.Random(11)
    for _ in range(2000):
        text = random_text(rng)
        if not tokens.is_simple(text):
            continue
        cuts = sorted({rng.randint(0, len(text)) for _ in range(rng.randint(0, 5))})
        edges = [0, *cuts, len(text)]
        pieces = [tokens.simple_words(text[a:b]) for a, b in zip(edges, edges[1:], strict=False)]
        whole = token_offsets(text, cuts)
        assert [word for piece in pieces for word in piece] == [
            text[start:end] for start, end in as_pairs(whole)
        ], text
