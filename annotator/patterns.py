"""Pattern files for `annotator suggest`, matched over a document's text without spaCy.

Two file forms:

- JSONL (any name not ending in .txt/.tsv), one pattern per line as spaCy's EntityRuler reads
  them: `{"label": "ORG", "pattern": "European Union"}` is a phrase, matched as the exact
  string; `{"label": "GPE", "pattern": [{"LOWER": "new"}, {"LOWER": "york"}]}` is a token
  pattern, one object per token, by `ORTH`/`TEXT` (the exact text) or `LOWER` (the lowercased
  text); `{}` is any one token and `"OP": "?"` makes a token optional. `"id"` is allowed (and
  not used).
- A dictionary, `.txt` or `.tsv`: `LABEL<TAB>phrase` lines; blank lines and `#` comments skip.

Tokens are `annotator.formats.tokens.tokenize`'s (a run of word characters, or one other
character). A phrase or token value matches only on token edges, so "Iran" never matches
inside "Irani", and a value like "U.S." (four tokens here, one in spaCy) still matches. As in
spaCy, whose tokenizer keeps only a single space out of its tokens, the tokens of a token
pattern may be apart by at most one space. Case-insensitive phrases are a matcher-wide
setting, `phrase_attr="LOWER"`, like the EntityRuler's `phrase_matcher_attr`; spaCy has no
per-pattern switch. Where matches of one label overlap, the longest (then the first) wins, as
in the EntityRuler; matches of different labels are all kept. Offsets are code points.
"""

import json
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.formats.tokens import Token
from annotator.formats.tokens import tokenize

DICTIONARY_SUFFIXES = (".txt", ".tsv")
PHRASE_ATTRS = ("ORTH", "LOWER")
_PATTERN_KEYS = {"label", "pattern", "id"}
_TOKEN_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER"}
# Sentinel key for a token pattern that may start with any token.
_ANY = ("*", "")


class PatternError(ValueError):
    """A bad pattern file; str() is '<file>:<line>: <problem>'."""

    def __init__(self, path: str | Path, line: int, problem: str) -> None:
        """Name the file and line, so the user can find the problem."""
        super().__init__(f"{path}:{line}: {problem}")
        self.line = line


@dataclass(frozen=True)
class TokenSpec:
    """One token of a token pattern: (attribute, value) conditions, all to hold."""

    conditions: tuple[tuple[str, str], ...]
    optional: bool = False


@dataclass(frozen=True)
class Pattern:
    """A phrase or a token pattern for one label, and the file line it came from."""

    label: str
    line: int
    phrase: str | None = None
    tokens: tuple[TokenSpec, ...] = ()


@dataclass(frozen=True, order=True)
class Match:
    """A labelled range of the text, code points [start, end)."""

    start: int
    end: int
    label: str


def load_patterns(path: str | Path) -> list[Pattern]:
    """Read a JSONL pattern file or a .txt/.tsv dictionary; PatternError names file and line."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PatternError(path, 1, f"not UTF-8 ({error.reason})") from None
    parse = _dictionary_line if path.suffix.lower() in DICTIONARY_SUFFIXES else _jsonl_line
    patterns = []
    # JSONL lines end at \n; str.splitlines would also cut at U+2028, which JSON allows raw.
    for number, line in enumerate(content.split("\n"), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            patterns.append(parse(path, number, line))
    if not patterns:
        raise PatternError(path, 1, "no patterns in the file")
    return patterns


def labels_used(patterns: list[Pattern]) -> dict[str, list[int]]:
    """Each label the patterns use, with the lines that use it."""
    used: dict[str, list[int]] = {}
    for pattern in patterns:
        used.setdefault(pattern.label, []).append(pattern.line)
    return used


def _dictionary_line(path: Path, number: int, line: str) -> Pattern:
    """A `LABEL<TAB>phrase` line."""
    label, tab, phrase = line.partition("\t")
    if not tab:
        raise PatternError(path, number, "expected LABEL<TAB>phrase")
    if not label.strip():
        raise PatternError(path, number, "missing label before the tab")
    _check_phrase(path, number, phrase)
    return Pattern(label=label.strip(), line=number, phrase=phrase)


def _jsonl_line(path: Path, number: int, line: str) -> Pattern:
    """A spaCy EntityRuler pattern line: {"label", "pattern", "id"?}."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise PatternError(path, number, f"not JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise PatternError(path, number, "expected a JSON object")
    unknown = sorted(set(record) - _PATTERN_KEYS)
    if unknown:
        hint = (
            " (case-insensitive phrases: --phrase-matcher-attr LOWER)" if "lower" in unknown else ""
        )
        raise PatternError(path, number, f"unknown key {', '.join(map(repr, unknown))}{hint}")
    for key in ("label", "pattern"):
        if key not in record:
            raise PatternError(path, number, f'missing "{key}"')
    label = record["label"]
    if not isinstance(label, str) or not label.strip():
        raise PatternError(path, number, '"label" must be a non-empty string')
    pattern = record["pattern"]
    if isinstance(pattern, str):
        _check_phrase(path, number, pattern)
        return Pattern(label=label, line=number, phrase=pattern)
    if isinstance(pattern, list) and pattern:
        tokens = tuple(_token_spec(path, number, i, spec) for i, spec in enumerate(pattern, 1))
        if all(token.optional for token in tokens):
            raise PatternError(path, number, "every token is optional: the pattern matches nothing")
        return Pattern(label=label, line=number, tokens=tokens)
    raise PatternError(path, number, '"pattern" must be a string or a list of token objects')


def _check_phrase(path: Path, number: int, phrase: str) -> None:
    """A phrase is non-empty text without whitespace at either end."""
    if not phrase.strip():
        raise PatternError(path, number, "empty phrase")
    if phrase != phrase.strip():
        raise PatternError(path, number, f"phrase {phrase!r} starts or ends with whitespace")


def _token_spec(path: Path, number: int, index: int, spec: object) -> TokenSpec:
    """One token object of a token pattern, checked."""
    where = f"token {index}"
    if not isinstance(spec, dict):
        raise PatternError(path, number, f'{where}: expected an object like {{"LOWER": "new"}}')
    conditions = []
    optional = False
    for key, value in spec.items():
        name = key.upper()
        if name == "OP":
            if value != "?":
                raise PatternError(
                    path, number, f"{where}: OP {value!r} is not supported (only '?')"
                )
            optional = True
            continue
        if name not in _TOKEN_ATTRS:
            raise PatternError(
                path,
                number,
                f"{where}: unknown attribute {key!r} (supported: ORTH, TEXT, LOWER, OP)",
            )
        conditions.append((_TOKEN_ATTRS[name], _token_value(path, number, where, key, value)))
    return TokenSpec(conditions=tuple(conditions), optional=optional)


def _token_value(path: Path, number: int, where: str, key: str, value: object) -> str:
    """A token attribute's value: a non-empty string without whitespace."""
    if not isinstance(value, str):
        raise PatternError(
            path, number, f"{where}: {key} must be a string (operators like IN are not supported)"
        )
    if not value or any(char.isspace() for char in value):
        raise PatternError(path, number, f"{where}: {key} {value!r} is not one token's text")
    return value


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
        candidates = self._token_patterns.get(_ANY, [])
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
            return {_ANY}
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
