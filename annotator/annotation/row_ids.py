"""Row ids as clients send them: an id no integer column can hold names no row.

Id columns are INTEGER: 64 bits on SQLite but 32 on PostgreSQL, whose largest is 2**31 - 1. A
larger id from a URL would fail in the driver (a 500) instead of answering that the row does
not exist.
"""

from annotator.errors import NotFoundError
from annotator.text.brief import brief

MAX_ROW_ID = 2**31 - 1


def require_row_id(kind: str, row_id: int) -> None:
    """NotFoundError naming the row unless 1 <= row_id <= MAX_ROW_ID."""
    if not 1 <= row_id <= MAX_ROW_ID:
        raise NotFoundError(f"{kind} {brief(row_id)} does not exist")
