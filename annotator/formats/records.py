"""What every format reads into and writes from: documents with their annotations.

Offsets are Python code points, `[start, end)`, on `text` exactly as the file gives it (see
`annotator.text.offsets`). A reader converts its format's offsets (tokens, UTF-16, bytes) here,
once.
"""

from dataclasses import dataclass
from dataclasses import field

from annotator.text.decoding import NotUtf8Error
from annotator.text.decoding import decode_utf8 as decode_bytes


class FormatError(ValueError):
    """A file a reader cannot take; str() is 'file:line: reason' (or 'file: reason')."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {reason}")


@dataclass(slots=True)
class Annotation:
    """A labelled span. A discontinuous one (brat `T1 ORG 0 5;16 23`) keeps its fragments, in
    order; start/end are then the first fragment's start and the last one's end."""

    start: int
    end: int
    label: str
    fragments: tuple[tuple[int, int], ...] | None = None
    layer: str | None = None  # the file's own type for the label, when it has one
    score: float | None = None  # for predictions
    ref: str = ""  # where it came from, for messages: "T3", "region abc", "span 2"
    text: str | None = None  # the file's own copy of the span's text, checked on import
    source: str | None = None  # for suggestions: who proposed it (a model, a pattern file)
    status: str | None = None  # for suggestions: pending, accepted or rejected
    # The file states the layer for this span (our JSONL): it must be the label's layer.
    layer_stated: bool = False


@dataclass
class DocumentRecord:
    """A text and what a file says about it."""

    text: str
    id: str | None = None
    title: str | None = None
    meta: dict = field(default_factory=dict)
    annotator: str | None = None
    status: str | None = None
    spans: list[Annotation] = field(default_factory=list)  # the annotator's own
    suggestions: list[Annotation] = field(default_factory=list)  # predictions / pre-annotations
    rejected: list[Annotation] = field(default_factory=list)  # e.g. Prodigy answer: reject
    # What the project cannot store yet (relations, attributes, notes, unsupported lines), kept
    # verbatim so nothing is lost: {"relations": [...], "attributes": [...], ...}.
    kept: dict = field(default_factory=dict)
    where: str = ""  # "file:line" for messages
    notes: list[str] = field(default_factory=list)  # for the import report: skipped members
    source: str = ""  # the file name it came from


def decode_utf8(data: bytes, name: str, position: int = 0) -> str:
    """Decode a file's UTF-8 (one leading BOM dropped), or FormatError naming the file;
    position is where data starts in the file (see `annotator.text.decoding`)."""
    try:
        return decode_bytes(data, position)
    except NotUtf8Error as error:
        raise FormatError(name, str(error)) from None
