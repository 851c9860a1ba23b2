"""The items of a file that holds one JSON list (or one JSON object), read a piece at a time:
memory holds the item being read, not the file (Label Studio exports are one list of tasks).

UTF-8, one leading BOM dropped. Errors name the file, and the line for JSON that does not parse.
"""

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from annotator.formats.jsonlines import TOO_DEEP
from annotator.formats.records import FormatError
from annotator.formats.records import decode_utf8

CHUNK_BYTES = 1 << 20
_WHITESPACE = " \t\n\r"


class _Buffer:
    """Decoded text read so far (less what has been consumed), refilled from the file."""

    def __init__(self, handle: BinaryIO, name: str) -> None:
        self.handle = handle
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.text = ""
        self.position = 0  # into text
        self.lines_before = 0  # lines in the text already dropped
        self.bytes_read = 0
        self.ended = False

    def more(self) -> bool:
        """Read another piece; False at the end of the file."""
        if self.ended:
            return False
        data = self.handle.read(CHUNK_BYTES)
        pending = self.decoder.getstate()[0]  # the start of a character cut by the last read
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            # the one UTF-8 decoder says where; it counts from the start of the cut character
            decode_utf8(pending + data, self.name, self.bytes_read - len(pending))
            raise
        if self.bytes_read == 0:
            text = text.removeprefix("\ufeff")
        self.bytes_read += len(data)
        self.ended = not data
        self.drop_consumed()
        self.text += text
        return True

    def drop_consumed(self) -> None:
        """Forget the text before position."""
        self.lines_before += self.text.count("\n", 0, self.position)
        self.text = self.text[self.position :]
        self.position = 0

    def next_char(self) -> str:
        """The next character that is not whitespace ("" at the end), not consumed."""
        while True:
            while self.position < len(self.text) and self.text[self.position] in _WHITESPACE:
                self.position += 1
            if self.position < len(self.text) or not self.more():
                return self.text[self.position : self.position + 1]

    def value(self) -> object:
        """The JSON value at position, consumed; reads on while it is cut short."""
        decoder = json.JSONDecoder()
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.position)
            except json.JSONDecodeError as error:
                if self.more():
                    continue
                line = self.lines_before + error.lineno
                raise FormatError(self.name, f"not JSON ({error.msg})", line) from None
            except RecursionError:
                raise self.refuse(TOO_DEEP) from None
            self.position = end
            if self.position > CHUNK_BYTES:
                self.drop_consumed()
            return value

    def refuse(self, reason: str) -> FormatError:
        """A FormatError at the current line."""
        return FormatError(
            self.name, reason, self.lines_before + self.text.count("\n", 0, self.position) + 1
        )


def read_items(path: Path) -> Iterator[object]:
    """Each item of the file's JSON list, or the one object the file holds."""
    name = str(path)
    with Path(path).open("rb") as handle:
        buffer = _Buffer(handle, name)
        first = buffer.next_char()
        if first == "{":
            yield buffer.value()
        elif first == "[":
            buffer.position += 1
            yield from _list_items(buffer)
        elif first:
            buffer.value()  # says why it is not JSON, if it is not
            raise FormatError(name, "expected a JSON list or one JSON object")
        else:
            raise FormatError(name, "not JSON (the file is empty)")
        if buffer.next_char():
            raise buffer.refuse("not JSON (extra data after the value)")


def _list_items(buffer: _Buffer) -> Iterator[object]:
    """The items of a list whose "[" was consumed, up to and including its "]"."""
    if buffer.next_char() == "]":
        buffer.position += 1
        return
    while True:
        buffer.next_char()
        yield buffer.value()
        separator = buffer.next_char()
        buffer.position += 1
        if separator == "]":
            return
        if separator != ",":
            raise buffer.refuse("not JSON (expected ',' or ']' between list items)")
