"""What every table shares: UTC timestamps."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import func


def utc_now() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(UTC)


def timestamp_column() -> Column:
    """A UTC timestamp; the database fills it in when a bulk import leaves it out."""
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())
