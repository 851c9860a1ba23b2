"""Pattern files for `annotator suggest`, matched over a document's text without spaCy.

Two file forms:

- JSONL (any name not ending in .txt/.tsv), one pattern per line as spaCy's EntityRuler reads
  them: `{"label": "ORG", "pattern": "European Union"}` is a phrase, matched as the exact
  string; `{"label": "GPE", "pattern": [{"LOWER": "new"}, {"LOWER": "york"}]}` is a token
  pattern, one object per token, by `ORTH`/`TEXT` (the exact text) or `LOWER` (the lowercased
  text); `{}` is any one token and `"OP": "?"` makes a token optional. `"id"` is allowed (and
  not used).
- A dictionary, `.txt` or `.tsv`: `LABEL<TAB>phrase` lines; blank lines and `#` comments skip.

Tokens are `annotator.text.tokens.tokenize`'s (a run of word characters, or one other
character). A phrase or token value matches only on token edges, so "Iran" never matches
inside "Irani", and a value like "U.S." (four tokens here, one in spaCy) still matches. As in
spaCy, whose tokenizer keeps only a single space out of its tokens, the tokens of a token
pattern may be apart by at most one space. Case-insensitive phrases are a matcher-wide
setting, `phrase_attr="LOWER"`, like the EntityRuler's `phrase_matcher_attr`; spaCy has no
per-pattern switch. Where matches of one label overlap, the longest (then the first) wins, as
in the EntityRuler; matches of different labels are all kept. Offsets are code points.
"""

import json
from dataclasses import dataclass
from pathlib import Path

DICTIONARY_SUFFIXES = (".txt", ".tsv")
PHRASE_ATTRS = ("ORTH", "LOWER")
_PATTERN_KEYS = {"label", "pattern", "id"}
_TOKEN_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER"}
# Sentinel key for a token pattern that may start with any token.
ANY_VALUE = ("*", "")


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
