"""How much one import may read: the limits a hostile file meets before it costs memory.

Each limit is an `ANNOTATOR_*` environment variable (a whole number), read when it is used, so
a test or a server can change it; README "Security" lists them.
"""

from dataclasses import dataclass

from annotator.config import byte_limit


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, default and what it counts."""

    variable: str
    default: int
    unit: str

    def value(self) -> int:
        """The limit now: the environment variable's value, else the default."""
        return byte_limit(self.variable, self.default)

    def describe(self) -> str:
        """'10000000 characters (ANNOTATOR_MAX_DOCUMENT_CHARS)', for messages."""
        return f"{self.value()} {self.unit} ({self.variable})"


DOCUMENT_CHARS = Limit("ANNOTATOR_MAX_DOCUMENT_CHARS", 10_000_000, "characters")
LINE_BYTES = Limit("ANNOTATOR_MAX_LINE_BYTES", 64 * 2**20, "bytes")
ZIP_MEMBER_BYTES = Limit("ANNOTATOR_MAX_ZIP_MEMBER_BYTES", 256 * 2**20, "bytes")
ZIP_TOTAL_BYTES = Limit("ANNOTATOR_MAX_ZIP_TOTAL_BYTES", 2 * 2**30, "bytes")
ZIP_MEMBERS = Limit("ANNOTATOR_MAX_ZIP_MEMBERS", 100_000, "members")
ZIP_RATIO = Limit("ANNOTATOR_MAX_ZIP_RATIO", 100, "times its compressed size")
