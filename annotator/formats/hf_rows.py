"""One Hugging Face token-classification row checked and turned into text, token offsets and
tag names (see `annotator.formats.hf` for the format). Checks run over whole lists at once;
only a row that fails them is walked token by token, to say which token is wrong."""

from collections.abc import Sequence
from operator import sub

TAGS_KEY = "ner_tags"


class RowError(ValueError):
    """A problem with one row; the reader adds the file and line."""


def token_count(row: dict) -> int:
    """The row's number of tokens, checking they are strings."""
    tokens = row.get("tokens")
    if not isinstance(tokens, list) or not set(map(type, tokens)) <= {str}:
        raise RowError("'tokens' must be a list of strings")
    return len(tokens)


def row_tags(tags: object, names: Sequence[str] | None, count: int) -> list[str]:
    """The row's tags as names; ids are looked up in names."""
    if not isinstance(tags, list) or len(tags) != count:
        raise RowError(f"'{TAGS_KEY}' must be a list with one tag per token ({count})")
    kinds = set(map(type, tags))
    if (
        kinds == {int}
        and names is not None
        and (not tags or 0 <= min(tags) <= max(tags) < len(names))
    ):
        return list(map(names.__getitem__, tags))
    if kinds <= {str}:
        return tags
    result = []
    for index, tag in enumerate(tags):
        if isinstance(tag, str):
            result.append(tag)
        elif isinstance(tag, int) and not isinstance(tag, bool) and names is not None:
            if not 0 <= tag < len(names):
                raise RowError(f"token {index}: tag id {tag} is not in the label list")
            result.append(names[tag])
        else:
            raise RowError(f"token {index}: tag {tag!r} is neither a name nor a label id")
    return result


def row_text(row: dict, tokens: list[str]) -> tuple[str, list]:
    """The row's text and token offsets: as given, else tokens joined by spaces."""
    if "offsets" not in row:
        offsets, position = [], 0
        for token in tokens:
            offsets.append((position, position + len(token)))
            position += len(token) + 1
        return " ".join(tokens), offsets
    text, offsets = row.get("text"), row["offsets"]
    if not isinstance(text, str):
        raise RowError("'offsets' needs the row's 'text'")
    if not isinstance(offsets, list) or len(offsets) != len(tokens):
        raise RowError("'offsets' must be a list with one [start, end] per token")
    if _offsets_fit(text, tokens, offsets):
        return text, offsets
    return text, [
        _offset(text, token, pair, index)
        for index, (token, pair) in enumerate(zip(tokens, offsets, strict=True))
    ]


def _offsets_fit(text: str, tokens: list[str], offsets: list) -> bool:
    """Whether every offset is [start, end] of its token in text, checked in bulk (a token's
    length is end - start and text has it at start); _offset says what is wrong if not."""
    if not offsets:
        return True
    if set(map(type, offsets)) != {list}:
        return False
    try:  # one tuple of starts and one of ends, unless a pair is not two items
        starts, ends = zip(*offsets, strict=True)
    except ValueError:
        return False
    if set(map(type, starts)) != {int} or set(map(type, ends)) != {int}:
        return False
    if min(starts) < 0 or max(ends) > len(text):
        return False
    if list(map(sub, ends, starts)) != list(map(len, tokens)):
        return False
    return all(map(text.startswith, tokens, starts))


def _offset(text: str, token: str, pair: object, index: int) -> tuple[int, int]:
    """One token's [start, end], checked against the text."""
    ok = isinstance(pair, list) and len(pair) == 2 and all(type(x) is int for x in pair)
    if not ok:
        raise RowError(f"token {index}: offsets {pair!r} are not [start, end]")
    start, end = pair
    if not 0 <= start <= end <= len(text) or text[start:end] != token:
        raise RowError(f"token {index}: {token!r} is not text[{start}:{end}]")
    return start, end
