"""Matching loaded patterns against a text."""

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.suggestions.pattern_files import ANY_VALUE
from annotator.suggestions.pattern_files import PHRASE_ATTRS
from annotator.suggestions.pattern_files import Pattern
from annotator.suggestions.pattern_files import TokenSpec
from annotator.text.tokens import Token
from annotator.text.tokens import tokenize


@dataclass(frozen=True, order=True)
class Match:
    """A labelled range of the text, code points [start, end)."""

    start: int
    end: int
    label: str


class PatternMatcher:
    """Patterns indexed by the text of the token they can start on, ready to match texts."""

    def __init__(self, patterns: list[Pattern], phrase_attr: str = "ORTH") -> None:
        """Index phrases and token patterns; phrase_attr LOWER matches phrases in any case."""
        if phrase_attr not in PHRASE_ATTRS:
            raise ValueError(f"phrase_attr must be one of {', '.join(PHRASE_ATTRS)}")
        self.lower_phrases = phrase_attr == "LOWER"
        self._phrases: dict[str, list[Pattern]] = {}
        self._token_patterns: dict[tuple[str, str], list[Pattern]] = {}
        for pattern in patterns:
            if pattern.phrase is not None:
                key = _first_token_text(pattern.phrase, self.lower_phrases)
                self._phrases.setdefault(key, []).append(pattern)
            else:
                for key in _first_keys(pattern.tokens):
                    self._token_patterns.setdefault(key, []).append(pattern)

    def match(self, text: str) -> list[Match]:
        """Every match in text, longest first per label, sorted by (start, end, label)."""
        tokens = tokenize(text)
        ends = {token.end: index for index, token in enumerate(tokens)}
        found: set[Match] = set()
        for index, token in enumerate(tokens):
            word = text[token.start : token.end]
            found.update(self._phrase_matches(text, token, word, ends))
            for pattern in self._token_candidates(word):
                for end in _token_pattern_ends(text, tokens, ends, pattern.tokens, 0, index, None):
                    found.add(Match(token.start, end, pattern.label))
        return _longest_per_label(found)

    def _phrase_matches(self, text: str, token: Token, word: str, ends) -> Iterator[Match]:
        """Phrases that start on this token and end on a token edge."""
        key = word.lower() if self.lower_phrases else word
        for pattern in self._phrases.get(key, ()):
            phrase = pattern.phrase
            end = token.start + len(phrase)
            if end not in ends:
                continue
            here = text[token.start : end]
            if here == phrase or (self.lower_phrases and here.lower() == phrase.lower()):
                yield Match(token.start, end, pattern.label)

    def _token_candidates(self, word: str) -> list[Pattern]:
        """Token patterns that may start on a token with this text."""
        candidates = self._token_patterns.get(ANY_VALUE, [])
        for key in (("ORTH", word), ("LOWER", word.lower())):
            candidates = candidates + self._token_patterns.get(key, [])
        return candidates


def _first_token_text(value: str, lower: bool) -> str:
    """The text of the first token of value (lowercased when asked)."""
    first = tokenize(value)[0]
    text = value[first.start : first.end]
    return text.lower() if lower else text


def _first_keys(specs: tuple[TokenSpec, ...]) -> set[tuple[str, str]]:
    """The (attribute, first token text) keys a token pattern can start with."""
    keys = set()
    for spec in specs:
        if not spec.conditions:
            return {ANY_VALUE}
        attr, value = spec.conditions[0]
        keys.add((attr, _first_token_text(value, lower=False)))
        if not spec.optional:
            break
    return keys


def _token_pattern_ends(text, tokens, ends, specs, spec_index, token_index, previous_end):
    """The end offsets at which specs[spec_index:] match from tokens[token_index] on."""
    if spec_index == len(specs):
        return {previous_end} if previous_end is not None else set()
    spec = specs[spec_index]
    results = set()
    if spec.optional:
        results |= _token_pattern_ends(
            text, tokens, ends, specs, spec_index + 1, token_index, previous_end
        )
    end = _spec_end(text, tokens, ends, spec, token_index, previous_end)
    if end is not None:
        results |= _token_pattern_ends(
            text, tokens, ends, specs, spec_index + 1, ends[end] + 1, end
        )
    return results


def _spec_end(text, tokens, ends, spec: TokenSpec, token_index: int, previous_end) -> int | None:
    """Where spec ends when it matches starting at tokens[token_index], else None."""
    if token_index >= len(tokens):
        return None
    token = tokens[token_index]
    if previous_end is not None and text[previous_end : token.start] not in ("", " "):
        return None
    if not spec.conditions:
        return token.end
    end = token.start + len(spec.conditions[0][1])
    if end not in ends:
        return None
    here = text[token.start : end]
    for attr, value in spec.conditions:
        if (here.lower() if attr == "LOWER" else here) != value:
            return None
    return end


def _longest_per_label(matches: set[Match]) -> list[Match]:
    """Keep, for each label, the longest of overlapping matches (the first on a tie)."""
    kept_by_label: dict[str, list[tuple[int, int]]] = {}
    kept = []
    for match in sorted(matches, key=lambda m: (m.start - m.end, m.start, m.label)):
        intervals = kept_by_label.setdefault(match.label, [])
        position = bisect_left(intervals, (match.start, match.end))
        if position > 0 and intervals[position - 1][1] > match.start:
            continue
        if position < len(intervals) and intervals[position][0] < match.end:
            continue
        intervals.insert(position, (match.start, match.end))
        kept.append(match)
    return sorted(kept)
