"""Row ids as clients send them: an id no integer column can hold names no row.

SQLite's and PostgreSQL's largest integer is 2**63 - 1; a larger id from a URL would fail in
the driver (a 500) instead of answering that the row does not exist.
"""

from annotator.errors import NotFoundError
from annotator.text.brief import brief

MAX_ROW_ID = 2**63 - 1


def require_row_id(kind: str, row_id: int) -> None:
    """NotFoundError naming the row unless 1 <= row_id <= MAX_ROW_ID."""
    if not 1 <= row_id <= MAX_ROW_ID:
        raise NotFoundError(f"{kind} {brief(row_id)} does not exist")
