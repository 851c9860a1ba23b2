"""Texts as the project stores them: titles and content hashes."""

import hashlib

TITLE_LENGTH = 200


def content_hash(text: str) -> str:
    """The hash that recognises a text imported twice. A lone surrogate is hashed, not raised
    on: the import's document check refuses it by file and line."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def title_of(text: str) -> str:
    """A title for a text that has none: its first non-empty line, shortened."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:TITLE_LENGTH]
    return "(empty)"
