"""One Prodigy task, checked: its header (text, meta, annotator), its tokens against the text,
and its spans against their tokens, each with its answer (see `annotator.formats.prodigy`)."""

from collections.abc import Iterator

from annotator.formats import jsonlines
from annotator.formats.records import Annotation
from annotator.formats.records import FormatError

ANSWERS = ("accept", "reject", "ignore")
_NO_TEXT = object()  # a token without its own "text"
_TASK_INFO_KEYS = (
    "_input_hash",
    "_task_hash",
    "answer",
    "_annotator_id",
    "_session_id",
    "_view_id",
)


def task_header(record: object, name: str, number: int) -> tuple[str, dict, str | None]:
    """The task's text, meta and annotator id, checked."""
    record = jsonlines.object_record(record, name, number)
    text = jsonlines.record_text(record, name, number)
    meta = jsonlines.record_meta(record, name, number)
    annotator = record.get("_annotator_id")
    if annotator is not None and not isinstance(annotator, str):
        raise FormatError(name, '"_annotator_id" must be a string', number)
    return text, meta, annotator


def task_info(record: dict, number: int) -> dict:
    """What a task says about itself: line, hashes, answer, session."""
    return {"line": number, **{key: record[key] for key in _TASK_INFO_KEYS if key in record}}


def _answer(value: object, name: str, number: int, what: str) -> str:
    """A checked answer; a missing one counts as accept."""
    if value is None:
        return "accept"
    if value not in ANSWERS:
        raise FormatError(name, f"{what} answer {value!r} is not one of {ANSWERS}", number)
    return value


def _tokens(record: dict, text: str, name: str, number: int) -> list[tuple[int, int]] | None:
    """The (start, end) of the task's tokens, checked against the text, or None when it has
    none. A task has a token per word, so this loop is kept tight (no object per token)."""
    tokens = record.get("tokens")
    if tokens is None:
        return None
    if not isinstance(tokens, list):
        raise FormatError(name, '"tokens" must be a list', number)
    length = len(text)
    bounds = []
    append = bounds.append
    for index, token in enumerate(tokens):
        try:
            start, end, own = token["start"], token["end"], token.get("text", _NO_TEXT)
        except (TypeError, KeyError, AttributeError):
            start = end = own = None
        if (
            type(start) is not int
            or type(end) is not int
            or not 0 <= start <= end <= length
            or (own is not _NO_TEXT and own != text[start:end])
        ):
            _refuse_token(token, index, text, name, number)
        append((start, end))
    return bounds


def _refuse_token(token: object, index: int, text: str, name: str, number: int) -> None:
    """Say what is wrong with one token."""
    start = token.get("start") if isinstance(token, dict) else None
    end = token.get("end") if isinstance(token, dict) else None
    if type(start) is not int or type(end) is not int or not 0 <= start <= end <= len(text):
        raise FormatError(name, f"token {index} needs integer start <= end within the text", number)
    raise FormatError(
        name,
        f"token {index} text {token['text']!r} is not the text at {start}-{end} "
        f"({text[start:end]!r})",
        number,
    )


def task_spans(record: dict, text: str, name: str, number: int) -> Iterator[tuple[Annotation, str]]:
    """(annotation, answer) for each span of a task, checked against its tokens and text."""
    tokens = _tokens(record, text, name, number)
    task_answer = _answer(record.get("answer"), name, number, "task")
    spans = record.get("spans")
    if spans is None:
        return
    if not isinstance(spans, list):
        raise FormatError(name, '"spans" must be a list', number)
    for index, span in enumerate(spans):
        if not isinstance(span, dict):
            raise FormatError(name, f"span {index} is not an object", number)
        annotation = _span(span, index, text, tokens, name, number)
        answer = task_answer
        if "answer" in span:
            answer = _answer(span["answer"], name, number, f"span {index}")
        yield annotation, answer


def _span(
    span: dict, index: int, text: str, tokens: list[tuple[int, int]] | None, name: str, number: int
) -> Annotation:
    """One checked span as an Annotation."""
    label = span.get("label")
    if not isinstance(label, str) or not label:
        raise FormatError(name, f'span {index} needs a "label"', number)
    start, end = _span_offsets(span, index, tokens, name, number)
    if not 0 <= start < end <= len(text):
        raise FormatError(
            name, f"span {index} {start}-{end} is not within the text (length {len(text)})", number
        )
    if "text" in span and span["text"] != text[start:end]:
        raise FormatError(
            name,
            f"span {index} text {span['text']!r} is not the text at {start}-{end} "
            f"({text[start:end]!r})",
            number,
        )
    score = span.get("score")
    score = float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None
    return Annotation(start, end, label, score=score, ref=f"line {number} span {index}")


def _span_offsets(
    span: dict, index: int, tokens: list[tuple[int, int]] | None, name: str, number: int
) -> tuple[int, int]:
    """Character offsets of a span, checked against its tokens when both are given."""
    start, end = span.get("start"), span.get("end")
    has_chars = type(start) is int and type(end) is int
    token_range = _token_range(span, index, tokens, name, number)
    if token_range is None:
        if not has_chars:
            raise FormatError(name, f'span {index} needs integer "start" and "end"', number)
        return start, end
    token_start, token_end = token_range
    if not has_chars:
        return token_start, token_end
    if (start, end) != (token_start, token_end):
        raise FormatError(
            name,
            f"span {index} {start}-{end} disagrees with its tokens "
            f"{span['token_start']}-{span['token_end']} ({token_start}-{token_end})",
            number,
        )
    return start, end


def _token_range(
    span: dict, index: int, tokens: list[tuple[int, int]] | None, name: str, number: int
) -> tuple[int, int] | None:
    """Character range of a span's token_start..token_end (inclusive), or None without both."""
    first, last = span.get("token_start"), span.get("token_end")
    if tokens is None or first is None or last is None:
        return None
    if type(first) is not int or type(last) is not int or not 0 <= first <= last < len(tokens):
        raise FormatError(
            name,
            f"span {index} token_start/token_end {first!r}-{last!r} are not tokens of the task "
            f"({len(tokens)} tokens)",
            number,
        )
    return tokens[first][0], tokens[last][1]
