"""What every imported document must be, whatever its format, checked before any of it is
written: a text (not empty, not over the size limit, no lone surrogates), an id the web pages
can open, and one text per id within an input.

A lone surrogate (`"\\ud800"` escaped in JSON) is no character: UTF-8 cannot encode it, so the
database write failed with a raw codec error naming no file. Ids go into URLs
(`/documents/<document_id>`), which cannot hold a `/`, and into a String(256) column.
"""

import json
import re
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

from annotator.formats.limits import DOCUMENT_CHARS
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.text.brief import brief

MAX_ID_CHARACTERS = 256
ID_RULE = (
    f"a document id is 1 to {MAX_ID_CHARACTERS} characters, without '/', '\\' or control "
    "characters, and not '.' or '..'"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_IN_ID = re.compile("[/\\\\\x00-\x1f\x7f-\x9f\u2028\u2029]")


def id_problem(document_id: str) -> str | None:
    """Why document_id breaks the id rule, or None when it follows it."""
    if not document_id or len(document_id) > MAX_ID_CHARACTERS or document_id in (".", ".."):
        return f"document id {brief(document_id)}: {ID_RULE}"
    if _NOT_IN_ID.search(document_id) or _SURROGATE.search(document_id):
        return f"document id {brief(document_id)}: {ID_RULE}"
    return None


def checked_documents(
    documents: Iterable[DocumentRecord], seen: "SeenDocuments"
) -> Iterator[DocumentRecord]:
    """The documents, each checked (check_document) before anything looks at it further."""
    max_chars = seen.max_chars
    for document in documents:
        check_document(document, max_chars)
        yield document


def check_document(document: DocumentRecord, max_chars: int) -> None:
    """FormatError naming the document's file and line when it cannot be imported as it is
    (max_chars: the ANNOTATOR_MAX_DOCUMENT_CHARS the input is read under)."""
    where = document.where
    for name, value in (
        ("text", document.text),
        ("title", document.title),
        ("annotator", document.annotator),
    ):
        if not isinstance(value, str) or _encodes(value):  # fast, and most texts
            continue
        surrogate = _SURROGATE.search(value)
        if surrogate:
            code = f"\\u{ord(surrogate.group()):04x}"
            raise FormatError(
                where,
                f"the {name} holds a lone surrogate ({code}) at offset {surrogate.start()}, "
                "which is not a character",
            )
    for kind, annotations in (("span", document.spans), ("suggestion", document.suggestions)):
        for index, annotation in enumerate(annotations):
            for name, value in (("label", annotation.label), ("source", annotation.source)):
                if isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
                    raise FormatError(
                        where,
                        f"{annotation.ref or f'{kind} {index}'}: the {name} holds a lone "
                        "surrogate, which is not a character",
                    )
    for name, value in (("meta", document.meta), ("kept", document.kept)):
        dumped = json.dumps(value, ensure_ascii=False) if value else ""
        surrogate = None if dumped.isascii() else _SURROGATE.search(dumped)
        if surrogate:  # stored escaped, but every export writes UTF-8
            code = f"\\u{ord(surrogate.group()):04x}"
            raise FormatError(
                where, f"the {name} holds a lone surrogate ({code}), which is not a character"
            )
    if document.id is not None:
        problem = id_problem(document.id)
        if problem:
            raise FormatError(where, problem)
    if not document.text.strip():
        raise FormatError(where, "the text is empty or only whitespace")
    if len(document.text) > max_chars:
        raise FormatError(
            where,
            f"the text has {len(document.text)} characters, over the limit of "
            f"{DOCUMENT_CHARS.describe()}",
        )


def _encodes(value: str) -> bool:
    """Whether value is UTF-8 text: only a lone surrogate cannot be encoded (and encoding is
    twice as fast as searching for one)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class SeenDocuments:
    """The ids and texts one input has given so far, to refuse an id given two texts (naming
    both places) and to report a text given under a second id (merged into the first)."""

    where_by_id: dict[str, str] = field(default_factory=dict)
    max_chars: int = field(default_factory=DOCUMENT_CHARS.value)  # read once per input
    merged: list[str] = field(default_factory=list)

    def first_place(self, document_id: str) -> str | None:
        """Where this input first gave document_id, if it did."""
        return self.where_by_id.get(document_id)

    def add(self, document: DocumentRecord, stored_id: str) -> None:
        """Note a document written (or merged) under stored_id."""
        self.where_by_id.setdefault(stored_id, document.where)
        if document.id is not None and document.id != stored_id:
            note = f"{document.id}: same text as {stored_id}, merged into {stored_id}"
            if note not in self.merged:
                self.merged.append(note)
